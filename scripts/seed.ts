// `npm run seed`: demo data for the tenant `demo` (QUELL_SEED_TENANT, QUELL_SEED_DEVICES) on the
// database `npm start` uses.
import { createPrismaClient } from '../src/db/client.js';
import { resolveDatabase } from '../src/db/database.js';
import { applyMigrations } from '../src/db/migrate.js';
import { createServices } from '../src/services/index.js';
import { seedDemoTenant } from './seed-demo.js';

const database = await resolveDatabase();
try {
  await applyMigrations(database.migrationUrl);
  const prisma = createPrismaClient(database.url);
  const tenant = process.env.QUELL_SEED_TENANT ?? 'demo';
  const byStatus = await seedDemoTenant(createServices(prisma), {
    tenant,
    devices: Number(process.env.QUELL_SEED_DEVICES ?? 300),
  });
  if (byStatus) console.log(`Tenant "${tenant}" seeded; actions by status:`, byStatus);
  await prisma.$disconnect();
} finally {
  await database.stop();
}
