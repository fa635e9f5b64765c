// The manual ADD_INDICATOR response action over the real server (SPEC §2.4, §7.1): it creates a
// real BLOCK indicator the policy engine then applies; idempotent; not undoable (delete instead).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';
import { collect, subscribers } from '../support/subscriptions.js';
import { footprint, sha, TAKE, tenantOf, UNDO } from '../support/workflow.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());
const subs = subscribers(() => server);
afterEach(() => subs.disposeAll());

const LIST = `{ indicators(first: 50) { totalCount edges { node { id sha256 action title createdBy } } } }`;
const CREATE = `mutation($input: CreateIndicatorInput!) { createIndicator(input: $input) { indicator { id } } }`;
const DELETE = `mutation($input: DeleteIndicatorInput!) { deleteIndicator(input: $input) { deletedId } }`;
const UPDATED = `subscription { remediationActionUpdated { status action { id type } } }`;
const AUDIT = `query($filter: AuditEventFilter) { auditEvents(first: 50, filter: $filter) {
  edges { node { operation subject targetType outcome after } } } }`;

describe('ADD_INDICATOR', () => {
  it('blocks the file tenant-wide: a real, audited indicator, streamed action, then applied to later findings', async () => {
    const t = tenantOf(server);
    const here = await t.device('addind-1', null);
    const elsewhere = await t.device('addind-2', null);
    const hash = sha();
    const client = await subs.client({ tid: t.tid, roles: ['viewer'] });
    const stream = collect(client, UPDATED);
    await subs.live(1, t.tid);
    const input = { type: 'ADD_INDICATOR', deviceId: here.id, sha256: hash, comment: 'Ransomware' };
    const taken = await server.gqlData(TAKE, { input }, await t.tokens.responder('ann'));
    const action = taken.takeResponseAction.action;
    expect(action).toMatchObject({ type: 'ADD_INDICATOR', status: 'COMPLETED', undoable: false });
    const events = await stream.untilCount(2);
    expect(
      events.map(
        (e: any) => `${e.remediationActionUpdated.action.id}:${e.remediationActionUpdated.status}`,
      ),
    ).toEqual([`${action.id}:IN_PROGRESS`, `${action.id}:COMPLETED`]);
    const list = await server.gqlData(LIST, {}, await t.tokens.viewer());
    expect(list.indicators.edges.map((e: any) => e.node)).toMatchObject([
      { sha256: hash, action: 'BLOCK', title: 'Ransomware', createdBy: 'ann' },
    ]);
    const audit = await server.gqlData(
      AUDIT,
      { filter: { targetTypes: ['Indicator'] } },
      await t.tokens.admin(),
    );
    expect(audit.auditEvents.edges.map((e: any) => e.node)).toMatchObject([
      { targetType: 'Indicator', outcome: 'CREATED' },
    ]);
    expect(JSON.parse(audit.auditEvents.edges[0].node.after)).toMatchObject({
      sha256: hash,
      action: 'BLOCK',
    });

    // The engine applies it: a clean verdict on that file elsewhere is remediated.
    const alert = await t.reportAlert(elsewhere.id, [
      { kind: 'FILE', path: 'D:\\x.exe', sha256: hash, verdict: 'NO_THREATS_FOUND' },
    ]);
    const investigation = await t.investigation(alert.investigation!.id);
    expect(investigation.incident.remediationStatus).toBe('REMEDIATED');
  });

  it('is idempotent: a replay returns the action, a second request adds no second indicator', async () => {
    const t = tenantOf(server);
    const device = await t.device('addind-3', null);
    const responder = await t.tokens.responder();
    const hash = sha();
    const input = { type: 'ADD_INDICATOR', deviceId: device.id, sha256: hash, comment: 'block' };
    const keyed = { ...input, idempotencyKey: 'add-ind-1' };
    const first = await server.gqlData(TAKE, { input: keyed }, responder);
    const replay = await server.gqlData(TAKE, { input: keyed }, responder);
    expect(replay.takeResponseAction.action.id).toBe(first.takeResponseAction.action.id);
    const reused = await server.gql(TAKE, { input: { ...keyed, comment: 'other' } }, responder);
    expect(reused.errors?.[0]?.extensions?.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const again = await server.gqlData(TAKE, { input }, responder);
    expect(again.takeResponseAction.action.status).toBe('COMPLETED');
    expect(again.takeResponseAction.action.id).not.toBe(first.takeResponseAction.action.id);
    const list = await server.gqlData(LIST, {}, responder);
    expect(list.indicators.totalCount).toBe(1);
    const audit = await server.gqlData(
      AUDIT,
      { filter: { targetTypes: ['Indicator'] } },
      await t.tokens.admin(),
    );
    expect(audit.auditEvents.edges).toHaveLength(1);
  });

  it('cannot be undone: the refusal says the indicator can be deleted, and deleting it works', async () => {
    const t = tenantOf(server);
    const device = await t.device('addind-4', null);
    const responder = await t.tokens.responder();
    const hash = sha();
    const taken = await server.gqlData(
      TAKE,
      { input: { type: 'ADD_INDICATOR', deviceId: device.id, sha256: hash, comment: 'block' } },
      responder,
    );
    const undo = await server.gqlData(
      UNDO,
      { input: { ids: [taken.takeResponseAction.action.id] } },
      responder,
    );
    const [outcome] = undo.undoRemediationActions.outcomes;
    expect(outcome.error).toEqual({
      code: 'NOT_UNDOABLE',
      message:
        'ADD_INDICATOR actions cannot be undone. The indicator it added can be deleted (deleteIndicator).',
    });
    expect(outcome.action.status).toBe('COMPLETED');
    const [indicator] = (await server.gqlData(LIST, {}, responder)).indicators.edges;
    await server.gqlData(DELETE, { input: { id: indicator.node.id } }, responder);
    expect((await server.gqlData(LIST, {}, responder)).indicators.totalCount).toBe(0);
  });

  it('refuses a file the tenant allows, a device out of scope and a viewer, changing nothing', async () => {
    const t = tenantOf(server);
    const scoped = await t.group('Scoped', 'FULL');
    const device = await t.device('addind-5', scoped.id);
    const allowed = sha();
    await server.gqlData(
      CREATE,
      { input: { sha256: allowed, action: 'ALLOW', title: 'Build tool' } },
      await t.tokens.responder(),
    );
    const before = await footprint(server, t.tid);
    const ask = (sha256: string) => ({
      input: { type: 'ADD_INDICATOR', deviceId: device.id, sha256, comment: 'block' },
    });
    const conflict = await server.gql(TAKE, ask(allowed), await t.tokens.responder());
    expect(conflict.errors?.[0]?.extensions).toMatchObject({
      code: 'CONFLICT',
      field: 'input.sha256',
    });
    expect(conflict.errors?.[0]?.message).toContain('delete that indicator');
    const outOfScope = await server.gql(
      TAKE,
      ask(sha()),
      await t.tokens.responder('bob', ['Other']),
    );
    expect(outOfScope.errors?.[0]?.extensions).toMatchObject({
      code: 'NOT_FOUND',
      field: 'input.deviceId',
    });
    const viewer = await server.gql(TAKE, ask(sha()), await t.tokens.viewer());
    expect(viewer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await footprint(server, t.tid)).toEqual(before);
    const list = await server.gqlData(LIST, {}, await t.tokens.viewer());
    expect(list.indicators.edges.map((e: any) => e.node.action)).toEqual(['ALLOW']);
  });
});
