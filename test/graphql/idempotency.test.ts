// Idempotency keys (SPEC §5) on the remediation mutations: a retry replays the first result and
// writes nothing again, the key with other input is refused, and keys belong to one tenant and one
// subject. Replays after a scope change: scope.test.ts. Other mutations test their own replays
// beside their feature (device-groups, lifecycle/*).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { globalId } from '../support/global-ids.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { pendingAction, twoTenants } from '../support/two-tenants.js';
import {
  APPROVE,
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

describe('idempotency (SPEC §5): a retry with the same key and input replays the first result', () => {
  it('replays the first result for the same key and input, and does nothing again', async () => {
    const t = tenantOf(server);
    const device = await t.device('idem-1', null);
    const input = {
      deviceId: device.id,
      title: 'Retry me',
      severity: 'MEDIUM',
      evidence: [{ kind: 'FILE', path: 'D:\\r.exe', verdict: 'MALICIOUS' }],
      idempotencyKey: 'alert-1',
    };
    const ingest = await t.tokens.ingest();
    // Concurrent retries and a later one: one alert, one result.
    const results = await Promise.all(
      [1, 2, 3, 4].map(() => server.gqlData(REPORT_ALERT, { input }, ingest)),
    );
    const later = await server.gqlData(REPORT_ALERT, { input }, ingest);
    for (const result of [...results, later])
      expect(result.reportAlert.alert.id).toBe(results[0]!.reportAlert.alert.id);
    expect(await footprint(server, t.tid)).toMatchObject({
      alerts: 1,
      evidence: 1,
      actions: 1,
      incidents: 1,
    });

    const reused = await server.gql(
      REPORT_ALERT,
      { input: { ...input, title: 'Something else' } },
      ingest,
    );
    expect(reused.errors?.[0]?.extensions).toMatchObject({
      code: 'IDEMPOTENCY_KEY_REUSED',
      field: 'input.idempotencyKey',
    });
    // Keys are per subject: another subject's same key is its own.
    const other = await t.token({ sub: 'other-detector', roles: ['ingest'] });
    const second = await server.gqlData(REPORT_ALERT, { input }, other);
    expect(second.reportAlert.alert.id).not.toBe(results[0]!.reportAlert.alert.id);
  });

  it('replays bulk decisions: the retry shows the same outcomes and writes no second audit event', async () => {
    const t = tenantOf(server);
    const { id } = await pendingAction(server, t);
    const responder = await t.tokens.responder('retrier');
    const first = await server.gqlData(
      APPROVE,
      { input: { ids: [id], idempotencyKey: 'approve-1' } },
      responder,
    );
    const retry = await server.gqlData(
      APPROVE,
      { input: { ids: [id], idempotencyKey: 'approve-1' } },
      responder,
    );
    expect(first.approveRemediationActions.outcomes[0].error).toBeNull();
    expect(retry.approveRemediationActions.outcomes[0].error).toBeNull();
    expect(retry.approveRemediationActions.outcomes[0].action.status).toBe('COMPLETED');
    expect(
      await server.prisma.auditEvent.count({
        where: { tenantId: t.tid, operation: 'approveRemediationActions' },
      }),
    ).toBe(1);
    // Without a key the same call is a new call: the action is already decided.
    const plain = await server.gqlData(APPROVE, { input: { ids: [id] } }, responder);
    expect(plain.approveRemediationActions.outcomes[0].error.code).toBe('ALREADY_DECIDED');
    const reused = await server.gql(
      REJECT,
      { input: { ids: [id], idempotencyKey: 'approve-1' } },
      responder,
    );
    expect(reused.errors?.[0]?.extensions?.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('replays a manual action and a findings submission', async () => {
    const t = tenantOf(server);
    const { device, reported } = await pendingAction(server, t);
    const responder = await t.tokens.responder();
    const input = {
      type: 'RUN_ANTIVIRUS_SCAN',
      deviceId: device.id,
      comment: 'scan',
      idempotencyKey: 'scan-1',
    };
    const a = await server.gqlData(TAKE, { input }, responder);
    const b = await server.gqlData(TAKE, { input }, responder);
    expect(b.takeResponseAction).toEqual(a.takeResponseAction);
    const findings = {
      investigationId: reported.investigation!.id,
      findings: [{ evidence: { kind: 'FILE', path: 'D:\\n.exe' }, verdict: 'SUSPICIOUS' }],
      idempotencyKey: 'f-1',
    };
    const ingest = await t.tokens.ingest();
    const s1 = await server.gqlData(SUBMIT, { input: findings }, ingest);
    const s2 = await server.gqlData(SUBMIT, { input: findings }, ingest);
    expect(s2.submitInvestigationFindings.remediationActions.map((x: any) => x.id)).toEqual(
      s1.submitInvestigationFindings.remediationActions.map((x: any) => x.id),
    );
    expect(
      await server.prisma.remediationAction.count({
        where: { tenantId: t.tid, type: 'RUN_ANTIVIRUS_SCAN' },
      }),
    ).toBe(1);
    expect(await server.prisma.evidence.count({ where: { tenantId: t.tid } })).toBe(2);
  });

  it('lets another tenant and another subject use the same key and act normally', async () => {
    const { a, b } = await twoTenants(server);
    const [pa, pb] = [a.pending, b.pending];
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
