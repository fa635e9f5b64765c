import type { DecisionRuleName } from './decision-rules.js';
import type { DecisionCell } from './decision-table.js';
import type {
  AutomationLevel,
  EvidenceKind,
  IndicatorAction,
  Plan,
  Verdict,
} from './vocabulary.js';

/** The indicator a decision applied, as the reason names it. */
export interface ReasonIndicator {
  readonly id: string;
  readonly sha256: string;
  readonly action: IndicatorAction;
  readonly title: string | null;
}

/**
 * Where the artifact's file lies, as the decision saw it: one of the location classes (or both
 * OS and temp), or why there is no location.
 */
export const LOCATION_FACTS = [
  'OS_DIRECTORY',
  'TEMP_FOLDER',
  'OS_DIRECTORY_AND_TEMP_FOLDER',
  'OTHER',
  /** The artifact has no file (a registry key; a service or task without a binary). */
  'NONE',
  /** A FILE, PROCESS or DRIVER came without a path: it has a file, but where is unknown. */
  'MISSING',
  /** The path could not be understood (`unreadableReason` says why). */
  'NOT_UNDERSTOOD',
  /** IP_ADDRESS, URL, USER: no file to locate. */
  'INFORMATIONAL',
] as const;
export type LocationFact = (typeof LOCATION_FACTS)[number];

/**
 * Why a decision came out as it did, as data (as Cedar answers carry diagnostics beside the
 * decision): the explanation sentence is rendered from it, and a caller can read the rule that
 * applied without parsing the sentence. Shared and frozen for every input with the same facts
 * (made per decision only for a path that was not understood, or an indicator, which it names).
 */
export interface DecisionReason {
  /** The first rule of `DECISION_RULES` that applied. */
  readonly rule: DecisionRuleName;
  /** The level the decision applied: the group's, or the one its plan imposes. */
  readonly automationLevel: AutomationLevel;
  /** The group's own level (the input's `automationLevel`). */
  readonly groupAutomationLevel: AutomationLevel;
  /** The plan the engine applied (BUSINESS: every device FULL); null when the input named none. */
  readonly plan: Plan | null;
  /** The verdict the decision applied: MALICIOUS under a BLOCK indicator, else the reported one. */
  readonly verdict: Verdict;
  /** The verdict as reported (by the investigation, or the spread of one). */
  readonly reportedVerdict: Verdict;
  /** The tenant's live indicator on the artifact's sha256 that the decision applied, else null. */
  readonly indicator: ReasonIndicator | null;
  readonly evidenceKind: EvidenceKind;
  /** The cell of the decision table (SPEC §2.1) for the level and verdict. */
  readonly decisionCell: DecisionCell;
  readonly location: LocationFact;
  /** Why the path could not be understood (location NOT_UNDERSTOOD), else null. */
  readonly unreadableReason: string | null;
}
