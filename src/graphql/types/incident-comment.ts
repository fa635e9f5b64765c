import { visibleIncidents } from '../../auth/scope.js';
import type { Services } from '../../services/index.js';
import { builder } from '../builder.js';
import { asUuid, databaseId } from '../global-id.js';
import { actorOf, withInputFields } from '../mutation-support.js';
import { IncidentClassificationEnum } from './enums.js';

// An incident's comments (append-only) and the mutations that triage an incident.

type CommentResult = Awaited<ReturnType<Services['addIncidentComment']>>;

export const IncidentCommentRef = builder.prismaNode('IncidentComment', {
  id: { field: 'id' },
  authScopes: { viewer: true },
  // A comment is visible with its incident.
  findUnique: (id, ctx) => ({ id: asUuid(id), incident: visibleIncidents(ctx.identity) }),
  fields: (t) => ({
    author: t.exposeString('author'),
    text: t.exposeString('text'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

export const IncidentCommentConnection = builder.connectionObject(
  { type: IncidentCommentRef, name: 'IncidentCommentConnection' },
  { name: 'IncidentCommentEdge' },
);

/** The triage fields of an incident (SPEC §7.1), added to the Incident type here. */
builder.prismaObjectFields('Incident', (t) => ({
  classification: t.expose('classification', { type: IncidentClassificationEnum }),
  determination: t.exposeString('determination', { nullable: true }),
  assignedTo: t.exposeString('assignedTo', { nullable: true }),
  tags: t.exposeStringList('tags'),
  comments: t.relatedConnection(
    'comments',
    {
      cursor: 'id',
      totalCount: true,
      query: () => ({ orderBy: [{ createdAt: 'asc' as const }, { id: 'asc' as const }] }),
    },
    IncidentCommentConnection,
  ),
}));

const AddIncidentCommentInput = builder.inputType('AddIncidentCommentInput', {
  fields: (t) => ({
    incidentId: t.globalID({ required: true }),
    text: t.string({ required: true }),
    idempotencyKey: t.string(),
  }),
});

const AddIncidentCommentPayload = builder
  .objectRef<CommentResult>('AddIncidentCommentPayload')
  .implement({
    fields: (t) => ({
      comment: t.prismaField({
        type: 'IncidentComment',
        resolve: (query, payload, _args, ctx) =>
          ctx.prisma.incidentComment.findFirstOrThrow({
            ...query,
            where: { id: payload.commentId, tenantId: ctx.identity.tenantId },
          }),
      }),
      incident: t.prismaField({
        type: 'Incident',
        resolve: (query, payload, _args, ctx) =>
          ctx.prisma.incident.findFirstOrThrow({
            ...query,
            where: { id: payload.incidentId, tenantId: ctx.identity.tenantId },
          }),
      }),
    }),
  });

builder.mutationField('addIncidentComment', (t) =>
  t.field({
    type: AddIncidentCommentPayload,
    authScopes: { responder: true },
    args: { input: t.arg({ type: AddIncidentCommentInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      withInputFields(() =>
        ctx.services.addIncidentComment(actorOf(ctx), {
          ...input,
          incidentId: databaseId('incidentId', 'Incident', input.incidentId),
        }),
      ),
  }),
);
