import { z } from 'zod';
import type { Actor } from './kernel/actor.js';
import { audit } from './kernel/audit.js';
import { badInput } from './kernel/errors.js';
import { requireRole } from './kernel/roles.js';
import { runMutation } from './kernel/run-mutation.js';
import { idempotencyKeySchema, parseInput, requiredText } from './kernel/validation.js';
import type { ServiceDeps } from './kernel/work.js';
import type { WebhookNetworkPolicy } from './webhooks/network-guard.js';
import { checkWebhookUrl } from './webhooks/webhook-url.js';

const createSchema = z.object({
  name: requiredText(200),
  url: z.string().trim().max(2000, 'must be at most 2000 characters'),
  // Long enough that guessing it is not an option; receivers compare HMACs made with it.
  secret: z
    .string()
    .min(16, 'must be at least 16 characters')
    .max(512, 'must be at most 512 characters'),
  idempotencyKey: idempotencyKeySchema,
});
export type CreateWebhookInput = z.input<typeof createSchema>;

/**
 * createWebhook (admin, SPEC §7.2): a receiver that NOTIFY_WEBHOOK rules deliver to. The secret
 * is stored to sign deliveries and is never returned nor audited. Names are unique in a tenant.
 */
export async function createWebhook(
  deps: ServiceDeps,
  network: WebhookNetworkPolicy,
  actor: Actor,
  raw: CreateWebhookInput,
): Promise<{ webhookId: string }> {
  requireRole(actor, 'admin');
  const input = parseInput(createSchema, raw);
  const url = await checkWebhookUrl(input.url, network);
  const { idempotencyKey, ...request } = input;
  const spec = { operation: 'createWebhook', idempotencyKey, input: { ...request, url } };
  return runMutation(deps, actor, spec, async (work) => {
    const clash = await work.tx.webhook.findFirst({
      where: { tenantId: actor.tenantId, name: input.name },
      select: { id: true },
    });
    if (clash) throw badInput('name', `name: a webhook named "${input.name}" exists already.`);
    const webhook = await work.tx.webhook.create({
      data: {
        tenantId: actor.tenantId,
        name: input.name,
        url,
        secret: input.secret,
        createdBy: actor.subject,
        createdAt: work.now,
      },
    });
    audit(work, {
      targetType: 'Webhook',
      targetIds: [webhook.id],
      deviceGroupIds: [],
      after: { name: webhook.name, url },
      outcome: 'CREATED',
    });
    return { webhookId: webhook.id };
  });
}
