// What a transaction costs through Prisma's interactive transaction against the same statements
// sent through pg itself (src/db/pg-transaction.ts), the two kinds the services run in:
//   npm run bench:transactions -- [--statements 5] [--transactions 400] [--rounds 3]
// Each transaction sets the tenant scope and sends `statements` small parameterised SELECTs, one
// after another, on the same database and pool; the two kinds alternate within each round.
// Figures per transaction: wall ms and this process's CPU ms (PostgreSQL's time is not in it).
import { createPrismaClient, sqlSourceOf } from '../src/db/client.js';
import { applyMigrations } from '../src/db/migrate.js';
import { runPgTransaction } from '../src/db/pg-transaction.js';
import { tenantScope } from '../src/db/tenant-scope.js';
import { runTransaction } from '../src/services/kernel/transaction.js';
import { throwawayDatabase } from './support/database.js';
import { numericOption as option } from './support/options.js';

const statements = option('statements', 5);
const transactions = option('transactions', 400);
const rounds = option('rounds', 3);

const database = await throwawayDatabase();
await applyMigrations(database.migrationUrl);
const prisma = createPrismaClient(database.url, { poolSize: 4 });
const source = sqlSourceOf(prisma);
const scope = tenantScope('bench-transactions');
const waits = { timeoutMs: 10_000, maxWaitMs: 10_000 };

const kinds = {
  prisma: () =>
    runTransaction(prisma, scope, async (tx) => {
      for (let i = 0; i < statements; i++) await tx.$queryRaw`SELECT ${i}::int AS n, now() AS at`;
    }),
  pg: () =>
    runPgTransaction(
      source,
      scope,
      async (tx) => {
        for (let i = 0; i < statements; i++) await tx.$queryRaw`SELECT ${i}::int AS n, now() AS at`;
      },
      waits,
    ),
};

const cpuMs = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

console.log(
  `${statements} statements per transaction, ${transactions} transactions per kind and round`,
);
for (let round = 1; round <= rounds; round++) {
  for (const [name, run] of Object.entries(kinds)) {
    for (let i = 0; i < 50; i++) await run(); // warm-up
    const cpu = cpuMs();
    const start = performance.now();
    for (let i = 0; i < transactions; i++) await run();
    const wall = (performance.now() - start) / transactions;
    const used = (cpuMs() - cpu) / transactions;
    console.log(
      `round ${round}  ${name.padEnd(6)} ${wall.toFixed(2)} ms wall  ${used.toFixed(2)} ms CPU`,
    );
  }
}
await prisma.$disconnect();
await database.stop();
