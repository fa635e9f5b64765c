import type { PrismaClient } from '../db/client.js';
import { insertTenantIfAbsent } from '../db/store/index.js';
import { applyTenantScope, tenantScope } from '../db/tenant-scope.js';
import { DEFAULT_DEVICE_GROUP } from '../policy/index.js';

export const DEFAULT_GROUP_NAME = DEFAULT_DEVICE_GROUP.name;

/**
 * Provisions a tenant the first time a valid token names it: plan PLAN_2 and its default group
 * "Ungrouped devices" at FULL, lowest rank. Safe under concurrent first requests.
 */
export function createTenantProvisioner(prisma: PrismaClient) {
  const known = new Set<string>();
  // Thousands of dashboards reconnecting at once (a restart) must not each open a transaction
  // for the same tenant: concurrent first calls share one.
  const pending = new Map<string, Promise<void>>();
  return function ensureTenant(tenantId: string): Promise<void> {
    if (known.has(tenantId)) return Promise.resolve();
    let provisioning = pending.get(tenantId);
    if (!provisioning) {
      provisioning = provision(tenantId).finally(() => pending.delete(tenantId));
      pending.set(tenantId, provisioning);
    }
    return provisioning;
  };

  async function provision(tenantId: string): Promise<void> {
    await prisma.$transaction(async (tx) => {
      await applyTenantScope(tx, tenantScope(tenantId));
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
  }
}
