// Automating Quell, worked example (README "Automating Quell"): receive a signed webhook for
// every remediation action that becomes pending in one device group.
//
//   QUELL_TOKEN=<admin token> node examples/notify-on-pending.mjs "Servers"
//
// It starts a receiver on 127.0.0.1:$PORT (default 8787), creates a webhook pointing at it and a
// rule "notify on pending in <group>", then prints each verified delivery. Plain Node 20: no
// packages. Environment: QUELL_URL (default http://127.0.0.1:4000/graphql), QUELL_TOKEN (an
// admin's bearer token), WEBHOOK_SECRET (at least 16 characters), PORT.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';

const api = process.env.QUELL_URL ?? 'http://127.0.0.1:4000/graphql';
const token = process.env.QUELL_TOKEN;
const secret = process.env.WEBHOOK_SECRET ?? 'demo-webhook-secret-change-me';
const port = Number(process.env.PORT ?? 8787);
const groupName = process.argv[2] ?? 'Servers';
const MAX_AGE_MS = 5 * 60_000;

async function gql(query, variables = {}) {
  const response = await fetch(api, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const { data, errors } = await response.json();
  if (errors?.length) throw new Error(errors.map((e) => e.message).join('; '));
  return data;
}

/** X-Quell-Signature is `sha256=` + hex HMAC-SHA256 of the exact body bytes with the secret. */
function signatureIsValid(body, signature) {
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
  const given = Buffer.from(String(signature ?? ''));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const handled = new Set();
const receiver = createServer(async (req, res) => {
  let body = '';
  for await (const chunk of req) body += chunk;
  if (!signatureIsValid(body, req.headers['x-quell-signature'])) {
    console.log('refused: signature does not match');
    return res.writeHead(401).end();
  }
  const delivery = JSON.parse(body);
  // sentAt is inside the signed body: an old delivery replayed by someone else is refused.
  if (Math.abs(Date.now() - Date.parse(delivery.sentAt)) > MAX_AGE_MS) {
    console.log('refused: too old');
    return res.writeHead(400).end();
  }
  res.writeHead(204).end();
  // Quell retries until it gets a 2xx; the delivery id is the same on every attempt.
  if (handled.has(delivery.deliveryId)) return;
  handled.add(delivery.deliveryId);
  const { action } = delivery.event;
  console.log(
    `verified delivery ${delivery.deliveryId}: ${action.type} is ${action.status} (action ${action.id})`,
  );
});
await new Promise((resolve) => receiver.listen(port, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${receiver.address().port}/quell-webhook`;

const { deviceGroups } = await gql('{ deviceGroups(first: 100) { edges { node { id name } } } }');
const group = deviceGroups.edges.find((edge) => edge.node.name === groupName)?.node;
if (!group) throw new Error(`no device group named "${groupName}"`);

const { createWebhook } = await gql(
  `mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { webhook { id } } }`,
  { input: { name: `pager-${Date.now()}`, url, secret } },
);
await gql(
  `mutation($input: CreateAutomationRuleInput!) { createAutomationRule(input: $input) { rule { id } } }`,
  {
    input: {
      name: `notify on pending in ${group.name} (${Date.now()})`,
      trigger: 'ACTION_PENDING',
      condition: { deviceGroupIds: [group.id] },
      step: 'NOTIFY_WEBHOOK',
      webhookId: createWebhook.webhook.id,
    },
  },
);
console.log(`listening on ${url}: actions becoming pending in "${group.name}" are delivered here`);
