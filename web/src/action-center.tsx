// The signed-in page: who you are, the Pending and History tabs, the connection banner, and the
// incident view opened from a row.
import { useEffect, useState } from 'preact/hooks';
import { PageDeviceGroupsDocument } from '../../client/generated/graphql.js';
import { request } from './api.js';
import { type Filters, NO_FILTERS } from './filters.js';
import { useSignInGuard } from './guard.js';
import { HistoryTab } from './history-tab.js';
import { IncidentDialog } from './incident-dialog.js';
import { PendingTab } from './pending-tab.js';
import type { Session } from './session.js';
import { Tabs } from './tabs.js';
import { usePendingActions } from './use-pending-actions.js';

export interface Props {
  session: Session;
  onSignOut(reason: string | null): void;
}

export type DeviceGroupOption = { id: string; name: string };

function Identity({ session, onSignOut }: Props) {
  const groups = session.groups === '*' ? 'all groups' : session.groups.join(', ') || 'no groups';
  return (
    <header class="top">
      <h1>Quell Action Center</h1>
      <p class="who">
        Signed in as <strong>{session.subject}</strong> · tenant {session.tenant} · roles{' '}
        {session.roles.join(', ') || 'none'} · {groups}
      </p>
      <button type="button" class="secondary" onClick={() => onSignOut(null)}>
        Sign out
      </button>
    </header>
  );
}

function useDeviceGroups(session: Session, onSignOut: Props['onSignOut']): DeviceGroupOption[] {
  const [groups, setGroups] = useState<DeviceGroupOption[]>([]);
  const guard = useSignInGuard(onSignOut);
  useEffect(() => {
    request(PageDeviceGroupsDocument, {}, session.token).then(
      (data) => setGroups(data.deviceGroups.edges.map((edge) => edge.node)),
      guard,
    );
  }, [session.token]);
  return groups;
}

export function ActionCenter({ session, onSignOut }: Props) {
  const [tab, setTab] = useState<'pending' | 'history'>('pending');
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [incidentId, setIncidentId] = useState<string | null>(null);
  const groups = useDeviceGroups(session, onSignOut);
  const pending = usePendingActions(session, filters, onSignOut);
  const shared = { session, filters, setFilters, groups, onOpenIncident: setIncidentId, onSignOut };

  return (
    <div class="page">
      <Identity session={session} onSignOut={onSignOut} />
      {pending.connection !== 'live' && (
        <p class="banner" role="status">
          {pending.connection === 'down'
            ? 'Live updates are disconnected. Reconnecting; nothing will be missed.'
            : 'Connecting to live updates…'}
        </p>
      )}
      <Tabs
        selected={tab}
        onSelect={setTab}
        labels={{ pending: `Pending (${pending.rows.length})`, history: 'History' }}
      />
      <section
        id="panel-pending"
        role="tabpanel"
        aria-labelledby="tab-pending"
        hidden={tab !== 'pending'}
      >
        <PendingTab {...shared} pending={pending} />
      </section>
      <section
        id="panel-history"
        role="tabpanel"
        aria-labelledby="tab-history"
        hidden={tab !== 'history'}
      >
        {tab === 'history' && <HistoryTab {...shared} />}
      </section>
      {incidentId && (
        <IncidentDialog
          id={incidentId}
          session={session}
          onSignOut={onSignOut}
          onClose={() => setIncidentId(null)}
        />
      )}
    </div>
  );
}
