/**
 * Quell's policy engine: every remediation decision and rule of SPEC §2 and §3.4/3.6, pure
 * (no I/O, no clock, no database, no GraphQL). See README.md in this folder.
 */
export * from './vocabulary.js';
export { LOCATION_FOLDERS, LINK_FOLDERS, CASE_SENSITIVE_PATHS, USER_SEGMENT, type LocationFolders } from './location-classes.js';
export { WINDOWS_ENVIRONMENT, WINDOWS_SHORT_NAMES } from './windows-path-aliases.js';
export { classifyPath, NO_PATH_CLASSIFICATION, type PathClassification } from './classify-path.js';
export { DECISION_TABLE, LEVEL_RULE_TEXT, type DecisionCell, type LevelRuleText } from './decision-table.js';
export {
  applyDecisionTable,
  decideRemediation,
  type LocationFacts,
  type PolicyEvaluation,
  type PolicyInput,
  type TableDecision,
} from './decide.js';
export { LOCATION_FACTS, type RuleApplication } from './explanation.js';
export {
  AIR_ACTION_BY_EVIDENCE_KIND,
  AIR_ACTION_TYPES,
  ARTIFACT_FILE,
  DEVICE_ACTION_TYPES,
  FILE_ACTION_TYPES,
  INFORMATIONAL_EVIDENCE_KINDS,
  MANUAL_ACTION_CATALOGUE,
  MANUAL_ACTION_TYPES,
  SERVER_SIDE_ACTION_TYPES,
  airActionTypeFor,
  isDeviceActionType,
  isFileActionType,
  isInformationalEvidenceKind,
  isManualActionType,
  isServerSideActionType,
  isSha256,
  manualActionTargetKey,
  requiresSha256,
  type DeviceActionType,
  type FileActionType,
  type ManualActionSpec,
  type ManualActionType,
} from './action-mapping.js';
export {
  ALL_INSTANCES_ACTION_TYPES,
  UNDOABLE_ACTION_TYPES,
  appliesToAllInstances,
  checkUndoBatch,
  isUndoable,
  undoRefusal,
  type MixedActionTypesError,
  type UndoBatchCheck,
  type UndoCandidate,
  type UndoRefusal,
} from './undo-rules.js';
export {
  DEFAULT_DEVICE_GROUP,
  PLAN_FEATURES,
  checkManualActionAllowed,
  effectiveAutomationLevel,
  planAllowsCustomDeviceGroups,
  plansIncluding,
  type ManualActionPermission,
  type PlanFeatures,
} from './plans.js';
export {
  CANCELLABLE_STATUSES,
  DISPATCHED_STATUSES,
  FINAL_STATUSES,
  InvalidTransitionError,
  OPEN_STATUSES,
  STATUS_TRANSITIONS,
  allowedTransitionsFrom,
  assertTransition,
  canTransition,
  cancellableStatuses,
  isCancellableStatus,
  isDispatchedStatus,
  isFinalStatus,
  isOpenStatus,
} from './status-machine.js';
export {
  INVESTIGATION_STATE_URGENCY,
  REMEDIATED_STATUSES,
  UNREMEDIATED_STATUSES,
  deriveIncidentRemediationStatus,
  deriveInvestigationState,
  mostUrgentInvestigationState,
  type InvestigationFacts,
  type InvestigationTerminal,
} from './derived-state.js';
export { DEFAULT_PENDING_TTL_MS, isExpired, pendingExpiresAt } from './expiry.js';
export { runsAutomatedInvestigation } from './automated-investigation.js';
export {
  EVIDENCE_REMEDIATION_STATUSES,
  evidenceRemediationStatusFor,
  type EvidenceRemediationStatus,
} from './evidence-remediation-status.js';
export { chooseDeviceGroup, rulesMatch, type DeviceFacts, type GroupCandidate, type MembershipRules } from './device-group-membership.js';
export { SPREADING_EVIDENCE_KINDS, SPREADING_VERDICTS, spreadsToOtherDevices, strongerVerdict } from './spread-rules.js';
