import type { RemediationActionType } from './vocabulary.js';

/** Action types whose target is a file: one open action per device, type and file (sha256). */
export const FILE_TARGET_TYPES: ReadonlySet<RemediationActionType> = new Set([
  'QUARANTINE_FILE',
  'STOP_AND_QUARANTINE_FILE',
  'ADD_INDICATOR',
]);

/**
 * The identity of an action's target, for "no second open (pending or in-progress) action on the
 * same target" (SPEC §2.4; the unique `openTargetKey` index enforces it): file actions are one
 * per device, type and lower-case sha256; other evidence actions one per evidence; device
 * actions one per device and type.
 */
export function openTargetKey(target: {
  deviceId: string;
  type: RemediationActionType;
  sha256?: string | null;
  evidenceId?: string | null;
}): string {
  if (FILE_TARGET_TYPES.has(target.type) && target.sha256)
    return `${target.deviceId}:${target.type}:${target.sha256.toLowerCase()}`;
  if (target.evidenceId) return `${target.deviceId}:${target.type}:evidence:${target.evidenceId}`;
  return `${target.deviceId}:${target.type}:`;
}
