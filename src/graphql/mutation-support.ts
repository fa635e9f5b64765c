import { decodeGlobalID, encodeGlobalID } from '@pothos/plugin-relay';
import { actorFrom, type Actor } from '../services/actor.js';
import { DomainError } from '../services/errors.js';
import type { QuellContext } from './context.js';
import { toGraphQLError } from './errors.js';
import { asUuid } from './ids.js';

/** The services' actor for this request. */
export function actorOf(ctx: QuellContext): Actor {
  return actorFrom(ctx.identity, ctx.requestId);
}

/**
 * Calls a service with the arguments of a mutation's `input`: a DomainError's field (relative to
 * the input, `findings.3.verdict`) is reported as the path the client sent (`input.findings.3.verdict`).
 */
export async function withInputFields<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    if (error.field && !error.field.startsWith('input.')) {
      const message = error.message.startsWith(`${error.field}:`) ? `input.${error.message}` : error.message;
      throw toGraphQLError(new DomainError(error.code, message, `input.${error.field}`, error.details));
    }
    // A typed error the client can act on, not an unexpected one (which the server would log).
    throw toGraphQLError(error);
  }
}

const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/**
 * The database id inside a global id that must name a `typename`. A malformed id, or one of
 * another type, is BAD_USER_INPUT naming the field; a well-formed id that names nothing is left to
 * the service (NOT_FOUND).
 */
export function globalIdOf(field: string, typename: string, globalId: string | number): string {
  let decoded: { typename: string; id: string };
  try {
    decoded = decodeGlobalID(String(globalId));
  } catch {
    throw toGraphQLError(new DomainError('BAD_USER_INPUT', `${field}: not an id of this API.`, field));
  }
  if (decoded.typename !== typename) {
    throw toGraphQLError(new DomainError('BAD_USER_INPUT', `${field}: expects a ${typename} id; got a ${decoded.typename} id.`, field));
  }
  return asUuid(decoded.id);
}

/**
 * The raw id of a global id of `typename`, for bulk calls that answer per id: a garbled id, or an
 * id of another type, is an id that names nothing (NOT_FOUND in its outcome), not an error of the
 * whole call.
 */
export function rawIdOr404(globalId: string, typename: string): string {
  try {
    const decoded = decodeGlobalID(globalId);
    return decoded.typename === typename ? decoded.id : NIL_UUID;
  } catch {
    return NIL_UUID;
  }
}

export const actionGlobalId = (id: string) => encodeGlobalID('RemediationAction', id);
