import type { PrismaClient } from '../db/client.js';
import { insertTenantIfAbsent } from '../db/store/index.js';
import { DEFAULT_DEVICE_GROUP } from '../policy/index.js';

export const DEFAULT_GROUP_NAME = DEFAULT_DEVICE_GROUP.name;

/**
 * Provisions a tenant the first time a valid token names it: plan PLAN_2 and its default group
 * "Ungrouped devices" at FULL, lowest rank. Safe under concurrent first requests.
 */
export function createTenantProvisioner(prisma: PrismaClient) {
  const known = new Set<string>();
  return async function ensureTenant(tenantId: string): Promise<void> {
    if (known.has(tenantId)) return;
    await prisma.$transaction(async (tx) => {
      if (await insertTenantIfAbsent(tx, tenantId)) {
        await tx.deviceGroup.create({
          data: {
            tenantId,
            name: DEFAULT_GROUP_NAME,
            automationLevel: DEFAULT_DEVICE_GROUP.automationLevel,
            rank: 1,
            isDefault: true,
          },
        });
      }
    });
    known.add(tenantId);
  };
}
