// Accepted tokens are remembered (src/auth/verified-tokens.ts) so that the same dashboard token is
// not signature-checked on every request; what a caller sees must not change: an expired token is
// refused at once, a refused one stays refused, and a token signed with another key never passes.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidTokenError, signToken, type TokenSettings } from '../../src/auth/tokens.js';
import { verifyTokenRemembered } from '../../src/auth/verified-tokens.js';

const secret = new TextEncoder().encode('verified-tokens-test-secret');
const claims = { sub: 'dana', tid: 'contoso', roles: ['viewer'], groups: '*' as const };

function settings(): TokenSettings {
  return {
    secret,
    jwks: null,
    lifetime: { maxLifetimeSeconds: 86_400, maxAgentLifetimeSeconds: 86_400, clockSkewSeconds: 0 },
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('remembered token verification', () => {
  it('answers a repeated token with the identity it verified, and refuses it once it has expired', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = new Date('2026-12-02T12:00:00Z');
    vi.setSystemTime(start);
    const verifying = settings();
    const token = await signToken(claims, secret, '10s');
    const first = await verifyTokenRemembered(token, verifying);
    expect(first).toMatchObject({ subject: 'dana', tenantId: 'contoso', groups: 'all' });
    expect(await verifyTokenRemembered(token, verifying)).toBe(first);
    vi.setSystemTime(new Date(start.getTime() + 11_000));
    await expect(verifyTokenRemembered(token, verifying)).rejects.toBeInstanceOf(InvalidTokenError);
  });

  it('keeps refusing a token signed with another key, and a tampered copy of an accepted one', async () => {
    const verifying = settings();
    const good = await signToken(claims, secret);
    await verifyTokenRemembered(good, verifying);
    const forged = await signToken(claims, new TextEncoder().encode('another-secret'));
    const [head, , signature] = good.split('.');
    const widened = Buffer.from(JSON.stringify({ ...claims, tid: 'fabrikam', exp: 4e9 })).toString(
      'base64url',
    );
    for (const bad of [forged, forged, `${head}.${widened}.${signature}`]) {
      await expect(verifyTokenRemembered(bad, verifying)).rejects.toBeInstanceOf(InvalidTokenError);
    }
    expect((await verifyTokenRemembered(good, verifying)).tenantId).toBe('contoso');
  });
});
