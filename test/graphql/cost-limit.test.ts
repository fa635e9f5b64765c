import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtures } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { sseSubscribe } from '../support/subscriptions.js';

// Issue 10 item 3: the cost of an operation is computed on its variables' values (and on the
// default page size when `first` is absent), for every connection, nested ones included.
let server: TestServer;
let recording: string[] | null = null;

beforeAll(async () => {
  server = await startTestServer({ onQuery: (sql) => recording?.push(sql) });
  const world = fixtures(server.prisma, 'tenant-a');
  await world.tenant();
  const group = await world.group('Workstations');
  await world.device(group.id, 'ws-1');
});
afterAll(() => server?.close());

const THREE_LEVELS = `query($n: Int) { deviceGroups(first: $n) { edges { node { name
  devices(first: $n) { edges { node { hostname deviceGroup {
    devices(first: $n) { edges { node { hostname } } } } } } } } } } }`;

/** The answer, and the SQL statements that touched the tenant's data while answering. */
async function run(query: string, variables: Record<string, unknown> = {}) {
  await server.gql('{ __typename }'); // tenant provisioning happens before, not inside, the test
  recording = [];
  const result = await server.gql(query, variables);
  const dataStatements = recording.filter((sql) => /"(devices|device_groups)"/.test(sql));
  recording = null;
  return { result, dataStatements };
}

describe('the cost limit', () => {
  it('refuses `first: $n` = 100 three levels deep before any SQL runs', async () => {
    const { result, dataStatements } = await run(THREE_LEVELS, { n: 100 });
    expect(result.data ?? null).toBeNull();
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'cost' });
    expect(dataStatements).toEqual([]);
  });

  it('refuses the same as a literal', async () => {
    const { result } = await run(THREE_LEVELS.replace('($n: Int)', '').replaceAll('$n', '100'));
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'cost' });
  });

  it('accepts the same operation with small page sizes, and answers it', async () => {
    const { result } = await run(THREE_LEVELS, { n: 5 });
    expect(result.errors).toBeUndefined();
    expect(
      result.data?.deviceGroups.edges.map((e: { node: { name: string } }) => e.node.name),
    ).toContain('Workstations');
  });

  it('counts the default page size when `first` is absent', async () => {
    const body = THREE_LEVELS.replace('query($n: Int) {', '').replaceAll('(first: $n)', '');
    const aliased = `{ ${[1, 2, 3, 4].map((i) => `a${i}: ${body.trim().slice(0, -1)}`).join(' ')} }`;
    const { result, dataStatements } = await run(aliased);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'cost' });
    expect(dataStatements).toEqual([]);
  });

  it('multiplies by the number of `ids` given to nodes', async () => {
    const nodes = `query($ids: [ID!]!, $n: Int) { nodes(ids: $ids) { ... on DeviceGroup {
      devices(first: $n) { edges { node { deviceGroup { devices(first: $n) { totalCount } } } } } } } }`;
    const ids = Array.from({ length: 100 }, (_, i) => `id-${i}`);
    const refused = await run(nodes, { ids, n: 100 });
    expect(refused.result.errors?.[0]?.extensions).toMatchObject({
      code: 'LIMIT_EXCEEDED',
      limit: 'cost',
    });
    const accepted = await run(nodes, { ids: ids.slice(0, 2), n: 10 });
    expect(accepted.result.errors).toBeUndefined();
  });

  it('refuses a subscription over SSE before it is set up', async () => {
    const inner = ['a', 'b', 'c'].map((alias) => `${alias}: devices(first: $n) { totalCount }`);
    const subscription = `subscription($n: Int) { remediationActionUpdated { action { deviceGroup {
      devices(first: $n) { edges { node { deviceGroup { ${inner.join(' ')} } } } } } } } }`;
    const sse = sseSubscribe(server.graphqlUrl, await server.token(), subscription, { n: 100 });
    await sse.done;
    expect(sse.received.errors[0]).toMatchObject({
      extensions: { code: 'LIMIT_EXCEEDED', limit: 'cost' },
    });
    expect(server.streams.stats('tenant-a').subscribers).toBe(0);
  });
});
