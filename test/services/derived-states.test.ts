import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RemediationActionStatus } from '../../src/generated/prisma/enums.js';
import {
  deriveIncidentRemediationStatus,
  deriveInvestigationState,
  type InvestigationTerminal,
  mostUrgentInvestigationState,
} from '../../src/policy/index.js';
import type { Actor } from '../../src/services/index.js';
import { serviceWorld } from './support.js';

const HOUR = 3_600_000;
let now = Date.now();
let world: Awaited<ReturnType<typeof serviceWorld>>;
beforeAll(async () => {
  // A real endpoint agent settles the work, so every status an action can reach is reachable.
  world = await serviceWorld({
    executor: 'agent',
    now: () => new Date(now),
    pendingTtlMs: 24 * HOUR,
  });
});
afterAll(() => world?.close());

/**
 * Recomputes every derived state of the tenant from its rows, independently of the service's
 * set-based SQL, and compares it with what is stored (and served).
 */
async function expectDerivedStatesConsistent(step: string) {
  const investigations = await world.prisma.investigation.findMany({
    where: { tenantId: world.tenantId },
    include: {
      evidence: { select: { verdict: true } },
      remediationActions: { select: { status: true } },
    },
  });
  for (const investigation of investigations) {
    const expected = deriveInvestigationState({
      complete: investigation.findingsComplete,
      terminal: investigation.terminalState as InvestigationTerminal | null,
      hadThreatVerdict: investigation.evidence.some(
        (e) => e.verdict === 'MALICIOUS' || e.verdict === 'SUSPICIOUS',
      ),
      actionStatuses: investigation.remediationActions.map((a) => a.status),
    });
    expect(investigation.state, `${step}: investigation ${investigation.id}`).toBe(expected);
  }
  const incidents = await world.prisma.incident.findMany({
    where: { tenantId: world.tenantId },
    include: {
      remediationActions: { select: { status: true } },
      investigations: { select: { state: true } },
    },
  });
  for (const incident of incidents) {
    expect(incident.remediationStatus, `${step}: incident ${incident.id}`).toBe(
      deriveIncidentRemediationStatus(incident.remediationActions.map((a) => a.status)),
    );
    expect(incident.automatedInvestigationState, `${step}: incident ${incident.id}`).toBe(
      mostUrgentInvestigationState(incident.investigations.map((i) => i.state)),
    );
  }
}

const statusOf = async (id: string): Promise<RemediationActionStatus> =>
  (await world.prisma.remediationAction.findUniqueOrThrow({ where: { id } })).status;

describe('derived states (SPEC §3.6)', () => {
  it('stay consistent with the actions along every path that changes an action', async () => {
    const full = await world.device('derived-full', 'FULL');
    const any = await world.device('derived-any', 'SEMI_REQUIRE_APPROVAL_ANY');
    const ingest = world.actor('detector', 'ingest');
    const responder = world.actor('resp', 'responder');
    const agentOf = (deviceId: string): Actor => ({
      ...world.actor(`agent-${deviceId}`, 'agent'),
      deviceId,
    });
    const report =
      (_deviceId: string, agent: Actor, outcome: 'COMPLETED' | 'FAILED') =>
      async (actionId: string) =>
        world.services.reportActionOutcome(agent, {
          actionId,
          outcome,
          failureReason: outcome === 'FAILED' ? 'file locked' : null,
        });

    // Ingestion: an automatic action (dispatched) on FULL, four pending ones on the approval group.
    const auto = await world.services.reportAlert(ingest, {
      deviceId: full.id,
      title: 'auto',
      severity: 'HIGH',
      evidence: [
        {
          kind: 'FILE',
          path: 'C:\\Users\\a\\Downloads\\evil.exe',
          verdict: 'MALICIOUS',
          sha256: 'a'.repeat(64),
        },
      ],
    });
    await world.services.submitInvestigationFindings(ingest, {
      investigationId: auto.investigationId!,
      findings: [],
      complete: true,
    });
    await expectDerivedStatesConsistent('automatic action dispatched');

    const pending = await world.services.reportAlert(ingest, {
      deviceId: any.id,
      title: 'pending',
      severity: 'HIGH',
      evidence: [1, 2, 3, 4].map((i) => ({
        kind: 'FILE' as const,
        path: `D:\\p\\${i}.exe`,
        verdict: 'SUSPICIOUS' as const,
      })),
    });
    await world.services.submitInvestigationFindings(ingest, {
      investigationId: pending.investigationId!,
      findings: [],
      complete: true,
    });
    await expectDerivedStatesConsistent('pending approval');
    const [autoAction] = await world.prisma.remediationAction.findMany({
      where: { investigationId: auto.investigationId! },
    });
    const pendingIds = (
      await world.prisma.remediationAction.findMany({
        where: { investigationId: pending.investigationId! },
        orderBy: { id: 'asc' },
      })
    ).map((a) => a.id);
    expect(autoAction!.status).toBe('IN_PROGRESS');
    expect(pendingIds).toHaveLength(4);

    // The agent completes the automatic action, then its undo.
    await report(full.id, agentOf(full.id), 'COMPLETED')(autoAction!.id);
    await expectDerivedStatesConsistent('agent completed');
    await world.services.undoRemediationActions(responder, { ids: [autoAction!.id] });
    expect(await statusOf(autoAction!.id)).toBe('UNDO_IN_PROGRESS');
    await expectDerivedStatesConsistent('undo dispatched');
    await report(full.id, agentOf(full.id), 'COMPLETED')(autoAction!.id);
    expect(await statusOf(autoAction!.id)).toBe('UNDONE');
    await expectDerivedStatesConsistent('undone');

    // Approve one (the agent fails it), reject one, cancel one, let one expire.
    await world.services.approveRemediationActions(responder, { ids: [pendingIds[0]!] });
    await expectDerivedStatesConsistent('approved, dispatched');
    await report(any.id, agentOf(any.id), 'FAILED')(pendingIds[0]!);
    expect(await statusOf(pendingIds[0]!)).toBe('FAILED');
    await expectDerivedStatesConsistent('agent failed');
    await world.services.rejectRemediationActions(responder, { ids: [pendingIds[1]!] });
    await expectDerivedStatesConsistent('rejected');
    await world.services.cancelRemediationActions(responder, { ids: [pendingIds[2]!] });
    expect(await statusOf(pendingIds[2]!)).toBe('CANCELLED');
    await expectDerivedStatesConsistent('cancelled');
    now += 25 * HOUR;
    await world.services.expirePendingActions();
    expect(await statusOf(pendingIds[3]!)).toBe('EXPIRED');
    await expectDerivedStatesConsistent('expired');

    // A manual action on a device with an investigation: dispatched, then cancelled in flight.
    const manual = await world.services.takeResponseAction(responder, {
      type: 'ISOLATE_DEVICE',
      deviceId: any.id,
      comment: 'contain',
    });
    await expectDerivedStatesConsistent('manual action dispatched');
    await world.services.cancelRemediationActions(responder, { ids: [manual.actionId] });
    await expectDerivedStatesConsistent('manual action cancelled');

    const incidents = await world.prisma.incident.findMany({
      where: { tenantId: world.tenantId },
      orderBy: { createdAt: 'asc' },
    });
    // The undone quarantine still counts as remediated; the approval incident's actions were all
    // failed, rejected, cancelled or expired, which SPEC §3.6 calls partially remediated.
    expect(incidents.map((i) => [i.remediationStatus, i.automatedInvestigationState])).toEqual([
      ['REMEDIATED', 'REMEDIATED'],
      ['PARTIALLY_REMEDIATED', 'PARTIALLY_REMEDIATED'],
    ]);
  });
});
