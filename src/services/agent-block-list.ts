import type { Prisma } from '../db/client.js';
import { agentDevice } from './agent-work.js';
import type { Actor } from './kernel/actor.js';
import type { ServiceDeps } from './kernel/work.js';

/**
 * The agents' read of the BLOCK list (SPEC §7.1: "to enforce on the endpoint"): the live BLOCK
 * indicators of the agent's own tenant, whatever its device's group — indicators are tenant-wide.
 * Live as the policy reads them (`isIndicatorLive`): no expiry, or one not reached yet; each
 * carries its expiry, so an agent drops it then without asking again.
 */
export function agentBlockListWhere(deps: ServiceDeps, actor: Actor): Prisma.IndicatorWhereInput {
  agentDevice(actor);
  return {
    tenantId: actor.tenantId,
    action: 'BLOCK',
    OR: [{ expiresAt: null }, { expiresAt: { gt: deps.now() } }],
  };
}
