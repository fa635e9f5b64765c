import type { Role } from '../../src/auth/identity.js';
import { createPrismaClient, type PrismaClient } from '../../src/db/client.js';
import type { AutomationLevel } from '../../src/generated/prisma/enums.js';
import type { Actor } from '../../src/services/index.js';
import { createServices, type ServiceOptions } from '../../src/services/index.js';
import { createTestDatabase } from '../support/database.js';

/** Services on a fresh database, with actors and a few fixtures written straight to it. */
export async function serviceWorld(
  options: ServiceOptions & { onQuery?: (sql: string) => void } = {},
) {
  const database = await createTestDatabase();
  // Services serve as the app role (row-level security applies); fixtures and checks use the superuser.
  const servingPrisma: PrismaClient = createPrismaClient(database.url, {
    onQuery: options.onQuery,
  });
  const prisma: PrismaClient = createPrismaClient(database.adminUrl);
  const services = createServices(servingPrisma, {
    onError: (error) => console.error(error),
    ...options,
  });
  const tenantId = 'svc';
  await services.ensureTenant(tenantId);
  const actor = (subject: string, ...roles: Role[]): Actor => ({
    subject,
    tenantId,
    roles: new Set(roles),
    groups: 'all',
    deviceId: null,
    requestId: `req-${subject}`,
  });
  let rank = 0;
  async function device(hostname: string, automationLevel: AutomationLevel = 'FULL') {
    const group = await prisma.deviceGroup.create({
      data: { tenantId, name: `g-${hostname}`, automationLevel, rank: 1000 + ++rank },
    });
    return prisma.device.create({
      data: { tenantId, hostname, osPlatform: 'WINDOWS', deviceGroupId: group.id },
    });
  }
  return {
    prisma,
    services,
    tenantId,
    actor,
    device,
    async close() {
      await services.stopBackgroundWork();
      await prisma.$disconnect();
      await servingPrisma.$disconnect();
      await database.drop();
    },
  };
}
