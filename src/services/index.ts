import type { PrismaClient } from '../db/client.js';
import { postgresContentStore } from '../db/store/index.js';
import type { RemediationActionStatus } from '../generated/prisma/enums.js';
import { DEFAULT_PENDING_TTL_MS } from '../policy/index.js';
import { type AddIncidentCommentInput, addIncidentComment } from './add-incident-comment.js';
import { agentBlockListWhere } from './agent-block-list.js';
import {
  agentWorkCriteria,
  dispatchedWork,
  listAgentWork,
  type ReportActionOutcomeInput,
  reportActionOutcome,
} from './agent-work.js';
import { type ReportAlertInput, reportAlert } from './alerts.js';
import { createRuleWorker, type RuleWorkerOptions } from './automation/rule-worker.js';
import { createAutomationRuleService } from './automation-rules.js';
import { type CollectInput, collect } from './collect.js';
import { downloadCollection } from './collection-download.js';
import {
  type CollectionStorage,
  type CollectionUpload,
  uploadCollection,
} from './collection-upload.js';
import { type CreateWebhookInput, createWebhook } from './create-webhook.js';
import {
  approveRemediationActions,
  cancelRemediationActions,
  type DecideInput,
  rejectRemediationActions,
} from './decisions.js';
import { createDeviceGroupService } from './device-groups.js';
import { type SubmitFindingsInput, submitInvestigationFindings } from './findings.js';
import {
  type CreateIndicatorInput,
  createIndicator,
  type DeleteIndicatorInput,
  deleteIndicator,
  liveIndicatorsFor,
} from './indicators.js';
import { terminateIdleInvestigations } from './investigation-timeout.js';
import type { Actor } from './kernel/actor.js';
import { DEFAULT_IDEMPOTENCY_TTL_MS } from './kernel/idempotency.js';
import type { ServiceDeps } from './kernel/work.js';
import { createAgentExecutor, createSimulatedExecutor } from './remediation/execution.js';
import { type TakeResponseActionInput, takeResponseAction } from './response-actions.js';
import { withSimulatedUploads } from './simulated-collection.js';
import { expirePendingActions, sweep } from './sweep.js';
import {
  tenantSettings,
  type UpdateTenantSettingsInput,
  updateTenantSettings,
} from './tenant-settings.js';
import { createTenantProvisioner } from './tenants.js';
import {
  type TerminateInvestigationInput,
  terminateInvestigation,
} from './terminate-investigation.js';
import { type UndoInput, undoRemediationActions } from './undo.js';
import { type UpdateIncidentInput, updateIncident } from './update-incident.js';
import {
  createWebhookDeliveryWorker,
  type WebhookDeliveryOptions,
} from './webhooks/delivery-worker.js';
import { DEVELOPMENT_WEBHOOK_NETWORK } from './webhooks/network-guard.js';

export { type Actor, actorFrom, systemActor } from './kernel/actor.js';
export { DomainError } from './kernel/errors.js';

export interface ServiceOptions {
  /** How long an action may wait for approval before it expires (SPEC §3.4; default 7 days). */
  pendingTtlMs?: number;
  /** Who carries actions out: `simulated` (default) completes them at once, `agent` leaves them to endpoint agents. */
  executor?: 'simulated' | 'agent';
  /** How long idempotency keys live (default 24 h). */
  idempotencyTtlMs?: number;
  /** The clock (tests move it to expire actions). */
  now?: () => Date;
  /** Background sweep period: expiry, stale dispatched work, expired keys (default 30 s). */
  sweepIntervalMs?: number;
  /** Dispatched work older than this is completed by the sweep in simulated mode (default 60 s). */
  staleDispatchMs?: number;
  /** A running investigation without findings this long is TERMINATED_BY_SYSTEM (default 24 h; QUELL_INVESTIGATION_TIMEOUT_HOURS). */
  investigationTimeoutMs?: number;
  onError?: (error: unknown, where: string) => void;
  /** Tuning of the automation rule worker (SPEC §7.2), which the server starts. */
  ruleWorker?: RuleWorkerOptions;
  /** Webhook deliveries (SPEC §7.2): where receivers may be, timeout, concurrency, retries. */
  webhooks?: WebhookDeliveryOptions;
  /** The most bytes one collection upload may hold (SPEC §7.4; QUELL_COLLECTION_MAX_BYTES, default 50 MB). */
  collectionMaxBytes?: number;
}

export const DEFAULT_COLLECTION_MAX_BYTES = 50 * 1024 * 1024;

const DEFAULT_INVESTIGATION_TIMEOUT_MS = 24 * 3_600_000;

const logError = (error: unknown, where: string) =>
  console.error(JSON.stringify({ level: 'error', where, error: String(error) }));

/** The workflows, wired to one database. GraphQL resolvers, workers and scripts call these. */
export function createServices(prisma: PrismaClient, options: ServiceOptions = {}) {
  const mode = options.executor ?? 'simulated';
  const deps: ServiceDeps = {
    prisma,
    now: options.now ?? (() => new Date()),
    pendingTtlMs: options.pendingTtlMs ?? DEFAULT_PENDING_TTL_MS,
    idempotencyTtlMs: options.idempotencyTtlMs ?? DEFAULT_IDEMPOTENCY_TTL_MS,
    executor: null as never,
    onError: options.onError ?? logError,
  };
  const storage: CollectionStorage = {
    store: postgresContentStore,
    maxBytes: options.collectionMaxBytes ?? DEFAULT_COLLECTION_MAX_BYTES,
  };
  deps.executor = createExecutor(mode, () => deps, storage);
  const staleDispatchMs = options.staleDispatchMs ?? 60_000;
  const investigationTimeoutMs = options.investigationTimeoutMs ?? DEFAULT_INVESTIGATION_TIMEOUT_MS;
  const runSweep = () => sweep(deps, staleDispatchMs, investigationTimeoutMs);
  const background = periodicSweep(runSweep, deps.onError, options.sweepIntervalMs ?? 30_000);

  return {
    prisma,
    options,
    ensureTenant: createTenantProvisioner(prisma),
    deviceGroups: createDeviceGroupService(deps),
    tenantSettings: (actor: Actor) => tenantSettings(deps, actor),
    updateTenantSettings: (actor: Actor, input: UpdateTenantSettingsInput) =>
      updateTenantSettings(deps, actor, input),
    executorMode: mode,
    reportAlert: (actor: Actor, input: ReportAlertInput) => reportAlert(deps, actor, input),
    submitInvestigationFindings: (actor: Actor, input: SubmitFindingsInput) =>
      submitInvestigationFindings(deps, actor, input),
    approveRemediationActions: (actor: Actor, input: DecideInput) =>
      approveRemediationActions(deps, actor, input),
    rejectRemediationActions: (actor: Actor, input: DecideInput) =>
      rejectRemediationActions(deps, actor, input),
    cancelRemediationActions: (actor: Actor, input: DecideInput) =>
      cancelRemediationActions(deps, actor, input),
    undoRemediationActions: (actor: Actor, input: UndoInput) =>
      undoRemediationActions(deps, actor, input),
    takeResponseAction: (actor: Actor, input: TakeResponseActionInput) =>
      takeResponseAction(deps, actor, input),
    ...lifecycleServices(deps, investigationTimeoutMs),
    ...agentServices(deps),
    automationRules: createAutomationRuleService(deps),
    ...automationWorkers(deps, options),
    collections: collectionServices(deps, storage),
    /** Expires overdue pending actions now (the sweep does it periodically). */
    expirePendingActions: () => expirePendingActions(deps),
    /** One background pass: expiry, stale dispatched work, expired idempotency keys. */
    sweep: runSweep,
    /** Starts the periodic sweep on this instance (every instance may run it). */
    startBackgroundWork: background.start,
    /** Stops the sweep and waits for a pass under way. */
    stopBackgroundWork: background.stop,
  };
}

export type Services = ReturnType<typeof createServices>;

/** What endpoint agents call: their work queue and the outcome of each action (SPEC §3.5). */
function agentServices(deps: ServiceDeps) {
  return {
    agentWork: (actor: Actor) => listAgentWork(deps, actor),
    agentWorkCriteria: (actor: Actor) => agentWorkCriteria(actor),
    dispatchedWork: (actor: Actor, actionId: string, status: RemediationActionStatus) =>
      dispatchedWork(deps, actor, actionId, status),
    reportActionOutcome: (actor: Actor, input: ReportActionOutcomeInput) =>
      reportActionOutcome(deps, actor, input),
  };
}

/**
 * The rule worker, createWebhook and the webhook delivery worker (SPEC §7.2). A rule that queues
 * a delivery wakes the delivery worker at once; its timer finds the rest.
 */
function automationWorkers(deps: ServiceDeps, options: ServiceOptions) {
  const network = options.webhooks?.network ?? DEVELOPMENT_WEBHOOK_NETWORK;
  const webhookDelivery = createWebhookDeliveryWorker(deps.prisma, deps.onError, options.webhooks);
  const onWebhookQueued = webhookDelivery.wake;
  return {
    ruleWorker: createRuleWorker(deps, { ...options.ruleWorker, onWebhookQueued }),
    createWebhook: (actor: Actor, input: CreateWebhookInput) =>
      createWebhook(deps, network, actor, input),
    /** Sends queued webhook deliveries; the server starts it beside the rule worker. */
    webhookDelivery,
  };
}

/** Who carries actions out; the simulated one also uploads a generated archive for collections. */
function createExecutor(
  mode: 'simulated' | 'agent',
  deps: () => ServiceDeps,
  storage: CollectionStorage,
) {
  if (mode === 'agent') return createAgentExecutor(deps);
  return withSimulatedUploads(createSimulatedExecutor(deps), deps, storage);
}

/** File and investigation package collection (SPEC §7.4). */
function collectionServices(deps: ServiceDeps, storage: CollectionStorage) {
  return {
    maxBytes: storage.maxBytes,
    collect: (actor: Actor, input: CollectInput) => collect(deps, actor, input),
    upload: (actor: Actor, upload: CollectionUpload) =>
      uploadCollection(deps, storage, actor, upload),
    download: (actor: Actor, collectionId: string) =>
      downloadCollection(deps, storage.store, actor, collectionId),
  };
}

/** Incident triage and the investigation lifecycle (SPEC §7.1). */
function lifecycleServices(deps: ServiceDeps, investigationTimeoutMs: number) {
  return {
    updateIncident: (actor: Actor, input: UpdateIncidentInput) =>
      updateIncident(deps, actor, input),
    addIncidentComment: (actor: Actor, input: AddIncidentCommentInput) =>
      addIncidentComment(deps, actor, input),
    terminateInvestigation: (actor: Actor, input: TerminateInvestigationInput) =>
      terminateInvestigation(deps, actor, input),
    createIndicator: (actor: Actor, input: CreateIndicatorInput) =>
      createIndicator(deps, actor, input),
    deleteIndicator: (actor: Actor, input: DeleteIndicatorInput) =>
      deleteIndicator(deps, actor, input),
    liveIndicatorsFor: (actor: Actor, shas: readonly string[]) =>
      liveIndicatorsFor(deps, actor, shas),
    agentBlockListWhere: (actor: Actor) => agentBlockListWhere(deps, actor),
    /** Ends idle investigations now (the sweep does it periodically). */
    terminateIdleInvestigations: () => terminateIdleInvestigations(deps, investigationTimeoutMs),
  };
}

/** A sweep every `defaultIntervalMs` (or the interval given to start), one pass at a time. */
function periodicSweep(
  runSweep: () => Promise<unknown>,
  onError: ServiceDeps['onError'],
  defaultIntervalMs: number,
) {
  let timer: NodeJS.Timeout | null = null;
  let sweeping: Promise<unknown> | null = null;
  return {
    start(intervalMs = defaultIntervalMs) {
      if (timer) return;
      timer = setInterval(() => {
        if (sweeping) return;
        sweeping = runSweep()
          .catch((error) => onError(error, 'background sweep'))
          .finally(() => (sweeping = null));
      }, intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await sweeping;
    },
  };
}
