import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

const GROUPS = `{ deviceGroups { edges { node { id name rank automationLevel isDefault devices { totalCount } } } } }`;
const CREATE = `mutation($input: CreateDeviceGroupInput!) { createDeviceGroup(input: $input) { deviceGroup { id name rank automationLevel } } }`;
const UPDATE = `mutation($input: UpdateDeviceGroupInput!) { updateDeviceGroup(input: $input) { deviceGroup { id name rank automationLevel } } }`;
const REGISTER = `mutation($input: RegisterDeviceInput!) { registerDevice(input: $input) { device { id hostname deviceGroup { name } } } }`;

async function ranks(token: string) {
  const data = await server.gqlData(GROUPS, {}, token);
  return data.deviceGroups.edges.map((e: any) => `${e.node.rank}:${e.node.name}`);
}

describe('device groups', () => {
  it('puts a new group last, just above the default group, and shifts ranks on insert and move', async () => {
    const token = await server.token({ tid: 'ranks' });
    await server.gqlData(
      CREATE,
      { input: { name: 'Servers', automationLevel: 'SEMI_REQUIRE_APPROVAL_ANY' } },
      token,
    );
    await server.gqlData(CREATE, { input: { name: 'Laptops', automationLevel: 'FULL' } }, token);
    expect(await ranks(token)).toEqual(['1:Servers', '2:Laptops', '3:Ungrouped devices']);
    const dc = await server.gqlData(
      CREATE,
      { input: { name: 'Domain controllers', automationLevel: 'NO_AUTOMATED_RESPONSE', rank: 1 } },
      token,
    );
    expect(await ranks(token)).toEqual([
      '1:Domain controllers',
      '2:Servers',
      '3:Laptops',
      '4:Ungrouped devices',
    ]);
    await server.gqlData(
      UPDATE,
      { input: { id: dc.createDeviceGroup.deviceGroup.id, rank: 3 } },
      token,
    );
    expect(await ranks(token)).toEqual([
      '1:Servers',
      '2:Laptops',
      '3:Domain controllers',
      '4:Ungrouped devices',
    ]);
    // A rank below the default group's still leaves the default group last.
    await server.gqlData(
      CREATE,
      { input: { name: 'Kiosks', automationLevel: 'FULL', rank: 99 } },
      token,
    );
    expect(await ranks(token)).toEqual([
      '1:Servers',
      '2:Laptops',
      '3:Domain controllers',
      '4:Kiosks',
      '5:Ungrouped devices',
    ]);
  });

  it('refuses a duplicate name with BAD_USER_INPUT naming the field, and writes nothing', async () => {
    const token = await server.token({ tid: 'dupes' });
    await server.gqlData(CREATE, { input: { name: 'Servers', automationLevel: 'FULL' } }, token);
    const again = await server.gql(
      CREATE,
      { input: { name: 'Servers', automationLevel: 'FULL', rank: 1 } },
      token,
    );
    expect(again.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.name',
    });
    expect(await ranks(token)).toEqual(['1:Servers', '2:Ungrouped devices']);
    const blank = await server.gql(
      CREATE,
      { input: { name: '  ', automationLevel: 'FULL' } },
      token,
    );
    expect(blank.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.name',
    });
    const zero = await server.gql(
      CREATE,
      { input: { name: 'Zero', automationLevel: 'FULL', rank: 0 } },
      token,
    );
    expect(zero.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.rank',
    });
    expect(await ranks(token)).toEqual(['1:Servers', '2:Ungrouped devices']);
  });

  it('replays a create, update or registration retried with its idempotency key, and refuses the key for other input', async () => {
    const token = await server.token({ tid: 'group-retries' });
    const input = { name: 'Retried', automationLevel: 'FULL', idempotencyKey: 'create-1' };
    const first = await server.gqlData(CREATE, { input }, token);
    // Without the key the retry would be a duplicate name; with it, the first answer.
    const retry = await server.gqlData(CREATE, { input }, token);
    expect(retry.createDeviceGroup.deviceGroup).toEqual(first.createDeviceGroup.deviceGroup);
    const reused = await server.gql(CREATE, { input: { ...input, name: 'Other' } }, token);
    expect(reused.errors?.[0]?.extensions).toMatchObject({
      code: 'IDEMPOTENCY_KEY_REUSED',
      field: 'input.idempotencyKey',
    });
    expect(await ranks(token)).toEqual(['1:Retried', '2:Ungrouped devices']);

    const id = first.createDeviceGroup.deviceGroup.id;
    const move = { id, automationLevel: 'SEMI_REQUIRE_APPROVAL_ANY', idempotencyKey: 'update-1' };
    await server.gqlData(UPDATE, { input: move }, token);
    await server.gqlData(UPDATE, { input: { id, automationLevel: 'FULL' } }, token); // someone changes it back
    const replayed = await server.gqlData(UPDATE, { input: move }, token);
    // The replay does not apply the change again: the group stays as the later call left it.
    expect(replayed.updateDeviceGroup.deviceGroup).toMatchObject({ id, automationLevel: 'FULL' });

    const register = { hostname: 'retried-01', osPlatform: 'LINUX', idempotencyKey: 'register-1' };
    const device = await server.gqlData(REGISTER, { input: register }, token);
    expect(
      (await server.gqlData(REGISTER, { input: register }, token)).registerDevice.device.id,
    ).toBe(device.registerDevice.device.id);

    const operations = ['createDeviceGroup', 'updateDeviceGroup', 'registerDevice'];
    const audited = await server.prisma.auditEvent.groupBy({
      by: ['operation'],
      where: { tenantId: 'group-retries', operation: { in: operations } },
      _count: true,
    });
    expect(Object.fromEntries(audited.map((row) => [row.operation, row._count]))).toEqual({
      createDeviceGroup: 1,
      updateDeviceGroup: 2,
      registerDevice: 1,
    });
  });

  it('lets only admins manage groups', async () => {
    const viewer = await server.token({ tid: 'roles', roles: ['viewer'] });
    const responder = await server.token({ tid: 'roles', roles: ['responder'] });
    for (const token of [viewer, responder]) {
      const result = await server.gql(
        CREATE,
        { input: { name: 'Nope', automationLevel: 'FULL' } },
        token,
      );
      expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    expect(await ranks(await server.token({ tid: 'roles' }))).toEqual(['1:Ungrouped devices']);
  });

  it('cannot update a group of another tenant: it does not exist there', async () => {
    const a = await server.token({ tid: 'owner' });
    const created = await server.gqlData(
      CREATE,
      { input: { name: 'Mine', automationLevel: 'FULL' } },
      a,
    );
    const b = await server.token({ tid: 'intruder' });
    const result = await server.gql(
      UPDATE,
      {
        input: {
          id: created.createDeviceGroup.deviceGroup.id,
          automationLevel: 'NO_AUTOMATED_RESPONSE',
        },
      },
      b,
    );
    expect(result.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const groups = await server.gqlData(GROUPS, {}, a);
    expect(groups.deviceGroups.edges[0].node.automationLevel).toBe('FULL');
  });
});

describe('registerDevice', () => {
  it('places a device in the highest-ranked group whose rules match, else the default group', async () => {
    const token = await server.token({ tid: 'membership' });
    await server.gqlData(
      CREATE,
      {
        input: { name: 'Web servers', automationLevel: 'FULL', rules: { hostnamePrefix: 'web-' } },
      },
      token,
    );
    await server.gqlData(
      CREATE,
      { input: { name: 'Tagged', automationLevel: 'FULL', rules: { tag: 'pci' } } },
      token,
    );
    const web = await server.gqlData(
      REGISTER,
      { input: { hostname: 'WEB-01', osPlatform: 'LINUX', tags: ['pci'] } },
      token,
    );
    expect(web.registerDevice.device.deviceGroup.name).toBe('Web servers');
    const tagged = await server.gqlData(
      REGISTER,
      { input: { hostname: 'db-01', osPlatform: 'LINUX', tags: ['pci'] } },
      token,
    );
    expect(tagged.registerDevice.device.deviceGroup.name).toBe('Tagged');
    const other = await server.gqlData(
      REGISTER,
      { input: { hostname: 'laptop-7', osPlatform: 'WINDOWS' } },
      token,
    );
    expect(other.registerDevice.device.deviceGroup.name).toBe('Ungrouped devices');
  });

  it('re-evaluates devices not placed explicitly when rules change, and leaves explicit ones', async () => {
    const token = await server.token({ tid: 'reevaluate' });
    const kiosks = await server.gqlData(
      CREATE,
      { input: { name: 'Kiosks', automationLevel: 'FULL' } },
      token,
    );
    const kioskId = kiosks.createDeviceGroup.deviceGroup.id;
    await server.gqlData(
      REGISTER,
      { input: { hostname: 'kiosk-1', osPlatform: 'WINDOWS' } },
      token,
    );
    await server.gqlData(
      REGISTER,
      { input: { hostname: 'kiosk-2', osPlatform: 'WINDOWS', deviceGroupId: kioskId } },
      token,
    );
    let groups = await server.gqlData(GROUPS, {}, token);
    expect(
      groups.deviceGroups.edges.map((e: any) => [e.node.name, e.node.devices.totalCount]),
    ).toEqual([
      ['Kiosks', 1],
      ['Ungrouped devices', 1],
    ]);
    await server.gqlData(
      UPDATE,
      { input: { id: kioskId, rules: { hostnamePrefix: 'kiosk-' } } },
      token,
    );
    groups = await server.gqlData(GROUPS, {}, token);
    expect(
      groups.deviceGroups.edges.map((e: any) => [e.node.name, e.node.devices.totalCount]),
    ).toEqual([
      ['Kiosks', 2],
      ['Ungrouped devices', 0],
    ]);
  });

  it('returns the existing device when a hostname registers again', async () => {
    const token = await server.token({ tid: 'again', roles: ['ingest'] });
    const first = await server.gqlData(
      REGISTER,
      { input: { hostname: 'pc-1', osPlatform: 'MACOS' } },
      token,
    );
    const second = await server.gqlData(
      REGISTER,
      { input: { hostname: 'pc-1', osPlatform: 'MACOS' } },
      token,
    );
    expect(second.registerDevice.device.id).toBe(first.registerDevice.device.id);
  });

  it('refuses a viewer and bad input, writing nothing', async () => {
    const viewer = await server.token({ tid: 'bad-device', roles: ['viewer'] });
    const forbidden = await server.gql(
      REGISTER,
      { input: { hostname: 'x', osPlatform: 'LINUX' } },
      viewer,
    );
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const admin = await server.token({ tid: 'bad-device' });
    const blank = await server.gql(
      REGISTER,
      { input: { hostname: '   ', osPlatform: 'LINUX' } },
      admin,
    );
    expect(blank.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.hostname',
    });
    const badEnum = await server.gql(
      REGISTER,
      { input: { hostname: 'ok', osPlatform: 'BEOS' } },
      admin,
    );
    expect(badEnum.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const devices = await server.gqlData('{ devices { totalCount } }', {}, admin);
    expect(devices.devices.totalCount).toBe(0);
  });
});
