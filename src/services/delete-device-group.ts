import { z } from 'zod';
import { visibleGroups } from '../auth/scope.js';
import { lockTenant, shiftGroupRanks } from '../db/store/index.js';
import { moveDevicesOutOf } from './device-group-membership.js';
import type { Actor } from './kernel/actor.js';
import { audit } from './kernel/audit.js';
import { badInput, notFound } from './kernel/errors.js';
import { requireRole } from './kernel/roles.js';
import { runMutation } from './kernel/run-mutation.js';
import { idempotencyKeySchema, idSchema, parseInput } from './kernel/validation.js';
import type { ServiceDeps, Work } from './kernel/work.js';

const deleteSchema = z.object({ id: idSchema, idempotencyKey: idempotencyKeySchema });
export type DeleteDeviceGroupInput = z.input<typeof deleteSchema>;

/** What the call did; a replay answers the same (the group is gone by then). */
export interface DeleteDeviceGroupResult {
  deletedId: string;
  devicesMoved: number;
}

/**
 * deleteDeviceGroup (admin, within its scope; SPEC §7.1): never the default group. Its devices go
 * to the highest-ranked other group whose rules match, else the default group; the groups below
 * move up a rank. Actions keep the group they were decided under (`decisionDeviceGroupId`, set
 * when each was created); their current-group column follows their device. A group-limited admin
 * deletes a group it can see (others are NOT_FOUND): unlike creating or reordering, deleting
 * cannot pull in a device it cannot see, it only sends its own group's devices elsewhere.
 */
export async function deleteDeviceGroup(
  deps: ServiceDeps,
  actor: Actor,
  raw: DeleteDeviceGroupInput,
): Promise<DeleteDeviceGroupResult> {
  requireRole(actor, 'admin');
  const input = parseInput(deleteSchema, raw);
  const { idempotencyKey, ...request } = input;
  const operation = { operation: 'deleteDeviceGroup', idempotencyKey, input: request };
  return runMutation(deps, actor, operation, (work) => removeGroup(work, input.id));
}

async function removeGroup(work: Work, id: string): Promise<DeleteDeviceGroupResult> {
  const { tx, actor } = work;
  // Group changes of a tenant happen one at a time: ranks shift together.
  if (!(await lockTenant(tx, actor.tenantId))) throw notFound('Tenant');
  const group = await tx.deviceGroup.findFirst({ where: { id, ...visibleGroups(actor) } });
  if (!group) throw notFound('Device group', 'id');
  if (group.isDefault)
    throw badInput('id', `id: "${group.name}" is the default group; it cannot be deleted.`);
  const moves = await moveDevicesOutOf(tx, actor.tenantId, group.id);
  await tx.deviceGroup.delete({ where: { id: group.id } });
  await shiftGroupRanks(tx, actor.tenantId, group.rank + 1, -1);
  const devicesMoved = [...moves.values()].reduce((n, ids) => n + ids.length, 0);
  audit(work, {
    targetType: 'DeviceGroup',
    targetIds: [group.id],
    deviceGroupIds: [group.id, ...moves.keys()],
    before: {
      name: group.name,
      description: group.description,
      automationLevel: group.automationLevel,
      rank: group.rank,
    },
    after: {
      devicesMoved,
      movedTo: Object.fromEntries([...moves].map(([to, devices]) => [to, devices.length])),
    },
    outcome: 'DELETED',
  });
  return { deletedId: group.id, devicesMoved };
}
