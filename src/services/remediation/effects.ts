import { indicatorsOfShas, joinIncidentDevices } from '../../db/store/index.js';
import type { RemediationAction } from '../../generated/prisma/client.js';
import { isIndicatorLive, runsAutomatedInvestigation } from '../../policy/index.js';
import { audit } from '../kernel/audit.js';
import type { Work } from '../kernel/work.js';

/**
 * What a completed action does to the world the API shows (SPEC §3.5), whoever carried it out
 * (the simulated executor or an endpoint agent): the device is isolated or restricted, an
 * indicator is added, an investigation is started. Quarantines, kills, removals and their undo
 * show on the evidence's remediation status, which the transition keeps in step.
 */
export async function applyCompletionEffects(
  work: Work,
  actions: readonly RemediationAction[],
): Promise<void> {
  await setDeviceFlags(work, actions, true);
  await addBlockIndicators(
    work,
    actions.filter((a) => a.type === 'ADD_INDICATOR' && a.sha256),
  );
  for (const action of actions.filter((a) => a.type === 'INITIATE_INVESTIGATION'))
    await initiateInvestigation(work, action);
}

/**
 * ADD_INDICATOR (SPEC §2.4, §7.1): a tenant-wide BLOCK indicator on the file's sha256, audited
 * like createIndicator. Idempotent: a sha256 that already has a live indicator keeps it (a second
 * action on it adds nothing; an ALLOW was refused when the action was asked for); an expired one
 * is replaced. Not undoable: the indicator is deleted with deleteIndicator.
 */
async function addBlockIndicators(work: Work, actions: readonly RemediationAction[]) {
  if (actions.length === 0) return;
  const { tx, actor, now } = work;
  const shas = [...new Set(actions.map((a) => a.sha256!))];
  const existing = await indicatorsOfShas(tx, actor.tenantId, shas);
  const expired = existing.filter((row) => !isIndicatorLive(row, now)).map((row) => row.id);
  if (expired.length > 0) await tx.indicator.deleteMany({ where: { id: { in: expired } } });
  const bySha = new Map(actions.map((a) => [a.sha256!, a]));
  const created = await tx.indicator.createManyAndReturn({
    data: [...bySha.values()].map((a) => ({
      tenantId: actor.tenantId,
      sha256: a.sha256!,
      action: 'BLOCK' as const,
      // The requester's comment says why: the best title there is (the whole text is kept too).
      title: a.comment ? a.comment.slice(0, 200) : null,
      createdBy: a.requestedBy ?? actor.subject,
      comment: a.comment,
      createdAt: now,
    })),
    skipDuplicates: true,
  });
  for (const indicator of created) {
    const action = bySha.get(indicator.sha256)!;
    audit(work, {
      targetType: 'Indicator',
      targetIds: [indicator.id],
      deviceGroupIds: [action.deviceGroupId],
      after: {
        sha256: indicator.sha256,
        action: 'BLOCK',
        title: indicator.title,
        addedBy: action.id,
      },
      outcome: 'CREATED',
    });
  }
}

/** The undo of a completed action: the device is released, the restriction lifted (files: evidence RESTORED). */
export async function applyUndoEffects(
  work: Work,
  actions: readonly RemediationAction[],
): Promise<void> {
  await setDeviceFlags(work, actions, false);
}

async function setDeviceFlags(work: Work, actions: readonly RemediationAction[], value: boolean) {
  const isolate = [
    ...new Set(actions.filter((a) => a.type === 'ISOLATE_DEVICE').map((a) => a.deviceId)),
  ].sort();
  const restrict = [
    ...new Set(actions.filter((a) => a.type === 'RESTRICT_CODE_EXECUTION').map((a) => a.deviceId)),
  ].sort();
  if (isolate.length > 0)
    await work.tx.device.updateMany({ where: { id: { in: isolate } }, data: { isolated: value } });
  if (restrict.length > 0)
    await work.tx.device.updateMany({
      where: { id: { in: restrict } },
      data: { codeExecutionRestricted: value },
    });
}

/**
 * INITIATE_INVESTIGATION starts an automated investigation on the device, in the device's open
 * incident (or a new one), unless its group no longer runs automated investigations.
 */
async function initiateInvestigation(work: Work, action: RemediationAction): Promise<void> {
  const { tx } = work;
  const device = await tx.device.findUniqueOrThrow({
    where: { id: action.deviceId },
    include: { deviceGroup: true, tenant: { select: { plan: true } } },
  });
  if (!runsAutomatedInvestigation(device.tenant.plan, device.deviceGroup.automationLevel)) return;
  const incident =
    (await tx.incident.findFirst({
      where: {
        tenantId: device.tenantId,
        primaryDeviceId: device.id,
        status: { in: ['ACTIVE', 'IN_PROGRESS'] },
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    })) ??
    (await tx.incident.create({
      data: {
        tenantId: device.tenantId,
        primaryDeviceId: device.id,
        title: `Investigation initiated on ${device.hostname}`,
        severity: 'INFORMATIONAL',
        createdAt: work.now,
        updatedAt: work.now,
      },
    }));
  await joinIncidentDevices(tx, incident.id, [device.id]);
  const investigation = await tx.investigation.create({
    data: {
      tenantId: device.tenantId,
      incidentId: incident.id,
      startedAt: work.now,
      devices: { create: [{ deviceId: device.id, joinedAt: work.now }] },
    },
  });
  // The action stays outside the investigation it started: its (completed) status must not count
  // as a remediation of that investigation. The audit event links them.
  audit(work, {
    targetType: 'Investigation',
    targetIds: [investigation.id],
    deviceGroupIds: [device.deviceGroupId],
    after: { state: investigation.state, incidentId: incident.id, initiatedBy: action.id },
    comment: action.comment,
  });
  work.investigationIds.add(investigation.id);
  work.incidentIds.add(incident.id);
}
