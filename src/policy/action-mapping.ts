import type { EvidenceKind, RemediationActionType } from './vocabulary.js';

/**
 * Which remediation each evidence kind gets from an automated investigation (SPEC §2.3), and
 * the catalogue of manual response actions (SPEC §2.4).
 */

/** AIR remediation per evidence kind; null for informational evidence (no AIR action exists). */
export const AIR_ACTION_BY_EVIDENCE_KIND: Readonly<
  Record<EvidenceKind, RemediationActionType | null>
> = {
  FILE: 'QUARANTINE_FILE',
  PROCESS: 'KILL_PROCESS',
  REGISTRY_KEY: 'REMOVE_REGISTRY_KEY',
  SERVICE: 'STOP_SERVICE',
  DRIVER: 'DISABLE_DRIVER',
  SCHEDULED_TASK: 'REMOVE_SCHEDULED_TASK',
  IP_ADDRESS: null,
  URL: null,
  USER: null,
};

/** Evidence kinds that are informational: verdicts allowed, no AIR action. */
export const INFORMATIONAL_EVIDENCE_KINDS: ReadonlyArray<EvidenceKind> = [
  'IP_ADDRESS',
  'URL',
  'USER',
];

/**
 * What "the artifact's file" is for each kind (SPEC §2.1), all carried in the evidence `path`:
 * - 'required': the kind always has a file (FILE path, PROCESS image, DRIVER image); a missing
 *   path means the location is unknown.
 * - 'optional': SERVICE and SCHEDULED_TASK binaries, when given; without one the artifact has no
 *   file (location NONE).
 * - 'none': REGISTRY_KEY and informational kinds; a path given with them is ignored.
 */
export const ARTIFACT_FILE: Readonly<Record<EvidenceKind, 'required' | 'optional' | 'none'>> = {
  FILE: 'required',
  PROCESS: 'required',
  DRIVER: 'required',
  SERVICE: 'optional',
  SCHEDULED_TASK: 'optional',
  REGISTRY_KEY: 'none',
  IP_ADDRESS: 'none',
  URL: 'none',
  USER: 'none',
};

/** The AIR action type for an evidence kind (null: informational evidence). */
export function airActionTypeFor(kind: EvidenceKind): RemediationActionType | null {
  if (!Object.hasOwn(AIR_ACTION_BY_EVIDENCE_KIND, kind))
    throw new TypeError(`unknown evidence kind: ${String(kind)}`);
  return AIR_ACTION_BY_EVIDENCE_KIND[kind];
}

export function isInformationalEvidenceKind(kind: EvidenceKind): boolean {
  return airActionTypeFor(kind) === null;
}

/** The action types automated investigations take. */
export const AIR_ACTION_TYPES: ReadonlyArray<RemediationActionType> = [
  'QUARANTINE_FILE',
  'KILL_PROCESS',
  'REMOVE_REGISTRY_KEY',
  'STOP_SERVICE',
  'DISABLE_DRIVER',
  'REMOVE_SCHEDULED_TASK',
];

export const DEVICE_ACTION_TYPES = [
  'ISOLATE_DEVICE',
  'RESTRICT_CODE_EXECUTION',
  'RUN_ANTIVIRUS_SCAN',
  'COLLECT_INVESTIGATION_PACKAGE',
  'INITIATE_INVESTIGATION',
] as const satisfies ReadonlyArray<RemediationActionType>;
export type DeviceActionType = (typeof DEVICE_ACTION_TYPES)[number];

export const FILE_ACTION_TYPES = [
  'STOP_AND_QUARANTINE_FILE',
  'ADD_INDICATOR',
] as const satisfies ReadonlyArray<RemediationActionType>;
export type FileActionType = (typeof FILE_ACTION_TYPES)[number];

/**
 * Manual response actions (SPEC §2.4): taken at once (no approval), with a required comment.
 * These types are manual-only: automated investigations never take them, and the AIR types
 * (QUARANTINE_FILE, KILL_PROCESS, …) cannot be requested as manual actions.
 */
export const MANUAL_ACTION_TYPES = [...DEVICE_ACTION_TYPES, ...FILE_ACTION_TYPES] as const;
export type ManualActionType = (typeof MANUAL_ACTION_TYPES)[number];

export interface ManualActionSpec {
  /** What the action acts on: the whole device, or one file (by sha256) on the device. */
  readonly target: 'DEVICE' | 'FILE';
  /** File actions name their file by sha256 (64 hex characters). */
  readonly requiresSha256: boolean;
}

export const MANUAL_ACTION_CATALOGUE: Readonly<Record<ManualActionType, ManualActionSpec>> = {
  ISOLATE_DEVICE: { target: 'DEVICE', requiresSha256: false },
  RESTRICT_CODE_EXECUTION: { target: 'DEVICE', requiresSha256: false },
  RUN_ANTIVIRUS_SCAN: { target: 'DEVICE', requiresSha256: false },
  COLLECT_INVESTIGATION_PACKAGE: { target: 'DEVICE', requiresSha256: false },
  INITIATE_INVESTIGATION: { target: 'DEVICE', requiresSha256: false },
  STOP_AND_QUARANTINE_FILE: { target: 'FILE', requiresSha256: true },
  ADD_INDICATOR: { target: 'FILE', requiresSha256: true },
};

export function isManualActionType(type: RemediationActionType): type is ManualActionType {
  return Object.hasOwn(MANUAL_ACTION_CATALOGUE, type);
}

export function isDeviceActionType(type: RemediationActionType): type is DeviceActionType {
  return isManualActionType(type) && MANUAL_ACTION_CATALOGUE[type].target === 'DEVICE';
}

export function isFileActionType(type: RemediationActionType): type is FileActionType {
  return isManualActionType(type) && MANUAL_ACTION_CATALOGUE[type].target === 'FILE';
}

export function requiresSha256(type: RemediationActionType): boolean {
  return isManualActionType(type) && MANUAL_ACTION_CATALOGUE[type].requiresSha256;
}

const SHA256 = /^[0-9a-fA-F]{64}$/;

/** A sha256 as the API accepts it: exactly 64 hexadecimal characters. */
export function isSha256(value: string): boolean {
  return SHA256.test(value);
}

/**
 * Manual actions that change Quell's own data (an investigation, an indicator) rather than the
 * endpoint: Quell carries them out itself, whatever the executor; endpoint agents never get them.
 */
export const SERVER_SIDE_ACTION_TYPES: ReadonlyArray<RemediationActionType> = [
  'INITIATE_INVESTIGATION',
  'ADD_INDICATOR',
];

export function isServerSideActionType(type: RemediationActionType): boolean {
  return SERVER_SIDE_ACTION_TYPES.includes(type);
}
