import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RATE_LIMITS } from '../../src/config.js';
import { fixtures } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';

// Issue 11: the SQL read path (src/db/store/reads) answers the hot reads exactly as the normal
// path (graphql-js over Prisma) does. Two servers on one database, one with the SQL path and one
// without, are asked the same queries under several scopes, pages and cursors, and must answer
// byte for byte the same `data`. With the path on, an operation it covers whole is one statement
// that builds the response in PostgreSQL (src/server/fast-reads-plugin.ts), scope included.

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

/** The statement that carries its own scope and builds the whole response (tenant-scope.ts). */
const isWholeResponse = (text: string) =>
  text.startsWith("SELECT set_config('quell.tenant_id'") && text.includes('AS "result"');

const BACKWARD = `query($last: Int, $before: String) {
  __typename
  page: incidents(last: $last, before: $before) {
    __typename
    info: pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    total: totalCount
    edges { c: cursor node { ...IncidentBits ... on Node { nodeId: id } } }
  }
}
fragment IncidentBits on Incident {
  __typename t: title id
  evidence(last: 2) {
    totalCount pageInfo { hasPreviousPage hasNextPage startCursor endCursor }
    edges { node { ... on Evidence { id kind device { id hostname } } } }
  }
  pending: remediationActions(first: 1, filter: { statuses: [PENDING_APPROVAL] }) {
    totalCount pageInfo { hasNextPage } edges { cursor node { id status incident { title } } }
  }
  remediationActions(first: 2) { edges { node { id type deviceGroup { ...G } } } }
}
fragment G on DeviceGroup { id name }`;

const COUNT = `{ incidents { totalCount } }`;

/** Both servers' answers to the same request; they must be the same text and not empty. */
async function bothAnswer(query: string, variables: Record<string, unknown>, token: string) {
  recording = [];
  const viaSql = await sql.gqlData(query, variables, token);
  const all = recording;
  recording = null;
  const transactionControl = all.filter((text) => /^(BEGIN|COMMIT|ROLLBACK)/i.test(text));
  // A batch's row-level security scope (src/db/tenant-scope.ts) is not a read statement.
  const statements = all.filter(
    (text) =>
      !transactionControl.includes(text) &&
      (isWholeResponse(text) || !text.includes("set_config('quell.tenant_id'")),
  );
  const viaPrisma = await prisma.gqlData(query, variables, token);
  expect(JSON.stringify(viaSql)).toBe(JSON.stringify(viaPrisma));
  return { data: viaSql, statements, transactionControl };
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

  it('answers the Pending tab the same, page after page, under each scope', async () => {
    const a = await allPages(PENDING, 'remediationActions', tokens.tenantA!, 4);
    const finance = await allPages(PENDING, 'remediationActions', tokens.financeAnalyst!, 5);
    const b = await allPages(PENDING, 'remediationActions', tokens.tenantB!, 50);
    expect(a.length).toBeGreaterThan(finance.length);
    expect(b.length).toBeGreaterThan(0);
    expect(hostnames(finance).some((h) => h.includes('sales'))).toBe(false);
  });

  it('is one statement, its scope included, whatever the page size', async () => {
    for (const [query, first] of [
      [NESTED, 2],
      [NESTED, 13],
      [PENDING, 1],
      [PENDING, 20],
    ] as const) {
      const { statements, transactionControl } = await bothAnswer(
        query,
        { first },
        tokens.tenantA!,
      );
      expect(statements).toHaveLength(1);
      expect(isWholeResponse(statements[0]!)).toBe(true);
      expect(transactionControl).toEqual([]);
    }
  });

  it('answers pages that ask for no pageInfo the same, forward and backward', async () => {
    const NO_INFO = `query($first: Int, $last: Int) {
      incidents(first: $first, last: $last) { edges { cursor node { id title
        remediationActions(last: 1) { edges { node { id status } } } } } } }`;
    for (const variables of [{ first: 2 }, { last: 2 }, { first: 12 }, { first: 40 }]) {
      const { data, statements } = await bothAnswer(NO_INFO, variables, tokens.tenantA!);
      expect(statements.filter(isWholeResponse)).toHaveLength(1);
      expect(data.incidents.edges).toHaveLength(Math.min(13, variables.first ?? variables.last!));
    }
  });

  it('sends the same bytes as the normal path: compact JSON, keys in selection order', async () => {
    const body = async (server: TestServer, query: string, variables: Record<string, unknown>) => {
      const response = await fetch(server.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.tenantA}` },
        body: JSON.stringify({ query, variables }),
      });
      return response.text();
    };
    for (const [query, variables] of [
      [NESTED, { first: 4 }],
      [PENDING, { first: 3 }],
      [BACKWARD, { last: 3 }],
    ] as const) {
      recording = [];
      const viaSql = await body(sql, query, variables);
      const statements = recording;
      recording = null;
      expect(statements.filter(isWholeResponse)).toHaveLength(1);
      expect(viaSql).toBe(await body(prisma, query, variables));
    }
  });

  it('answers a query over graphql-ws from the same one statement, as over HTTP', async () => {
    const overHttp = await sql.gqlData(NESTED, { first: 3 }, tokens.tenantA!);
    recording = [];
    const client = sql.wsClient({ authorization: `Bearer ${tokens.tenantA}` });
    const overWs = await new Promise<unknown>((resolve, reject) => {
      let last: unknown;
      client.subscribe(
        { query: NESTED, variables: { first: 3 } },
        { next: (value) => (last = value), error: reject, complete: () => resolve(last) },
      );
    });
    const statements = recording;
    recording = null;
    expect(overWs).toEqual({ data: overHttp });
    expect(statements.filter(isWholeResponse)).toHaveLength(1);
  });

  it('answers aliases, fragments, __typename, last/before and pageInfo the same', async () => {
    for (const token of [tokens.tenantA!, tokens.tenantB!, tokens.financeAnalyst!]) {
      const seen: string[] = [];
      let before: string | null = null;
      for (let page = 0; page < 20; page++) {
        const { data, statements } = await bothAnswer(BACKWARD, { last: 3, before }, token);
        expect(statements.filter(isWholeResponse)).toHaveLength(1);
        seen.push(...data.page.edges.map((edge: { node: { nodeId: string } }) => edge.node.nodeId));
        if (!data.page.info.hasPreviousPage) break;
        before = data.page.info.startCursor;
      }
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.length).toBe((await sql.gqlData(COUNT, {}, token)).incidents.totalCount);
    }
  });

  it('leaves an operation with a directive, or over the cost limit, to the normal path', async () => {
    const directive = `query($with: Boolean!) { incidents(first: 2) { edges { node { id title @include(if: $with) } } } }`;
    const { statements } = await bothAnswer(directive, { with: true }, tokens.tenantA!);
    expect(statements.some(isWholeResponse)).toBe(false);
    const costly = `{ incidents(first: 100) { edges { node { evidence(first: 100) { edges { node { id } } } remediationActions(first: 100) { edges { node { id } } } } } } }`;
    const [viaSql, viaPrisma] = await Promise.all([
      sql.gql(costly, {}, tokens.tenantA!),
      prisma.gql(costly, {}, tokens.tenantA!),
    ]);
    expect(viaSql.errors?.[0]?.extensions?.code).toBeTruthy();
    expect(JSON.stringify(viaSql)).toBe(JSON.stringify(viaPrisma));
  });

  it('leaves a caller without the viewer role to the normal path and its error', async () => {
    const agent = await sql.token({ roles: ['agent'] });
    recording = [];
    const viaSql = await sql.gql(NESTED, { first: 2 }, agent);
    const statements = recording;
    recording = null;
    const viaPrisma = await prisma.gql(NESTED, { first: 2 }, agent);
    expect(viaSql.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(JSON.stringify(viaSql)).toBe(JSON.stringify(viaPrisma));
    expect(statements.some(isWholeResponse)).toBe(false);
  });

  it('leaves a selection it does not translate to Prisma, with the same answer', async () => {
    // Device.tags is an array column: the SQL path does not return it, Prisma does.
    const query = `{ remediationActions(first: 3) { edges { node { id device { hostname tags } } } } }`;
    const { data, statements } = await bothAnswer(query, {}, tokens.tenantA!);
    expect(data.remediationActions.edges).toHaveLength(3);
    expect(statements.some((s) => s.startsWith('SELECT array_to_json'))).toBe(false);
  });
});
