// Demo automation (issue 15 item 5): a webhook and a rule that notifies it of every action that
// becomes pending in the "Servers" group. The README's "Automating Quell" shows the receiver.
import type { Actor, Services } from '../src/services/index.js';

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
  const { prisma } = services;
  const tenantId = admin.tenantId;
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
