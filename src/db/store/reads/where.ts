import { Prisma } from '../../client.js';
import { utc } from '../sql.js';
import { type ColumnKind, type ReadModel, readModel } from './models.js';
import { type Aliases, column, isPlainObject, UNSUPPORTED, type Unsupported } from './sql-parts.js';

// A Prisma `where` in SQL, for the subset the hot reads use: AND, equality and `in` on columns,
// date ranges, a to-one relation's filter and a to-many relation's `some`. Anything else is
// UNSUPPORTED and the read goes to Prisma, so the scope is never approximated: the SQL is
// derived from the very where objects (src/auth/scope.ts) the Prisma path sends.

const RANGE_OPERATORS = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

/** `value` as a parameter of the column's type (enums by name, dates as UTC text). */
function param(kind: ColumnKind, value: unknown): Prisma.Sql | Unsupported {
  if (kind === 'date') {
    return value instanceof Date ? Prisma.sql`${utc(value)}::timestamp` : UNSUPPORTED;
  }
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')
    return UNSUPPORTED;
  return Prisma.sql`${value}::${Prisma.raw(sqlType(kind))}`;
}

function sqlType(kind: ColumnKind): string {
  if (typeof kind === 'object') return `"${kind.enum}"`;
  return { uuid: 'uuid', text: 'text', date: 'timestamp', bool: 'boolean', int: 'int' }[kind];
}

/** An enum label as GraphQL and Prisma spell them: nothing in it can end an SQL literal. */
const ENUM_LABEL = /^[A-Z][A-Z0-9_]*$/;

/**
 * Enum values written into the statement rather than bound: a partial index (the Pending tab's,
 * `status = 'PENDING_APPROVAL'`) is chosen by proving its predicate from the query's text, which
 * a parameter never allows in a generic plan, so PostgreSQL re-planned the statement on every
 * execution (0.9 ms for the Pending tab, 2–3 ms for the nested page, as planning time).
 */
function enumLiterals(kind: ColumnKind, values: readonly unknown[]): Prisma.Sql | null {
  if (typeof kind !== 'object' || values.length === 0) return null;
  if (!values.every((v): v is string => typeof v === 'string' && ENUM_LABEL.test(v))) return null;
  const type = sqlType(kind);
  return Prisma.raw(values.map((v) => `'${v}'::${type}`).join(', '));
}

function columnCondition(
  ref: Prisma.Sql,
  kind: ColumnKind,
  filter: unknown,
): Prisma.Sql | Unsupported {
  if (!isPlainObject(filter) || filter instanceof Date) {
    const literal = enumLiterals(kind, [filter]);
    if (literal) return Prisma.sql`${ref} = ${literal}`;
    const value = param(kind, filter);
    return value === UNSUPPORTED ? UNSUPPORTED : Prisma.sql`${ref} = ${value}`;
  }
  const parts: Prisma.Sql[] = [];
  for (const [operator, operand] of Object.entries(filter)) {
    if (operator === 'in' && Array.isArray(operand) && kind !== 'date') {
      const literals = enumLiterals(kind, operand);
      if (literals) {
        parts.push(Prisma.sql`${ref} IN (${literals})`);
        continue;
      }
      parts.push(Prisma.sql`${ref} = ANY(${operand}::${Prisma.raw(sqlType(kind))}[])`);
      continue;
    }
    const comparison = RANGE_OPERATORS[operator as keyof typeof RANGE_OPERATORS];
    const value = comparison ? param(kind, operand) : UNSUPPORTED;
    if (value === UNSUPPORTED) return UNSUPPORTED;
    parts.push(Prisma.sql`${ref} ${Prisma.raw(comparison)} ${value}`);
  }
  return conjunction(parts);
}

function conjunction(parts: Prisma.Sql[]): Prisma.Sql {
  return parts.length === 0 ? Prisma.sql`TRUE` : Prisma.sql`(${Prisma.join(parts, ' AND ')})`;
}

function relationCondition(
  model: ReadModel,
  alias: string,
  name: string,
  filter: unknown,
  aliases: Aliases,
): Prisma.Sql | Unsupported {
  const relation = model.relations[name];
  const target = relation && readModel(relation.model);
  if (!relation || !target) return UNSUPPORTED;
  const inner = aliases.next();
  let link: Prisma.Sql;
  let where: unknown = filter;
  if (relation.kind === 'one') {
    link = Prisma.sql`${column(inner, 'id')} = ${column(alias, relation.localKey)}`;
  } else {
    if (!isPlainObject(filter) || Object.keys(filter).join() !== 'some') return UNSUPPORTED;
    link = Prisma.sql`${column(inner, relation.foreignKey)} = ${column(alias, 'id')}`;
    where = filter.some;
  }
  const condition = whereSql(target, inner, where, aliases);
  if (condition === UNSUPPORTED) return UNSUPPORTED;
  return Prisma.sql`EXISTS (SELECT 1 FROM ${Prisma.raw(`"${target.table}"`)} AS ${Prisma.raw(inner)} WHERE ${link} AND ${condition})`;
}

/** The where of `model` (aliased `alias`) in SQL, or UNSUPPORTED. */
export function whereSql(
  model: ReadModel,
  alias: string,
  where: unknown,
  aliases: Aliases,
): Prisma.Sql | Unsupported {
  if (where === undefined || where === null) return Prisma.sql`TRUE`;
  if (!isPlainObject(where)) return UNSUPPORTED;
  const parts: Prisma.Sql[] = [];
  for (const [key, value] of Object.entries(where)) {
    let part: Prisma.Sql | Unsupported;
    if (key === 'AND') {
      const list = Array.isArray(value) ? value : [value];
      const each = list.map((item) => whereSql(model, alias, item, aliases));
      part = each.includes(UNSUPPORTED) ? UNSUPPORTED : conjunction(each as Prisma.Sql[]);
    } else if (key in model.columns) {
      part = columnCondition(column(alias, key), model.columns[key]!, value);
    } else {
      part = relationCondition(model, alias, key, value, aliases);
    }
    if (part === UNSUPPORTED) return UNSUPPORTED;
    parts.push(part);
  }
  return conjunction(parts);
}
