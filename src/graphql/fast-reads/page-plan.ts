import type { PagePlan } from '../../db/store/reads/response/plan.js';
import { isUuid } from '../../db/uuid.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../pagination.js';
import type { Args } from './type-rules.js';

/** The database id in plugin-prisma's cursor of a `cursor: 'id'` connection, base64 `GPC:S:<uuid>`. */
function cursorId(cursor: unknown): string | null {
  if (typeof cursor !== 'string') return null;
  const decoded = Buffer.from(cursor, 'base64').toString('utf8');
  const id = decoded.startsWith('GPC:S:') ? decoded.slice('GPC:S:'.length) : '';
  // Only a cursor that encodes back to itself: anything looser is the normal path's to judge.
  return isUuid(id) && Buffer.from(decoded).toString('base64') === cursor ? id : null;
}

const validSize = (size: unknown) =>
  size == null ||
  (Number.isInteger(size) && (size as number) >= 0 && (size as number) <= MAX_PAGE_SIZE);

/**
 * first / last / after / before as plugin-prisma pages them (prismaCursorConnectionQuery), or null
 * for any combination it refuses or a size the validation refuses: the normal path answers those
 * with their errors.
 */
export function pagePlan(args: Args): PagePlan | null {
  const { first, last, after, before } = args;
  if (!validSize(first) || !validSize(last)) return null;
  if ((first != null && last != null) || (after != null && before != null)) return null;
  if ((before != null && first != null) || (after != null && last != null)) return null;
  const cursor = after ?? before;
  const id = cursor == null ? null : cursorId(cursor);
  if (cursor != null && id === null) return null;
  return {
    size: Math.min((first ?? last ?? DEFAULT_PAGE_SIZE) as number, MAX_PAGE_SIZE),
    backward: before != null || last != null,
    cursorId: id,
    hasAfter: after != null,
    hasBefore: before != null,
  };
}
