import type { RemediationActionStatus, RemediationActionType } from './vocabulary.js';

/** SPEC §2.4: which action types can be undone (whatever the source), and the batch rules. */
export const UNDOABLE_ACTION_TYPES: ReadonlyArray<RemediationActionType> = [
  'QUARANTINE_FILE', // restores the file
  'STOP_AND_QUARANTINE_FILE', // restores the file
  'REMOVE_REGISTRY_KEY',
  'STOP_SERVICE',
  'DISABLE_DRIVER',
  'REMOVE_SCHEDULED_TASK',
  'ISOLATE_DEVICE', // releases the device
  'RESTRICT_CODE_EXECUTION', // lifts the restriction
];

/** Not undoable: KILL_PROCESS, RUN_ANTIVIRUS_SCAN, COLLECT_INVESTIGATION_PACKAGE, COLLECT_FILE, INITIATE_INVESTIGATION, ADD_INDICATOR. */
export function isUndoable(type: RemediationActionType): boolean {
  return UNDOABLE_ACTION_TYPES.includes(type);
}

/** What to do instead, for a type whose effect can be reverted some other way. */
const NOT_UNDOABLE_HINTS: Partial<Record<RemediationActionType, string>> = {
  ADD_INDICATOR: ' The indicator it added can be deleted (deleteIndicator).',
};

/** Undoing these can "apply to all instances of this file" (same sha256 on other devices). */
export const ALL_INSTANCES_ACTION_TYPES: ReadonlyArray<RemediationActionType> = [
  'QUARANTINE_FILE',
  'STOP_AND_QUARANTINE_FILE',
];

export function appliesToAllInstances(type: RemediationActionType): boolean {
  return ALL_INSTANCES_ACTION_TYPES.includes(type);
}

export interface UndoCandidate {
  readonly id: string;
  readonly type: RemediationActionType;
  readonly status: RemediationActionStatus;
  readonly undoneAt: Date | null;
}

export interface UndoRefusal {
  readonly code: 'NOT_UNDOABLE' | 'NOT_COMPLETED' | 'ALREADY_UNDONE';
  readonly message: string;
}

export interface MixedActionTypesError {
  readonly code: 'MIXED_ACTION_TYPES';
  /** The distinct types found, in the order they first appear. */
  readonly types: ReadonlyArray<RemediationActionType>;
  readonly message: string;
}

export type UndoBatchCheck =
  | { readonly ok: false; readonly error: MixedActionTypesError }
  | {
      readonly ok: true;
      /** One entry per candidate, in input order: null when it can be undone. */
      readonly perAction: ReadonlyArray<{
        readonly id: string;
        readonly error: UndoRefusal | null;
      }>;
    };

/**
 * Why one action cannot be undone, or null when it can. Checked in this order: the type is not
 * undoable; it was already undone (UNDONE, UNDO_IN_PROGRESS, or an undo time recorded); it is
 * not COMPLETED. A COMPLETED action whose earlier undo failed (back to COMPLETED, no undo time)
 * can be undone again.
 */
export function undoRefusal(action: UndoCandidate): UndoRefusal | null {
  if (!isUndoable(action.type)) {
    return {
      code: 'NOT_UNDOABLE',
      message: `${action.type} actions cannot be undone.${NOT_UNDOABLE_HINTS[action.type] ?? ''}`,
    };
  }
  if (
    action.status === 'UNDONE' ||
    action.status === 'UNDO_IN_PROGRESS' ||
    action.undoneAt !== null
  ) {
    return {
      code: 'ALREADY_UNDONE',
      message:
        action.status === 'UNDO_IN_PROGRESS'
          ? `Action ${action.id} is already being undone.`
          : `Action ${action.id} has already been undone; an action is undone once.`,
    };
  }
  if (action.status !== 'COMPLETED') {
    return {
      code: 'NOT_COMPLETED',
      message: `Action ${action.id} is ${action.status}; only a COMPLETED action can be undone.`,
    };
  }
  return null;
}

/**
 * The rules of one undo call: all actions must have the same type (a mixed batch is refused
 * whole, naming the types found); then each action gets its own refusal or null.
 */
export function checkUndoBatch(actions: ReadonlyArray<UndoCandidate>): UndoBatchCheck {
  const types: RemediationActionType[] = [];
  for (const action of actions) if (!types.includes(action.type)) types.push(action.type);
  if (types.length > 1) {
    return {
      ok: false,
      error: {
        code: 'MIXED_ACTION_TYPES',
        types,
        message: `Actions undone together must all have the same type; this batch has ${types.join(', ')}. Undo each type in its own call.`,
      },
    };
  }
  return {
    ok: true,
    perAction: actions.map((action) => ({ id: action.id, error: undoRefusal(action) })),
  };
}
