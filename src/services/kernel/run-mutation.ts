import type { Transaction } from '../../db/client.js';
import type { RawSql } from '../../db/raw-sql.js';
import { auditEventsInsert, derivedStateWrites, runAsOneStatement } from '../../db/store/index.js';
import { ALL_TENANTS, scopedClient, type TenantScope, tenantScope } from '../../db/tenant-scope.js';
import { actionEventsInsert, notifyTenants } from '../../events/append.js';
import { deriveStates } from '../remediation/derived-states.js';
import type { Actor } from './actor.js';
import { auditRowsOf } from './audit.js';
import {
  checkIdempotencyKey,
  claimIdempotencyKey,
  type IdempotencyClaim,
  purgeExpiredIdempotencyKeys,
  requestHash,
  storeIdempotentResponse,
} from './idempotency.js';
import { runSqlTransaction, runTransaction, type TransactionOptions } from './transaction.js';
import {
  createWork,
  type DispatchedAction,
  type ServiceDeps,
  type SqlWork,
  type Work,
} from './work.js';

/**
 * The closing steps of a transaction, in order, in at most three statements: lock what the
 * derived states come from (unless the work locked it already); read its facts and take the
 * tenants' log locks; then the changed derived states, the audit rows, the stream events and the
 * NOTIFY as one statement — last, under the log lock, so the ids it draws are the next ones and a
 * tenant's events commit in id order.
 */
export async function finishWork(work: SqlWork): Promise<void> {
  const { tx } = work;
  const eventTenants = [...new Set(work.events.map((event) => event.tenantId))];
  const logTenantIds = [
    ...new Set([...eventTenants, ...work.audit.map((entry) => entry.tenantId)]),
  ];
  const changes = await deriveStates(tx, {
    investigationIds: work.investigationIds,
    incidentIds: work.incidentIds,
    now: work.now,
    locked: work.derivedRowLocks,
    logTenantIds,
  });
  const writes = [
    ...derivedStateWrites(changes),
    ...(work.audit.length > 0 ? [auditEventsInsert(auditRowsOf(work.audit))] : []),
    ...(work.events.length > 0 ? [actionEventsInsert(work.events)] : []),
  ];
  if (writes.length > 0)
    await runAsOneStatement(
      tx,
      writes,
      eventTenants.length > 0 ? notifyTenants(eventTenants) : null,
    );
}

export interface MutationSpec<R = unknown, Tx extends RawSql = Transaction> {
  operation: string;
  idempotencyKey?: string | null;
  /** The normalized input (ids decoded); its hash tells a retry from a reuse of the key. */
  input: unknown;
  timeoutMs?: number;
  /**
   * Re-checks a replayed result against the caller as it is now, in the replay's transaction: the
   * same subject may retry with a narrower scope, and what it may no longer see must read as
   * "does not exist" (drop it, answer NOT_FOUND, or throw the NOT_FOUND a new call would get).
   */
  rescope?: (tx: Tx, stored: R) => Promise<R>;
}

const dispatchedOf = (work: SqlWork): DispatchedAction[] =>
  [...work.dispatch].map(([id, type]) => ({ id, type }));

let mutationsSincePurge = 0;

/**
 * Runs one mutation: claims the idempotency key (if any) in the same transaction as the work,
 * runs the work, finishes it, stores the JSON result for replays, commits — then hands the
 * dispatched actions to the executor (awaited, so a simulated executor's completion shows in the
 * response). A replay returns the stored result and does nothing else.
 */
export function runMutation<R>(
  deps: ServiceDeps,
  actor: Actor,
  spec: MutationSpec<R>,
  body: (work: Work) => Promise<R>,
): Promise<R> {
  return mutate(deps, actor, spec, body, (scope, work, options) =>
    runTransaction(deps.prisma, scope, work, options),
  );
}

/**
 * runMutation for work that sends raw SQL only (its idempotency and rescope included): in a
 * transaction sent through pg itself (runSqlTransaction), with the same steps and guarantees.
 */
export function runSqlMutation<R>(
  deps: ServiceDeps,
  actor: Actor,
  spec: MutationSpec<R, RawSql>,
  body: (work: SqlWork) => Promise<R>,
): Promise<R> {
  return mutate(deps, actor, spec, body, (scope, work, options) =>
    runSqlTransaction(deps.prisma, scope, work, options),
  );
}

/** How a mutation opens its transaction: Prisma's interactive one, or one through pg. */
type OpenTransaction<Tx extends RawSql> = <T>(
  scope: TenantScope,
  work: (tx: Tx) => Promise<T>,
  options: TransactionOptions,
) => Promise<T>;

async function mutate<R, Tx extends RawSql>(
  deps: ServiceDeps,
  actor: Actor,
  spec: MutationSpec<R, Tx>,
  body: (work: Work<Tx>) => Promise<R>,
  open: OpenTransaction<Tx>,
): Promise<R> {
  const key = checkIdempotencyKey(spec.idempotencyKey);
  const outcome = await open(
    tenantScope(actor.tenantId),
    async (tx) => {
      let claim: IdempotencyClaim | null = null;
      if (key !== null) {
        claim = {
          tenantId: actor.tenantId,
          subject: actor.subject,
          key,
          operation: spec.operation,
          requestHash: requestHash(spec.operation, spec.input),
          now: deps.now(),
          ttlMs: deps.idempotencyTtlMs,
        };
        const claimed = await claimIdempotencyKey(tx, claim);
        if (!claimed.claimed) {
          const stored = claimed.response as R;
          const result = spec.rescope ? await spec.rescope(tx, stored) : stored;
          return { result, dispatch: [] as DispatchedAction[], replayed: true };
        }
      }
      const work = createWork(tx, actor, deps, spec.operation);
      const result = await body(work);
      await finishWork(work);
      if (claim) await storeIdempotentResponse(tx, claim, result);
      return { result, dispatch: dispatchedOf(work), replayed: false };
    },
    { timeoutMs: spec.timeoutMs },
  );
  if (outcome.dispatch.length > 0)
    await deps.executor.dispatched(actor.tenantId, outcome.dispatch, actor.requestId);
  if (key !== null && ++mutationsSincePurge >= 500) {
    mutationsSincePurge = 0;
    await purgeExpiredIdempotencyKeys(scopedClient(deps.prisma, ALL_TENANTS), deps.now()).catch(
      (error) => deps.onError(error, 'idempotency purge'),
    );
  }
  return outcome.result;
}

/** Work of the system itself (executor, sweeper): no idempotency key, same closing steps. */
export async function runSystemWork<R>(
  deps: ServiceDeps,
  actor: Actor,
  operation: string,
  body: (work: Work) => Promise<R>,
): Promise<R> {
  const outcome = await runTransaction(deps.prisma, tenantScope(actor.tenantId), async (tx) => {
    const work = createWork(tx, actor, deps, operation);
    const result = await body(work);
    await finishWork(work);
    return { result, dispatch: dispatchedOf(work) };
  });
  if (outcome.dispatch.length > 0)
    await deps.executor.dispatched(actor.tenantId, outcome.dispatch, actor.requestId);
  return outcome.result;
}
