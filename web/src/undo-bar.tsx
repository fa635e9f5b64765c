// Undo for a selection of completed actions of one type. A mixed selection is refused here,
// before any call; the server's own refusal is shown if one comes anyway.
import { useEffect, useState } from 'preact/hooks';
import type { PageActionRowFragment } from '../../client/generated/graphql.js';
import { decide, type RowOutcome } from './decisions.js';
import { humanize } from './format.js';
import { otherInstances, quarantinedFiles } from './instances.js';

interface Props {
  selectedRows: PageActionRowFragment[];
  token: string;
  onOutcomes(outcomes: Map<string, RowOutcome>): void;
  onMessage(message: string): void;
}

function useOtherInstances(token: string, rows: PageActionRowFragment[]): number {
  const [count, setCount] = useState(0);
  const files = quarantinedFiles(rows);
  const key = files ? [...files].sort().join(',') + rows.map((row) => row.id).join(',') : '';
  useEffect(() => {
    setCount(0);
    if (!files) return;
    let current = true;
    otherInstances(token, rows, files).then(
      (n) => current && setCount(n),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [token, key]);
  return count;
}

export function UndoBar({ selectedRows, token, onOutcomes, onMessage }: Props) {
  const [applyToAll, setApplyToAll] = useState(false);
  const [busy, setBusy] = useState(false);
  const others = useOtherInstances(token, selectedRows);
  const types = [...new Set(selectedRows.map((row) => row.type))];

  const undo = () => {
    if (types.length > 1) {
      onMessage(
        `Undo takes actions of one type at a time; the selection has ${types.map(humanize).join(', ')}.`,
      );
      return;
    }
    setBusy(true);
    const ids = selectedRows.map((row) => row.id);
    decide('undo', ids, '', token, applyToAll && others > 0)
      .then(onOutcomes, (error: unknown) =>
        onMessage(error instanceof Error ? error.message : String(error)),
      )
      .finally(() => setBusy(false));
  };

  return (
    <div class="decision-bar">
      {others > 0 && (
        <label class="check">
          <input type="checkbox" checked={applyToAll} onChange={() => setApplyToAll(!applyToAll)} />
          Apply to {others} more {others === 1 ? 'instance' : 'instances'} of this file
        </label>
      )}
      <button type="button" disabled={selectedRows.length === 0 || busy} onClick={undo}>
        Undo{selectedRows.length > 1 ? ` ${selectedRows.length}` : ''}
      </button>
    </div>
  );
}
