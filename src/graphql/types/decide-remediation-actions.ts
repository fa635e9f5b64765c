import { queryFromInfo } from '@pothos/plugin-prisma';
import type { GraphQLResolveInfo } from 'graphql';
import { visibleActions } from '../../auth/scope.js';
import type { Prisma } from '../../db/client.js';
import type { RemediationAction } from '../../generated/prisma/client.js';
import type { BulkOutcomes } from '../../services/decisions.js';
import type { ActionOutcomeResult } from '../../services/outcomes.js';
import { builder } from '../builder.js';
import type { QuellContext } from '../context.js';
import { actionGlobalId, actorOf, rawIdOr404, withInputFields } from '../mutation-support.js';
import { ActionErrorCodeEnum } from './enums.js';
import './remediation-action.js';

/** One id's outcome as the API shows it: the id as asked for, the action, the error. */
export interface OutcomeView {
  givenId: string;
  result: ActionOutcomeResult;
}

/** An outcome with its action loaded (for all outcomes of a payload at once, with the selection asked for). */
interface LoadedOutcome extends OutcomeView {
  action: RemediationAction | null;
  queryKey: string;
}

type ActionQuery = Pick<Prisma.RemediationActionFindManyArgs, 'select' | 'include'>;

/**
 * Loads the actions of all outcomes in one query with the nested selection the client asked for
 * (`outcomes { action { device { … } } }`), in the caller's scope: no query per outcome.
 */
export async function loadOutcomes(
  views: readonly OutcomeView[],
  ctx: QuellContext,
  info: GraphQLResolveInfo,
): Promise<LoadedOutcome[]> {
  const query = queryFromInfo({ context: ctx, info, path: ['action'] }) as ActionQuery;
  const queryKey = JSON.stringify(query);
  const ids = [
    ...new Set(views.flatMap((view) => (view.result.actionId ? [view.result.actionId] : []))),
  ];
  const rows = ids.length
    ? await ctx.prisma.remediationAction.findMany({
        ...query,
        where: { AND: [{ id: { in: ids } }, visibleActions(ctx.identity)] },
      })
    : [];
  const byId = new Map(rows.map((row) => [row.id, row as RemediationAction]));
  return views.map((view) => ({
    ...view,
    action: view.result.actionId ? (byId.get(view.result.actionId) ?? null) : null,
    queryKey,
  }));
}

export const ActionErrorRef = builder
  .objectRef<NonNullable<ActionOutcomeResult['error']>>('ActionError')
  .implement({
    fields: (t) => ({
      code: t.field({ type: ActionErrorCodeEnum, resolve: (error) => error.code }),
      message: t.exposeString('message'),
    }),
  });

export const ActionOutcomeRef = builder.objectRef<LoadedOutcome>('ActionOutcome').implement({
  description:
    'What happened to one id of a bulk call: `action` (as it is now) and no `error` when it was done.',
  fields: (t) => ({
    id: t.id({ resolve: (outcome) => outcome.givenId }),
    action: t.prismaField({
      type: 'RemediationAction',
      nullable: true,
      resolve: (query, outcome, _args, ctx) => {
        if (JSON.stringify(query) === outcome.queryKey || !outcome.action) return outcome.action;
        return ctx.prisma.remediationAction.findFirst({
          ...query,
          where: { id: outcome.action.id, AND: [visibleActions(ctx.identity)] },
        });
      },
    }),
    error: t.field({
      type: ActionErrorRef,
      nullable: true,
      resolve: (outcome) => outcome.result.error,
    }),
  }),
});

/**
 * The outcomes of a bulk call, with each id as the caller wrote it; outcomes beyond the asked ids
 * (an undo that applied to all instances) carry their own global id.
 */
export function outcomeViews(givenIds: readonly string[], result: BulkOutcomes): OutcomeView[] {
  return result.outcomes.map((outcome, i) => ({
    givenId: givenIds[i] ?? actionGlobalId(outcome.id),
    result: outcome,
  }));
}

/** The `outcomes` field of a bulk payload. */
export function outcomesField<T extends { outcomes: OutcomeView[] }>(
  t: PothosSchemaTypes.ObjectFieldBuilder<
    PothosSchemaTypes.ExtendDefaultTypes<
      typeof builder extends PothosSchemaTypes.SchemaBuilder<infer S> ? S : never
    >,
    T
  >,
) {
  return t.field({
    type: [ActionOutcomeRef],
    resolve: (payload, _args, ctx, info) => loadOutcomes(payload.outcomes, ctx, info),
  });
}

export function decodeActionIds(ids: readonly string[]): string[] {
  return ids.map((id) => rawIdOr404(id, 'RemediationAction'));
}

export const DecideRemediationActionsInput = builder.inputType('DecideRemediationActionsInput', {
  fields: (t) => ({
    ids: t.idList({ required: true }),
    comment: t.string(),
    idempotencyKey: t.string(),
  }),
});

export const DecideRemediationActionsPayload = builder
  .objectRef<{ outcomes: OutcomeView[] }>('DecideRemediationActionsPayload')
  .implement({ fields: (t) => ({ outcomes: outcomesField(t) }) });

for (const [name, verb] of [
  ['approveRemediationActions', 'approveRemediationActions'],
  ['rejectRemediationActions', 'rejectRemediationActions'],
] as const) {
  builder.mutationField(name, (t) =>
    t.field({
      type: DecideRemediationActionsPayload,
      description:
        name === 'approveRemediationActions'
          ? 'Responder: approve pending actions (then carried out). Each id gets its own outcome; a decision happens exactly once (ALREADY_DECIDED names the winner).'
          : 'Responder: reject pending actions. Each id gets its own outcome; a decision happens exactly once (ALREADY_DECIDED names the winner).',
      authScopes: { responder: true },
      args: { input: t.arg({ type: DecideRemediationActionsInput, required: true }) },
      resolve: async (_root, { input }, ctx) => {
        const result = await withInputFields(() =>
          ctx.services[verb](actorOf(ctx), {
            ids: decodeActionIds(input.ids),
            comment: input.comment,
            idempotencyKey: input.idempotencyKey,
          }),
        );
        return { outcomes: outcomeViews(input.ids.map(String), result) };
      },
    }),
  );
}
