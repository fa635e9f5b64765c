import { Prisma, type PrismaClient } from '../../client.js';
import { type ReadModel, readModel } from './models.js';
import { Aliases, column, isPlainObject, UNSUPPORTED, type Unsupported } from './sql-parts.js';
import { whereSql } from './where.js';

// Prisma's findMany for the action center's hot reads, as one statement in which PostgreSQL
// builds the whole answer as JSON (ARRAY(subquery) per nested list, LIMIT in SQL, a scalar
// subquery per to-one relation), the way PostGraphile and the raw peer do. The rows come back in
// the shape Prisma gives for the same `select` (dates as ISO-8601 text), so the GraphQL layer
// resolves them unchanged. Any argument it does not know makes it return null: ask Prisma.

export interface FindManyArgs {
  select?: unknown;
  where?: unknown;
  orderBy?: unknown;
  take?: unknown;
  skip?: unknown;
  cursor?: unknown;
  relationLoadStrategy?: unknown;
}

const KNOWN_ARGS = new Set(['select', 'where', 'orderBy', 'take', 'skip', 'cursor']);
const ISO_INSTANT = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

type Order = { name: string; descending: boolean }[];

function orderOf(model: ReadModel, orderBy: unknown): Order | Unsupported {
  if (orderBy === undefined) return [];
  const list = Array.isArray(orderBy) ? orderBy : [orderBy];
  const order: Order = [];
  for (const item of list) {
    const entries = isPlainObject(item) ? Object.entries(item) : [];
    const [name, direction] = entries[0] ?? [];
    if (entries.length !== 1 || !name || !(name in model.columns)) return UNSUPPORTED;
    if (direction !== 'asc' && direction !== 'desc') return UNSUPPORTED;
    order.push({ name, descending: direction === 'desc' });
  }
  return order;
}

/** Prisma's cursor: rows from the cursor row on, in the order (the skip drops the row itself). */
function cursorSql(model: ReadModel, alias: string, cursor: unknown, order: Order) {
  if (cursor === undefined) return Prisma.sql`TRUE`;
  if (!isPlainObject(cursor) || Object.keys(cursor).join() !== 'id') return UNSUPPORTED;
  if (typeof cursor.id !== 'string' || order.length === 0) return UNSUPPORTED;
  const descending = order[0]!.descending;
  if (order.some((o) => o.descending !== descending)) return UNSUPPORTED;
  const mine = Prisma.join(order.map((o) => column(alias, o.name)));
  const its = Prisma.join(order.map((o) => column('c', o.name)));
  const comparison = Prisma.raw(descending ? '<=' : '>=');
  return Prisma.sql`(${mine}) ${comparison} (SELECT ${its} FROM ${Prisma.raw(`"${model.table}"`)} AS c WHERE c."id" = ${cursor.id}::uuid)`;
}

function pageSql(take: unknown, skip: unknown): Prisma.Sql | Unsupported {
  const validTake = take === undefined || (Number.isInteger(take) && (take as number) >= 0);
  const validSkip = skip === undefined || (Number.isInteger(skip) && (skip as number) >= 0);
  if (!validTake || !validSkip) return UNSUPPORTED;
  const limit = take === undefined ? Prisma.empty : Prisma.sql` LIMIT ${take}::int`;
  const offset = skip ? Prisma.sql` OFFSET ${skip}::int` : Prisma.empty;
  return Prisma.sql`${limit}${offset}`;
}

/** `json_build_object(...)` of the selected columns and relations of one row. */
function objectSql(model: ReadModel, alias: string, select: unknown, aliases: Aliases) {
  if (!isPlainObject(select)) return UNSUPPORTED;
  const pairs: Prisma.Sql[] = [];
  for (const [name, value] of Object.entries(select)) {
    if (value === false) continue;
    const kind = model.columns[name];
    let sql: Prisma.Sql | Unsupported;
    if (kind !== undefined && value === true) {
      const ref = column(alias, name);
      sql = kind === 'date' ? Prisma.sql`to_char(${ref}, ${Prisma.raw(ISO_INSTANT)})` : ref;
    } else {
      sql = relationSql(model, alias, name, value, aliases);
    }
    if (sql === UNSUPPORTED) return UNSUPPORTED;
    pairs.push(Prisma.sql`${Prisma.raw(`'${name}'`)}, ${sql}`);
  }
  return Prisma.sql`json_build_object(${Prisma.join(pairs)})`;
}

function relationSql(
  model: ReadModel,
  alias: string,
  name: string,
  args: unknown,
  aliases: Aliases,
): Prisma.Sql | Unsupported {
  const relation = model.relations[name];
  const target = relation && readModel(relation.model);
  if (!relation || !target || !isPlainObject(args)) return UNSUPPORTED;
  const inner = aliases.next();
  if (relation.kind === 'one') {
    if (Object.keys(args).join() !== 'select') return UNSUPPORTED;
    const object = objectSql(target, inner, args.select, aliases);
    if (object === UNSUPPORTED) return UNSUPPORTED;
    return Prisma.sql`(SELECT ${object} FROM ${Prisma.raw(`"${target.table}"`)} AS ${Prisma.raw(inner)} WHERE ${column(inner, 'id')} = ${column(alias, relation.localKey)})`;
  }
  const link = Prisma.sql`${column(inner, relation.foreignKey)} = ${column(alias, 'id')}`;
  const list = listSql(target, inner, args, link, aliases);
  return list === UNSUPPORTED ? UNSUPPORTED : Prisma.sql`array_to_json(ARRAY(${list}))`;
}

/** `SELECT <row json> FROM table WHERE … ORDER BY … LIMIT … OFFSET …` for findMany's args. */
function listSql(
  model: ReadModel,
  alias: string,
  args: Record<string, unknown>,
  link: Prisma.Sql,
  aliases: Aliases,
): Prisma.Sql | Unsupported {
  if (Object.keys(args).some((key) => !KNOWN_ARGS.has(key))) return UNSUPPORTED;
  const order = orderOf(model, args.orderBy);
  if (order === UNSUPPORTED) return UNSUPPORTED;
  const object = objectSql(model, alias, args.select, aliases);
  const where = whereSql(model, alias, args.where, aliases);
  const cursor = cursorSql(model, alias, args.cursor, order);
  const page = pageSql(args.take, args.skip);
  if ([object, where, cursor, page].includes(UNSUPPORTED)) return UNSUPPORTED;
  const orderSql =
    order.length === 0
      ? Prisma.empty
      : Prisma.sql` ORDER BY ${Prisma.join(
          order.map(
            (o) =>
              Prisma.sql`${column(alias, o.name)} ${Prisma.raw(o.descending ? 'DESC' : 'ASC')}`,
          ),
        )}`;
  return Prisma.sql`SELECT ${object as Prisma.Sql} FROM ${Prisma.raw(`"${model.table}"`)} AS ${Prisma.raw(alias)} WHERE ${link} AND ${where as Prisma.Sql} AND ${cursor as Prisma.Sql}${orderSql}${page as Prisma.Sql}`;
}

/** The statement for `findMany(args)` on `modelName`, or null when Prisma must answer. */
export function findManySql(modelName: string, args: FindManyArgs): Prisma.Sql | null {
  const model = readModel(modelName);
  const { relationLoadStrategy: _strategy, ...rest } = args;
  if (!model || rest.select === undefined) return null;
  const list = listSql(model, 't', rest, Prisma.sql`TRUE`, new Aliases());
  return list === UNSUPPORTED ? null : Prisma.sql`SELECT array_to_json(ARRAY(${list})) AS "rows"`;
}

/**
 * findMany through the SQL read path, on the request's or the transaction's client (so the
 * session's tenant scope reaches it); null when the arguments need Prisma.
 */
export async function findManyAsJson<Row>(
  client: Pick<PrismaClient, '$queryRaw'>,
  modelName: string,
  args: FindManyArgs,
): Promise<Row[] | null> {
  const statement = findManySql(modelName, args);
  if (!statement) return null;
  const [result] = await client.$queryRaw<{ rows: Row[] | string | null }[]>(statement);
  const rows = result?.rows ?? [];
  return typeof rows === 'string' ? (JSON.parse(rows) as Row[]) : rows;
}
