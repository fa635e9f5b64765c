// Scope (SPEC §5) on every mutation path: an action, device or investigation of another device
// group or another tenant reads exactly like one that does not exist, also when a call is replayed
// after the caller lost a group. Reads: read-api.test.ts; streams: stream-scope.test.ts.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { globalId } from '../support/global-ids.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { pendingAction, quarantinedEverywhere, twoTenants } from '../support/two-tenants.js';
import {
  APPROVE,
  CANCEL,
  footprint,
  REJECT,
  REPORT_ALERT,
  SUBMIT,
  sha,
  TAKE,
  tenantOf,
  UNDO,
} from '../support/workflow.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

const gid = (id: string) => globalId('RemediationAction', id);
/** A message with its ids blanked: "does not exist" must read the same whatever the id. */
const shape = (message: string) =>
  message.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<id>');
/** The name of the group the two-tenant world's pending actions are in. */
const OTHER_GROUP = 'Approval';

describe('scope (SPEC §5): out of scope reads exactly like "does not exist", on every mutation path', () => {
  it("lets a responder act only on its groups' devices: others look like they do not exist", async () => {
    const { a: t, b } = await twoTenants(server);
    const mine = await pendingAction(server, t, 'Mine', 'mine-1');
    const theirs = t.pending;
    const scoped = await t.tokens.responder('scoped', ['Mine']);
    const result = await server.gqlData(APPROVE, { input: { ids: [mine.id, theirs.id] } }, scoped);
    const [ok, hidden] = result.approveRemediationActions.outcomes;
    expect(ok.error).toBeNull();
    expect(hidden).toMatchObject({ id: theirs.id, action: null, error: { code: 'NOT_FOUND' } });
    expect(hidden.error.message).not.toContain(OTHER_GROUP);
    const take = await server.gql(
      TAKE,
      { input: { type: 'ISOLATE_DEVICE', deviceId: theirs.device.id, comment: 'x' } },
      scoped,
    );
    expect(take.errors?.[0]?.extensions).toMatchObject({
      code: 'NOT_FOUND',
      field: 'input.deviceId',
    });
    expect(
      (
        await server.prisma.remediationAction.findFirstOrThrow({
          where: { tenantId: t.tid, device: { hostname: theirs.device.hostname } },
        })
      ).status,
    ).toBe('PENDING_APPROVAL');
    // Another tenant's ids do not exist either.
    const stranger = await b.tokens.responder('stranger');
    const foreign = await server.gqlData(APPROVE, { input: { ids: [theirs.id] } }, stranger);
    expect(foreign.approveRemediationActions.outcomes[0].error.code).toBe('NOT_FOUND');
  });

  it('answers reject, cancel and undo on another group or tenant with the NOT_FOUND of an unknown id, and changes nothing', async () => {
    const { a: t, b } = await twoTenants(server);
    const theirs = t.pending; // in group Approval, which the scoped token does not name
    const q = await quarantinedEverywhere(server, t, ['q-mine', 'q-theirs']);
    // Also a completed isolation out of scope: a type that would make the undo batch mixed if it counted.
    const theirsIsolated = (
      await server.gqlData(
        TAKE,
        { input: { type: 'ISOLATE_DEVICE', deviceId: theirs.device.id, comment: 'x' } },
        await t.tokens.responder(),
      )
    ).takeResponseAction.action.id as string;
    const scoped = await t.token({ sub: 'scoped', roles: ['responder'], groups: ['G-q-mine'] });
    const stranger = await b.tokens.responder('stranger');
    const unknown = gid(randomUUID());
    const unknownMessage = shape(
      (await server.gqlData(REJECT, { input: { ids: [unknown] } }, scoped)).rejectRemediationActions
        .outcomes[0].error.message,
    );
    const before = await footprint(server, t.tid);

    for (const bearer of [scoped, stranger]) {
      for (const [query, field] of [
        [REJECT, 'rejectRemediationActions'],
        [CANCEL, 'cancelRemediationActions'],
        [APPROVE, 'approveRemediationActions'],
      ] as const) {
        const result = await server.gqlData(
          query,
          { input: { ids: [theirs.id], comment: 'nope' } },
          bearer,
        );
        expect(result[field].outcomes, field).toEqual([
          {
            id: theirs.id,
            action: null,
            error: { code: 'NOT_FOUND', message: expect.any(String) },
          },
        ]);
        expect(shape(result[field].outcomes[0].error.message)).toBe(unknownMessage);
      }
      const undo = await server.gqlData(
        UNDO,
        { input: { ids: [q.ids['q-theirs'], theirsIsolated], applyToAllInstances: true } },
        bearer,
      );
      for (const outcome of undo.undoRemediationActions.outcomes) {
        expect(outcome).toMatchObject({ action: null, error: { code: 'NOT_FOUND' } });
        expect(shape(outcome.error.message)).toBe(unknownMessage);
      }
      expect(undo.undoRemediationActions.outcomes).toHaveLength(2);
    }
    expect(await footprint(server, t.tid)).toEqual(before);

    // An out-of-scope action of another type does not make the caller's batch mixed, and is not undone.
    const mixed = await server.gqlData(
      UNDO,
      { input: { ids: [q.ids['q-mine'], theirsIsolated], applyToAllInstances: true } },
      scoped,
    );
    const outcomes = mixed.undoRemediationActions.outcomes;
    expect(outcomes).toHaveLength(2);
    expect(outcomes[0]).toMatchObject({
      id: q.ids['q-mine'],
      error: null,
      action: { status: 'UNDONE' },
    });
    expect(outcomes[1]).toMatchObject({
      id: theirsIsolated,
      action: null,
      error: { code: 'NOT_FOUND' },
    });
    expect((await t.action(q.ids['q-theirs']!)).status).toBe('COMPLETED');
    expect((await t.action(theirsIsolated)).status).toBe('COMPLETED');
  });

  it('replays a bulk approve after the subject lost a group: ids now out of scope read NOT_FOUND, like unknown ids', async () => {
    const t = tenantOf(server);
    const mine = await pendingAction(server, t, 'Mine', 'mine-1');
    const theirs = await pendingAction(server, t, 'Theirs', 'theirs-1');
    const wide = await t.token({ sub: 'sam', roles: ['responder'], groups: ['Mine', 'Theirs'] });
    const narrow = await t.token({ sub: 'sam', roles: ['responder'], groups: ['Mine'] });
    const input = { ids: [mine.id, theirs.id], idempotencyKey: 'approve-both' };
    const first = await server.gqlData(APPROVE, { input }, wide);
    expect(first.approveRemediationActions.outcomes.map((o: any) => o.error)).toEqual([null, null]);
    const auditBefore = await server.prisma.auditEvent.count({ where: { tenantId: t.tid } });

    const replay = await server.gqlData(APPROVE, { input }, narrow);
    const [ok, hidden] = replay.approveRemediationActions.outcomes;
    expect(ok).toMatchObject({ id: mine.id, error: null, action: { status: 'COMPLETED' } });
    expect(hidden).toEqual({
      id: theirs.id,
      action: null,
      error: { code: 'NOT_FOUND', message: expect.any(String) },
    });
    const unknown = await server.gqlData(APPROVE, { input: { ids: [gid(randomUUID())] } }, narrow);
    expect(shape(hidden.error.message)).toBe(
      shape(unknown.approveRemediationActions.outcomes[0].error.message),
    );
    expect(await server.prisma.auditEvent.count({ where: { tenantId: t.tid } })).toBe(auditBefore);
  });

  it('replays an undo applied to all instances after the subject lost a group: the instances now out of scope are not listed', async () => {
    const t = tenantOf(server);
    const q = await quarantinedEverywhere(server, t, ['u-1', 'u-2', 'u-3']);
    const wide = await t.token({
      sub: 'uma',
      roles: ['responder'],
      groups: ['G-u-1', 'G-u-2', 'G-u-3'],
    });
    const narrow = await t.token({ sub: 'uma', roles: ['responder'], groups: ['G-u-1'] });
    const input = { ids: [q.ids['u-1']], applyToAllInstances: true, idempotencyKey: 'undo-all' };
    const first = await server.gqlData(UNDO, { input }, wide);
    expect(first.undoRemediationActions.outcomes).toHaveLength(3);
    const replay = await server.gqlData(UNDO, { input }, narrow);
    expect(replay.undoRemediationActions.outcomes).toEqual([
      expect.objectContaining({
        id: q.ids['u-1'],
        error: null,
        action: expect.objectContaining({ status: 'UNDONE' }),
      }),
    ]);
  });

  it('replays a manual action after the subject lost the group: NOT_FOUND on input.deviceId, as for a device that does not exist', async () => {
    const t = tenantOf(server);
    const theirs = await pendingAction(server, t, 'Theirs', 'theirs-1');
    const wide = await t.token({ sub: 'tom', roles: ['responder'], groups: ['Theirs'] });
    const narrow = await t.token({ sub: 'tom', roles: ['responder'], groups: ['Mine'] });
    const input = {
      type: 'ISOLATE_DEVICE',
      deviceId: theirs.device.id,
      comment: 'contain',
      idempotencyKey: 'iso-1',
    };
    expect((await server.gqlData(TAKE, { input }, wide)).takeResponseAction.action.status).toBe(
      'COMPLETED',
    );
    const fresh = await server.gql(
      TAKE,
      { input: { ...input, idempotencyKey: undefined } },
      narrow,
    );
    expect(fresh.errors?.[0]?.extensions).toMatchObject({
      code: 'NOT_FOUND',
      field: 'input.deviceId',
    });
    const replay = await server.gql(TAKE, { input }, narrow);
    expect(replay.data ?? null).toBeNull();
    expect(replay.errors?.[0]?.extensions).toEqual(fresh.errors?.[0]?.extensions);
    expect(replay.errors?.[0]?.message).toBe(fresh.errors?.[0]?.message);
  });

  it('replays reportAlert and submitInvestigationFindings after the ingest subject lost the group: NOT_FOUND naming the field', async () => {
    const t = tenantOf(server);
    const group = await t.group('Edge', 'FULL');
    const device = await t.device('edge-1', group.id);
    const wide = await t.token({ sub: 'det', roles: ['ingest'], groups: ['Edge'] });
    const narrow = await t.token({ sub: 'det', roles: ['ingest'], groups: ['Elsewhere'] });
    const alertInput = {
      deviceId: device.id,
      title: 'x',
      severity: 'LOW',
      evidence: [],
      idempotencyKey: 'alert-1',
    };
    const reported = await server.gqlData(REPORT_ALERT, { input: alertInput }, wide);
    const replayAlert = await server.gql(REPORT_ALERT, { input: alertInput }, narrow);
    expect(replayAlert.errors?.[0]?.extensions).toMatchObject({
      code: 'NOT_FOUND',
      field: 'input.deviceId',
    });

    const submitInput = {
      investigationId: reported.reportAlert.investigation.id,
      findings: [{ evidence: { kind: 'FILE', path: 'D:\\f.exe' }, verdict: 'MALICIOUS' }],
      idempotencyKey: 'submit-1',
    };
    await server.gqlData(SUBMIT, { input: submitInput }, wide);
    const replaySubmit = await server.gql(SUBMIT, { input: submitInput }, narrow);
    expect(replaySubmit.errors?.[0]?.extensions).toMatchObject({
      code: 'NOT_FOUND',
      field: 'input.investigationId',
    });
  });

  it("puts new evidence without a device on the investigation's first device the caller may see, never on one it may not", async () => {
    const t = tenantOf(server);
    const hidden = await t.group('Hidden', 'SEMI_REQUIRE_APPROVAL_ANY');
    const mine = await t.group('Mine', 'SEMI_REQUIRE_APPROVAL_ANY');
    const onHidden = await t.device('first-hidden', hidden.id);
    const onMine = await t.device('later-mine', mine.id);
    const threat = sha();
    // The file was seen on my device; the investigation starts on the hidden one, and the verdict spreads it to mine.
    await t.reportAlert(onMine.id, [{ kind: 'FILE', path: 'D:\\seen.exe', sha256: threat }]);
    const origin = await t.reportAlert(onHidden.id, [
      { kind: 'FILE', path: 'D:\\seen.exe', sha256: threat, verdict: 'MALICIOUS' },
    ]);
    const covered = await t.investigation(origin.investigation!.id);
    expect(covered.devices.map((d: { hostname: string }) => d.hostname)).toEqual([
      'first-hidden',
      'later-mine',
    ]);

    const limited = await t.token({ sub: 'det-mine', roles: ['ingest'], groups: ['Mine'] });
    const input = {
      investigationId: origin.investigation!.id,
      findings: [{ evidence: { kind: 'FILE', path: 'D:\\new.exe' }, verdict: 'SUSPICIOUS' }],
    };
    const result = await server.gqlData(SUBMIT, { input }, limited);
    expect(
      result.submitInvestigationFindings.remediationActions.map(
        (a: { device: { hostname: string } }) => a.device.hostname,
      ),
    ).toEqual(['later-mine']);
    const placed = await server.prisma.evidence.findFirstOrThrow({
      where: { tenantId: t.tid, path: 'D:\\new.exe' },
      include: { device: true },
    });
    expect(placed.device.hostname).toBe('later-mine');
  });
});
