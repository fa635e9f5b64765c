import { DomainError } from '../services/errors.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Never assigned: what a malformed id is looked up as, so it reads as "does not exist". */
const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/** Database ids are UUIDs; a forged or garbled id must look like a missing one, not a crash. */
export function asUuid(id: string): string {
  return UUID.test(id) ? id : NIL_UUID;
}

/** The raw id of a global id that must name a `typename`; otherwise BAD_USER_INPUT on `field`. */
export function idOf(field: string, typename: string, globalId: { typename: string; id: string }): string {
  if (globalId.typename !== typename) {
    throw new DomainError('BAD_USER_INPUT', `${field} expects a ${typename} id; got a ${globalId.typename} id.`, field);
  }
  return asUuid(globalId.id);
}
