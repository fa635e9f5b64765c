import type { Identity } from '../../auth/identity.js';

/**
 * Who performs a change, as services see it: the verified identity plus the request id that ties
 * the change to its log lines and audit events. Services know nothing of GraphQL.
 */
export interface Actor extends Identity {
  requestId: string | null;
}

export function actorFrom(identity: Identity, requestId: string | null): Actor {
  return { ...identity, requestId };
}

/** The built-in workers (executor, expiry sweeper) act as a system subject with full scope. */
export function systemActor(
  tenantId: string,
  subject: string,
  requestId: string | null = null,
): Actor {
  return { subject, tenantId, roles: new Set(), groups: 'all', deviceId: null, requestId };
}

export function actorRoles(actor: Actor): string[] {
  return [...actor.roles].sort();
}
