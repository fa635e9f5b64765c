// Approve, reject and undo, each id with its own outcome. Every call carries an idempotency key
// made from what is asked (operation, ids, comment) and an attempt number that moves on only
// once a call has answered: a double click sends the same key twice and decides once.
import {
  ApproveRemediationActionsDocument,
  RejectRemediationActionsDocument,
  UndoRemediationActionsDocument,
} from '../../client/generated/graphql.js';
import { ApiError, request } from './api.js';
import { humanize } from './format.js';

export type Decision = 'approve' | 'reject' | 'undo';

/** What the page shows on a row after a call: done, or the server's reason. */
export interface RowOutcome {
  ok: boolean;
  text: string;
}

const DONE_TEXT: Record<Decision, string> = {
  approve: '✓ Approved here',
  reject: '✓ Rejected here',
  undo: '✓ Undone here',
};

let attempt = 0;
const inFlight = new Map<string, Promise<Map<string, RowOutcome>>>();

function keyOf(decision: Decision, ids: string[], comment: string, extra: string): string {
  return [decision, [...ids].sort().join(','), comment, extra, attempt].join('|');
}

async function idempotencyKey(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `action-center-${hex.slice(0, 32)}`;
}

type Outcomes = { id: string; error: { code: string; message: string } | null }[];

async function call(
  decision: Decision,
  ids: string[],
  comment: string,
  applyToAllInstances: boolean,
  token: string,
  key: string,
): Promise<Outcomes> {
  const input = { ids, idempotencyKey: key, ...(comment ? { comment } : {}) };
  if (decision === 'undo') {
    const data = await request(
      UndoRemediationActionsDocument,
      { input: { ...input, applyToAllInstances } },
      token,
    );
    return data.undoRemediationActions.outcomes;
  }
  if (decision === 'approve') {
    const data = await request(ApproveRemediationActionsDocument, { input }, token);
    return data.approveRemediationActions.outcomes;
  }
  const data = await request(RejectRemediationActionsDocument, { input }, token);
  return data.rejectRemediationActions.outcomes;
}

function outcomesById(decision: Decision, outcomes: Outcomes): Map<string, RowOutcome> {
  const byId = new Map<string, RowOutcome>();
  for (const outcome of outcomes) {
    byId.set(
      outcome.id,
      outcome.error
        ? { ok: false, text: `${humanize(outcome.error.code)}: ${outcome.error.message}` }
        : { ok: true, text: DONE_TEXT[decision] },
    );
  }
  return byId;
}

/**
 * Decides `ids`; resolves with one outcome per id (undo: also the other instances it reached).
 * A refusal of the whole call (e.g. MIXED_ACTION_TYPES) becomes every id's outcome.
 */
export function decide(
  decision: Decision,
  ids: string[],
  comment: string,
  token: string,
  applyToAllInstances = false,
): Promise<Map<string, RowOutcome>> {
  const text = keyOf(decision, ids, comment, String(applyToAllInstances));
  const running = inFlight.get(text);
  if (running) return running;
  const work = (async () => {
    try {
      const key = await idempotencyKey(text);
      return outcomesById(
        decision,
        await call(decision, ids, comment, applyToAllInstances, token, key),
      );
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      const refusal = { ok: false, text: `${humanize(error.code)}: ${error.message}` };
      return new Map(ids.map((id) => [id, refusal]));
    } finally {
      inFlight.delete(text);
      attempt += 1;
    }
  })();
  inFlight.set(text, work);
  return work;
}
