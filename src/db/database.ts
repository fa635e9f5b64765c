import { fileURLToPath } from 'node:url';
import { isPortFree, startEmbeddedPostgres } from './embedded-postgres.js';

export const DEFAULT_DATA_DIR = fileURLToPath(new URL('../../.data/postgres', import.meta.url));
/** The embedded server's preferred port: next to a system PostgreSQL's 5432, so both can run. */
const PREFERRED_PORT = 5433;

/**
 * The database `npm start` uses: DATABASE_URL when set, else an embedded PostgreSQL whose data
 * lives in QUELL_DATA_DIR (default .data/postgres) and survives restarts.
 */
export async function resolveDatabase(
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ url: string; stop(): Promise<void> }> {
  if (env.DATABASE_URL) return { url: env.DATABASE_URL, stop: async () => undefined };
  const port = (await isPortFree(PREFERRED_PORT)) ? PREFERRED_PORT : 0;
  const dataDir = env.QUELL_DATA_DIR ?? DEFAULT_DATA_DIR;
  const started = Date.now();
  const cluster = await startEmbeddedPostgres({ dataDir, port });
  console.log(
    `Embedded PostgreSQL on port ${cluster.port}, data in ${dataDir} (${Date.now() - started} ms)`,
  );
  return cluster;
}
