import { Writable } from 'node:stream';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/server/logger.js';
import { metricDescriptions } from '../../src/server/metrics.js';
import { globalId } from '../support/global-ids.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { REJECT, tenantOf } from '../support/workflow.js';

const METRICS_TOKEN = 'metrics-token-0123456789';
const lines: Record<string, unknown>[] = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
    done();
  },
});

let server: TestServer;
beforeAll(async () => {
  const logger = createLogger({ level: 'info', pretty: false }, sink);
  server = await startTestServer({ logger, metricsToken: METRICS_TOKEN });
});
afterAll(() => server?.close());

/** The log line of the request whose response carried this id (written when it closed). */
async function lineOf(requestId: string) {
  await expect.poll(() => lines.some((l) => l.requestId === requestId)).toBe(true);
  return lines.find((l) => l.requestId === requestId)!;
}

async function post(body: unknown, headers: Record<string, string> = {}) {
  return fetch(server.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

async function scrape(): Promise<Map<string, { type: string; metrics: any[] }>> {
  const response = await fetch(`${server.url}/metrics`, {
    headers: { authorization: `Bearer ${METRICS_TOKEN}` },
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const families = parsePrometheusTextFormat(await response.text()) as any[];
  return new Map(families.map((f) => [f.name, f]));
}

describe('request log lines', () => {
  it('writes one JSON line per request: id, operation, subject, tenant, duration, outcome', async () => {
    const token = await server.token({ sub: 'alice', tid: 'tenant-log' });
    const response = await post(
      { query: 'query PendingCount { remediationActions(first: 1) { totalCount } }' },
      { authorization: `Bearer ${token}`, 'x-request-id': 'client-req-1' },
    );
    expect(response.headers.get('x-request-id')).toBe('client-req-1');
    const line = await lineOf('client-req-1');
    expect(line).toMatchObject({
      level: 'info',
      method: 'POST',
      path: '/graphql',
      status: 200,
      operationName: 'PendingCount',
      subject: 'alice',
      tenant: 'tenant-log',
      outcome: 'ok',
    });
    expect(typeof line.durationMs).toBe('number');
    expect(new Date(line.time as string).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(lines.filter((l) => l.requestId === 'client-req-1')).toHaveLength(1);
  });

  it('makes an id when the client sends none or an unsafe one, and echoes it', async () => {
    const none = await post({ query: '{ __typename }' });
    const made = none.headers.get('x-request-id')!;
    expect(made).toMatch(/^[0-9a-f-]{36}$/);
    // No token: refused with 401, a client error, logged at info.
    expect(none.status).toBe(401);
    expect(await lineOf(made)).toMatchObject({ status: 401, level: 'info', outcome: 'error' });

    const unsafe = await post(
      { query: '{ __typename }' },
      { 'x-request-id': `a b"${'x'.repeat(200)}` },
    );
    const replaced = unsafe.headers.get('x-request-id')!;
    expect(replaced).toMatch(/^[0-9a-f-]{36}$/);
    await lineOf(replaced);
  });

  it('logs a client error at info with its code, not as a server error', async () => {
    const response = await post(
      { query: 'query Broken { noSuchField }' },
      { authorization: `Bearer ${await server.token()}`, 'x-request-id': 'client-bad-1' },
    );
    const line = await lineOf('client-bad-1');
    expect(line.status).toBe(response.status);
    expect(line).toMatchObject({ level: 'info', outcome: 'error', operationName: 'Broken' });
    expect(line.errorCodes).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(lines.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('records the request id in the audit events of that request', async () => {
    const t = tenantOf(server);
    const group = await t.group('Approval', 'SEMI_REQUIRE_APPROVAL_ANY');
    const device = await t.device('log-host', group.id);
    await t.reportAlert(device.id, [{ kind: 'FILE', path: 'D:\\log.exe', verdict: 'SUSPICIOUS' }]);
    const action = await server.prisma.remediationAction.findFirstOrThrow({
      where: { tenantId: t.tid },
    });
    const id = globalId('RemediationAction', action.id);
    const response = await post(
      { query: REJECT, variables: { input: { ids: [id], comment: 'noise' } } },
      {
        authorization: `Bearer ${await t.tokens.responder('judge')}`,
        'x-request-id': 'audit-req-7',
      },
    );
    expect(response.headers.get('x-request-id')).toBe('audit-req-7');
    const events = await server.prisma.auditEvent.findMany({
      where: { tenantId: t.tid, operation: 'rejectRemediationActions' },
    });
    expect(events.map((e) => e.requestId)).toEqual(['audit-req-7']);
    expect(await lineOf('audit-req-7')).toMatchObject({ subject: 'judge', tenant: t.tid });
  });
});

describe('/metrics', () => {
  it('refuses a scrape without the metrics token', async () => {
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${server.url}/metrics`, {
      headers: { authorization: 'Bearer not-the-metrics-token' },
    });
    expect(wrong.status).toBe(401);
  });

  it('reports pending actions by tenant and group, decisions, errors and pool use', async () => {
    const t = tenantOf(server);
    const group = await t.group('Waiting room', 'SEMI_REQUIRE_APPROVAL_ANY');
    const device = await t.device('metrics-host', group.id);
    await t.reportAlert(device.id, [
      { kind: 'FILE', path: 'D:\\m1.exe', verdict: 'SUSPICIOUS' },
      { kind: 'FILE', path: 'D:\\m2.exe', verdict: 'SUSPICIOUS' },
      { kind: 'FILE', path: 'D:\\m3.exe', verdict: 'SUSPICIOUS' },
    ]);
    const before = await scrape();
    const pending = before.get('quell_pending_actions')!;
    expect(pending.type).toBe('GAUGE');
    const mine = (m: any) => m.labels.tenant === t.tid && m.labels.group === 'Waiting room';
    expect(pending.metrics.find(mine)?.value).toBe('3');
    const rejectedBefore = Number(
      before.get('quell_decisions_total')!.metrics.find((m) => m.labels.decision === 'reject')
        .value,
    );

    const action = await server.prisma.remediationAction.findFirstOrThrow({
      where: { tenantId: t.tid },
    });
    const id = globalId('RemediationAction', action.id);
    await server.gqlData(REJECT, { input: { ids: [id] } }, await t.tokens.responder());
    await post({ query: '{ nope }' }, { authorization: `Bearer ${await server.token()}` });

    const after = await scrape();
    expect(after.get('quell_pending_actions')!.metrics.find(mine)?.value).toBe('2');
    const rejected = after.get('quell_decisions_total')!;
    expect(rejected.type).toBe('COUNTER');
    expect(Number(rejected.metrics.find((m) => m.labels.decision === 'reject').value)).toBe(
      rejectedBefore + 1,
    );
    const errors = after.get('quell_graphql_errors_total')!.metrics;
    expect(
      Number(errors.find((m) => m.labels.code === 'GRAPHQL_VALIDATION_FAILED').value),
    ).toBeGreaterThan(0);
    const pool = after.get('quell_db_pool_connections')!.metrics;
    expect(Number(pool.find((m) => m.labels.state === 'total').value)).toBeGreaterThan(0);
    // Every family served is in the README's generated metrics table.
    const documented = new Set(metricDescriptions().map((metric) => metric.name));
    expect([...after.keys()].filter((name) => !documented.has(name))).toEqual([]);
    const requests = after.get('graphql_envelop_request')!.metrics;
    expect(requests.some((m) => m.labels.operationType === 'mutation')).toBe(true);
    expect(after.has('quell_subscriptions_open')).toBe(true);
    expect(after.has('quell_undos_total')).toBe(true);
  });

  // The default poll (1 s) is shorter than a socket handshake on a loaded 2-core machine.
  const SLOW_MACHINE_MS = 30_000;
  it('counts the WebSocket subscriptions open', async () => {
    const client = server.wsClient({ authorization: `Bearer ${await server.token()}` });
    const next: unknown[] = [];
    const dispose = client.subscribe(
      { query: 'subscription { pendingActionAdded { cursor } }' },
      { next: (value) => void next.push(value), error: () => undefined, complete: () => undefined },
    );
    await expect
      .poll(async () => (await scrape()).get('quell_subscriptions_open')!.metrics[0].value, {
        timeout: SLOW_MACHINE_MS,
      })
      .toBe('1');
    dispose();
    await expect
      .poll(async () => (await scrape()).get('quell_subscriptions_open')!.metrics[0].value, {
        timeout: SLOW_MACHINE_MS,
      })
      .toBe('0');
  });
});
