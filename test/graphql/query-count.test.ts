import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RATE_LIMITS } from '../../src/config.js';
import { fixtures } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
let recording: string[] | null = null;

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
    Array.from({ length: 10 }, (_, i) => world.device(group.id, `ws-${i}`)),
  );
  for (let i = 0; i < 60; i++) await world.incident([devices[i % 10]!, devices[(i + 1) % 10]!]);
});
afterAll(() => server?.close());

const PAGE = `query($first: Int) {
  incidents(first: $first) {
    totalCount
    edges { node {
      title remediationStatus
      devices { hostname deviceGroup { name } }
      evidence(first: 10) { totalCount edges { node { path sha256 device { hostname } } } }
      remediationActions(first: 10) { totalCount edges { node { status device { hostname } deviceGroup { name } } } }
      alerts(first: 10) { edges { node { title } } }
    } }
  }
}`;

async function statementsFor(first: number) {
  await server.gqlData(PAGE, { first }); // warm the tenant provisioning and caches
  recording = [];
  const data = await server.gqlData(PAGE, { first });
  const sent = recording.filter((sql) => !/^(BEGIN|COMMIT|ROLLBACK)/i.test(sql));
  recording = null;
  // Row-level security's tenant scope: each read is a batch transaction that sets it first
  // (src/db/tenant-scope.ts `scopedClient`), so there is one per read statement.
  const scopes = sent.filter((sql) => sql.includes("set_config('quell.tenant_id'"));
  const statements = sent.filter((sql) => !scopes.includes(sql));
  return { data, statements, scopes };
}

/**
 * The statements with what varies between page sizes and runs taken out: bound parameter lists
 * (`$1,$2,…` for 5 or 50 ids) collapse to one `$n…`, single parameters to `$n`, limits to `N`;
 * sorted, since the batched loads of one level run concurrently and finish in any order.
 */
function normalised(statements: string[]) {
  return statements
    .map((sql) =>
      sql
        .replace(/\$\d+(\s*,\s*\$\d+)+/g, '$n…')
        .replace(/\$\d+/g, '$n')
        .replace(/\b(LIMIT|OFFSET)\s+\d+/gi, '$1 N')
        .replace(/\s+/g, ' ')
        .trim(),
    )
    .sort();
}

describe('a page of incidents with nested devices, evidence and actions', () => {
  it('costs the same small number of SQL statements for 5 incidents as for 50', async () => {
    const small = await statementsFor(5);
    const large = await statementsFor(50);
    expect(small.data.incidents.edges).toHaveLength(5);
    expect(large.data.incidents.edges).toHaveLength(50);
    expect(large.data.incidents.edges[0].node.devices).toHaveLength(2);
    expect(large.data.incidents.edges[0].node.evidence.totalCount).toBe(2);
    expect(normalised(large.statements)).toEqual(normalised(small.statements));
    expect(large.statements.length).toBeLessThanOrEqual(2);
    expect(large.scopes.length).toBe(large.statements.length);
    // The statements themselves, so an added query (or a changed one) shows as a diff.
    expect(normalised(large.statements)).toMatchSnapshot();
  });
});
