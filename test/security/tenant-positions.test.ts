// Issue 10 item 10: stream cursors and audit ids count per tenant, so they tell a tenant nothing
// about other tenants' activity (they came from global sequences: tenant B's first event was
// `ae1:412`). Resume is covered by the stream tests; here, what a tenant can read off its ids.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeCursor } from '../../src/events/cursor.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { TAKE, type Tenant, tenantOf } from '../support/workflow.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

async function isolate(tenant: Tenant, deviceId: string) {
  await server.gqlData(
    TAKE,
    { input: { type: 'RUN_ANTIVIRUS_SCAN', deviceId, comment: 'positions' } },
    await tenant.tokens.admin(),
  );
}

async function streamCursor(tenant: Tenant): Promise<bigint | null> {
  const data = await server.gqlData('{ actionStreamCursor }', {}, await tenant.tokens.admin());
  return decodeCursor(data.actionStreamCursor as string);
}

async function auditIds(tenant: Tenant): Promise<number[]> {
  const data = await server.gqlData(
    '{ auditEvents(first: 100) { totalCount edges { cursor node { id } } } }',
    {},
    await tenant.tokens.admin(),
  );
  const edges = data.auditEvents.edges as { cursor: string; node: { id: string } }[];
  expect(edges.map((e) => e.cursor)).toEqual(edges.map((e) => e.node.id));
  return edges.map((e) => Number(e.node.id)).sort((a, b) => a - b);
}

describe('positions per tenant', () => {
  it("counts a tenant's own stream events and audit events only, whatever other tenants do", async () => {
    const busy = tenantOf(server);
    const quiet = tenantOf(server);
    const busyDevice = await busy.device('busy-1', null);
    for (let i = 0; i < 5; i++) await isolate(busy, busyDevice.id);
    expect(await streamCursor(quiet)).toBe(0n); // its log is empty, however busy the other one is

    const quietDevice = await quiet.device('quiet-1', null);
    await isolate(quiet, quietDevice.id);
    await isolate(busy, busyDevice.id);
    await isolate(quiet, quietDevice.id);

    const quietEvents = await server.prisma.streamEvent.count({ where: { tenantId: quiet.tid } });
    expect(quietEvents).toBeGreaterThan(0);
    expect(await streamCursor(quiet)).toBe(BigInt(quietEvents));
    const quietAudit = await auditIds(quiet);
    expect(quietAudit).toEqual(quietAudit.map((_, i) => i + 1));
    const busyAudit = await auditIds(busy);
    expect(busyAudit).toEqual(busyAudit.map((_, i) => i + 1));
  });
});
