import { z } from 'zod';
import { DomainError, badInput } from './errors.js';

/** Parses a service input; the first problem becomes BAD_USER_INPUT naming the field (`findings.3.verdict`). */
export function parseInput<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : 'input';
  throw badInput(field, `${field}: ${issue?.message ?? 'invalid value'}`);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** An id the API decoded; a garbled one reads as the nil UUID, which exists nowhere (NOT_FOUND). */
export const idSchema = z.string().transform((id) => (UUID.test(id) ? id.toLowerCase() : '00000000-0000-0000-0000-000000000000'));

export const commentSchema = z.string().max(2000, 'must be at most 2000 characters').nullish();

export const idempotencyKeySchema = z.string().min(1, 'must not be empty').max(200, 'must be at most 200 characters').nullish();

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
