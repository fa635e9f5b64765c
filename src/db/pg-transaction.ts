import type pg from 'pg';
import { PgTransaction, type SqlSource } from './raw-sql.js';
import { ALL_TENANTS, type TenantScope } from './tenant-scope.js';

export type { SqlSource } from './raw-sql.js';

export interface PgTransactionOptions {
  timeoutMs: number;
  maxWaitMs: number;
}

/** Thrown when no pooled connection came free within `maxWaitMs` (Prisma's P2024, in its words). */
export class ConnectionWaitError extends Error {
  constructor(maxWaitMs: number) {
    super(`Timed out fetching a new connection from the connection pool (waited ${maxWaitMs} ms)`);
    this.name = 'ConnectionWaitError';
  }
}

/**
 * Runs `work` in one READ COMMITTED transaction on a connection of `source`, its tenant scope set
 * in the same round trip as BEGIN (one simple-protocol message of two statements; the values are
 * quoted by pg's escapeLiteral). Commits when `work` resolves, rolls back when it throws or ran
 * past `timeoutMs` (as Prisma's interactive transactions do: a statement sent after that fails).
 */
export async function runPgTransaction<T>(
  source: SqlSource,
  scope: TenantScope,
  work: (tx: PgTransaction) => Promise<T>,
  options: PgTransactionOptions,
): Promise<T> {
  const connection = await connectWithin(source.pool, options.maxWaitMs);
  const tx = new PgTransaction(connection, options.timeoutMs, source.onQuery);
  const timer = setTimeout(() => {
    tx.expired = true;
  }, options.timeoutMs);
  let broken: Error | undefined;
  try {
    const begin = beginInScope(connection, scope);
    // Logged as Prisma logs its transactions: the scope statement and COMMIT, not BEGIN.
    source.onQuery?.(begin.slice('BEGIN; '.length));
    await connection.query(begin);
    const result = await work(tx);
    if (tx.expired) await tx.$executeRaw`SELECT 1`; // throws the expiry: rolled back below
    source.onQuery?.('COMMIT');
    await connection.query('COMMIT');
    return result;
  } catch (error) {
    broken = await rollBack(connection);
    throw error;
  } finally {
    clearTimeout(timer);
    connection.release(broken);
  }
}

function beginInScope(connection: pg.PoolClient, scope: TenantScope): string {
  const tenantId = scope === ALL_TENANTS ? '' : scope.tenantId;
  const allTenants = scope === ALL_TENANTS ? 'on' : 'off';
  return `BEGIN; SELECT set_config('quell.tenant_id', ${connection.escapeLiteral(tenantId)}, true), set_config('quell.all_tenants', '${allTenants}', true)`;
}

/** Undefined when rolled back; the error when the connection could not, so the pool drops it. */
async function rollBack(connection: pg.PoolClient): Promise<Error | undefined> {
  try {
    await connection.query('ROLLBACK');
    return undefined;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** A pooled connection, or ConnectionWaitError after `maxWaitMs` (the late one goes back). */
async function connectWithin(pool: pg.Pool, maxWaitMs: number): Promise<pg.PoolClient> {
  const connecting = pool.connect();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ConnectionWaitError(maxWaitMs)), maxWaitMs);
  });
  try {
    return await Promise.race([connecting, timedOut]);
  } catch (error) {
    connecting.then((late) => late.release()).catch(() => undefined);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
