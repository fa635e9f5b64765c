import { GraphQLError } from 'graphql';
import type { DomainError } from '../services/index.js';

/** The `extensions.code` values clients can switch on, besides the ActionErrorCode enum. */
export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'MIXED_ACTION_TYPES'
  | 'PLAN_LIMIT'
  | 'CONFLICT'
  | 'INTERNAL_SERVER_ERROR';

export function graphQLError(
  code: ErrorCode | string,
  message: string,
  extra: Record<string, unknown> = {},
): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extra } });
}

export function unauthenticated(message = 'A valid bearer token is required.'): GraphQLError {
  return graphQLError('UNAUTHENTICATED', message, { http: { status: 401 } });
}

export function forbidden(message = 'Your role does not allow this operation.'): GraphQLError {
  return graphQLError('FORBIDDEN', message);
}

export function badUserInput(field: string, message: string): GraphQLError {
  return graphQLError('BAD_USER_INPUT', message, { field });
}

/** Turns a service's DomainError into the typed GraphQL error clients see. */
export function toGraphQLError(error: DomainError): GraphQLError {
  return graphQLError(error.code, error.message, {
    ...(error.field ? { field: error.field } : {}),
    ...error.details,
  });
}
