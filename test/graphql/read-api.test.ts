import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtures } from '../support/fixtures.js';
import { globalId } from '../support/global-ids.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
let world: Awaited<ReturnType<typeof buildWorld>>;

async function buildWorld() {
  const a = fixtures(server.prisma, 'tenant-a');
  await a.tenant();
  const groupX = await a.group('Servers X', 'SEMI_REQUIRE_APPROVAL_ANY');
  const groupY = await a.group('Laptops Y', 'FULL');
  const deviceX = await a.device(groupX.id, 'x-01');
  const deviceY = await a.device(groupY.id, 'y-01');
  const onlyY = await a.incident([deviceY], { title: 'Only on Y' });
  const spanning = await a.incident([deviceX, deviceY], {
    title: 'Spans X and Y',
    status: 'COMPLETED',
  });
  const b = fixtures(server.prisma, 'tenant-b');
  await b.tenant();
  const groupB = await b.group('B servers');
  const deviceB = await b.device(groupB.id, 'b-01');
  const inB = await b.incident([deviceB]);
  return { groupX, groupY, deviceX, deviceY, onlyY, spanning, deviceB, inB };
}

beforeAll(async () => {
  server = await startTestServer();
  world = await buildWorld();
});
afterAll(() => server?.close());

describe('authentication', () => {
  it('refuses a request without a token as UNAUTHENTICATED', async () => {
    const result = await server.gql('{ deviceGroups { totalCount } }', {}, null);
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(result.data ?? null).toBeNull();
  });

  it('refuses a token signed with another secret as UNAUTHENTICATED', async () => {
    const forged =
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4IiwidGlkIjoidGVuYW50LWEiLCJyb2xlcyI6WyJhZG1pbiJdLCJncm91cHMiOiIqIn0.' +
      'c2lnbmF0dXJlLW5vdC12YWxpZC1mb3ItdGhpcy1zZWNyZXQ';
    const result = await server.gql('{ deviceGroups { totalCount } }', {}, forged);
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('provisions a new tenant on its first token with the default group at FULL on plan PLAN_2', async () => {
    const token = await server.token({ tid: 'brand-new-tenant' });
    const data = await server.gqlData(
      '{ deviceGroups { totalCount edges { node { name automationLevel rank } } } }',
      {},
      token,
    );
    expect(data.deviceGroups).toEqual({
      totalCount: 1,
      edges: [{ node: { name: 'Ungrouped devices', automationLevel: 'FULL', rank: 1 } }],
    });
    const tenant = await server.prisma.tenant.findUnique({ where: { id: 'brand-new-tenant' } });
    expect(tenant?.plan).toBe('PLAN_2');
  });
});

describe('scope: another tenant', () => {
  it('sees none of tenant A by root lists, totals, node or nodes', async () => {
    const token = await server.token({ tid: 'tenant-b' });
    const data = await server.gqlData(
      `query($ids: [ID!]!, $id: ID!) {
        devices { totalCount edges { node { hostname } } }
        incidents { totalCount }
        remediationActions { totalCount }
        investigations { totalCount }
        node(id: $id) { id }
        nodes(ids: $ids) { id }
      }`,
      {
        id: globalId('Device', world.deviceX.id),
        ids: [
          globalId('Incident', world.onlyY.incident.id),
          globalId('RemediationAction', world.onlyY.actions[0]!.id),
        ],
      },
      token,
    );
    expect(data.devices).toEqual({ totalCount: 1, edges: [{ node: { hostname: 'b-01' } }] });
    expect(data.incidents.totalCount).toBe(1);
    expect(data.remediationActions.totalCount).toBe(1);
    expect(data.investigations.totalCount).toBe(1);
    expect(data.node).toBeNull();
    expect(data.nodes).toEqual([null, null]);
  });
});

describe('scope: a token limited to group X', () => {
  const groupXToken = () => server.token({ roles: ['viewer'], groups: ['Servers X'] });

  it('lists only group X devices, actions and incidents that touch X, with matching totals', async () => {
    const data = await server.gqlData(
      `{
        deviceGroups { totalCount edges { node { name devices { totalCount } } } }
        devices { totalCount edges { node { hostname } } }
        remediationActions { totalCount edges { node { device { hostname } } } }
        incidents { totalCount edges { node { title devices { hostname } remediationActions { totalCount }
          evidence { totalCount } alerts { totalCount edges { node { device { hostname } } } } } } }
      }`,
      {},
      await groupXToken(),
    );
    expect(data.deviceGroups).toEqual({
      totalCount: 1,
      edges: [{ node: { name: 'Servers X', devices: { totalCount: 1 } } }],
    });
    expect(data.devices).toEqual({ totalCount: 1, edges: [{ node: { hostname: 'x-01' } }] });
    expect(data.remediationActions).toEqual({
      totalCount: 1,
      edges: [{ node: { device: { hostname: 'x-01' } } }],
    });
    expect(data.incidents.totalCount).toBe(1);
    const incident = data.incidents.edges[0].node;
    expect(incident.title).toBe('Spans X and Y');
    // The spanning incident shows only what belongs to group X.
    expect(incident.devices).toEqual([{ hostname: 'x-01' }]);
    expect(incident.remediationActions.totalCount).toBe(1);
    expect(incident.evidence.totalCount).toBe(1);
    expect(incident.alerts).toEqual({
      totalCount: 1,
      edges: [{ node: { device: { hostname: 'x-01' } } }],
    });
  });

  it('gets null, not an error, for group Y objects by node and nodes', async () => {
    const ids = [
      globalId('Device', world.deviceY.id),
      globalId('DeviceGroup', world.groupY.id),
      globalId('Incident', world.onlyY.incident.id),
      globalId('Investigation', world.onlyY.investigation.id),
      globalId('RemediationAction', world.onlyY.actions[0]!.id),
    ];
    const result = await server.gql(
      `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`,
      { ids },
      await groupXToken(),
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.nodes).toEqual([null, null, null, null, null]);
  });

  it('cannot reach group Y through a filter naming it', async () => {
    const data = await server.gqlData(
      `query($g: [ID!]) { remediationActions(filter: { deviceGroupIds: $g }) { totalCount } }`,
      { g: [globalId('DeviceGroup', world.groupY.id)] },
      await groupXToken(),
    );
    expect(data.remediationActions.totalCount).toBe(0);
  });

  it('sees a forged or malformed id as absent', async () => {
    const result = await server.gql(
      `query($id: ID!) { node(id: $id) { id } }`,
      { id: globalId('Device', 'not-a-uuid') },
      await groupXToken(),
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.node).toBeNull();
  });
});

describe('pagination and filters', () => {
  it('refuses first over 100 with BAD_USER_INPUT naming the argument', async () => {
    const result = await server.gql('{ remediationActions(first: 101) { totalCount } }');
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toMatch(/first/);
  });

  it('pages with cursors without repeating or skipping', async () => {
    const first = await server.gqlData(
      '{ remediationActions(first: 2) { pageInfo { hasNextPage endCursor } edges { node { id } } } }',
    );
    const rest = await server.gqlData(
      `query($after: String) { remediationActions(first: 100, after: $after) { pageInfo { hasNextPage } edges { node { id } } } }`,
      {
        after: first.remediationActions.pageInfo.endCursor,
      },
    );
    const all = await server.gqlData(
      '{ remediationActions(first: 100) { totalCount edges { node { id } } } }',
    );
    expect(first.remediationActions.pageInfo.hasNextPage).toBe(true);
    expect(rest.remediationActions.pageInfo.hasNextPage).toBe(false);
    const paged = [...first.remediationActions.edges, ...rest.remediationActions.edges].map(
      (e: any) => e.node.id,
    );
    expect(paged).toEqual(all.remediationActions.edges.map((e: any) => e.node.id));
    expect(all.remediationActions.totalCount).toBe(3);
  });

  it('filters actions by status, type, group, device, incident and time', async () => {
    const q = `query($f: RemediationActionFilter) { remediationActions(filter: $f) { totalCount } }`;
    const count = async (f: Record<string, unknown>) =>
      (await server.gqlData(q, { f })).remediationActions.totalCount;
    expect(await count({ statuses: ['PENDING_APPROVAL'] })).toBe(1);
    expect(await count({ statuses: ['COMPLETED'] })).toBe(2);
    expect(await count({ types: ['KILL_PROCESS'] })).toBe(0);
    expect(await count({ deviceGroupIds: [globalId('DeviceGroup', world.groupY.id)] })).toBe(2);
    expect(await count({ deviceIds: [globalId('Device', world.deviceX.id)] })).toBe(1);
    expect(await count({ incidentIds: [globalId('Incident', world.spanning.incident.id)] })).toBe(
      2,
    );
    expect(await count({ createdAfter: new Date(Date.now() + 60_000).toISOString() })).toBe(0);
    expect(await count({ createdBefore: new Date(Date.now() + 60_000).toISOString() })).toBe(3);
    expect(await count({ sources: ['AUTOMATED_INVESTIGATION'] })).toBe(3);
    expect(await count({ sources: ['MANUAL', 'ANTIVIRUS'] })).toBe(0);
    // Filters combine (AND).
    expect(
      await count({ statuses: ['COMPLETED'], deviceIds: [globalId('Device', world.deviceX.id)] }),
    ).toBe(1);
    expect(
      await count({
        statuses: ['PENDING_APPROVAL'],
        deviceIds: [globalId('Device', world.deviceX.id)],
      }),
    ).toBe(0);
  });

  it('lists actions newest first, as the History tab shows them', async () => {
    // Distinct creation times, oldest first in id order, so that any other order shows.
    const rows = await server.prisma.remediationAction.findMany({
      where: { tenantId: 'tenant-a' },
      orderBy: { id: 'asc' },
    });
    expect(rows).toHaveLength(3);
    const base = Date.now() - 3_600_000;
    for (const [i, row] of rows.entries()) {
      await server.prisma.remediationAction.update({
        where: { id: row.id },
        data: { createdAt: new Date(base + i * 60_000) },
      });
    }
    const data = await server.gqlData(
      '{ remediationActions(first: 100) { edges { node { id } } } }',
    );
    expect(data.remediationActions.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(
      [...rows].reverse().map((row) => globalId('RemediationAction', row.id)),
    );
  });

  it('refuses an id of the wrong type in a filter, naming the field', async () => {
    const result = await server.gql(
      `query($f: RemediationActionFilter) { remediationActions(filter: $f) { totalCount } }`,
      {
        f: { deviceGroupIds: [globalId('Device', world.deviceX.id)] },
      },
    );
    expect(result.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'filter.deviceGroupIds',
    });
  });
});
