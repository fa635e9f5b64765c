// Bad input (SPEC §5): a typed error (`extensions.code`) naming the field, and nothing changed —
// on the remediation mutations, on an agent's report, and where the server used to answer
// INTERNAL_SERVER_ERROR or no code (cursors, ids, filters, variables, armor's limits; issue 10
// item 8). Bad stream arguments: stream-resume.test.ts (cursors) and subscriptions.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { globalId, rawId } from '../support/global-ids.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { pendingAction } from '../support/two-tenants.js';
import {
  APPROVE,
  CANCEL,
  footprint,
  REJECT,
  REPORT_ALERT,
  SUBMIT,
  TAKE,
  tenantOf,
} from '../support/workflow.js';

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

const REPORT = `mutation($input: ReportActionOutcomeInput!) { reportActionOutcome(input: $input) { id status error { code message } } }`;

async function firstError(query: string, variables: Record<string, unknown> = {}) {
  const result = await server.gql(query, variables);
  expect(result.errors, JSON.stringify(result)).toBeDefined();
  return result.errors![0]!;
}

const FIVE_MB = 'A'.repeat(5 * 1024 * 1024);

describe('typed codes where there were none: cursors, ids, filters, variables, limits', () => {
  it('a crafted connection cursor is BAD_USER_INPUT naming after / before', async () => {
    for (const cursor of ['R1BDOlM6', 'R1BDOlM6bm90LWEtdXVpZA==', 'not base64 at all']) {
      const after = await firstError('query($c: String) { incidents(after: $c) { totalCount } }', {
        c: cursor,
      });
      expect(after.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
      const before = await firstError(
        'query($c: String) { deviceGroups(last: 2, before: $c) { totalCount } }',
        { c: cursor },
      );
      expect(before.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'before' });
    }
  });

  it('a nested connection cursor too', async () => {
    const error = await firstError(
      '{ deviceGroups { edges { node { devices(after: "R1BDOlM6") { totalCount } } } } }',
    );
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  it('an audit cursor that is not one is BAD_USER_INPUT naming after', async () => {
    const error = await firstError('{ auditEvents(after: "R1BDOlM6") { totalCount } }');
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  it('"Invalid global ID" in a filter is BAD_USER_INPUT naming the filter field', async () => {
    const error = await firstError(
      'query($ids: [ID!]) { remediationActions(filter: { deviceIds: $ids }) { totalCount } }',
      { ids: ['not-a-global-id'] },
    );
    expect(error.extensions?.code).toBe('BAD_USER_INPUT');
    expect(String(error.extensions?.field)).toMatch(/^filter\.deviceIds/);
  });

  it('an id of 5 MB is BAD_USER_INPUT naming the field, in node and in a bulk mutation', async () => {
    const node = await firstError('query($id: ID!) { node(id: $id) { id } }', { id: FIVE_MB });
    expect(node.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    const filter = await firstError(
      'query($ids: [ID!]) { remediationActions(filter: { incidentIds: $ids }) { totalCount } }',
      { ids: [FIVE_MB] },
    );
    expect(filter.extensions?.code).toBe('BAD_USER_INPUT');
    const approve = await firstError(
      'mutation($ids: [ID!]!) { approveRemediationActions(input: { ids: $ids }) { outcomes { id } } }',
      { ids: [FIVE_MB] },
    );
    expect(approve.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.ids.0' });
  });

  it('a malformed id in node is BAD_USER_INPUT naming id; a well-formed unknown one is null', async () => {
    const error = await firstError('{ node(id: "###") { id } }');
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    const unknown = await server.gql('query($id: ID!) { node(id: $id) { id } }', {
      id: globalId('Device', '00000000-0000-4000-8000-000000000001'),
    });
    expect(unknown).toMatchObject({ data: { node: null } });
    expect(unknown.errors).toBeUndefined();
  });

  it('NUL in an auditEvents filter string is BAD_USER_INPUT naming it', async () => {
    const error = await firstError(
      'query($s: [String!]) { auditEvents(filter: { subjects: $s }) { totalCount } }',
      { s: ['ok', 'a\u0000b'] },
    );
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.subjects.1' });
  });

  it('a filter list of 100,000 entries is BAD_USER_INPUT naming the list', async () => {
    const many = Array.from({ length: 100_000 }, (_, i) => `op-${i}`);
    const audit = await firstError(
      'query($s: [String!]) { auditEvents(filter: { operations: $s }) { totalCount } }',
      { s: many },
    );
    expect(audit.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.operations' });
    const actions = await firstError(
      'query($ids: [ID!]) { remediationActions(filter: { deviceIds: $ids }) { totalCount } }',
      {
        ids: many.map((_, i) =>
          globalId('Device', `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`),
        ),
      },
    );
    expect(actions.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.deviceIds' });
  });

  it('?variables=notjson on GET is BAD_USER_INPUT naming variables', async () => {
    const url = new URL(server.graphqlUrl);
    url.searchParams.set('query', '{ __typename }');
    url.searchParams.set('variables', 'notjson');
    const response = await fetch(url, {
      headers: { authorization: `Bearer ${await server.token()}`, accept: 'application/json' },
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: { extensions?: Record<string, unknown> }[] };
    expect(body.errors[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'variables',
    });
  });

  it("armor's limits answer LIMIT_EXCEEDED naming the limit", async () => {
    const deep = `{ deviceGroups { edges { node { devices { edges { node { deviceGroup { devices {
      edges { node { deviceGroup { devices { edges { node { hostname } } } } } } } } } } } } } } }`;
    expect((await firstError(deep)).extensions).toMatchObject({
      code: 'LIMIT_EXCEEDED',
      limit: 'depth',
    });
    const aliases = `{ ${Array.from({ length: 40 }, (_, i) => `a${i}: devices { totalCount }`).join(' ')} }`;
    expect((await firstError(aliases)).extensions).toMatchObject({
      code: 'LIMIT_EXCEEDED',
      limit: 'aliases',
    });
    const tokens = `{ ${Array.from({ length: 4100 }, () => '__typename').join(' ')} }`;
    expect((await firstError(tokens)).extensions).toMatchObject({
      code: 'LIMIT_EXCEEDED',
      limit: 'tokens',
    });
    const directives = `{ __typename ${'@include(if: true) '.repeat(25)} }`;
    expect((await firstError(directives)).extensions).toMatchObject({
      code: 'LIMIT_EXCEEDED',
      limit: 'directives',
    });
  });
});

describe('the remediation mutations: alerts, findings, decisions, manual actions', () => {
  it('refuses bad alerts, findings, decisions and manual actions', async () => {
    const t = tenantOf(server);
    const { device, reported, id } = await pendingAction(server, t);
    const ingest = await t.tokens.ingest();
    const responder = await t.tokens.responder();
    const before = await footprint(server, t.tid);
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
    expect(await footprint(server, t.tid)).toEqual(before);
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

describe('NUL characters and impossible dates, in every text and date field', () => {
  it('refuses NUL characters and impossible dates in every text and date field', async () => {
    const t = tenantOf(server);
    const { device, reported, id } = await pendingAction(server, t, 'Approval', 'nul-1');
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
    const agent = await t.tokens.agent(rawId(device.id));
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
