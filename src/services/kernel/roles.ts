import { hasRole, type Role } from '../../auth/identity.js';
import type { Actor } from './actor.js';
import { forbiddenAction } from './errors.js';

/** Services check roles themselves too, so scripts and workers cannot bypass the API's checks. */
export function requireRole(actor: Actor, ...roles: Role[]): void {
  if (!roles.some((role) => hasRole(actor, role))) {
    throw forbiddenAction(`This operation needs the ${roles.join(' or ')} role.`);
  }
}
