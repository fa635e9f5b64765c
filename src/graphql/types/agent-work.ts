import { encodeGlobalID } from '@pothos/plugin-relay';
import { encodeCursor } from '../../events/cursor.js';
import type { Collection, Evidence, RemediationAction } from '../../generated/prisma/client.js';
import { agentWorkKind } from '../../policy/index.js';
import { builder } from '../builder.js';
import { ActionErrorRef, type ActionOutcomeResult } from '../bulk-mutation.js';
import { actionGlobalId, databaseIdOrNil } from '../global-id.js';
import { actorOf, withInputFields } from '../mutation-support.js';
import { decodeAfter } from './action-event.js';
import {
  EvidenceKindEnum,
  RemediationActionStatusEnum,
  RemediationActionTypeEnum,
} from './enums.js';

type Dispatched = RemediationAction & { evidence: Evidence | null; collection: Collection | null };

const DispatchedOperationEnum = builder.enumType('DispatchedOperation', {
  description: 'What the agent is asked to do: carry the action out, or undo it.',
  values: ['EXECUTE', 'UNDO'] as const,
});

const DispatchedActionRef = builder.objectRef<Dispatched>('DispatchedAction').implement({
  description:
    "An action dispatched to the agent's device, with what it acts on (the agent API, SPEC §3.5).",
  fields: (t) => ({
    id: t.id({
      description: 'The RemediationAction id (report the outcome with it).',
      resolve: (a) => actionGlobalId(a.id),
    }),
    type: t.field({ type: RemediationActionTypeEnum, resolve: (a) => a.type }),
    status: t.field({ type: RemediationActionStatusEnum, resolve: (a) => a.status }),
    operation: t.field({
      type: DispatchedOperationEnum,
      resolve: (a) => agentWorkKind(a.status),
    }),
    sha256: t.string({ nullable: true, resolve: (a) => a.sha256 ?? a.evidence?.sha256 ?? null }),
    comment: t.string({ nullable: true, resolve: (a) => a.comment }),
    dispatchedAt: t.field({ type: 'DateTime', resolve: (a) => a.updatedAt }),
    evidenceKind: t.field({
      type: EvidenceKindEnum,
      nullable: true,
      resolve: (a) => a.evidence?.kind ?? null,
    }),
    path: t.string({
      nullable: true,
      resolve: (a) => a.evidence?.path ?? a.collection?.path ?? null,
    }),
    collectionId: t.id({
      nullable: true,
      description:
        'For a collection: the Collection to upload the content of (PUT `/collections/<id>/content`).',
      resolve: (a) => (a.collection ? encodeGlobalID('Collection', a.collection.id) : null),
    }),
    processId: t.int({ nullable: true, resolve: (a) => a.evidence?.processId ?? null }),
    commandLine: t.string({ nullable: true, resolve: (a) => a.evidence?.commandLine ?? null }),
    registryKey: t.string({ nullable: true, resolve: (a) => a.evidence?.registryKey ?? null }),
    name: t.string({ nullable: true, resolve: (a) => a.evidence?.name ?? null }),
    value: t.string({ nullable: true, resolve: (a) => a.evidence?.value ?? null }),
  }),
});

builder.queryField('agentWork', (t) =>
  t.field({
    type: [DispatchedActionRef],
    description:
      "Agent: the work dispatched to the token's device (`did` claim): actions to carry out (IN_PROGRESS) and to undo (UNDO_IN_PROGRESS), oldest first.",
    authScopes: { agent: true },
    resolve: (_root, _args, ctx) => withInputFields(() => ctx.services.agentWork(actorOf(ctx))),
  }),
);

const ExecutionOutcomeEnum = builder.enumType('ExecutionOutcome', {
  values: ['COMPLETED', 'FAILED'] as const,
});

const ReportActionOutcomeInput = builder.inputType('ReportActionOutcomeInput', {
  fields: (t) => ({
    actionId: t.id({ required: true }),
    outcome: t.field({ type: ExecutionOutcomeEnum, required: true }),
    failureReason: t.string(),
    idempotencyKey: t.string(),
  }),
});

interface ReportView {
  givenId: string;
  result: ActionOutcomeResult;
  status: RemediationAction['status'] | null;
}

const ReportActionOutcomePayload = builder
  .objectRef<ReportView>('ReportActionOutcomePayload')
  .implement({
    fields: (t) => ({
      id: t.id({ resolve: (view) => view.givenId }),
      status: t.field({
        type: RemediationActionStatusEnum,
        nullable: true,
        description: "The action's status after the report (null when it is not this device's).",
        resolve: (view) => view.status,
      }),
      error: t.field({
        type: ActionErrorRef,
        nullable: true,
        resolve: (view) => view.result.error,
      }),
    }),
  });

builder.mutationField('reportActionOutcome', (t) =>
  t.field({
    type: ReportActionOutcomePayload,
    description:
      "Agent: how a dispatched action (or its undo) went on the token's device. COMPLETED settles it (an undo: UNDONE); FAILED records the failure (an undo goes back to COMPLETED with the failure recorded).",
    authScopes: { agent: true },
    args: { input: t.arg({ type: ReportActionOutcomeInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const result = await withInputFields(() =>
        ctx.services.reportActionOutcome(actorOf(ctx), {
          actionId: databaseIdOrNil('actionId', 'RemediationAction', String(input.actionId)),
          outcome: input.outcome,
          failureReason: input.failureReason,
          idempotencyKey: input.idempotencyKey,
        }),
      );
      const row = result.actionId
        ? await ctx.prisma.remediationAction.findFirst({
            where: { id: result.actionId, tenantId: ctx.identity.tenantId },
            select: { status: true },
          })
        : null;
      return { givenId: String(input.actionId), result, status: row?.status ?? null };
    },
  }),
);

interface DispatchedWorkEvent {
  cursor: string;
  occurredAt: Date;
  work: Dispatched;
}

const DispatchedWorkEventRef = builder
  .objectRef<DispatchedWorkEvent>('DispatchedWorkEvent')
  .implement({
    description: "Work handed to the agent's device, with the cursor to resume after.",
    fields: (t) => ({
      cursor: t.exposeString('cursor'),
      occurredAt: t.field({ type: 'DateTime', resolve: (event) => event.occurredAt }),
      work: t.field({ type: DispatchedActionRef, resolve: (event) => event.work }),
    }),
  });

builder.subscriptionField('agentWorkDispatched', (t) =>
  t.field({
    type: DispatchedWorkEventRef,
    description:
      "Agent: work as it is dispatched to the token's device (carry out, or undo): the push form of `agentWork`. An agent starting up reads `actionStreamCursor`, then `agentWork`, then subscribes with the cursor as `after`; with `after`, the later dispatches still outstanding come first, then live ones.",
    authScopes: { agent: true },
    args: {
      after: t.arg.string({
        description:
          'Deliver the dispatches after this cursor (one an earlier event carried, or `actionStreamCursor`).',
      }),
    },
    subscribe: (_root, args, ctx) => {
      const actor = actorOf(ctx);
      const { deviceId, isDispatch } = ctx.services.agentWorkCriteria(actor);
      return ctx.streams.subscribe<DispatchedWorkEvent>({
        tenantId: actor.tenantId,
        after: decodeAfter(args.after),
        matches: (event) =>
          event.deviceId === deviceId && isDispatch(event.actionType, event.status),
        transform: async (event) => {
          const work = await ctx.services.dispatchedWork(actor, event.actionId, event.status);
          return work
            ? { cursor: encodeCursor(event.id), occurredAt: event.occurredAt, work }
            : null;
        },
      });
    },
    resolve: (event) => event,
  }),
);
