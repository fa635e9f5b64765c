import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';
import { TAKE, type Tenant, tenantOf } from '../support/workflow.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

const SEARCH = `query($filter: DeviceFilter, $first: Int!, $after: String) {
  searchDevices(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { hostname } } } }`;
const GROUP_DEVICES = `query($id: ID!, $filter: DeviceFilter) { node(id: $id) { ... on DeviceGroup {
  devices(filter: $filter, first: 50) { totalCount edges { node { hostname } } } } } }`;

/** Servers (two Linux hosts, one isolated) and Laptops (Windows, macOS, odd characters in names). */
async function fleet() {
  const t = tenantOf(server);
  const servers = await t.group('Servers', 'FULL');
  const laptops = await t.group('Laptops', 'FULL');
  const web = await t.device('WEB-01', servers.id, 'LINUX');
  await t.device('db-01', servers.id, 'LINUX');
  await t.device('web_laptop', laptops.id, 'WINDOWS');
  await t.device('webXlaptop', laptops.id, 'MACOS');
  await t.device('100%-laptop', laptops.id, 'WINDOWS');
  await server.gqlData(
    TAKE,
    { input: { type: 'ISOLATE_DEVICE', deviceId: web.id, comment: 'contain' } },
    await t.tokens.responder(),
  );
  return { t, servers, laptops };
}

async function hostnames(t: Tenant, filter: unknown, bearer?: string) {
  const data = await server.gqlData(
    SEARCH,
    { filter, first: 50 },
    bearer ?? (await t.tokens.viewer()),
  );
  const names: string[] = data.searchDevices.edges.map((e: any) => e.node.hostname);
  expect(data.searchDevices.totalCount).toBe(names.length);
  // Ordered by hostname in the database's collation; compared as a set here.
  return names.sort();
}

async function hostnamesInOrder(t: Tenant, filter: unknown) {
  const data = await server.gqlData(SEARCH, { filter, first: 50 }, await t.tokens.viewer());
  return data.searchDevices.edges.map((e: any) => e.node.hostname);
}

describe('searchDevices and DeviceGroup.devices(filter:)', () => {
  it('filters by hostname substring (any case, LIKE characters literal), isolation, platform and group, together', async () => {
    const { t, servers, laptops } = await fleet();
    expect(await hostnames(t, null)).toEqual([
      '100%-laptop',
      'WEB-01',
      'db-01',
      'webXlaptop',
      'web_laptop',
    ]);
    expect(await hostnames(t, { hostnameContains: 'web' })).toEqual([
      'WEB-01',
      'webXlaptop',
      'web_laptop',
    ]);
    expect(await hostnames(t, { hostnameContains: 'b_l' })).toEqual(['web_laptop']);
    expect(await hostnames(t, { hostnameContains: '0%' })).toEqual(['100%-laptop']);
    expect(await hostnames(t, { isolated: true })).toEqual(['WEB-01']);
    expect(await hostnames(t, { isolated: false, osPlatforms: ['LINUX'] })).toEqual(['db-01']);
    expect(await hostnames(t, { osPlatforms: ['WINDOWS', 'MACOS'] })).toEqual([
      '100%-laptop',
      'webXlaptop',
      'web_laptop',
    ]);
    expect(await hostnames(t, { deviceGroupIds: [servers.id], hostnameContains: 'WEB' })).toEqual([
      'WEB-01',
    ]);
    expect(
      await hostnames(t, { deviceGroupIds: [servers.id, laptops.id], isolated: true }),
    ).toEqual(['WEB-01']);
    const inGroup = await server.gqlData(
      GROUP_DEVICES,
      { id: laptops.id, filter: { hostnameContains: 'LAPTOP', osPlatforms: ['WINDOWS'] } },
      await t.tokens.viewer(),
    );
    expect(inGroup.node.devices).toEqual({
      totalCount: 2,
      edges: [{ node: { hostname: '100%-laptop' } }, { node: { hostname: 'web_laptop' } }],
    });
  });

  it('pages through the matches with a cursor', async () => {
    const { t } = await fleet();
    const viewer = await t.tokens.viewer();
    const filter = { hostnameContains: 'laptop' };
    const first = await server.gqlData(SEARCH, { filter, first: 2 }, viewer);
    expect(first.searchDevices.totalCount).toBe(3);
    expect(first.searchDevices.pageInfo.hasNextPage).toBe(true);
    const rest = await server.gqlData(
      SEARCH,
      { filter, first: 2, after: first.searchDevices.pageInfo.endCursor },
      viewer,
    );
    const paged = [...first.searchDevices.edges, ...rest.searchDevices.edges].map(
      (e: any) => e.node.hostname,
    );
    expect(paged).toEqual(await hostnamesInOrder(t, filter));
    expect([...paged].sort()).toEqual(['100%-laptop', 'webXlaptop', 'web_laptop']);
    expect(rest.searchDevices.pageInfo.hasNextPage).toBe(false);
  });

  it('stays in scope: a group-limited viewer sees its groups only, naming another group finds nothing, another tenant sees nothing', async () => {
    const { t, servers } = await fleet();
    const laptopsOnly = await t.token({ sub: 'l', roles: ['viewer'], groups: ['Laptops'] });
    expect(await hostnames(t, { hostnameContains: 'web' }, laptopsOnly)).toEqual([
      'webXlaptop',
      'web_laptop',
    ]);
    expect(await hostnames(t, { deviceGroupIds: [servers.id] }, laptopsOnly)).toEqual([]);
    const outOfScopeGroup = await server.gqlData(
      GROUP_DEVICES,
      { id: servers.id, filter: {} },
      laptopsOnly,
    );
    expect(outOfScopeGroup.node).toBeNull();
    const other = tenantOf(server);
    expect(await hostnames(other, { deviceGroupIds: [servers.id] })).toEqual([]);
    expect(await hostnames(other, null)).toEqual([]);
  });

  it('bad filters are BAD_USER_INPUT naming the field', async () => {
    const { t } = await fleet();
    const viewer = await t.tokens.viewer();
    const device = (await server.gqlData(SEARCH, { first: 1 }, viewer)).searchDevices;
    expect(device.totalCount).toBe(5);
    const deviceId = (
      await server.gqlData(`{ devices(first: 1) { edges { node { id } } } }`, {}, viewer)
    ).devices.edges[0].node.id;
    const wrongType = await server.gql(
      SEARCH,
      { filter: { deviceGroupIds: [deviceId] }, first: 5 },
      viewer,
    );
    expect(wrongType.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'filter.deviceGroupIds',
    });
    const tooLong = await server.gql(
      SEARCH,
      { filter: { hostnameContains: 'x'.repeat(201) }, first: 5 },
      viewer,
    );
    expect(tooLong.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(tooLong.errors?.[0])).toMatch(/hostnameContains/);
  });
});
