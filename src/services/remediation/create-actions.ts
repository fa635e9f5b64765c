import { randomUUID } from 'node:crypto';
import {
  clearEvidenceRemediationStatus,
  insertActionRows,
  setEvidenceRemediationStatuses,
} from '../../db/store/index.js';
import type {
  ActionSource,
  PolicyDecision,
  RemediationActionType,
} from '../../generated/prisma/enums.js';
import { evidenceRemediationStatusFor, openTargetKey } from '../../policy/index.js';
import { audit } from '../kernel/audit.js';
import type { SqlWork } from '../kernel/work.js';
import { statusChangeOf } from './action-events.js';

export interface NewAction {
  deviceId: string;
  deviceGroupId: string;
  type: RemediationActionType;
  source: ActionSource;
  status: 'PENDING_APPROVAL' | 'IN_PROGRESS';
  evidenceId?: string | null;
  investigationId?: string | null;
  incidentId?: string | null;
  sha256?: string | null;
  decision?: PolicyDecision | null;
  explanation?: string | null;
  requestedBy?: string | null;
  comment?: string | null;
  decidedBy?: string | null;
  decidedAt?: Date | null;
  undoable: boolean;
  expiresAt?: Date | null;
  /** The tenant's indicator the policy applied to decide it (SPEC §7.1), recorded in the audit. */
  indicatorId?: string | null;
}

export interface CreatedAction extends NewAction {
  id: string;
  openTargetKey: string;
}

export interface CreateOptions {
  /**
   * Evidence written in this transaction with the remediation status of the action planned on it
   * (the pipeline's new evidence): left as it is when the action is created, set back to NONE
   * when it is not (a duplicate target).
   */
  evidenceStatusSet?: ReadonlySet<string>;
}

/**
 * Creates actions in their entry status (PENDING_APPROVAL or IN_PROGRESS), set-based, skipping
 * any that would be a second action on the same evidence or a second open action on the same
 * target. Records their creation events, audit events and evidence status, and dispatches the
 * ones taken at once. Returns the actions actually created.
 */
export async function createActions(
  work: SqlWork,
  actions: readonly NewAction[],
  options: CreateOptions = {},
): Promise<CreatedAction[]> {
  if (actions.length === 0) return [];
  const rows: CreatedAction[] = actions.map((action) => ({
    ...action,
    sha256: action.sha256?.toLowerCase() ?? null,
    id: randomUUID(),
    openTargetKey: openTargetKey(action),
  }));
  const createdIds = await insertActionRows(
    work.tx,
    work.actor.tenantId,
    work.now,
    rows.map(toRow),
  );
  const created = rows.filter((row) => createdIds.has(row.id));
  for (const action of created) recordCreation(work, action);
  const preset = options.evidenceStatusSet ?? new Set<string>();
  await setEvidenceRemediationStatuses(
    work.tx,
    created.flatMap((a) =>
      a.evidenceId && !preset.has(a.evidenceId)
        ? [{ evidenceId: a.evidenceId, status: evidenceRemediationStatusFor(a.status) }]
        : [],
    ),
  );
  // Evidence written already showing an action that turned out to be a duplicate shows none.
  const skipped = rows.flatMap((row) =>
    !createdIds.has(row.id) && row.evidenceId && preset.has(row.evidenceId) ? [row.evidenceId] : [],
  );
  await clearEvidenceRemediationStatus(work.tx, skipped);
  return created;
}

function toRow(action: CreatedAction) {
  return {
    ...action,
    evidenceId: action.evidenceId ?? null,
    investigationId: action.investigationId ?? null,
    incidentId: action.incidentId ?? null,
    sha256: action.sha256 ?? null,
    decision: action.decision ?? null,
    explanation: action.explanation ?? null,
    requestedBy: action.requestedBy ?? null,
    comment: action.comment ?? null,
    decidedBy: action.decidedBy ?? null,
    decidedAt: action.decidedAt ?? null,
    expiresAt: action.expiresAt ?? null,
  };
}

/** The stream event, audit event, derived states to recompute and dispatch of a new action. */
function recordCreation(work: SqlWork, action: CreatedAction): void {
  work.events.push(statusChangeOf(work.actor.tenantId, action, null, action.status));
  if (action.investigationId) work.investigationIds.add(action.investigationId);
  if (action.incidentId) work.incidentIds.add(action.incidentId);
  if (action.status === 'IN_PROGRESS') work.dispatch.set(action.id, action.type);
  audit(work, {
    targetType: 'RemediationAction',
    targetIds: [action.id],
    deviceGroupIds: [action.deviceGroupId],
    before: null,
    after: {
      status: action.status,
      type: action.type,
      source: action.source,
      deviceId: action.deviceId,
      evidenceId: action.evidenceId ?? null,
      decision: action.decision ?? null,
      ...(action.indicatorId ? { indicatorId: action.indicatorId } : {}),
    },
    comment: action.comment ?? null,
  });
}
