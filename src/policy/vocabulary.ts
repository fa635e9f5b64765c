/**
 * The policy engine's vocabulary: every enum of the public contract (`contract.graphql`) that the
 * engine reasons about, as a string-literal union type and as a readonly array of its values.
 * The names are exactly the contract's enum value names; the database and the GraphQL layer use
 * the same names, so values pass between them without mapping.
 */

export const AUTOMATION_LEVELS = [
  'FULL',
  'SEMI_REQUIRE_APPROVAL_ANY',
  'SEMI_REQUIRE_APPROVAL_CORE_FOLDERS',
  'SEMI_REQUIRE_APPROVAL_NON_TEMP_FOLDERS',
  'NO_AUTOMATED_RESPONSE',
] as const;
export type AutomationLevel = (typeof AUTOMATION_LEVELS)[number];

export const VERDICTS = ['MALICIOUS', 'SUSPICIOUS', 'NO_THREATS_FOUND'] as const;
export type Verdict = (typeof VERDICTS)[number];

export const POLICY_DECISIONS = [
  'TAKE_AUTOMATICALLY',
  'REQUIRE_APPROVAL',
  'NO_ACTION',
  'NO_INVESTIGATION',
] as const;
export type PolicyDecision = (typeof POLICY_DECISIONS)[number];

export const LOCATION_CLASSES = ['OS_DIRECTORY', 'TEMP_FOLDER', 'OTHER', 'NONE'] as const;
export type LocationClass = (typeof LOCATION_CLASSES)[number];

export const OS_PLATFORMS = ['WINDOWS', 'LINUX', 'MACOS'] as const;
export type OsPlatform = (typeof OS_PLATFORMS)[number];

export const EVIDENCE_KINDS = [
  'FILE',
  'PROCESS',
  'REGISTRY_KEY',
  'SERVICE',
  'DRIVER',
  'SCHEDULED_TASK',
  'IP_ADDRESS',
  'URL',
  'USER',
] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

export const REMEDIATION_ACTION_TYPES = [
  'QUARANTINE_FILE',
  'REMOVE_REGISTRY_KEY',
  'KILL_PROCESS',
  'STOP_SERVICE',
  'DISABLE_DRIVER',
  'REMOVE_SCHEDULED_TASK',
  'ISOLATE_DEVICE',
  'RESTRICT_CODE_EXECUTION',
  'RUN_ANTIVIRUS_SCAN',
  'COLLECT_INVESTIGATION_PACKAGE',
  'INITIATE_INVESTIGATION',
  'STOP_AND_QUARANTINE_FILE',
  'ADD_INDICATOR',
  'COLLECT_FILE',
] as const;
export type RemediationActionType = (typeof REMEDIATION_ACTION_TYPES)[number];

export const ACTION_SOURCES = ['AUTOMATED_INVESTIGATION', 'MANUAL', 'ANTIVIRUS'] as const;
export type ActionSource = (typeof ACTION_SOURCES)[number];

export const REMEDIATION_ACTION_STATUSES = [
  'PENDING_APPROVAL',
  'IN_PROGRESS',
  'COMPLETED',
  'FAILED',
  'REJECTED',
  'EXPIRED',
  'CANCELLED',
  'UNDO_IN_PROGRESS',
  'UNDONE',
] as const;
export type RemediationActionStatus = (typeof REMEDIATION_ACTION_STATUSES)[number];

export const INVESTIGATION_STATES = [
  'RUNNING',
  'PENDING_APPROVAL',
  'REMEDIATED',
  'PARTIALLY_REMEDIATED',
  'NO_THREATS_FOUND',
  'FAILED',
  'TERMINATED_BY_USER',
  'TERMINATED_BY_SYSTEM',
] as const;
export type InvestigationState = (typeof INVESTIGATION_STATES)[number];

export const INCIDENT_REMEDIATION_STATUSES = [
  'NONE',
  'PENDING_APPROVAL',
  'REMEDIATED',
  'PARTIALLY_REMEDIATED',
] as const;
export type IncidentRemediationStatus = (typeof INCIDENT_REMEDIATION_STATUSES)[number];

export const INDICATOR_ACTIONS = ['BLOCK', 'ALLOW'] as const;
export type IndicatorAction = (typeof INDICATOR_ACTIONS)[number];

export const PLANS = ['PLAN_1', 'PLAN_2', 'BUSINESS'] as const;
export type Plan = (typeof PLANS)[number];

/** True when `value` is one of `values` (narrows unknown input, e.g. from JSON, to the union). */
export function isOneOf<T extends string>(values: ReadonlyArray<T>, value: unknown): value is T {
  return typeof value === 'string' && (values as ReadonlyArray<string>).includes(value);
}
