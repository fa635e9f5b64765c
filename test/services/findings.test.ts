import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Verdict } from '../../src/generated/prisma/enums.js';
import { serviceWorld } from './support.js';

let statements = 0;
let world: Awaited<ReturnType<typeof serviceWorld>>;
beforeAll(async () => {
  world = await serviceWorld({ onQuery: () => statements++ });
});
afterAll(() => world?.close());

const VERDICTS: Verdict[] = ['MALICIOUS', 'SUSPICIOUS', 'NO_THREATS_FOUND'];

async function submission(size: number, hostname: string) {
  const full = await world.device(`${hostname}-full`, 'FULL');
  const approval = await world.device(`${hostname}-any`, 'SEMI_REQUIRE_APPROVAL_ANY');
  const ingest = world.actor('detector', 'ingest');
  const alert = await world.services.reportAlert(ingest, {
    deviceId: full.id,
    title: 'bulk',
    severity: 'HIGH',
    evidence: [],
  });
  const findings = Array.from({ length: size }, (_, i) => ({
    deviceId: i % 2 === 0 ? full.id : approval.id,
    verdict: VERDICTS[i % 3]!,
    evidence:
      i % 4 === 3
        ? { kind: 'REGISTRY_KEY' as const, registryKey: `HKLM\\Run\\${i}` }
        : { kind: 'FILE' as const, path: `D:\\bulk\\${hostname}-${i}.exe` },
  }));
  statements = 0;
  const started = performance.now();
  const result = await world.services.submitInvestigationFindings(ingest, {
    investigationId: alert.investigationId!,
    findings,
    complete: true,
  });
  return {
    result,
    ms: performance.now() - started,
    statements,
    investigationId: alert.investigationId!,
  };
}

describe('submitInvestigationFindings in bulk', () => {
  it('takes the same number of SQL statements for 100 findings as for 10,000 (set-based, no round trip per finding)', async () => {
    const small = await submission(100, 'small');
    const large = await submission(10_000, 'large');
    expect(large.statements).toBe(small.statements);
    expect(large.statements).toBeLessThan(60);
    // Two thirds of the verdicts are threats; every one of them on a file or registry key gets an action.
    const expectedActions = Array.from({ length: 10_000 }, (_, i) => i % 3 !== 2).filter(
      Boolean,
    ).length;
    expect(large.result.actionIds).toHaveLength(expectedActions);
    const byStatus = await world.prisma.remediationAction.groupBy({
      by: ['status'],
      where: { investigationId: large.investigationId },
      _count: true,
      orderBy: { status: 'asc' },
    });
    expect(Object.fromEntries(byStatus.map((g) => [g.status, g._count]))).toEqual({
      // FULL: malicious taken automatically (and completed by the simulated executor); the rest waits.
      COMPLETED: Array.from({ length: 10_000 }, (_, i) => i % 2 === 0 && i % 3 === 0).filter(
        Boolean,
      ).length,
      PENDING_APPROVAL:
        expectedActions -
        Array.from({ length: 10_000 }, (_, i) => i % 2 === 0 && i % 3 === 0).filter(Boolean).length,
    });
    const evidence = await world.prisma.evidence.groupBy({
      by: ['remediationStatus'],
      where: { investigationId: large.investigationId },
      _count: true,
    });
    expect(Object.fromEntries(evidence.map((g) => [g.remediationStatus, g._count]))).toMatchObject({
      REMEDIATED: byStatus.find((g) => g.status === 'COMPLETED')!._count,
      PENDING_APPROVAL: byStatus.find((g) => g.status === 'PENDING_APPROVAL')!._count,
    });
    const audit = await world.prisma.auditEvent.count({
      where: { operation: 'submitInvestigationFindings', targetType: 'RemediationAction' },
    });
    expect(audit).toBe(expectedActions + small.result.actionIds.length);
    const investigation = await world.prisma.investigation.findUniqueOrThrow({
      where: { id: large.investigationId },
    });
    expect(investigation.state).toBe('PENDING_APPROVAL');
    console.log(
      `10,000 findings in ${large.ms.toFixed(0)} ms (${Math.round(10_000 / (large.ms / 1000))} findings/s), ${large.statements} statements`,
    );
  }, 120_000);

  it('keeps derived states consistent when actions of one investigation are decided concurrently', async () => {
    const device = await world.device('concurrent-any', 'SEMI_REQUIRE_APPROVAL_ANY');
    const ingest = world.actor('detector', 'ingest');
    const alert = await world.services.reportAlert(ingest, {
      deviceId: device.id,
      title: 'many',
      severity: 'HIGH',
      evidence: Array.from({ length: 40 }, (_, i) => ({
        kind: 'FILE' as const,
        path: `D:\\c\\${i}.exe`,
        verdict: 'SUSPICIOUS' as const,
      })),
    });
    await world.services.submitInvestigationFindings(ingest, {
      investigationId: alert.investigationId!,
      findings: [],
      complete: true,
    });
    const actions = await world.prisma.remediationAction.findMany({
      where: { investigationId: alert.investigationId! },
    });
    // Every action decided by its own call, all at once: half approved, half rejected.
    await Promise.all(
      actions.map((action, i) =>
        i % 2 === 0
          ? world.services.approveRemediationActions(world.actor(`a${i}`, 'responder'), {
              ids: [action.id],
            })
          : world.services.rejectRemediationActions(world.actor(`r${i}`, 'responder'), {
              ids: [action.id],
            }),
      ),
    );
    const investigation = await world.prisma.investigation.findUniqueOrThrow({
      where: { id: alert.investigationId! },
      include: { incident: true },
    });
    expect(investigation.state).toBe('PARTIALLY_REMEDIATED');
    expect(investigation.endedAt).not.toBeNull();
    expect(investigation.incident.remediationStatus).toBe('PARTIALLY_REMEDIATED');
    expect(investigation.incident.automatedInvestigationState).toBe('PARTIALLY_REMEDIATED');
  });

  it('lets an idempotency key be used again once it has expired', async () => {
    let now = Date.now();
    const local = await serviceWorld({ now: () => new Date(now), idempotencyTtlMs: 60_000 });
    try {
      const device = await local.device('idem-exp');
      const ingest = local.actor('detector', 'ingest');
      const input = {
        deviceId: device.id,
        title: 'x',
        severity: 'LOW' as const,
        evidence: [],
        idempotencyKey: 'k',
      };
      const a = await local.services.reportAlert(ingest, input);
      const b = await local.services.reportAlert(ingest, input);
      expect(b.alertId).toBe(a.alertId);
      now += 61_000;
      const c = await local.services.reportAlert(ingest, {
        ...input,
        title: 'new input after expiry',
      });
      expect(c.alertId).not.toBe(a.alertId);
      expect((await local.services.sweep()).purgedKeys).toBe(0);
      now += 61_000;
      expect((await local.services.sweep()).purgedKeys).toBe(1);
    } finally {
      await local.close();
    }
  });
});
