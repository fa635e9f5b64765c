import { lockInvestigation } from '../db/store/index.js';
import { ALL_TENANTS, scopedClient } from '../db/tenant-scope.js';
import { systemActor } from './kernel/actor.js';
import { audit } from './kernel/audit.js';
import { runSystemWork } from './kernel/run-mutation.js';
import type { ServiceDeps, Work } from './kernel/work.js';
import { endInvestigation } from './terminate-investigation.js';

const BATCH = 200;
const SYSTEM_COMMENT = 'No findings within the investigation timeout.';

const idleWhere = (cutoff: Date) => ({
  state: 'RUNNING' as const,
  terminalState: null,
  findingsComplete: false,
  lastFindingsAt: { lte: cutoff },
});

/** Ends one investigation if it is still idle under its lock; 1 when it ended, else 0. */
async function endIfStillIdle(work: Work, id: string, cutoff: Date): Promise<number> {
  await lockInvestigation(work.tx, work.actor.tenantId, id);
  const investigation = await work.tx.investigation.findFirst({
    where: { id, ...idleWhere(cutoff) },
    include: { devices: { select: { device: { select: { deviceGroupId: true } } } } },
  });
  if (!investigation) return 0;
  const cancelled = await endInvestigation(
    work,
    investigation,
    'TERMINATED_BY_SYSTEM',
    SYSTEM_COMMENT,
  );
  audit(work, {
    targetType: 'Investigation',
    targetIds: [id],
    deviceGroupIds: investigation.devices.map(({ device }) => device.deviceGroupId),
    before: {
      state: investigation.state,
      lastFindingsAt: investigation.lastFindingsAt.toISOString(),
    },
    after: { state: 'TERMINATED_BY_SYSTEM', actionsCancelled: cancelled },
    comment: SYSTEM_COMMENT,
    outcome: 'TERMINATED',
  });
  return 1;
}

/**
 * The system timeout (SPEC §7.1): a RUNNING investigation that received no findings for
 * `timeoutMs` becomes TERMINATED_BY_SYSTEM and its pending actions CANCELLED, one transaction
 * per investigation (re-checked under its lock, so sweepers on several instances end it once).
 * Returns how many ended.
 */
export async function terminateIdleInvestigations(
  deps: ServiceDeps,
  timeoutMs: number,
): Promise<number> {
  const cutoff = new Date(deps.now().getTime() - timeoutMs);
  let ended = 0;
  for (;;) {
    // Across tenants by design: each investigation then ends in its own tenant's scope.
    const idle = await scopedClient(deps.prisma, ALL_TENANTS).investigation.findMany({
      where: idleWhere(cutoff),
      select: { id: true, tenantId: true },
      orderBy: [{ lastFindingsAt: 'asc' }, { id: 'asc' }],
      take: BATCH,
    });
    let batch = 0;
    for (const { id, tenantId } of idle) {
      const actor = systemActor(tenantId, 'system:investigation-timeout');
      batch += await runSystemWork(deps, actor, 'terminateInvestigation', (work) =>
        endIfStillIdle(work, id, cutoff),
      );
    }
    ended += batch;
    if (idle.length < BATCH || batch === 0) return ended;
  }
}
