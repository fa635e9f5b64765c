import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { globalId, rawId } from '../support/global-ids.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { AGENT_WORK_DISPATCHED, type Dispatched } from '../support/streams.js';
import { collect, waitFor } from '../support/subscriptions.js';
import { APPROVE, CANCEL, TAKE, tenantOf, UNDO } from '../support/workflow.js';

let server: TestServer;
beforeAll(async () => {
  // Endpoint agents carry actions out: nothing completes by itself.
  server = await startTestServer({ executor: 'agent' });
});
afterAll(() => server?.close());

const WORK = `{ agentWork { id type status operation path sha256 evidenceKind comment } }`;
/** A message with its ids blanked: "does not exist" must read the same whatever the id. */
const shape = (message: string) =>
  message.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<id>');
const gid = (id: string) => globalId('RemediationAction', id);
const REPORT = `mutation($input: ReportActionOutcomeInput!) { reportActionOutcome(input: $input) { id status error { code message } } }`;

async function setup() {
  const t = tenantOf(server);
  const group = await t.group('Approval', 'SEMI_REQUIRE_APPROVAL_ANY');
  const device = await t.device('agent-host', group.id);
  const other = await t.device('other-host', group.id);
  const reported = await t.reportAlert(device.id, [
    { kind: 'FILE', path: 'D:\\a\\one.exe', verdict: 'MALICIOUS' },
    { kind: 'FILE', path: 'D:\\a\\two.exe', verdict: 'MALICIOUS' },
  ]);
  await t.submit(reported.investigation!.id, [], true);
  const actions = await server.prisma.remediationAction.findMany({
    where: { tenantId: t.tid },
    orderBy: { createdAt: 'asc' },
  });
  const ids = actions.map((a) => globalId('RemediationAction', a.id));
  const rawDevice = rawId(device.id);
  const rawOther = rawId(other.id);
  return {
    t,
    device,
    other,
    ids,
    investigationId: reported.investigation!.id,
    agent: await t.tokens.agent(rawDevice),
    otherAgent: await t.tokens.agent(rawOther),
  };
}

describe('the agent API (QUELL_EXECUTOR=agent)', () => {
  it("pushes its device's dispatched work, execute and undo, from a cursor read before it fetched, and nothing of other devices", async () => {
    const s = await setup();
    const responder = await s.t.tokens.responder('alice');
    // Start-up: the cursor, then the outstanding work (none yet), then the subscription from the cursor.
    const { actionStreamCursor } = await server.gqlData('{ actionStreamCursor }', {}, s.agent);
    expect((await server.gqlData(WORK, {}, s.agent)).agentWork).toEqual([]);
    await server.gqlData(APPROVE, { input: { ids: [s.ids[0]] } }, responder); // between fetch and subscribe
    const mine = collect<Dispatched>(
      server.wsClient({ authorization: `Bearer ${s.agent}` }),
      AGENT_WORK_DISPATCHED,
      { after: actionStreamCursor },
    );
    const theirs = collect<Dispatched>(
      server.wsClient({ authorization: `Bearer ${s.otherAgent}` }),
      AGENT_WORK_DISPATCHED,
    );
    await waitFor(() => server.streams.stats(s.t.tid).subscribers === 2, 'both agents subscribed');

    const [first] = await mine.untilCount(1);
    expect(first!.agentWorkDispatched.work).toMatchObject({
      id: s.ids[0],
      type: 'QUARANTINE_FILE',
      operation: 'EXECUTE',
      status: 'IN_PROGRESS',
    });
    expect(first!.agentWorkDispatched.work.path).toMatch(/^D:\\a\\(one|two)\.exe$/);
    await server.gqlData(REPORT, { input: { actionId: s.ids[0], outcome: 'COMPLETED' } }, s.agent);
    await server.gqlData(UNDO, { input: { ids: [s.ids[0]] } }, responder);
    const [, second] = await mine.untilCount(2);
    expect(second!.agentWorkDispatched.work).toMatchObject({
      id: s.ids[0],
      operation: 'UNDO',
      status: 'UNDO_IN_PROGRESS',
    });

    // A reconnect from the first cursor hands out only what is still outstanding: the undo, not the done execution.
    const replay = collect<Dispatched>(
      server.wsClient({ authorization: `Bearer ${s.agent}` }),
      AGENT_WORK_DISPATCHED,
      { after: actionStreamCursor },
    );
    const [again] = await replay.untilCount(1);
    expect(again!.agentWorkDispatched.work).toMatchObject({ id: s.ids[0], operation: 'UNDO' });
    expect(again!.agentWorkDispatched.cursor).toBe(second!.agentWorkDispatched.cursor);

    // Markers, one per agent, after everything: anything wrongly delivered would arrive before.
    await server.gqlData(APPROVE, { input: { ids: [s.ids[1]] } }, responder);
    const isolate = { type: 'ISOLATE_DEVICE', deviceId: s.other.id, comment: 'marker' };
    await server.gqlData(TAKE, { input: isolate }, responder);
    const theirWork = await theirs.untilCount(1);
    expect(theirWork.map((e) => e.agentWorkDispatched.work.type)).toEqual(['ISOLATE_DEVICE']);
    const myWork = (await mine.untilCount(3)).map((e) => e.agentWorkDispatched.work.id);
    expect(myWork).toEqual([s.ids[0], s.ids[0], s.ids[1]]);
    const replayed = (await replay.untilCount(2)).map((e) => e.agentWorkDispatched.work.id);
    expect(replayed).toEqual([s.ids[0], s.ids[1]]);
    // Only agents subscribe to work: a responder is refused.
    const refused = collect<Dispatched>(
      server.wsClient({ authorization: `Bearer ${responder}` }),
      AGENT_WORK_DISPATCHED,
    );
    expect((await refused.untilError()) as { extensions?: { code?: string } }[]).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN' }) }),
    ]);
  });

  it("lists its device's dispatched work and settles it through the status machine", async () => {
    const s = await setup();
    const responder = await s.t.tokens.responder('alice');
    const [first] = s.ids as [string, string];
    const approved = await server.gqlData(APPROVE, { input: { ids: s.ids } }, responder);
    expect(approved.approveRemediationActions.outcomes.map((o: any) => o.action.status)).toEqual([
      'IN_PROGRESS',
      'IN_PROGRESS',
    ]);
    expect((await s.t.investigation(s.investigationId)).state).toBe('RUNNING');

    const work = (await server.gqlData(WORK, {}, s.agent)).agentWork;
    expect(work.map((w: any) => [w.id, w.operation, w.type, w.evidenceKind]).sort()).toEqual(
      [
        [s.ids[0], 'EXECUTE', 'QUARANTINE_FILE', 'FILE'],
        [s.ids[1], 'EXECUTE', 'QUARANTINE_FILE', 'FILE'],
      ].sort(),
    );
    expect(work.map((w: any) => w.path).sort()).toEqual(['D:\\a\\one.exe', 'D:\\a\\two.exe']);
    expect((await server.gqlData(WORK, {}, s.otherAgent)).agentWork).toEqual([]);

    // Another device's agent cannot touch it.
    const foreign = await server.gqlData(
      REPORT,
      { input: { actionId: s.ids[0], outcome: 'COMPLETED' } },
      s.otherAgent,
    );
    expect(foreign.reportActionOutcome).toMatchObject({
      status: null,
      error: { code: 'NOT_FOUND' },
    });

    const done = await server.gqlData(
      REPORT,
      { input: { actionId: s.ids[0], outcome: 'COMPLETED' } },
      s.agent,
    );
    expect(done.reportActionOutcome).toMatchObject({
      id: s.ids[0],
      status: 'COMPLETED',
      error: null,
    });
    const failed = await server.gqlData(
      REPORT,
      { input: { actionId: s.ids[1], outcome: 'FAILED', failureReason: 'file locked' } },
      s.agent,
    );
    expect(failed.reportActionOutcome).toMatchObject({ status: 'FAILED', error: null });
    const row = await server.prisma.remediationAction.findFirstOrThrow({
      where: { tenantId: s.t.tid, status: 'FAILED' },
      include: { evidence: true },
    });
    expect(row.failureReason).toBe('file locked');
    expect(row.evidence?.remediationStatus).toBe('FAILED');
    const investigation = await s.t.investigation(s.investigationId);
    expect(investigation.state).toBe('PARTIALLY_REMEDIATED');
    expect(investigation.incident.remediationStatus).toBe('PARTIALLY_REMEDIATED');

    const late = await server.gqlData(
      REPORT,
      { input: { actionId: s.ids[0], outcome: 'FAILED' } },
      s.agent,
    );
    expect(late.reportActionOutcome.error.code).toBe('INVALID_TRANSITION');

    // Undo goes to the agent too; a failed undo leaves the action COMPLETED with the failure recorded.
    const undo = await server.gqlData(UNDO, { input: { ids: [s.ids[0]] } }, responder);
    expect(undo.undoRemediationActions.outcomes[0].action.status).toBe('UNDO_IN_PROGRESS');
    expect(
      (await server.gqlData(WORK, {}, s.agent)).agentWork.map((w: any) => w.operation),
    ).toEqual(['UNDO']);
    await server.gqlData(
      REPORT,
      { input: { actionId: s.ids[0], outcome: 'FAILED', failureReason: 'agent offline' } },
      s.agent,
    );
    const afterFailure = await s.t.action(first);
    expect(afterFailure).toMatchObject({ status: 'COMPLETED', undoneBy: null });
    expect(afterFailure.evidence.remediationStatus).toBe('REMEDIATED');
    await server.gqlData(UNDO, { input: { ids: [s.ids[0]] } }, await s.t.tokens.responder('bob'));
    await server.gqlData(REPORT, { input: { actionId: s.ids[0], outcome: 'COMPLETED' } }, s.agent);
    expect(await s.t.action(first)).toMatchObject({
      status: 'UNDONE',
      undoneBy: 'bob',
      evidence: { remediationStatus: 'RESTORED' },
    });
  });

  it('gives only agents with a device their work', async () => {
    const s = await setup();
    const noDevice = await s.t.token({ roles: ['agent'] });
    expect((await server.gql(WORK, {}, noDevice)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(
      (await server.gql(WORK, {}, await s.t.tokens.responder())).errors?.[0]?.extensions?.code,
    ).toBe('FORBIDDEN');
    const report = await server.gql(
      REPORT,
      { input: { actionId: s.ids[0], outcome: 'COMPLETED' } },
      await s.t.tokens.admin(),
    );
    expect(report.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('manual response actions while open', () => {
  it('returns the open action instead of a duplicate, also under concurrent requests, until it is settled', async () => {
    const s = await setup();
    const token = await s.t.tokens.responder('rick');
    const input = { type: 'ISOLATE_DEVICE', deviceId: s.device.id, comment: 'contain the host' };
    const results = await Promise.all(
      Array.from({ length: 6 }, () => server.gqlData(TAKE, { input }, token)),
    );
    const ids = new Set(results.map((r) => r.takeResponseAction.action.id));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => !r.takeResponseAction.alreadyRequested)).toHaveLength(1);
    const [firstResult] = results;
    expect(firstResult!.takeResponseAction.action).toMatchObject({
      status: 'IN_PROGRESS',
      source: 'MANUAL',
      requestedBy: 'rick',
      comment: 'contain the host',
    });
    // File actions are one per file: another sha256 is another target.
    const sha1 = 'a'.repeat(64);
    const sha2 = 'b'.repeat(64);
    const f1 = await server.gqlData(
      TAKE,
      {
        input: {
          type: 'STOP_AND_QUARANTINE_FILE',
          deviceId: s.device.id,
          sha256: sha1,
          comment: 'x',
        },
      },
      token,
    );
    const f2 = await server.gqlData(
      TAKE,
      {
        input: {
          type: 'STOP_AND_QUARANTINE_FILE',
          deviceId: s.device.id,
          sha256: sha2.toUpperCase(),
          comment: 'x',
        },
      },
      token,
    );
    const f1again = await server.gqlData(
      TAKE,
      {
        input: {
          type: 'STOP_AND_QUARANTINE_FILE',
          deviceId: s.device.id,
          sha256: sha1.toUpperCase(),
          comment: 'x',
        },
      },
      token,
    );
    expect(f2.takeResponseAction.action.id).not.toBe(f1.takeResponseAction.action.id);
    expect(f1again.takeResponseAction).toMatchObject({
      alreadyRequested: true,
      action: { id: f1.takeResponseAction.action.id },
    });
    // Once cancelled, the target is free again.
    const cancelled = await server.gqlData(CANCEL, { input: { ids: [...ids] } }, token);
    expect(cancelled.cancelRemediationActions.outcomes[0].action.status).toBe('CANCELLED');
    const fresh = await server.gqlData(TAKE, { input }, token);
    expect(fresh.takeResponseAction.alreadyRequested).toBe(false);
    expect(fresh.takeResponseAction.action.id).not.toBe([...ids][0]);
  });

  it('carries out server-side actions itself: INITIATE_INVESTIGATION starts an investigation, ADD_INDICATOR adds one', async () => {
    const s = await setup();
    const token = await s.t.tokens.responder();
    const started = await server.gqlData(
      TAKE,
      { input: { type: 'INITIATE_INVESTIGATION', deviceId: s.other.id, comment: 'look around' } },
      token,
    );
    expect(started.takeResponseAction.action.status).toBe('COMPLETED');
    const investigations = await server.prisma.investigation.findMany({
      where: { tenantId: s.t.tid, devices: { some: { device: { hostname: 'other-host' } } } },
    });
    expect(investigations).toHaveLength(1);
    expect(investigations[0]!.state).toBe('RUNNING');
    const sha256 = 'c'.repeat(64);
    const indicator = await server.gqlData(
      TAKE,
      { input: { type: 'ADD_INDICATOR', deviceId: s.other.id, sha256, comment: 'block it' } },
      token,
    );
    expect(indicator.takeResponseAction.action).toMatchObject({
      status: 'COMPLETED',
      undoable: false,
    });
    expect(await server.prisma.indicator.findMany({ where: { tenantId: s.t.tid } })).toMatchObject([
      { sha256, action: 'BLOCK', comment: 'block it' },
    ]);
  });
});

describe('what an agent may touch: its own device, in its own tenant', () => {
  it("gives an agent nothing of another device's or tenant's work, also on a replay after its device changed", async () => {
    const t = tenantOf(server);
    const group = await t.group('Servers', 'FULL');
    const mine = await t.device('agent-mine', group.id);
    const other = await t.device('agent-other', group.id);
    const responder = await t.tokens.responder();
    const take = await server.gqlData(
      TAKE,
      { input: { type: 'ISOLATE_DEVICE', deviceId: mine.id, comment: 'x' } },
      responder,
    );
    const actionId = take.takeResponseAction.action.id as string;
    // The same subject with another device (a reinstalled agent), and another tenant's agent on the same device id.
    const onMine = await t.token({ sub: 'agent-7', roles: ['agent'], did: rawId(mine.id) });
    const onOther = await t.token({ sub: 'agent-7', roles: ['agent'], did: rawId(other.id) });
    const foreign = await tenantOf(server).token({
      sub: 'agent-7',
      roles: ['agent'],
      did: rawId(mine.id),
    });
    expect((await server.gqlData(WORK, {}, foreign)).agentWork).toEqual([]);
    expect((await server.gqlData(WORK, {}, onOther)).agentWork).toEqual([]);
    const refused = await server.gqlData(
      REPORT,
      { input: { actionId, outcome: 'COMPLETED' } },
      foreign,
    );
    expect(refused.reportActionOutcome).toMatchObject({
      status: null,
      error: { code: 'NOT_FOUND' },
    });

    const input = { actionId, outcome: 'COMPLETED', idempotencyKey: 'done-1' };
    expect((await server.gqlData(REPORT, { input }, onMine)).reportActionOutcome).toMatchObject({
      status: 'COMPLETED',
      error: null,
    });
    const replay = await server.gqlData(REPORT, { input }, onOther);
    const unknown = await server.gqlData(
      REPORT,
      { input: { actionId: gid(randomUUID()), outcome: 'COMPLETED' } },
      onOther,
    );
    expect(replay.reportActionOutcome).toMatchObject({
      id: actionId,
      status: null,
      error: { code: 'NOT_FOUND' },
    });
    expect(shape(replay.reportActionOutcome.error.message)).toBe(
      shape(unknown.reportActionOutcome.error.message),
    );
  });

  it("takes a device's API id as its agent claim, and refuses a claim naming no device as UNAUTHENTICATED", async () => {
    const t = tenantOf(server);
    const group = await t.group('Servers', 'FULL');
    const device = await t.device('agent-bad-did', group.id);
    // An admin mints the token with the API's global id, as a query shows it, instead of the raw id.
    const agent = await t.token({ sub: 'agent-g', roles: ['agent'], did: device.id });
    expect((await server.gql(WORK, {}, agent)).errors).toBeUndefined();
    const report = await server.gql(
      REPORT,
      { input: { actionId: gid(randomUUID()), outcome: 'COMPLETED' } },
      agent,
    );
    expect(report.data?.reportActionOutcome.error.code).toBe('NOT_FOUND');
    for (const did of ['not-a-device', globalId('Incident', randomUUID())]) {
      const garbled = await t.token({ sub: 'agent-g', roles: ['agent'], did });
      const result = await server.gql(WORK, {}, garbled);
      expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      const read = await server.gql(`{ devices { totalCount } }`, {}, garbled);
      expect(read.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
  });
});
