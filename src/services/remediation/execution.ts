import { ALL_TENANTS, scopedClient } from '../../db/tenant-scope.js';
import type { RemediationActionType } from '../../generated/prisma/enums.js';
import { DISPATCHED_STATUSES, SERVER_SIDE_ACTION_TYPES } from '../../policy/index.js';
import { systemActor } from '../kernel/actor.js';
import { runSystemWork } from '../kernel/run-mutation.js';
import type { DispatchedAction, Executor, ServiceDeps, Work } from '../kernel/work.js';
import {
  type ActionRow,
  lockActions,
  type Transitioned,
  transitionActions,
} from './action-transitions.js';

const idsOf = (actions: readonly DispatchedAction[]) => actions.map((action) => action.id);

/** Actions Quell carries out itself whatever the executor (the policy's server-side types). */
const SERVER_SIDE: ReadonlySet<RemediationActionType> = new Set(SERVER_SIDE_ACTION_TYPES);

export type ExecutionOutcome = 'COMPLETED' | 'FAILED';

/**
 * Settles dispatched actions with the executor's report, through the one transition function:
 * IN_PROGRESS → COMPLETED | FAILED; UNDO_IN_PROGRESS → UNDONE, or back to COMPLETED with the
 * undo failure recorded. Rows in any other status are left alone (the caller reports them).
 */
export async function settleActions(
  work: Work,
  rows: readonly ActionRow[],
  outcome: ExecutionOutcome,
  failureReason: string | null = null,
): Promise<Transitioned[]> {
  const running = rows.filter((row) => row.status === 'IN_PROGRESS');
  const undoing = rows.filter((row) => row.status === 'UNDO_IN_PROGRESS');
  const result: Transitioned[] = [];
  const reason = failureReason ?? 'The executor reported a failure.';
  if (outcome === 'COMPLETED') {
    result.push(
      ...(await transitionActions(work, running, 'COMPLETED', {
        patch: () => ({ completedAt: work.now }),
      })),
    );
    // undoneBy is the person who asked for the undo; one statement per distinct requester.
    const byRequester = new Map<string | null, ActionRow[]>();
    for (const row of undoing)
      byRequester.set(row.undoRequestedBy, [...(byRequester.get(row.undoRequestedBy) ?? []), row]);
    for (const [requester, group] of byRequester) {
      result.push(
        ...(await transitionActions(work, group, 'UNDONE', {
          patch: () => ({ undoneAt: work.now, undoneBy: requester ?? work.actor.subject }),
        })),
      );
    }
  } else {
    result.push(
      ...(await transitionActions(work, running, 'FAILED', {
        patch: () => ({ failureReason: reason }),
        outcome: 'FAILED',
        auditAfter: () => ({ failureReason: reason }),
      })),
    );
    result.push(
      ...(await transitionActions(work, undoing, 'COMPLETED', {
        patch: () => ({ undoFailure: reason, undoRequestedBy: null }),
        outcome: 'UNDO_FAILED',
        auditAfter: () => ({ undoFailure: reason }),
      })),
    );
  }
  return result;
}

/**
 * Completes dispatched actions in a transaction of their own, as the executor named `subject`.
 * `types` limits which actions it carries out (the agent mode's built-in part).
 */
export async function completeDispatched(
  deps: ServiceDeps,
  tenantId: string,
  actionIds: readonly string[],
  options: {
    subject: string;
    requestId: string | null;
    onlyTypes?: ReadonlySet<RemediationActionType>;
  },
): Promise<number> {
  const actor = systemActor(tenantId, options.subject, options.requestId);
  return runSystemWork(deps, actor, 'executor.complete', async (work) => {
    const rows = (await lockActions(work, actionIds)).filter(
      (row) => !options.onlyTypes || options.onlyTypes.has(row.type),
    );
    return (await settleActions(work, rows, 'COMPLETED')).length;
  });
}

/** The built-in simulated executor: completes every action and undo at once (SPEC §3.5). */
export function createSimulatedExecutor(deps: () => ServiceDeps): Executor {
  return {
    mode: 'simulated',
    async dispatched(tenantId, actions, requestId) {
      try {
        await completeDispatched(deps(), tenantId, idsOf(actions), {
          subject: 'executor:simulated',
          requestId,
        });
      } catch (error) {
        // The actions stay IN_PROGRESS; the background sweep completes them later.
        deps().onError(error, 'simulated executor');
      }
    },
  };
}

/**
 * Agent mode: endpoint agents fetch their device's work and report outcomes through the API;
 * Quell only carries out its own server-side actions (investigations, indicators).
 */
export function createAgentExecutor(deps: () => ServiceDeps): Executor {
  return {
    mode: 'agent',
    async dispatched(tenantId, actions, requestId) {
      // An action's type never changes: when none is Quell's own, there is nothing to open a
      // transaction for (the agents fetch the rest).
      const serverSide = actions.filter((action) => SERVER_SIDE.has(action.type));
      if (serverSide.length === 0) return;
      try {
        await completeDispatched(deps(), tenantId, idsOf(serverSide), {
          subject: 'executor:quell',
          requestId,
          onlyTypes: SERVER_SIDE,
        });
      } catch (error) {
        deps().onError(error, 'server-side executor');
      }
    },
  };
}

/**
 * Work dispatched long ago and never settled — the process stopped between the commit and the
 * executor's follow-up — is carried out by the background sweep (simulated mode: everything;
 * agent mode: the server-side actions only). Returns how many actions it settled.
 */
export async function completeStaleDispatched(
  deps: ServiceDeps,
  olderThanMs: number,
): Promise<number> {
  const cutoff = new Date(deps.now().getTime() - olderThanMs);
  const onlyTypes = deps.executor.mode === 'agent' ? SERVER_SIDE : undefined;
  // Across tenants by design: each tenant's actions then settle in that tenant's own scope.
  const stale = await scopedClient(deps.prisma, ALL_TENANTS).remediationAction.findMany({
    where: {
      status: { in: [...DISPATCHED_STATUSES] },
      updatedAt: { lt: cutoff },
      ...(onlyTypes ? { type: { in: [...onlyTypes] } } : {}),
    },
    select: { id: true, tenantId: true },
    take: 1000,
    orderBy: { updatedAt: 'asc' },
  });
  let settled = 0;
  const byTenant = new Map<string, string[]>();
  for (const row of stale)
    byTenant.set(row.tenantId, [...(byTenant.get(row.tenantId) ?? []), row.id]);
  for (const [tenantId, ids] of byTenant) {
    settled += await completeDispatched(deps, tenantId, ids, {
      subject: deps.executor.mode === 'agent' ? 'executor:quell' : 'executor:simulated',
      requestId: null,
      ...(onlyTypes ? { onlyTypes } : {}),
    });
  }
  return settled;
}
