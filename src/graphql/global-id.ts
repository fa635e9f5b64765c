import { decodeGlobalID, encodeGlobalID } from '@pothos/plugin-relay';
import { asUuid, NIL_UUID } from '../db/uuid.js';
import { DomainError } from '../services/index.js';

/**
 * The one place global ids are read and written. A global id is base64 of `Typename:databaseId`;
 * every database id is a UUID, so a well-formed global id is short: anything longer than this is
 * refused without being decoded (a 5 MB id costs nothing).
 */
export const MAX_GLOBAL_ID_LENGTH = 200;

/** What a text that is not a global id of this API decodes to: a type no object has. */
export const MALFORMED_TYPENAME = '(malformed)';

export interface GlobalId {
  typename: string;
  id: string;
}

export { asUuid, encodeGlobalID };

/** Decodes without throwing: a malformed or oversized text is `{ typename: MALFORMED_TYPENAME }`. */
export function decodeId(text: string): GlobalId {
  if (text.length > MAX_GLOBAL_ID_LENGTH) return { typename: MALFORMED_TYPENAME, id: '' };
  try {
    return decodeGlobalID(text);
  } catch {
    return { typename: MALFORMED_TYPENAME, id: '' };
  }
}

/**
 * The database id of a global id (decoded already, or as text) that must name a `typename`.
 * Malformed, or of another type: BAD_USER_INPUT naming `field`. A well-formed id that names
 * nothing is left to the caller (the service answers NOT_FOUND, a read answers null).
 */
export function databaseId(field: string, typename: string, globalId: GlobalId | string): string {
  const decoded = typeof globalId === 'string' ? decodeId(globalId) : globalId;
  if (decoded.typename === MALFORMED_TYPENAME) {
    throw new DomainError('BAD_USER_INPUT', `${field}: not an id of this API.`, field);
  }
  if (decoded.typename !== typename) {
    throw new DomainError(
      'BAD_USER_INPUT',
      `${field}: expects a ${typename} id; got a ${decoded.typename} id.`,
      field,
    );
  }
  return asUuid(decoded.id);
}

/** `databaseId` of every entry of a list; an error names the list (`filter.deviceIds`). */
export function databaseIds(
  field: string,
  typename: string,
  list: readonly (GlobalId | string)[],
): string[] {
  return list.map((globalId) => databaseId(field, typename, globalId));
}

/**
 * For bulk calls that answer per id: an id of another type, or a garbled one, names nothing
 * (NOT_FOUND in its own outcome), not an error of the whole call. Only an oversized id is refused
 * whole, naming its index: it cannot be anyone's id.
 */
export function databaseIdOrNil(field: string, typename: string, globalId: string): string {
  if (globalId.length > MAX_GLOBAL_ID_LENGTH) {
    throw new DomainError(
      'BAD_USER_INPUT',
      `${field}: an id is at most ${MAX_GLOBAL_ID_LENGTH} characters.`,
      field,
    );
  }
  const decoded = decodeId(globalId);
  return decoded.typename === typename ? asUuid(decoded.id) : NIL_UUID;
}

/** An audit target given as a global id or as the database id the log records. */
export function auditTargetId(text: string): string {
  const decoded = decodeId(text);
  return decoded.typename === MALFORMED_TYPENAME ? text : decoded.id;
}

export const actionGlobalId = (id: string) => encodeGlobalID('RemediationAction', id);
export const indicatorGlobalId = (id: string) => encodeGlobalID('Indicator', id);
