// `npm run seed`: demo data for the tenant `demo` (QUELL_SEED_TENANT, QUELL_SEED_DEVICES) on the
// database `npm start` uses.
import { createServices } from '../services/index.js';
import { createPrismaClient } from './client.js';
import { resolveDatabase } from './database.js';
import { applyMigrations } from './migrate.js';
import { seedDemoTenant } from './seed-demo.js';

const database = await resolveDatabase();
try {
  await applyMigrations(database.url);
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
