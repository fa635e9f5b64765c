import { type Actor, actorFrom, DomainError } from '../services/index.js';
import type { QuellContext } from './context.js';
import { toGraphQLError } from './errors.js';

/** The services' actor for this request. */
export function actorOf(ctx: QuellContext): Actor {
  return actorFrom(ctx.identity, ctx.requestId);
}

/**
 * Calls a service with the arguments of a mutation's `input`: a DomainError's field — always
 * relative to the input (`findings.3.verdict`), from the service or the id decoders — is reported
 * as the path the client sent (`input.findings.3.verdict`).
 */
export async function withInputFields<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    if (error.field) {
      const message = error.message.startsWith(`${error.field}:`)
        ? `input.${error.message}`
        : error.message;
      throw toGraphQLError(
        new DomainError(error.code, message, `input.${error.field}`, error.details),
      );
    }
    // A typed error the client can act on, not an unexpected one (which the server would log).
    throw toGraphQLError(error);
  }
}
