import type { Services } from '../../services/index.js';
import { builder } from '../builder.js';
import { asUuid, databaseId, indicatorGlobalId } from '../global-id.js';
import { actorOf, withInputFields } from '../mutation-support.js';
import { IndicatorActionEnum } from './enums.js';

// Indicators (SPEC §7.1): tenant-wide BLOCK / ALLOW of a file sha256.

type IndicatorResult = Awaited<ReturnType<Services['createIndicator']>>;

export const IndicatorRef = builder.prismaNode('Indicator', {
  id: { field: 'id' },
  authScopes: { viewer: true },
  // Tenant-wide: every viewer of the tenant reads them, whatever its groups.
  findUnique: (id, ctx) => ({ id: asUuid(id), tenantId: ctx.identity.tenantId }),
  fields: (t) => ({
    sha256: t.exposeString('sha256'),
    action: t.expose('action', { type: IndicatorActionEnum }),
    title: t.exposeString('title', { nullable: true }),
    createdBy: t.exposeString('createdBy'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', nullable: true }),
  }),
});

export const IndicatorConnection = builder.connectionObject(
  { type: IndicatorRef, name: 'IndicatorConnection' },
  { name: 'IndicatorEdge' },
);

builder.queryField('indicators', (t) =>
  t.prismaConnection(
    {
      type: 'Indicator',
      cursor: 'id',
      authScopes: { viewer: true },
      args: { action: t.arg({ type: IndicatorActionEnum }) },
      resolve: (query, _root, args, ctx) =>
        ctx.prisma.indicator.findMany({
          ...query,
          where: {
            tenantId: ctx.identity.tenantId,
            ...(args.action ? { action: args.action } : {}),
          },
          orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        }),
      totalCount: (_root, args, ctx) =>
        ctx.prisma.indicator.count({
          where: {
            tenantId: ctx.identity.tenantId,
            ...(args.action ? { action: args.action } : {}),
          },
        }),
    },
    IndicatorConnection,
  ),
);

const CreateIndicatorInput = builder.inputType('CreateIndicatorInput', {
  fields: (t) => ({
    sha256: t.string({ required: true }),
    action: t.field({ type: IndicatorActionEnum, required: true }),
    title: t.string(),
    expiresAt: t.field({ type: 'DateTime' }),
    idempotencyKey: t.string(),
  }),
});

const CreateIndicatorPayload = builder
  .objectRef<IndicatorResult>('CreateIndicatorPayload')
  .implement({
    fields: (t) => ({
      indicator: t.prismaField({
        type: 'Indicator',
        resolve: (query, payload, _args, ctx) =>
          ctx.prisma.indicator.findFirstOrThrow({
            ...query,
            where: { id: payload.indicatorId, tenantId: ctx.identity.tenantId },
          }),
      }),
    }),
  });

builder.mutationField('createIndicator', (t) =>
  t.field({
    type: CreateIndicatorPayload,
    authScopes: { responder: true },
    args: { input: t.arg({ type: CreateIndicatorInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      withInputFields(() => ctx.services.createIndicator(actorOf(ctx), input)),
  }),
);

const DeleteIndicatorInput = builder.inputType('DeleteIndicatorInput', {
  fields: (t) => ({
    id: t.globalID({ required: true }),
    idempotencyKey: t.string(),
  }),
});

const DeleteIndicatorPayload = builder
  .objectRef<IndicatorResult>('DeleteIndicatorPayload')
  .implement({
    fields: (t) => ({
      deletedId: t.id({ resolve: (payload) => indicatorGlobalId(payload.indicatorId) }),
    }),
  });

builder.mutationField('deleteIndicator', (t) =>
  t.field({
    type: DeleteIndicatorPayload,
    authScopes: { responder: true },
    args: { input: t.arg({ type: DeleteIndicatorInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      withInputFields(() =>
        ctx.services.deleteIndicator(actorOf(ctx), {
          ...input,
          id: databaseId('id', 'Indicator', input.id),
        }),
      ),
  }),
);

// The agents' read of the BLOCK list (SPEC §7.1): what an endpoint enforces, nothing else.
const AgentBlockedFileRef = builder.prismaObject('Indicator', {
  variant: 'AgentBlockedFile',
  description:
    "A file the agent's tenant blocks (a live BLOCK indicator), to enforce on the endpoint until `expiresAt`.",
  authScopes: { agent: true },
  fields: (t) => ({
    sha256: t.exposeString('sha256'),
    title: t.exposeString('title', { nullable: true }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const AgentBlockListConnection = builder.connectionObject(
  { type: AgentBlockedFileRef, name: 'AgentBlockListConnection' },
  { name: 'AgentBlockListEdge' },
);

builder.queryField('agentBlockList', (t) =>
  t.prismaConnection(
    {
      type: AgentBlockedFileRef,
      cursor: 'id',
      description:
        "Agent: the live BLOCK indicators of the token's tenant (indicators are tenant-wide), oldest first; page through with `after`, and read again to pick up new ones.",
      authScopes: { agent: true },
      resolve: (query, _root, _args, ctx) =>
        withInputFields(() =>
          ctx.prisma.indicator.findMany({
            ...query,
            where: ctx.services.agentBlockListWhere(actorOf(ctx)),
            orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
          }),
        ),
      totalCount: (_root, _args, ctx) =>
        withInputFields(() =>
          ctx.prisma.indicator.count({ where: ctx.services.agentBlockListWhere(actorOf(ctx)) }),
        ),
    },
    AgentBlockListConnection,
  ),
);
