/** Who is calling, as the verified token says (SPEC §5). */
export const ROLES = ['viewer', 'responder', 'admin', 'ingest', 'agent'] as const;
export type Role = (typeof ROLES)[number];

export interface Identity {
  subject: string;
  tenantId: string;
  roles: ReadonlySet<Role>;
  /** Device group names the subject may see, or 'all' for the `"*"` claim. */
  groups: 'all' | readonly string[];
  /** For the agent role: the one device whose work it may touch. */
  deviceId: string | null;
}

export function hasRole(identity: Identity, role: Role): boolean {
  if (identity.roles.has(role)) return true;
  // admin includes responder, and every role that may change things may also read.
  if (role === 'responder') return identity.roles.has('admin');
  // ingest reads what it reports (an alert's investigation, to submit its findings).
  if (role === 'viewer')
    return (
      identity.roles.has('admin') || identity.roles.has('responder') || identity.roles.has('ingest')
    );
  return false;
}

export function mayReadAllGroups(identity: Identity): boolean {
  return identity.groups === 'all';
}
