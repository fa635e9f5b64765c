import { describe, expect, it } from 'vitest';
import {
  AIR_ACTION_BY_EVIDENCE_KIND,
  airActionTypeFor,
  DEVICE_ACTION_TYPES,
  FILE_ACTION_TYPES,
  isDeviceActionType,
  isFileActionType,
  isInformationalEvidenceKind,
  isManualActionType,
  isSha256,
  MANUAL_ACTION_TYPES,
  requiresSha256,
} from '../../src/policy/action-mapping.js';
import { DEFAULT_PENDING_TTL_MS, isExpired, pendingExpiresAt } from '../../src/policy/expiry.js';
import { type EvidenceKind, REMEDIATION_ACTION_TYPES } from '../../src/policy/vocabulary.js';

describe('expiry (SPEC §3.4)', () => {
  it('pending actions expire after 7 days by default, or the configured time', () => {
    expect(DEFAULT_PENDING_TTL_MS).toBe(7 * 24 * 3600 * 1000);
    const created = new Date('2024-05-01T10:00:00.000Z');
    expect(pendingExpiresAt(created).toISOString()).toBe('2024-05-08T10:00:00.000Z');
    expect(pendingExpiresAt(created, 60_000).toISOString()).toBe('2024-05-01T10:01:00.000Z');
    expect(() => pendingExpiresAt(created, 0)).toThrow(RangeError);
    expect(() => pendingExpiresAt(created, Number.NaN)).toThrow(RangeError);
    expect(() => pendingExpiresAt(new Date('nope'))).toThrow(RangeError);
  });

  it('is expired from the expiry instant on', () => {
    const at = new Date('2024-05-08T10:00:00.000Z');
    expect(isExpired(at, new Date(at.getTime() - 1))).toBe(false);
    expect(isExpired(at, at)).toBe(true);
    expect(isExpired(at, new Date(at.getTime() + 1))).toBe(true);
    expect(isExpired(null, at)).toBe(false);
  });
});

describe('action mapping (SPEC §2.3, §2.4)', () => {
  it('maps each evidence kind to its AIR action', () => {
    const expected: Record<EvidenceKind, string | null> = {
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
    expect(AIR_ACTION_BY_EVIDENCE_KIND).toEqual(expected);
    for (const [kind, type] of Object.entries(expected)) {
      expect(airActionTypeFor(kind as EvidenceKind)).toBe(type);
      expect(isInformationalEvidenceKind(kind as EvidenceKind)).toBe(type === null);
    }
    expect(() => airActionTypeFor('__proto__' as EvidenceKind)).toThrow(TypeError);
  });

  it('knows the manual action catalogue', () => {
    expect([...DEVICE_ACTION_TYPES].sort()).toEqual(
      [
        'COLLECT_INVESTIGATION_PACKAGE',
        'INITIATE_INVESTIGATION',
        'ISOLATE_DEVICE',
        'RESTRICT_CODE_EXECUTION',
        'RUN_ANTIVIRUS_SCAN',
      ].sort(),
    );
    expect([...FILE_ACTION_TYPES].sort()).toEqual(['ADD_INDICATOR', 'STOP_AND_QUARANTINE_FILE']);
    for (const type of REMEDIATION_ACTION_TYPES) {
      const manual = (MANUAL_ACTION_TYPES as ReadonlyArray<string>).includes(type);
      expect(isManualActionType(type), type).toBe(manual);
      expect(isDeviceActionType(type), type).toBe(
        (DEVICE_ACTION_TYPES as ReadonlyArray<string>).includes(type),
      );
      expect(isFileActionType(type), type).toBe(
        (FILE_ACTION_TYPES as ReadonlyArray<string>).includes(type),
      );
      expect(requiresSha256(type), type).toBe(
        type === 'STOP_AND_QUARANTINE_FILE' || type === 'ADD_INDICATOR',
      );
      // AIR types are never manual, manual types never AIR.
      expect(manual && Object.values(AIR_ACTION_BY_EVIDENCE_KIND).includes(type)).toBe(false);
    }
  });

  it('validates sha256 values', () => {
    expect(isSha256('a'.repeat(64))).toBe(true);
    expect(isSha256('ABCDEF0123456789'.repeat(4))).toBe(true);
    expect(isSha256('a'.repeat(63))).toBe(false);
    expect(isSha256('g'.repeat(64))).toBe(false);
    expect(isSha256(`${'a'.repeat(64)}\n`)).toBe(false);
  });
});
