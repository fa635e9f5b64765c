import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RATE_LIMITS } from '../../src/config.js';
import { fixtures } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';

// Issue 11 item 3: the SQL read path (src/db/store/reads) answers the hot reads exactly as the
// Prisma path does. Two servers on one database, one with the SQL path and one without, are asked
// the same queries under several scopes, pages and cursors, and must answer the same.

let sql: TestServer;
let prisma: TestServer;
let recording: string[] | null = null;
const tokens: Record<string, string> = {};

const quiet = {
  rateLimits: { ...DEFAULT_RATE_LIMITS, enabled: false },
  runRuleWorker: false,
  runWebhookDelivery: false,
};

async function seedTenant(server: TestServer, tenantId: string, incidents: number) {
  const world = fixtures(server.prisma, tenantId);
  await world.tenant();
  const finance = await world.group('Finance');
  const sales = await world.group('Sales', 'SEMI_REQUIRE_APPROVAL_ANY');
  const fin1 = await world.device(finance.id, `${tenantId}-fin-1`);
  const fin2 = await world.device(finance.id, `${tenantId}-fin-2`);
  const sales1 = await world.device(sales.id, `${tenantId}-sales-1`);
  const spans = [[fin1], [sales1], [fin2, sales1], [fin1, fin2]];
  for (let i = 0; i < incidents; i++) {
    const status = i % 3 === 0 ? 'COMPLETED' : 'PENDING_APPROVAL';
    await world.incident(spans[i % spans.length]!, { status, title: `${tenantId} ${i}` });
  }
}

beforeAll(async () => {
  sql = await startTestServer({ ...quiet, onQuery: (text) => recording?.push(text) });
  prisma = await startTestServer({ ...quiet, databaseUrl: sql.databaseUrl, sqlReadPath: false });
  await seedTenant(sql, 'tenant-a', 13);
  await seedTenant(sql, 'tenant-b', 5);
  tokens.tenantA = await sql.token({ roles: ['viewer'] });
  tokens.tenantB = await sql.token({ tid: 'tenant-b', roles: ['viewer'] });
  tokens.financeAnalyst = await sql.token({ roles: ['viewer'], groups: ['Finance'] });
});
afterAll(async () => {
  await prisma?.close();
  await sql?.close();
});

const NESTED = `query($first: Int!, $after: String) {
  incidents(first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { cursor node {
      id title severity status createdAt updatedAt remediationStatus automatedInvestigationState
      evidence(first: 1) { pageInfo { hasNextPage } edges { node {
        id kind path verdict createdAt device { id hostname deviceGroup { id name automationLevel } }
      } } }
      remediationActions(first: 5) { edges { cursor node { id type status createdAt expiresAt } } }
    } }
  }
}`;

const PENDING = `query($first: Int!, $after: String) {
  remediationActions(first: $first, after: $after, filter: { statuses: [PENDING_APPROVAL] }) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id type status source createdAt decisionDeviceGroupName device { hostname } } }
  }
}`;

/** Both servers' answers to the same request; they must be equal and not empty. */
async function bothAnswer(query: string, variables: Record<string, unknown>, token: string) {
  recording = [];
  const viaSql = await sql.gqlData(query, variables, token);
  // Each read also sends its row-level security scope (src/db/tenant-scope.ts): not a read statement.
  const statements = recording.filter(
    (text) =>
      !/^(BEGIN|COMMIT|ROLLBACK)/i.test(text) && !text.includes("set_config('quell.tenant_id'"),
  );
  recording = null;
  const viaPrisma = await prisma.gqlData(query, variables, token);
  expect(viaSql).toEqual(viaPrisma);
  return { data: viaSql, statements };
}

/** Every page of a connection, following endCursor, each compared on both servers. */
async function allPages(query: string, root: string, token: string, first: number) {
  const nodes: { node: Record<string, unknown> }[] = [];
  let after: string | null = null;
  for (let page = 0; page < 20; page++) {
    const { data } = await bothAnswer(query, { first, after }, token);
    nodes.push(...data[root].edges);
    if (!data[root].pageInfo.hasNextPage) break;
    after = data[root].pageInfo.endCursor;
  }
  return nodes;
}

const hostnames = (value: unknown) => JSON.stringify(value).match(/tenant-[ab]-[a-z]+-\d/g) ?? [];

describe('the SQL read path against the Prisma path', () => {
  it('answers the nested incidents the same, page after page, under each scope', async () => {
    const a = await allPages(NESTED, 'incidents', tokens.tenantA!, 4);
    const b = await allPages(NESTED, 'incidents', tokens.tenantB!, 2);
    const finance = await allPages(NESTED, 'incidents', tokens.financeAnalyst!, 3);
    expect(a).toHaveLength(13);
    expect(b).toHaveLength(5);
    // Sales-only incidents (every 4th from the 2nd) are out of the analyst's scope.
    expect(finance).toHaveLength(10);
    expect(new Set(hostnames(b).map((h) => h.slice(0, 8)))).toEqual(new Set(['tenant-b']));
    expect(hostnames(finance).some((h) => h.includes('sales'))).toBe(false);
    expect(hostnames(a).some((h) => h.includes('sales'))).toBe(true);
  });

  // The Pending list reads through Prisma on both servers (its JSON statement was slower), so
  // this holds the switch to no difference and the scope of every page, not two paths' equality.
  it('answers the Pending tab alike with the switch on and off, page after page, in scope', async () => {
    const a = await allPages(PENDING, 'remediationActions', tokens.tenantA!, 4);
    const finance = await allPages(PENDING, 'remediationActions', tokens.financeAnalyst!, 5);
    const b = await allPages(PENDING, 'remediationActions', tokens.tenantB!, 50);
    expect(a.length).toBeGreaterThan(finance.length);
    expect(b.length).toBeGreaterThan(0);
    expect(hostnames(finance).some((h) => h.includes('sales'))).toBe(false);
  });

  it('is one statement built in PostgreSQL as JSON, whatever the page size', async () => {
    const small = await bothAnswer(NESTED, { first: 2 }, tokens.tenantA!);
    const large = await bothAnswer(NESTED, { first: 13 }, tokens.tenantA!);
    expect(small.statements).toHaveLength(1);
    expect(large.statements).toHaveLength(1);
    expect(large.statements[0]).toMatch(/^SELECT array_to_json\(ARRAY\(/);
    const pending = await bothAnswer(PENDING, { first: 20 }, tokens.tenantA!);
    // The Pending list stays on Prisma (its JSON statement was slower): rows, then totalCount.
    expect(pending.statements).toHaveLength(2);
    expect(pending.statements.filter((s) => s.startsWith('SELECT array_to_json'))).toHaveLength(0);
  });

  it('leaves a selection it does not translate to Prisma, with the same answer', async () => {
    // Device.tags is an array column: the SQL path does not return it, Prisma does.
    const query = `{ remediationActions(first: 3) { edges { node { id device { hostname tags } } } } }`;
    const { data, statements } = await bothAnswer(query, {}, tokens.tenantA!);
    expect(data.remediationActions.edges).toHaveLength(3);
    expect(statements.some((s) => s.startsWith('SELECT array_to_json'))).toBe(false);
  });
});
