// Pending and completed actions made through the real API, for the page to show.
import type { TestServer } from '../../support/server.js';
import { sha, type Tenant, tenantOf } from '../../support/workflow.js';

export interface PendingAction {
  id: string;
  hostname: string;
}

/** Creates one pending quarantine per call on `hostname` (a SEMI_REQUIRE_APPROVAL_ANY device). */
export async function pendingQuarantine(t: Tenant, deviceId: string, path: string) {
  const reported = await t.reportAlert(deviceId, [
    { kind: 'FILE', path, sha256: sha(), verdict: 'SUSPICIOUS' },
  ]);
  const result = await t.submit(reported.investigation!.id, [], true);
  return { incidentId: reported.incident.id, investigationId: result.investigation.id };
}

/** Two approval groups with a device each, and pending actions on both. */
export async function approvalWorld(server: TestServer) {
  const t = tenantOf(server);
  const servers = await t.group('Servers', 'SEMI_REQUIRE_APPROVAL_ANY');
  const laptops = await t.group('Laptops', 'SEMI_REQUIRE_APPROVAL_ANY');
  const server1 = await t.device('srv-web-01', servers.id);
  const laptop1 = await t.device('lap-anna', laptops.id);
  return { t, servers, laptops, server1, laptop1 };
}

export const PENDING_IDS = `query($filter: RemediationActionFilter) {
  remediationActions(first: 100, filter: $filter) { totalCount edges { node { id } } } }`;

/** The ids the API lists as pending for a token, newest first. */
export async function pendingIdsFromApi(server: TestServer, token: string): Promise<string[]> {
  const data = await server.gqlData(
    PENDING_IDS,
    { filter: { statuses: ['PENDING_APPROVAL'] } },
    token,
  );
  return (data.remediationActions.edges as { node: { id: string } }[]).map((edge) => edge.node.id);
}
