/**
 * An error a caller can act on: a stable code, a message naming what was wrong, and the input
 * field when there is one. The GraphQL layer maps it to `extensions.code`; anything else is
 * masked as an internal error.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const badInput = (field: string, message: string) =>
  new DomainError('BAD_USER_INPUT', message, field);
export const notFound = (what: string, field?: string) =>
  new DomainError('NOT_FOUND', `${what} does not exist.`, field);
export const forbiddenAction = (message: string) => new DomainError('FORBIDDEN', message);
