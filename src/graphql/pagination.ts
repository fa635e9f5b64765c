import { z } from 'zod';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** `first` / `last` of every connection: at most MAX_PAGE_SIZE; more is BAD_USER_INPUT. */
export function pageSizeSchema(name: 'first' | 'last') {
  return z
    .number()
    .int()
    .min(0, `${name} must not be negative`)
    .max(MAX_PAGE_SIZE, `${name} must be at most ${MAX_PAGE_SIZE}`)
    .nullish();
}
