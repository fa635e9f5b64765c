import { z } from 'zod';
import type { Transaction } from '../db/client.js';
import { scopedClient, tenantScope } from '../db/tenant-scope.js';
import { isIndicatorLive, type LiveIndicators, liveIndicators } from '../policy/index.js';
import { isUniqueViolation } from './device-group-membership.js';
import type { Actor } from './kernel/actor.js';
import { audit } from './kernel/audit.js';
import { badInput } from './kernel/errors.js';
import { requireRole } from './kernel/roles.js';
import { runMutation } from './kernel/run-mutation.js';
import { idempotencyKeySchema, idSchema, missing, parseInput } from './kernel/validation.js';
import type { ServiceDeps } from './kernel/work.js';

const createSchema = z.object({
  sha256: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hexadecimal characters')
    .transform((s) => s.toLowerCase()),
  action: z.enum(['BLOCK', 'ALLOW']),
  title: z
    .string()
    .transform((s) => s.trim())
    .pipe(z.string().max(200, 'must be at most 200 characters'))
    .nullish()
    .transform((s) => (s ? s : null)),
  expiresAt: z
    .date()
    .nullish()
    .transform((d) => d ?? null),
  idempotencyKey: idempotencyKeySchema,
});
export type CreateIndicatorInput = z.input<typeof createSchema>;

const deleteSchema = z.object({ id: idSchema, idempotencyKey: idempotencyKeySchema });
export type DeleteIndicatorInput = z.input<typeof deleteSchema>;

export interface IndicatorResult {
  indicatorId: string;
}

const facts = (i: {
  sha256: string;
  action: string;
  title: string | null;
  expiresAt: Date | null;
}) => ({
  sha256: i.sha256,
  action: i.action,
  title: i.title,
  expiresAt: i.expiresAt?.toISOString() ?? null,
});

/**
 * createIndicator (responder; SPEC §7.1): a tenant-wide BLOCK or ALLOW of a file sha256, with an
 * optional title and expiry. One indicator per sha256 in a tenant: a second live one is refused
 * (BAD_USER_INPUT on `sha256`); delete the first to change it. An expired one is replaced.
 */
export async function createIndicator(deps: ServiceDeps, actor: Actor, raw: CreateIndicatorInput) {
  requireRole(actor, 'responder');
  const input = parseInput(createSchema, raw);
  const { idempotencyKey, ...fields } = input;
  if (fields.expiresAt && fields.expiresAt.getTime() <= deps.now().getTime())
    throw badInput('expiresAt', 'expiresAt: must be in the future.');
  const request = { ...fields, expiresAt: fields.expiresAt?.toISOString() ?? null };
  const operation = { operation: 'createIndicator', idempotencyKey, input: request };
  try {
    return await runMutation(deps, actor, operation, async (work): Promise<IndicatorResult> => {
      const replaced = await removeExpired(work.tx, actor, fields.sha256, work.now);
      const indicator = await work.tx.indicator.create({
        data: {
          tenantId: actor.tenantId,
          createdBy: actor.subject,
          createdAt: work.now,
          ...fields,
        },
      });
      audit(work, {
        targetType: 'Indicator',
        targetIds: [indicator.id],
        deviceGroupIds: [],
        before: replaced && facts(replaced),
        after: facts(indicator),
        outcome: 'CREATED',
      });
      return { indicatorId: indicator.id };
    });
  } catch (error) {
    if (isUniqueViolation(error, 'sha256'))
      throw badInput('sha256', `sha256: an indicator for ${fields.sha256} already exists.`);
    throw error;
  }
}

/** deleteIndicator (responder): removes an indicator of the caller's tenant; the answer names it. */
export async function deleteIndicator(deps: ServiceDeps, actor: Actor, raw: DeleteIndicatorInput) {
  requireRole(actor, 'responder');
  const input = parseInput(deleteSchema, raw);
  const { idempotencyKey, ...request } = input;
  const operation = { operation: 'deleteIndicator', idempotencyKey, input: request };
  return runMutation(deps, actor, operation, async (work): Promise<IndicatorResult> => {
    const indicator = await findIndicator(work.tx, actor, input.id);
    await work.tx.indicator.delete({ where: { id: indicator.id } });
    audit(work, {
      targetType: 'Indicator',
      targetIds: [indicator.id],
      deviceGroupIds: [],
      before: facts(indicator),
      outcome: 'DELETED',
    });
    return { indicatorId: indicator.id };
  });
}

/** An expired indicator on the sha256 no longer applies: a new one takes its place (audited as `before`). */
async function removeExpired(tx: Transaction, actor: Actor, sha256: string, now: Date) {
  const existing = await tx.indicator.findFirst({ where: { tenantId: actor.tenantId, sha256 } });
  if (!existing || isIndicatorLive(existing, now)) return null;
  await tx.indicator.delete({ where: { id: existing.id } });
  return existing;
}

async function findIndicator(tx: Transaction, actor: Actor, id: string) {
  const indicator = await tx.indicator.findFirst({ where: { id, tenantId: actor.tenantId } });
  if (!indicator) throw missing('indicator', 'id');
  return indicator;
}

/**
 * The tenant's indicators that apply now to these sha256s (viewer; tenant-wide), as the policy
 * engine takes them: what evaluatePolicy passes in, as the findings pipeline does.
 */
export async function liveIndicatorsFor(
  deps: ServiceDeps,
  actor: Actor,
  shas: readonly string[],
): Promise<LiveIndicators> {
  requireRole(actor, 'viewer');
  const wanted = [...new Set(shas.map((sha) => sha.toLowerCase()))];
  const rows = wanted.length
    ? await scopedClient(deps.prisma, tenantScope(actor.tenantId)).indicator.findMany({
        where: { tenantId: actor.tenantId, sha256: { in: wanted } },
        select: { id: true, sha256: true, action: true, title: true, expiresAt: true },
      })
    : [];
  return liveIndicators(rows, deps.now());
}
