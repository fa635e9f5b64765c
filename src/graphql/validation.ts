import { z } from 'zod';

// Input rules checked at the API edge (Pothos validation plugin); a failure is BAD_USER_INPUT
// naming the field. Services check again what they must (they are called by workers too).
export const groupNameSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(120, 'must be at most 120 characters')
  .refine((name) => name !== '*', 'is reserved ("*" means every group in a token)');
export const descriptionSchema = z.string().max(2000, 'must be at most 2000 characters').nullish();
export const rankSchema = z.number().int().min(1, 'must be 1 or more (1 is the highest)').nullish();
export const hostnameSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(255, 'must be at most 255 characters')
  .regex(/^[^\s\p{Cc}]+$/u, 'must not contain spaces or control characters');
export const tagsSchema = z
  .array(z.string().trim().min(1).max(100))
  .max(50, 'at most 50 tags')
  .nullish();

/** The most values one filter list may hold: a filter, not a bulk lookup (issue 10 item 8). */
export const MAX_FILTER_VALUES = 100;
const FILTER_TEXT_LENGTH = 200;

export const filterListSchema = z
  .array(z.unknown())
  .max(MAX_FILTER_VALUES, `at most ${MAX_FILTER_VALUES} values`)
  .nullish();

/** Text values of a filter: bounded, and no NUL (PostgreSQL text cannot hold it). */
export const filterTextListSchema = z
  .array(
    z
      .string()
      .max(FILTER_TEXT_LENGTH, `must be at most ${FILTER_TEXT_LENGTH} characters`)
      .refine((text) => !text.includes('\u0000'), 'must not contain NUL characters'),
  )
  .max(MAX_FILTER_VALUES, `at most ${MAX_FILTER_VALUES} values`)
  .nullish();

/** One filter text (a substring to look for): bounded, and no NUL. */
export const filterTextSchema = z
  .string()
  .max(FILTER_TEXT_LENGTH, `must be at most ${FILTER_TEXT_LENGTH} characters`)
  .refine((text) => !text.includes('\u0000'), 'must not contain NUL characters')
  .nullish();
