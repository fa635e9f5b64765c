const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Never assigned: what a malformed id is looked up as, so it reads as "does not exist". */
const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/** Database ids are UUIDs; a forged or garbled id must look like a missing one, not a crash. */
export function asUuid(id: string): string {
  return UUID.test(id) ? id : NIL_UUID;
}
