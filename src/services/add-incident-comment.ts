import { z } from 'zod';
import { visibleIncidents } from '../auth/scope.js';
import type { Transaction } from '../db/client.js';
import type { Actor } from './kernel/actor.js';
import { audit } from './kernel/audit.js';
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
import { incidentGroupIds, lockVisibleIncident } from './update-incident.js';

const commentSchema = z.object({
  incidentId: idSchema,
  text: requiredText(10_000),
  idempotencyKey: idempotencyKeySchema,
});
export type AddIncidentCommentInput = z.input<typeof commentSchema>;

export interface IncidentCommentResult {
  commentId: string;
  incidentId: string;
}

/**
 * addIncidentComment (responder; SPEC §7.1): an append-only comment with its author (the token's
 * subject) and time; the incident's `updatedAt` moves.
 */
export async function addIncidentComment(
  deps: ServiceDeps,
  actor: Actor,
  raw: AddIncidentCommentInput,
) {
  requireRole(actor, 'responder');
  const input = parseInput(commentSchema, raw);
  const { idempotencyKey, ...request } = input;
  const rescope = async (tx: Transaction, stored: IncidentCommentResult) => {
    const where = { id: stored.incidentId, AND: [visibleIncidents(actor)] };
    if ((await tx.incident.count({ where })) === 0) throw missing('incident', 'incidentId');
    return stored;
  };
  const operation = { operation: 'addIncidentComment', idempotencyKey, input: request, rescope };
  return runMutation(deps, actor, operation, async (work): Promise<IncidentCommentResult> => {
    const { tx } = work;
    await lockVisibleIncident(tx, actor, input.incidentId, 'incidentId');
    const comment = await tx.incidentComment.create({
      data: {
        tenantId: actor.tenantId,
        incidentId: input.incidentId,
        author: actor.subject,
        text: input.text,
        createdAt: work.now,
      },
    });
    await tx.incident.update({ where: { id: input.incidentId }, data: { updatedAt: work.now } });
    audit(work, {
      targetType: 'IncidentComment',
      targetIds: [comment.id, input.incidentId],
      deviceGroupIds: await incidentGroupIds(tx, input.incidentId),
      after: { incidentId: input.incidentId, author: comment.author, text: comment.text },
      outcome: 'CREATED',
    });
    return { commentId: comment.id, incidentId: input.incidentId };
  });
}
