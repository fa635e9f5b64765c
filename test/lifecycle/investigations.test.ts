import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';
import { ACTION_UPDATED, type Updated } from '../support/streams.js';
import { collect, subscribers } from '../support/subscriptions.js';
import { footprint, sha, tenantOf } from '../support/workflow.js';

// The clock moves forward for the system timeout; each test uses its own tenant.
let clockOffsetMs = 0;
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ now: () => new Date(Date.now() + clockOffsetMs) });
});
afterAll(() => server?.close());
const subs = subscribers(() => server);
afterEach(() => subs.disposeAll());

const TERMINATE = `mutation($input: TerminateInvestigationInput!) { terminateInvestigation(input: $input) {
  investigation { id state remediationActions(first: 20) { edges { node { id status decidedBy } } } } } }`;
const AUDIT = `query($filter: AuditEventFilter) { auditEvents(first: 50, filter: $filter) {
  edges { node { operation subject targetType targetIds after comment outcome } } } }`;

const malicious = (path: string) => ({ kind: 'FILE', path, sha256: sha(), verdict: 'MALICIOUS' });

/** A running investigation (findings not complete) with two pending actions, in group "Semi". */
async function runningWithPending() {
  const t = tenantOf(server);
  const semi = await t.group('Semi', 'SEMI_REQUIRE_APPROVAL_ANY');
  const other = await t.group('Other', 'FULL');
  const host = await t.device('ws-1', semi.id);
  const elsewhere = await t.device('ws-2', other.id);
  const alert = await t.reportAlert(host.id, [
    malicious('C:\\x\\a.exe'),
    malicious('C:\\x\\b.exe'),
  ]);
  const investigationId = alert.investigation!.id;
  const otherAlert = await t.reportAlert(elsewhere.id, [
    { kind: 'FILE', path: 'C:\\y.exe', sha256: sha() },
  ]);
  return { t, host, investigationId, otherInvestigationId: otherAlert.investigation!.id };
}

describe('terminateInvestigation', () => {
  it('ends the investigation as TERMINATED_BY_USER, cancels its pending actions (streamed, audited), and refuses later findings', async () => {
    const { t, investigationId } = await runningWithPending();
    const client = await subs.client({ tid: t.tid, roles: ['viewer'] });
    const stream = collect<Updated>(client, ACTION_UPDATED);
    await subs.live(1, t.tid);
    const data = await server.gqlData(
      TERMINATE,
      { input: { id: investigationId, comment: 'False alarm' } },
      await t.tokens.responder('erin'),
    );
    const { investigation } = data.terminateInvestigation;
    expect(investigation.state).toBe('TERMINATED_BY_USER');
    const actions = investigation.remediationActions.edges.map((e: any) => e.node);
    expect(actions.map((a: any) => a.status)).toEqual(['CANCELLED', 'CANCELLED']);
    expect(actions.every((a: any) => a.decidedBy === 'erin')).toBe(true);
    const events = await stream.untilCount(2);
    expect(
      events.map(
        (e: any) =>
          `${e.remediationActionUpdated.previousStatus}>${e.remediationActionUpdated.action.status}`,
      ),
    ).toEqual(['PENDING_APPROVAL>CANCELLED', 'PENDING_APPROVAL>CANCELLED']);
    const audit = await server.gqlData(
      AUDIT,
      { filter: { operations: ['terminateInvestigation'] } },
      await t.tokens.admin(),
    );
    const byType = audit.auditEvents.edges.map((e: any) => e.node.targetType).sort();
    expect(byType).toEqual(['Investigation', 'RemediationAction', 'RemediationAction']);
    expect(audit.auditEvents.edges.every((e: any) => e.node.comment === 'False alarm')).toBe(true);

    const before = await footprint(server, t.tid);
    const later = await server.gql(
      `mutation($input: SubmitInvestigationFindingsInput!) { submitInvestigationFindings(input: $input) { investigation { id } } }`,
      {
        input: {
          investigationId,
          findings: [
            {
              evidence: { kind: 'FILE', path: 'C:\\x\\c.exe', sha256: sha() },
              verdict: 'MALICIOUS',
            },
          ],
          complete: true,
        },
      },
      await t.tokens.ingest(),
    );
    expect(later.errors?.[0]?.extensions).toMatchObject({
      code: 'CONFLICT',
      field: 'input.investigationId',
    });
    const again = await server.gql(
      TERMINATE,
      { input: { id: investigationId, comment: 'again' } },
      await t.tokens.responder(),
    );
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.id' });
    expect(await footprint(server, t.tid)).toEqual(before);
  });

  it('scope, roles and bad input: not found, forbidden, the field named, nothing changed', async () => {
    const { t, investigationId, otherInvestigationId } = await runningWithPending();
    const before = await footprint(server, t.tid);
    const scoped = await t.tokens.responder('scoped', ['Semi']);
    const out = await server.gql(
      TERMINATE,
      { input: { id: otherInvestigationId, comment: 'x' } },
      scoped,
    );
    expect(out.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'input.id' });
    for (const token of [await t.tokens.viewer(), await t.tokens.ingest()]) {
      const refused = await server.gql(
        TERMINATE,
        { input: { id: investigationId, comment: 'x' } },
        token,
      );
      expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    const blank = await server.gql(
      TERMINATE,
      { input: { id: investigationId, comment: ' ' } },
      scoped,
    );
    expect(blank.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.comment',
    });
    const wrongType = await server.gql(TERMINATE, { input: { id: t.tid, comment: 'x' } }, scoped);
    expect(wrongType.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.id',
    });
    expect(await footprint(server, t.tid)).toEqual(before);
    expect((await t.investigation(investigationId)).state).toBe('RUNNING');
  });

  it('replays a retry with the same key and refuses the key with other input', async () => {
    const { t, investigationId } = await runningWithPending();
    const responder = await t.tokens.responder();
    const input = { id: investigationId, comment: 'stop', idempotencyKey: 'term-1' };
    const first = await server.gqlData(TERMINATE, { input }, responder);
    const audited = (await footprint(server, t.tid)).audit;
    const replay = await server.gqlData(TERMINATE, { input }, responder);
    expect(replay).toEqual(first);
    expect((await footprint(server, t.tid)).audit).toBe(audited);
    const reused = await server.gql(
      TERMINATE,
      { input: { ...input, comment: 'other' } },
      responder,
    );
    expect(reused.errors?.[0]?.extensions?.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });
});

describe('the system timeout', () => {
  it('ends investigations idle past QUELL_INVESTIGATION_TIMEOUT_HOURS as TERMINATED_BY_SYSTEM, cancelling pending actions', async () => {
    const { t, investigationId } = await runningWithPending();
    const fresh = await t.reportAlert((await t.device('ws-3', null)).id, [
      { kind: 'FILE', path: 'C:\\z.exe', sha256: sha() },
    ]);
    // The fresh one got findings 23 h "later": only the first is idle past 24 h.
    clockOffsetMs = 23 * 3_600_000;
    await t.submit(
      fresh.investigation!.id,
      [
        {
          evidence: { kind: 'FILE', path: 'C:\\q.exe', sha256: sha() },
          verdict: 'NO_THREATS_FOUND',
        },
      ],
      false,
    );
    clockOffsetMs = 24 * 3_600_000 + 60_000;
    try {
      await server.services.terminateIdleInvestigations();
    } finally {
      clockOffsetMs = 0;
    }
    const ended = await t.investigation(investigationId);
    expect(ended.state).toBe('TERMINATED_BY_SYSTEM');
    expect((await t.investigation(fresh.investigation!.id)).state).toBe('RUNNING');
    const read = await server.gqlData(
      `query($id: ID!) { node(id: $id) { ... on Investigation { remediationActions(first: 10) { edges { node { status } } } } } }`,
      { id: investigationId },
      await t.tokens.viewer(),
    );
    expect(read.node.remediationActions.edges.map((e: any) => e.node.status)).toEqual([
      'CANCELLED',
      'CANCELLED',
    ]);
    const audit = await server.gqlData(
      AUDIT,
      { filter: { operations: ['terminateInvestigation'] } },
      await t.tokens.admin(),
    );
    expect(audit.auditEvents.edges.map((e: any) => e.node.subject)).toContain(
      'system:investigation-timeout',
    );
  });
});
