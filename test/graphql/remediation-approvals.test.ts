import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { globalId } from '../support/global-ids.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { APPROVE, CANCEL, REJECT, type Tenant, tenantOf } from '../support/workflow.js';

let server: TestServer;
/** The server's clock: tests move it forward to make pending actions overdue. */
let clockOffsetMs = 0;
beforeAll(async () => {
  server = await startTestServer({ now: () => new Date(Date.now() + clockOffsetMs) });
});
afterAll(() => server?.close());

/** `count` pending actions on one device of a SEMI_REQUIRE_APPROVAL_ANY group, from one alert with verdicts. */
async function pendingActions(t: Tenant, count: number, hostname = 'approve-01') {
  const group = await t.group(`Approval ${hostname}`, 'SEMI_REQUIRE_APPROVAL_ANY');
  const device = await t.device(hostname, group.id);
  const reported = await t.reportAlert(
    device.id,
    Array.from({ length: count }, (_, i) => ({
      kind: 'FILE',
      path: `D:\\drop\\${hostname}-${i}.exe`,
      verdict: 'SUSPICIOUS',
    })),
  );
  await t.submit(reported.investigation!.id, [], true);
  const actions = await server.prisma.remediationAction.findMany({
    where: { tenantId: t.tid, device: { hostname } },
    orderBy: { id: 'asc' },
  });
  expect(actions).toHaveLength(count);
  expect(actions.every((a) => a.status === 'PENDING_APPROVAL')).toBe(true);
  const ids = actions.map((a) => globalId('RemediationAction', a.id));
  return {
    device,
    investigationId: reported.investigation!.id,
    incidentId: reported.incident.id,
    ids,
    rawIds: actions.map((a) => a.id),
  };
}

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('approve and reject', () => {
  it('approves: the action is carried out, with who decided, and the derived states follow', async () => {
    const t = tenantOf(server);
    const { ids, investigationId } = await pendingActions(t, 2);
    expect((await t.investigation(investigationId)).state).toBe('PENDING_APPROVAL');
    const approved = await server.gqlData(
      APPROVE,
      { input: { ids: [ids[0]], comment: 'looks bad' } },
      await t.tokens.responder('alice'),
    );
    const [outcome] = approved.approveRemediationActions.outcomes;
    expect(outcome.id).toBe(ids[0]);
    expect(outcome.error).toBeNull();
    expect(outcome.action).toMatchObject({
      status: 'COMPLETED',
      decidedBy: 'alice',
      expiresAt: null,
    });
    expect(outcome.action.evidence.remediationStatus).toBe('REMEDIATED');
    // One still pending: the investigation and incident still wait for a person.
    expect(outcome.action.investigation.state).toBe('PENDING_APPROVAL');
    expect(outcome.action.incident.remediationStatus).toBe('PENDING_APPROVAL');

    const rejected = await server.gqlData(
      REJECT,
      { input: { ids: [ids[1]] } },
      await t.tokens.responder('bob'),
    );
    const [second] = rejected.rejectRemediationActions.outcomes;
    expect(second.action).toMatchObject({ status: 'REJECTED', decidedBy: 'bob' });
    expect(second.action.evidence.remediationStatus).toBe('DECLINED');
    expect(second.action.investigation.state).toBe('PARTIALLY_REMEDIATED');
    expect(second.action.incident).toMatchObject({
      remediationStatus: 'PARTIALLY_REMEDIATED',
      automatedInvestigationState: 'PARTIALLY_REMEDIATED',
    });
  });

  it('answers each id: NOT_FOUND for unknown ids, ALREADY_DECIDED naming the winning decision', async () => {
    const t = tenantOf(server);
    const { ids } = await pendingActions(t, 1);
    await server.gqlData(REJECT, { input: { ids } }, await t.tokens.responder('carol'));
    const garbage = 'not-a-global-id';
    const unknown = globalId('RemediationAction', '4f4e1d2a-0000-4000-8000-000000000000');
    const device = await server.prisma.device.findFirstOrThrow({ where: { tenantId: t.tid } });
    const wrongType = globalId('Device', device.id);
    const result = await server.gqlData(
      APPROVE,
      { input: { ids: [ids[0], garbage, unknown, wrongType] } },
      await t.tokens.responder('dave'),
    );
    const outcomes = result.approveRemediationActions.outcomes;
    expect(outcomes.map((o: any) => o.id)).toEqual([ids[0], garbage, unknown, wrongType]);
    expect(outcomes[0].error.code).toBe('ALREADY_DECIDED');
    expect(outcomes[0].error.message).toContain('rejected by carol');
    expect(outcomes[0].action.status).toBe('REJECTED');
    for (const o of outcomes.slice(1)) {
      expect(o.error.code).toBe('NOT_FOUND');
      expect(o.action).toBeNull();
    }
  });

  it('decides exactly once under 10 concurrent approvers on each of 200 pending actions', async () => {
    const t = tenantOf(server);
    const { ids, rawIds } = await pendingActions(t, 200, 'race-01');
    const approvers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => t.tokens.responder(`approver-${i}`)),
    );
    const results = await Promise.all(
      approvers.map((token, i) =>
        server.gql(APPROVE, { input: { ids: shuffled(ids, i + 1) } }, token),
      ),
    );
    const wins = new Map<string, string[]>();
    results.forEach((result, i) => {
      expect(result.errors).toBeUndefined();
      for (const outcome of (result.data as any).approveRemediationActions.outcomes) {
        if (outcome.error === null)
          wins.set(outcome.id, [...(wins.get(outcome.id) ?? []), `approver-${i}`]);
        else {
          expect(outcome.error.code).toBe('ALREADY_DECIDED');
          expect(outcome.error.message).toMatch(/approved by approver-\d/);
        }
      }
    });
    expect(wins.size).toBe(200);
    expect([...wins.values()].every((winners) => winners.length === 1)).toBe(true);

    const approvals = await server.prisma.auditEvent.findMany({
      where: { tenantId: t.tid, operation: 'approveRemediationActions' },
    });
    expect(approvals).toHaveLength(200);
    expect(new Set(approvals.map((a) => a.targetIds[0])).size).toBe(200);
    const transitions = await server.prisma.streamEvent.count({
      where: { tenantId: t.tid, previousStatus: 'PENDING_APPROVAL', status: 'IN_PROGRESS' },
    });
    expect(transitions).toBe(200);
    const statuses = await server.prisma.remediationAction.groupBy({
      by: ['status'],
      where: { id: { in: rawIds } },
      _count: true,
    });
    expect(statuses).toEqual([{ status: 'COMPLETED', _count: 200 }]);
    // Each action's decider is the one whose outcome said so.
    const rows = await server.prisma.remediationAction.findMany({
      where: { id: { in: rawIds } },
      select: { id: true, decidedBy: true },
    });
    for (const row of rows) {
      const global = globalId('RemediationAction', row.id);
      expect(wins.get(global)).toEqual([row.decidedBy]);
    }
  });

  it('expires pending actions after the time-to-live: approve of an overdue one is ALREADY_DECIDED (EXPIRED), the sweep expires the rest', async () => {
    const t = tenantOf(server);
    const { ids, investigationId } = await pendingActions(t, 3, 'expiry-01');
    clockOffsetMs = 7 * 86_400_000 + 60_000;
    try {
      const result = await server.gqlData(
        APPROVE,
        { input: { ids: [ids[0]] } },
        await t.tokens.responder('late'),
      );
      const [outcome] = result.approveRemediationActions.outcomes;
      expect(outcome.error.code).toBe('ALREADY_DECIDED');
      expect(outcome.error.message).toMatch(/expired/);
      expect(outcome.action.status).toBe('EXPIRED');
      expect(outcome.action.evidence.remediationStatus).toBe('DECLINED');
      expect(await server.services.expirePendingActions()).toBe(2);
      expect(await server.services.expirePendingActions()).toBe(0);
    } finally {
      clockOffsetMs = 0;
    }
    const statuses = await server.prisma.remediationAction.findMany({
      where: { tenantId: t.tid },
      select: { status: true },
    });
    expect(statuses.map((s) => s.status)).toEqual(['EXPIRED', 'EXPIRED', 'EXPIRED']);
    const investigation = await t.investigation(investigationId);
    expect(investigation.state).toBe('PARTIALLY_REMEDIATED');
    expect(investigation.incident.remediationStatus).toBe('PARTIALLY_REMEDIATED');
    // Expiry is audited as such, whoever's call found it overdue.
    const events = await server.prisma.auditEvent.findMany({
      where: { tenantId: t.tid, operation: 'expireRemediationActions' },
    });
    expect(events.map((e) => e.subject).sort()).toEqual(['late', 'system:expiry', 'system:expiry']);
    expect(
      await server.prisma.auditEvent.count({
        where: { tenantId: t.tid, operation: 'approveRemediationActions' },
      }),
    ).toBe(0);
  });

  it('cancels actions not yet final, and refuses final ones with INVALID_TRANSITION', async () => {
    const t = tenantOf(server);
    const { ids, investigationId } = await pendingActions(t, 2, 'cancel-01');
    await server.gqlData(APPROVE, { input: { ids: [ids[1]] } }, await t.tokens.responder());
    const result = await server.gqlData(
      CANCEL,
      { input: { ids, comment: 'false positive' } },
      await t.tokens.responder('erin'),
    );
    const [cancelled, completed] = result.cancelRemediationActions.outcomes;
    expect(cancelled.error).toBeNull();
    expect(cancelled.action).toMatchObject({ status: 'CANCELLED', decidedBy: 'erin' });
    expect(completed.error.code).toBe('INVALID_TRANSITION');
    expect(completed.action.status).toBe('COMPLETED');
    expect((await t.investigation(investigationId)).state).toBe('PARTIALLY_REMEDIATED');
  });
});
