import type { Transaction } from '../db/client.js';
import { chooseDeviceGroup } from '../policy/index.js';

export interface GroupRulesInput {
  hostnamePrefix?: string | null;
  domain?: string | null;
  tag?: string | null;
}

/** The rule columns of a group: blank rules are no rules; `undefined` leaves them as they are. */
export function rulesData(rules: GroupRulesInput | null | undefined) {
  if (rules === undefined) return {};
  const clean = (value: string | null | undefined) => (value?.trim() ? value.trim() : null);
  return {
    ruleHostnamePrefix: clean(rules?.hostnamePrefix),
    ruleDomain: clean(rules?.domain),
    ruleTag: clean(rules?.tag),
  };
}

/**
 * Re-places every device of the tenant that was not placed explicitly, after rules or ranks
 * changed (the policy's membership rule), and keeps its actions' current-group column in step. Returns
 * how many devices moved.
 */
export async function reevaluateMembership(tx: Transaction, tenantId: string): Promise<number> {
  const groups = await tx.deviceGroup.findMany({ where: { tenantId } });
  const devices = await tx.device.findMany({
    where: { tenantId, groupAssignedExplicitly: false },
    select: { id: true, hostname: true, domain: true, tags: true, deviceGroupId: true },
  });
  const moves = new Map<string, string[]>();
  for (const device of devices) {
    const target = chooseDeviceGroup(groups, device).id;
    if (target !== device.deviceGroupId)
      moves.set(target, [...(moves.get(target) ?? []), device.id]);
  }
  return applyMoves(tx, moves, {});
}

/**
 * deleteDeviceGroup's move (SPEC §7.1): every device of the group, explicitly placed or not, goes
 * to the highest-ranked other group whose rules match it, else the default group, and is placed
 * by the rules from then on. Returns how many moved to each group.
 */
export async function moveDevicesOutOf(
  tx: Transaction,
  tenantId: string,
  groupId: string,
): Promise<Map<string, string[]>> {
  const others = await tx.deviceGroup.findMany({ where: { tenantId, id: { not: groupId } } });
  const devices = await tx.device.findMany({
    where: { tenantId, deviceGroupId: groupId },
    select: { id: true, hostname: true, domain: true, tags: true },
  });
  const moves = new Map<string, string[]>();
  for (const device of devices) {
    const target = chooseDeviceGroup(others, device).id;
    moves.set(target, [...(moves.get(target) ?? []), device.id]);
  }
  await applyMoves(tx, moves, { groupAssignedExplicitly: false });
  return moves;
}

/**
 * Puts devices in their new groups, and their actions' current-group column with them (what
 * scope reads). The group each action was decided under is a column of its own, never moved.
 */
async function applyMoves(
  tx: Transaction,
  moves: ReadonlyMap<string, readonly string[]>,
  placement: { groupAssignedExplicitly?: false },
): Promise<number> {
  for (const [groupId, deviceIds] of moves) {
    await tx.device.updateMany({
      where: { id: { in: [...deviceIds] } },
      data: { deviceGroupId: groupId, ...placement },
    });
    await tx.remediationAction.updateMany({
      where: { deviceId: { in: [...deviceIds] } },
      data: { deviceGroupId: groupId },
    });
  }
  return [...moves.values()].reduce((n, ids) => n + ids.length, 0);
}

/** Whether a Prisma error is a unique violation on `field` (a duplicate group name). */
export function isUniqueViolation(error: unknown, field: string): boolean {
  const e = error as { code?: string; meta?: unknown };
  if (e?.code !== 'P2002') return false;
  return JSON.stringify(e.meta ?? {}).includes(field);
}
