import type { AutomationEventRow } from '../../db/store/index.js';
import { encodeCursor } from '../../events/cursor.js';
import type { AutomationRule } from '../../generated/prisma/client.js';

/**
 * The API's global id of an object (Relay's base64 of `Typename:id`, as the GraphQL layer writes
 * it), so a receiver can look the object up with `node(id:)`. Written here because services do
 * not import the GraphQL libraries; test/automation/webhook-delivery.test.ts checks both agree.
 */
export function apiGlobalId(typename: string, id: string): string {
  return Buffer.from(`${typename}:${id}`).toString('base64');
}

const optionalId = (typename: string, id: string | null) => (id ? apiGlobalId(typename, id) : null);

/** What a delivery says about its event (the attempt adds `deliveryId` and `sentAt`). */
export function webhookEventPayload(rule: AutomationRule, event: AutomationEventRow) {
  return {
    event: {
      cursor: encodeCursor(event.id),
      trigger: rule.trigger,
      occurredAt: event.occurredAt.toISOString(),
      action: {
        id: apiGlobalId('RemediationAction', event.actionId),
        type: event.actionType,
        status: event.status,
        previousStatus: event.previousStatus,
        deviceId: optionalId('Device', event.deviceId),
        deviceGroupId: apiGlobalId('DeviceGroup', event.deviceGroupId),
        incidentId: optionalId('Incident', event.incidentId),
        incidentSeverity: event.severity,
        sha256: event.sha256,
      },
    },
    rule: { id: apiGlobalId('AutomationRule', rule.id), name: rule.name },
    webhookId: rule.webhookId ? apiGlobalId('Webhook', rule.webhookId) : null,
  };
}
