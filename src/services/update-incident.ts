import { z } from 'zod';
import { visibleIncidents } from '../auth/scope.js';
import type { Transaction } from '../db/client.js';
import { lockIncidents } from '../db/store/index.js';
import type { Actor } from './kernel/actor.js';
import { audit } from './kernel/audit.js';
import { DomainError } from './kernel/errors.js';
import { requireRole } from './kernel/roles.js';
import { runMutation } from './kernel/run-mutation.js';
import {
  idempotencyKeySchema,
  idSchema,
  missing,
  parseInput,
  requiredText,
} from './kernel/validation.js';
import type { ServiceDeps } from './kernel/work.js';

const INCIDENT_STATUSES = ['ACTIVE', 'IN_PROGRESS', 'RESOLVED', 'REDIRECTED'] as const;
export const INCIDENT_CLASSIFICATIONS = [
  'UNKNOWN',
  'TRUE_POSITIVE',
  'FALSE_POSITIVE',
  'INFORMATIONAL_EXPECTED_ACTIVITY',
] as const;

// null clears a text field; absent leaves it as it is.
const clearableText = (max: number) =>
  z
    .string()
    .transform((s) => s.trim())
    .pipe(z.string().max(max, `must be at most ${max} characters`))
    .nullish()
    .transform((s) => (s === '' ? null : s));

// Tags are a set: trimmed, without duplicates, in the order first given.
const tagsSchema = z
  .array(requiredText(100))
  .max(50, 'must hold at most 50 tags')
  .nullish()
  .transform((tags) => (tags ? [...new Set(tags)] : tags));

const updateSchema = z.object({
  id: idSchema,
  status: z.enum(INCIDENT_STATUSES).nullish(),
  classification: z.enum(INCIDENT_CLASSIFICATIONS).nullish(),
  determination: clearableText(2000),
  assignedTo: clearableText(320),
  tags: tagsSchema,
  idempotencyKey: idempotencyKeySchema,
});
export type UpdateIncidentInput = z.input<typeof updateSchema>;
type IncidentUpdate = z.output<typeof updateSchema>;

/** The incident a call wrote; the API reads it back by id (a replay returns the same id). */
export interface IncidentResult {
  incidentId: string;
}

/** An incident the actor may see, locked for the change; out of scope reads as not found. */
export async function lockVisibleIncident(
  tx: Transaction,
  actor: Actor,
  id: string,
  field: string,
) {
  const incident = await tx.incident.findFirst({ where: { id, AND: [visibleIncidents(actor)] } });
  if (!incident) throw missing('incident', field);
  await lockIncidents(tx, [id]);
  return tx.incident.findUniqueOrThrow({ where: { id } });
}

/** The fields a call names (status and classification cannot be cleared: null means "unchanged"). */
function changesOf(input: IncidentUpdate) {
  const changes = {
    ...(input.status ? { status: input.status } : {}),
    ...(input.classification ? { classification: input.classification } : {}),
    ...(input.determination !== undefined ? { determination: input.determination } : {}),
    ...(input.assignedTo !== undefined ? { assignedTo: input.assignedTo } : {}),
    ...(input.tags ? { tags: input.tags } : {}),
  };
  if (Object.keys(changes).length === 0)
    throw new DomainError(
      'BAD_USER_INPUT',
      'input: name at least one of status, classification, determination, assignedTo, tags.',
    );
  return changes;
}

/**
 * updateIncident (responder; SPEC §7.1): status, classification, determination, assignee, tags of
 * an incident the caller may see. It touches no action: a resolved incident keeps its actions, and
 * the correlation rule (open incidents only) makes the device's next alert open a new incident.
 */
export async function updateIncident(deps: ServiceDeps, actor: Actor, raw: UpdateIncidentInput) {
  requireRole(actor, 'responder');
  const input = parseInput(updateSchema, raw);
  const changes = changesOf(input);
  const { idempotencyKey, id } = input;
  const rescope = async (tx: Transaction, stored: IncidentResult) => {
    const seen = await tx.incident.count({
      where: { id: stored.incidentId, AND: [visibleIncidents(actor)] },
    });
    if (seen === 0) throw missing('incident', 'id');
    return stored;
  };
  const operation = {
    operation: 'updateIncident',
    idempotencyKey,
    input: { id, ...changes },
    rescope,
  };
  return runMutation(deps, actor, operation, async (work): Promise<IncidentResult> => {
    const before = await lockVisibleIncident(work.tx, actor, id, 'id');
    const after = await work.tx.incident.update({
      where: { id },
      data: { ...changes, updatedAt: work.now },
    });
    const facts = (i: typeof before) => ({
      status: i.status,
      classification: i.classification,
      determination: i.determination,
      assignedTo: i.assignedTo,
      tags: i.tags,
      updatedAt: i.updatedAt.toISOString(),
    });
    audit(work, {
      targetType: 'Incident',
      targetIds: [id],
      deviceGroupIds: await incidentGroupIds(work.tx, id),
      before: facts(before),
      after: facts(after),
      outcome: 'UPDATED',
    });
    return { incidentId: id };
  });
}

/** The device groups an incident's devices belong to (the audit records the groups it touches). */
export async function incidentGroupIds(tx: Transaction, incidentId: string): Promise<string[]> {
  const devices = await tx.incidentDevice.findMany({
    where: { incidentId },
    select: { device: { select: { deviceGroupId: true } } },
  });
  return devices.map(({ device }) => device.deviceGroupId);
}
