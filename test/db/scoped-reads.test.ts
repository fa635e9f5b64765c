// The read scope of row-level security (src/db/tenant-scope.ts `scopedClient`): each read is one
// batch transaction that sets the tenant first. Shown here: it never holds a pooled connection
// while waiting for another (a pool of 2 serves 20 concurrent mutations and reads), and it is
// the database, not the application's WHERE, that keeps tenant B's rows from tenant A.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type PrismaClient } from '../../src/db/client.js';
import { scopedClient, tenantScope } from '../../src/db/tenant-scope.js';
import { startTestServer } from '../support/server.js';
import { tenantOf } from '../support/workflow.js';

const INCIDENT_FIELDS = 'id comments(first: 20) { totalCount }';
const COMMENT = `mutation($input: AddIncidentCommentInput!) { addIncidentComment(input: $input) {
  comment { id text } incident { ${INCIDENT_FIELDS} } } }`;
const INCIDENT = `query($id: ID!) { node(id: $id) { ... on Incident { ${INCIDENT_FIELDS} } } }`;

let server: Awaited<ReturnType<typeof startTestServer>>;

beforeAll(async () => {
  server = await startTestServer({
    databasePoolSize: 2,
    runRuleWorker: false,
    runWebhookDelivery: false,
  });
});

afterAll(async () => {
  await server?.close();
});

async function tenantWithIncident() {
  const t = tenantOf(server);
  const group = await t.group('Servers', 'FULL');
  const device = await t.device('srv-1', group.id);
  const reported = await t.reportAlert(device.id, [
    { kind: 'FILE', path: 'C:\\x\\a.exe', sha256: 'ab'.repeat(32) },
  ]);
  // The API's ids are global (`Device:<uuid>` in base64); the table's id is the uuid.
  const deviceId = Buffer.from(device.id, 'base64').toString('utf8').split(':')[1]!;
  return { t, deviceId, incidentId: reported.incident.id };
}

describe('scoped reads on a pool of 2 connections', () => {
  it('complete 10 comment mutations and 10 reads sent at once, none starved or cut', async () => {
    const { t, incidentId } = await tenantWithIncident();
    const responder = await t.tokens.responder('dana');
    const viewer = await t.tokens.viewer();
    const mutations = Array.from({ length: 10 }, (_, i) =>
      server.gql(COMMENT, { input: { incidentId, text: `note ${i}` } }, responder),
    );
    const reads = Array.from({ length: 10 }, () =>
      server.gql(INCIDENT, { id: incidentId }, viewer),
    );
    const answers = await Promise.all([...mutations, ...reads]);
    expect(answers.map((answer) => answer.errors ?? null)).toEqual(answers.map(() => null));
    const texts = answers
      .slice(0, 10)
      .map((answer) => (answer.data as any).addIncidentComment.comment.text)
      .sort();
    expect(texts).toEqual(Array.from({ length: 10 }, (_, i) => `note ${i}`).sort());
    for (const read of answers.slice(10)) expect((read.data as any).node.id).toBe(incidentId);
    const after = await server.gqlData(INCIDENT, { id: incidentId }, viewer);
    expect(after.node.comments.totalCount).toBe(10);
  });
});

describe('the scoped client under tenant A', () => {
  let serving: PrismaClient;

  beforeAll(() => {
    serving = createPrismaClient(server.databaseUrl);
  });

  afterAll(async () => {
    await serving?.$disconnect();
  });

  it("sees none of tenant B's rows even when the query has no WHERE at all", async () => {
    const a = await tenantWithIncident();
    const b = await tenantWithIncident();
    const tenantA = a.t.tid;
    // The superuser sees both tenants: the rows of B are there to be leaked.
    const everyTenant = await server.prisma.$queryRaw<{ tenantId: string }[]>`
      SELECT DISTINCT "tenantId" FROM devices`;
    expect(everyTenant.map((row) => row.tenantId)).toEqual(
      expect.arrayContaining([tenantA, b.t.tid]),
    );
    const scopedA = scopedClient(serving, tenantScope(tenantA));
    const seen = await scopedA.$queryRaw<{ source: string; tenantId: string }[]>`
      SELECT 'devices' AS source, "tenantId" FROM devices
      UNION ALL SELECT 'incidents', "tenantId" FROM incidents
      UNION ALL SELECT 'alerts', "tenantId" FROM alerts
      UNION ALL SELECT 'evidence', "tenantId" FROM evidence
      UNION ALL SELECT 'audit_events', "tenantId" FROM audit_events
      UNION ALL SELECT 'stream_events', "tenantId" FROM stream_events
      UNION ALL SELECT 'tenants', id FROM tenants`;
    expect(new Set(seen.map((row) => row.tenantId))).toEqual(new Set([tenantA]));
    expect([...new Set(seen.map((row) => row.source))]).toEqual(
      expect.arrayContaining(['devices', 'incidents', 'alerts', 'evidence', 'tenants']),
    );
    // Model operations alike: findMany with no where, and a unique lookup of B's device.
    const devices = await scopedA.device.findMany();
    expect(devices.map((device) => device.id)).toEqual([a.deviceId]);
    expect(await scopedA.device.findUnique({ where: { id: b.deviceId } })).toBeNull();
    // And the plain serving connection, with no scope at all, sees nothing.
    expect(await serving.device.count()).toBe(0);
  });
});

describe("a row's device and group are in the row's own tenant", () => {
  // Scoped reads of an all-groups caller test the row's own tenant column and join no device or
  // group (src/auth/scope.ts): the composite foreign keys are what make that as strict as a join.
  it("refuses, even to the superuser, a device in another tenant's group and evidence or an alert on another tenant's device", async () => {
    const a = await tenantWithIncident();
    const b = await tenantWithIncident();
    const [groupOfB] = await server.prisma.$queryRaw<{ id: string }[]>`
      SELECT "deviceGroupId"::text AS id FROM devices WHERE id = ${b.deviceId}::uuid`;
    const attempts = {
      deviceIntoGroupOfB: server.prisma.$executeRaw`
        UPDATE devices SET "deviceGroupId" = ${groupOfB!.id}::uuid WHERE id = ${a.deviceId}::uuid`,
      evidenceOnDeviceOfB: server.prisma.$executeRaw`
        UPDATE evidence SET "deviceId" = ${b.deviceId}::uuid WHERE "tenantId" = ${a.t.tid}`,
      alertOnDeviceOfB: server.prisma.$executeRaw`
        UPDATE alerts SET "deviceId" = ${b.deviceId}::uuid WHERE "tenantId" = ${a.t.tid}`,
    };
    for (const [name, attempt] of Object.entries(attempts)) {
      await expect(attempt, name).rejects.toThrow(/foreign key/i);
    }
    const [still] = await server.prisma.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM evidence e JOIN devices d ON d.id = e."deviceId"
      WHERE e."tenantId" = ${a.t.tid} AND d."tenantId" = ${a.t.tid}`;
    expect(still!.n).toBeGreaterThan(0);
  });
});
