import {
  decideRemediation,
  isUndoable,
  type LiveIndicators,
  pendingExpiresAt,
  tenantPendingTtlMs,
} from '../../policy/index.js';
import type { SqlWork } from '../kernel/work.js';
import type { NewAction } from './create-actions.js';
import type { FindingTarget, InvestigationRef } from './finding-target.js';

/**
 * The policy decision for each verdict (SPEC §3.2), with its device's level at decision time and
 * the tenant's live indicators (SPEC §7.1):
 * the actions to create, taken at once (IN_PROGRESS) or pending approval until they expire.
 * Verdicts that decide no action (clean, informational evidence) yield none.
 */
export function decideFindings(
  work: SqlWork,
  investigation: InvestigationRef,
  targets: readonly FindingTarget[],
  indicators: LiveIndicators,
  tenantTtlHours: number | null,
): NewAction[] {
  const ttlMs = tenantPendingTtlMs(tenantTtlHours, work.deps.pendingTtlMs);
  const expiresAt = pendingExpiresAt(work.now, ttlMs);
  return targets.flatMap((target): NewAction[] => {
    const evaluation = decideRemediation({
      automationLevel: target.level,
      verdict: target.verdict,
      evidence: { kind: target.kind, path: target.path, sha256: target.sha256 },
      osPlatform: target.platform,
      indicators,
    });
    const { actionType, decision } = evaluation;
    if (!actionType || (decision !== 'TAKE_AUTOMATICALLY' && decision !== 'REQUIRE_APPROVAL'))
      return [];
    const automatic = decision === 'TAKE_AUTOMATICALLY';
    return [
      {
        deviceId: target.deviceId,
        deviceGroupId: target.deviceGroupId,
        type: actionType,
        source: 'AUTOMATED_INVESTIGATION',
        status: automatic ? 'IN_PROGRESS' : 'PENDING_APPROVAL',
        evidenceId: target.evidenceId,
        investigationId: investigation.id,
        incidentId: investigation.incidentId,
        sha256: target.sha256,
        decision,
        explanation: evaluation.explanation,
        indicatorId: evaluation.reason.indicator?.id ?? null,
        undoable: isUndoable(actionType),
        expiresAt: automatic ? null : expiresAt,
        ...(automatic ? { decidedAt: work.now } : {}),
      },
    ];
  });
}
