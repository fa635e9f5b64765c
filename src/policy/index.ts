/**
 * Quell's policy engine: every remediation decision and rule of SPEC §2 and §3.4/3.6, pure
 * (no I/O, no clock, no database, no GraphQL). See README.md in this folder.
 */

export {
  AIR_ACTION_BY_EVIDENCE_KIND,
  AIR_ACTION_TYPES,
  ARTIFACT_FILE,
  airActionTypeFor,
  DEVICE_ACTION_TYPES,
  type DeviceActionType,
  FILE_ACTION_TYPES,
  type FileActionType,
  INFORMATIONAL_EVIDENCE_KINDS,
  isDeviceActionType,
  isFileActionType,
  isInformationalEvidenceKind,
  isManualActionType,
  isServerSideActionType,
  isSha256,
  MANUAL_ACTION_CATALOGUE,
  MANUAL_ACTION_TYPES,
  type ManualActionSpec,
  type ManualActionType,
  requiresSha256,
  SERVER_SIDE_ACTION_TYPES,
} from './action-mapping.js';
export { FILE_TARGET_TYPES, openTargetKey } from './action-target.js';
export {
  AGENT_WORK_KINDS,
  type AgentWorkKind,
  agentWorkKind,
} from './agent-work-kind.js';
export { runsAutomatedInvestigation } from './automated-investigation.js';
export { classifyPath, NO_PATH_CLASSIFICATION, type PathClassification } from './classify-path.js';
export {
  applyDecisionTable,
  decideRemediation,
  type LocationFacts,
  type PolicyEvaluation,
  type PolicyInput,
  type TableDecision,
} from './decide.js';
export { type DecisionRefusalCode, decisionRefusal } from './decision-refusal.js';
export {
  DECISION_TABLE,
  type DecisionCell,
  LEVEL_RULE_TEXT,
  type LevelRuleText,
} from './decision-table.js';
export {
  deriveIncidentRemediationStatus,
  deriveInvestigationState,
  INVESTIGATION_STATE_URGENCY,
  type InvestigationFacts,
  type InvestigationTerminal,
  mostUrgentInvestigationState,
  REMEDIATED_STATUSES,
  UNREMEDIATED_STATUSES,
} from './derived-state.js';
export {
  chooseDeviceGroup,
  type DeviceFacts,
  type GroupCandidate,
  type MembershipRules,
  rulesMatch,
} from './device-group-membership.js';
export {
  customDeviceGroupRefusal,
  PLANS_WITH_CUSTOM_DEVICE_GROUPS,
} from './device-group-plans.js';
export {
  EVIDENCE_REMEDIATION_STATUSES,
  type EvidenceRemediationStatus,
  evidenceRemediationStatusFor,
} from './evidence-remediation-status.js';
export { DEFAULT_PENDING_TTL_MS, isExpired, pendingExpiresAt } from './expiry.js';
export { LOCATION_FACTS, type RuleApplication } from './explanation.js';
export { ENDED_STATES, hasEnded } from './investigation-end.js';
export {
  CASE_SENSITIVE_PATHS,
  LINK_FOLDERS,
  LOCATION_FOLDERS,
  type LocationFolders,
  USER_SEGMENT,
} from './location-classes.js';
export {
  checkManualActionAllowed,
  DEFAULT_DEVICE_GROUP,
  effectiveAutomationLevel,
  type ManualActionPermission,
  PLAN_FEATURES,
  type PlanFeatures,
  planAllowsCustomDeviceGroups,
  plansIncluding,
} from './plans.js';
export {
  SPREADING_EVIDENCE_KINDS,
  SPREADING_VERDICTS,
  spreadsToOtherDevices,
  strongerVerdict,
} from './spread-rules.js';
export {
  allowedTransitionsFrom,
  assertTransition,
  CANCELLABLE_STATUSES,
  cancellableStatuses,
  canTransition,
  DISPATCHED_STATUSES,
  FINAL_STATUSES,
  InvalidTransitionError,
  isCancellableStatus,
  isDispatchedStatus,
  isFinalStatus,
  isOpenStatus,
  OPEN_STATUSES,
  STATUS_TRANSITIONS,
} from './status-machine.js';
export {
  ALL_INSTANCES_ACTION_TYPES,
  appliesToAllInstances,
  checkUndoBatch,
  isUndoable,
  type MixedActionTypesError,
  UNDOABLE_ACTION_TYPES,
  type UndoBatchCheck,
  type UndoCandidate,
  type UndoRefusal,
  undoRefusal,
} from './undo-rules.js';
export * from './vocabulary.js';
export { WINDOWS_ENVIRONMENT, WINDOWS_SHORT_NAMES } from './windows-path-aliases.js';
