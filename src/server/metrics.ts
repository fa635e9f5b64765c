import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { usePrometheus } from '@graphql-yoga/plugin-prometheus';
import { type GraphQLSchema, isEnumType, isInputObjectType, isObjectType } from 'graphql';
import type pg from 'pg';
import { Counter, Gauge, Registry } from 'prom-client';
import type { PrismaClient } from '../db/client.js';
import { decisionTotals, pendingActionsByGroup } from '../db/store/operational-metrics.js';
import { ALL_TENANTS, scopedClient } from '../db/tenant-scope.js';
import type { StreamHub } from '../events/hub.js';
import { schema } from '../graphql/schema.js';

export interface MetricsSources {
  prisma: PrismaClient;
  streams: StreamHub;
  /** The database pool, when the server owns it (its use is reported). */
  pool?: pg.Pool;
  /** Open WebSocket operations and SSE streams of this process. */
  openSubscriptions: () => number;
}

const DECISION_OF: Record<string, string> = {
  approveRemediationActions: 'approve',
  rejectRemediationActions: 'reject',
  cancelRemediationActions: 'cancel',
};

/** yoga's and envelop's metrics, all served (README: the generated metrics table). */
const OPERATION = ['operationName', 'operationType'];
export const YOGA_METRICS = {
  graphql_envelop_request: { type: 'counter', labels: OPERATION, help: 'GraphQL operations' },
  graphql_envelop_request_duration: {
    type: 'histogram',
    labels: OPERATION,
    help: 'Time to answer an operation',
  },
  graphql_envelop_error_result: {
    type: 'counter',
    labels: [...OPERATION, 'path', 'phase'],
    help: 'Operations answered with errors',
  },
  graphql_envelop_request_time_summary: {
    type: 'summary',
    labels: OPERATION,
    help: 'Summary of the time to answer an operation',
  },
  ...Object.fromEntries(
    ['parse', 'validate', 'context', 'execute', 'subscribe'].map((phase) => [
      `graphql_envelop_phase_${phase}`,
      { type: 'histogram', labels: OPERATION, help: `Time spent in the ${phase} phase` },
    ]),
  ),
  graphql_envelop_deprecated_field: {
    type: 'counter',
    labels: [...OPERATION, 'fieldName', 'typeName'],
    help: 'Deprecated fields requested (counted while the schema deprecates any)',
  },
  graphql_envelop_schema_change: { type: 'counter', labels: [], help: 'Schema changes' },
  graphql_yoga_http_duration: {
    type: 'histogram',
    labels: [...OPERATION, 'method', 'statusCode'],
    help: 'Time spent on the HTTP request',
  },
} as const satisfies Record<string, Omit<MetricDescription, 'name'>>;

const YOGA_METRICS_ON = Object.fromEntries(
  Object.keys(YOGA_METRICS).map((name) => [name, true]),
) as Record<keyof typeof YOGA_METRICS, true>;

/**
 * SPEC §8's metrics: yoga's Prometheus plugin (requests and durations by operation) plus the
 * domain figures, read when scraped. Labels carry tenants, groups, operations and error codes,
 * never subjects or tokens.
 */
export function createMetrics(sources: MetricsSources) {
  const registry = new Registry();
  const errors = new Counter({
    name: 'quell_graphql_errors_total',
    help: 'GraphQL errors returned, by extensions.code',
    labelNames: ['code'],
    registers: [registry],
  });
  // Metrics count across tenants by design: their reads say so to row-level security. (Listing
  // the metrics for the README registers them with no sources: nothing is read then.)
  registerDomainMetrics(registry, {
    ...sources,
    prisma: sources.prisma && scopedClient(sources.prisma, ALL_TENANTS),
  });
  const plugin = usePrometheus({
    registry,
    endpoint: false,
    // Full URLs (query strings of GET requests) would make a series per request.
    labels: { url: false },
    // envelop walks every document for deprecated fields (3 % of the hot reads' CPU); a schema
    // that deprecates nothing can never count one, so the walk runs only when there is one.
    metrics: { ...YOGA_METRICS_ON, graphql_envelop_deprecated_field: deprecatesAnything(schema) },
  });
  return { registry, plugin, countError: (code: string) => errors.inc({ code }) };
}

/** Whether any field, argument, input field or enum value of `served` is deprecated. */
export function deprecatesAnything(served: GraphQLSchema): boolean {
  return Object.values(served.getTypeMap()).some((type) => {
    if (isEnumType(type)) return type.getValues().some((value) => value.deprecationReason);
    if (isInputObjectType(type))
      return Object.values(type.getFields()).some((field) => field.deprecationReason);
    if (!isObjectType(type)) return false;
    return Object.values(type.getFields()).some(
      (field) => field.deprecationReason || field.args.some((arg) => arg.deprecationReason),
    );
  });
}

export interface MetricDescription {
  name: string;
  type: string;
  labels: readonly string[];
  help: string;
}

/** Every metric /metrics serves, as the README's generated table lists them. */
export function metricDescriptions(): MetricDescription[] {
  // Only registration runs here: no scrape, so no collect() ever reads these sources.
  const unread = {} as MetricsSources;
  const described: MetricDescription[] = createMetrics(unread)
    .registry.getMetricsAsArray()
    .map((metric) => {
      const { name, help, type, labelNames } = metric as unknown as MetricInternals;
      return { name, type, labels: labelNames ?? [], help };
    });
  // envelop registers its own when the schema is first seen; they are named in YOGA_METRICS.
  for (const [name, metric] of Object.entries(YOGA_METRICS)) {
    if (!described.some((known) => known.name === name)) described.push({ name, ...metric });
  }
  return described;
}

/** prom-client keeps these on every metric; its typings leave them out. */
interface MetricInternals {
  name: string;
  help: string;
  type: string;
  labelNames?: string[];
}

function registerDomainMetrics(registry: Registry, sources: MetricsSources): void {
  const registers = [registry];
  new Gauge({
    name: 'quell_pending_actions',
    help: 'Remediation actions waiting for approval, by tenant and device group',
    labelNames: ['tenant', 'group'],
    registers,
    async collect() {
      this.reset();
      for (const row of await pendingActionsByGroup(sources.prisma))
        this.set({ tenant: row.tenant, group: row.group }, row.count);
    },
  });
  new Counter({
    name: 'quell_decisions_total',
    help: 'Actions approved, rejected or cancelled (totals of the audit log)',
    labelNames: ['decision'],
    registers,
    async collect() {
      await countFromAudit(this, sources.prisma, (operation) => DECISION_OF[operation]);
    },
  });
  new Counter({
    name: 'quell_undos_total',
    help: 'Actions whose undo was requested (totals of the audit log)',
    registers,
    async collect() {
      this.reset();
      const undo = (await decisionTotals(sources.prisma)).find(
        (row) => row.operation === 'undoRemediationActions',
      );
      this.inc(undo?.actions ?? 0);
    },
  });
  registerProcessGauges(registry, sources);
}

async function countFromAudit(
  counter: Counter<'decision'>,
  prisma: PrismaClient,
  labelOf: (operation: string) => string | undefined,
): Promise<void> {
  counter.reset();
  for (const decision of Object.values(DECISION_OF)) counter.inc({ decision }, 0);
  for (const row of await decisionTotals(prisma)) {
    const decision = labelOf(row.operation);
    if (decision) counter.inc({ decision }, row.actions);
  }
}

function registerProcessGauges(registry: Registry, sources: MetricsSources): void {
  const registers = [registry];
  new Gauge({
    name: 'quell_subscriptions_open',
    help: 'Subscriptions open on this process (WebSocket operations and SSE streams)',
    registers,
    collect() {
      this.set(sources.openSubscriptions());
    },
  });
  new Gauge({
    name: 'quell_stream_subscribers_behind',
    help: 'Stream subscribers catching up from the event log instead of following it live (stream lag)',
    registers,
    collect() {
      const stats = sources.streams.stats();
      this.set(stats.subscribers - stats.liveSubscribers);
    },
  });
  new Gauge({
    name: 'quell_db_pool_connections',
    help: 'Database pool connections of this process, by state',
    labelNames: ['state'],
    registers,
    collect() {
      const pool = sources.pool;
      if (!pool) return;
      this.set({ state: 'total' }, pool.totalCount);
      this.set({ state: 'idle' }, pool.idleCount);
      this.set({ state: 'waiting' }, pool.waitingCount);
    },
  });
}

/** Serves /metrics, behind `Authorization: Bearer <QUELL_METRICS_TOKEN>` when one is set. */
export async function serveMetrics(
  registry: Registry,
  token: string | null,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  if (token && !bearerMatches(request.headers.authorization, token)) {
    response.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer' });
    response.end('A bearer token is required for /metrics.\n');
    return;
  }
  const body = await registry.metrics();
  response.writeHead(200, { 'content-type': registry.contentType }).end(body);
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const encode = (text: string) => new TextEncoder().encode(text);
  const given = encode(/^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1] ?? '');
  const expected = encode(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
