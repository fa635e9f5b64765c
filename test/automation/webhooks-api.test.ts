import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRODUCTION_WEBHOOK_NETWORK } from '../../src/services/webhooks/network-guard.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { CREATE_RULE, CREATE_WEBHOOK, notifyOnPending, WEBHOOKS } from '../support/webhook-api.js';
import { tenantOf } from '../support/workflow.js';

const SECRET = 'receiver-secret-0123456789';
const LIST = `{ webhooks(first: 5) { totalCount edges { node { id name url enabled } } } }`;

let a: TestServer;
let strict: TestServer;
beforeAll(async () => {
  a = await startTestServer();
  // The network policy production runs with (QUELL_WEBHOOK_PRIVATE_NETWORKS off, https only).
  strict = await startTestServer({ webhooks: { network: PRODUCTION_WEBHOOK_NETWORK } });
});
afterAll(async () => {
  await strict?.close();
  await a?.close();
});

const errorOf = (result: { errors?: { extensions?: Record<string, unknown> }[] }) =>
  result.errors?.[0]?.extensions;

describe('createWebhook and webhooks (SPEC §7.2)', () => {
  it('creates for an admin, lists, never shows the secret, and refuses bad input changing nothing', async () => {
    const t = tenantOf(a);
    const admin = await t.tokens.admin();
    const input = { name: 'soc', url: 'http://127.0.0.1:9/hook', secret: SECRET };
    const created = (await a.gqlData(CREATE_WEBHOOK, { input }, admin)).createWebhook.webhook;
    expect(created).toMatchObject({ name: 'soc', url: 'http://127.0.0.1:9/hook', enabled: true });

    const bad: [Record<string, unknown>, string][] = [
      [{ name: '  ' }, 'input.name'],
      [{ name: 'soc' }, 'input.name'],
      [{ url: 'not a url' }, 'input.url'],
      [{ url: 'ftp://127.0.0.1/x' }, 'input.url'],
      [{ url: 'http://user:pw@127.0.0.1/x' }, 'input.url'],
      [{ secret: 'short' }, 'input.secret'],
    ];
    for (const [change, field] of bad) {
      const refused = await a.gql(
        CREATE_WEBHOOK,
        { input: { ...input, name: 'other', ...change } },
        admin,
      );
      expect(errorOf(refused), JSON.stringify(change)).toMatchObject({
        code: 'BAD_USER_INPUT',
        field,
      });
    }
    const listed = (await a.gqlData(LIST, {}, admin)).webhooks;
    expect(listed).toMatchObject({ totalCount: 1, edges: [{ node: { id: created.id } }] });

    const secretField = await a.gql(
      `{ webhooks(first: 5) { edges { node { secret } } } }`,
      {},
      admin,
    );
    expect(errorOf(secretField)?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const audit = await a.prisma.auditEvent.findMany({
      where: { tenantId: t.tid, targetType: 'Webhook' },
    });
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit, (_k, v) => (typeof v === 'bigint' ? String(v) : v))).not.toContain(
      SECRET,
    );
  });

  it('is for admins only, and another tenant’s webhook does not exist', async () => {
    const t = tenantOf(a);
    const admin = await t.tokens.admin();
    const input = { name: 'soc', url: 'http://127.0.0.1:9/hook', secret: SECRET };
    for (const token of [
      await t.tokens.viewer(),
      await t.tokens.responder(),
      await t.tokens.ingest(),
    ]) {
      expect(errorOf(await a.gql(CREATE_WEBHOOK, { input }, token))?.code).toBe('FORBIDDEN');
      expect(errorOf(await a.gql(LIST, {}, token))?.code).toBe('FORBIDDEN');
    }
    const { webhook } = await notifyOnPending(a, admin, { ...input });
    const other = tenantOf(a);
    const otherAdmin = await other.tokens.admin();
    expect((await a.gqlData(LIST, {}, otherAdmin)).webhooks.totalCount).toBe(0);
    const node = await a.gqlData(
      `query($id: ID!) { node(id: $id) { id } }`,
      { id: webhook.id },
      otherAdmin,
    );
    expect(node.node).toBeNull();
    const foreignRule = await a.gql(
      CREATE_RULE,
      {
        input: {
          name: 'n',
          trigger: 'ACTION_PENDING',
          step: 'NOTIFY_WEBHOOK',
          webhookId: webhook.id,
        },
      },
      otherAdmin,
    );
    expect(errorOf(foreignRule)).toMatchObject({ code: 'NOT_FOUND', field: 'input.webhookId' });
    expect((await a.gqlData(WEBHOOKS, {}, otherAdmin)).webhooks.totalCount).toBe(0);
    expect(await a.prisma.automationRule.count({ where: { tenantId: other.tid } })).toBe(0);
  });

  it('a NOTIFY_WEBHOOK rule needs a webhook, and only that step takes one', async () => {
    const t = tenantOf(a);
    const admin = await t.tokens.admin();
    const { webhook } = await notifyOnPending(a, admin, {
      name: 'soc',
      url: 'http://127.0.0.1:9/hook',
      secret: SECRET,
    });
    const without = await a.gql(
      CREATE_RULE,
      { input: { name: 'n1', trigger: 'ACTION_PENDING', step: 'NOTIFY_WEBHOOK' } },
      admin,
    );
    expect(errorOf(without)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.webhookId' });
    const approveWithHook = await a.gql(
      CREATE_RULE,
      { input: { name: 'n2', trigger: 'ACTION_PENDING', step: 'APPROVE', webhookId: webhook.id } },
      admin,
    );
    expect(errorOf(approveWithHook)).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.webhookId',
    });
    const garbled = await a.gql(
      CREATE_RULE,
      {
        input: { name: 'n3', trigger: 'ACTION_PENDING', step: 'NOTIFY_WEBHOOK', webhookId: 'nope' },
      },
      admin,
    );
    expect(errorOf(garbled)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.webhookId' });
    expect(await a.prisma.automationRule.count({ where: { tenantId: t.tid } })).toBe(1);
  });
});

describe('webhook URLs under the production network policy (SSRF)', () => {
  it('refuses http and every URL whose host is or resolves to a non-public address', async () => {
    const t = tenantOf(strict);
    const admin = await t.tokens.admin();
    const refusedUrls = [
      'http://93.184.215.14/hook',
      'https://127.0.0.1/hook',
      'https://localhost/hook',
      'https://10.1.2.3/hook',
      'https://192.168.0.10/hook',
      'https://172.16.5.4/hook',
      'https://169.254.169.254/latest/meta-data',
      'https://100.64.0.1/hook',
      'https://0.0.0.0/hook',
      'https://[::1]/hook',
      'https://[fe80::1]/hook',
      'https://[fd00::1]/hook',
      'https://[::ffff:127.0.0.1]/hook',
      'https://2130706433/hook',
    ];
    for (const url of refusedUrls) {
      const result = await strict.gql(
        CREATE_WEBHOOK,
        { input: { name: 'soc', url, secret: SECRET } },
        admin,
      );
      expect(errorOf(result), url).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.url' });
    }
    expect((await strict.gqlData(LIST, {}, admin)).webhooks.totalCount).toBe(0);
    // A public address is accepted (nothing is sent until a rule fires).
    const ok = await strict.gql(
      CREATE_WEBHOOK,
      { input: { name: 'soc', url: 'https://93.184.215.14/hook', secret: SECRET } },
      admin,
    );
    expect(ok.errors).toBeUndefined();
  });
});
