import type { TestServer } from './server.js';

/** GraphQL texts and small helpers the webhook tests share. */
export const CREATE_WEBHOOK = `mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { webhook { id name url enabled } } }`;
export const CREATE_RULE = `mutation($input: CreateAutomationRuleInput!) { createAutomationRule(input: $input) {
  rule { id name step webhook { id name url } } } }`;
export const DELIVERY_FIELDS = `id eventCursor status attempts lastStatusCode lastError createdAt deliveredAt nextAttemptAt
  attemptLog { attempt statusCode error durationMs startedAt }`;
export const WEBHOOKS = `{ webhooks(first: 5) { totalCount edges { node { id name url enabled
  deliveries(first: 10) { totalCount edges { node { ${DELIVERY_FIELDS} } } } } } } }`;

export const suspiciousFile = (hash: string) => ({
  kind: 'FILE',
  path: 'D:\\x\\f.exe',
  sha256: hash,
  verdict: 'SUSPICIOUS',
});

/** The database id inside a global id (base64 of `Typename:id`). */
export const idOf = (globalId: string) =>
  Buffer.from(globalId, 'base64').toString('utf8').split(':')[1] as string;

/** Polls with real reads until `check` holds (the test fails on timeout). */
export async function eventually<T>(
  read: () => Promise<T>,
  check: (value: T) => boolean,
  timeoutMs = 60_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > until) throw new Error(`condition not reached in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Creates a webhook and a NOTIFY_WEBHOOK rule on every pending action (optionally of some groups). */
export async function notifyOnPending(
  server: TestServer,
  bearer: string,
  spec: { name: string; url: string; secret: string; deviceGroupIds?: string[] },
) {
  const { createWebhook } = await server.gqlData(
    CREATE_WEBHOOK,
    { input: { name: spec.name, url: spec.url, secret: spec.secret } },
    bearer,
  );
  const condition = spec.deviceGroupIds ? { deviceGroupIds: spec.deviceGroupIds } : null;
  const { createAutomationRule } = await server.gqlData(
    CREATE_RULE,
    {
      input: {
        name: `notify-${spec.name}`,
        trigger: 'ACTION_PENDING',
        step: 'NOTIFY_WEBHOOK',
        webhookId: createWebhook.webhook.id,
        condition,
      },
    },
    bearer,
  );
  return { webhook: createWebhook.webhook, rule: createAutomationRule.rule };
}

/** The deliveries of the caller's webhook `name`, newest first. */
export async function deliveriesOf(server: TestServer, bearer: string, name: string) {
  const { webhooks } = await server.gqlData(WEBHOOKS, {}, bearer);
  const hook = webhooks.edges.find((e: any) => e.node.name === name)?.node;
  return hook.deliveries as { totalCount: number; edges: { node: any }[] };
}
