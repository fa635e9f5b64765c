// Concurrency: every decision is exactly one transition, whoever races it — an id given several
// times in one call, approve against cancel, undo against undo. Many approvers on many actions:
// remediation-approvals.test.ts; the stream log under concurrent writers: stream-resume.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { globalId, rawId } from '../support/global-ids.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { pendingAction, quarantinedEverywhere } from '../support/two-tenants.js';
import { APPROVE, CANCEL, tenantOf, UNDO } from '../support/workflow.js';

/** Simulated executor: actions complete at once. */
let server: TestServer;
/** Agent executor: actions stay IN_PROGRESS until an agent reports. */
let agents: TestServer;
beforeAll(async () => {
  [server, agents] = await Promise.all([startTestServer(), startTestServer({ executor: 'agent' })]);
});
afterAll(async () => {
  await Promise.all([server?.close(), agents?.close()]);
});

const gid = (id: string) => globalId('RemediationAction', id);
const WORK = `{ agentWork { id type status operation } }`;

describe('concurrency: exactly one transition per decision', () => {
  it('decides an id given several times in one call (also spelled differently) once', async () => {
    const t = tenantOf(server);
    const p = await pendingAction(server, t, 'Approval', 'dup-1');
    const upper = gid(p.rawId.toUpperCase());
    const result = await server.gqlData(
      APPROVE,
      { input: { ids: [p.id, upper, p.id] } },
      await t.tokens.responder(),
    );
    const outcomes = result.approveRemediationActions.outcomes;
    expect(outcomes.map((o: any) => o.id)).toEqual([p.id, upper, p.id]);
    for (const outcome of outcomes)
      expect(outcome.action).toMatchObject({ id: p.id, status: 'COMPLETED' });
    const events = await server.prisma.streamEvent.findMany({
      where: { tenantId: t.tid, actionId: p.rawId },
      orderBy: { id: 'asc' },
    });
    expect(events.map((e) => `${e.previousStatus}->${e.status}`)).toEqual([
      'null->PENDING_APPROVAL',
      'PENDING_APPROVAL->IN_PROGRESS',
      'IN_PROGRESS->COMPLETED',
    ]);
    expect(
      await server.prisma.auditEvent.count({
        where: { tenantId: t.tid, operation: 'approveRemediationActions' },
      }),
    ).toBe(1);

    const undo = await server.gqlData(
      UNDO,
      { input: { ids: [upper, p.id], applyToAllInstances: true } },
      await t.tokens.responder(),
    );
    expect(undo.undoRemediationActions.outcomes.map((o: any) => o.action.status)).toEqual([
      'UNDONE',
      'UNDONE',
    ]);
    expect(
      await server.prisma.auditEvent.count({
        where: { tenantId: t.tid, operation: 'undoRemediationActions' },
      }),
    ).toBe(1);
  });

  it('races approve against cancel on the same actions: every success is one transition, and the events agree', async () => {
    const t = tenantOf(agents);
    const group = await t.group('Approval', 'SEMI_REQUIRE_APPROVAL_ANY');
    const device = await t.device('race-1', group.id);
    await t.reportAlert(
      device.id,
      Array.from({ length: 20 }, (_, i) => ({
        kind: 'FILE',
        path: `D:\\r\\${i}.exe`,
        verdict: 'SUSPICIOUS',
      })),
    );
    const rows = await agents.prisma.remediationAction.findMany({
      where: { tenantId: t.tid },
      orderBy: { id: 'asc' },
    });
    const ids = rows.map((r) => gid(r.id));
    const calls = [
      agents.gqlData(APPROVE, { input: { ids } }, await t.tokens.responder('approver')),
      agents.gqlData(
        CANCEL,
        { input: { ids: [...ids].reverse() } },
        await t.tokens.responder('canceller'),
      ),
      agents.gqlData(
        APPROVE,
        { input: { ids: [...ids].reverse() } },
        await t.tokens.responder('approver-2'),
      ),
      agents.gqlData(CANCEL, { input: { ids } }, await t.tokens.responder('canceller-2')),
    ];
    const results = await Promise.all(calls);
    const outcomes = results.flatMap(
      (r) => (r.approveRemediationActions ?? r.cancelRemediationActions).outcomes as any[],
    );
    for (const row of rows) {
      const successes = outcomes.filter((o) => o.id === gid(row.id) && o.error === null).length;
      const audit = await agents.prisma.auditEvent.count({
        where: {
          tenantId: t.tid,
          targetIds: { has: row.id },
          operation: { in: ['approveRemediationActions', 'cancelRemediationActions'] },
        },
      });
      const stream = await agents.prisma.streamEvent.findMany({
        where: { tenantId: t.tid, actionId: row.id },
        orderBy: { id: 'asc' },
      });
      expect(audit).toBe(successes);
      expect(stream).toHaveLength(successes + 1);
      // In agent mode nothing completes by itself: whoever won, the action ends CANCELLED, by one of two paths.
      expect([
        'PENDING_APPROVAL->CANCELLED',
        'PENDING_APPROVAL->IN_PROGRESS,IN_PROGRESS->CANCELLED',
      ]).toContain(
        stream
          .slice(1)
          .map((e) => `${e.previousStatus}->${e.status}`)
          .join(','),
      );
    }
    expect(await agents.gqlData(WORK, {}, await t.tokens.agent(rawId(device.id)))).toEqual({
      agentWork: [],
    });
  });

  it('races undo against undo (crossing applyToAllInstances): each instance is undone exactly once, no call fails', async () => {
    const t = tenantOf(server);
    const hosts = ['x-1', 'x-2', 'x-3', 'x-4'];
    const q = await quarantinedEverywhere(server, t, hosts);
    const responder = await t.tokens.responder();
    const results = await Promise.all(
      [...hosts, ...[...hosts].reverse()].map((h) =>
        server.gql(UNDO, { input: { ids: [q.ids[h]], applyToAllInstances: true } }, responder),
      ),
    );
    for (const result of results) expect(result.errors).toBeUndefined();
    const successes = results
      .flatMap((r) => (r.data as any).undoRemediationActions.outcomes as any[])
      .filter((o) => o.error === null);
    expect(successes.map((o) => o.id).sort()).toEqual(Object.values(q.ids).sort());
    for (const h of hosts) {
      expect((await t.action(q.ids[h]!)).status).toBe('UNDONE');
      expect(
        await server.prisma.auditEvent.count({
          where: {
            tenantId: t.tid,
            operation: 'undoRemediationActions',
            targetIds: { has: rawId(q.ids[h]!) },
          },
        }),
      ).toBe(1);
    }
  });
});
