// The incident of a row: its alerts, evidence and verdicts, investigations and their state, and
// its actions, with approve / reject for the pending ones.
import { useEffect, useRef, useState } from 'preact/hooks';
import {
  type PageActionRowFragment,
  PageIncidentDocument,
  type PageIncidentQuery,
} from '../../client/generated/graphql.js';
import { ActionsTable } from './actions-table.js';
import { request } from './api.js';
import { DecisionBar } from './decision-bar.js';
import type { RowOutcome } from './decisions.js';
import { humanize, when } from './format.js';
import { useSignInGuard } from './guard.js';
import { summary } from './pending-tab.js';
import { useSelection } from './selection.js';
import { canRespond, type Session } from './session.js';
import { loadActions } from './use-pending-actions.js';

type IncidentNode = NonNullable<PageIncidentQuery['node']>;
type Incident = Extract<IncidentNode, { title: string }>;
const isIncident = (node: IncidentNode | null): node is Incident => !!node && 'title' in node;

interface Props {
  id: string;
  session: Session;
  onClose(): void;
  onSignOut(reason: string | null): void;
}

function Facts({ incident }: { incident: Incident }) {
  return (
    <dl class="facts">
      <dt>Severity</dt>
      <dd>{humanize(incident.severity)}</dd>
      <dt>Status</dt>
      <dd>{humanize(incident.status)}</dd>
      <dt>Remediation</dt>
      <dd>{humanize(incident.remediationStatus)}</dd>
      <dt>Investigation</dt>
      <dd>
        {incident.automatedInvestigationState
          ? humanize(incident.automatedInvestigationState)
          : '—'}
      </dd>
      <dt>Devices</dt>
      <dd>{incident.devices.map((device) => device.hostname).join(', ')}</dd>
      <dt>Created</dt>
      <dd>{when(incident.createdAt)}</dd>
    </dl>
  );
}

function Evidence({ incident }: { incident: Incident }) {
  return (
    <table aria-label="Evidence">
      <thead>
        <tr>
          <th scope="col">Kind</th>
          <th scope="col">Artifact</th>
          <th scope="col">Device</th>
          <th scope="col">Verdict</th>
          <th scope="col">Remediation</th>
        </tr>
      </thead>
      <tbody>
        {incident.evidence.edges.map(({ node }) => (
          <tr key={node.id}>
            <td>{humanize(node.kind)}</td>
            <td>{node.path ?? node.name ?? node.registryKey ?? node.value ?? '—'}</td>
            <td>{node.device.hostname}</td>
            <td>{node.verdict ? humanize(node.verdict) : 'None yet'}</td>
            <td>{humanize(node.remediationStatus)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function useIncident(props: Props) {
  const [incident, setIncident] = useState<Incident | null>(null);
  const [actions, setActions] = useState<PageActionRowFragment[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  const guard = useSignInGuard(props.onSignOut);
  useEffect(() => {
    const token = props.session.token;
    loadActions(token, { incidentIds: [props.id] }, 1).then(
      (loaded) => setActions(loaded.rows),
      (failure: unknown) => setError(guard(failure)),
    );
    request(PageIncidentDocument, { id: props.id }, token).then(
      (data) => {
        const node = data.node;
        if (isIncident(node)) setIncident(node);
        else setError('This incident does not exist.');
      },
      (failure: unknown) => setError(guard(failure)),
    );
  }, [props.id, generation]);
  return { incident, actions, error, reload: () => setGeneration((n) => n + 1) };
}

function Actions({
  rows,
  session,
  reload,
}: {
  rows: PageActionRowFragment[];
  session: Session;
  reload(): void;
}) {
  const pendingIds = rows.filter((row) => row.status === 'PENDING_APPROVAL').map((row) => row.id);
  const selection = useSelection(pendingIds);
  const [outcomes, setOutcomes] = useState<Map<string, RowOutcome>>(new Map());
  const [message, setMessage] = useState<string | null>(null);
  const mayRespond = canRespond(session) && pendingIds.length > 0;
  return (
    <>
      {mayRespond && (
        <DecisionBar
          idPrefix="incident"
          selectedIds={[...selection.selected]}
          token={session.token}
          onOutcomes={(decision, byId) => {
            setOutcomes(byId);
            setMessage(summary(decision, byId));
            selection.drop(byId.keys());
            reload();
          }}
          onError={setMessage}
        />
      )}
      {message && <p role="status">{message}</p>}
      <ActionsTable
        label="Incident actions"
        variant="history"
        rows={rows}
        selected={selection.selected}
        onToggle={mayRespond ? (id) => pendingIds.includes(id) && selection.toggle(id) : null}
        outcomes={outcomes}
      />
    </>
  );
}

export function IncidentDialog(props: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const { incident, actions, error, reload } = useIncident(props);
  useEffect(() => dialog.current?.showModal(), []);
  return (
    <dialog ref={dialog} class="incident" aria-labelledby="incident-title" onClose={props.onClose}>
      <header>
        <h2 id="incident-title">{incident ? incident.title : 'Incident'}</h2>
        <button type="button" class="secondary" onClick={() => dialog.current?.close()}>
          Close
        </button>
      </header>
      {error && <p role="alert">{error}</p>}
      {incident && (
        <>
          <Facts incident={incident} />
          <h3>Alerts</h3>
          <ul>
            {incident.alerts.edges.map(({ node }) => (
              <li key={node.id}>
                {node.title} · {humanize(node.severity)} · {node.device.hostname} ·{' '}
                {when(node.detectedAt)}
              </li>
            ))}
          </ul>
          <h3>Investigations</h3>
          <ul>
            {incident.investigations.edges.map(({ node }) => (
              <li key={node.id}>
                {humanize(node.state)} · started {when(node.startedAt)}
                {node.endedAt ? ` · ended ${when(node.endedAt)}` : ''}
              </li>
            ))}
          </ul>
          <h3>Evidence and verdicts</h3>
          <div class="table-scroll">
            <Evidence incident={incident} />
          </div>
          <h3>Actions</h3>
          <Actions rows={actions} session={props.session} reload={reload} />
        </>
      )}
    </dialog>
  );
}
