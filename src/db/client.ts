import { PrismaPg } from '@prisma/adapter-pg';
import type pg from 'pg';
import { type Prisma, PrismaClient } from '../generated/prisma/client.js';
import { preparedStatementNames } from './prepared-statements.js';

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
  const adapter = new PrismaPg(
    options.pool ?? { connectionString: databaseUrl, max: options.poolSize ?? 10 },
    { statementNameGenerator: preparedStatementNames() },
  );
  if (!options.onQuery)
    return new PrismaClient({ adapter, transactionOptions: WAITS, errorFormat: ERROR_FORMAT });
  const client = new PrismaClient({
    adapter,
    transactionOptions: WAITS,
    errorFormat: ERROR_FORMAT,
    log: [{ emit: 'event', level: 'query' }],
  });
  const onQuery = options.onQuery;
  client.$on('query', (event) => onQuery(event.query));
  return client;
}
