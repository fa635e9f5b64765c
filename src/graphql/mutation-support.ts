import { decodeGlobalID, encodeGlobalID } from '@pothos/plugin-relay';
import DataLoader from 'dataloader';
import { visibleActions } from '../auth/scope.js';
import type { RemediationAction } from '../generated/prisma/client.js';
import { actorFrom, type Actor } from '../services/actor.js';
import { DomainError } from '../services/errors.js';
import type { QuellContext } from './context.js';

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
    if (error instanceof DomainError && error.field && !error.field.startsWith('input.')) {
      throw new DomainError(error.code, error.message.startsWith(`${error.field}:`) ? `input.${error.message}` : error.message, `input.${error.field}`, error.details);
    }
    throw error;
  }
}

const NIL_UUID = '00000000-0000-0000-0000-000000000000';

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

const loaders = new WeakMap<QuellContext, DataLoader<string, RemediationAction | null>>();

/** Loads the caller's visible actions by id, batched per request (bulk outcomes, payloads). */
export function visibleActionLoader(ctx: QuellContext): DataLoader<string, RemediationAction | null> {
  let loader = loaders.get(ctx);
  if (!loader) {
    loader = new DataLoader(
      async (ids) => {
        const rows = await ctx.prisma.remediationAction.findMany({ where: { AND: [{ id: { in: [...ids] } }, visibleActions(ctx.identity)] } });
        const byId = new Map(rows.map((row) => [row.id, row]));
        return ids.map((id) => byId.get(id) ?? null);
      },
      { cache: false },
    );
    loaders.set(ctx, loader);
  }
  return loader;
}
