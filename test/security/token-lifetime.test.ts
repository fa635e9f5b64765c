// Issue 10 item 9: a token must end, within a bounded lifetime, and not be issued in the future.
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenSettingsFromEnv } from '../../src/auth/tokens.js';
import { loadConfig } from '../../src/config.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

const HOUR = 3600;
const now = () => Math.floor(Date.now() / 1000);

/** A correctly signed token with exactly the time claims given (none when undefined). */
function sign(times: { iat?: number; exp?: number }, roles = ['viewer']) {
  let jwt = new SignJWT({ sub: 'tester', tid: 'tenant-a', roles, groups: '*' }).setProtectedHeader({
    alg: 'HS256',
  });
  if (times.iat !== undefined) jwt = jwt.setIssuedAt(times.iat);
  if (times.exp !== undefined) jwt = jwt.setExpirationTime(times.exp);
  return jwt.sign(tokenSettingsFromEnv().secret!);
}

async function answer(token: string) {
  const response = await fetch(server.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: '{ deviceGroups(first: 1) { totalCount } }' }),
  });
  const body = (await response.json()) as {
    data?: unknown;
    errors?: { message: string; extensions?: { code?: string } }[];
  };
  return { status: response.status, code: body.errors?.[0]?.extensions?.code, body };
}

describe('token lifetime', () => {
  it.each([
    ['no exp at all', { iat: now() }, /exp/],
    ['a 100-year exp', { iat: now(), exp: now() + 100 * 365 * 24 * HOUR }, /lifetime/],
    ['25 hours without iat', { exp: now() + 25 * HOUR }, /lifetime/],
    ['an iat 10 minutes in the future', { iat: now() + 600, exp: now() + 2 * HOUR }, /future/],
    ['an exp 5 minutes past', { iat: now() - HOUR, exp: now() - 300 }, /exp/],
  ])('refuses a token with %s (401, UNAUTHENTICATED, the reason said)', async (_, times, why) => {
    const { status, code, body } = await answer(await sign(times));
    expect(status).toBe(401);
    expect(code).toBe('UNAUTHENTICATED');
    expect(body.errors?.[0]?.message).toMatch(why);
    expect(body.data ?? null).toBeNull();
  });

  it.each([
    ['23 hours', { iat: now(), exp: now() + 23 * HOUR }],
    ['24 hours issued 30 s ahead (within the skew)', { iat: now() + 30, exp: now() + 24 * HOUR }],
    ['an exp 20 s past (within the skew)', { iat: now() - HOUR, exp: now() - 20 }],
  ])('accepts a token of %s', async (_, times) => {
    const { status, body } = await answer(await sign(times));
    expect(body.errors).toBeUndefined();
    expect(status).toBe(200);
  });

  it('gives agents their own, longer bound (30 days by default)', async () => {
    const week = await sign({ iat: now(), exp: now() + 7 * 24 * HOUR }, ['agent']);
    expect((await answer(week)).code).not.toBe('UNAUTHENTICATED');
    const viewerWeek = await sign({ iat: now(), exp: now() + 7 * 24 * HOUR }, ['viewer']);
    expect((await answer(viewerWeek)).code).toBe('UNAUTHENTICATED');
    const months = await sign({ iat: now(), exp: now() + 31 * 24 * HOUR }, ['agent']);
    expect((await answer(months)).code).toBe('UNAUTHENTICATED');
  });

  it('keeps the helpers’ tokens (12 h, as npm start prints) valid', async () => {
    const { status, body } = await answer(await server.token({ roles: ['viewer'] }));
    expect(body.errors).toBeUndefined();
    expect(status).toBe(200);
  });
});

describe('token settings', () => {
  it('reads the bounds from the environment and names a bad variable', () => {
    const config = loadConfig(
      {
        QUELL_MAX_TOKEN_LIFETIME_HOURS: '2',
        QUELL_MAX_AGENT_TOKEN_LIFETIME_HOURS: '48',
        QUELL_TOKEN_CLOCK_SKEW_SECONDS: '5',
      },
      false,
    );
    expect(config.tokens.lifetime).toEqual({
      maxLifetimeSeconds: 2 * HOUR,
      maxAgentLifetimeSeconds: 48 * HOUR,
      clockSkewSeconds: 5,
    });
    expect(loadConfig({}, false).tokens.lifetime).toEqual({
      maxLifetimeSeconds: 24 * HOUR,
      maxAgentLifetimeSeconds: 720 * HOUR,
      clockSkewSeconds: 60,
    });
    expect(() => loadConfig({ QUELL_MAX_TOKEN_LIFETIME_HOURS: 'forever' }, false)).toThrow(
      /^QUELL_MAX_TOKEN_LIFETIME_HOURS must be a number of hours/,
    );
    expect(() => loadConfig({ QUELL_TOKEN_CLOCK_SKEW_SECONDS: '-1' }, false)).toThrow(
      /^QUELL_TOKEN_CLOCK_SKEW_SECONDS/,
    );
    expect(
      loadConfig({ QUELL_CORS_ORIGINS: 'https://a.example/, http://b.example:8080' }, false)
        .corsOrigins,
    ).toEqual(['https://a.example', 'http://b.example:8080']);
    expect(() => loadConfig({ QUELL_CORS_ORIGINS: 'not an origin' }, false)).toThrow(
      /^QUELL_CORS_ORIGINS/,
    );
  });
});
