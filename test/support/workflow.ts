import { randomBytes } from 'node:crypto';
import type { TokenClaims } from '../../src/auth/tokens.js';
import type { TestServer } from './server.js';

/** The action fields the workflow tests read. */
export const ACTION_FIELDS = `id type source status decision explanation expiresAt decidedBy undoable undoneBy requestedBy comment
  device { id hostname isolated codeExecutionRestricted } deviceGroup { name } evidence { id path sha256 registryKey remediationStatus }
  investigation { id state } incident { id remediationStatus automatedInvestigationState }`;

export const REPORT_ALERT = `mutation($input: ReportAlertInput!) { reportAlert(input: $input) {
  alert { id } incident { id remediationStatus automatedInvestigationState } investigation { id state } } }`;
export const SUBMIT = `mutation($input: SubmitInvestigationFindingsInput!) { submitInvestigationFindings(input: $input) {
  investigation { id state } remediationActions { ${ACTION_FIELDS} } } }`;
const OUTCOMES = `outcomes { id error { code message } action { ${ACTION_FIELDS} } }`;
export const APPROVE = `mutation($input: DecideRemediationActionsInput!) { approveRemediationActions(input: $input) { ${OUTCOMES} } }`;
export const REJECT = `mutation($input: DecideRemediationActionsInput!) { rejectRemediationActions(input: $input) { ${OUTCOMES} } }`;
export const CANCEL = `mutation($input: CancelRemediationActionsInput!) { cancelRemediationActions(input: $input) { ${OUTCOMES} } }`;
export const UNDO = `mutation($input: UndoRemediationActionsInput!) { undoRemediationActions(input: $input) { ${OUTCOMES} } }`;
export const TAKE = `mutation($input: TakeResponseActionInput!) { takeResponseAction(input: $input) { alreadyRequested action { ${ACTION_FIELDS} } } }`;
export const ACTION = `query($id: ID!) { node(id: $id) { ... on RemediationAction { ${ACTION_FIELDS} } } }`;
export const INVESTIGATION = `query($id: ID!) { node(id: $id) { ... on Investigation { id state devices { hostname }
  incident { id remediationStatus automatedInvestigationState devices { hostname } } } } }`;

export const sha = () => randomBytes(32).toString('hex');

/** A tenant of its own on the test server, with tokens per role and helpers over the real API. */
export function tenantOf(server: TestServer, tid = `t-${randomBytes(4).toString('hex')}`) {
  const token = (claims: Partial<TokenClaims> = {}) => server.token({ tid, ...claims });
  const tokens = {
    admin: () => token({ sub: 'admin', roles: ['admin', 'ingest'] }),
    ingest: () => token({ sub: 'detector', roles: ['ingest'] }),
    responder: (sub = 'responder', groups: '*' | string[] = '*') =>
      token({ sub, roles: ['responder'], groups }),
    viewer: () => token({ sub: 'viewer', roles: ['viewer'] }),
    agent: (deviceId: string) =>
      token({ sub: `agent-${deviceId}`, roles: ['agent'], did: deviceId }),
  };

  async function group(name: string, automationLevel: string) {
    const data = await server.gqlData(
      `mutation($input: CreateDeviceGroupInput!) { createDeviceGroup(input: $input) { deviceGroup { id name } } }`,
      { input: { name, automationLevel } },
      await tokens.admin(),
    );
    return data.createDeviceGroup.deviceGroup as { id: string; name: string };
  }

  async function device(hostname: string, deviceGroupId: string | null, osPlatform = 'WINDOWS') {
    const data = await server.gqlData(
      `mutation($input: RegisterDeviceInput!) { registerDevice(input: $input) { device { id hostname deviceGroup { name } } } }`,
      { input: { hostname, osPlatform, ...(deviceGroupId ? { deviceGroupId } : {}) } },
      await tokens.admin(),
    );
    return data.registerDevice.device as { id: string; hostname: string };
  }

  async function reportAlert(
    deviceId: string,
    evidence: Record<string, unknown>[],
    extra: Record<string, unknown> = {},
  ) {
    const data = await server.gqlData(
      REPORT_ALERT,
      { input: { deviceId, title: 'Detected', severity: 'HIGH', evidence, ...extra } },
      await tokens.ingest(),
    );
    return data.reportAlert as {
      alert: { id: string };
      incident: {
        id: string;
        remediationStatus: string;
        automatedInvestigationState: string | null;
      };
      investigation: { id: string; state: string } | null;
    };
  }

  async function submit(
    investigationId: string,
    findings: Record<string, unknown>[],
    complete = true,
    extra: Record<string, unknown> = {},
  ) {
    const data = await server.gqlData(
      SUBMIT,
      { input: { investigationId, findings, complete, ...extra } },
      await tokens.ingest(),
    );
    return data.submitInvestigationFindings as {
      investigation: { id: string; state: string };
      remediationActions: any[];
    };
  }

  /** Evidence ids of an investigation, by path. */
  async function evidenceOf(investigationId: string) {
    const data = await server.gqlData(
      `query($id: ID!) { node(id: $id) { ... on Investigation { evidence(first: 100) { edges { node { id path sha256 } } } } } }`,
      { id: investigationId },
      await tokens.admin(),
    );
    return (data.node.evidence.edges as any[]).map(
      (e) => e.node as { id: string; path: string | null; sha256: string | null },
    );
  }

  async function action(id: string, bearer?: string) {
    const data = await server.gqlData(ACTION, { id }, bearer ?? (await tokens.admin()));
    return data.node;
  }

  async function investigation(id: string) {
    return (await server.gqlData(INVESTIGATION, { id }, await tokens.admin())).node;
  }

  return {
    tid,
    token,
    tokens,
    group,
    device,
    reportAlert,
    submit,
    evidenceOf,
    action,
    investigation,
  };
}

export type Tenant = ReturnType<typeof tenantOf>;

/** What a tenant holds, as far as a refused call must leave it as it was. */
export async function footprint(s: Pick<TestServer, 'prisma'>, tid: string) {
  const where = { tenantId: tid };
  const [alerts, evidence, incidents, investigations, actions, audit, stream, statuses] =
    await Promise.all([
      s.prisma.alert.count({ where }),
      s.prisma.evidence.count({ where }),
      s.prisma.incident.count({ where }),
      s.prisma.investigation.count({ where }),
      s.prisma.remediationAction.count({ where }),
      s.prisma.auditEvent.count({ where }),
      s.prisma.streamEvent.count({ where }),
      s.prisma.remediationAction.findMany({
        where,
        select: { id: true, status: true },
        orderBy: { id: 'asc' },
      }),
    ]);
  return { alerts, evidence, incidents, investigations, actions, audit, stream, statuses };
}
