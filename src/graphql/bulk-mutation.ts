import type { InputObjectRef } from '@pothos/core';
import { queryFromInfo } from '@pothos/plugin-prisma';
import type { GraphQLResolveInfo } from 'graphql';
import { visibleActions } from '../auth/scope.js';
import type { Prisma } from '../db/client.js';
import type { RemediationAction } from '../generated/prisma/client.js';
import type { Actor, Services } from '../services/index.js';
import { builder } from './builder.js';
import type { QuellContext } from './context.js';
import { actionGlobalId, databaseIdOrNil } from './global-id.js';
import { actorOf, withInputFields } from './mutation-support.js';
import { ActionErrorCodeEnum } from './types/enums.js';

/** What approve / reject / cancel / undo answer: one outcome per id, in the order asked. */
export type BulkOutcomes = Awaited<ReturnType<Services['approveRemediationActions']>>;
export type ActionOutcomeResult = BulkOutcomes['outcomes'][number];

/** One id's outcome as the API shows it: the id as asked for, the action, the error. */
interface OutcomeView {
  givenId: string;
  result: ActionOutcomeResult;
}

/** An outcome with its action loaded (for all outcomes of a payload at once, with the selection asked for). */
interface LoadedOutcome extends OutcomeView {
  action: RemediationAction | null;
  queryKey: string;
}

type ActionQuery = Pick<Prisma.RemediationActionFindManyArgs, 'select' | 'include'>;
type SchemaTypesOf<B> = B extends PothosSchemaTypes.SchemaBuilder<infer S> ? S : never;
type Types = SchemaTypesOf<typeof builder>;

/**
 * Loads the actions of all outcomes in one query with the nested selection the client asked for
 * (`outcomes { action { device { … } } }`), in the caller's scope: no query per outcome.
 */
async function loadOutcomes(
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

const ActionOutcomeRef = builder.objectRef<LoadedOutcome>('ActionOutcome').implement({
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

/** A bulk payload: `outcomes`, each id as the caller wrote it, the actions loaded at once. */
export function bulkPayload(name: string) {
  return builder.objectRef<{ outcomes: OutcomeView[] }>(name).implement({
    fields: (t) => ({
      outcomes: t.field({
        type: [ActionOutcomeRef],
        resolve: (payload, _args, ctx, info) => loadOutcomes(payload.outcomes, ctx, info),
      }),
    }),
  });
}

type BulkPayloadRef = ReturnType<typeof bulkPayload>;

interface BulkInput {
  ids: readonly (string | number)[];
}

/**
 * approve / reject / cancel / undo: the same mutation but for the service it calls. Ids of
 * another type or garbled name nothing (NOT_FOUND in their own outcome); outcomes beyond the
 * asked ids (an undo applied to all instances) carry their own global id.
 */
export function bulkActionMutation<Input extends BulkInput>(
  name: string,
  options: {
    description: string;
    input: InputObjectRef<Types, Input>;
    payload: BulkPayloadRef;
    call: (ctx: QuellContext, actor: Actor, ids: string[], input: Input) => Promise<BulkOutcomes>;
  },
) {
  builder.mutationField(name, (t) =>
    t.field({
      type: options.payload,
      description: options.description,
      authScopes: { responder: true },
      args: { input: t.arg({ type: options.input, required: true }) },
      resolve: async (_root, args, ctx) => {
        // The argument's type is the generic input ref's, which TypeScript cannot follow here.
        const { input } = args as unknown as { input: Input };
        const givenIds = input.ids.map(String);
        const ids = givenIds.map((id, i) =>
          databaseIdOrNil(`input.ids.${i}`, 'RemediationAction', id),
        );
        const result = await withInputFields(() => options.call(ctx, actorOf(ctx), ids, input));
        const outcomes = result.outcomes.map((outcome, i) => ({
          givenId: givenIds[i] ?? actionGlobalId(outcome.id),
          result: outcome,
        }));
        return { outcomes };
      },
    }),
  );
}
