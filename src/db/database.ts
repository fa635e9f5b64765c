import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';
import { ConfigError, loadConfig } from '../config.js';
import {
  isPortFree,
  roleUrls,
  runningServerUrl,
  startEmbeddedPostgres,
} from './embedded-postgres.js';

/** The embedded server's preferred port: next to a system PostgreSQL's 5432, so both can run. */
const PREFERRED_PORT = 5433;

export interface DatabaseSettings {
  /** Any PostgreSQL, as the serving role; null: the embedded one in `dataDir`. */
  databaseUrl: string | null;
  /** The tables' owner, for migrations; null: `databaseUrl`. */
  migrationDatabaseUrl?: string | null;
  dataDir: string;
}

export interface ResolvedDatabase {
  /** What the server serves through: a member of `quell_app` (no superuser, owns nothing). */
  url: string;
  /** What migrations run as: the owner of the tables. */
  migrationUrl: string;
  /** How it was found, for the start-up line. */
  origin: 'DATABASE_URL' | 'embedded' | 'running';
  stop(): Promise<void>;
}

/**
 * The database `npm start`, seeds and scripts use: DATABASE_URL when set (checked to answer), else
 * the embedded PostgreSQL of the data folder: the one already running there (another Quell process
 * started it), or one started now, whose data survives restarts. Bad settings are ConfigErrors.
 */
export async function resolveDatabase(
  settings: DatabaseSettings = loadConfig(),
  log: (line: string) => void = console.log,
): Promise<ResolvedDatabase> {
  const stopNothing = async () => undefined;
  if (settings.databaseUrl) {
    await checkReachable(settings.databaseUrl, 'DATABASE_URL');
    const migrationUrl = settings.migrationDatabaseUrl || settings.databaseUrl;
    if (migrationUrl !== settings.databaseUrl)
      await checkReachable(migrationUrl, 'QUELL_MIGRATION_DATABASE_URL');
    const url = settings.databaseUrl;
    return { url, migrationUrl, origin: 'DATABASE_URL', stop: stopNothing };
  }
  const dataDir = checkDataDir(settings.dataDir);
  const running = runningServerUrl(dataDir);
  if (running) {
    await checkReachable(running, `the PostgreSQL running on QUELL_DATA_DIR ${dataDir}`);
    log(`Using the PostgreSQL already running on ${dataDir}`);
    const { url, migrationUrl } = roleUrls(running);
    return { url, migrationUrl, origin: 'running', stop: stopNothing };
  }
  const port = (await isPortFree(PREFERRED_PORT)) ? PREFERRED_PORT : 0;
  const started = Date.now();
  const cluster = await startEmbeddedPostgres({ dataDir, port }).catch((error: unknown) => {
    throw new ConfigError(
      `QUELL_DATA_DIR ${dataDir}: PostgreSQL did not start (${firstLine(error)})`,
    );
  });
  log(
    `Embedded PostgreSQL on port ${cluster.port}, data in ${dataDir} (${Date.now() - started} ms)`,
  );
  const { url, migrationUrl } = cluster;
  return { url, migrationUrl, origin: 'embedded', stop: () => cluster.stop() };
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const lines = message.split('\n').filter(Boolean);
  // initdb and postgres put the reason last ("FATAL: …", "could not create directory …").
  return (lines.findLast((l) => /FATAL|ERROR|could not|error/i.test(l)) ?? lines[0] ?? '').trim();
}

/** Connects once with a short timeout: an unreachable database is said so before anything else. */
async function checkReachable(url: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (error) {
    const { hostname, port } = new URL(url);
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(`${name}: cannot connect to ${hostname}:${port || 5432} (${reason})`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * The data folder must be a folder Quell can create and write, empty or holding PostgreSQL data:
 * anything else (a file, someone's documents, a read-only place) is refused before initdb runs.
 */
function checkDataDir(configured: string): string {
  const dataDir = resolve(configured);
  const fail = (what: string) => new ConfigError(`QUELL_DATA_DIR ${what}: ${dataDir}`);
  if (existsSync(dataDir)) {
    if (!statSync(dataDir).isDirectory()) throw fail('is not a folder');
    const entries = readdirSync(dataDir);
    if (entries.length > 0 && !existsSync(join(dataDir, 'PG_VERSION')))
      throw fail('holds other files, not PostgreSQL data (choose an empty or new folder)');
    return dataDir;
  }
  try {
    createLevelByLevel(dataDir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw fail(`cannot be created (${code})`);
  }
  return dataDir;
}

/**
 * mkdir -p one level at a time: Node's recursive mkdir never returns where a parent refuses
 * children with ENOENT (e.g. under /proc); a plain mkdir fails at once.
 */
function createLevelByLevel(dir: string): void {
  if (existsSync(dir)) return;
  createLevelByLevel(dirname(dir));
  mkdirSync(dir, { mode: 0o700 });
}
