import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { type Prisma, PrismaClient } from '../generated/prisma/client.js';
import { preparedStatementNames } from './prepared-statements.js';
import type { SqlSource } from './raw-sql.js';

export type { PrismaClient } from '../generated/prisma/client.js';
export { Prisma } from '../generated/prisma/client.js';

/** A transaction handle as services receive it. */
export type Transaction = Prisma.TransactionClient;

export interface PrismaOptions {
  poolSize?: number;
  /** Sees every SQL statement sent; tests use it to prove a page costs a fixed number of them. */
  onQuery?: (sql: string) => void;
  /** A pool the caller owns (and ends): the server reads its use for /metrics. */
  pool?: pg.Pool;
}

/**
 * Every scoped read is a batch transaction (src/db/tenant-scope.ts), and Prisma's default wait for
 * a pooled connection (2 s) would fail reads that a plain query lets queue under load: they wait
 * as long as `runTransaction`'s do (30 s), and take at most its 60 s.
 */
const WAITS = { maxWait: 30_000, timeout: 60_000 };

/**
 * 'minimal' (production's default) in every environment: any other format makes Prisma capture a
 * stack trace (`new Error()`) on every query for the code frame of an error message, and Quell
 * turns the database's errors into its own anyway.
 */
const ERROR_FORMAT = 'minimal';

export function createPrismaClient(databaseUrl: string, options: PrismaOptions = {}): PrismaClient {
  // The pool is made here (not by the adapter) so that transactions sent through pg itself
  // (src/db/pg-transaction.ts) draw from the same connections: one bound on them all.
  const pool =
    options.pool ??
    new pg.Pool({
      connectionString: databaseUrl,
      max: options.poolSize ?? 10,
      // $disconnect ends it only once Prisma itself connected: idle connections of a client
      // used only for pg transactions must not keep a script's process alive either.
      allowExitOnIdle: true,
    });
  const adapter = new PrismaPg(pool, {
    statementNameGenerator: preparedStatementNames(),
    // A pool made here is the client's: $disconnect ends it, as it ended the adapter's own.
    disposeExternalPool: !options.pool,
  });
  if (!options.onQuery) {
    const plain = new PrismaClient({
      adapter,
      transactionOptions: WAITS,
      errorFormat: ERROR_FORMAT,
    });
    sources.set(plain, { pool });
    return plain;
  }
  const client = new PrismaClient({
    adapter,
    transactionOptions: WAITS,
    errorFormat: ERROR_FORMAT,
    log: [{ emit: 'event', level: 'query' }],
  });
  const onQuery = options.onQuery;
  client.$on('query', (event) => onQuery(event.query));
  sources.set(client, { pool, onQuery });
  return client;
}

const sources = new WeakMap<PrismaClient, SqlSource>();

/** The connections (and statement observer) of a client made by createPrismaClient. */
export function sqlSourceOf(prisma: PrismaClient): SqlSource {
  const source = sources.get(prisma);
  if (!source) throw new Error('sqlSourceOf: this PrismaClient was not made by createPrismaClient');
  return source;
}
