import { DECISION_TABLE } from './decision-table.js';
import { effectiveAutomationLevel } from './plans.js';
import type { AutomationLevel, Plan } from './vocabulary.js';

/**
 * Whether devices of a group are investigated automatically at all (SPEC §2.1): read from the
 * decision table, so a level runs no investigation exactly when every verdict of its row says
 * "no investigation". Services ask this before opening or joining an investigation, instead
 * of comparing automation levels themselves.
 */
export function runsAutomatedInvestigation(plan: Plan, groupLevel: AutomationLevel): boolean {
  return INVESTIGATED_LEVELS.has(effectiveAutomationLevel(plan, groupLevel));
}

const INVESTIGATED_LEVELS: ReadonlySet<AutomationLevel> = new Set(
  (Object.keys(DECISION_TABLE) as AutomationLevel[]).filter((level) =>
    Object.values(DECISION_TABLE[level]).some((cell) => cell !== 'no investigation'),
  ),
);
