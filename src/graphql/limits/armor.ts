import { EnvelopArmor } from '@escape.tech/graphql-armor';
import type { GraphQLError } from 'graphql';
import { type LimitName, limitExceeded } from './limit-error.js';

/**
 * The static bounds of an operation (SPEC §5): depth 12 covers the deepest dashboard query
 * (incident → actions → device → group) with room; 30 aliases and 20 directives are far above any
 * real client; 4,000 tokens fit every operation of schema/operations. Cost is not armor's: its
 * cost limit ignores variables (see cost.ts).
 */
export const ARMOR_LIMITS = { depth: 12, aliases: 30, tokens: 4000, directives: 20 } as const;

/** Armor reports "Syntax Error: …" without a code; each rejection becomes LIMIT_EXCEEDED naming it. */
function rejectAs(limit: LimitName) {
  return {
    propagateOnRejection: false,
    onReject: [
      (_context: unknown, error: GraphQLError) => {
        throw limitExceeded(limit, error.message.replace(/^Syntax Error: /, ''));
      },
    ],
  };
}

export function armorPlugins(production: boolean) {
  const armor = new EnvelopArmor({
    maxDepth: { n: ARMOR_LIMITS.depth, ...rejectAs('depth') },
    maxAliases: { n: ARMOR_LIMITS.aliases, ...rejectAs('aliases') },
    maxTokens: { n: ARMOR_LIMITS.tokens, ...rejectAs('tokens') },
    maxDirectives: { n: ARMOR_LIMITS.directives, ...rejectAs('directives') },
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: production },
  });
  return armor.protect().plugins;
}
