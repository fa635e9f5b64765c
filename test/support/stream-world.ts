// The world the stream tests start from, written straight to the database (fixtures) so the
// streams are examined without depending on the mutations: tenant A with two approval groups and
// tenant B with a group of the same name as one of A's (names are per tenant).
import type { PrismaClient } from '../../src/db/client.js';
import { fixtures } from './fixtures.js';
import { streamWriter } from './stream-writer.js';

/** Group names of the stream world: tokens name groups, events carry them. */
export const GROUP_X = 'Group X';
export const GROUP_Y = 'Group Y';

/**
 * Tenant `tenant-a`: groups X and Y (SEMI_REQUIRE_APPROVAL_ANY), devices `x-01` and `y-01`, an
 * incident on each. Tenant `tenant-b`: a group also named X, device `b-01`, an incident. `a` and
 * `b` write actions with their stream events for each tenant.
 */
export async function streamWorld(prisma: PrismaClient) {
  const a = fixtures(prisma, 'tenant-a');
  await a.tenant();
  const groupX = await a.group(GROUP_X, 'SEMI_REQUIRE_APPROVAL_ANY');
  const groupY = await a.group(GROUP_Y, 'SEMI_REQUIRE_APPROVAL_ANY');
  const deviceX = await a.device(groupX.id, 'x-01');
  const deviceY = await a.device(groupY.id, 'y-01');
  const incidentX = (await a.incident([deviceX], { title: 'On X' })).incident;
  const incidentY = (await a.incident([deviceY], { title: 'On Y' })).incident;
  const b = fixtures(prisma, 'tenant-b');
  await b.tenant();
  const groupB = await b.group(GROUP_X);
  const deviceB = await b.device(groupB.id, 'b-01');
  const incidentB = (await b.incident([deviceB], { title: 'B incident' })).incident;
  return {
    groupX,
    groupY,
    deviceX,
    deviceY,
    incidentX,
    incidentY,
    groupB,
    deviceB,
    incidentB,
    a: streamWriter(prisma, 'tenant-a'),
    b: streamWriter(prisma, 'tenant-b'),
  };
}

export type StreamWorld = Awaited<ReturnType<typeof streamWorld>>;

/** A tenant of its own with one group and device, for tests whose subscriber counts must be exact. */
export async function streamTenant(prisma: PrismaClient, tenant: string, groupName: string) {
  const own = fixtures(prisma, tenant);
  await own.tenant();
  const device = await own.device((await own.group(groupName)).id);
  return { device, writer: streamWriter(prisma, tenant) };
}
