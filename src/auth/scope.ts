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

/**
 * What a row's device must satisfy beyond being in the caller's tenant, or null when the tenant
 * alone decides. Every device is in its group's tenant and every alert, evidence and action in its
 * device's tenant (composite foreign keys, migration 20261202130000), so an all-groups caller's
 * reads need no join to devices or groups: only group names and a device's own token add one.
 */
function deviceCondition(identity: Identity): Prisma.DeviceWhereInput | null {
  const terms: Prisma.DeviceWhereInput = {};
  if (identity.groups !== 'all') terms.deviceGroup = { name: { in: [...identity.groups] } };
  if (identity.deviceId && !identity.roles.has('viewer')) terms.id = identity.deviceId;
  return Object.keys(terms).length > 0 ? terms : null;
}

export function visibleDevices(identity: Identity): Prisma.DeviceWhereInput {
  return { tenantId: identity.tenantId, ...deviceCondition(identity) };
}

/** The terms for a row that carries its own tenant and device (alert, evidence, action). */
function onVisibleDevice(identity: Identity) {
  const device = deviceCondition(identity);
  return { tenantId: identity.tenantId, ...(device ? { device } : {}) };
}

export function visibleActions(identity: Identity): Prisma.RemediationActionWhereInput {
  return onVisibleDevice(identity);
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
  return onVisibleDevice(identity);
}

export function visibleAlerts(identity: Identity): Prisma.AlertWhereInput {
  return onVisibleDevice(identity);
}

/** An incident is visible when any device it touches is. */
export function visibleIncidents(identity: Identity): Prisma.IncidentWhereInput {
  return { tenantId: identity.tenantId, devices: { some: { device: visibleDevices(identity) } } };
}

/** An investigation is visible when any device it covers is. */
export function visibleInvestigations(identity: Identity): Prisma.InvestigationWhereInput {
  return { tenantId: identity.tenantId, devices: { some: { device: visibleDevices(identity) } } };
}
