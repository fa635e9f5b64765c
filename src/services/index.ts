import type { PrismaClient } from '../db/client.js';
import { createDeviceGroupService } from './device-groups.js';
import { createTenantProvisioner } from './tenants.js';

export interface ServiceOptions {
  /** How long an action may wait for approval before it expires (SPEC §3.4). */
  pendingTtlMs?: number;
}

/** The workflows, wired to one database. GraphQL resolvers, workers and scripts call these. */
export function createServices(prisma: PrismaClient, options: ServiceOptions = {}) {
  return {
    prisma,
    options,
    ensureTenant: createTenantProvisioner(prisma),
    deviceGroups: createDeviceGroupService(prisma),
  };
}

export type Services = ReturnType<typeof createServices>;
