import type { PrismaClient, Transaction } from '../../db/client.js';
import type { RawSql } from '../../db/raw-sql.js';
import type { DerivedRowLocks } from '../../db/store/index.js';
import type { ActionStatusChange } from '../../events/append.js';
import type { RemediationActionType } from '../../generated/prisma/enums.js';
import type { Actor } from './actor.js';
import type { AuditEntry } from './audit-entry.js';

/** An action handed to the executor: its type says whether Quell itself carries it out. */
export interface DispatchedAction {
  id: string;
  type: RemediationActionType;
}

/** Carries out actions once they are IN_PROGRESS or UNDO_IN_PROGRESS (SPEC §3.5). */
export interface Executor {
  readonly mode: 'simulated' | 'agent';
  /** Called after the transaction that dispatched these actions committed. Never throws. */
  dispatched(
    tenantId: string,
    actions: readonly DispatchedAction[],
    requestId: string | null,
  ): Promise<void>;
}

/** What every service shares: the database, the clock and the settings. */
export interface ServiceDeps {
  prisma: PrismaClient;
  now: () => Date;
  pendingTtlMs: number;
  idempotencyTtlMs: number;
  executor: Executor;
  onError: (error: unknown, where: string) => void;
}

/**
 * One transaction's changes, collected so the closing steps run once, in a fixed order, at the
 * end (finishWork): derived states, audit events, then the stream events — last, because
 * appending takes the tenant's stream lock. `Tx` is what its statements run on: Prisma's interactive
 * transaction, or (SqlWork) any transaction of raw SQL, such as one sent through pg itself.
 */
export interface Work<Tx extends RawSql = Transaction> {
  tx: Tx;
  actor: Actor;
  deps: ServiceDeps;
  /** The instant of this change (the injected clock), used for every timestamp it writes. */
  now: Date;
  operation: string;
  events: ActionStatusChange[];
  audit: AuditEntry[];
  investigationIds: Set<string>;
  incidentIds: Set<string>;
  /** Derived-state rows locked early (with the actions, lockActions): finishWork need not lock them again. */
  derivedRowLocks: DerivedRowLocks | null;
  /** Actions moved to IN_PROGRESS / UNDO_IN_PROGRESS (by id): handed to the executor after commit. */
  dispatch: Map<string, RemediationActionType>;
}

/** Work whose steps send raw SQL only: it runs in either kind of transaction. */
export type SqlWork = Work<RawSql>;

export function createWork<Tx extends RawSql>(
  tx: Tx,
  actor: Actor,
  deps: ServiceDeps,
  operation: string,
): Work<Tx> {
  return {
    tx,
    actor,
    deps,
    now: deps.now(),
    operation,
    events: [],
    audit: [],
    investigationIds: new Set(),
    incidentIds: new Set(),
    derivedRowLocks: null,
    dispatch: new Map(),
  };
}
