import { z } from 'zod';
import type { Transaction } from '../db/client.js';
import { scopedClient, tenantScope } from '../db/tenant-scope.js';
import { isUuid } from '../db/uuid.js';
import type { RemediationActionStatus, RemediationActionType } from '../generated/prisma/enums.js';
import {
  DISPATCHED_STATUSES,
  isDispatchedStatus,
  isServerSideActionType,
  SERVER_SIDE_ACTION_TYPES,
} from '../policy/index.js';
import type { Actor } from './kernel/actor.js';
import { forbiddenAction } from './kernel/errors.js';
import { requireRole } from './kernel/roles.js';
import { runMutation } from './kernel/run-mutation.js';
import { idempotencyKeySchema, idSchema, parseInput } from './kernel/validation.js';
import type { ServiceDeps } from './kernel/work.js';
import { type ActionOutcomeResult, notFoundOutcome } from './outcomes.js';
import { lockActions } from './remediation/action-transitions.js';
import { settleActions } from './remediation/execution.js';

/** The agent's device: the token's `did`, a device id (anything else names no device). */
export function agentDevice(actor: Actor): string {
  requireRole(actor, 'agent');
  if (!actor.deviceId || !isUuid(actor.deviceId))
    throw forbiddenAction('An agent token must name its device (claim `did`, the device id).');
  return actor.deviceId.toLowerCase();
}

/**
 * The work dispatched to the agent's device (SPEC §3.5): its actions IN_PROGRESS (to carry out)
 * and UNDO_IN_PROGRESS (to undo), oldest first, with the evidence they act on. Quell's own
 * server-side actions (investigations, indicators) are not the agent's.
 */
export async function listAgentWork(deps: ServiceDeps, actor: Actor) {
  const deviceId = agentDevice(actor);
  return scopedClient(deps.prisma, tenantScope(actor.tenantId)).remediationAction.findMany({
    where: {
      tenantId: actor.tenantId,
      deviceId,
      status: { in: [...DISPATCHED_STATUSES] },
      type: { notIn: [...SERVER_SIDE_ACTION_TYPES] },
    },
    include: { evidence: true, collection: true },
    orderBy: [{ updatedAt: 'asc' }, { id: 'asc' }],
    take: 500,
  });
}

/** What an agent's stream of dispatched work needs to pick its events without touching the database. */
export interface AgentWorkCriteria {
  deviceId: string;
  /** Whether a status change of an action of this type hands the agent work. */
  isDispatch(type: RemediationActionType, status: RemediationActionStatus): boolean;
}

/** The agent's device and the test its stream applies to each event (SPEC §3.5 "subscribe"). */
export function agentWorkCriteria(actor: Actor): AgentWorkCriteria {
  return {
    deviceId: agentDevice(actor),
    isDispatch: (type, status) => isDispatchedStatus(status) && !isServerSideActionType(type),
  };
}

/**
 * One piece of dispatched work as it stands now, or null when it is no longer outstanding in the
 * status the event announced (settled, cancelled, or dispatched again since — that later event
 * brings it). So a stream replayed from an old cursor hands out only work still to do.
 */
export async function dispatchedWork(
  deps: ServiceDeps,
  actor: Actor,
  actionId: string,
  status: RemediationActionStatus,
) {
  const deviceId = agentDevice(actor);
  return scopedClient(deps.prisma, tenantScope(actor.tenantId)).remediationAction.findFirst({
    where: {
      id: actionId,
      tenantId: actor.tenantId,
      deviceId,
      status,
      type: { notIn: [...SERVER_SIDE_ACTION_TYPES] },
    },
    include: { evidence: true, collection: true },
  });
}

const reportSchema = z.object({
  actionId: idSchema,
  outcome: z.enum(['COMPLETED', 'FAILED']),
  failureReason: z.string().max(2000, 'must be at most 2000 characters').nullish(),
  idempotencyKey: idempotencyKeySchema,
});
export type ReportActionOutcomeInput = z.input<typeof reportSchema>;

/**
 * An agent reports how an action (or its undo) went on its device, through the same transition
 * function as the simulated executor. Another device's action is NOT_FOUND; an action that is
 * not dispatched (not IN_PROGRESS / UNDO_IN_PROGRESS, e.g. cancelled meanwhile) is
 * INVALID_TRANSITION.
 */
export async function reportActionOutcome(
  deps: ServiceDeps,
  actor: Actor,
  raw: ReportActionOutcomeInput,
): Promise<ActionOutcomeResult> {
  const deviceId = agentDevice(actor);
  const input = parseInput(reportSchema, raw);
  const { idempotencyKey, ...request } = input;
  // A replay by the same subject with another device (a reinstalled agent) shows nothing of the first device.
  const rescope = async (
    tx: Transaction,
    stored: ActionOutcomeResult,
  ): Promise<ActionOutcomeResult> => {
    if (!stored.actionId) return stored;
    const own = await tx.remediationAction.findFirst({
      where: { id: stored.actionId, tenantId: actor.tenantId, deviceId },
      select: { id: true },
    });
    return own ? stored : notFoundOutcome(stored.id);
  };
  return runMutation(
    deps,
    actor,
    { operation: 'reportActionOutcome', idempotencyKey, input: request, rescope },
    async (work) => {
      const [row] = await lockActions(work, [input.actionId], { groupNames: 'all', deviceId });
      if (!row || isServerSideActionType(row.type)) return notFoundOutcome(input.actionId);
      if (!isDispatchedStatus(row.status)) {
        return {
          id: row.id,
          actionId: row.id,
          error: {
            code: 'INVALID_TRANSITION',
            message: `Action ${row.id} is ${row.status}; only dispatched work (IN_PROGRESS, UNDO_IN_PROGRESS) takes an outcome.`,
          },
        };
      }
      await settleActions(work, [row], input.outcome, input.failureReason ?? null);
      return { id: row.id, actionId: row.id, error: null };
    },
  );
}
