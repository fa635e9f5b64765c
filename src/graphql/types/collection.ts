import { visibleActions, visibleDevices } from '../../auth/scope.js';
import { CollectionKind } from '../../generated/prisma/enums.js';
import { COLLECTION_STATUSES, collectionStatus } from '../../policy/index.js';
import type { Services } from '../../services/index.js';
import { builder } from '../builder.js';
import { collectionContentPath } from '../collection-path.js';
import { asUuid, databaseId } from '../global-id.js';
import { actorOf, withInputFields } from '../mutation-support.js';

// Collection (SPEC §7.4): a file or an investigation package collected from a device, and the
// `collect` mutation that asks for it.

export const CollectionKindEnum = builder.enumType(CollectionKind, { name: 'CollectionKind' });

export const CollectionStatusEnum = builder.enumType('CollectionStatus', {
  values: COLLECTION_STATUSES,
});

export const CollectionRef = builder.prismaNode('Collection', {
  id: { field: 'id' },
  authScopes: { viewer: true },
  findUnique: (id, ctx) => ({ id: asUuid(id), device: visibleDevices(ctx.identity) }),
  fields: (t) => ({
    kind: t.expose('kind', { type: CollectionKindEnum }),
    status: t.field({
      type: CollectionStatusEnum,
      description:
        'UPLOADED once the content is stored; REQUESTED while its action is open; FAILED when the action ended without an upload.',
      select: { uploadedAt: true, remediationAction: { select: { status: true } } },
      resolve: (c) => collectionStatus(c.uploadedAt !== null, c.remediationAction.status),
    }),
    device: t.relation('device'),
    path: t.exposeString('path', { nullable: true, description: 'FILE: the path on the device.' }),
    sha256: t.exposeString('sha256', { nullable: true }),
    sizeBytes: t.exposeInt('sizeBytes', { nullable: true }),
    downloadUrl: t.string({
      nullable: true,
      description:
        "Relative URL to GET the content with the same bearer token (the caller's scope applies).",
      select: { uploadedAt: true },
      resolve: (c) => (c.uploadedAt ? collectionContentPath(c.id) : null),
    }),
    uploadUrl: t.string({
      description:
        "Relative URL where the device's agent PUTs the content (header `X-Content-SHA256`, the agent token).",
      resolve: (c) => collectionContentPath(c.id),
    }),
    requestedBy: t.exposeString('requestedBy'),
    comment: t.exposeString('comment'),
    remediationAction: t.relation('remediationAction', {
      description: 'The action that carries the collection to the device (it shows in History).',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    uploadedAt: t.expose('uploadedAt', { type: 'DateTime', nullable: true }),
  }),
});

builder.prismaObjectField('RemediationAction', 'collection', (t) =>
  t.relation('collection', {
    nullable: true,
    description: 'For COLLECT_FILE and COLLECT_INVESTIGATION_PACKAGE: what is collected.',
  }),
);

const CollectInput = builder.inputType('CollectInput', {
  fields: (t) => ({
    deviceId: t.id({ required: true }),
    kind: t.field({ type: CollectionKindEnum, required: true }),
    path: t.string({ description: 'For FILE: the path on the device.' }),
    comment: t.string({ required: true }),
    idempotencyKey: t.string(),
  }),
});

type CollectResult = Awaited<ReturnType<Services['collections']['collect']>>;

const CollectPayload = builder.objectRef<CollectResult>('CollectPayload').implement({
  fields: (t) => ({
    collection: t.prismaField({
      type: 'Collection',
      resolve: (query, result, _args, ctx) =>
        ctx.prisma.collection.findFirstOrThrow({
          ...query,
          where: { id: result.collectionId, device: visibleDevices(ctx.identity) },
        }),
    }),
    remediationAction: t.prismaField({
      type: 'RemediationAction',
      nullable: true,
      resolve: (query, result, _args, ctx) =>
        ctx.prisma.remediationAction.findFirst({
          ...query,
          where: { id: result.actionId, AND: [visibleActions(ctx.identity)] },
        }),
    }),
    alreadyRequested: t.exposeBoolean('alreadyRequested', {
      description:
        'True when the same collection was already under way on the device: `collection` is that one.',
    }),
  }),
});

builder.mutationField('collect', (t) =>
  t.field({
    type: CollectPayload,
    description:
      "Responder: collect a file (by path) or the investigation package of a device of your groups (SPEC §7.4). The device's agent uploads it; download it at `collection.downloadUrl`.",
    authScopes: { responder: true },
    args: { input: t.arg({ type: CollectInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      withInputFields(() =>
        ctx.services.collections.collect(actorOf(ctx), {
          ...input,
          deviceId: databaseId('deviceId', 'Device', String(input.deviceId)),
        }),
      ),
  }),
);
