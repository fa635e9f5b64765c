// `npm run seed`: demo data for the tenant `demo` (QUELL_SEED_TENANT, QUELL_SEED_DEVICES) on the
// database `npm start` uses.
import { createPrismaClient } from '../src/db/client.js';
import { resolveDatabase } from '../src/db/database.js';
import { applyMigrations } from '../src/db/migrate.js';
import { createServices } from '../src/services/index.js';
import {
  DEMO_WEBHOOK_SECRET,
  DEMO_WEBHOOK_URL,
  seedAutomationExamples,
} from './seed-automation.js';
import { seedDemoTenant } from './seed-demo.js';

const database = await resolveDatabase();
try {
  await applyMigrations(database.migrationUrl);
  const prisma = createPrismaClient(database.url);
  const tenant = process.env.QUELL_SEED_TENANT ?? 'demo';
  const services = createServices(prisma);
  const byStatus = await seedDemoTenant(services, {
    tenant,
    devices: Number(process.env.QUELL_SEED_DEVICES ?? 300),
    webhook: {
      url: process.env.QUELL_SEED_WEBHOOK_URL ?? DEMO_WEBHOOK_URL,
      secret: process.env.QUELL_SEED_WEBHOOK_SECRET ?? DEMO_WEBHOOK_SECRET,
    },
  });
  if (byStatus) console.log(`Tenant "${tenant}" seeded; actions by status:`, byStatus);
  // After the demo data: the rule acts on what arrives from now on (scripts/seed-automation.ts).
  await seedAutomationExamples(services, { tenant });
  await prisma.$disconnect();
} finally {
  await database.stop();
}
