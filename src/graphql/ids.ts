import { decodeGlobalID } from '@pothos/plugin-relay';
import { asUuid } from '../db/uuid.js';
import { DomainError } from '../services/index.js';

export { asUuid };

/** The raw id of a global id that must name a `typename`; otherwise BAD_USER_INPUT on `field`. */
export function idOf(
  field: string,
  typename: string,
  globalId: { typename: string; id: string },
): string {
  if (globalId.typename !== typename) {
    throw new DomainError(
      'BAD_USER_INPUT',
      `${field}: expects a ${typename} id; got a ${globalId.typename} id.`,
      field,
    );
  }
  return asUuid(globalId.id);
}

/**
 * The database id inside a global id given as text (an `ID` argument) that must name a
 * `typename`. A malformed id, or one of another type, is BAD_USER_INPUT naming the field; a
 * well-formed id that names nothing is left to the service (NOT_FOUND).
 */
export function globalIdOf(field: string, typename: string, globalId: string | number): string {
  let decoded: { typename: string; id: string };
  try {
    decoded = decodeGlobalID(String(globalId));
  } catch {
    throw new DomainError('BAD_USER_INPUT', `${field}: not an id of this API.`, field);
  }
  return idOf(field, typename, decoded);
}
