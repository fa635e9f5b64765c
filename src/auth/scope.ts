import type { Prisma } from '../db/client.js';
import type { Identity } from './identity.js';

/**
 * Prisma filters that keep every read inside the caller's tenant and device groups. Every
 * resolver path (root lists, node, nested fields, totals) combines its own filter with one of
 * these, so out of scope looks exactly like "does not exist".
 */
export function visibleGroups(identity: Identity): Prisma.DeviceGroupWhereInput {
  const byName = identity.groups === 'all' ? {} : { name: { in: [...identity.groups] } };
  return { tenantId: identity.tenantId, ...byName };
}

export function visibleDevices(identity: Identity): Prisma.DeviceWhereInput {
  const own = identity.deviceId && !identity.roles.has('viewer') ? { id: identity.deviceId } : {};
  return { tenantId: identity.tenantId, deviceGroup: visibleGroups(identity), ...own };
}

export function visibleActions(identity: Identity): Prisma.RemediationActionWhereInput {
  return { tenantId: identity.tenantId, device: visibleDevices(identity) };
}

/** visibleActions as the plain terms of a raw locking read (the same rule: groups, own device). */
export function visibleActionTerms(identity: Identity): {
  groupNames: 'all' | readonly string[];
  deviceId: string | null;
} {
  const own = identity.deviceId && !identity.roles.has('viewer') ? identity.deviceId : null;
  return { groupNames: identity.groups, deviceId: own };
}

export function visibleEvidence(identity: Identity): Prisma.EvidenceWhereInput {
  return { tenantId: identity.tenantId, device: visibleDevices(identity) };
}

export function visibleAlerts(identity: Identity): Prisma.AlertWhereInput {
  return { tenantId: identity.tenantId, device: visibleDevices(identity) };
}

/** An incident is visible when any device it touches is. */
export function visibleIncidents(identity: Identity): Prisma.IncidentWhereInput {
  return { tenantId: identity.tenantId, devices: { some: { device: visibleDevices(identity) } } };
}

/** An investigation is visible when any device it covers is. */
export function visibleInvestigations(identity: Identity): Prisma.InvestigationWhereInput {
  return { tenantId: identity.tenantId, devices: { some: { device: visibleDevices(identity) } } };
}
