// Worlds built over the real API for the remediation tests: one pending action, a file quarantined
// on several devices, and the two-tenant world the scope tests start from.
import { expect } from 'vitest';
import { globalId } from './global-ids.js';
import type { TestServer } from './server.js';
import { sha, type Tenant, tenantOf } from './workflow.js';

/** A pending action as the tests address it: its API id, its database id, where it lives. */
export interface PendingAction {
  device: { id: string; hostname: string };
  reported: Awaited<ReturnType<Tenant['reportAlert']>>;
  /** The action's API (global) id. */
  id: string;
  /** The action's database id. */
  rawId: string;
}

/** One pending QUARANTINE_FILE on a new device of a new SEMI_REQUIRE_APPROVAL_ANY group. */
export async function pendingAction(
  server: Pick<TestServer, 'prisma'>,
  t: Tenant,
  groupName = 'Approval',
  hostname = 'host-1',
): Promise<PendingAction> {
  const group = await t.group(groupName, 'SEMI_REQUIRE_APPROVAL_ANY');
  const device = await t.device(hostname, group.id);
  const reported = await t.reportAlert(device.id, [
    { kind: 'FILE', path: `D:\\${hostname}.exe`, verdict: 'SUSPICIOUS' },
  ]);
  const action = await server.prisma.remediationAction.findFirstOrThrow({
    where: { tenantId: t.tid, device: { hostname } },
  });
  return { device, reported, id: globalId('RemediationAction', action.id), rawId: action.id };
}

/**
 * One file quarantined (completed) on each of `hostnames`, each in its own FULL group named
 * `G-<hostname>`: seen on every device, then found malicious on the first, so the verdict spreads.
 * Returns the devices and each host's action id.
 */
export async function quarantinedEverywhere(
  server: Pick<TestServer, 'prisma'>,
  t: Tenant,
  hostnames: readonly string[],
) {
  const file = sha();
  const devices = [];
  for (const hostname of hostnames) {
    const group = await t.group(`G-${hostname}`, 'FULL');
    const device = await t.device(hostname, group.id);
    devices.push(device);
    await t.reportAlert(device.id, [
      { kind: 'FILE', path: `D:\\seen\\${hostname}.exe`, sha256: file },
    ]);
  }
  await t.reportAlert(devices[0]!.id, [
    { kind: 'FILE', path: 'D:\\found\\bad.exe', sha256: file, verdict: 'MALICIOUS' },
  ]);
  const actions = await server.prisma.remediationAction.findMany({
    where: { tenantId: t.tid, type: 'QUARANTINE_FILE' },
    include: { device: true },
  });
  const ids: Record<string, string> = {};
  for (const hostname of hostnames) {
    const onHost = actions.filter((a) => a.device.hostname === hostname);
    expect(onHost, hostname).toHaveLength(1);
    expect(onHost[0]!.status, hostname).toBe('COMPLETED');
    ids[hostname] = globalId('RemediationAction', onHost[0]!.id);
  }
  return { devices, ids };
}

/** A tenant of its own (tokens per role, API helpers) with one pending action on its own device. */
export async function tenantWithPendingAction(server: TestServer, hostname: string) {
  const tenant = tenantOf(server);
  return { ...tenant, pending: await pendingAction(server, tenant, 'Approval', hostname) };
}

/**
 * Tenant A and tenant B, each with tokens per role (`a.tokens.responder()`…), a device in a group
 * named `Approval` (the same name in both: names are per tenant) and a pending action on it.
 */
export async function twoTenants(server: TestServer) {
  const [a, b] = await Promise.all([
    tenantWithPendingAction(server, 'host-a'),
    tenantWithPendingAction(server, 'host-b'),
  ]);
  return { a, b };
}

export type TwoTenants = Awaited<ReturnType<typeof twoTenants>>;
