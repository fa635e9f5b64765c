// Issue 10 item 11 (CORS, CSRF, cross-site WebSockets) and the production-mode test: what a
// browser page of another origin, and an attacker probing a production server, get to see.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { OWNER_ROLE, urlForRole } from '../../src/db/roles.js';
import { startTestServer, type TestServer } from '../support/server.js';

const ALLOWED = 'https://console.example.com';
const FOREIGN = 'https://evil.example';
const QUERY = JSON.stringify({ query: '{ deviceGroups(first: 1) { totalCount } }' });

let dev: TestServer;
let prod: TestServer;
beforeAll(async () => {
  [dev, prod] = await Promise.all([
    startTestServer({ corsOrigins: [ALLOWED] }),
    startTestServer({ production: true }),
  ]);
});
afterAll(() => Promise.all([dev?.close(), prod?.close()]));

async function post(server: TestServer, headers: Record<string, string>, body = QUERY) {
  return fetch(server.graphqlUrl, { method: 'POST', headers, body });
}

describe('CORS', () => {
  it('answers a foreign origin with no CORS header at all (no reflection, no credentials)', async () => {
    const token = await dev.token();
    for (const method of ['OPTIONS', 'POST'] as const) {
      const response = await fetch(dev.graphqlUrl, {
        method,
        headers: {
          origin: FOREIGN,
          'access-control-request-method': 'POST',
          'content-type': 'application/json',
          authorization: `Bearer ${token}`,
        },
        ...(method === 'POST' ? { body: QUERY } : {}),
      });
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    }
  });

  it('allows exactly a configured origin, and a same-origin server none', async () => {
    const preflight = await fetch(dev.graphqlUrl, {
      method: 'OPTIONS',
      headers: { origin: ALLOWED, 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
    const other = await fetch(prod.graphqlUrl, {
      method: 'OPTIONS',
      headers: { origin: ALLOWED, 'access-control-request-method': 'POST' },
    });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('CSRF prevention', () => {
  it('refuses a form-like request without a preflight header, typed, and runs nothing', async () => {
    const response = await post(dev, { 'content-type': 'text/plain' });
    expect(response.status).toBe(403);
    const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0]!.extensions.code).toBe('CSRF_HEADER_REQUIRED');
    const get = await fetch(`${dev.graphqlUrl}?query=${encodeURIComponent('{ __typename }')}`);
    expect(get.status).toBe(403);
  });

  it('keeps the page’s way (fetch with JSON and a bearer token) and bearer GETs working', async () => {
    const token = await dev.token();
    const page = await post(dev, {
      'content-type': 'application/json',
      authorization: `Bearer ${token}`,
    });
    expect(page.status).toBe(200);
    expect(await page.json()).toMatchObject({ data: { deviceGroups: { totalCount: 1 } } });
    const get = await fetch(`${dev.graphqlUrl}?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(await get.json()).toMatchObject({ data: { __typename: 'Query' } });
  });
});

describe('WebSocket origin', () => {
  const opens = (url: string, origin?: string) =>
    new Promise<boolean>((resolve) => {
      const socket = new WebSocket(url, 'graphql-transport-ws', origin ? { origin } : {});
      socket.once('open', () => {
        socket.close();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });

  it('refuses an upgrade from a foreign page, accepts allowed, same-origin and non-browser ones', async () => {
    const url = dev.graphqlUrl.replace(/^http/, 'ws');
    expect(await opens(url, FOREIGN)).toBe(false);
    expect(await opens(url, ALLOWED)).toBe(true);
    expect(await opens(url, new URL(dev.url).origin)).toBe(true);
    expect(await opens(url)).toBe(true);
  });
});

describe('production mode', () => {
  const ask = async (query: string) => {
    const response = await post(
      prod,
      {
        'content-type': 'application/json',
        authorization: `Bearer ${await prod.token()}`,
      },
      JSON.stringify({ query }),
    );
    return {
      status: response.status,
      text: await response.text(),
    };
  };

  it('refuses introspection with a typed error', async () => {
    for (const query of [
      '{ __schema { types { name } } }',
      '{ __type(name: "Device") { name } }',
    ]) {
      const { text } = await ask(query);
      const body = JSON.parse(text) as {
        data?: unknown;
        errors?: { extensions?: { code?: string } }[];
      };
      expect(body.errors?.[0]?.extensions?.code).toEqual(expect.any(String));
      expect(text).not.toContain('"Device"');
      expect(text).not.toContain('RemediationAction');
    }
  });

  it('suggests no field names', async () => {
    const { text } = await ask('{ deviceGroup { totalCount } }');
    expect(text).toContain('deviceGroup');
    expect(text).not.toMatch(/did you mean/i);
    expect(text).not.toContain('deviceGroups');
  });

  it('serves no GraphiQL (development does)', async () => {
    const page = (server: TestServer) =>
      fetch(server.graphqlUrl, { headers: { accept: 'text/html' } }).then((r) => r.text());
    expect(await page(dev)).toMatch(/graphiql/i);
    expect(await page(prod)).not.toMatch(/graphiql/i);
  });

  it('masks an internal failure: a code and a plain message, no stack, no SQL, no table name', async () => {
    await ask('{ deviceGroups(first: 1) { totalCount } }'); // the tenant exists before the break
    // As the tables' owner: the serving role may not rename a table.
    const database = new pg.Client({ connectionString: urlForRole(prod.databaseUrl, OWNER_ROLE) });
    await database.connect();
    await database.query('ALTER TABLE device_groups RENAME TO device_groups_broken');
    try {
      const { status, text } = await ask('{ deviceGroups(first: 1) { totalCount } }');
      expect(status).toBeLessThan(600);
      const body = JSON.parse(text) as { errors: { message: string; extensions: object }[] };
      expect(body.errors[0]!.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
      expect(text).not.toMatch(/device_groups|stack|at .*\.ts:|prisma|relation/i);
    } finally {
      await database.query('ALTER TABLE device_groups_broken RENAME TO device_groups');
      await database.end();
    }
  });
});
