import { useState } from 'preact/hooks';
import { ActionsTable } from './actions-table.js';
import type { RowOutcome } from './decisions.js';
import { ExportButton } from './export-button.js';
import { FilterBar } from './filter-bar.js';
import { apiFilter } from './filters.js';
import { summary, type TabProps } from './pending-tab.js';
import { useSelection } from './selection.js';
import { canRespond } from './session.js';
import { UndoBar } from './undo-bar.js';
import { useHistory } from './use-history.js';

export function HistoryTab(props: TabProps) {
  const { session, filters } = props;
  const history = useHistory(session.token, filters, props.onSignOut);
  const selection = useSelection(history.rows.map((row) => row.id));
  const [outcomes, setOutcomes] = useState<Map<string, RowOutcome>>(new Map());
  const [message, setMessage] = useState<string | null>(null);
  const mayRespond = canRespond(session);

  const onOutcomes = (byId: Map<string, RowOutcome>) => {
    setOutcomes(byId);
    setMessage(summary('undo', byId));
    selection.drop(byId.keys());
    history.reload();
  };

  return (
    <>
      <div class="toolbar">
        <FilterBar
          idPrefix="history"
          filters={filters}
          setFilters={props.setFilters}
          groups={props.groups}
          withStatusAndSource
        />
        <ExportButton token={session.token} filter={() => apiFilter(filters, 'history')} />
        <button type="button" class="secondary" onClick={history.reload}>
          Refresh
        </button>
      </div>
      {mayRespond && (
        <UndoBar
          selectedRows={history.rows.filter((row) => selection.selected.has(row.id))}
          token={session.token}
          onOutcomes={onOutcomes}
          onMessage={setMessage}
        />
      )}
      {message && <p role="status">{message}</p>}
      {history.error && <p role="alert">{history.error}</p>}
      <p class="note">
        {history.rows.length} of {history.total} actions, newest first.
      </p>
      <ActionsTable
        label="Action history"
        variant="history"
        rows={history.rows}
        selected={selection.selected}
        onToggle={mayRespond ? selection.toggle : null}
        outcomes={outcomes}
        onOpenIncident={props.onOpenIncident}
      />
      {history.hasMore && (
        <button type="button" class="secondary" onClick={history.loadMore}>
          Load more
        </button>
      )}
    </>
  );
}
