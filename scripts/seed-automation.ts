// Seed example of automating Quell (SPEC §7.2): a rule that approves, as soon as it is pending,
// the quarantine of any file whose sha256 is on a list the team already knows to be malicious.
// Created through the services, like every seed, so it is audited and starts at the log's end.
import { createHash } from 'node:crypto';
import { actorFrom, type Services } from '../src/services/index.js';

const sha = (seed: string) => createHash('sha256').update(seed).digest('hex');

/** The team's list of known-bad files (the demo's recurring threats among them). */
export const KNOWN_BAD_SHA256 = [sha('emotet-loader'), sha('cobalt-beacon'), sha('miner')];

export const KNOWN_BAD_RULE_NAME = 'Approve quarantines of known-bad files';

/** Creates the example rule in the tenant once; returns its id (the existing one's the second time). */
export async function seedAutomationExamples(services: Services, options: { tenant: string }) {
  const admin = actorFrom(
    {
      subject: 'seed',
      tenantId: options.tenant,
      roles: new Set(['admin']),
      groups: 'all',
      deviceId: null,
    },
    'seed-automation',
  );
  await services.ensureTenant(options.tenant);
  const existing = await services.prisma.automationRule.findFirst({
    where: { tenantId: options.tenant, name: KNOWN_BAD_RULE_NAME },
    select: { id: true },
  });
  if (existing) return existing.id;
  const created = await services.automationRules.create(admin, {
    name: KNOWN_BAD_RULE_NAME,
    trigger: 'ACTION_PENDING',
    step: 'APPROVE',
    condition: {
      actionTypes: ['QUARANTINE_FILE', 'STOP_AND_QUARANTINE_FILE'],
      sha256In: KNOWN_BAD_SHA256,
    },
    idempotencyKey: 'seed:known-bad-quarantines',
  });
  return created.ruleId;
}
