import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres.js';

export interface BenchDatabase {
  /** The serving role (`quell_app`, row-level security applies). */
  url: string;
  /** The tables' owner (migrations; row-level security is forced: it binds the owner too). */
  migrationUrl: string;
  /** The superuser: fixtures across tenants (the one role row-level security does not filter). */
  adminUrl: string;
  stop(): Promise<void>;
}

/** DATABASE_URL (and QUELL_MIGRATION_DATABASE_URL) when set, else a throwaway embedded PostgreSQL deleted when stopped. */
export async function throwawayDatabase(): Promise<BenchDatabase> {
  const url = process.env.DATABASE_URL;
  if (url) {
    const migrationUrl = process.env.QUELL_MIGRATION_DATABASE_URL || url;
    return { url, migrationUrl, adminUrl: migrationUrl, stop: async () => undefined };
  }
  const dataDir = join(mkdtempSync(join(tmpdir(), 'quell-bench-')), 'data');
  return startEmbeddedPostgres({ dataDir, throwaway: true, database: 'quell_bench' });
}

/**
 * `--rls off` serves as the superuser, which row-level security does not filter: the same code
 * and statements, without the policies' checks, to show what they cost.
 */
export function servingUrl(database: BenchDatabase): { url: string; rowSecurity: boolean } {
  const off =
    process.argv.includes('--rls') && process.argv[process.argv.indexOf('--rls') + 1] === 'off';
  return off
    ? { url: database.adminUrl, rowSecurity: false }
    : { url: database.url, rowSecurity: true };
}
