/**
 * Quell's policy engine: every remediation decision and rule of SPEC §2 and §3.4/3.6, pure
 * (no I/O, no clock, no database, no GraphQL). See README.md in this folder.
 *
 * This is the engine's API: what the rest of `src/` calls. Tables and helpers behind it stay in
 * their modules (tests import them from there).
 */

export {
  ARTIFACT_FILE,
  isServerSideActionType,
  requiresSha256,
  SERVER_SIDE_ACTION_TYPES,
} from './action-mapping.js';
export { FILE_TARGET_TYPES, openTargetKey } from './action-target.js';
export { AGENT_WORK_KINDS, type AgentWorkKind, agentWorkKind } from './agent-work-kind.js';
export {
  type AttackDisruptionDecision,
  type AttackDisruptionReason,
  decideAttackDisruption,
} from './attack-disruption.js';
export { runsAutomatedInvestigation } from './automated-investigation.js';
export { classifyPath, NO_PATH_CLASSIFICATION, type PathClassification } from './classify-path.js';
export {
  COLLECTION_KINDS,
  COLLECTION_PLAN_FEATURE,
  COLLECTION_STATUSES,
  type CollectionKind,
  type CollectionStatus,
  collectionActionType,
  collectionStatus,
} from './collection.js';
export { decideRemediation, type PolicyEvaluation, type PolicyInput } from './decide.js';
export type { DecisionReason, LocationFact, ReasonIndicator } from './decision-reason.js';
export { type DecisionRefusalCode, decisionRefusal } from './decision-refusal.js';
export type { DecisionRuleName } from './decision-rules.js';
export {
  deriveIncidentRemediationStatus,
  deriveInvestigationState,
  type InvestigationTerminal,
  mostUrgentInvestigationState,
} from './derived-state.js';
export { chooseDeviceGroup } from './device-group-membership.js';
export { customDeviceGroupRefusal, PLANS_WITH_CUSTOM_DEVICE_GROUPS } from './device-group-plans.js';
export { evidenceRemediationStatusFor } from './evidence-remediation-status.js';
export {
  DEFAULT_PENDING_TTL_MS,
  isExpired,
  pendingExpiresAt,
  pendingTtlHoursShown,
  tenantPendingTtlMs,
} from './expiry.js';
export {
  INDICATOR_EVIDENCE_KINDS,
  type Indicator,
  indicatorFor,
  isIndicatorLive,
  type LiveIndicators,
  liveIndicators,
  NO_LIVE_INDICATORS,
  verdictUnderIndicator,
} from './indicators.js';
export { ENDED_STATES, hasEnded } from './investigation-end.js';
export {
  checkManualActionAllowed,
  DEFAULT_DEVICE_GROUP,
  effectiveAutomationLevel,
  planAllowsCustomDeviceGroups,
} from './plans.js';
export { spreadsToOtherDevices, strongerVerdict } from './spread-rules.js';
export {
  assertTransition,
  canTransition,
  DISPATCHED_STATUSES,
  InvalidTransitionError,
  isDispatchedStatus,
  isOpenStatus,
} from './status-machine.js';
export {
  ALL_INSTANCES_ACTION_TYPES,
  appliesToAllInstances,
  checkUndoBatch,
  isUndoable,
  type UndoRefusal,
  undoRefusal,
} from './undo-rules.js';
export {
  AUTOMATION_LEVELS,
  type AutomationLevel,
  EVIDENCE_KINDS,
  type EvidenceKind,
  INDICATOR_ACTIONS,
  type IncidentRemediationStatus,
  type IndicatorAction,
  type InvestigationState,
  type LocationClass,
  OS_PLATFORMS,
  type OsPlatform,
  PLANS,
  type Plan,
  type PolicyDecision,
  REMEDIATION_ACTION_TYPES,
  type RemediationActionStatus,
  type RemediationActionType,
  VERDICTS,
  type Verdict,
} from './vocabulary.js';
