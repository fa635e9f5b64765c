import type { Plugin } from 'graphql-yoga';
import { armorPlugins } from './armor.js';
import { useConnectionCursorCheck } from './connection-cursors.js';
import { useIntrospectionPolicy } from './introspection.js';
import { useGetParamsCheck } from './request-params.js';
import { useSubscriptionCostCheck } from './subscription-cost.js';

export { ARMOR_LIMITS } from './armor.js';
export { costError, MAX_COST } from './cost.js';
export { operationDocument } from './subscription-cost.js';

/**
 * The bounds every operation is held to before it runs (SPEC §5): armor's static limits, the
 * introspection policy, connection cursors checked with the variables, GET parameters that must
 * be JSON. The cost limit lives in
 * the schema (@pothos/plugin-complexity, see cost.ts): it needs the variables' values.
 */
export function operationLimits(options: { production: boolean; introspection: boolean }) {
  return [
    ...armorPlugins(options.production),
    useIntrospectionPolicy(options.introspection),
    useConnectionCursorCheck(),
    useGetParamsCheck(),
    useSubscriptionCostCheck(),
  ] as Plugin[];
}
