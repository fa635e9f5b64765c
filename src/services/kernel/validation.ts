import { z } from 'zod';
import { asUuid } from '../../db/uuid.js';
import { badInput, DomainError } from './errors.js';

/** Parses a service input; the first problem becomes BAD_USER_INPUT naming the field (`findings.3.verdict`). */
export function parseInput<T>(schema: z.ZodType<T>, input: unknown): T {
  const nul = pathOfNulCharacter(input);
  if (nul !== null) {
    const field = nul.length > 0 ? nul.join('.') : 'input';
    throw badInput(field, `${field}: must not contain NUL characters (U+0000).`);
  }
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : 'input';
  throw badInput(field, `${field}: ${issue?.message ?? 'invalid value'}`);
}

/**
 * The path of the first string (or object key) holding a NUL character, or null. PostgreSQL text
 * and jsonb cannot store U+0000: such input would otherwise fail deep in a statement, as an
 * internal error naming no field, after part of the work ran.
 */
export function pathOfNulCharacter(
  value: unknown,
  path: (string | number)[] = [],
): (string | number)[] | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = pathOfNulCharacter(value[i], [...path, i]);
      if (found) return found;
    }
    return null;
  }
  const proto = value && typeof value === 'object' ? Object.getPrototypeOf(value) : undefined;
  if (proto === Object.prototype || proto === null) {
    for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
      if (key.includes('\u0000')) return [...path, key];
      const found = pathOfNulCharacter(inner, [...path, key]);
      if (found) return found;
    }
  }
  return null;
}

/** An id the API decoded; a garbled one reads as the nil UUID, which exists nowhere (NOT_FOUND). */
export const idSchema = z.string().transform(asUuid);

// Absent and null mean the same here; normalised so a retry that spells it the other way is the same request.
export const commentSchema = z
  .string()
  .max(2000, 'must be at most 2000 characters')
  .nullish()
  .transform((comment) => comment ?? null);

export const idempotencyKeySchema = z
  .string()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .nullish();

/** A required, trimmed, non-blank text. */
export function requiredText(max: number) {
  return z
    .string()
    .transform((s) => s.trim())
    .pipe(z.string().min(1, 'must not be blank').max(max, `must be at most ${max} characters`));
}

/** NOT_FOUND naming the field: out of scope and nonexistent read the same. */
export function missing(what: string, field: string): DomainError {
  return new DomainError('NOT_FOUND', `${field}: no ${what} with this id exists.`, field);
}
