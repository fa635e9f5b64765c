import type { PrismaClient } from '../db/client.js';
import { type FindManyArgs, findManyAsJson } from '../db/store/reads/index.js';

/**
 * A hot list read (issue 11): the SQL read path answers when it translates the whole Prisma
 * query Pothos built from the selection, Prisma answers otherwise. Both get the same arguments,
 * scope included, so they return the same rows (test/graphql/sql-read-path.test.ts).
 */
export async function readList<Rows extends readonly unknown[]>(
  ctx: { prisma: Pick<PrismaClient, '$queryRaw'>; sqlReadPath: boolean },
  model: string,
  args: FindManyArgs,
  prisma: () => Promise<Rows>,
): Promise<Rows> {
  const rows = ctx.sqlReadPath ? await findManyAsJson(ctx.prisma, model, args) : null;
  // The rows have Prisma's shape for this `select` (dates as ISO text, which DateTime serialises).
  return rows ? (rows as unknown as Rows) : prisma();
}
