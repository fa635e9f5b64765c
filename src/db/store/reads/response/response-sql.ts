import { Prisma } from '../../../client.js';
import { type ColumnKind, type ReadModel, readModel } from '../models.js';
import { Aliases, column, UNSUPPORTED, type Unsupported } from '../sql-parts.js';
import { whereSql } from '../where.js';
import type {
  ConnectionField,
  ConnectionPlan,
  EdgeField,
  NodeField,
  PageInfoField,
  ResponsePlan,
} from './plan.js';

// A response plan as one statement in which PostgreSQL writes the operation's whole `data` as
// compact JSON text: global ids, cursors, DateTime text, pages with their pageInfo and totalCount.
// Nothing of it is computed per field in JavaScript.
//
// The text is concatenated (`'{"key":' || value || '}'`) rather than built with json_build_object
// and json_agg, which look up each argument's type output function on every call: the backend's
// CPU for the peer harness's page-50 statement went from 11.2 to 9.5 ms (median of 6 interleaved
// runs of 100, load ~7); the Pending tab's, bound by its count, stayed at 2.4–2.5 ms. Only text
// columns go through to_json (for escaping),
// and keys, enum labels, uuids, base64 and ISO instants are written as they are (none can hold
// a character JSON escapes). The body is compact, as JSON.stringify writes it, where
// json_build_object's `"key" : value` spacing made it 9 % larger.

const ISO_INSTANT = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;
const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

type Sql = Prisma.Sql;

/** A GraphQL name (response key, typename) written into the statement: nothing to quote or escape. */
function isName(text: string): boolean {
  return GRAPHQL_NAME.test(text);
}

/** An SQL literal of JSON text made of GraphQL names and punctuation only. */
const jsonLiteral = (text: string) => Prisma.raw(`'${text}'`);

/** A GraphQL name as a JSON string, as an SQL literal. */
function nameString(text: string): Sql | Unsupported {
  return isName(text) ? jsonLiteral(`"${text}"`) : UNSUPPORTED;
}

/** Text that needs no JSON escaping (labels, uuids, base64, ISO instants) as a JSON string; null stays null. */
const quoted = (text: Sql) => Prisma.sql`('"' || ${text} || '"')`;

/** A JSON value or `null` when the expression is (concatenating a null gives null). */
const orNull = (json: Sql) => Prisma.sql`COALESCE(${json}, 'null')`;

function objectOf(pairs: readonly (readonly [string, Sql | Unsupported])[]): Sql | Unsupported {
  if (pairs.length === 0) return jsonLiteral('{}');
  const parts: Sql[] = [];
  for (const [index, [key, value]] of pairs.entries()) {
    if (!isName(key) || value === UNSUPPORTED) return UNSUPPORTED;
    parts.push(jsonLiteral(`${index === 0 ? '{' : ','}"${key}":`), value);
  }
  parts.push(jsonLiteral('}'));
  return Prisma.sql`(${Prisma.join(parts, ' || ')})`;
}

/** A column's value as JSON text, by its SQL kind. */
function columnJson(ref: Sql, kind: ColumnKind): Sql {
  if (typeof kind === 'object' || kind === 'uuid') return orNull(quoted(Prisma.sql`${ref}::text`));
  if (kind === 'bool' || kind === 'int') return orNull(Prisma.sql`${ref}::text`);
  return orNull(Prisma.sql`to_json(${ref})::text`);
}

/** base64 without the line breaks PostgreSQL puts every 76 characters. */
const base64 = (text: Sql) =>
  Prisma.sql`translate(encode(convert_to(${text}, 'UTF8'), 'base64'), E'\\n', '')`;

/**
 * A page size or offset written into the statement: with every constant in its text, PostgreSQL's
 * generic plan is the custom one and the prepared statement stops being re-planned per execution.
 * connectionSql admits integer sizes only.
 */
const int = (value: number) => Prisma.raw(`${Math.trunc(value)}`);

/** PostgreSQL breaks base64 lines after 57 bytes of input; a uuid is 36 bytes of text. */
const ONE_BASE64_LINE = 57 - 36;

/**
 * `prefix` and the row's uuid id in base64. Up to 57 bytes there is no line break to strip, and
 * skipping the translate is a tenth of the nested page's PostgreSQL time (pgbench, page 50).
 */
function idBase64(model: ReadModel, alias: string, prefix: string): Sql {
  const text = Prisma.sql`${Prisma.raw(`'${prefix}'`)} || ${column(alias, 'id')}::text`;
  return model.columns.id === 'uuid' && Buffer.byteLength(prefix) <= ONE_BASE64_LINE
    ? Prisma.sql`encode(convert_to(${text}, 'UTF8'), 'base64')`
    : base64(text);
}

function nodeFieldSql(
  model: ReadModel,
  alias: string,
  field: NodeField,
  aliases: Aliases,
  joins: Sql[],
) {
  const known = (name: string) => (name in model.columns ? column(alias, name) : UNSUPPORTED);
  switch (field.kind) {
    case 'value': {
      const ref = known(field.column);
      return ref === UNSUPPORTED ? ref : columnJson(ref, model.columns[field.column]!);
    }
    case 'instant': {
      const ref = known(field.column);
      return ref === UNSUPPORTED
        ? ref
        : orNull(quoted(Prisma.sql`to_char(${ref}, ${Prisma.raw(ISO_INSTANT)})`));
    }
    case 'text':
      return nameString(field.value);
    case 'globalId':
      return isName(field.typename)
        ? quoted(idBase64(model, alias, `${field.typename}:`))
        : UNSUPPORTED;
    case 'valueIfIn': {
      const ref = known(field.column);
      if (ref === UNSUPPORTED) return ref;
      const value = columnJson(ref, model.columns[field.column]!);
      return Prisma.sql`CASE WHEN ${ref}::text = ANY(${[...field.allowed]}::text[]) THEN ${value} ELSE 'null' END`;
    }
    case 'one':
      return toOneSql(model, alias, field, aliases, joins);
    case 'connection': {
      const relation = model.relations[field.relation];
      if (relation?.kind !== 'many') return UNSUPPORTED;
      return connectionSql(
        field.connection,
        aliases,
        (inner) => Prisma.sql`${column(inner, relation.foreignKey)} = ${column(alias, 'id')}`,
      );
    }
  }
}

/** A row's JSON object; its to-one relations join `joins` (the FROM of the row's own query). */
export function nodeObjectSql(
  model: ReadModel,
  alias: string,
  fields: readonly NodeField[],
  aliases: Aliases,
  joins: Sql[],
): Sql | Unsupported {
  return objectOf(
    fields.map((f) => [f.key, nodeFieldSql(model, alias, f, aliases, joins)] as const),
  );
}

/**
 * A to-one relation's object, its row LEFT JOINed to the parent's (null when the key is, or when
 * row security hides the row): a join rather than a sub-select per parent row is 6 % of the nested
 * page's PostgreSQL time (pgbench, page 50).
 */
function toOneSql(
  model: ReadModel,
  alias: string,
  field: Extract<NodeField, { kind: 'one' }>,
  aliases: Aliases,
  joins: Sql[],
): Sql | Unsupported {
  const relation = model.relations[field.relation];
  const target = relation?.kind === 'one' ? readModel(relation.model) : undefined;
  if (relation?.kind !== 'one' || !target) return UNSUPPORTED;
  const inner = aliases.next();
  joins.push(
    Prisma.sql`LEFT JOIN ${Prisma.raw(`"${target.table}"`)} AS ${Prisma.raw(inner)} ON ${column(inner, 'id')} = ${column(alias, relation.localKey)}`,
  );
  const object = nodeObjectSql(target, inner, field.fields, aliases, joins);
  if (object === UNSUPPORTED) return UNSUPPORTED;
  return Prisma.sql`CASE WHEN ${column(inner, 'id')} IS NULL THEN 'null' ELSE ${object} END`;
}

function wantsCursors(plan: ConnectionPlan): boolean {
  return plan.fields.some(
    (f) =>
      (f.kind === 'edges' && f.fields.some((e) => e.kind === 'cursor')) ||
      (f.kind === 'pageInfo' &&
        f.fields.some((i) => i.kind === 'startCursor' || i.kind === 'endCursor')),
  );
}

/** The rows of the page: each one's node JSON, cursor and place, plus one row to tell a next page. */
function pageRowsSql(
  model: ReadModel,
  plan: ConnectionPlan,
  nodeFields: readonly NodeField[],
  aliases: Aliases,
  link: (alias: string) => Sql,
): Sql | Unsupported {
  const alias = aliases.next();
  const where = whereSql(model, alias, plan.where, aliases);
  const joins: Sql[] = [];
  const node = nodeObjectSql(model, alias, nodeFields, aliases, joins);
  if (where === UNSUPPORTED || node === UNSUPPORTED || plan.order.length === 0) return UNSUPPORTED;
  if (plan.order.some((o) => !(o.column in model.columns))) return UNSUPPORTED;
  const { page } = plan;
  // Backward pages read the order reversed and are turned back when aggregated, as Prisma does.
  const descending = (o: { descending: boolean }) => o.descending !== page.backward;
  const orderSql = Prisma.join(
    plan.order.map(
      (o) => Prisma.sql`${column(alias, o.column)} ${Prisma.raw(descending(o) ? 'DESC' : 'ASC')}`,
    ),
  );
  let cursor = Prisma.sql`TRUE`;
  if (page.cursorId !== null) {
    const direction = descending(plan.order[0]!);
    if (plan.order.some((o) => descending(o) !== direction)) return UNSUPPORTED;
    const mine = Prisma.join(plan.order.map((o) => column(alias, o.column)));
    const its = Prisma.join(plan.order.map((o) => column('c', o.column)));
    // Prisma's cursor: from the cursor row on (inclusive), the row itself skipped by OFFSET 1.
    cursor = Prisma.sql`(${mine}) ${Prisma.raw(direction ? '<=' : '>=')} (SELECT ${its} FROM ${Prisma.raw(`"${model.table}"`)} AS c WHERE c."id" = ${page.cursorId}::uuid)`;
  }
  const skip = page.cursorId === null ? 0 : 1;
  // Each row's cursor only when an edge's cursor or pageInfo's start/end cursor is asked for.
  const cursorText = wantsCursors(plan) ? idBase64(model, alias, 'GPC:S:') : Prisma.sql`NULL::text`;
  // The row past the page only tells pageInfo there is more: without pageInfo it is not read (its
  // node, nested pages and all, was a tenth of a 10-incident page's PostgreSQL time).
  const limit = page.size + (plan.fields.some((f) => f.kind === 'pageInfo') ? 1 : 0);
  return Prisma.sql`SELECT ${node} AS node, ${cursorText} AS cursor, row_number() OVER (ORDER BY ${orderSql}) - ${int(skip)} AS ord FROM ${Prisma.raw(`"${model.table}"`)} AS ${Prisma.raw(alias)} ${joins.length > 0 ? Prisma.join(joins, ' ') : Prisma.empty} WHERE ${link(alias)} AND ${where} AND ${cursor} ORDER BY ${orderSql} LIMIT ${int(limit)} OFFSET ${int(skip)}`;
}

function pageInfoSql(plan: ConnectionPlan, fields: readonly PageInfoField[]) {
  const { page } = plan;
  const full = Prisma.sql`(count(*) > ${int(page.size)})::text`;
  const kept = Prisma.sql`FILTER (WHERE p.ord <= ${int(page.size)})`;
  const cursorAt = (order: 'ASC' | 'DESC') =>
    orNull(
      quoted(Prisma.sql`(array_agg(p.cursor ORDER BY p.ord ${Prisma.raw(order)}) ${kept})[1]`),
    );
  const first = cursorAt(page.backward ? 'DESC' : 'ASC');
  const last = cursorAt(page.backward ? 'ASC' : 'DESC');
  const bool = (value: boolean) => jsonLiteral(value ? 'true' : 'false');
  // plugin-prisma's pageInfo (wrapConnectionResult): a cursor on the side asked from means more.
  const next = page.hasBefore ? bool(true) : page.backward ? bool(false) : full;
  const previous = page.hasAfter ? bool(true) : page.backward ? full : bool(false);
  return objectOf(
    fields.map((f) => {
      if (f.kind === 'text') return [f.key, nameString(f.value)] as const;
      const value = {
        hasNextPage: next,
        hasPreviousPage: previous,
        startCursor: first,
        endCursor: last,
      }[f.kind];
      return [f.key, value] as const;
    }),
  );
}

function edgesSql(plan: ConnectionPlan, fields: readonly EdgeField[]) {
  const edge = objectOf(
    fields.map((f) => {
      const value =
        f.kind === 'text'
          ? nameString(f.value)
          : f.kind === 'cursor'
            ? orNull(quoted(Prisma.sql`p.cursor`))
            : Prisma.sql`p.node`;
      return [f.key, value] as const;
    }),
  );
  if (edge === UNSUPPORTED) return UNSUPPORTED;
  const direction = Prisma.raw(plan.page.backward ? 'DESC' : 'ASC');
  return Prisma.sql`('[' || COALESCE(string_agg(${edge}, ',' ORDER BY p.ord ${direction}) FILTER (WHERE p.ord <= ${int(plan.page.size)}), '') || ']')`;
}

function totalCountSql(
  model: ReadModel,
  plan: ConnectionPlan,
  aliases: Aliases,
  link: (alias: string) => Sql,
) {
  const alias = aliases.next();
  const where = whereSql(model, alias, plan.where, aliases);
  if (where === UNSUPPORTED) return UNSUPPORTED;
  return Prisma.sql`(SELECT count(*)::text FROM ${Prisma.raw(`"${model.table}"`)} AS ${Prisma.raw(alias)} WHERE ${link(alias)} AND ${where})`;
}

/** A connection's JSON: a scalar sub-select over its page (`link` ties it to its parent row). */
export function connectionSql(
  plan: ConnectionPlan,
  aliases: Aliases,
  link: (alias: string) => Sql,
): Sql | Unsupported {
  const model = readModel(plan.model);
  if (!model || !Number.isInteger(plan.page.size) || plan.page.size < 0) return UNSUPPORTED;
  const nodeFields = plan.fields.flatMap((f) =>
    f.kind === 'edges' ? f.fields.flatMap((e) => (e.kind === 'node' ? [e.fields] : [])) : [],
  );
  // Two `node` selections under one connection would need merging: the normal path does that.
  if (nodeFields.length > 1) return UNSUPPORTED;
  const rows = pageRowsSql(model, plan, nodeFields[0] ?? [], aliases, link);
  if (rows === UNSUPPORTED) return UNSUPPORTED;
  const object = objectOf(
    plan.fields.map((f: ConnectionField) => {
      if (f.kind === 'text') return [f.key, nameString(f.value)] as const;
      if (f.kind === 'totalCount')
        return [f.key, totalCountSql(model, plan, aliases, link)] as const;
      if (f.kind === 'pageInfo') return [f.key, pageInfoSql(plan, f.fields)] as const;
      return [f.key, edgesSql(plan, f.fields)] as const;
    }),
  );
  if (object === UNSUPPORTED) return UNSUPPORTED;
  // The page's aggregates make one row of any number of rows; a connection asked only for its
  // totalCount (or __typename) reads no rows at all.
  const readsRows = plan.fields.some((f) => f.kind === 'edges' || f.kind === 'pageInfo');
  return readsRows
    ? Prisma.sql`(SELECT ${object} FROM (${rows}) AS p)`
    : Prisma.sql`(SELECT ${object})`;
}

/** The statement answering the whole plan: one row, `body`, the `data` object as JSON text. */
export function responseSql(plan: ResponsePlan): Sql | null {
  const aliases = new Aliases();
  const object = objectOf(
    plan.map((root) => {
      if (root.text !== undefined) return [root.key, nameString(root.text)] as const;
      if (!root.connection) return [root.key, UNSUPPORTED] as const;
      return [root.key, connectionSql(root.connection, aliases, () => Prisma.sql`TRUE`)] as const;
    }),
  );
  return object === UNSUPPORTED ? null : Prisma.sql`SELECT ${object} AS body`;
}
