import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';
import { footprint, sha, TAKE, type Tenant, tenantOf } from '../support/workflow.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

const SETTINGS = `{ tenantSettings { plan pendingActionTtlHours } }`;
const UPDATE = `mutation($input: UpdateTenantSettingsInput!) { updateTenantSettings(input: $input) { settings { plan pendingActionTtlHours } } }`;
const CREATE_GROUP = `mutation($input: CreateDeviceGroupInput!) { createDeviceGroup(input: $input) { deviceGroup { id } } }`;
const DELETE_GROUP = `mutation($input: DeleteDeviceGroupInput!) { deleteDeviceGroup(input: $input) { deletedId } }`;
const ACTION = `query($id: ID!) { node(id: $id) { ... on RemediationAction { id type status decision explanation createdAt expiresAt } } }`;
const AUDIT = `query($filter: AuditEventFilter) { auditEvents(first: 50, filter: $filter) {
  edges { node { operation subject targetType targetIds outcome before after } } } }`;

const HOUR = 3_600_000;

async function settings(t: Tenant) {
  return (await server.gqlData(SETTINGS, {}, await t.tokens.admin())).tenantSettings;
}

/** A pending action on a device of an approval-only group (one alert, a malicious file). */
async function pendingAction(t: Tenant, deviceId: string) {
  const alert = await t.reportAlert(deviceId, [
    { kind: 'FILE', path: 'C:\\x\\a.exe', sha256: sha(), verdict: 'SUSPICIOUS' },
  ]);
  const list = await server.gqlData(
    `query($id: ID!) { remediationActions(first: 5, filter: { incidentIds: [$id] }) { edges { node { id } } } }`,
    { id: alert.incident.id },
    await t.tokens.admin(),
  );
  const id = list.remediationActions.edges[0].node.id as string;
  return (await server.gqlData(ACTION, { id }, await t.tokens.admin())).node;
}

/** What a refused call must leave as it was. */
async function snapshot(t: Tenant) {
  return {
    data: await footprint(server, t.tid),
    tenant: await server.prisma.tenant.findUnique({ where: { id: t.tid } }),
  };
}

describe('tenant settings', () => {
  it('a new tenant has PLAN_2 and the deployment default TTL; a new TTL applies to later pending actions only', async () => {
    const t = tenantOf(server);
    const initial = await settings(t);
    expect(initial.plan).toBe('PLAN_2');
    expect(initial.pendingActionTtlHours).toBeGreaterThanOrEqual(1);
    const device = await t.device('host-1', null);
    // The default group is FULL: a suspicious verdict still waits for approval.
    const earlier = await pendingAction(t, device.id);
    const updated = await server.gqlData(
      UPDATE,
      { input: { pendingActionTtlHours: 2 } },
      await t.tokens.admin(),
    );
    expect(updated.updateTenantSettings.settings).toEqual({
      plan: 'PLAN_2',
      pendingActionTtlHours: 2,
    });
    expect(await settings(t)).toEqual({ plan: 'PLAN_2', pendingActionTtlHours: 2 });
    const later = await pendingAction(t, (await t.device('host-2', null)).id);
    const ttl = Date.parse(later.expiresAt) - Date.parse(later.createdAt);
    expect(Math.abs(ttl - 2 * HOUR)).toBeLessThan(60_000);
    // The action pending before the change keeps its expiry.
    expect((await server.gqlData(ACTION, { id: earlier.id }, await t.tokens.admin())).node).toEqual(
      earlier,
    );
    // Another tenant keeps the default.
    expect(await settings(tenantOf(server))).toEqual(initial);
  });

  it('a plan change applies to later requests only and is audited with before and after', async () => {
    const t = tenantOf(server);
    const device = await t.device('host-1', null);
    const responder = await t.tokens.responder();
    const restrict = { type: 'RESTRICT_CODE_EXECUTION', deviceId: device.id, comment: 'contain' };
    const taken = await server.gqlData(TAKE, { input: restrict }, responder);
    const past = (
      await server.gqlData(ACTION, { id: taken.takeResponseAction.action.id }, responder)
    ).node;
    await server.gqlData(UPDATE, { input: { plan: 'PLAN_1' } }, await t.tokens.admin());
    const refused = await server.gql(TAKE, { input: { ...restrict, comment: 'again' } }, responder);
    expect(refused.errors?.[0]?.extensions?.code).toBe('PLAN_LIMIT');
    // The past action is not rewritten by the plan change.
    expect((await server.gqlData(ACTION, { id: past.id }, responder)).node).toEqual(past);
    const audit = await server.gqlData(
      AUDIT,
      { filter: { operations: ['updateTenantSettings'] } },
      await t.tokens.admin(),
    );
    expect(
      audit.auditEvents.edges.map((e: any) => ({
        ...e.node,
        before: JSON.parse(e.node.before),
        after: JSON.parse(e.node.after),
      })),
    ).toEqual([
      {
        operation: 'updateTenantSettings',
        subject: 'admin',
        targetType: 'Tenant',
        targetIds: [t.tid],
        outcome: 'UPDATED',
        before: expect.objectContaining({ plan: 'PLAN_2' }),
        after: expect.objectContaining({ plan: 'PLAN_1' }),
      },
    ]);
  });

  it('a downgrade to BUSINESS with custom groups is CONFLICT on input.plan naming them; after deleting them it goes through', async () => {
    const t = tenantOf(server);
    const admin = await t.tokens.admin();
    const group = await server.gqlData(
      CREATE_GROUP,
      { input: { name: 'Servers', automationLevel: 'SEMI_REQUIRE_APPROVAL_ANY' } },
      admin,
    );
    const before = await snapshot(t);
    const refused = await server.gql(UPDATE, { input: { plan: 'BUSINESS' } }, admin);
    expect(refused.errors?.[0]?.extensions).toMatchObject({
      code: 'CONFLICT',
      field: 'input.plan',
      customDeviceGroups: ['Servers'],
    });
    expect(refused.errors?.[0]?.message).toMatch(/"Servers"/);
    expect(await snapshot(t)).toEqual(before);
    await server.gqlData(
      DELETE_GROUP,
      { input: { id: group.createDeviceGroup.deviceGroup.id } },
      admin,
    );
    const done = await server.gqlData(UPDATE, { input: { plan: 'BUSINESS' } }, admin);
    expect(done.updateTenantSettings.settings.plan).toBe('BUSINESS');
    // BUSINESS has no custom groups from then on.
    const create = await server.gql(
      CREATE_GROUP,
      { input: { name: 'Again', automationLevel: 'FULL' } },
      admin,
    );
    expect(create.errors?.[0]?.extensions?.code).toBe('PLAN_LIMIT');
  });

  it('roles and scope: only an admin of every group reads or changes settings', async () => {
    const t = tenantOf(server);
    await settings(t);
    const before = await snapshot(t);
    const limitedAdmin = await t.token({ sub: 'a', roles: ['admin'], groups: ['Servers'] });
    for (const bearer of [
      limitedAdmin,
      await t.tokens.responder(),
      await t.tokens.viewer(),
      await t.tokens.ingest(),
    ]) {
      const read = await server.gql(SETTINGS, {}, bearer);
      expect(read.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const write = await server.gql(UPDATE, { input: { pendingActionTtlHours: 5 } }, bearer);
      expect(write.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    expect(await snapshot(t)).toEqual(before);
  });

  it('bad input is BAD_USER_INPUT naming the field and changes nothing', async () => {
    const t = tenantOf(server);
    const admin = await t.tokens.admin();
    await settings(t);
    const before = await snapshot(t);
    const cases: [Record<string, unknown>, string][] = [
      [{ pendingActionTtlHours: 0 }, 'input.pendingActionTtlHours'],
      [{ pendingActionTtlHours: 8761 }, 'input.pendingActionTtlHours'],
      [{ plan: null, pendingActionTtlHours: null }, 'input.plan'],
      [{}, 'input.plan'],
    ];
    for (const [input, field] of cases) {
      const refused = await server.gql(UPDATE, { input }, admin);
      expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    const unknownPlan = await server.gql(UPDATE, { input: { plan: 'GOLD' } }, admin);
    expect(unknownPlan.errors?.[0]?.message).toMatch(/GOLD/);
    expect(await snapshot(t)).toEqual(before);
  });

  it('a retry with the same key answers the first result once; the key with other settings is IDEMPOTENCY_KEY_REUSED', async () => {
    const t = tenantOf(server);
    const admin = await t.tokens.admin();
    const input = { pendingActionTtlHours: 12, idempotencyKey: 'settings-1' };
    const first = await server.gqlData(UPDATE, { input }, admin);
    const afterFirst = await snapshot(t);
    expect(await server.gqlData(UPDATE, { input }, admin)).toEqual(first);
    expect(await snapshot(t)).toEqual(afterFirst);
    const reused = await server.gql(
      UPDATE,
      { input: { ...input, pendingActionTtlHours: 13 } },
      admin,
    );
    expect(reused.errors?.[0]?.extensions?.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await snapshot(t)).toEqual(afterFirst);
    expect(await settings(t)).toEqual({ plan: 'PLAN_2', pendingActionTtlHours: 12 });
  });
});
