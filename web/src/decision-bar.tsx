// Approve / Reject for the selected rows, with an optional comment.
import { useState } from 'preact/hooks';
import { type Decision, decide, type RowOutcome } from './decisions.js';

interface Props {
  idPrefix: string;
  selectedIds: string[];
  token: string;
  /** Called with each id's outcome once the server answered. */
  onOutcomes(decision: Decision, outcomes: Map<string, RowOutcome>): void;
  onError(message: string): void;
}

export function DecisionBar({ idPrefix, selectedIds, token, onOutcomes, onError }: Props) {
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const run = (decision: Decision) => {
    setBusy(true);
    decide(decision, selectedIds, comment.trim(), token)
      .then(
        (outcomes) => {
          onOutcomes(decision, outcomes);
          if ([...outcomes.values()].every((outcome) => outcome.ok)) setComment('');
        },
        (error: unknown) => onError(error instanceof Error ? error.message : String(error)),
      )
      .finally(() => setBusy(false));
  };
  const none = selectedIds.length === 0;
  return (
    <div class="decision-bar">
      <span class="field">
        <label for={`${idPrefix}-comment`}>Comment</label>
        <input
          id={`${idPrefix}-comment`}
          type="text"
          value={comment}
          placeholder="Optional"
          onInput={(event) => setComment(event.currentTarget.value)}
        />
      </span>
      <button type="button" disabled={none || busy} onClick={() => run('approve')}>
        Approve{selectedIds.length > 1 ? ` ${selectedIds.length}` : ''}
      </button>
      <button type="button" class="danger" disabled={none || busy} onClick={() => run('reject')}>
        Reject{selectedIds.length > 1 ? ` ${selectedIds.length}` : ''}
      </button>
    </div>
  );
}
