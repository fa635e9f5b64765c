import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhookSignature } from '../../src/services/webhooks/signature.js';
import { createTestDatabase } from '../support/database.js';
import { startTestServer, type TestServer } from '../support/server.js';
import {
  deliveriesOf,
  eventually,
  idOf,
  notifyOnPending,
  suspiciousFile,
} from '../support/webhook-api.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';
import { sha, tenantOf } from '../support/workflow.js';

const SECRET = 'receiver-secret-0123456789';
const FAST = {
  ruleWorker: { intervalMs: 50 },
  webhooks: { intervalMs: 50, retry: { firstDelayMs: 20 } },
};

let a: TestServer;
let b: TestServer;
const receivers: WebhookReceiver[] = [];
beforeAll(async () => {
  a = await startTestServer(FAST);
  // A second instance on the same database: both run the rule worker and the delivery worker.
  b = await startTestServer({ ...FAST, databaseUrl: a.databaseUrl });
});
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await b?.close();
  await a?.close();
});

async function receiver(...args: Parameters<typeof startWebhookReceiver>) {
  const started = await startWebhookReceiver(...args);
  receivers.push(started);
  return started;
}

describe('webhook deliveries (SPEC §7.2)', () => {
  it('are signed, retried after 500, 500 and accepted once per event, with two instances', async () => {
    const t = tenantOf(a);
    const admin = await t.tokens.admin();
    const servers = await t.group('Servers', 'SEMI_REQUIRE_APPROVAL_ANY');
    const srv = await t.device('srv-1', servers.id);
    const hook = await receiver(SECRET, (_request, earlier) => (earlier < 2 ? 500 : 200));
    const { webhook, rule } = await notifyOnPending(a, admin, {
      name: 'soc',
      url: hook.url,
      secret: SECRET,
      deviceGroupIds: [servers.id],
    });
    expect(rule.webhook).toEqual({ id: webhook.id, name: 'soc', url: hook.url });

    await t.reportAlert(srv.id, [suspiciousFile(sha()), suspiciousFile(sha())]);
    await hook.until(
      (all) => new Set(all.filter((r) => r.answered === 200).map((r) => r.deliveryId)).size === 2,
    );
    const deliveries = await eventually(
      () => deliveriesOf(b, admin, 'soc'),
      (list) => list.edges.every((e) => e.node.status === 'DELIVERED') && list.totalCount === 2,
    );

    // Exactly three requests per delivery id (500, 500, 200), all correctly signed.
    const ids = [...new Set(hook.received.map((r) => r.deliveryId))];
    expect(ids).toHaveLength(2);
    for (const id of ids)
      expect(hook.received.filter((r) => r.deliveryId === id).map((r) => r.answered)).toEqual([
        500, 500, 200,
      ]);
    for (const request of hook.received) {
      expect(request.signatureValid).toBe(true);
      expect(
        verifyWebhookSignature('another-secret-0123456789', request.body, request.signature),
      ).toBe(false);
      expect(request.json.deliveryId).toBe(request.deliveryId);
      expect(request.timestamp).toBe(String(Math.floor(Date.parse(request.json.sentAt) / 1000)));
    }
    // Each attempt of a delivery is signed anew with its own time (two deliveries may share one).
    for (const id of ids) {
      const attempts = hook.received.filter((r) => r.deliveryId === id);
      expect(new Set(attempts.map((r) => r.json.sentAt)).size).toBe(attempts.length);
    }

    // The body names the action as the API does; the delivery as the API lists it.
    const pending = await Promise.all(
      ids.map((id) => hook.received.find((r) => r.deliveryId === id)!.json),
    );
    for (const body of pending) {
      const action = await t.action(body.event.action.id);
      expect(action).toMatchObject({ type: 'QUARANTINE_FILE', status: 'PENDING_APPROVAL' });
      expect(body.event).toMatchObject({
        trigger: 'ACTION_PENDING',
        action: { status: 'PENDING_APPROVAL', deviceId: srv.id, deviceGroupId: servers.id },
      });
      expect(body.rule).toEqual({ id: rule.id, name: 'notify-soc' });
      expect(body.webhookId).toBe(webhook.id);
    }
    for (const { node } of deliveries.edges) {
      const sent = hook.received.filter((r) => r.deliveryId === idOf(node.id));
      expect(node).toMatchObject({
        attempts: 3,
        lastStatusCode: 200,
        lastError: null,
        nextAttemptAt: null,
        eventCursor: sent[0]!.json.event.cursor,
      });
      expect(node.attemptLog.map((x: any) => [x.attempt, x.statusCode, x.error])).toEqual([
        [1, 500, 'answered HTTP 500'],
        [2, 500, 'answered HTTP 500'],
        [3, 200, null],
      ]);
    }
  });

  it('notify within the creating admin’s groups; a reader sees deliveries of actions it may see', async () => {
    const t = tenantOf(a);
    const admin = await t.tokens.admin();
    const servers = await t.group('Servers', 'SEMI_REQUIRE_APPROVAL_ANY');
    const laptops = await t.group('Laptops', 'SEMI_REQUIRE_APPROVAL_ANY');
    const srv = await t.device('srv-1', servers.id);
    const lap = await t.device('lap-1', laptops.id);
    const everything = await receiver(SECRET, () => 200);
    const laptopsOnly = await receiver(SECRET, () => 200);
    const lapAdmin = await t.token({ sub: 'lap-admin', roles: ['admin'], groups: ['Laptops'] });
    await notifyOnPending(a, admin, { name: 'all', url: everything.url, secret: SECRET });
    await notifyOnPending(a, lapAdmin, { name: 'laptops', url: laptopsOnly.url, secret: SECRET });

    await t.reportAlert(srv.id, [suspiciousFile(sha())]);
    await t.reportAlert(lap.id, [suspiciousFile(sha())]);
    // The laptop event comes after the server one in the log: once it arrived, the server event
    // was passed over by the Laptops admin's rule.
    await laptopsOnly.until((all) => all.some((r) => r.answered === 200));
    await everything.until((all) => new Set(all.map((r) => r.deliveryId)).size === 2);
    expect(laptopsOnly.received.map((r) => r.json.event.action.deviceId)).toEqual([lap.id]);

    const seenByAll = await eventually(
      () => deliveriesOf(a, admin, 'all'),
      (d) => d.totalCount === 2,
    );
    const seenByLaptops = await deliveriesOf(a, lapAdmin, 'all');
    expect(seenByLaptops.totalCount).toBe(1);
    const serverDelivery = seenByAll.edges.find(
      (e) => !seenByLaptops.edges.some((l) => l.node.id === e.node.id),
    )!.node.id;
    const lookup = `query($id: ID!) { node(id: $id) { id } }`;
    expect((await a.gqlData(lookup, { id: serverDelivery }, admin)).node).toEqual({
      id: serverDelivery,
    });
    expect((await a.gqlData(lookup, { id: serverDelivery }, lapAdmin)).node).toBeNull();
    const stranger = await tenantOf(a).tokens.admin();
    expect((await a.gqlData(lookup, { id: serverDelivery }, stranger)).node).toBeNull();
  });
});

describe('webhook deliveries across a restart', () => {
  it('hands an attempt cut by the stop to the next instance, with the same delivery id', async () => {
    const database = await createTestDatabase();
    const slow = {
      ...FAST,
      databaseUrl: database.url,
      webhooks: { ...FAST.webhooks, timeoutMs: 60_000 },
    };
    let first: TestServer | null = await startTestServer(slow);
    let second: TestServer | null = null;
    try {
      const t = tenantOf(first);
      const admin = await t.tokens.admin();
      const servers = await t.group('Servers', 'SEMI_REQUIRE_APPROVAL_ANY');
      const srv = await t.device('srv-1', servers.id);
      // The first request is held open until the first instance stops; the next one is accepted.
      const hook = await receiver(SECRET, (_request, earlier) => (earlier === 0 ? 'hang' : 200));
      await notifyOnPending(first, admin, { name: 'soc', url: hook.url, secret: SECRET });
      await t.reportAlert(srv.id, [suspiciousFile(sha())]);
      await hook.until((all) => all.length === 1);
      await first.close();
      first = null;
      expect(hook.received[0]!.cutByClient).toBe(true);

      second = await startTestServer(slow);
      await hook.until((all) => all.some((r) => r.answered === 200));
      const [cut, accepted] = hook.received;
      expect(accepted!.deliveryId).toBe(cut!.deliveryId);
      const deliveries = await eventually(
        () => deliveriesOf(second!, admin, 'soc'),
        (d) => d.edges[0]?.node.status === 'DELIVERED',
      );
      // The abandoned attempt is not counted: the receiver never answered it.
      expect(deliveries.totalCount).toBe(1);
      expect(deliveries.edges[0]!.node).toMatchObject({ attempts: 1, lastStatusCode: 200 });
    } finally {
      await first?.close();
      await second?.close();
      await database.drop();
    }
  });
});
