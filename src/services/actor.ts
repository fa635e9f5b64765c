import { hasRole, type Identity, type Role } from '../auth/identity.js';
import { forbiddenAction } from './errors.js';

/** Who asks a service to act, and the request it came with (for audit). */
export interface Actor extends Identity {
  requestId: string;
}

export function actorFrom(identity: Identity, requestId: string): Actor {
  return { ...identity, requestId };
}

/** Services check roles themselves too, so scripts and workers cannot bypass them. */
export function requireRole(actor: Actor, ...roles: Role[]): void {
  if (!roles.some((role) => hasRole(actor, role))) {
    throw forbiddenAction(`This operation needs the ${roles.join(' or ')} role.`);
  }
}

/** May the actor see and act on devices of this group (by name)? */
export function actorCoversGroup(actor: Actor, groupName: string): boolean {
  return actor.groups === 'all' || actor.groups.includes(groupName);
}
