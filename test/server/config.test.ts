import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, configurationTable, loadConfig } from '../../src/config.js';
import { spawnMain } from './main-process.js';

const README = fileURLToPath(new URL('../../README.md', import.meta.url));

function refusal(env: Record<string, string>): string {
  try {
    loadConfig(env, false);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('accepted');
}

describe('configuration', () => {
  it('has defaults for everything outside production', () => {
    const config = loadConfig({}, false);
    expect(config).toMatchObject({ port: 4000, host: '127.0.0.1', databaseUrl: null });
    expect(config.services.executor).toBe('simulated');
    expect(config.log).toEqual({ level: 'info', pretty: false });
    expect(loadConfig({}, true).log.pretty).toBe(true);
    expect(loadConfig({ LOG_FORMAT: 'json' }, true).log.pretty).toBe(false);
  });

  it('names the variable and what is wrong, never echoing a secret', () => {
    expect(refusal({ PORT: 'abc' })).toBe('PORT must be a port number (got "abc")');
    expect(refusal({ PORT: '70000' })).toMatch(/^PORT must be a port number from 0 to 65535/);
    expect(refusal({ DATABASE_URL: 'base' })).toBe(
      'DATABASE_URL must be a postgresql://user@host:port/database URL',
    );
    expect(refusal({ QUELL_EXECUTOR: 'robot' })).toMatch(/^QUELL_EXECUTOR must be/);
    expect(refusal({ QUELL_IDEMPOTENCY_TTL_HOURS: '2' })).toMatch(/at least 24 hours/);
    expect(refusal({ QUELL_JWT_SECRET: 'short' })).toBe(
      'QUELL_JWT_SECRET must be at least 16 characters',
    );
    expect(refusal({ NODE_ENV: 'production' })).toMatch(/^QUELL_JWT_SECRET \(or QUELL_JWKS_URL\)/);
  });

  it('is documented in the README from the same source', () => {
    expect(readFileSync(README, 'utf8')).toContain(configurationTable());
  });
});

describe('npm start with a bad value', () => {
  it('says it in one line on stderr and exits 2, before PostgreSQL starts', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'quell-config-'));
    const aFile = join(folder, 'a-file');
    writeFileSync(aFile, 'not a folder');
    const cases: [Record<string, string>, string][] = [
      [
        { PORT: 'abc', QUELL_DATA_DIR: join(folder, 'never') },
        'quell: PORT must be a port number (got "abc")\n',
      ],
      [
        { DATABASE_URL: 'base' },
        'quell: DATABASE_URL must be a postgresql://user@host:port/database URL\n',
      ],
      [
        { DATABASE_URL: 'postgresql://quell@127.0.0.1:1/quell' },
        'quell: DATABASE_URL: cannot connect to 127.0.0.1:1 (connect ECONNREFUSED 127.0.0.1:1)\n',
      ],
      [{ QUELL_DATA_DIR: aFile }, `quell: QUELL_DATA_DIR is not a folder: ${aFile}\n`],
      [
        { QUELL_DATA_DIR: '/proc/quell/data' },
        'quell: QUELL_DATA_DIR cannot be created (ENOENT): /proc/quell/data\n',
      ],
    ];
    // Any free port unless the case sets one: files run side by side, and another may hold 4000.
    const runs = cases.map(([env]) => spawnMain({ PORT: '0', ...env }));
    for (const [index, run] of runs.entries()) {
      expect(await run.exited).toBe(2);
      expect(run.stderr()).toBe(cases[index]![1]);
      expect(run.lines).toEqual([]);
    }
    expect(readdirSync(folder)).toEqual(['a-file']);
  }, 180_000);
});
