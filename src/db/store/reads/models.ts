/**
 * The tables the SQL read path knows: each model's table, the columns it may return (a column
 * missing here sends the read back to Prisma) with their SQL kind, and its relations. Column names
 * are Prisma's field names (the schema maps none), so a Prisma `select` names them directly.
 * BigInt and array columns are left out on purpose: JSON would not give Prisma's values.
 */
export type ColumnKind = 'uuid' | 'text' | 'date' | 'bool' | 'int' | { enum: string };

export type Relation =
  /** The child rows whose `foreignKey` is this row's id. */
  | { kind: 'many'; model: string; foreignKey: string }
  /** The row whose id is this row's `localKey` (null when the key is). */
  | { kind: 'one'; model: string; localKey: string };

export interface ReadModel {
  table: string;
  columns: Readonly<Record<string, ColumnKind>>;
  relations: Readonly<Record<string, Relation>>;
}

const e = (name: string): ColumnKind => ({ enum: name });

export const READ_MODELS: Readonly<Record<string, ReadModel>> = {
  Incident: {
    table: 'incidents',
    columns: {
      id: 'uuid',
      tenantId: 'text',
      primaryDeviceId: 'uuid',
      title: 'text',
      severity: e('Severity'),
      status: e('IncidentStatus'),
      classification: e('IncidentClassification'),
      determination: 'text',
      assignedTo: 'text',
      remediationStatus: e('IncidentRemediationStatus'),
      automatedInvestigationState: e('InvestigationState'),
      createdAt: 'date',
      updatedAt: 'date',
    },
    relations: {
      evidence: { kind: 'many', model: 'Evidence', foreignKey: 'incidentId' },
      remediationActions: { kind: 'many', model: 'RemediationAction', foreignKey: 'incidentId' },
      devices: { kind: 'many', model: 'IncidentDevice', foreignKey: 'incidentId' },
    },
  },
  IncidentDevice: {
    table: 'incident_devices',
    columns: { incidentId: 'uuid', deviceId: 'uuid' },
    relations: { device: { kind: 'one', model: 'Device', localKey: 'deviceId' } },
  },
  Evidence: {
    table: 'evidence',
    columns: {
      id: 'uuid',
      tenantId: 'text',
      deviceId: 'uuid',
      alertId: 'uuid',
      incidentId: 'uuid',
      investigationId: 'uuid',
      kind: e('EvidenceKind'),
      path: 'text',
      sha256: 'text',
      processId: 'int',
      commandLine: 'text',
      registryKey: 'text',
      name: 'text',
      value: 'text',
      verdict: e('Verdict'),
      remediationStatus: e('EvidenceRemediationStatus'),
      pathUnderstood: 'bool',
      createdAt: 'date',
    },
    relations: { device: { kind: 'one', model: 'Device', localKey: 'deviceId' } },
  },
  RemediationAction: {
    table: 'remediation_actions',
    columns: {
      id: 'uuid',
      tenantId: 'text',
      deviceId: 'uuid',
      deviceGroupId: 'uuid',
      decisionDeviceGroupId: 'uuid',
      decisionDeviceGroupName: 'text',
      type: e('RemediationActionType'),
      source: e('ActionSource'),
      status: e('RemediationActionStatus'),
      evidenceId: 'uuid',
      investigationId: 'uuid',
      incidentId: 'uuid',
      sha256: 'text',
      decision: e('PolicyDecision'),
      explanation: 'text',
      requestedBy: 'text',
      comment: 'text',
      decidedBy: 'text',
      decidedAt: 'date',
      decisionComment: 'text',
      completedAt: 'date',
      failureReason: 'text',
      undoable: 'bool',
      undoneBy: 'text',
      undoneAt: 'date',
      undoFailure: 'text',
      expiresAt: 'date',
      createdAt: 'date',
      updatedAt: 'date',
    },
    relations: {
      device: { kind: 'one', model: 'Device', localKey: 'deviceId' },
      deviceGroup: { kind: 'one', model: 'DeviceGroup', localKey: 'deviceGroupId' },
      evidence: { kind: 'one', model: 'Evidence', localKey: 'evidenceId' },
      incident: { kind: 'one', model: 'Incident', localKey: 'incidentId' },
    },
  },
  Device: {
    table: 'devices',
    columns: {
      id: 'uuid',
      tenantId: 'text',
      deviceGroupId: 'uuid',
      hostname: 'text',
      osPlatform: e('OsPlatform'),
      domain: 'text',
      isolated: 'bool',
      codeExecutionRestricted: 'bool',
      lastSeenAt: 'date',
      createdAt: 'date',
    },
    relations: { deviceGroup: { kind: 'one', model: 'DeviceGroup', localKey: 'deviceGroupId' } },
  },
  DeviceGroup: {
    table: 'device_groups',
    columns: {
      id: 'uuid',
      tenantId: 'text',
      name: 'text',
      description: 'text',
      automationLevel: e('AutomationLevel'),
      rank: 'int',
      isDefault: 'bool',
      createdAt: 'date',
      updatedAt: 'date',
    },
    relations: {},
  },
};

/** The model's table and columns; undefined for a model the SQL read path does not know. */
export function readModel(name: string): ReadModel | undefined {
  return READ_MODELS[name];
}
