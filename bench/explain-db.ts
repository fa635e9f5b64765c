// A database to EXPLAIN the read path on (issue 11): a throwaway embedded PostgreSQL, migrated,
// seeded with the peer harness's shape at N incidents (default 100,000: ten times the peer data),
// left running until interrupted. Prints the app role's and the superuser's URLs.
//   npx tsx bench/explain-db.ts [--incidents 100000]
import { applyMigrations } from '../src/db/migrate.js';
import { throwawayDatabase } from './support/database.js';
import { numericOption as option } from './support/options.js';
import { seedReadsData } from './support/reads-data.js';

const database = await throwawayDatabase();
await applyMigrations(database.migrationUrl);
await seedReadsData(database.adminUrl, option('incidents', 100_000));
console.log(JSON.stringify({ app: database.url, admin: database.adminUrl }));
process.on('SIGINT', () => void database.stop().then(() => process.exit(0)));
process.on('SIGTERM', () => void database.stop().then(() => process.exit(0)));
setInterval(() => undefined, 60_000);
