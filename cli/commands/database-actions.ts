// What `quell migrate` and `quell seed` do (loaded by commands/database.ts only when they run).
import {
  DEMO_WEBHOOK_SECRET,
  DEMO_WEBHOOK_URL,
  seedAutomationExamples,
} from '../../scripts/seed-automation.js';
import { defaultIncidents, type SeedProgress, seedDemoTenant } from '../../scripts/seed-demo.js';
import { createPrismaClient } from '../../src/db/client.js';
import { resolveDatabase } from '../../src/db/database.js';
import { applyMigrations } from '../../src/db/migrate.js';
import { createServices } from '../../src/services/index.js';
import { progressBar } from '../progress.js';

/** `quell migrate`: the database `npm start` uses (DATABASE_URL or the embedded one), migrated. */
export async function migrate() {
  const database = await resolveDatabase();
  try {
    const applied = await applyMigrations(database.migrationUrl);
    console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'The database is up to date.');
  } finally {
    await database.stop();
  }
}

export interface SeedFlags {
  tenant: string;
  devices: number;
  incidents?: number;
  progress?: boolean;
}

/**
 * `quell seed` (and `npm run seed`): the demo tenant through the seed's own function, on a
 * migrated database, then the automation examples (a webhook and a rule acting on what arrives
 * from now on; the receiver's URL and secret from QUELL_SEED_WEBHOOK_URL / _SECRET).
 */
export async function seed(flags: SeedFlags) {
  // (--incidents beyond --devices was refused before this module loaded: commands/database.ts.)
  const incidents = flags.incidents ?? defaultIncidents(flags.devices);
  const database = await resolveDatabase();
  try {
    await applyMigrations(database.migrationUrl);
    const prisma = createPrismaClient(database.url);
    const bars = seedProgressBars(!!flags.progress);
    try {
      const services = createServices(prisma);
      const byStatus = await seedDemoTenant(services, {
        tenant: flags.tenant,
        devices: flags.devices,
        incidents,
        progress: bars.progress,
        webhook: {
          url: process.env.QUELL_SEED_WEBHOOK_URL ?? DEMO_WEBHOOK_URL,
          secret: process.env.QUELL_SEED_WEBHOOK_SECRET ?? DEMO_WEBHOOK_SECRET,
        },
      });
      bars.stop();
      if (byStatus) console.log(`Tenant "${flags.tenant}" seeded; actions by status:`, byStatus);
      await seedAutomationExamples(services, { tenant: flags.tenant });
    } finally {
      bars.stop();
      await prisma.$disconnect();
    }
  } finally {
    await database.stop();
  }
}

/** One bar per stage of the seed (devices, then incidents), on stderr. */
function seedProgressBars(force: boolean) {
  let current: { stage: string; bar: ReturnType<typeof progressBar> } | null = null;
  const stop = () => {
    current?.bar.stop();
    current = null;
  };
  const progress: SeedProgress = (stage, done, total) => {
    if (current?.stage !== stage) {
      stop();
      current = { stage, bar: progressBar(total, `seed ${stage}`, force, stage) };
    }
    current.bar.update(done);
  };
  return { progress, stop };
}
