import { LEVEL_RULE_TEXT } from './decision-table.js';
import type {
  AutomationLevel,
  EvidenceKind,
  PolicyDecision,
  RemediationActionType,
  Verdict,
} from './vocabulary.js';

/**
 * The sentence that explains a decision to a person:
 *   "<Verdict> <artifact> <path> — <location fact> — and <the level's rule>: <outcome>."
 * e.g. "Malicious file C:\Windows\System32\evil.dll — in an operating-system directory — and the
 * group (SEMI_REQUIRE_APPROVAL_CORE_FOLDERS) requires approval for core folders:
 * QUARANTINE_FILE waits for approval."
 */

const VERDICT_WORDS: Readonly<Record<Verdict, string>> = {
  MALICIOUS: 'Malicious',
  SUSPICIOUS: 'Suspicious',
  NO_THREATS_FOUND: 'No threats found in',
};

/** What the artifact is called, with and without a file path. */
const ARTIFACT_NOUNS: Readonly<
  Record<EvidenceKind, { readonly withPath: string; readonly withoutPath: string }>
> = {
  FILE: { withPath: 'file', withoutPath: 'file' },
  PROCESS: { withPath: 'process image', withoutPath: 'process' },
  DRIVER: { withPath: 'driver image', withoutPath: 'driver' },
  SERVICE: { withPath: 'service binary', withoutPath: 'service' },
  SCHEDULED_TASK: { withPath: 'scheduled task binary', withoutPath: 'scheduled task' },
  REGISTRY_KEY: { withPath: 'registry key', withoutPath: 'registry key' },
  IP_ADDRESS: { withPath: 'IP address', withoutPath: 'IP address' },
  URL: { withPath: 'URL', withoutPath: 'URL' },
  USER: { withPath: 'user', withoutPath: 'user' },
};

/** The location facts, as the sentence states them. */
export const LOCATION_FACTS = {
  OS_DIRECTORY: 'in an operating-system directory',
  TEMP_FOLDER: 'in a temporary folder',
  OS_DIRECTORY_AND_TEMP_FOLDER: 'in an operating-system directory and in a temporary folder',
  OTHER: 'neither in an operating-system directory nor in a temporary folder',
  NONE: 'no file path',
  MISSING: 'its location is unknown (no path was given)',
  INFORMATIONAL: 'informational evidence, no file',
} as const;

export function unreadableLocationFact(reason: string): string {
  return `its location cannot be understood (${reason})`;
}

/** How the level's rule applied: a fixed cell, a location rule that held / did not, the safe side, or informational evidence. */
export type RuleApplication = 'always' | 'holds' | 'not' | 'safe side' | 'informational';

function ruleText(
  level: AutomationLevel,
  verdict: Verdict,
  rule: RuleApplication,
  decision: PolicyDecision,
): string {
  const text = LEVEL_RULE_TEXT[level];
  switch (rule) {
    case 'informational':
      return decision === 'NO_INVESTIGATION'
        ? text.always[verdict]
        : `automated investigations take no action on informational evidence, whatever the group's level (${level})`;
    case 'holds':
      return text.ifHolds ?? text.always[verdict];
    case 'not':
      return text.ifNot ?? text.always[verdict];
    case 'safe side':
      return `${text.always[verdict]}, so with an unknown location the engine takes the safe side`;
    case 'always':
      return text.always[verdict];
  }
}

function outcomeText(decision: PolicyDecision, actionType: RemediationActionType | null): string {
  switch (decision) {
    case 'TAKE_AUTOMATICALLY':
      return `${actionType ?? 'the action'} is taken automatically`;
    case 'REQUIRE_APPROVAL':
      return `${actionType ?? 'the action'} waits for approval`;
    case 'NO_ACTION':
      return 'no action';
    case 'NO_INVESTIGATION':
      return 'no investigation and no action';
  }
}

export interface ExplanationFacts {
  readonly automationLevel: AutomationLevel;
  readonly verdict: Verdict;
  readonly kind: EvidenceKind;
  readonly decision: PolicyDecision;
  /** The action the decision creates (null when none). */
  readonly actionType: RemediationActionType | null;
  readonly rule: RuleApplication;
  /** The location fact as a phrase (one of LOCATION_FACTS, or unreadableLocationFact(reason)). */
  readonly locationFact: string;
}

/** "Malicious file " / "Malicious service": the start of the sentence, before the path. */
export function explanationSubject(
  verdict: Verdict,
  kind: EvidenceKind,
  withPath: boolean,
): string {
  const nouns = ARTIFACT_NOUNS[kind];
  return `${VERDICT_WORDS[verdict]} ${withPath ? nouns.withPath : nouns.withoutPath}`;
}

/** " — <location fact> — and <rule>: <outcome>.": the end of the sentence, after the path. */
export function explanationTail(facts: ExplanationFacts): string {
  const rule = ruleText(facts.automationLevel, facts.verdict, facts.rule, facts.decision);
  return ` — ${facts.locationFact} — and ${rule}: ${outcomeText(facts.decision, facts.actionType)}.`;
}

/** The whole sentence; `shownPath` is the path as shown (null: the artifact has no path to show). */
export function explainDecision(facts: ExplanationFacts, shownPath: string | null): string {
  const subject = explanationSubject(facts.verdict, facts.kind, shownPath !== null);
  return shownPath === null
    ? subject + explanationTail(facts)
    : `${subject} ${shownPath}${explanationTail(facts)}`;
}
