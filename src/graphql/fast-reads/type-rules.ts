import type { Identity } from '../../auth/identity.js';
import { visibleEvidence, visibleIncidents } from '../../auth/scope.js';
import { incidentWhere, oldestFirst } from '../types/incident.js';
import { type remediationActionWhere, scopedActionsQuery } from '../types/remediation-action.js';

// What each GraphQL object type of the hot reads is in SQL: which fields are plain columns, which
// are DateTime columns, to-one relations and connections (with the same scope and order as their
// Pothos resolvers, from the same functions). A field missing here sends the operation down the
// normal path, so a new field can never be answered wrongly, only more slowly.

export type Args = Record<string, unknown>;

/** A connection's rows: the Prisma where (scope and filter) and order its resolver uses. */
export interface ConnectionRule {
  kind: 'connection';
  /** The relation of the parent's model (nested connections); none for a root field. */
  relation?: string;
  model: string;
  nodeType: string;
  /** Arguments besides first/last/after/before it understands. */
  filterArgs: readonly string[];
  query: (
    args: Args,
    identity: Identity,
  ) => { where: unknown; orderBy: readonly Partial<Record<string, 'asc' | 'desc'>>[] };
}

export type FieldRule =
  | { kind: 'id' }
  | { kind: 'value'; column: string }
  | { kind: 'instant'; column: string }
  | { kind: 'one'; relation: string; type: string }
  /** decisionDeviceGroupName: shown only to a token covering that group (decision-device-group.ts). */
  | { kind: 'decisionGroupName' }
  | ConnectionRule;

export interface TypeRule {
  model: string;
  fields: Readonly<Record<string, FieldRule>>;
}

const values = (...names: string[]) =>
  Object.fromEntries(names.map((name) => [name, { kind: 'value', column: name } as const]));
const instants = (...names: string[]) =>
  Object.fromEntries(names.map((name) => [name, { kind: 'instant', column: name } as const]));

/** The filter argument, as the resolver gets it (a missing one is null). */
const filterOf = (args: Args) =>
  (args.filter ?? null) as Parameters<typeof remediationActionWhere>[0];

export const incidentsConnection: ConnectionRule = {
  kind: 'connection',
  model: 'Incident',
  nodeType: 'Incident',
  filterArgs: ['filter'],
  query: (args, identity) => ({
    where: { AND: [visibleIncidents(identity), incidentWhere(filterOf(args) as never)] },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
  }),
};

export const remediationActionsConnection: ConnectionRule = {
  kind: 'connection',
  model: 'RemediationAction',
  nodeType: 'RemediationAction',
  filterArgs: ['filter'],
  query: (args, identity) => scopedActionsQuery({ filter: filterOf(args) }, { identity }),
};

export const TYPE_RULES: Readonly<Record<string, TypeRule>> = {
  Incident: {
    model: 'Incident',
    fields: {
      id: { kind: 'id' },
      ...values('title', 'severity', 'status', 'remediationStatus', 'automatedInvestigationState'),
      ...instants('createdAt', 'updatedAt'),
      evidence: {
        kind: 'connection',
        relation: 'evidence',
        model: 'Evidence',
        nodeType: 'Evidence',
        filterArgs: [],
        query: (_args, identity) => ({ where: visibleEvidence(identity), orderBy: oldestFirst }),
      },
      remediationActions: { ...remediationActionsConnection, relation: 'remediationActions' },
    },
  },
  Evidence: {
    model: 'Evidence',
    fields: {
      id: { kind: 'id' },
      ...values('kind', 'verdict', 'path', 'sha256', 'remediationStatus', 'processId'),
      ...values('commandLine', 'registryKey', 'name', 'value'),
      ...instants('createdAt'),
      device: { kind: 'one', relation: 'device', type: 'Device' },
    },
  },
  Device: {
    model: 'Device',
    fields: {
      id: { kind: 'id' },
      ...values('hostname', 'osPlatform', 'isolated', 'codeExecutionRestricted', 'domain'),
      ...instants('lastSeenAt'),
      deviceGroup: { kind: 'one', relation: 'deviceGroup', type: 'DeviceGroup' },
    },
  },
  DeviceGroup: {
    model: 'DeviceGroup',
    fields: {
      id: { kind: 'id' },
      ...values('name', 'description', 'automationLevel', 'rank', 'isDefault'),
    },
  },
  RemediationAction: {
    model: 'RemediationAction',
    fields: {
      id: { kind: 'id' },
      ...values('type', 'source', 'status', 'decision', 'explanation', 'requestedBy', 'decidedBy'),
      ...values('comment', 'undoable', 'undoneBy', 'decisionComment', 'failureReason'),
      ...values('undoFailure', 'sha256'),
      ...instants('createdAt', 'decidedAt', 'undoneAt', 'expiresAt', 'completedAt', 'updatedAt'),
      device: { kind: 'one', relation: 'device', type: 'Device' },
      deviceGroup: { kind: 'one', relation: 'deviceGroup', type: 'DeviceGroup' },
      evidence: { kind: 'one', relation: 'evidence', type: 'Evidence' },
      incident: { kind: 'one', relation: 'incident', type: 'Incident' },
      decisionDeviceGroupName: { kind: 'decisionGroupName' },
    },
  },
};

/** The root fields of the query type it answers. */
export const ROOT_RULES: Readonly<Record<string, ConnectionRule>> = {
  incidents: incidentsConnection,
  remediationActions: remediationActionsConnection,
};
