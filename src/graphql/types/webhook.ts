import { visibleActions } from '../../auth/scope.js';
import { encodeCursor } from '../../events/cursor.js';
import { builder } from '../builder.js';
import { asUuid } from '../global-id.js';
import { actorOf, withInputFields } from '../mutation-support.js';

// Webhooks (SPEC §7.2): the type with its deliveries, the admin's list, createWebhook, and the
// webhook of a NOTIFY_WEBHOOK rule. The secret has no field: it is write-only.

const WebhookDeliveryStatusEnum = builder.enumType('WebhookDeliveryStatus', {
  values: ['PENDING', 'DELIVERED', 'FAILED'] as const,
});

builder.prismaObject('WebhookDeliveryAttempt', {
  description: 'One attempt of a delivery, as it happened.',
  fields: (t) => ({
    attempt: t.exposeInt('attempt'),
    startedAt: t.expose('startedAt', { type: 'DateTime' }),
    durationMs: t.exposeInt('durationMs'),
    statusCode: t.exposeInt('statusCode', { nullable: true }),
    error: t.exposeString('error', { nullable: true }),
  }),
});

const WebhookDeliveryRef = builder.prismaNode('WebhookDelivery', {
  id: { field: 'id' },
  authScopes: { admin: true },
  // A delivery is about an action: out of the reader's groups it does not exist.
  findUnique: (id, ctx) => ({ id: asUuid(id), action: visibleActions(ctx.identity) }),
  fields: (t) => ({
    eventCursor: t.string({
      select: { eventId: true },
      resolve: (delivery) => encodeCursor(delivery.eventId),
    }),
    status: t.expose('status', { type: WebhookDeliveryStatusEnum }),
    attempts: t.exposeInt('attempts'),
    lastStatusCode: t.exposeInt('lastStatusCode', { nullable: true }),
    lastError: t.exposeString('lastError', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    deliveredAt: t.expose('deliveredAt', { type: 'DateTime', nullable: true }),
    nextAttemptAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When a PENDING delivery is tried next (null once DELIVERED or FAILED).',
      resolve: (delivery) => (delivery.status === 'PENDING' ? delivery.nextAttemptAt : null),
    }),
    attemptLog: t.relation('attemptLog', {
      description: 'Every attempt, oldest first (status code or error, and duration).',
      query: { orderBy: { attempt: 'asc' } },
    }),
  }),
});

const WebhookDeliveryConnection = builder.connectionObject(
  { type: WebhookDeliveryRef, name: 'WebhookDeliveryConnection' },
  { name: 'WebhookDeliveryEdge' },
);

export const WebhookRef = builder.prismaNode('Webhook', {
  id: { field: 'id' },
  authScopes: { admin: true },
  findUnique: (id, ctx) => ({ id: asUuid(id), tenantId: ctx.identity.tenantId }),
  fields: (t) => ({
    name: t.exposeString('name'),
    url: t.exposeString('url'),
    enabled: t.exposeBoolean('enabled'),
    deliveries: t.relatedConnection(
      'deliveries',
      {
        cursor: 'id',
        totalCount: true,
        description: 'Newest first; only deliveries about actions the reader may see.',
        query: (_args, ctx) => ({
          where: { action: visibleActions(ctx.identity) },
          orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        }),
      },
      WebhookDeliveryConnection,
    ),
  }),
});

const WebhookConnection = builder.connectionObject(
  { type: WebhookRef, name: 'WebhookConnection' },
  { name: 'WebhookEdge' },
);

builder.queryField('webhooks', (t) =>
  t.prismaConnection(
    {
      type: 'Webhook',
      cursor: 'id',
      authScopes: { admin: true },
      resolve: (query, _root, _args, ctx) =>
        ctx.prisma.webhook.findMany({
          ...query,
          where: { tenantId: ctx.identity.tenantId },
          orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        }),
      totalCount: (_root, _args, ctx) =>
        ctx.prisma.webhook.count({ where: { tenantId: ctx.identity.tenantId } }),
    },
    WebhookConnection,
  ),
);

builder.prismaObjectField('AutomationRule', 'webhook', (t) =>
  t.relation('webhook', { nullable: true }),
);

const CreateWebhookInput = builder.inputType('CreateWebhookInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    url: t.string({ required: true }),
    secret: t.string({
      required: true,
      description:
        'HMAC-SHA256 secret; each delivery carries `X-Quell-Signature: sha256=<hex of HMAC(body)>`.',
    }),
    idempotencyKey: t.string(),
  }),
});

const CreateWebhookPayload = builder
  .objectRef<{ webhookId: string }>('CreateWebhookPayload')
  .implement({
    fields: (t) => ({
      webhook: t.prismaField({
        type: 'Webhook',
        resolve: (query, payload, _args, ctx) =>
          ctx.prisma.webhook.findFirstOrThrow({
            ...query,
            where: { id: payload.webhookId, tenantId: ctx.identity.tenantId },
          }),
      }),
    }),
  });

builder.mutationField('createWebhook', (t) =>
  t.field({
    type: CreateWebhookPayload,
    description:
      'Admin: a receiver of signed deliveries for NOTIFY_WEBHOOK rules. The secret is never readable back.',
    authScopes: { admin: true },
    args: { input: t.arg({ type: CreateWebhookInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      withInputFields(() => ctx.services.createWebhook(actorOf(ctx), input)),
  }),
);
