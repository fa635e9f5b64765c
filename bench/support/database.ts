import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres.js';

/** DATABASE_URL when set, else a throwaway embedded PostgreSQL deleted when stopped. */
export async function throwawayDatabase(): Promise<{ url: string; stop(): Promise<void> }> {
  if (process.env.DATABASE_URL)
    return { url: process.env.DATABASE_URL, stop: async () => undefined };
  const dataDir = join(mkdtempSync(join(tmpdir(), 'quell-bench-')), 'data');
  return startEmbeddedPostgres({ dataDir, throwaway: true, database: 'quell_bench' });
}
