// One table for Pending, History and the incident view: one row per action, a checkbox to select
// it when the user may act, and the outcome of the last call on it.
import type { ComponentChildren } from 'preact';
import type { PageActionRowFragment } from '../../client/generated/graphql.js';
import type { RowOutcome } from './decisions.js';
import { byAt, humanize, targetOf, when } from './format.js';

export type Variant = 'pending' | 'history';

interface Props {
  label: string;
  variant: Variant;
  rows: PageActionRowFragment[];
  selected: Set<string>;
  /** Null when the user may not act: no checkboxes. */
  onToggle: ((id: string) => void) | null;
  outcomes: Map<string, RowOutcome>;
  onOpenIncident?: (id: string) => void;
}

const HEADINGS: Record<Variant, string[]> = {
  pending: ['Type', 'Target', 'Device', 'Group', 'Incident', 'Created', 'Expires', 'Why pending'],
  history: [
    'Type',
    'Target',
    'Device',
    'Group',
    'Incident',
    'Status',
    'Source',
    'Created',
    'Decided',
    'Undone',
  ],
};

function cells(row: PageActionRowFragment, variant: Variant, incident: ComponentChildren) {
  const common = [
    humanize(row.type),
    targetOf(row),
    row.device.hostname,
    row.deviceGroup.name,
    incident,
  ];
  if (variant === 'pending') {
    return [...common, when(row.createdAt), when(row.expiresAt), row.explanation ?? '—'];
  }
  const status = row.undoFailure ? `${humanize(row.status)} (undo failed)` : humanize(row.status);
  return [
    ...common,
    status,
    humanize(row.source),
    when(row.createdAt),
    byAt(row.decidedBy, row.decidedAt),
    byAt(row.undoneBy, row.undoneAt),
  ];
}

function IncidentCell({
  row,
  onOpen,
}: {
  row: PageActionRowFragment;
  onOpen?: (id: string) => void;
}) {
  const incident = row.incident;
  if (!incident) return <>—</>;
  if (!onOpen) return <>{incident.title}</>;
  return (
    <button type="button" class="link" onClick={() => onOpen(incident.id)}>
      {incident.title}
    </button>
  );
}

export function ActionsTable({
  label,
  variant,
  rows,
  selected,
  onToggle,
  outcomes,
  onOpenIncident,
}: Props) {
  return (
    <div class="table-scroll">
      <table aria-label={label}>
        <thead>
          <tr>
            {onToggle && <th scope="col">Select</th>}
            {HEADINGS[variant].map((heading) => (
              <th key={heading} scope="col">
                {heading}
              </th>
            ))}
            <th scope="col">Outcome</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const outcome = outcomes.get(row.id);
            const incident = <IncidentCell row={row} onOpen={onOpenIncident} />;
            return (
              <tr key={row.id} data-action-id={row.id}>
                {onToggle && (
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Select ${humanize(row.type)} on ${row.device.hostname}`}
                      checked={selected.has(row.id)}
                      onChange={() => onToggle(row.id)}
                    />
                  </td>
                )}
                {cells(row, variant, incident).map((cell, index) => (
                  <td key={HEADINGS[variant][index]}>{cell}</td>
                ))}
                <td class={outcome ? (outcome.ok ? 'ok' : 'refused') : ''}>
                  {outcome?.text ?? ''}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {rows.length === 0 && <p class="empty">No actions.</p>}
    </div>
  );
}
