import { z } from 'zod';
import { visibleInvestigations } from '../auth/scope.js';
import type { Transaction } from '../db/client.js';
import { lockInvestigation } from '../db/store/index.js';
import type { Actor } from './kernel/actor.js';
import { audit } from './kernel/audit.js';
import { DomainError } from './kernel/errors.js';
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
import { lockActions, transitionActions } from './remediation/action-transitions.js';

const terminateSchema = z.object({
  id: idSchema,
  comment: requiredText(2000),
  idempotencyKey: idempotencyKeySchema,
});
export type TerminateInvestigationInput = z.input<typeof terminateSchema>;

export interface InvestigationResult {
  investigationId: string;
}

export type TerminalBy = 'TERMINATED_BY_USER' | 'TERMINATED_BY_SYSTEM';

/**
 * Ends an investigation (locked by the caller) as `state`: it takes no more findings (findings
 * refuse a terminal state), and its pending actions become CANCELLED in this same transaction,
 * each with its audit and stream event. Actions already under way are left to finish.
 * Returns how many were cancelled.
 */
export async function endInvestigation(
  work: Work,
  investigation: { id: string; incidentId: string },
  state: TerminalBy,
  comment: string | null,
): Promise<number> {
  const { tx, now, actor } = work;
  await tx.investigation.update({
    where: { id: investigation.id },
    data: { terminalState: state, endedAt: now },
  });
  const pending = await tx.remediationAction.findMany({
    where: {
      tenantId: actor.tenantId,
      investigationId: investigation.id,
      status: 'PENDING_APPROVAL',
    },
    select: { id: true },
  });
  const rows = await lockActions(
    work,
    pending.map((row) => row.id),
  );
  const cancelled = await transitionActions(
    work,
    rows.filter((row) => row.status === 'PENDING_APPROVAL'),
    'CANCELLED',
    {
      comment,
      patch: () => ({ decidedBy: actor.subject, decidedAt: now, decisionComment: comment }),
      auditAfter: () => ({ investigationState: state }),
    },
  );
  work.investigationIds.add(investigation.id);
  work.incidentIds.add(investigation.incidentId);
  return cancelled.length;
}

/** The investigation, locked, if the caller may see it; CONFLICT once it has ended. */
async function lockOpenInvestigation(work: Work, id: string) {
  const { tx, actor } = work;
  await lockInvestigation(tx, actor.tenantId, id);
  const investigation = await tx.investigation.findFirst({
    where: { AND: [{ id }, visibleInvestigations(actor)] },
    include: { devices: { select: { device: { select: { deviceGroupId: true } } } } },
  });
  if (!investigation) throw missing('investigation', 'id');
  if (investigation.terminalState || investigation.endedAt) {
    throw new DomainError(
      'CONFLICT',
      `id: the investigation has already ended (${investigation.terminalState ?? investigation.state}).`,
      'id',
    );
  }
  return investigation;
}

/**
 * terminateInvestigation (responder, comment required; SPEC §7.1): the investigation becomes
 * TERMINATED_BY_USER and its pending actions CANCELLED; later findings are refused.
 */
export async function terminateInvestigation(
  deps: ServiceDeps,
  actor: Actor,
  raw: TerminateInvestigationInput,
) {
  requireRole(actor, 'responder');
  const input = parseInput(terminateSchema, raw);
  const { idempotencyKey, ...request } = input;
  const rescope = async (tx: Transaction, stored: InvestigationResult) => {
    const where = { id: stored.investigationId, AND: [visibleInvestigations(actor)] };
    if ((await tx.investigation.count({ where })) === 0) throw missing('investigation', 'id');
    return stored;
  };
  const operation = {
    operation: 'terminateInvestigation',
    idempotencyKey,
    input: request,
    rescope,
  };
  return runMutation(deps, actor, operation, async (work): Promise<InvestigationResult> => {
    const investigation = await lockOpenInvestigation(work, input.id);
    const cancelled = await endInvestigation(
      work,
      investigation,
      'TERMINATED_BY_USER',
      input.comment,
    );
    audit(work, {
      targetType: 'Investigation',
      targetIds: [investigation.id],
      deviceGroupIds: investigation.devices.map(({ device }) => device.deviceGroupId),
      before: { state: investigation.state },
      after: { state: 'TERMINATED_BY_USER', actionsCancelled: cancelled },
      comment: input.comment,
      outcome: 'TERMINATED',
    });
    return { investigationId: investigation.id };
  });
}
