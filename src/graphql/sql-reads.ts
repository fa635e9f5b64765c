import type { PrismaClient } from '../db/client.js';
import { type FindManyArgs, findManyAsJson } from '../db/store/reads/index.js';

/**
 * A hot list read (issue 11): the SQL read path answers when it translates the whole Prisma
 * query Pothos built from the selection, Prisma answers otherwise. Both get the same arguments,
 * scope included, so they return the same rows (test/graphql/sql-read-path.test.ts).
 */
export async function readList<Rows extends readonly unknown[]>(
  client: Pick<PrismaClient, '$queryRaw'>,
  model: string,
  args: FindManyArgs,
  prisma: () => Promise<Rows>,
): Promise<Rows> {
  const rows = await findManyAsJson(client, model, args);
  // The rows have Prisma's shape for this `select` (dates as ISO text, which DateTime serialises).
  return rows ? (rows as unknown as Rows) : prisma();
}
