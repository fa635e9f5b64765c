import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoTenant } from '../../scripts/seed-demo.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

describe('demo data', () => {
  it('gives a newcomer groups at every automation level and actions in every status, readable through the API', async () => {
    const byStatus = await seedDemoTenant(server.services, { tenant: 'demo', devices: 60 });
    expect(Object.keys(byStatus ?? {}).sort()).toEqual(
      [
        'CANCELLED',
        'COMPLETED',
        'EXPIRED',
        'FAILED',
        'IN_PROGRESS',
        'PENDING_APPROVAL',
        'REJECTED',
        'UNDONE',
        'UNDO_IN_PROGRESS',
      ].sort(),
    );
    const token = await server.token({ tid: 'demo', roles: ['viewer'] });
    const data = await server.gqlData(
      `{ deviceGroups { edges { node { automationLevel devices { totalCount } } } }
         incidents { totalCount }
         pending: remediationActions(filter: { statuses: [PENDING_APPROVAL] }) { totalCount } }`,
      {},
      token,
    );
    expect(data.deviceGroups.edges.map((e: any) => e.node.automationLevel).sort()).toEqual([
      'FULL',
      'NO_AUTOMATED_RESPONSE',
      'SEMI_REQUIRE_APPROVAL_ANY',
      'SEMI_REQUIRE_APPROVAL_CORE_FOLDERS',
      'SEMI_REQUIRE_APPROVAL_NON_TEMP_FOLDERS',
    ]);
    expect(data.incidents.totalCount).toBeGreaterThan(10);
    expect(data.pending.totalCount).toBe(byStatus!.PENDING_APPROVAL);
  });

  it('does nothing the second time', async () => {
    expect(await seedDemoTenant(server.services, { tenant: 'demo', devices: 60 })).toBeNull();
  });
});
