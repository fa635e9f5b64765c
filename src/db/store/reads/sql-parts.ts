import { Prisma } from '../../client.js';

/** What a builder returns for a query shape it does not translate: the caller asks Prisma. */
export const UNSUPPORTED: unique symbol = Symbol('unsupported by the SQL read path');
export type Unsupported = typeof UNSUPPORTED;

/** Table aliases of one statement: t0, t1, … (never from input). */
export class Aliases {
  private count = 0;
  next(): string {
    return `t${this.count++}`;
  }
}

/** `alias."name"`; names come from the model registry only, never from a request. */
export function column(alias: string, name: string): Prisma.Sql {
  return Prisma.raw(`${alias}."${name}"`);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
