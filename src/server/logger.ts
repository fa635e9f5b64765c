import { GraphQLError } from 'graphql';
import { createLogger, type YogaLogger } from 'graphql-yoga';
import { DomainError } from '../services/index.js';

/**
 * yoga's logger, minus the errors a client caused and was told about (a typed error such as
 * BAD_USER_INPUT or ALREADY_DECIDED): yoga logs every error its mask rewrites, which would bury
 * real faults under routine refusals. Unexpected errors are still logged.
 */
export function createQuellLogger(production: boolean): YogaLogger {
  const base = createLogger(production ? 'info' : 'warn');
  return {
    ...base,
    error: (...args: unknown[]) => {
      if (args.length === 1 && isClientError(args[0])) return;
      base.error(...args);
    },
  };
}

function isClientError(error: unknown): boolean {
  const original = error instanceof GraphQLError ? error.originalError : error;
  return (
    original instanceof DomainError ||
    (original instanceof GraphQLError && typeof original.extensions.code === 'string')
  );
}
