import { randomUUID } from 'node:crypto';
import {
  advanceAutomationPosition,
  readAutomationEvents,
  releaseAutomationLease,
  takeAutomationLease,
  tenantsWithEnabledRules,
} from '../../db/store/index.js';
import { ALL_TENANTS, scopedClient, tenantScope } from '../../db/tenant-scope.js';
import type { AutomationRule } from '../../generated/prisma/client.js';
import { type AutomationCondition, ruleMatchesEvent } from '../../policy/automation-match.js';
import type { ServiceDeps } from '../kernel/work.js';
import { fireRule } from './fire-rule.js';

export interface RuleWorkerOptions {
  /** How often the worker looks at the logs (default 500 ms). */
  intervalMs?: number;
  /** How long a tenant's lease lasts without renewal (default 30 s). */
  leaseMs?: number;
  /** Events read per pass and tenant (default 200). */
  batchSize?: number;
  /** Called when a rule queued a webhook delivery (the server wakes its delivery worker). */
  onWebhookQueued?: () => void;
}

/**
 * The rule worker (SPEC §7.2): reads each tenant's action log by position, never from in-memory
 * hooks. The position lives in PostgreSQL with a per-tenant lease, so one instance at a time
 * fires a tenant's rules, and a restart resumes where the last pass stopped. A step is claimed
 * by an idempotency key per (rule, event) in its own transaction, so an event is acted on once
 * even when a lease changes hands mid-pass.
 */
export function createRuleWorker(deps: ServiceDeps, options: RuleWorkerOptions = {}) {
  const owner = randomUUID();
  const intervalMs = options.intervalMs ?? 500;
  const settings = {
    owner,
    leaseMs: options.leaseMs ?? 30_000,
    batch: options.batchSize ?? 200,
    onQueued: options.onWebhookQueued ?? (() => {}),
  };
  let timer: NodeJS.Timeout | null = null;
  let pass: Promise<void> | null = null;
  // Across tenants by design (which tenants have rules, this instance's leases); each tenant's
  // log is then read and acted on in that tenant's own scope.
  const allTenants = scopedClient(deps.prisma, ALL_TENANTS);
  const runPass = async () => {
    for (const tenantId of await tenantsWithEnabledRules(allTenants))
      await processTenant(deps, tenantId, settings);
  };
  return {
    owner,
    /** One pass over every tenant with enabled rules (the timer runs it periodically). */
    runPass,
    start() {
      if (timer) return;
      timer = setInterval(() => {
        if (pass) return;
        pass = runPass()
          .catch((error) => deps.onError(error, 'rule worker'))
          .finally(() => (pass = null));
      }, intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await pass;
      await releaseAutomationLease(allTenants, owner);
    },
  };
}

/** Fires the tenant's enabled rules on its next events, if this instance holds the lease. */
async function processTenant(
  deps: ServiceDeps,
  tenantId: string,
  settings: { owner: string; leaseMs: number; batch: number; onQueued: () => void },
): Promise<void> {
  const prisma = scopedClient(deps.prisma, tenantScope(tenantId));
  const position = await takeAutomationLease(prisma, tenantId, settings.owner, settings.leaseMs);
  if (position === null) return;
  const events = await readAutomationEvents(prisma, tenantId, position, settings.batch);
  if (events.length === 0) return;
  const rules = await prisma.automationRule.findMany({
    where: { tenantId, enabled: true },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  });
  for (const event of events) {
    for (const rule of rules) {
      if (event.id <= rule.sinceEventId || !matches(rule, event)) continue;
      const outcome = await fireRule(deps, rule, event, settings.onQueued);
      await prisma.automationFiring.createMany({
        data: [{ ruleId: rule.id, eventId: event.id, tenantId, outcome }],
        skipDuplicates: true,
      });
    }
    // Lost the lease (another instance took over after ours expired): stop here.
    if (!(await advanceAutomationPosition(prisma, tenantId, settings.owner, event.id))) return;
  }
}

function matches(rule: AutomationRule, event: Parameters<typeof ruleMatchesEvent>[1]): boolean {
  return ruleMatchesEvent(
    { trigger: rule.trigger, condition: rule.condition as AutomationCondition },
    event,
  );
}
