import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';
import {
  deliveriesOf,
  eventually,
  notifyOnPending,
  suspiciousFile,
} from '../support/webhook-api.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';
import { sha, tenantOf } from '../support/workflow.js';

const SECRET = 'receiver-secret-0123456789';
const TIMEOUT_MS = 4000;

let a: TestServer;
const receivers: WebhookReceiver[] = [];
beforeAll(async () => {
  a = await startTestServer({
    ruleWorker: { intervalMs: 50 },
    webhooks: {
      intervalMs: 50,
      timeoutMs: TIMEOUT_MS,
      maxConcurrent: 4,
      perWebhookConcurrent: 2,
      retry: { firstDelayMs: 600_000 },
    },
  });
});
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await a?.close();
});

describe('a receiver that hangs (SPEC §7.2)', () => {
  it('is cut by the timeout and does not delay another webhook’s deliveries', async () => {
    const t = tenantOf(a);
    const admin = await t.tokens.admin();
    const group = await t.group('Servers', 'SEMI_REQUIRE_APPROVAL_ANY');
    const srv = await t.device('srv-1', group.id);
    const hanging = await startWebhookReceiver(SECRET, () => 'hang');
    const healthy = await startWebhookReceiver(SECRET, () => 200);
    receivers.push(hanging, healthy);
    // The hanging webhook's rule comes first, so its deliveries are queued first on each event.
    await notifyOnPending(a, admin, { name: 'hanging', url: hanging.url, secret: SECRET });
    await notifyOnPending(a, admin, { name: 'healthy', url: healthy.url, secret: SECRET });

    await t.reportAlert(
      srv.id,
      [1, 2, 3, 4].map(() => suspiciousFile(sha())),
    );
    await healthy.until((all) => all.filter((r) => r.answered === 200).length === 4);
    // Every healthy delivery arrived while the hanging receiver still held its requests open,
    // and that receiver never had more than its share of the worker's slots.
    expect(hanging.openCount()).toBeGreaterThan(0);
    expect(hanging.received.some((r) => r.cutByClient)).toBe(false);
    expect(hanging.received.length).toBeLessThanOrEqual(2);
    // The API answers meanwhile.
    expect((await deliveriesOf(a, admin, 'healthy')).totalCount).toBe(4);

    await hanging.until((all) => all.length > 0 && all.every((r) => r.cutByClient));
    const cut = await eventually(
      () => deliveriesOf(a, admin, 'hanging'),
      (d) => d.edges.filter((e) => e.node.attempts === 1).length >= 2,
    );
    const attempted = cut.edges.filter((e) => e.node.attempts === 1).map((e) => e.node);
    for (const delivery of attempted) {
      expect(delivery).toMatchObject({
        status: 'PENDING',
        lastStatusCode: null,
        lastError: `timed out after ${TIMEOUT_MS} ms`,
      });
      expect(delivery.attemptLog[0].durationMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
      // Retried later, with the backoff.
      expect(Date.parse(delivery.nextAttemptAt)).toBeGreaterThan(Date.now() + 500_000);
    }
  });
});
