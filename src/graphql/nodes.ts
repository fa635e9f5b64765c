import { brandWithType, type OutputType, type SchemaTypes } from '@pothos/core';
import { queryFromInfo } from '@pothos/plugin-prisma';
import type { GraphQLResolveInfo } from 'graphql';
import {
  visibleActions,
  visibleAlerts,
  visibleDevices,
  visibleEvidence,
  visibleGroups,
  visibleIncidents,
  visibleInvestigations,
} from '../auth/scope.js';
import type { Prisma } from '../db/client.js';
import { asUuid } from '../db/uuid.js';
import type { QuellContext } from './context.js';
import { badUserInput } from './errors.js';
import { type GlobalId, MALFORMED_TYPENAME } from './global-id.js';

/** The most ids one `nodes` call may ask for (SPEC §5 limits; issue 10 item 1). */
export const MAX_NODE_IDS = 100;

type Selection = Record<string, unknown>;
type Row = { id: string };
type Loader = (ctx: QuellContext, query: Selection, ids: string[]) => Promise<Row[]>;

const inScope = <W>(ids: string[], scope: W) => ({ id: { in: ids }, AND: [scope] });

/**
 * One scoped findMany per node type: the same scope filters as the root lists, so an object out
 * of scope is not loaded and reads as null, exactly like one that does not exist.
 */
const LOADERS: Readonly<Record<string, Loader>> = {
  DeviceGroup: (ctx, query, ids) =>
    ctx.prisma.deviceGroup.findMany({
      ...(query as Pick<Prisma.DeviceGroupFindManyArgs, 'select'>),
      where: inScope(ids, visibleGroups(ctx.identity)),
    }),
  Device: (ctx, query, ids) =>
    ctx.prisma.device.findMany({
      ...(query as Pick<Prisma.DeviceFindManyArgs, 'select'>),
      where: inScope(ids, visibleDevices(ctx.identity)),
    }),
  Incident: (ctx, query, ids) =>
    ctx.prisma.incident.findMany({
      ...(query as Pick<Prisma.IncidentFindManyArgs, 'select'>),
      where: inScope(ids, visibleIncidents(ctx.identity)),
    }),
  Alert: (ctx, query, ids) =>
    ctx.prisma.alert.findMany({
      ...(query as Pick<Prisma.AlertFindManyArgs, 'select'>),
      where: inScope(ids, visibleAlerts(ctx.identity)),
    }),
  Evidence: (ctx, query, ids) =>
    ctx.prisma.evidence.findMany({
      ...(query as Pick<Prisma.EvidenceFindManyArgs, 'select'>),
      where: inScope(ids, visibleEvidence(ctx.identity)),
    }),
  Investigation: (ctx, query, ids) =>
    ctx.prisma.investigation.findMany({
      ...(query as Pick<Prisma.InvestigationFindManyArgs, 'select'>),
      where: inScope(ids, visibleInvestigations(ctx.identity)),
    }),
  Collection: (ctx, query, ids) =>
    ctx.prisma.collection.findMany({
      ...(query as Pick<Prisma.CollectionFindManyArgs, 'select'>),
      where: inScope(ids, {
        tenantId: ctx.identity.tenantId,
        device: visibleDevices(ctx.identity),
      }),
    }),
  RemediationAction: (ctx, query, ids) =>
    ctx.prisma.remediationAction.findMany({
      ...(query as Pick<Prisma.RemediationActionFindManyArgs, 'select'>),
      where: inScope(ids, visibleActions(ctx.identity)),
    }),
  // Webhooks are tenant-wide; a delivery is visible with the action it is about.
  Webhook: (ctx, query, ids) =>
    ctx.prisma.webhook.findMany({
      ...(query as Pick<Prisma.WebhookFindManyArgs, 'select'>),
      where: inScope(ids, { tenantId: ctx.identity.tenantId }),
    }),
  WebhookDelivery: (ctx, query, ids) =>
    ctx.prisma.webhookDelivery.findMany({
      ...(query as Pick<Prisma.WebhookDeliveryFindManyArgs, 'select'>),
      where: inScope(ids, {
        tenantId: ctx.identity.tenantId,
        action: visibleActions(ctx.identity),
      }),
    }),
};

/** The objects of one type, by database id, with the selection the client asked for on that type. */
async function loadType(
  ctx: QuellContext,
  info: GraphQLResolveInfo,
  typename: string,
  ids: string[],
): Promise<Map<string, Row>> {
  const loader = LOADERS[typename];
  if (!loader) return new Map();
  const query = (await queryFromInfo({ context: ctx, info, typeName: typename })) as Selection;
  const rows = await loader(ctx, query, [...new Set(ids)]);
  // The Node interface tells the objects' types apart by this brand.
  // (A type's name is how the relay plugin brands too; the declared type wants a ref.)
  for (const row of rows) brandWithType(row, typename as unknown as OutputType<SchemaTypes>);
  return new Map(rows.map((row) => [row.id, row]));
}

/** `nodes(ids:)`: one query per type asked for, answers in order, null for whatever is not visible. */
export async function loadNodes(
  ctx: QuellContext,
  info: GraphQLResolveInfo,
  ids: readonly GlobalId[],
): Promise<(Row | null)[]> {
  if (ids.length > MAX_NODE_IDS) {
    throw badUserInput('ids', `ids: at most ${MAX_NODE_IDS} ids per call; got ${ids.length}.`);
  }
  const byType = new Map<string, string[]>();
  for (const { typename, id } of ids)
    byType.set(typename, [...(byType.get(typename) ?? []), asUuid(id)]);
  const loaded = new Map(
    await Promise.all(
      [...byType].map(
        async ([typename, rawIds]) =>
          [typename, await loadType(ctx, info, typename, rawIds)] as const,
      ),
    ),
  );
  return ids.map(({ typename, id }) => loaded.get(typename)?.get(asUuid(id)) ?? null);
}

/** `node(id:)`: as one entry of `nodes`; a text that is no id of this API is BAD_USER_INPUT. */
export async function loadNode(
  ctx: QuellContext,
  info: GraphQLResolveInfo,
  id: GlobalId,
): Promise<Row | null> {
  if (id.typename === MALFORMED_TYPENAME) throw badUserInput('id', 'id: not an id of this API.');
  const [node] = await loadNodes(ctx, info, [id]);
  return node ?? null;
}
