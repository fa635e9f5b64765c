import { visibleGroups } from '../../auth/scope.js';
import type { AutomationEventRow } from '../../db/store/index.js';
import { scopedClient, tenantScope } from '../../db/tenant-scope.js';
import type { AutomationRule } from '../../generated/prisma/client.js';
import type { Actor } from '../kernel/actor.js';
import type { ServiceDeps } from '../kernel/work.js';
import { webhookEventPayload } from './event-payload.js';

/**
 * A NOTIFY_WEBHOOK rule's step: queues one delivery of the event to the rule's webhook (a row,
 * sent by the delivery worker; no HTTP here, so a slow receiver never holds the rule worker).
 * At most one delivery per (rule, event), however often the step runs. An event of a group the
 * rule's creator may not see is not delivered (it looks missing, as for a person).
 */
export async function queueWebhookDelivery(
  deps: ServiceDeps,
  actor: Actor,
  rule: AutomationRule,
  event: AutomationEventRow,
): Promise<string> {
  if (!rule.webhookId) return 'NOT_FOUND';
  // The rule's tenant scope (row-level security): this runs in the rule worker, not a request.
  const prisma = scopedClient(deps.prisma, tenantScope(rule.tenantId));
  const group = await prisma.deviceGroup.findFirst({
    where: { AND: [{ id: event.deviceGroupId }, visibleGroups(actor)] },
    select: { id: true },
  });
  if (!group) return 'NOT_FOUND';
  const queued = await prisma.webhookDelivery.createMany({
    data: [
      {
        tenantId: rule.tenantId,
        webhookId: rule.webhookId,
        ruleId: rule.id,
        eventId: event.id,
        actionId: event.actionId,
        payload: webhookEventPayload(rule, event),
        createdAt: new Date(),
        nextAttemptAt: new Date(),
      },
    ],
    skipDuplicates: true,
  });
  return queued.count === 1 ? 'QUEUED' : 'ALREADY_QUEUED';
}
