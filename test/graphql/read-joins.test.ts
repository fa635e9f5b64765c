import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RATE_LIMITS } from '../../src/config.js';
import { fixtures } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';

// Issue 11: the action center's hot reads are one statement (the count in it when asked),
// and a nested page is LIMITed in SQL rather than cut in memory.

let server: TestServer;
let recording: string[] | null = null;
let hugeIncidentId = '';

beforeAll(async () => {
  // The read path's own statements: no rate-budget charge, no rule worker polling in the background.
  server = await startTestServer({
    onQuery: (sql) => recording?.push(sql),
    rateLimits: { ...DEFAULT_RATE_LIMITS, enabled: false },
    // Their polling would show up in the count.
    runRuleWorker: false,
    runWebhookDelivery: false,
  });
  const world = fixtures(server.prisma, 'tenant-a');
  await world.tenant();
  const group = await world.group('Workstations');
  const devices = await Promise.all(
    Array.from({ length: 4 }, (_, i) => world.device(group.id, `ws-${i}`)),
  );
  for (let i = 0; i < 30; i++) await world.incident([devices[i % 4]!]);
  // The newest incident: 10,000 evidence on one device, written set-based.
  const { incident } = await world.incident([devices[0]!], { title: 'Huge' });
  hugeIncidentId = incident.id;
  await server.prisma.$executeRaw`
    INSERT INTO evidence (id, "tenantId", "deviceId", "incidentId", kind, path, "createdAt")
    SELECT gen_random_uuid(), 'tenant-a', ${devices[0]!.id}::uuid, ${hugeIncidentId}::uuid,
           'FILE', 'C:\\Temp\\bulk-' || n || '.exe', now() + n * interval '1 millisecond'
    FROM generate_series(1, 10000) n`;
});
afterAll(() => server?.close());

async function recorded(query: string, variables: Record<string, unknown>) {
  await server.gqlData(query, variables); // warm the tenant provisioning and caches
  recording = [];
  const data = await server.gqlData(query, variables, await server.token({ roles: ['viewer'] }));
  // Each read also sends its row-level security scope (src/db/tenant-scope.ts): not a read statement.
  const statements = recording.filter(
    (sql) =>
      !/^(BEGIN|COMMIT|ROLLBACK)/i.test(sql) &&
      // A batch's scope is not a read; the statement that carries its own scope is one.
      (!sql.includes("set_config('quell.tenant_id'") || sql.includes('AS "result"')),
  );
  recording = null;
  return { data, statements };
}

const NESTED = `query($first: Int!) { incidents(first: $first) { edges { node {
  id title evidence(first: 20) { edges { node { id kind path device { hostname deviceGroup { name automationLevel } } } }
    pageInfo { hasNextPage } }
  remediationActions { edges { node { id type status } } }
} } } }`;

const PENDING = `query($first: Int!) {
  remediationActions(first: $first, filter: { statuses: [PENDING_APPROVAL] }) {
    totalCount edges { node { id type status device { hostname } } }
  }
}`;

describe('the nested incidents read', () => {
  it('is one SQL statement for 5 incidents as for 31', async () => {
    const small = await recorded(NESTED, { first: 5 });
    const large = await recorded(NESTED, { first: 31 });
    expect(small.data.incidents.edges).toHaveLength(5);
    expect(large.data.incidents.edges).toHaveLength(31);
    expect(large.data.incidents.edges[30].node.evidence.edges).toHaveLength(1);
    expect(large.data.incidents.edges[30].node.remediationActions.edges).toHaveLength(1);
    expect(small.statements).toHaveLength(1);
    expect(large.statements).toHaveLength(1);
  });

  it('shows 20 of an incident with 10,000 evidence with the page LIMITed in SQL', async () => {
    const { data, statements } = await recorded(NESTED, { first: 1 });
    const [huge] = data.incidents.edges;
    expect(huge.node.title).toBe('Huge');
    expect(huge.node.evidence.edges).toHaveLength(20);
    expect(huge.node.evidence.pageInfo.hasNextPage).toBe(true);
    expect(huge.node.evidence.edges[0].node.device.deviceGroup.name).toBe('Workstations');
    expect(statements).toHaveLength(1);
    // the evidence sub-select of the one statement carries its own LIMIT (20 + 1 for hasNextPage)
    expect(statements[0]).toMatch(/"evidence"[\s\S]*LIMIT/);
  });
});

describe('the Pending tab', () => {
  it('is one statement for the rows and totalCount, at 5 as at 30 rows', async () => {
    const small = await recorded(PENDING, { first: 5 });
    const large = await recorded(PENDING, { first: 30 });
    expect(small.data.remediationActions.edges).toHaveLength(5);
    expect(large.data.remediationActions.totalCount).toBe(31);
    expect(large.data.remediationActions.edges).toHaveLength(30);
    expect(large.data.remediationActions.edges[0].node.device.hostname).toMatch(/^ws-/);
    expect(small.statements).toHaveLength(1);
    expect(large.statements).toHaveLength(1);
    expect(large.statements[0]).toMatch(/count\(\*\)/i);
  });

  it('asks for no count when totalCount is not selected', async () => {
    const { statements } = await recorded(PENDING.replace('totalCount', ''), { first: 10 });
    expect(statements).toHaveLength(1);
    expect(statements[0]).not.toMatch(/COUNT\(/i);
  });
});
