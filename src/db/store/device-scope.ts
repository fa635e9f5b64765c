import { Prisma } from '../client.js';

/** Which devices a caller may see: those of the named groups ('all': every group), or one device. */
export interface DeviceScopeTerms {
  groupNames: 'all' | readonly string[];
  deviceId: string | null;
}

/**
 * Device `d` of group `g` is the tenant's and in the caller's scope: the one statement of the
 * rule `src/auth/scope.ts` states for Prisma, for the raw reads and locks of the store.
 */
export function deviceInScope(tenantId: string, scope: DeviceScopeTerms): Prisma.Sql {
  const everyGroup = scope.groupNames === 'all';
  const names = everyGroup ? [] : [...scope.groupNames];
  return Prisma.sql`d."tenantId" = ${tenantId} AND g."tenantId" = ${tenantId}
    AND (${everyGroup} OR g.name = ANY(${names}::text[]))
    AND (${scope.deviceId}::uuid IS NULL OR d.id = ${scope.deviceId}::uuid)`;
}
