import { queryFromInfo } from '@pothos/plugin-prisma';
import type { GraphQLResolveInfo } from 'graphql';
import { visibleActions, visibleGroups } from '../../auth/scope.js';
import type { Prisma } from '../../db/client.js';
import { decodeCursor, encodeCursor } from '../../events/cursor.js';
import { digest } from '../../events/digest.js';
import { EVENT_KEY } from '../../events/event-key.js';
import type { LoggedEvent } from '../../events/event-log.js';
import { eventMatcher } from '../../events/match.js';
import type { RemediationAction } from '../../generated/prisma/client.js';
import type { RemediationActionStatus } from '../../generated/prisma/enums.js';
import { builder } from '../builder.js';
import type { QuellContext } from '../context.js';
import { badUserInput, graphQLError } from '../errors.js';
import { databaseId, databaseIds } from '../global-id.js';
import { filterListSchema } from '../validation.js';
import { RemediationActionStatusEnum, RemediationActionTypeEnum } from './enums.js';

/** What a subscriber receives: the log entry and the action as it is now, loaded in its scope. */
interface DeliveredEvent {
  event: LoggedEvent;
  action: RemediationAction;
  /** The Prisma query `action` was loaded with, so the field can tell whether it fits the selection. */
  queryKey: string;
  /** The same event for every subscriber: lets identical subscribers share one execution. */
  [EVENT_KEY]: string;
}

export const ActionStreamFilter = builder.inputType('ActionStreamFilter', {
  fields: (t) => ({
    deviceGroupIds: t.globalIDList({ validate: filterListSchema }),
    types: t.field({ type: [RemediationActionTypeEnum], validate: filterListSchema }),
    incidentId: t.globalID(),
  }),
});

type StreamFilter = typeof ActionStreamFilter.$inferInput;

export const ActionEventRef = builder.objectRef<DeliveredEvent>('ActionEvent').implement({
  description:
    "A change of an action's status, in stream order. `action` is the action as it is when delivered.",
  fields: (t) => ({
    cursor: t.string({
      description:
        'Pass it as `after` when resubscribing to receive every later event exactly once.',
      resolve: ({ event }) => encodeCursor(event.id),
    }),
    occurredAt: t.field({ type: 'DateTime', resolve: ({ event }) => event.occurredAt }),
    previousStatus: t.field({
      type: RemediationActionStatusEnum,
      nullable: true,
      resolve: ({ event }) => event.previousStatus,
    }),
    status: t.field({
      type: RemediationActionStatusEnum,
      description:
        'The status this change moved the action to (the action may have moved on since).',
      resolve: ({ event }) => event.status,
    }),
    action: t.prismaField({
      type: 'RemediationAction',
      // Loaded before delivery with the same selection (see subscribeToActions); loading again
      // only if the planned query differs, so the nested fields read what was loaded.
      resolve: async (query, delivered, _args, ctx) => {
        if (JSON.stringify(query) === delivered.queryKey) return delivered.action;
        const action = await loadVisibleAction(ctx, query, delivered.event);
        if (!action) throw graphQLError('NOT_FOUND', 'The action of this event no longer exists.');
        return action;
      },
    }),
  }),
});

builder.subscriptionType({});

builder.queryField('actionStreamCursor', (t) =>
  t.string({
    description:
      'The cursor of the newest event of the action streams so far. Read it before loading the Pending tab, then subscribe with it as `after`: whatever changes in between is delivered (perhaps an action the tab already shows), never missed.',
    authScopes: { viewer: true, agent: true },
    resolve: async (_root, _args, ctx) =>
      encodeCursor(await ctx.streams.log.end(ctx.identity.tenantId)),
  }),
);

const PENDING: ReadonlySet<RemediationActionStatus> = new Set(['PENDING_APPROVAL']);

builder.subscriptionField('pendingActionAdded', (t) =>
  t.field({
    type: ActionEventRef,
    description:
      'Every action entering PENDING_APPROVAL. With `after`, first every later event of the log, then live.',
    authScopes: { viewer: true },
    args: {
      filter: t.arg({ type: ActionStreamFilter }),
      after: t.arg.string({
        description:
          'Deliver the events after this cursor: one an earlier event carried, or `actionStreamCursor`. Without it, only new events.',
      }),
    },
    subscribe: (_root, args, ctx, info) => subscribeToActions(ctx, info, args, PENDING),
    resolve: (delivered) => delivered,
  }),
);

builder.subscriptionField('remediationActionUpdated', (t) =>
  t.field({
    type: ActionEventRef,
    description:
      'Every status change of an action (creation included). With `after`, first every later event of the log, then live.',
    authScopes: { viewer: true },
    args: {
      filter: t.arg({ type: ActionStreamFilter }),
      after: t.arg.string({
        description:
          'Deliver the events after this cursor: one an earlier event carried, or `actionStreamCursor`. Without it, only new events.',
      }),
    },
    subscribe: (_root, args, ctx, info) => subscribeToActions(ctx, info, args, null),
    resolve: (delivered) => delivered,
  }),
);

async function subscribeToActions(
  ctx: QuellContext,
  info: GraphQLResolveInfo,
  args: { filter?: StreamFilter | null; after?: string | null },
  statuses: ReadonlySet<RemediationActionStatus> | null,
) {
  const after = decodeAfter(args.after);
  // Scope is decided here, once: a reconnect (new subscription) re-evaluates it.
  const matches = eventMatcher({
    statuses,
    deviceGroupIds: await streamGroups(ctx, args.filter?.deviceGroupIds ?? null),
    types: args.filter?.types ? new Set(args.filter.types) : null,
    incidentId: args.filter?.incidentId
      ? databaseId('filter.incidentId', 'Incident', args.filter.incidentId)
      : null,
  });
  const query = queryFromInfo({ context: ctx, info, path: ['action'] }) as ActionQuery;
  const queryKey = JSON.stringify(query);
  const loadKey = actionLoadKey(ctx, queryKey);
  const load = (event: LoggedEvent) => loadVisibleAction(ctx, query, event, loadKey);
  return ctx.streams.subscribe<DeliveredEvent>({
    tenantId: ctx.identity.tenantId,
    after,
    matches,
    // The authoritative scope check: the action must be visible to this token now, or the event
    // is skipped silently (it never becomes an error that would reveal it).
    transform: async (event) => {
      const action = await load(event);
      return action ? { event, action, queryKey, [EVENT_KEY]: event.id.toString() } : null;
    },
    prefetch: (events) => {
      for (const event of events) load(event).catch(() => undefined); // the transform sees any error
    },
  });
}

/** The log position an `after` argument names (null: from now on); anything else is BAD_USER_INPUT naming it. */
export function decodeAfter(after: string | null | undefined): bigint | null {
  if (after == null) return null;
  const position = decodeCursor(after);
  if (position === null) throw badUserInput('after', 'after: not a cursor of this stream.');
  return position;
}

type ActionQuery = Pick<Prisma.RemediationActionFindFirstArgs, 'select' | 'include'>;

/** Identifies (scope, selection): subscribers with the same one may share an action load. */
function actionLoadKey(ctx: QuellContext, queryKey: string): string {
  return digest(`${JSON.stringify(visibleActions(ctx.identity))}:${queryKey}`);
}

/**
 * The event's action, loaded in the subscriber's scope with its selection; batched with every
 * other subscriber of the same scope and selection asking in the same tick (one query).
 */
function loadVisibleAction(
  ctx: QuellContext,
  query: ActionQuery,
  event: LoggedEvent,
  loadKey = actionLoadKey(ctx, JSON.stringify(query)),
): Promise<RemediationAction | null> {
  return ctx.streams
    .loader<RemediationAction>('action')
    .load(loadKey, event.id.toString(), event.actionId, async (ids) => {
      const rows = await ctx.prisma.remediationAction.findMany({
        ...query,
        where: { id: { in: ids }, AND: [visibleActions(ctx.identity)] },
      });
      return new Map(rows.map((row) => [row.id, row]));
    });
}

/**
 * The groups whose events this subscriber gets: the filter's, limited to what the token may read.
 * A group it may not read (or that does not exist) simply contributes nothing, with no error.
 */
async function streamGroups(
  ctx: QuellContext,
  filter: readonly { typename: string; id: string }[] | null,
) {
  const requested = filter ? databaseIds('filter.deviceGroupIds', 'DeviceGroup', filter) : null;
  if (ctx.identity.groups === 'all') return requested ? new Set(requested) : null;
  const readable = await ctx.prisma.deviceGroup.findMany({
    where: { AND: [visibleGroups(ctx.identity), requested ? { id: { in: requested } } : {}] },
    select: { id: true },
  });
  return new Set(readable.map((g) => g.id));
}
