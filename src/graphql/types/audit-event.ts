import { resolveCursorConnection } from '@pothos/plugin-relay';
import type { Prisma } from '../../db/client.js';
import type { AuditEvent } from '../../generated/prisma/client.js';
import { builder } from '../builder.js';
import type { QuellContext } from '../context.js';
import { badUserInput } from '../errors.js';
import { auditTargetId } from '../global-id.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../pagination.js';
import { filterListSchema, filterTextListSchema } from '../validation.js';

const json = (value: unknown) =>
  value === null || value === undefined ? null : JSON.stringify(value);

const AuditEventRef = builder.objectRef<AuditEvent>('AuditEvent').implement({
  description:
    'An append-only record of a state change or decision: who, what, before → after, when, request, outcome.',
  fields: (t) => ({
    id: t.id({ resolve: (e) => e.id.toString() }),
    occurredAt: t.field({ type: 'DateTime', resolve: (e) => e.occurredAt }),
    subject: t.exposeString('subject'),
    roles: t.exposeStringList('roles'),
    operation: t.exposeString('operation'),
    targetType: t.exposeString('targetType'),
    targetIds: t.exposeStringList('targetIds', {
      description: 'Database ids of the targets (the id inside their global id).',
    }),
    before: t.string({
      nullable: true,
      description: 'The state before, as JSON.',
      resolve: (e) => json(e.before),
    }),
    after: t.string({
      nullable: true,
      description: 'The state after, as JSON.',
      resolve: (e) => json(e.after),
    }),
    comment: t.exposeString('comment', { nullable: true }),
    requestId: t.exposeString('requestId', { nullable: true }),
    outcome: t.exposeString('outcome'),
  }),
});

const AuditEventFilter = builder.inputType('AuditEventFilter', {
  fields: (t) => ({
    operations: t.stringList({ validate: filterTextListSchema }),
    targetTypes: t.stringList({ validate: filterTextListSchema }),
    targetIds: t.idList({
      description: 'Global ids, or the database ids the events record.',
      validate: filterListSchema,
    }),
    subjects: t.stringList({ validate: filterTextListSchema }),
    occurredAfter: t.field({ type: 'DateTime' }),
    occurredBefore: t.field({ type: 'DateTime' }),
  }),
});

/**
 * Scope (SPEC §5 "audit"): an admin whose token covers every group reads the tenant's whole log;
 * an admin limited to some groups reads the events whose device groups it may all read — whoever
 * caused them — and no event that touches another group or none (tenant-wide events).
 */
async function auditScope(ctx: QuellContext): Promise<Prisma.AuditEventWhereInput> {
  const { identity } = ctx;
  if (identity.groups === 'all') return { tenantId: identity.tenantId };
  const hidden = await ctx.prisma.deviceGroup.findMany({
    where: { tenantId: identity.tenantId, name: { notIn: [...identity.groups] } },
    select: { id: true },
  });
  return {
    tenantId: identity.tenantId,
    deviceGroupIds: { isEmpty: false },
    NOT: { deviceGroupIds: { hasSome: hidden.map((group) => group.id) } },
  };
}

async function auditWhere(
  ctx: QuellContext,
  filter: typeof AuditEventFilter.$inferInput | null | undefined,
): Promise<Prisma.AuditEventWhereInput> {
  const where: Prisma.AuditEventWhereInput[] = [await auditScope(ctx)];
  if (filter?.operations) where.push({ operation: { in: filter.operations } });
  if (filter?.targetTypes) where.push({ targetType: { in: filter.targetTypes } });
  if (filter?.targetIds)
    where.push({ targetIds: { hasSome: filter.targetIds.map((id) => auditTargetId(String(id))) } });
  if (filter?.subjects) where.push({ subject: { in: filter.subjects } });
  if (filter?.occurredAfter) where.push({ occurredAt: { gte: filter.occurredAfter } });
  if (filter?.occurredBefore) where.push({ occurredAt: { lt: filter.occurredBefore } });
  return { AND: where };
}

/** An audit cursor is the event's id; anything else is BAD_USER_INPUT naming the argument. */
function cursorId(field: string, cursor: string | undefined): bigint | undefined {
  if (cursor === undefined) return undefined;
  if (!/^\d{1,19}$/.test(cursor)) throw badUserInput(field, `${field}: not a cursor of this list.`);
  return BigInt(cursor);
}

builder.queryField('auditEvents', (t) =>
  t.connection(
    {
      type: AuditEventRef,
      description: 'Admin: the audit log, newest first, filtered.',
      authScopes: { admin: true },
      args: { filter: t.arg({ type: AuditEventFilter }) },
      resolve: async (_root, args, ctx) => {
        const where = await auditWhere(ctx, args.filter);
        const connection = await resolveCursorConnection<Promise<AuditEvent[]>>(
          {
            args,
            defaultSize: DEFAULT_PAGE_SIZE,
            maxSize: MAX_PAGE_SIZE,
            toCursor: (event: AuditEvent) => event.id.toString(),
          },
          // Newest first: `after` reaches older events (smaller ids), `before` newer ones.
          async ({ after, before, limit, inverted }) => {
            const older = cursorId('after', after);
            const newer = cursorId('before', before);
            return ctx.prisma.auditEvent.findMany({
              where: {
                AND: [
                  where,
                  {
                    id: {
                      ...(older !== undefined ? { lt: older } : {}),
                      ...(newer !== undefined ? { gt: newer } : {}),
                    },
                  },
                ],
              },
              orderBy: { id: inverted ? 'asc' : 'desc' },
              take: limit,
            });
          },
        );
        return { ...connection, totalCount: () => ctx.prisma.auditEvent.count({ where }) };
      },
    },
    { name: 'AuditEventConnection' },
    { name: 'AuditEventEdge' },
  ),
);
