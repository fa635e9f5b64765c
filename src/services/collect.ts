import { z } from 'zod';
import { visibleDevices } from '../auth/scope.js';
import type { Transaction } from '../db/client.js';
import {
  COLLECTION_KINDS,
  COLLECTION_PLAN_FEATURE,
  checkManualActionAllowed,
  collectionActionType,
  openTargetKey,
} from '../policy/index.js';
import type { Actor } from './kernel/actor.js';
import { badInput, DomainError } from './kernel/errors.js';
import { requireRole } from './kernel/roles.js';
import { runMutation } from './kernel/run-mutation.js';
import {
  idempotencyKeySchema,
  idSchema,
  missing,
  parseInput,
  requiredText,
} from './kernel/validation.js';
import type { ServiceDeps, Work } from './kernel/work.js';
import { createActions, type NewAction } from './remediation/create-actions.js';

const collectSchema = z.object({
  deviceId: idSchema,
  kind: z.enum(COLLECTION_KINDS),
  path: requiredText(4096).nullish(),
  comment: requiredText(2000),
  idempotencyKey: idempotencyKeySchema,
});
export type CollectInput = z.input<typeof collectSchema>;
type Collect = z.output<typeof collectSchema>;

export interface CollectResult {
  collectionId: string;
  actionId: string;
  /** True when the same collection was already under way on the device: the ids are that one's. */
  alreadyRequested: boolean;
}

/**
 * collect (SPEC §7.4): a responder asks the device of one of its groups for a file (by path) or
 * its investigation package. The request is an action (COLLECT_FILE / COLLECT_INVESTIGATION_PACKAGE,
 * taken at once, so History shows it and the agent's work queue carries it) plus the collection
 * row the upload fills. One open collection of a kind per device: asking again for the same one
 * returns it; a file collection of another path while one is open is CONFLICT.
 */
export async function collect(
  deps: ServiceDeps,
  actor: Actor,
  raw: CollectInput,
): Promise<CollectResult> {
  requireRole(actor, 'responder');
  const input = parseInput(collectSchema, raw);
  if (input.kind === 'FILE' && !input.path)
    throw badInput('path', 'path: a FILE collection needs the path of the file on the device.');
  if (input.kind === 'INVESTIGATION_PACKAGE' && input.path)
    throw badInput('path', 'path: an INVESTIGATION_PACKAGE collection takes no path.');
  const { idempotencyKey, ...request } = input;
  // A replay answers as a new call would for a device no longer in the caller's scope.
  const rescope = async (tx: Transaction, stored: CollectResult) => {
    const visible = await tx.collection.findFirst({
      where: { id: stored.collectionId, device: visibleDevices(actor) },
      select: { id: true },
    });
    if (!visible) throw missing('Device', 'deviceId');
    return stored;
  };
  return runMutation(
    deps,
    actor,
    { operation: 'collect', idempotencyKey, input: request, rescope },
    async (work) => {
      const device = await permittedDevice(work, input.deviceId);
      const action: NewAction = {
        deviceId: device.id,
        deviceGroupId: device.deviceGroupId,
        type: collectionActionType(input.kind),
        source: 'MANUAL',
        status: 'IN_PROGRESS',
        explanation: `Collection requested by ${actor.subject}: ${input.comment}`,
        requestedBy: actor.subject,
        comment: input.comment,
        decidedBy: actor.subject,
        decidedAt: work.now,
        undoable: false,
      };
      const [created] = await createActions(work, [action]);
      if (!created) return openCollection(work, input, action);
      const collection = await work.tx.collection.create({
        data: {
          tenantId: actor.tenantId,
          deviceId: device.id,
          remediationActionId: created.id,
          kind: input.kind,
          path: input.path ?? null,
          requestedBy: actor.subject,
          comment: input.comment,
          createdAt: work.now,
        },
        select: { id: true },
      });
      return { collectionId: collection.id, actionId: created.id, alreadyRequested: false };
    },
  );
}

/** The device, once the plan includes collection (PLAN_LIMIT) and the device is in scope. */
async function permittedDevice(work: Work, deviceId: string) {
  const tenant = await work.tx.tenant.findUniqueOrThrow({
    where: { id: work.actor.tenantId },
    select: { plan: true },
  });
  const permission = checkManualActionAllowed(tenant.plan, COLLECTION_PLAN_FEATURE);
  if (!permission.allowed)
    throw new DomainError('PLAN_LIMIT', permission.message, 'kind', {
      includedIn: permission.includedIn,
    });
  const device = await work.tx.device.findFirst({
    where: { AND: [{ id: deviceId }, visibleDevices(work.actor)] },
    select: { id: true, deviceGroupId: true },
  });
  if (!device) throw missing('Device', 'deviceId');
  return device;
}

/** The collection already open on the device's target: the same one is returned, another path is CONFLICT. */
async function openCollection(
  work: Work,
  input: Collect,
  action: NewAction,
): Promise<CollectResult> {
  const open = await work.tx.remediationAction.findUnique({
    where: { openTargetKey: openTargetKey(action) },
    select: { id: true, collection: { select: { id: true, path: true } } },
  });
  // An open collect action always has its collection (both are written in one transaction).
  if (!open?.collection)
    throw new DomainError('CONFLICT', 'The collection changed while it was requested; try again.');
  if (input.kind === 'FILE' && open.collection.path !== input.path)
    throw new DomainError(
      'CONFLICT',
      `path: another file collection (${open.collection.path}) is under way on this device; wait until it is uploaded or fails.`,
      'path',
    );
  return { collectionId: open.collection.id, actionId: open.id, alreadyRequested: true };
}
