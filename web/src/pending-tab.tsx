import { useState } from 'preact/hooks';
import type { DeviceGroupOption } from './action-center.js';
import { ActionsTable } from './actions-table.js';
import { DecisionBar } from './decision-bar.js';
import type { Decision, RowOutcome } from './decisions.js';
import { ExportButton } from './export-button.js';
import { FilterBar } from './filter-bar.js';
import { apiFilter, type Filters } from './filters.js';
import { useSelection } from './selection.js';
import { canRespond, type Session } from './session.js';
import type { PendingActions } from './use-pending-actions.js';

export interface TabProps {
  session: Session;
  filters: Filters;
  setFilters(filters: Filters): void;
  groups: DeviceGroupOption[];
  onOpenIncident(id: string): void;
  onSignOut(reason: string | null): void;
}

const PAST: Record<Decision, string> = { approve: 'Approved', reject: 'Rejected', undo: 'Undone' };

/** "Approved 2 actions; 1 refused." */
export function summary(decision: Decision, outcomes: Map<string, RowOutcome>): string {
  const done = [...outcomes.values()].filter((outcome) => outcome.ok).length;
  const refused = outcomes.size - done;
  const plural = done === 1 ? 'action' : 'actions';
  return `${PAST[decision]} ${done} ${plural}${refused ? `; ${refused} refused (see the rows)` : ''}.`;
}

export function PendingTab(props: TabProps & { pending: PendingActions }) {
  const { session, filters, pending } = props;
  const mayRespond = canRespond(session);
  const selection = useSelection(pending.rows.map((row) => row.id));
  const [outcomes, setOutcomes] = useState<Map<string, RowOutcome>>(new Map());
  const [message, setMessage] = useState<string | null>(null);

  const onOutcomes = (decision: Decision, byId: Map<string, RowOutcome>) => {
    setOutcomes((current) => new Map([...current, ...byId]));
    pending.leave([...byId].filter(([, outcome]) => outcome.ok).map(([id]) => id));
    selection.drop(byId.keys());
    setMessage(summary(decision, byId));
  };

  return (
    <>
      <div class="toolbar">
        <FilterBar
          idPrefix="pending"
          filters={filters}
          setFilters={props.setFilters}
          groups={props.groups}
        />
        <ExportButton token={session.token} filter={() => apiFilter(filters, 'pending')} />
      </div>
      {mayRespond ? (
        <DecisionBar
          idPrefix="pending"
          selectedIds={[...selection.selected]}
          token={session.token}
          onOutcomes={onOutcomes}
          onError={setMessage}
        />
      ) : (
        <p class="note">Read-only: approving and rejecting needs the responder role.</p>
      )}
      {message && <p role="status">{message}</p>}
      {pending.error && <p role="alert">{pending.error}</p>}
      {pending.truncated && (
        <p class="note">Showing the newest {pending.rows.length}; narrow the filters.</p>
      )}
      <ActionsTable
        label="Pending actions"
        variant="pending"
        rows={pending.rows}
        selected={selection.selected}
        onToggle={mayRespond ? selection.toggle : null}
        outcomes={outcomes}
        onOpenIncident={props.onOpenIncident}
      />
    </>
  );
}
