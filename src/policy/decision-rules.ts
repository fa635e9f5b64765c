import type { DecisionCell } from './decision-table.js';
import type { IndicatorAction, LocationClass, PolicyDecision } from './vocabulary.js';

/**
 * THE remediation rule (SPEC §2.1–2.3) as an ordered list of named rules, read top-down: the
 * first rule whose condition holds decides, and its name is the reason's `rule`. Each rule reads
 * the cell of the decision table for the level and verdict (`decision-table.ts`), whether the
 * evidence is informational, where the artifact's file lies, and the tenant's live indicator on
 * its sha256. A BLOCK indicator is not a rule of its own: it makes the verdict MALICIOUS before
 * the cell is read, so the level decides as for any malicious finding.
 */

/** The names of the rules, in the order they are tried. */
export const DECISION_RULE_NAMES = [
  'no-automated-response',
  'allow-indicator',
  'informational-evidence',
  'nothing-to-remediate',
  'level-requires-approval',
  'unknown-location-safe-side',
  'level-remediates-automatically',
  'core-folder-requires-approval',
  'outside-core-folders-automatic',
  'temp-folder-automatic',
  'outside-temp-folders-requires-approval',
] as const;
export type DecisionRuleName = (typeof DECISION_RULE_NAMES)[number];

/** What the artifact's file location tells a rule. */
export interface LocationFacts {
  /** False when the artifact has a file whose location could not be established. */
  readonly understood: boolean;
  readonly classes: ReadonlyArray<LocationClass>;
}

/** Everything a rule may read. */
export interface RuleFacts {
  readonly cell: DecisionCell;
  /** IP_ADDRESS, URL, USER: evidence without a remediation action (SPEC §2.3). */
  readonly informational: boolean;
  readonly location: LocationFacts;
  /** The action of the tenant's live indicator on the artifact's sha256, if one applies. */
  readonly indicator: IndicatorAction | null;
}

export interface DecisionRule {
  readonly name: DecisionRuleName;
  readonly when: (facts: RuleFacts) => boolean;
  readonly decision: PolicyDecision;
}

const isLocationRule = (cell: DecisionCell): boolean => typeof cell !== 'string';
const inFolder = (facts: RuleFacts, folder: LocationClass): boolean =>
  facts.location.classes.includes(folder);
const approvalIfIn = (cell: DecisionCell, folder: LocationClass): boolean =>
  typeof cell !== 'string' && 'approvalIf' in cell && cell.approvalIf === folder;
const automaticIfIn = (cell: DecisionCell, folder: LocationClass): boolean =>
  typeof cell !== 'string' && 'automaticIf' in cell && cell.automaticIf === folder;

export const DECISION_RULES: ReadonlyArray<DecisionRule> = [
  {
    // SPEC §2.1: no automated investigation at all, whatever the evidence.
    name: 'no-automated-response',
    when: (f) => f.cell === 'no investigation',
    decision: 'NO_INVESTIGATION',
  },
  {
    // SPEC §7.1: the tenant allows this file; no verdict remediates it (the evidence keeps it).
    name: 'allow-indicator',
    when: (f) => f.indicator === 'ALLOW',
    decision: 'NO_ACTION',
  },
  {
    // SPEC §2.3: informational kinds have no AIR action.
    name: 'informational-evidence',
    when: (f) => f.informational,
    decision: 'NO_ACTION',
  },
  { name: 'nothing-to-remediate', when: (f) => f.cell === 'no action', decision: 'NO_ACTION' },
  {
    name: 'level-requires-approval',
    when: (f) => f.cell === 'approval',
    decision: 'REQUIRE_APPROVAL',
  },
  {
    // SPEC §2.2: a file the engine cannot locate is never remediated automatically, even where
    // the level does not read the location (FULL): a person looks at it first.
    name: 'unknown-location-safe-side',
    when: (f) => !f.location.understood && (f.cell === 'automatic' || isLocationRule(f.cell)),
    decision: 'REQUIRE_APPROVAL',
  },
  {
    name: 'level-remediates-automatically',
    when: (f) => f.cell === 'automatic',
    decision: 'TAKE_AUTOMATICALLY',
  },
  {
    name: 'core-folder-requires-approval',
    when: (f) => approvalIfIn(f.cell, 'OS_DIRECTORY') && inFolder(f, 'OS_DIRECTORY'),
    decision: 'REQUIRE_APPROVAL',
  },
  {
    name: 'outside-core-folders-automatic',
    when: (f) => approvalIfIn(f.cell, 'OS_DIRECTORY'),
    decision: 'TAKE_AUTOMATICALLY',
  },
  {
    name: 'temp-folder-automatic',
    when: (f) => automaticIfIn(f.cell, 'TEMP_FOLDER') && inFolder(f, 'TEMP_FOLDER'),
    decision: 'TAKE_AUTOMATICALLY',
  },
  {
    name: 'outside-temp-folders-requires-approval',
    when: (f) => automaticIfIn(f.cell, 'TEMP_FOLDER'),
    decision: 'REQUIRE_APPROVAL',
  },
];

/** The first rule that applies. Throws for a cell no rule covers (a table edited without its rule). */
export function firstMatchingRule(facts: RuleFacts): DecisionRule {
  for (const rule of DECISION_RULES) if (rule.when(facts)) return rule;
  throw new TypeError(`no decision rule covers the cell ${JSON.stringify(facts.cell)}`);
}
