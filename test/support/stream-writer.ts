import type { PrismaClient } from '../../src/db/client.js';
import { type ActionStatusChange, appendActionEvents } from '../../src/events/append.js';
import type {
  RemediationActionStatus,
  RemediationActionType,
} from '../../src/generated/prisma/enums.js';

export interface DeviceRef {
  id: string;
  deviceGroupId: string;
}

/**
 * Writes actions and their stream events the way the workflow services do: the status change and
 * its event in one transaction (appendActionEvents last). Tests use it to produce events without
 * depending on the mutations.
 */
export function streamWriter(prisma: PrismaClient, tenantId: string) {
  return {
    /** A new PENDING_APPROVAL action on `device`, announced on the stream. */
    async pendingAction(
      device: DeviceRef,
      options: { type?: RemediationActionType; incidentId?: string } = {},
    ) {
      return prisma.$transaction(async (tx) => {
        const action = await tx.remediationAction.create({
          data: {
            tenantId,
            deviceId: device.id,
            deviceGroupId: device.deviceGroupId,
            type: options.type ?? 'QUARANTINE_FILE',
            source: 'AUTOMATED_INVESTIGATION',
            status: 'PENDING_APPROVAL',
            incidentId: options.incidentId ?? null,
            decision: 'REQUIRE_APPROVAL',
            explanation: 'stream test',
            undoable: true,
          },
        });
        await appendActionEvents(tx, [changeOf(action, null)]);
        return action;
      });
    },

    /** Moves actions to `status` and appends one event per action, in one transaction. */
    async setStatus(actionIds: readonly string[], status: RemediationActionStatus) {
      return prisma.$transaction(async (tx) => {
        const changes: ActionStatusChange[] = [];
        for (const id of actionIds) {
          const before = await tx.remediationAction.findUniqueOrThrow({ where: { id } });
          const after = await tx.remediationAction.update({ where: { id }, data: { status } });
          changes.push(changeOf(after, before.status));
        }
        await appendActionEvents(tx, changes);
      });
    },
  };
}

function changeOf(
  action: {
    tenantId: string;
    id: string;
    deviceGroupId: string;
    deviceId: string;
    incidentId: string | null;
    type: RemediationActionType;
    status: RemediationActionStatus;
  },
  previousStatus: RemediationActionStatus | null,
): ActionStatusChange {
  return {
    tenantId: action.tenantId,
    actionId: action.id,
    deviceGroupId: action.deviceGroupId,
    deviceId: action.deviceId,
    incidentId: action.incidentId,
    actionType: action.type,
    previousStatus,
    status: action.status,
  };
}

/** The tenant's log ids, in order: what a gap-free, duplicate-free subscriber must have received. */
export async function loggedIds(
  prisma: PrismaClient,
  tenantId: string,
  after = 0n,
): Promise<bigint[]> {
  const rows = await prisma.streamEvent.findMany({
    where: { tenantId, id: { gt: after } },
    orderBy: { id: 'asc' },
    select: { id: true },
  });
  return rows.map((r) => r.id);
}

/**
 * `count` pending actions with an explanation of `explanationBytes` characters, each committed
 * with its stream event: events large enough that a client which stops reading fills its socket.
 */
export async function writeLargePendingActions(
  prisma: PrismaClient,
  tenantId: string,
  device: DeviceRef,
  count: number,
  explanationBytes = 32 * 1024,
): Promise<void> {
  const explanation = 'x'.repeat(explanationBytes);
  for (let i = 0; i < count; i++) {
    await prisma.$transaction(async (tx) => {
      const a = await tx.remediationAction.create({
        data: {
          tenantId,
          deviceId: device.id,
          deviceGroupId: device.deviceGroupId,
          type: 'QUARANTINE_FILE',
          source: 'AUTOMATED_INVESTIGATION',
          status: 'PENDING_APPROVAL',
          decision: 'REQUIRE_APPROVAL',
          explanation,
          undoable: true,
        },
      });
      await appendActionEvents(tx, [
        {
          tenantId,
          actionId: a.id,
          deviceGroupId: a.deviceGroupId,
          deviceId: a.deviceId,
          incidentId: null,
          actionType: a.type,
          previousStatus: null,
          status: a.status,
        },
      ]);
    });
  }
}
