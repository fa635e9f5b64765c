// Demo automation (issue 15 item 5): a webhook and a rule that notifies it of every action that
// becomes pending in the "Servers" group. The README's "Automating Quell" shows the receiver.
import { createHash } from 'node:crypto';
import { scopedClient, tenantScope } from '../src/db/tenant-scope.js';
import { type Actor, actorFrom, type Services } from '../src/services/index.js';

/** Where the README's example receiver listens (`node examples/webhook-receiver.mjs`). */
export const DEMO_WEBHOOK_URL = 'http://127.0.0.1:8787/quell-webhook';
/** The example receiver's default secret; set your own with QUELL_SEED_WEBHOOK_SECRET. */
export const DEMO_WEBHOOK_SECRET = 'demo-webhook-secret-change-me';

/**
 * Creates the webhook `soc-pager` and the rule `notify-servers-pending` in the actor's tenant,
 * unless a webhook of that name exists. Rules start at the end of the log: seeding it last means
 * only actions that become pending afterwards are delivered.
 */
export async function seedNotifyRule(
  services: Services,
  admin: Actor,
  webhook: { url: string; secret: string } = { url: DEMO_WEBHOOK_URL, secret: DEMO_WEBHOOK_SECRET },
): Promise<{ webhookId: string; ruleId: string } | null> {
  const tenantId = admin.tenantId;
  // The seed's own reads run in the tenant's scope, as the database's row-level security asks.
  const prisma = scopedClient(services.prisma, tenantScope(tenantId));
  if (await prisma.webhook.findFirst({ where: { tenantId, name: 'soc-pager' } })) return null;
  const servers = await prisma.deviceGroup.findFirstOrThrow({
    where: { tenantId, name: 'Servers' },
  });
  const { webhookId } = await services.createWebhook(admin, { name: 'soc-pager', ...webhook });
  const { ruleId } = await services.automationRules.create(admin, {
    name: 'notify-servers-pending',
    trigger: 'ACTION_PENDING',
    condition: { deviceGroupIds: [servers.id] },
    step: 'NOTIFY_WEBHOOK',
    webhookId,
  });
  return { webhookId, ruleId };
}

// Seed example of automating Quell (SPEC §7.2): a rule that approves, as soon as it is pending,
// the quarantine of any file whose sha256 is on a list the team already knows to be malicious.
// Created through the services, like every seed, so it is audited and starts at the log's end.

const sha = (seed: string) => createHash('sha256').update(seed).digest('hex');

/** The team's list of known-bad files (the demo's recurring threats among them). */
export const KNOWN_BAD_SHA256 = [sha('emotet-loader'), sha('cobalt-beacon'), sha('miner')];

export const KNOWN_BAD_RULE_NAME = 'Approve quarantines of known-bad files';

/** Creates the example rule in the tenant once; returns its id (the existing one's the second time). */
export async function seedAutomationExamples(services: Services, options: { tenant: string }) {
  const admin = actorFrom(
    {
      subject: 'seed',
      tenantId: options.tenant,
      roles: new Set(['admin']),
      groups: 'all',
      deviceId: null,
    },
    'seed-automation',
  );
  await services.ensureTenant(options.tenant);
  const existing = await scopedClient(
    services.prisma,
    tenantScope(options.tenant),
  ).automationRule.findFirst({
    where: { tenantId: options.tenant, name: KNOWN_BAD_RULE_NAME },
    select: { id: true },
  });
  if (existing) return existing.id;
  const created = await services.automationRules.create(admin, {
    name: KNOWN_BAD_RULE_NAME,
    trigger: 'ACTION_PENDING',
    step: 'APPROVE',
    condition: {
      actionTypes: ['QUARANTINE_FILE', 'STOP_AND_QUARANTINE_FILE'],
      sha256In: KNOWN_BAD_SHA256,
    },
    idempotencyKey: 'seed:known-bad-quarantines',
  });
  return created.ruleId;
}
