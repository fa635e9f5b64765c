/**
 * Stream cursors: an opaque string for a stream_events id. Clients must not parse it; the prefix
 * versions the format so it can change (e.g. to a signed form) without breaking old cursors.
 * Ids count per tenant (append.ts), so a cursor says nothing about another tenant's activity.
 */
const PREFIX = 'ae1:';
const MAX_ID = (1n << 63n) - 1n;

export function encodeCursor(id: bigint): string {
  return Buffer.from(`${PREFIX}${id}`).toString('base64url');
}

/** The id a cursor stands for, or null when the string is not a cursor of this stream. */
export function decodeCursor(cursor: string): bigint | null {
  if (cursor.length > 64) return null;
  const text = Buffer.from(cursor, 'base64url').toString();
  const match = /^ae1:(0|[1-9][0-9]{0,18})$/.exec(text);
  if (!match) return null;
  const id = BigInt(match[1]!);
  return id <= MAX_ID ? id : null;
}

/** The cursor before the first event: `after` it replays a tenant's whole log. */
export const START_OF_LOG = encodeCursor(0n);
