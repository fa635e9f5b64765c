import { z } from 'zod';
import { visibleActions, visibleDevices } from '../auth/scope.js';
import type { Transaction } from '../db/client.js';
import { indicatorsOfShas } from '../db/store/index.js';
import {
  checkManualActionAllowed,
  isIndicatorLive,
  isUndoable,
  openTargetKey,
  REMEDIATION_ACTION_TYPES,
  requiresSha256,
  runsAutomatedInvestigation,
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

const takeSchema = z.object({
  type: z.enum(REMEDIATION_ACTION_TYPES),
  deviceId: idSchema,
  sha256: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hexadecimal characters')
    .transform((s) => s.toLowerCase())
    .nullish(),
  comment: requiredText(2000),
  idempotencyKey: idempotencyKeySchema,
});
export type TakeResponseActionInput = z.input<typeof takeSchema>;

export interface TakeResponseActionResult {
  actionId: string;
  alreadyRequested: boolean;
}

/**
 * takeResponseAction (SPEC §2.4, §2.5): a manual action, taken at once (IN_PROGRESS, then the
 * executor) by a responder of the device's group, with a required comment, within the plan's
 * limits (PLAN_LIMIT names the plans that include it). Asking again while one is pending or in
 * progress on the same target returns that one with `alreadyRequested: true` — the unique open
 * target key decides it, also between concurrent requests. INITIATE_INVESTIGATION is refused on a
 * device whose group runs no automated investigations.
 */
export async function takeResponseAction(
  deps: ServiceDeps,
  actor: Actor,
  raw: TakeResponseActionInput,
): Promise<TakeResponseActionResult> {
  requireRole(actor, 'responder');
  const input = parseInput(takeSchema, raw);
  if (requiresSha256(input.type) && !input.sha256)
    throw badInput('sha256', `sha256: ${input.type} needs the file's sha256.`);
  const { idempotencyKey, ...request } = input;
  // A replay answers as a new call would for a device no longer in the caller's scope: NOT_FOUND.
  const rescope = async (tx: Transaction, stored: TakeResponseActionResult) => {
    const visible = await tx.remediationAction.findFirst({
      where: { AND: [{ id: stored.actionId }, visibleActions(actor)] },
      select: { id: true },
    });
    if (!visible) throw missing('Device', 'deviceId');
    return stored;
  };
  return runMutation(
    deps,
    actor,
    { operation: 'takeResponseAction', idempotencyKey, input: request, rescope },
    async (work) => {
      const device = await permittedDevice(work, input);
      const action: NewAction = {
        deviceId: device.id,
        deviceGroupId: device.deviceGroupId,
        type: input.type,
        source: 'MANUAL',
        status: 'IN_PROGRESS',
        sha256: input.sha256 ?? null,
        explanation: `Manual response action requested by ${actor.subject}: ${input.comment}`,
        requestedBy: actor.subject,
        comment: input.comment,
        decidedBy: actor.subject,
        decidedAt: work.now,
        undoable: isUndoable(input.type),
      };
      return createOrFindOpen(work, action);
    },
  );
}

type TakeAction = z.output<typeof takeSchema>;

/**
 * The device the action is for, once the plan includes the action (PLAN_LIMIT otherwise), the
 * sha256 fits its kind, the device is in the caller's scope, and an investigation can run there.
 */
async function permittedDevice(work: Work, input: TakeAction) {
  const tenant = await work.tx.tenant.findUniqueOrThrow({
    where: { id: work.actor.tenantId },
    select: { plan: true },
  });
  const permission = checkManualActionAllowed(tenant.plan, input.type);
  if (!permission.allowed) {
    if (permission.code === 'NOT_MANUAL_ACTION')
      throw badInput('type', `type: ${permission.message}`);
    throw new DomainError('PLAN_LIMIT', permission.message, 'type', {
      includedIn: permission.includedIn,
    });
  }
  if (!requiresSha256(input.type) && input.sha256)
    throw badInput('sha256', `sha256: ${input.type} acts on the whole device and takes no sha256.`);
  const device = await work.tx.device.findFirst({
    where: { AND: [{ id: input.deviceId }, visibleDevices(work.actor)] },
    include: { deviceGroup: true },
  });
  if (!device) throw missing('Device', 'deviceId');
  if (input.type === 'ADD_INDICATOR') await refuseAllowedFile(work, input.sha256!);
  if (
    input.type === 'INITIATE_INVESTIGATION' &&
    !runsAutomatedInvestigation(tenant.plan, device.deviceGroup.automationLevel)
  ) {
    throw badInput(
      'type',
      `type: device ${device.hostname} is in a NO_AUTOMATED_RESPONSE group, where no automated investigation runs.`,
    );
  }
  return device;
}

/**
 * ADD_INDICATOR blocks a file tenant-wide; one the tenant allows (a live ALLOW indicator) is
 * refused rather than silently left allowed: the responder deletes the ALLOW first.
 */
async function refuseAllowedFile(work: Work, sha256: string): Promise<void> {
  const [existing] = await indicatorsOfShas(work.tx, work.actor.tenantId, [sha256]);
  if (existing?.action === 'ALLOW' && isIndicatorLive(existing, work.now)) {
    throw new DomainError(
      'CONFLICT',
      `sha256: the tenant allows ${sha256} (ALLOW indicator${existing.title ? ` ${JSON.stringify(existing.title)}` : ''}); delete that indicator before blocking the file.`,
      'sha256',
    );
  }
}

/** Creates the action, or finds the open one on the same target (the unique key decides). */
async function createOrFindOpen(work: Work, action: NewAction): Promise<TakeResponseActionResult> {
  const key = openTargetKey(action);
  // The open action that blocks this one may close between the INSERT and the look-up: try again.
  for (let attempt = 0; attempt < 3; attempt++) {
    const [created] = await createActions(work, [action]);
    if (created) return { actionId: created.id, alreadyRequested: false };
    const existing = await work.tx.remediationAction.findUnique({
      where: { openTargetKey: key },
      select: { id: true },
    });
    if (existing) return { actionId: existing.id, alreadyRequested: true };
  }
  throw new DomainError(
    'CONFLICT',
    'The target changed repeatedly while the action was requested; try again.',
  );
}
