import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { globalId, rawId } from '../support/global-ids.js';
import { startTestServer, type TestServer } from '../support/server.js';
import {
  APPROVE,
  CANCEL,
  footprint,
  REJECT,
  REPORT_ALERT,
  SUBMIT,
  sha,
  TAKE,
  type Tenant,
  tenantOf,
  UNDO,
} from '../support/workflow.js';

// Hostile and careless clients against the remediation mutations: scope (also through replays),
// idempotency keys of other tenants and subjects, bad input, races, roles.

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
const rawOf = (globalId: string) => rawId(globalId);
/** A message with its ids blanked: "does not exist" must read the same whatever the id. */
const shape = (message: string) =>
  message.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<id>');
const WORK = `{ agentWork { id type status operation } }`;
const REPORT = `mutation($input: ReportActionOutcomeInput!) { reportActionOutcome(input: $input) { id status error { code message } } }`;

/** One pending QUARANTINE_FILE on a new device of a new SEMI_REQUIRE_APPROVAL_ANY group. */
async function pendingOn(s: TestServer, t: Tenant, groupName: string, hostname: string) {
  const group = await t.group(groupName, 'SEMI_REQUIRE_APPROVAL_ANY');
  const device = await t.device(hostname, group.id);
  const reported = await t.reportAlert(device.id, [
    { kind: 'FILE', path: `D:\\${hostname}.exe`, verdict: 'SUSPICIOUS' },
  ]);
  const action = await s.prisma.remediationAction.findFirstOrThrow({
    where: { tenantId: t.tid, device: { hostname } },
  });
  return { device, reported, id: gid(action.id), rawId: action.id };
}

/** One file quarantined (completed) on each of `hostnames`, each in its own FULL group named after it. */
async function quarantinedEverywhere(t: Tenant, hostnames: readonly string[]) {
  const file = sha();
  const devices = [];
  for (const hostname of hostnames) {
    const group = await t.group(`G-${hostname}`, 'FULL');
    const device = await t.device(hostname, group.id);
    devices.push(device);
    await t.reportAlert(device.id, [
      { kind: 'FILE', path: `D:\\seen\\${hostname}.exe`, sha256: file },
    ]);
  }
  // Found malicious on the first: spread to the others, quarantined at once everywhere (FULL).
  await t.reportAlert(devices[0]!.id, [
    { kind: 'FILE', path: 'D:\\found\\bad.exe', sha256: file, verdict: 'MALICIOUS' },
  ]);
  const actions = await server.prisma.remediationAction.findMany({
    where: { tenantId: t.tid, type: 'QUARANTINE_FILE' },
    include: { device: true },
  });
  const byHost = Object.fromEntries(
    hostnames.map((h) => [h, actions.filter((a) => a.device.hostname === h)]),
  );
  for (const h of hostnames) {
    expect(byHost[h], h).toHaveLength(1);
    expect(byHost[h]![0]!.status).toBe('COMPLETED');
  }
  return {
    devices,
    ids: Object.fromEntries(hostnames.map((h) => [h, gid(byHost[h]![0]!.id)])) as Record<
      string,
      string
    >,
  };
}

describe('scope (SPEC §5): out of scope reads exactly like "does not exist", on every mutation path', () => {
  it('answers reject, cancel and undo on another group or tenant with the NOT_FOUND of an unknown id, and changes nothing', async () => {
    const t = tenantOf(server);
    const theirs = await pendingOn(server, t, 'Theirs', 'theirs-1');
    const q = await quarantinedEverywhere(t, ['q-mine', 'q-theirs']);
    // Also a completed isolation out of scope: a type that would make the undo batch mixed if it counted.
    const theirsIsolated = (
      await server.gqlData(
        TAKE,
        { input: { type: 'ISOLATE_DEVICE', deviceId: theirs.device.id, comment: 'x' } },
        await t.tokens.responder(),
      )
    ).takeResponseAction.action.id as string;
    const scoped = await t.token({ sub: 'scoped', roles: ['responder'], groups: ['G-q-mine'] });
    const stranger = await tenantOf(server).tokens.responder('stranger');
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
    const mine = await pendingOn(server, t, 'Mine', 'mine-1');
    const theirs = await pendingOn(server, t, 'Theirs', 'theirs-1');
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
    const q = await quarantinedEverywhere(t, ['u-1', 'u-2', 'u-3']);
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
    const theirs = await pendingOn(server, t, 'Theirs', 'theirs-1');
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

describe('idempotency keys belong to one tenant and one subject', () => {
  it('lets another tenant and another subject use the same key and act normally', async () => {
    const a = tenantOf(server);
    const b = tenantOf(server);
    const pa = await pendingOn(server, a, 'Approval', 'key-a');
    const pb = await pendingOn(server, b, 'Approval', 'key-b');
    // The same subject name in both tenants, the same key.
    const first = await server.gqlData(
      APPROVE,
      { input: { ids: [pa.id], idempotencyKey: 'shared' } },
      await a.tokens.responder('ops'),
    );
    expect(first.approveRemediationActions.outcomes[0].error).toBeNull();
    const other = await server.gqlData(
      APPROVE,
      { input: { ids: [pb.id], idempotencyKey: 'shared' } },
      await b.tokens.responder('ops'),
    );
    expect(other.approveRemediationActions.outcomes[0]).toMatchObject({
      id: pb.id,
      error: null,
      action: { status: 'COMPLETED' },
    });
    // Another subject of tenant a, the same key and input: a call of its own, the action is already decided.
    const colleague = await server.gqlData(
      APPROVE,
      { input: { ids: [pa.id], idempotencyKey: 'shared' } },
      await a.tokens.responder('colleague'),
    );
    expect(colleague.approveRemediationActions.outcomes[0].error).toMatchObject({
      code: 'ALREADY_DECIDED',
    });
    expect(colleague.approveRemediationActions.outcomes[0].error.message).toContain('ops');
    // Garbled ids decode alike in every tenant: the same key and input in another tenant is still its own call.
    const ga = await server.gqlData(
      REJECT,
      { input: { ids: ['garbage'], idempotencyKey: 'g' } },
      await a.tokens.responder('ops'),
    );
    const gb = await server.gqlData(
      REJECT,
      { input: { ids: [pb.id], idempotencyKey: 'g' } },
      await b.tokens.responder('ops'),
    );
    expect(ga.rejectRemediationActions.outcomes[0].error.code).toBe('NOT_FOUND');
    expect(gb.rejectRemediationActions.outcomes[0].error.code).toBe('ALREADY_DECIDED');
  });

  it('treats an omitted optional and its default (null comment, applyToAllInstances false) as the same request on retry', async () => {
    const t = tenantOf(server);
    const group = await t.group('Auto', 'FULL');
    const device = await t.device('retry-1', group.id);
    await t.reportAlert(device.id, [
      { kind: 'FILE', path: 'D:\\r.exe', sha256: sha(), verdict: 'MALICIOUS' },
    ]);
    const row = await server.prisma.remediationAction.findFirstOrThrow({
      where: { tenantId: t.tid },
    });
    expect(row.status).toBe('COMPLETED');
    const completed = { id: gid(row.id) };
    const responder = await t.tokens.responder('retrier');
    const first = await server.gqlData(
      UNDO,
      { input: { ids: [completed.id], idempotencyKey: 'u-1' } },
      responder,
    );
    expect(first.undoRemediationActions.outcomes[0].error).toBeNull();
    const retry = await server.gql(
      UNDO,
      {
        input: {
          ids: [completed.id],
          idempotencyKey: 'u-1',
          applyToAllInstances: false,
          comment: null,
        },
      },
      responder,
    );
    expect(retry.errors).toBeUndefined();
    expect(retry.data!.undoRemediationActions.outcomes[0]).toMatchObject({
      id: completed.id,
      error: null,
      action: { status: 'UNDONE' },
    });
    expect(
      await server.prisma.auditEvent.count({
        where: { tenantId: t.tid, operation: 'undoRemediationActions' },
      }),
    ).toBe(1);
  });
});

describe('bad input (SPEC §5): a typed error naming the field, and nothing written', () => {
  it('refuses NUL characters and impossible dates in every text and date field', async () => {
    const t = tenantOf(server);
    const { device, reported, id } = await pendingOn(server, t, 'Approval', 'nul-1');
    const ingest = await t.tokens.ingest();
    const responder = await t.tokens.responder();
    const before = await footprint(server, t.tid);
    const alert = { deviceId: device.id, title: 'x', severity: 'LOW', evidence: [] };
    const cases: [string, Record<string, unknown>, string][] = [
      [REPORT_ALERT, { ...alert, title: 'bad\u0000title' }, 'input.title'],
      [
        REPORT_ALERT,
        { ...alert, evidence: [{ kind: 'FILE', path: 'C:\\a\u0000.exe', verdict: 'MALICIOUS' }] },
        'input.evidence.0.path',
      ],
      [
        REPORT_ALERT,
        { ...alert, evidence: [{ kind: 'USER', value: 'bob\u0000' }] },
        'input.evidence.0.value',
      ],
      [REPORT_ALERT, { ...alert, idempotencyKey: 'k\u0000' }, 'input.idempotencyKey'],
      [REPORT_ALERT, { ...alert, detectedAt: '-271821-04-20T00:00:00.000Z' }, 'input.detectedAt'],
      [REPORT_ALERT, { ...alert, detectedAt: 'yesterday' }, 'input.detectedAt'],
      [
        SUBMIT,
        {
          investigationId: reported.investigation!.id,
          findings: [{ evidence: { kind: 'URL', value: 'http://x/\u0000' }, verdict: 'MALICIOUS' }],
        },
        'input.findings.0.evidence.value',
      ],
      [APPROVE, { ids: [id], comment: 'ok\u0000' }, 'input.comment'],
      [REJECT, { ids: [id], idempotencyKey: 'r\u0000' }, 'input.idempotencyKey'],
      [CANCEL, { ids: [id], comment: '\u0000' }, 'input.comment'],
      [
        TAKE,
        { type: 'ISOLATE_DEVICE', deviceId: device.id, comment: 'contain\u0000' },
        'input.comment',
      ],
      [
        TAKE,
        {
          type: 'RUN_ANTIVIRUS_SCAN',
          deviceId: device.id,
          comment: 'scan',
          idempotencyKey: '\u0000',
        },
        'input.idempotencyKey',
      ],
    ];
    for (const [query, input, field] of cases) {
      const bearer = query === REPORT_ALERT || query === SUBMIT ? ingest : responder;
      const result = await server.gql(query, { input }, bearer);
      const label = `${field} ${JSON.stringify(input).slice(0, 100)}`;
      expect(result.errors?.[0]?.extensions, label).toMatchObject({
        code: 'BAD_USER_INPUT',
        field,
      });
      expect(result.errors?.[0]?.message, label).toContain(field.replace(/^input\./, ''));
    }
    expect(await footprint(server, t.tid)).toEqual(before);
  });

  it("refuses a NUL character in an agent's failure reason, and the action stays dispatched", async () => {
    const t = tenantOf(agents);
    const group = await t.group('Servers', 'FULL');
    const device = await t.device('nul-agent', group.id);
    const take = await agents.gqlData(
      TAKE,
      { input: { type: 'ISOLATE_DEVICE', deviceId: device.id, comment: 'x' } },
      await t.tokens.responder(),
    );
    const agent = await t.tokens.agent(rawOf(device.id));
    const before = await footprint(agents, t.tid);
    const result = await agents.gql(
      REPORT,
      {
        input: {
          actionId: take.takeResponseAction.action.id,
          outcome: 'FAILED',
          failureReason: 'disk\u0000',
        },
      },
      agent,
    );
    expect(result.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.failureReason',
    });
    expect(await footprint(agents, t.tid)).toEqual(before);
  });
});

describe('concurrency: exactly one transition per decision', () => {
  it('decides an id given several times in one call (also spelled differently) once', async () => {
    const t = tenantOf(server);
    const p = await pendingOn(server, t, 'Approval', 'dup-1');
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
    expect(await agents.gqlData(WORK, {}, await t.tokens.agent(rawOf(device.id)))).toEqual({
      agentWork: [],
    });
  });

  it('races undo against undo (crossing applyToAllInstances): each instance is undone exactly once, no call fails', async () => {
    const t = tenantOf(server);
    const hosts = ['x-1', 'x-2', 'x-3', 'x-4'];
    const q = await quarantinedEverywhere(t, hosts);
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
            targetIds: { has: rawOf(q.ids[h]!) },
          },
        }),
      ).toBe(1);
    }
  });
});

describe('roles (SPEC §5): only responders decide; an agent touches only its own device', () => {
  it('refuses every decision to agents, ingest and viewers, and writes nothing', async () => {
    const t = tenantOf(agents);
    const p = await pendingOn(agents, t, 'Approval', 'role-1');
    const agent = await t.tokens.agent(rawOf(p.device.id));
    const before = await footprint(agents, t.tid);
    const tokens = { agent, ingest: await t.tokens.ingest(), viewer: await t.tokens.viewer() };
    for (const [who, bearer] of Object.entries(tokens)) {
      const attempts = [
        agents.gql(APPROVE, { input: { ids: [p.id] } }, bearer),
        agents.gql(REJECT, { input: { ids: [p.id] } }, bearer),
        agents.gql(CANCEL, { input: { ids: [p.id] } }, bearer),
        agents.gql(UNDO, { input: { ids: [p.id] } }, bearer),
        agents.gql(
          TAKE,
          { input: { type: 'ISOLATE_DEVICE', deviceId: p.device.id, comment: 'x' } },
          bearer,
        ),
        agents.gql(`{ auditEvents(first: 5) { totalCount } }`, {}, bearer),
        ...(who === 'agent' ? [] : [agents.gql(WORK, {}, bearer)]),
      ];
      for (const result of await Promise.all(attempts))
        expect(result.errors?.[0]?.extensions?.code, who).toBe('FORBIDDEN');
    }
    expect(await footprint(agents, t.tid)).toEqual(before);
  });

  it("gives an agent nothing of another device's or tenant's work, also on a replay after its device changed", async () => {
    const t = tenantOf(agents);
    const group = await t.group('Servers', 'FULL');
    const mine = await t.device('agent-mine', group.id);
    const other = await t.device('agent-other', group.id);
    const responder = await t.tokens.responder();
    const take = await agents.gqlData(
      TAKE,
      { input: { type: 'ISOLATE_DEVICE', deviceId: mine.id, comment: 'x' } },
      responder,
    );
    const actionId = take.takeResponseAction.action.id as string;
    // The same subject with another device (a reinstalled agent), and another tenant's agent on the same device id.
    const onMine = await t.token({ sub: 'agent-7', roles: ['agent'], did: rawOf(mine.id) });
    const onOther = await t.token({ sub: 'agent-7', roles: ['agent'], did: rawOf(other.id) });
    const foreign = await tenantOf(agents).token({
      sub: 'agent-7',
      roles: ['agent'],
      did: rawOf(mine.id),
    });
    expect((await agents.gqlData(WORK, {}, foreign)).agentWork).toEqual([]);
    expect((await agents.gqlData(WORK, {}, onOther)).agentWork).toEqual([]);
    const refused = await agents.gqlData(
      REPORT,
      { input: { actionId, outcome: 'COMPLETED' } },
      foreign,
    );
    expect(refused.reportActionOutcome).toMatchObject({
      status: null,
      error: { code: 'NOT_FOUND' },
    });

    const input = { actionId, outcome: 'COMPLETED', idempotencyKey: 'done-1' };
    expect((await agents.gqlData(REPORT, { input }, onMine)).reportActionOutcome).toMatchObject({
      status: 'COMPLETED',
      error: null,
    });
    const replay = await agents.gqlData(REPORT, { input }, onOther);
    const unknown = await agents.gqlData(
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
    const t = tenantOf(agents);
    const group = await t.group('Servers', 'FULL');
    const device = await t.device('agent-bad-did', group.id);
    // An admin mints the token with the API's global id, as a query shows it, instead of the raw id.
    const agent = await t.token({ sub: 'agent-g', roles: ['agent'], did: device.id });
    expect((await agents.gql(WORK, {}, agent)).errors).toBeUndefined();
    const report = await agents.gql(
      REPORT,
      { input: { actionId: gid(randomUUID()), outcome: 'COMPLETED' } },
      agent,
    );
    expect(report.data?.reportActionOutcome.error.code).toBe('NOT_FOUND');
    for (const did of ['not-a-device', globalId('Incident', randomUUID())]) {
      const garbled = await t.token({ sub: 'agent-g', roles: ['agent'], did });
      const result = await agents.gql(WORK, {}, garbled);
      expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      const read = await agents.gql(`{ devices { totalCount } }`, {}, garbled);
      expect(read.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
  });
});
