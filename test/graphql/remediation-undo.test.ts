import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { globalId } from '../support/global-ids.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { sha, TAKE, tenantOf, UNDO } from '../support/workflow.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

const actionGlobalId = (id: string) => globalId('RemediationAction', id);

async function world() {
  const t = tenantOf(server);
  const servers = await t.group('Servers', 'FULL');
  const laptops = await t.group('Laptops', 'FULL');
  const approval = await t.group('Approval', 'SEMI_REQUIRE_APPROVAL_ANY');
  const s1 = await t.device('srv-1', servers.id);
  const s2 = await t.device('srv-2', servers.id);
  const l1 = await t.device('lap-1', laptops.id);
  const a1 = await t.device('appr-1', approval.id);
  const file = sha();
  // Seen on srv-2 and lap-1 first; found malicious on srv-1: quarantined at once everywhere (FULL).
  await t.reportAlert(s2.id, [{ kind: 'FILE', path: 'D:\\x\\bad.exe', sha256: file }]);
  await t.reportAlert(l1.id, [{ kind: 'FILE', path: 'D:\\y\\bad.exe', sha256: file }]);
  await t.reportAlert(s1.id, [
    { kind: 'FILE', path: 'D:\\z\\bad.exe', sha256: file, verdict: 'MALICIOUS' },
    { kind: 'PROCESS', path: 'D:\\z\\other.exe', processId: 12, verdict: 'MALICIOUS' },
  ]);
  await t.reportAlert(a1.id, [{ kind: 'FILE', path: 'D:\\w\\maybe.exe', verdict: 'SUSPICIOUS' }]);
  const actions = await server.prisma.remediationAction.findMany({
    where: { tenantId: t.tid },
    include: { device: true },
  });
  const find = (hostname: string, type: string) =>
    actionGlobalId(actions.find((a) => a.device.hostname === hostname && a.type === type)!.id);
  return {
    t,
    s1,
    quarantine: {
      s1: find('srv-1', 'QUARANTINE_FILE'),
      s2: find('srv-2', 'QUARANTINE_FILE'),
      l1: find('lap-1', 'QUARANTINE_FILE'),
    },
    kill: find('srv-1', 'KILL_PROCESS'),
    pending: find('appr-1', 'QUARANTINE_FILE'),
  };
}

describe('undo (SPEC §2.4)', () => {
  it('undoes a quarantine on every instance the caller may act on, lists them, and restores the evidence', async () => {
    const w = await world();
    const serversOnly = await w.t.tokens.responder('sam', ['Servers']);
    const result = await server.gqlData(
      UNDO,
      { input: { ids: [w.quarantine.s1], applyToAllInstances: true, comment: 'false positive' } },
      serversOnly,
    );
    const outcomes = result.undoRemediationActions.outcomes;
    expect(outcomes.map((o: any) => o.id)).toEqual([w.quarantine.s1, w.quarantine.s2]);
    for (const outcome of outcomes) {
      expect(outcome.error).toBeNull();
      expect(outcome.action).toMatchObject({ status: 'UNDONE', undoneBy: 'sam' });
      expect(outcome.action.evidence.remediationStatus).toBe('RESTORED');
    }
    // lap-1 is outside the caller's groups: untouched.
    expect((await w.t.action(w.quarantine.l1)).status).toBe('COMPLETED');
    // Undone once only.
    const again = await server.gqlData(UNDO, { input: { ids: [w.quarantine.s1] } }, serversOnly);
    expect(again.undoRemediationActions.outcomes[0].error.code).toBe('ALREADY_UNDONE');
    // Out of scope looks like missing.
    const hidden = await server.gqlData(UNDO, { input: { ids: [w.quarantine.l1] } }, serversOnly);
    expect(hidden.undoRemediationActions.outcomes[0]).toMatchObject({
      error: { code: 'NOT_FOUND' },
      action: null,
    });
    const audit = await server.prisma.auditEvent.findMany({
      where: { tenantId: w.t.tid, operation: 'undoRemediationActions' },
    });
    expect(audit).toHaveLength(2);
    expect(audit.every((a) => a.comment === 'false positive' && a.subject === 'sam')).toBe(true);
  });

  it('without applyToAllInstances undoes only the ids asked for', async () => {
    const w = await world();
    const result = await server.gqlData(
      UNDO,
      { input: { ids: [w.quarantine.l1] } },
      await w.t.tokens.responder(),
    );
    expect(result.undoRemediationActions.outcomes).toHaveLength(1);
    expect((await w.t.action(w.quarantine.s1)).status).toBe('COMPLETED');
  });

  it('refuses per id: NOT_UNDOABLE, NOT_COMPLETED', async () => {
    const w = await world();
    const token = await w.t.tokens.responder();
    const kill = await server.gqlData(UNDO, { input: { ids: [w.kill] } }, token);
    expect(kill.undoRemediationActions.outcomes[0].error.code).toBe('NOT_UNDOABLE');
    const pending = await server.gqlData(UNDO, { input: { ids: [w.pending] } }, token);
    expect(pending.undoRemediationActions.outcomes[0].error).toMatchObject({
      code: 'NOT_COMPLETED',
    });
    expect(pending.undoRemediationActions.outcomes[0].action.status).toBe('PENDING_APPROVAL');
  });

  it('refuses a mixed batch whole, naming the types, and changes nothing', async () => {
    const w = await world();
    const token = await w.t.tokens.responder();
    const result = await server.gql(
      UNDO,
      { input: { ids: [w.quarantine.s1, w.kill, w.quarantine.s2] } },
      token,
    );
    expect(result.errors?.[0]?.extensions).toMatchObject({
      code: 'MIXED_ACTION_TYPES',
      types: ['QUARANTINE_FILE', 'KILL_PROCESS'],
    });
    expect(result.errors?.[0]?.message).toContain('QUARANTINE_FILE, KILL_PROCESS');
    expect((await w.t.action(w.quarantine.s1)).status).toBe('COMPLETED');
    expect((await w.t.action(w.quarantine.s2)).status).toBe('COMPLETED');
    expect(
      await server.prisma.auditEvent.count({
        where: { tenantId: w.t.tid, operation: 'undoRemediationActions' },
      }),
    ).toBe(0);
  });

  it('releases an isolated device and lifts a code execution restriction', async () => {
    const w = await world();
    const token = await w.t.tokens.responder('rita');
    const isolate = await server.gqlData(
      TAKE,
      { input: { type: 'ISOLATE_DEVICE', deviceId: w.s1.id, comment: 'contain' } },
      token,
    );
    expect(isolate.takeResponseAction.action).toMatchObject({
      status: 'COMPLETED',
      undoable: true,
      device: { isolated: true },
    });
    const restrict = await server.gqlData(
      TAKE,
      { input: { type: 'RESTRICT_CODE_EXECUTION', deviceId: w.s1.id, comment: 'lock' } },
      token,
    );
    expect(restrict.takeResponseAction.action.device.codeExecutionRestricted).toBe(true);
    const released = await server.gqlData(
      UNDO,
      { input: { ids: [isolate.takeResponseAction.action.id] } },
      token,
    );
    expect(released.undoRemediationActions.outcomes[0].action).toMatchObject({
      status: 'UNDONE',
      device: { isolated: false, codeExecutionRestricted: true },
    });
    const lifted = await server.gqlData(
      UNDO,
      { input: { ids: [restrict.takeResponseAction.action.id] } },
      token,
    );
    expect(lifted.undoRemediationActions.outcomes[0].action.device.codeExecutionRestricted).toBe(
      false,
    );
    // Manual actions that cannot be undone.
    const scan = await server.gqlData(
      TAKE,
      { input: { type: 'RUN_ANTIVIRUS_SCAN', deviceId: w.s1.id, comment: 'scan' } },
      token,
    );
    const refused = await server.gqlData(
      UNDO,
      { input: { ids: [scan.takeResponseAction.action.id] } },
      token,
    );
    expect(refused.undoRemediationActions.outcomes[0].error.code).toBe('NOT_UNDOABLE');
  });
});
