import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { globalId } from '../support/global-ids.js';
import { startTestServer, type TestServer } from '../support/server.js';
import {
  APPROVE,
  footprint,
  REJECT,
  REPORT_ALERT,
  SUBMIT,
  TAKE,
  type Tenant,
  tenantOf,
  UNDO,
} from '../support/workflow.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

const counts = (tid: string) => footprint(server, tid);

async function pending(t: Tenant, groupName = 'Approval', hostname = 'host-1') {
  const group = await t.group(groupName, 'SEMI_REQUIRE_APPROVAL_ANY');
  const device = await t.device(hostname, group.id);
  const reported = await t.reportAlert(device.id, [
    { kind: 'FILE', path: `D:\\${hostname}.exe`, verdict: 'SUSPICIOUS' },
  ]);
  const action = await server.prisma.remediationAction.findFirstOrThrow({
    where: { tenantId: t.tid, device: { hostname } },
  });
  return { device, reported, id: globalId('RemediationAction', action.id) };
}

describe('roles (SPEC §5)', () => {
  it('lets a viewer change nothing', async () => {
    const t = tenantOf(server);
    const { device, id, reported } = await pending(t);
    const viewer = await t.tokens.viewer();
    const before = await counts(t.tid);
    const attempts = [
      server.gql(APPROVE, { input: { ids: [id] } }, viewer),
      server.gql(REJECT, { input: { ids: [id] } }, viewer),
      server.gql(UNDO, { input: { ids: [id] } }, viewer),
      server.gql(
        TAKE,
        { input: { type: 'ISOLATE_DEVICE', deviceId: device.id, comment: 'x' } },
        viewer,
      ),
      server.gql(
        REPORT_ALERT,
        { input: { deviceId: device.id, title: 'x', severity: 'LOW', evidence: [] } },
        viewer,
      ),
      server.gql(
        SUBMIT,
        { input: { investigationId: reported.investigation!.id, findings: [] } },
        viewer,
      ),
    ];
    for (const result of await Promise.all(attempts))
      expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await counts(t.tid)).toEqual(before);
  });

  it('keeps ingest and responders to their own operations', async () => {
    const t = tenantOf(server);
    const { device, id, reported } = await pending(t);
    const ingest = await t.tokens.ingest();
    const responder = await t.tokens.responder();
    expect(
      (await server.gql(APPROVE, { input: { ids: [id] } }, ingest)).errors?.[0]?.extensions?.code,
    ).toBe('FORBIDDEN');
    expect(
      (
        await server.gql(
          TAKE,
          { input: { type: 'ISOLATE_DEVICE', deviceId: device.id, comment: 'x' } },
          ingest,
        )
      ).errors?.[0]?.extensions?.code,
    ).toBe('FORBIDDEN');
    expect(
      (
        await server.gql(
          SUBMIT,
          { input: { investigationId: reported.investigation!.id, findings: [] } },
          responder,
        )
      ).errors?.[0]?.extensions?.code,
    ).toBe('FORBIDDEN');
    expect(
      (await server.gql(`{ auditEvents(first: 5) { totalCount } }`, {}, responder)).errors?.[0]
        ?.extensions?.code,
    ).toBe('FORBIDDEN');
  });

  it("lets a responder act only on its groups' devices: others look like they do not exist", async () => {
    const t = tenantOf(server);
    const mine = await pending(t, 'Mine', 'mine-1');
    const theirs = await pending(t, 'Theirs', 'theirs-1');
    const scoped = await t.tokens.responder('scoped', ['Mine']);
    const result = await server.gqlData(APPROVE, { input: { ids: [mine.id, theirs.id] } }, scoped);
    const [ok, hidden] = result.approveRemediationActions.outcomes;
    expect(ok.error).toBeNull();
    expect(hidden).toMatchObject({ id: theirs.id, action: null, error: { code: 'NOT_FOUND' } });
    expect(hidden.error.message).not.toContain('Theirs');
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
          where: { tenantId: t.tid, device: { hostname: 'theirs-1' } },
        })
      ).status,
    ).toBe('PENDING_APPROVAL');
    // Another tenant's ids do not exist either.
    const stranger = await tenantOf(server).tokens.responder('stranger');
    const foreign = await server.gqlData(APPROVE, { input: { ids: [theirs.id] } }, stranger);
    expect(foreign.approveRemediationActions.outcomes[0].error.code).toBe('NOT_FOUND');
  });
});

describe('idempotency (SPEC §5)', () => {
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
    expect(await counts(t.tid)).toMatchObject({ alerts: 1, evidence: 1, actions: 1, incidents: 1 });

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
    const { id } = await pending(t);
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
    const { device, reported } = await pending(t);
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
});

describe('bad input (SPEC §5): a typed error naming the field, and nothing changed', () => {
  it('refuses bad alerts, findings, decisions and manual actions', async () => {
    const t = tenantOf(server);
    const { device, reported, id } = await pending(t);
    const ingest = await t.tokens.ingest();
    const responder = await t.tokens.responder();
    const before = await counts(t.tid);
    const cases: [string, Record<string, unknown>, string, string?][] = [
      [
        REPORT_ALERT,
        {
          deviceId: device.id,
          title: 'x',
          severity: 'LOW',
          evidence: [
            { kind: 'FILE', path: 'D:\\a' },
            { kind: 'FILE', sha256: 'xyz' },
          ],
        },
        'input.evidence.1.sha256',
      ],
      [
        REPORT_ALERT,
        { deviceId: device.id, title: '   ', severity: 'LOW', evidence: [] },
        'input.title',
      ],
      [
        REPORT_ALERT,
        { deviceId: device.id, title: 'x', severity: 'LOW', evidence: [{ kind: 'REGISTRY_KEY' }] },
        'input.evidence.0.registryKey',
      ],
      [
        REPORT_ALERT,
        {
          deviceId: globalId('Device', '00000000-0000-4000-8000-000000000001'),
          title: 'x',
          severity: 'LOW',
          evidence: [],
        },
        'input.deviceId',
        'NOT_FOUND',
      ],
      [
        REPORT_ALERT,
        { deviceId: reported.investigation!.id, title: 'x', severity: 'LOW', evidence: [] },
        'input.deviceId',
      ],
      [
        REPORT_ALERT,
        { deviceId: 'garbage!!', title: 'x', severity: 'LOW', evidence: [] },
        'input.deviceId',
      ],
      [
        SUBMIT,
        {
          investigationId: reported.investigation!.id,
          findings: [
            { evidence: { kind: 'FILE', path: 'D:\\ok.exe' }, verdict: 'MALICIOUS' },
            { verdict: 'MALICIOUS' },
          ],
        },
        'input.findings.1.evidenceId',
      ],
      [
        SUBMIT,
        {
          investigationId: reported.investigation!.id,
          findings: [
            { evidence: { kind: 'FILE', path: 'D:\\ok.exe' }, verdict: 'MALICIOUS' },
            {
              evidenceId: globalId('Evidence', '00000000-0000-4000-8000-000000000001'),
              verdict: 'MALICIOUS',
            },
          ],
        },
        'input.findings.1.evidenceId',
        'NOT_FOUND',
      ],
      [
        SUBMIT,
        {
          investigationId: reported.investigation!.id,
          findings: [{ evidence: { kind: 'FILE', path: 'D:\\ok.exe' }, verdict: 'BENIGN' }],
        },
        'input.findings[0].verdict',
      ],
      [APPROVE, { ids: [] }, 'input.ids'],
      [APPROVE, { ids: Array.from({ length: 1001 }, () => id) }, 'input.ids'],
      [APPROVE, { ids: [id], comment: 'x'.repeat(2001) }, 'input.comment'],
      [TAKE, { type: 'ISOLATE_DEVICE', deviceId: device.id, comment: ' ' }, 'input.comment'],
      [TAKE, { type: 'QUARANTINE_FILE', deviceId: device.id, comment: 'x' }, 'input.type'],
      [TAKE, { type: 'ADD_INDICATOR', deviceId: device.id, comment: 'x' }, 'input.sha256'],
      [
        TAKE,
        { type: 'ISOLATE_DEVICE', deviceId: device.id, comment: 'x', sha256: 'a'.repeat(64) },
        'input.sha256',
      ],
    ];
    for (const [query, input, field, code = 'BAD_USER_INPUT'] of cases) {
      const bearer = query === APPROVE || query === TAKE ? responder : ingest;
      const result = await server.gql(query, { input }, bearer);
      expect(
        result.errors?.[0]?.extensions,
        `${field} ${JSON.stringify(input).slice(0, 80)}`,
      ).toMatchObject({ code, field });
      expect(result.errors?.[0]?.message).toContain(
        field.includes('[') ? 'BENIGN' : field.replace(/^input\./, ''),
      );
    }
    expect(await counts(t.tid)).toEqual(before);
  });

  it('refuses an action the plan does not include, saying which plan does', async () => {
    const t = tenantOf(server);
    const device = await t.device('plan-1', null);
    await server.prisma.tenant.update({ where: { id: t.tid }, data: { plan: 'PLAN_1' } });
    const responder = await t.tokens.responder();
    const refused = await server.gql(
      TAKE,
      { input: { type: 'RESTRICT_CODE_EXECUTION', deviceId: device.id, comment: 'x' } },
      responder,
    );
    expect(refused.errors?.[0]?.extensions).toMatchObject({
      code: 'PLAN_LIMIT',
      includedIn: ['PLAN_2'],
    });
    const allowed = await server.gqlData(
      TAKE,
      { input: { type: 'ISOLATE_DEVICE', deviceId: device.id, comment: 'x' } },
      responder,
    );
    expect(allowed.takeResponseAction.action.status).toBe('COMPLETED');
  });

  it('refuses INITIATE_INVESTIGATION on a NO_AUTOMATED_RESPONSE device', async () => {
    const t = tenantOf(server);
    const group = await t.group('Hands off', 'NO_AUTOMATED_RESPONSE');
    const device = await t.device('off-1', group.id);
    const result = await server.gql(
      TAKE,
      { input: { type: 'INITIATE_INVESTIGATION', deviceId: device.id, comment: 'x' } },
      await t.tokens.responder(),
    );
    expect(result.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.type',
    });
    expect(result.errors?.[0]?.message).toContain('NO_AUTOMATED_RESPONSE');
  });
});
