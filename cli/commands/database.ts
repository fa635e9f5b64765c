import type { Command } from 'commander';
import { seedDemoTenant } from '../../scripts/seed-demo.js';
import { createPrismaClient } from '../../src/db/client.js';
import { resolveDatabase } from '../../src/db/database.js';
import { applyMigrations } from '../../src/db/migrate.js';
import { createServices } from '../../src/services/index.js';
import { CliError } from '../settings.js';

/** `quell migrate`: the database `npm start` uses (DATABASE_URL or the embedded one), migrated. */
async function migrate() {
  const database = await resolveDatabase();
  try {
    const applied = await applyMigrations(database.migrationUrl);
    console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'The database is up to date.');
  } finally {
    await database.stop();
  }
}

/** `quell seed`: the demo tenant through the seed's own function, on a migrated database. */
async function seed(flags: { tenant: string; devices: string }) {
  const devices = Number(flags.devices);
  if (!Number.isInteger(devices) || devices < 1) {
    throw new CliError('--devices: a positive whole number.', 2);
  }
  const database = await resolveDatabase();
  try {
    await applyMigrations(database.migrationUrl);
    const prisma = createPrismaClient(database.url);
    try {
      const byStatus = await seedDemoTenant(createServices(prisma), {
        tenant: flags.tenant,
        devices,
      });
      if (byStatus) console.log(`Tenant "${flags.tenant}" seeded; actions by status:`, byStatus);
    } finally {
      await prisma.$disconnect();
    }
  } finally {
    await database.stop();
  }
}

export function addDatabaseCommands(program: Command): void {
  program
    .command('migrate')
    .description('apply the migrations to the database (DATABASE_URL, else the embedded one)')
    .action(migrate);
  program
    .command('seed')
    .description('fill a tenant with demo data (nothing when it already has incidents)')
    .option('--tenant <id>', 'tenant id', 'demo')
    .option('--devices <n>', 'number of devices', '300')
    .action(seed);
}
