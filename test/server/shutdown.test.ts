import { existsSync, mkdtempSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { developmentTokenSettings, signToken } from '../../src/auth/tokens.js';
import { resolveDatabase } from '../../src/db/database.js';
import { spawnMain } from './main-process.js';

const folder = mkdtempSync(join(tmpdir(), 'quell-shutdown-'));
const dataDir = join(folder, 'data');
const server = spawnMain({ PORT: '0', QUELL_DATA_DIR: dataDir });
afterAll(async () => {
  if (server.child.exitCode === null) server.child.kill('SIGKILL');
});

const token = () =>
  signToken(
    { sub: 'tester', tid: 'demo', roles: ['admin'], groups: '*' },
    developmentTokenSettings().secret!,
  );

/** A POST whose headers reached the server (it answered 100 Continue) and whose body has not. */
async function startRequestWithoutBody(url: string) {
  const body = JSON.stringify({
    query: 'query InFlight { remediationActions(first: 1) { totalCount } }',
  });
  const req = request(`${url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      authorization: `Bearer ${await token()}`,
      'x-request-id': 'in-flight-1',
      expect: '100-continue',
    },
  });
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.once('response', (res) => {
      let text = '';
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.once('error', reject);
  });
  await new Promise<void>((resolve) => req.once('continue', resolve));
  return { finish: () => req.end(body), response };
}

describe('npm start, then Ctrl-C', () => {
  it('serves, shares its database, refuses a second start on its port, and stops in order', async () => {
    const serving = await server.line((l) => typeof l.url === 'string');
    const url = String(serving.url).replace(/\/graphql$/, '');
    // A seed or CLI run meanwhile uses the running PostgreSQL instead of failing on its lock.
    const shared = await resolveDatabase({ databaseUrl: null, dataDir }, () => undefined);
    expect(shared.origin).toBe('running');
    const client = new pg.Client({ connectionString: shared.url });
    await client.connect();
    expect((await client.query('SELECT count(*) FROM _prisma_migrations')).rows[0].count).not.toBe(
      '0',
    );
    await client.end();

    // Another server on the same port: one line, exit 2, no PostgreSQL started for it.
    const otherData = join(folder, 'other');
    const second = spawnMain({ PORT: new URL(url).port, QUELL_DATA_DIR: otherData });
    expect(await second.exited).toBe(2);
    expect(second.stderr()).toBe(
      `quell: PORT ${new URL(url).port} is already in use on 127.0.0.1\n`,
    );
    expect(existsSync(otherData)).toBe(false);
    const inFlight = await startRequestWithoutBody(url);
    server.interrupt();
    await server.line((l) => String(l.msg).startsWith('shutting down'));
    await expect(fetch(`${url}/health`)).rejects.toThrow(); // no longer accepting
    inFlight.finish();
    const answered = await inFlight.response;
    expect(answered.status).toBe(200);
    expect(JSON.parse(answered.body)).toMatchObject({
      data: { remediationActions: { totalCount: 0 } },
    });
    expect(await server.exited).toBe(0);
    const messages = server.lines.map((l) => l.requestId ?? l.msg);
    const order = ['in-flight-1', 'requests finished; stopping the database', 'stopped'];
    expect(messages.filter((m) => order.includes(String(m)))).toEqual(order);
    expect(existsSync(join(dataDir, 'postmaster.pid'))).toBe(false);
    expect(existsSync(join(dataDir, 'quell-connection.json'))).toBe(false);
  }, 180_000); // two `npm start`s (initdb included) on a shared 2-core machine
});
