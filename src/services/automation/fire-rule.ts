import { visibleActions } from '../../auth/scope.js';
import type { AutomationEventRow } from '../../db/store/index.js';
import type { AutomationRule } from '../../generated/prisma/client.js';
import { approveRemediationActions, rejectRemediationActions } from '../decisions.js';
import type { Actor } from '../kernel/actor.js';
import { audit } from '../kernel/audit.js';
import { DomainError } from '../kernel/errors.js';
import { runMutation } from '../kernel/run-mutation.js';
import type { ServiceDeps } from '../kernel/work.js';
import { queueWebhookDelivery } from '../webhooks/queue-delivery.js';

/**
 * A rule acts as `rule:<name>` with the authority of the admin who created it, limited to that
 * admin's groups as recorded when the rule was made: out of them, an action looks missing.
 */
export function ruleActor(rule: AutomationRule): Actor {
  return {
    subject: `rule:${rule.name}`,
    tenantId: rule.tenantId,
    roles: new Set(['responder']),
    groups: rule.creatorAllGroups ? 'all' : rule.creatorGroups,
    deviceId: null,
    requestId: null,
  };
}

/**
 * Carries out a rule's step for one event, through the same services a person uses. The
 * idempotency key (rule, event) is claimed in the step's own transaction, so a step runs once
 * even if two instances reach it; a decision someone else made first is `ALREADY_DECIDED`.
 * A notification is queued as a delivery row (at most one per rule and event); `onQueued` then
 * wakes the delivery worker. Returns the outcome recorded for the firing.
 */
export async function fireRule(
  deps: ServiceDeps,
  rule: AutomationRule,
  event: AutomationEventRow,
  onQueued: () => void = () => {},
): Promise<string> {
  const actor = ruleActor(rule);
  const idempotencyKey = `rule:${rule.id}:${event.id}`;
  const decision = {
    ids: [event.actionId],
    comment: `Automation rule "${rule.name}"`,
    idempotencyKey,
  };
  try {
    switch (rule.step) {
      case 'APPROVE':
        return outcomeOf(await approveRemediationActions(deps, actor, decision));
      case 'REJECT':
        return outcomeOf(await rejectRemediationActions(deps, actor, decision));
      case 'ASSIGN_INCIDENT':
        return await assignIncident(deps, actor, rule, event, idempotencyKey);
      case 'NOTIFY_WEBHOOK': {
        const outcome = await queueWebhookDelivery(deps, actor, rule, event);
        if (outcome === 'QUEUED') onQueued();
        return outcome;
      }
    }
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
}

function outcomeOf(result: { outcomes: { error: { code: string } | null }[] }): string {
  return result.outcomes[0]?.error?.code ?? 'SUCCEEDED';
}

/** Assigns the action's incident (visible in the rule's scope) to the rule's `assignTo`. */
async function assignIncident(
  deps: ServiceDeps,
  actor: Actor,
  rule: AutomationRule,
  event: AutomationEventRow,
  idempotencyKey: string,
): Promise<string> {
  const input = { actionId: event.actionId, assignTo: rule.assignTo };
  const spec = { operation: 'assignIncident', idempotencyKey, input };
  return runMutation(deps, actor, spec, async (work) => {
    const action = await work.tx.remediationAction.findFirst({
      where: { AND: [{ id: event.actionId }, visibleActions(actor)] },
      select: { incidentId: true, deviceGroupId: true },
    });
    if (!action?.incidentId) return 'NOT_FOUND';
    await work.tx.incident.update({
      where: { id: action.incidentId },
      data: { assignedTo: rule.assignTo, updatedAt: work.now },
    });
    audit(work, {
      targetType: 'Incident',
      targetIds: [action.incidentId],
      deviceGroupIds: [action.deviceGroupId],
      after: { assignedTo: rule.assignTo },
    });
    return 'SUCCEEDED';
  });
}
