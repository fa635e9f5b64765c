import { describe, expect, it } from 'vitest';
import {
  appliesToAllInstances,
  checkUndoBatch,
  isUndoable,
  UNDOABLE_ACTION_TYPES,
  undoRefusal,
} from '../../src/policy/undo-rules.js';
import {
  REMEDIATION_ACTION_STATUSES,
  REMEDIATION_ACTION_TYPES,
  type RemediationActionType,
} from '../../src/policy/vocabulary.js';

const UNDOABLE: RemediationActionType[] = [
  'QUARANTINE_FILE',
  'STOP_AND_QUARANTINE_FILE',
  'REMOVE_REGISTRY_KEY',
  'STOP_SERVICE',
  'DISABLE_DRIVER',
  'REMOVE_SCHEDULED_TASK',
  'ISOLATE_DEVICE',
  'RESTRICT_CODE_EXECUTION',
];
const NOT_UNDOABLE: RemediationActionType[] = [
  'KILL_PROCESS',
  'RUN_ANTIVIRUS_SCAN',
  'COLLECT_INVESTIGATION_PACKAGE',
  'COLLECT_FILE',
  'INITIATE_INVESTIGATION',
  'ADD_INDICATOR',
];

const action = (
  id: string,
  type: RemediationActionType,
  status: (typeof REMEDIATION_ACTION_STATUSES)[number] = 'COMPLETED',
  undoneAt: Date | null = null,
) => ({
  id,
  type,
  status,
  undoneAt,
});

describe('undo rules (SPEC §2.4)', () => {
  it('knows which types are undoable, for every type', () => {
    expect([...UNDOABLE, ...NOT_UNDOABLE].sort()).toEqual([...REMEDIATION_ACTION_TYPES].sort());
    for (const type of UNDOABLE) expect(isUndoable(type), type).toBe(true);
    for (const type of NOT_UNDOABLE) expect(isUndoable(type), type).toBe(false);
    expect([...UNDOABLE_ACTION_TYPES].sort()).toEqual([...UNDOABLE].sort());
  });

  it('only quarantines apply to all instances of a file', () => {
    for (const type of REMEDIATION_ACTION_TYPES) {
      expect(appliesToAllInstances(type), type).toBe(
        type === 'QUARANTINE_FILE' || type === 'STOP_AND_QUARANTINE_FILE',
      );
    }
  });

  it('only a COMPLETED action can be undone, once', () => {
    for (const status of REMEDIATION_ACTION_STATUSES) {
      const refusal = undoRefusal(action('a1', 'QUARANTINE_FILE', status));
      if (status === 'COMPLETED') expect(refusal).toBeNull();
      else if (status === 'UNDONE' || status === 'UNDO_IN_PROGRESS')
        expect(refusal?.code).toBe('ALREADY_UNDONE');
      else {
        expect(refusal?.code).toBe('NOT_COMPLETED');
        expect(refusal?.message).toContain(status);
      }
    }
    // Undone once already (an undo time recorded), even if the status reads COMPLETED.
    expect(undoRefusal(action('a1', 'QUARANTINE_FILE', 'COMPLETED', new Date(0)))?.code).toBe(
      'ALREADY_UNDONE',
    );
  });

  it('a type that cannot be undone is refused first, whatever its status', () => {
    for (const type of NOT_UNDOABLE) {
      for (const status of REMEDIATION_ACTION_STATUSES) {
        const refusal = undoRefusal(action('k', type, status));
        expect(refusal?.code).toBe('NOT_UNDOABLE');
        expect(refusal?.message).toContain(type);
      }
    }
  });

  it('refuses a mixed batch whole, naming the types', () => {
    const result = checkUndoBatch([
      action('1', 'QUARANTINE_FILE'),
      action('2', 'ISOLATE_DEVICE'),
      action('3', 'QUARANTINE_FILE'),
      action('4', 'KILL_PROCESS'),
    ]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('MIXED_ACTION_TYPES');
    expect(result.error.types).toEqual(['QUARANTINE_FILE', 'ISOLATE_DEVICE', 'KILL_PROCESS']);
    expect(result.error.message).toContain('QUARANTINE_FILE, ISOLATE_DEVICE, KILL_PROCESS');
  });

  it('gives each action of a same-type batch its own outcome, in order', () => {
    const result = checkUndoBatch([
      action('ok', 'STOP_SERVICE'),
      action('failed', 'STOP_SERVICE', 'FAILED'),
      action('undone', 'STOP_SERVICE', 'UNDONE', new Date(1)),
      action('pending', 'STOP_SERVICE', 'PENDING_APPROVAL'),
    ]);
    expect(result).toEqual({
      ok: true,
      perAction: [
        { id: 'ok', error: null },
        { id: 'failed', error: { code: 'NOT_COMPLETED', message: expect.any(String) } },
        { id: 'undone', error: { code: 'ALREADY_UNDONE', message: expect.any(String) } },
        { id: 'pending', error: { code: 'NOT_COMPLETED', message: expect.any(String) } },
      ],
    });
  });

  it('an empty batch and a batch of a type that cannot be undone are not "mixed"', () => {
    expect(checkUndoBatch([])).toEqual({ ok: true, perAction: [] });
    const result = checkUndoBatch([action('1', 'KILL_PROCESS'), action('2', 'KILL_PROCESS')]);
    expect(result.ok && result.perAction.map((a) => a.error?.code)).toEqual([
      'NOT_UNDOABLE',
      'NOT_UNDOABLE',
    ]);
  });
});
