import type { RemediationActionStatus, RemediationActionType } from './vocabulary.js';

/**
 * Does an automation rule match an event of the action log (SPEC §7.2)? Pure: the rule worker
 * gathers the facts, this decides. A rule's trigger names the kind of event; its condition's
 * parts are all optional and all must hold.
 */

export const AUTOMATION_TRIGGERS = [
  'ACTION_PENDING',
  'ACTION_STATUS_CHANGED',
  'INCIDENT_CREATED',
  'ALERT_REPORTED',
] as const;
export type AutomationTrigger = (typeof AUTOMATION_TRIGGERS)[number];

export const AUTOMATION_STEPS = ['NOTIFY_WEBHOOK', 'APPROVE', 'REJECT', 'ASSIGN_INCIDENT'] as const;
export type AutomationStep = (typeof AUTOMATION_STEPS)[number];

export const SEVERITY_ORDER = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH'] as const;
export type AutomationSeverity = (typeof SEVERITY_ORDER)[number];

export interface AutomationCondition {
  readonly deviceGroupIds?: ReadonlyArray<string> | null;
  readonly actionTypes?: ReadonlyArray<RemediationActionType> | null;
  readonly minSeverity?: AutomationSeverity | null;
  /** Lower-case sha256 values. */
  readonly sha256In?: ReadonlyArray<string> | null;
}

export interface AutomationRuleFacts {
  readonly trigger: AutomationTrigger;
  readonly condition: AutomationCondition;
}

/** One entry of the action log, with what the conditions read. */
export interface ActionEventFacts {
  /** Null when the event is the action's creation. */
  readonly previousStatus: RemediationActionStatus | null;
  readonly status: RemediationActionStatus;
  readonly actionType: RemediationActionType;
  readonly deviceGroupId: string;
  readonly sha256: string | null;
  /** The severity of the action's incident; null without one. */
  readonly severity: AutomationSeverity | null;
}

/** Which action events a trigger is about. */
function triggerHolds(trigger: AutomationTrigger, event: ActionEventFacts): boolean {
  switch (trigger) {
    case 'ACTION_PENDING':
      return event.status === 'PENDING_APPROVAL';
    case 'ACTION_STATUS_CHANGED':
      // A change from one status to another; an action's creation is not a change.
      return event.previousStatus !== null && event.previousStatus !== event.status;
    // The action log holds no alert or incident events: these triggers match no action event.
    case 'INCIDENT_CREATED':
    case 'ALERT_REPORTED':
      return false;
  }
}

const severityRank = (severity: AutomationSeverity): number => SEVERITY_ORDER.indexOf(severity);

/** Whether each part of the condition that is given holds (an empty list holds for nothing). */
function conditionHolds(condition: AutomationCondition, event: ActionEventFacts): boolean {
  const { deviceGroupIds, actionTypes, minSeverity, sha256In } = condition;
  if (deviceGroupIds && !deviceGroupIds.includes(event.deviceGroupId)) return false;
  if (actionTypes && !actionTypes.includes(event.actionType)) return false;
  if (minSeverity) {
    if (event.severity === null || severityRank(event.severity) < severityRank(minSeverity))
      return false;
  }
  if (sha256In) {
    if (event.sha256 === null || !sha256In.includes(event.sha256.toLowerCase())) return false;
  }
  return true;
}

/** THE match: the trigger is about this event and every given part of the condition holds. */
export function ruleMatchesEvent(rule: AutomationRuleFacts, event: ActionEventFacts): boolean {
  return triggerHolds(rule.trigger, event) && conditionHolds(rule.condition, event);
}

/** Steps that decide an action need one still pending: only ACTION_PENDING rules may take them. */
export function stepFitsTrigger(step: AutomationStep, trigger: AutomationTrigger): boolean {
  if (step === 'APPROVE' || step === 'REJECT') return trigger === 'ACTION_PENDING';
  return true;
}
