/** Database ids are UUIDs (any case on input; PostgreSQL hands them out in lower case). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Never assigned: what a malformed id is looked up as, so that it reads as "does not exist". */
export const NIL_UUID = '00000000-0000-0000-0000-000000000000';

export function isUuid(text: string): boolean {
  return UUID.test(text);
}

/** `text` as the database spells the id it names, or the nil UUID when it names none. */
export function asUuid(text: string): string {
  return isUuid(text) ? text.toLowerCase() : NIL_UUID;
}
