import { z } from 'zod';
import { visibleGroups } from '../auth/scope.js';
import { chooseDeviceGroup, OS_PLATFORMS } from '../policy/index.js';
import type { Actor } from './kernel/actor.js';
import { audit } from './kernel/audit.js';
import { notFound } from './kernel/errors.js';
import { requireRole } from './kernel/roles.js';
import { runMutation } from './kernel/run-mutation.js';
import { idempotencyKeySchema, idSchema, parseInput, requiredText } from './kernel/validation.js';
import type { ServiceDeps, Work } from './kernel/work.js';

const registerSchema = z.object({
  hostname: requiredText(255),
  osPlatform: z.enum(OS_PLATFORMS),
  deviceGroupId: idSchema.nullish(),
  domain: z.string().max(255, 'must be at most 255 characters').nullish(),
  tags: z
    .array(z.string().max(255, 'must be at most 255 characters'))
    .nullish()
    .transform((tags) => [...new Set((tags ?? []).map((t) => t.trim()).filter(Boolean))]),
  idempotencyKey: idempotencyKeySchema,
});
export type RegisterDeviceInput = z.input<typeof registerSchema>;
type Registration = z.output<typeof registerSchema>;

export interface RegisterDeviceResult {
  deviceId: string;
  created: boolean;
}

/**
 * registerDevice (admin or ingest): a device joins the tenant in the group it names (explicit
 * placement) or the highest-ranked group whose rules match it. Registering a known hostname again
 * returns the device as it is: agents re-register on boot.
 */
export async function registerDevice(
  deps: ServiceDeps,
  actor: Actor,
  raw: RegisterDeviceInput,
): Promise<RegisterDeviceResult> {
  requireRole(actor, 'admin', 'ingest');
  const input = parseInput(registerSchema, raw);
  const { idempotencyKey, ...fields } = input;
  const request = {
    ...fields,
    deviceGroupId: fields.deviceGroupId ?? null,
    domain: fields.domain ?? null,
  };
  return runMutation(
    deps,
    actor,
    { operation: 'registerDevice', idempotencyKey, input: request },
    async (work) => {
      const { tx } = work;
      const existing = await tx.device.findUnique({
        where: { tenantId_hostname: { tenantId: actor.tenantId, hostname: input.hostname } },
      });
      if (existing) return { deviceId: existing.id, created: false };
      const groupId = await placeDevice(work, input);
      const device = await tx.device.create({
        data: {
          tenantId: actor.tenantId,
          hostname: input.hostname,
          osPlatform: input.osPlatform,
          domain: input.domain ?? null,
          tags: input.tags,
          deviceGroupId: groupId,
          groupAssignedExplicitly: Boolean(input.deviceGroupId),
          lastSeenAt: work.now,
        },
      });
      const { hostname, osPlatform, tags } = input;
      audit(work, {
        targetType: 'Device',
        targetIds: [device.id],
        deviceGroupIds: [groupId],
        after: { hostname, osPlatform, deviceGroupId: groupId, tags },
        outcome: 'CREATED',
      });
      return { deviceId: device.id, created: true };
    },
  );
}

/** The group a new device goes to: the one named (in the caller's scope), else by the rules. */
async function placeDevice(work: Work, input: Registration): Promise<string> {
  if (input.deviceGroupId) {
    const explicit = await work.tx.deviceGroup.findFirst({
      where: { id: input.deviceGroupId, ...visibleGroups(work.actor) },
    });
    if (!explicit) throw notFound('Device group', 'deviceGroupId');
    return explicit.id;
  }
  const groups = await work.tx.deviceGroup.findMany({ where: { tenantId: work.actor.tenantId } });
  const facts = { hostname: input.hostname, domain: input.domain ?? null, tags: input.tags };
  return chooseDeviceGroup(groups, facts).id;
}
