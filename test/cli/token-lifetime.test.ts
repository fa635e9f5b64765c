// `quell token --expires` never mints a token the server would refuse for its lifetime.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import packageJson from '../../package.json' with { type: 'json' };
import { tokenSettingsFrom, verifyToken } from '../../src/auth/tokens.js';
import { loadConfig } from '../../src/config.js';

const BIN = new URL(`../../${packageJson.bin.quell}`, import.meta.url).pathname;
const run = promisify(execFile);

async function quell(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** Verifies as a server configured by `env` does. */
function acceptedBy(env: Record<string, string>, token: string) {
  return verifyToken(token, tokenSettingsFrom(loadConfig(env, false).tokens));
}

// Each command is a fresh node + tsx process: on a busy 2-core machine one takes seconds.
describe('quell token --expires', { timeout: 120_000 }, () => {
  it('refuses a lifetime beyond the server maximum in one line, exit code 2', async () => {
    const env = { QUELL_MAX_TOKEN_LIFETIME_HOURS: '24' };
    const refused = await quell(['token', '--roles', 'viewer', '--expires', '2d'], env);
    expect(refused).toEqual({
      code: 2,
      stdout: '',
      stderr:
        "token: --expires 2d is beyond the server's maximum token lifetime (QUELL_MAX_TOKEN_LIFETIME_HOURS: 24 hours)\n",
    });
  });

  it('mints up to the maximum, and a default no longer than it; the server accepts both', async () => {
    const env = { QUELL_MAX_TOKEN_LIFETIME_HOURS: '2' };
    const atMaximum = await quell(['token', '--roles', 'viewer', '--expires', '120m'], env);
    expect(atMaximum.code, atMaximum.stderr).toBe(0);
    const byDefault = await quell(['token', '--roles', 'viewer'], env);
    expect(byDefault.code, byDefault.stderr).toBe(0);
    for (const [minted, seconds] of [
      [atMaximum, 7200],
      [byDefault, 7200],
    ] as const) {
      const token = minted.stdout.trim();
      const { iat, exp } = decodeJwt(token);
      expect(exp! - iat!).toBe(seconds);
      await expect(acceptedBy(env, token)).resolves.toMatchObject({ subject: 'dev-admin' });
    }
  });

  it("holds agent tokens to the agents' bound", async () => {
    const env = { QUELL_MAX_AGENT_TOKEN_LIFETIME_HOURS: '720' };
    const agent = ['token', '--roles', 'agent', '--did', '6f1c3e2a-9b4d-4c1e-8a7f-2d5b9e0c4a11'];
    const refused = await quell([...agent, '--expires', '31d'], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      "token: --expires 31d is beyond the server's maximum token lifetime (QUELL_MAX_AGENT_TOKEN_LIFETIME_HOURS: 720 hours)\n",
    );
    const minted = await quell([...agent, '--expires', '30d'], env);
    expect(minted.code, minted.stderr).toBe(0);
    const identity = await acceptedBy(env, minted.stdout.trim());
    expect([...identity.roles]).toEqual(['agent']);
  });
});
