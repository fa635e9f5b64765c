// Issue 10 item 2: an admin limited to "Servers" created a rank-1 group whose rule matched another
// group's devices and so captured them. The order of groups (create, rename, rank, rules) is now
// reserved to admins of every group; a limited admin sets level and description of its groups.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';
import { type Tenant, tenantOf } from '../support/workflow.js';

let server: TestServer;
let tenant: Tenant;
let servers: { id: string };
let laptops: { id: string };
beforeAll(async () => {
  server = await startTestServer();
  tenant = tenantOf(server);
  const admin = await tenant.tokens.admin();
  const create = `mutation($input: CreateDeviceGroupInput!) { createDeviceGroup(input: $input) { deviceGroup { id } } }`;
  const make = async (name: string, hostnamePrefix: string) =>
    (
      await server.gqlData(
        create,
        { input: { name, automationLevel: 'FULL', rules: { hostnamePrefix } } },
        admin,
      )
    ).createDeviceGroup.deviceGroup as { id: string };
  servers = await make('Servers', 'srv-');
  laptops = await make('Laptops', 'lap-');
  for (const hostname of ['srv-1', 'lap-1', 'lap-2']) await tenant.device(hostname, null);
});
afterAll(() => server?.close());

const CREATE = `mutation($input: CreateDeviceGroupInput!) { createDeviceGroup(input: $input) { deviceGroup { id name } } }`;
const UPDATE = `mutation($input: UpdateDeviceGroupInput!) { updateDeviceGroup(input: $input) { deviceGroup { id name automationLevel description } } }`;
const limitedAdmin = () =>
  tenant.token({ sub: 'servers-admin', roles: ['admin'], groups: ['Servers'] });

/** Every group with its devices, as an admin of every group sees them. */
async function placement() {
  const data = await server.gqlData(
    '{ deviceGroups(first: 10) { edges { node { name rank devices(first: 10) { edges { node { hostname } } } } } } }',
    {},
    await tenant.tokens.admin(),
  );
  return (data.deviceGroups.edges as any[]).map((e) => ({
    name: e.node.name as string,
    rank: e.node.rank as number,
    devices: (e.node.devices.edges as any[]).map((d) => d.node.hostname as string).sort(),
  }));
}

function refusal(result: { errors?: { message: string; extensions?: Record<string, unknown> }[] }) {
  expect(result.errors).toHaveLength(1);
  return result.errors![0]!;
}

describe('a group-limited admin and the order of groups', () => {
  it('cannot create a group, so no rank-1 rule captures devices it cannot see', async () => {
    const before = await placement();
    const result = await server.gql(
      CREATE,
      {
        input: {
          name: 'Trap',
          automationLevel: 'FULL',
          rank: 1,
          rules: { hostnamePrefix: 'lap-' },
        },
      },
      await limitedAdmin(),
    );
    const error = refusal(result);
    expect(error.extensions?.code).toBe('FORBIDDEN');
    expect(error.message).toMatch(/every device group/);
    expect(await placement()).toEqual(before);
    expect(before.find((g) => g.name === 'Laptops')?.devices).toEqual(['lap-1', 'lap-2']);
  });

  it('gets the same answer for a name taken outside its scope: the other group is not revealed', async () => {
    const taken = await server.gql(
      CREATE,
      { input: { name: 'Laptops', automationLevel: 'FULL' } },
      await limitedAdmin(),
    );
    const free = await server.gql(
      CREATE,
      { input: { name: 'Nobody has this', automationLevel: 'FULL' } },
      await limitedAdmin(),
    );
    expect(refusal(taken)).toEqual(refusal(free));
    expect(JSON.stringify(taken)).not.toMatch(/already exists/);
    const rename = await server.gql(
      UPDATE,
      { input: { id: servers.id, name: 'Laptops' } },
      await limitedAdmin(),
    );
    expect(refusal(rename).extensions).toMatchObject({ code: 'FORBIDDEN', field: 'input.name' });
    expect(JSON.stringify(rename)).not.toMatch(/already exists/);
  });

  it.each([
    ['rules', { rules: { hostnamePrefix: 'lap-' } }],
    ['rank', { rank: 2 }],
  ])(
    'cannot change %s of its own group (which would re-place other groups’ devices)',
    async (field, change) => {
      const before = await placement();
      const result = await server.gql(
        UPDATE,
        { input: { id: servers.id, ...change } },
        await limitedAdmin(),
      );
      expect(refusal(result).extensions).toMatchObject({
        code: 'FORBIDDEN',
        field: `input.${field}`,
      });
      expect(await placement()).toEqual(before);
    },
  );

  it('sets the level and description of its own group, and finds no other group', async () => {
    const own = await server.gql(
      UPDATE,
      {
        input: {
          id: servers.id,
          automationLevel: 'SEMI_REQUIRE_APPROVAL_ANY',
          description: 'racks',
        },
      },
      await limitedAdmin(),
    );
    expect(own.errors).toBeUndefined();
    expect(own.data?.updateDeviceGroup.deviceGroup).toMatchObject({
      automationLevel: 'SEMI_REQUIRE_APPROVAL_ANY',
      description: 'racks',
    });
    const other = await server.gql(
      UPDATE,
      { input: { id: laptops.id, automationLevel: 'NO_AUTOMATED_RESPONSE' } },
      await limitedAdmin(),
    );
    expect(refusal(other).extensions?.code).toBe('NOT_FOUND');
  });

  it('leaves the order of groups to an admin of every group', async () => {
    const result = await server.gql(
      UPDATE,
      { input: { id: laptops.id, rank: 1 } },
      await tenant.tokens.admin(),
    );
    expect(result.errors).toBeUndefined();
    expect((await placement()).find((g) => g.name === 'Laptops')?.rank).toBe(1);
  });
});
