import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';
import { footprint, sha, type Tenant, tenantOf } from '../support/workflow.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

const DELETE = `mutation($input: DeleteDeviceGroupInput!) { deleteDeviceGroup(input: $input) { deletedId devicesMoved } }`;
const CREATE = `mutation($input: CreateDeviceGroupInput!) { createDeviceGroup(input: $input) { deviceGroup { id } } }`;
const GROUPS = `{ deviceGroups(first: 50) { edges { node { id name rank } } } }`;
const DEVICE = `query($id: ID!) { node(id: $id) { ... on Device { hostname deviceGroup { name } } } }`;
const ACTION = `query($id: ID!) { node(id: $id) { ... on RemediationAction { status decision explanation
  expiresAt deviceGroup { name } decisionDeviceGroupId decisionDeviceGroupName } } }`;
const AUDIT = `query($filter: AuditEventFilter) { auditEvents(first: 50, filter: $filter) {
  edges { node { operation subject targetType targetIds outcome before after } } } }`;

async function createGroup(t: Tenant, input: Record<string, unknown>) {
  const data = await server.gqlData(CREATE, { input }, await t.tokens.admin());
  return data.createDeviceGroup.deviceGroup.id as string;
}

/** Two groups with the same rule ("lab-" hostnames): Lab (rank 1, approval) and Backup lab. */
async function labTenant() {
  const t = tenantOf(server);
  const lab = await createGroup(t, {
    name: 'Lab',
    automationLevel: 'SEMI_REQUIRE_APPROVAL_ANY',
    rules: { hostnamePrefix: 'lab-' },
  });
  const backup = await createGroup(t, {
    name: 'Backup lab',
    automationLevel: 'FULL',
    rules: { hostnamePrefix: 'lab-' },
  });
  const byRule = await t.device('lab-1', null);
  const explicit = await t.device('kiosk-1', lab);
  return { t, lab, backup, byRule, explicit };
}

async function ranks(bearer: string) {
  const data = await server.gqlData(GROUPS, {}, bearer);
  return data.deviceGroups.edges.map((e: any) => `${e.node.rank}:${e.node.name}`);
}

/** Everything a refused deletion must leave as it was. */
async function snapshot(t: Tenant) {
  return {
    data: await footprint(server, t.tid),
    groups: await ranks(await t.tokens.admin()),
    devices: await server.prisma.device.findMany({
      where: { tenantId: t.tid },
      select: { hostname: true, deviceGroupId: true, groupAssignedExplicitly: true },
      orderBy: { hostname: 'asc' },
    }),
  };
}

describe('deleteDeviceGroup', () => {
  it('moves devices by the membership rules, closes the rank gap, keeps the decision-time group on actions, audits, streams nothing', async () => {
    const { t, lab, byRule, explicit } = await labTenant();
    const alert = await t.reportAlert(byRule.id, [
      { kind: 'FILE', path: 'C:\\x\\a.exe', sha256: sha(), verdict: 'MALICIOUS' },
    ]);
    const [pending] = (
      await server.gqlData(
        `query($id: ID!) { remediationActions(first: 5, filter: { incidentIds: [$id] }) { edges { node { id } } } }`,
        { id: alert.incident.id },
        await t.tokens.admin(),
      )
    ).remediationActions.edges.map((e: any) => e.node.id);
    const before = await server.gqlData(ACTION, { id: pending }, await t.tokens.admin());
    expect(before.node).toMatchObject({
      status: 'PENDING_APPROVAL',
      deviceGroup: { name: 'Lab' },
      decisionDeviceGroupId: lab,
      decisionDeviceGroupName: 'Lab',
    });
    const streamBefore = await server.prisma.streamEvent.count({ where: { tenantId: t.tid } });

    const deleted = await server.gqlData(DELETE, { input: { id: lab } }, await t.tokens.admin());
    expect(deleted.deleteDeviceGroup).toEqual({ deletedId: lab, devicesMoved: 2 });

    const admin = await t.tokens.admin();
    expect(await ranks(admin)).toEqual(['1:Backup lab', '2:Ungrouped devices']);
    expect(
      (await server.gqlData(`query($id: ID!) { node(id: $id) { id } }`, { id: lab }, admin)).node,
    ).toBeNull();
    // By rule to the next matching group; the explicit placement had nowhere to go but the default.
    expect((await server.gqlData(DEVICE, { id: byRule.id }, admin)).node.deviceGroup.name).toBe(
      'Backup lab',
    );
    expect((await server.gqlData(DEVICE, { id: explicit.id }, admin)).node.deviceGroup.name).toBe(
      'Ungrouped devices',
    );
    // The action follows its device for scope, and keeps the group (and level) it was decided under.
    const after = await server.gqlData(ACTION, { id: pending }, admin);
    expect(after.node).toEqual({
      ...before.node,
      deviceGroup: { name: 'Backup lab' },
    });
    // A device that moved is placed by the rules from then on: a new rule group can take it.
    await createGroup(t, {
      name: 'Kiosks',
      automationLevel: 'FULL',
      rank: 1,
      rules: { hostnamePrefix: 'kiosk-' },
    });
    expect((await server.gqlData(DEVICE, { id: explicit.id }, admin)).node.deviceGroup.name).toBe(
      'Kiosks',
    );

    const audit = await server.gqlData(
      AUDIT,
      { filter: { operations: ['deleteDeviceGroup'] } },
      admin,
    );
    const events = audit.auditEvents.edges.map((e: any) => ({
      ...e.node,
      before: JSON.parse(e.node.before),
      after: JSON.parse(e.node.after),
    }));
    expect(events).toEqual([
      expect.objectContaining({
        operation: 'deleteDeviceGroup',
        subject: 'admin',
        targetType: 'DeviceGroup',
        outcome: 'DELETED',
        before: expect.objectContaining({ name: 'Lab', rank: 1 }),
        after: expect.objectContaining({ devicesMoved: 2 }),
      }),
    ]);
    // No action changed status: nothing is streamed.
    expect(await server.prisma.streamEvent.count({ where: { tenantId: t.tid } })).toBe(
      streamBefore,
    );
  });

  it('refuses the default group (BAD_USER_INPUT on input.id) and changes nothing', async () => {
    const { t } = await labTenant();
    const admin = await t.tokens.admin();
    const fallback = (await server.gqlData(GROUPS, {}, admin)).deviceGroups.edges.find(
      (e: any) => e.node.name === 'Ungrouped devices',
    ).node.id;
    const before = await snapshot(t);
    const refused = await server.gql(DELETE, { input: { id: fallback } }, admin);
    expect(refused.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.id',
    });
    expect(refused.errors?.[0]?.message).toMatch(/default group/);
    expect(await snapshot(t)).toEqual(before);
  });

  it('bad ids are BAD_USER_INPUT naming input.id; nothing changes', async () => {
    const { t, byRule } = await labTenant();
    const before = await snapshot(t);
    for (const id of ['not-an-id', byRule.id]) {
      const refused = await server.gql(DELETE, { input: { id } }, await t.tokens.admin());
      expect(refused.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'input.id',
      });
    }
    expect(await snapshot(t)).toEqual(before);
  });

  it('scope: a group-limited admin deletes a group it can see; another group or tenant is NOT_FOUND and changes nothing', async () => {
    const { t, lab, backup } = await labTenant();
    const other = tenantOf(server);
    const before = await snapshot(t);
    const labOnly = await t.token({ sub: 'lab-admin', roles: ['admin'], groups: ['Lab'] });
    const outOfScope = await server.gql(DELETE, { input: { id: backup } }, labOnly);
    expect(outOfScope.errors?.[0]?.extensions).toMatchObject({
      code: 'NOT_FOUND',
      field: 'input.id',
    });
    const crossTenant = await server.gql(
      DELETE,
      { input: { id: lab } },
      await other.tokens.admin(),
    );
    expect(crossTenant.errors?.[0]?.extensions).toMatchObject({
      code: 'NOT_FOUND',
      field: 'input.id',
    });
    // Exactly what a group that never existed answers.
    const nowhere = await server.gql(
      DELETE,
      {
        input: {
          id: Buffer.from('DeviceGroup:00000000-0000-4000-8000-000000000000').toString('base64'),
        },
      },
      labOnly,
    );
    expect(nowhere.errors?.[0]).toEqual({
      ...outOfScope.errors?.[0],
      path: nowhere.errors?.[0]?.path,
    });
    expect(await snapshot(t)).toEqual(before);
    const own = await server.gqlData(DELETE, { input: { id: lab } }, labOnly);
    expect(own.deleteDeviceGroup).toEqual({ deletedId: lab, devicesMoved: 2 });
  });

  it('roles: responders, viewers and ingest may not delete groups', async () => {
    const { t, lab } = await labTenant();
    const before = await snapshot(t);
    for (const bearer of [
      await t.tokens.responder(),
      await t.tokens.viewer(),
      await t.tokens.ingest(),
    ]) {
      const refused = await server.gql(DELETE, { input: { id: lab } }, bearer);
      expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    expect(await snapshot(t)).toEqual(before);
  });

  it('a retry with the same key answers the first result and does nothing again; the key with another group is IDEMPOTENCY_KEY_REUSED', async () => {
    const { t, lab, backup } = await labTenant();
    const admin = await t.tokens.admin();
    const first = await server.gqlData(
      DELETE,
      { input: { id: lab, idempotencyKey: 'del-1' } },
      admin,
    );
    const afterFirst = await snapshot(t);
    const replay = await server.gqlData(
      DELETE,
      { input: { id: lab, idempotencyKey: 'del-1' } },
      admin,
    );
    expect(replay).toEqual(first);
    expect(await snapshot(t)).toEqual(afterFirst);
    const reused = await server.gql(
      DELETE,
      { input: { id: backup, idempotencyKey: 'del-1' } },
      admin,
    );
    expect(reused.errors?.[0]?.extensions?.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await snapshot(t)).toEqual(afterFirst);
    // Without a key, deleting a group already gone is NOT_FOUND.
    const again = await server.gql(DELETE, { input: { id: lab } }, admin);
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'input.id' });
  });

  it("an action decided under a group the caller's token does not cover hides that group's name", async () => {
    const { t, lab, byRule } = await labTenant();
    await t.reportAlert(byRule.id, [
      { kind: 'FILE', path: 'C:\\x\\b.exe', sha256: sha(), verdict: 'MALICIOUS' },
    ]);
    await server.gqlData(DELETE, { input: { id: lab } }, await t.tokens.admin());
    const backupViewer = await t.token({ sub: 'b', roles: ['viewer'], groups: ['Backup lab'] });
    const seen = await server.gqlData(
      `{ remediationActions(first: 10) { edges { node { deviceGroup { name } decisionDeviceGroupId decisionDeviceGroupName } } } }`,
      {},
      backupViewer,
    );
    expect(seen.remediationActions.edges.map((e: any) => e.node)).toEqual([
      {
        deviceGroup: { name: 'Backup lab' },
        decisionDeviceGroupId: null,
        decisionDeviceGroupName: null,
      },
    ]);
  });
});
