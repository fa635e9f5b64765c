import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtures } from '../support/fixtures.js';
import { globalId } from '../support/global-ids.js';
import { startTestServer, type TestServer } from '../support/server.js';

// Issue 10 item 1: `nodes(ids:)` loads each type's ids in one scoped query, whatever their number.
let server: TestServer;
let recording: string[] | null = null;
let workstationsToken: string;
/** The answer each id must get for a token limited to "Workstations": a hostname / title, or null. */
const expected = new Map<string, string | null>();

beforeAll(async () => {
  // No background workers: their polling would land in the per-request statement counts.
  server = await startTestServer({
    onQuery: (sql) => recording?.push(sql),
    runRuleWorker: false,
    runWebhookDelivery: false,
  });
  workstationsToken = await server.token({ roles: ['viewer'], groups: ['Workstations'] });
  const a = fixtures(server.prisma, 'tenant-a');
  await a.tenant();
  const workstations = await a.group('Workstations');
  const servers = await a.group('Servers');
  const b = fixtures(server.prisma, 'tenant-b');
  const otherTenantGroup = await b.tenant();
  for (let i = 0; i < 20; i++) {
    const visible = await a.device(workstations.id, `ws-${i}`);
    expected.set(globalId('Device', visible.id), `ws-${i}`);
    const hidden = await a.device(servers.id, `srv-${i}`);
    expected.set(globalId('Device', hidden.id), null);
    const foreign = await b.device(otherTenantGroup.id, `b-${i}`);
    expected.set(globalId('Device', foreign.id), null);
    expected.set(globalId('Device', randomUUID()), null);
  }
  for (let i = 0; i < 5; i++) {
    const { incident } = await a.incident([await a.device(workstations.id, `inc-${i}`)], {
      title: `incident-${i}`,
    });
    expected.set(globalId('Incident', incident.id), `incident-${i}`);
    expected.set(`not-an-id-${i}`, null);
    expected.set(globalId('NoSuchType', randomUUID()), null);
    expected.set(globalId('Device', `garbage-${i}`), null);
  }
});
afterAll(() => server?.close());

const NODES = `query($ids: [ID!]!) { nodes(ids: $ids) {
  id ... on Device { hostname deviceGroup { name } } ... on Incident { title }
} }`;

async function nodesWithStatements(ids: string[]) {
  await server.gql(NODES, { ids }, workstationsToken); // warm tenant provisioning
  recording = [];
  const result = await server.gql(NODES, { ids }, workstationsToken);
  const statements = recording.filter((sql) => !/^(BEGIN|COMMIT|ROLLBACK)/i.test(sql));
  recording = null;
  return { result, statements };
}

describe('nodes(ids:)', () => {
  it('answers 100 mixed ids in order, null for whatever the caller cannot see', async () => {
    const ids = [...expected.keys()];
    expect(ids).toHaveLength(100);
    const { result } = await nodesWithStatements(ids);
    expect(result.errors).toBeUndefined();
    const answers = result.data!.nodes as ({ hostname?: string; title?: string } | null)[];
    expect(answers.map((node) => node?.hostname ?? node?.title ?? null)).toEqual([
      ...expected.values(),
    ]);
  });

  it('runs as many SQL statements for 100 ids as for 10 (one per type asked for)', async () => {
    const ids = [...expected.keys()];
    const few = ids.filter((id) => expected.get(id)?.startsWith('ws-')).slice(0, 5);
    const incidents = ids.filter((id) => expected.get(id)?.startsWith('incident-')).slice(0, 5);
    const small = await nodesWithStatements([...few, ...incidents]);
    const large = await nodesWithStatements(ids);
    expect(small.result.errors).toBeUndefined();
    expect(large.statements.length).toBe(small.statements.length);
  });

  it('refuses more than 100 ids with BAD_USER_INPUT naming ids, before any SQL', async () => {
    const ids = Array.from({ length: 101 }, () => globalId('Device', randomUUID()));
    const { result, statements } = await nodesWithStatements(ids);
    expect(result.data).toBeNull();
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'ids' });
    expect(statements.filter((sql) => /"devices"/.test(sql))).toEqual([]);
  });
});
