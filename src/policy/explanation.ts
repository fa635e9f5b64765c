import type { DecisionReason, LocationFact } from './decision-reason.js';
import type { DecisionRuleName } from './decision-rules.js';
import { LEVEL_RULE_TEXT } from './decision-table.js';
import type {
  AutomationLevel,
  EvidenceKind,
  PolicyDecision,
  RemediationActionType,
  Verdict,
} from './vocabulary.js';

/**
 * The sentence that explains a decision to a person, rendered from its reason (decision-reason.ts):
 *   "<Verdict> <artifact> <path> — <location fact> — and <the level's rule>: <outcome>."
 * e.g. "Malicious file C:\Windows\System32\evil.dll — in an operating-system directory — and the
 * group (SEMI_REQUIRE_APPROVAL_CORE_FOLDERS) requires approval for core folders:
 * QUARANTINE_FILE waits for approval."
 * With an indicator on the sha256 (SPEC §7.1) it is named after the path:
 *   "Malicious file C:\x.exe — the tenant's BLOCK indicator "Ransom" on its sha256 <sha256> makes
 *   it malicious (reported: no threats found) — neither … — and …: QUARANTINE_FILE is taken
 *   automatically."
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
const LOCATION_PHRASES: Readonly<Record<Exclude<LocationFact, 'NOT_UNDERSTOOD'>, string>> = {
  OS_DIRECTORY: 'in an operating-system directory',
  TEMP_FOLDER: 'in a temporary folder',
  OS_DIRECTORY_AND_TEMP_FOLDER: 'in an operating-system directory and in a temporary folder',
  OTHER: 'neither in an operating-system directory nor in a temporary folder',
  NONE: 'no file path',
  MISSING: 'its location is unknown (no path was given)',
  INFORMATIONAL: 'informational evidence, no file',
};

const REPORTED_WORDS: Readonly<Record<Verdict, string>> = {
  MALICIOUS: 'malicious',
  SUSPICIOUS: 'suspicious',
  NO_THREATS_FOUND: 'no threats found',
};

/** The indicator the decision applied, named by its title (quoted: it is a person's text) and sha256. */
function indicatorPhrase(reason: DecisionReason): string {
  const { indicator } = reason;
  if (indicator === null) return '';
  const title = indicator.title === null ? '' : ` ${JSON.stringify(indicator.title)}`;
  const named = `the tenant's ${indicator.action} indicator${title} on its sha256 ${indicator.sha256}`;
  if (indicator.action === 'ALLOW') return ` — ${named} allows it`;
  const reported =
    reason.reportedVerdict === reason.verdict
      ? ''
      : ` (reported: ${REPORTED_WORDS[reason.reportedVerdict]})`;
  return ` — ${named} makes it malicious${reported}`;
}

function locationPhrase(reason: DecisionReason): string {
  return reason.location === 'NOT_UNDERSTOOD'
    ? `its location cannot be understood (${reason.unreadableReason ?? 'unknown'})`
    : LOCATION_PHRASES[reason.location];
}

/** The level's rule as the sentence states it, by the rule that applied. */
function ruleText(rule: DecisionRuleName, level: AutomationLevel, verdict: Verdict): string {
  const text = LEVEL_RULE_TEXT[level];
  switch (rule) {
    case 'allow-indicator':
      return `an allowed file is not remediated, whatever the verdict and the group's level (${level})`;
    case 'informational-evidence':
      return `automated investigations take no action on informational evidence, whatever the group's level (${level})`;
    case 'unknown-location-safe-side':
      return `${text.always[verdict]}, so with an unknown location the engine takes the safe side`;
    case 'core-folder-requires-approval':
    case 'temp-folder-automatic':
      return text.ifHolds ?? text.always[verdict];
    case 'outside-core-folders-automatic':
    case 'outside-temp-folders-requires-approval':
      return text.ifNot ?? text.always[verdict];
    case 'no-automated-response':
    case 'nothing-to-remediate':
    case 'level-requires-approval':
    case 'level-remediates-automatically':
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

/** A decision with its reason: what the sentence is rendered from. */
export interface ExplainedDecision {
  readonly decision: PolicyDecision;
  /** The action the decision creates (null when none). */
  readonly actionType: RemediationActionType | null;
  readonly reason: DecisionReason;
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

/**
 * " — <location fact> — and <rule>: <outcome>.": the end of the sentence, after the path; with
 * an indicator, " — <the indicator and what it does>" comes first.
 */
export function explanationTail(decided: ExplainedDecision): string {
  const { reason } = decided;
  const rule = ruleText(reason.rule, reason.automationLevel, reason.verdict);
  const outcome = outcomeText(decided.decision, decided.actionType);
  return `${indicatorPhrase(reason)} — ${locationPhrase(reason)} — and ${rule}: ${outcome}.`;
}

const MAX_SHOWN_PATH = 200;

/** A path that was not understood is shown JSON-quoted (control characters escaped), cut at 200 characters. */
function quotedUnreadablePath(raw: string): string {
  return JSON.stringify(raw.length > MAX_SHOWN_PATH ? `${raw.slice(0, MAX_SHOWN_PATH)}…` : raw);
}

/**
 * The whole sentence. `path`: the path as the engine read it, or, when the location is
 * NOT_UNDERSTOOD, the path as given (shown quoted); null when there is no path to show.
 */
export function renderExplanation(decided: ExplainedDecision, path: string | null): string {
  const { reason } = decided;
  const shown =
    path === null || path === ''
      ? null
      : reason.location === 'NOT_UNDERSTOOD'
        ? quotedUnreadablePath(path)
        : path;
  const subject = explanationSubject(reason.verdict, reason.evidenceKind, shown !== null);
  const tail = explanationTail(decided);
  return shown === null ? subject + tail : `${subject} ${shown}${tail}`;
}
