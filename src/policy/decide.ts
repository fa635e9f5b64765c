import { AIR_ACTION_BY_EVIDENCE_KIND, ARTIFACT_FILE } from './action-mapping.js';
import { classifyPath, NO_PATH_CLASSIFICATION, type PathClassification } from './classify-path.js';
import { DECISION_TABLE } from './decision-table.js';
import {
  explainDecision,
  explanationSubject,
  explanationTail,
  LOCATION_FACTS,
  type RuleApplication,
  unreadableLocationFact,
} from './explanation.js';
import {
  CLASSES_NONE,
  CLASSES_OS,
  CLASSES_OS_AND_TEMP,
  CLASSES_OTHER,
  CLASSES_TEMP,
} from './location-matcher.js';
import {
  AUTOMATION_LEVELS,
  type AutomationLevel,
  EVIDENCE_KINDS,
  type EvidenceKind,
  isOneOf,
  type LocationClass,
  type OsPlatform,
  type PolicyDecision,
  type RemediationActionType,
  VERDICTS,
  type Verdict,
} from './vocabulary.js';

export interface PolicyInput {
  readonly automationLevel: AutomationLevel;
  readonly verdict: Verdict;
  /** `path`: the artifact's file — FILE path, PROCESS/DRIVER image, SERVICE/SCHEDULED_TASK binary. */
  readonly evidence: { readonly kind: EvidenceKind; readonly path?: string | null };
  /** The device's platform. */
  readonly osPlatform: OsPlatform;
}

export interface PolicyEvaluation {
  readonly decision: PolicyDecision;
  /** The action the decision creates (taken automatically or pending); null when none is created. */
  readonly actionType: RemediationActionType | null;
  /** The artifact's location classes (shared frozen array; empty when the path was not understood). */
  readonly locationClasses: ReadonlyArray<LocationClass>;
  /** One sentence a person can read: the verdict, the location fact, the level's rule, the outcome. */
  readonly explanation: string;
  /** False when the artifact has a file whose location could not be established. */
  readonly pathUnderstood: boolean;
  /** The file path as the engine read it (null without a path or when it could not be read). */
  readonly normalizedPath: string | null;
}

/** What the decision needs to know about the artifact's location. */
export interface LocationFacts {
  /** False when the artifact has a file whose location could not be established. */
  readonly understood: boolean;
  readonly classes: ReadonlyArray<LocationClass>;
}

export interface TableDecision {
  readonly decision: PolicyDecision;
  readonly actionType: RemediationActionType | null;
  readonly rule: RuleApplication;
}

/**
 * THE rule (SPEC §2.1–2.3), readable:
 * - NO_AUTOMATED_RESPONSE → NO_INVESTIGATION, for every kind and verdict.
 * - Informational evidence (IP_ADDRESS, URL, USER) → NO_ACTION whatever the verdict.
 * - Otherwise the decision table. A location rule reads the artifact's location classes; when
 *   the artifact's file cannot be located (path not understood, or a FILE/PROCESS/DRIVER without
 *   a path) it takes the safe side: REQUIRE_APPROVAL. An automatic cell (FULL) takes the safe side
 *   too: nothing is remediated automatically on a path the engine could not read (SPEC §2.2).
 * - The action type is the kind's AIR action when an action is created, else null.
 */
export function applyDecisionTable(
  level: AutomationLevel,
  verdict: Verdict,
  kind: EvidenceKind,
  location: LocationFacts,
): TableDecision {
  const cell = DECISION_TABLE[level][verdict];
  const airAction = AIR_ACTION_BY_EVIDENCE_KIND[kind];
  let decision: PolicyDecision;
  let rule: RuleApplication;
  if (cell === 'no investigation') {
    decision = 'NO_INVESTIGATION';
    rule = airAction === null ? 'informational' : 'always';
  } else if (airAction === null) {
    decision = 'NO_ACTION';
    rule = 'informational';
  } else if (typeof cell === 'string' && !(cell === 'automatic' && !location.understood)) {
    decision =
      cell === 'automatic'
        ? 'TAKE_AUTOMATICALLY'
        : cell === 'approval'
          ? 'REQUIRE_APPROVAL'
          : 'NO_ACTION';
    rule = 'always';
  } else if (!location.understood) {
    // SPEC §2.2: a path the engine cannot understand never leads to an automatic action, even
    // where the level does not read the location: a person looks at it first.
    decision = 'REQUIRE_APPROVAL';
    rule = 'safe side';
  } else if (typeof cell === 'string') {
    throw new TypeError(`unreachable decision cell ${cell}`);
  } else if ('approvalIf' in cell) {
    const holds = location.classes.includes(cell.approvalIf);
    decision = holds ? 'REQUIRE_APPROVAL' : 'TAKE_AUTOMATICALLY';
    rule = holds ? 'holds' : 'not';
  } else {
    const holds = location.classes.includes(cell.automaticIf);
    decision = holds ? 'TAKE_AUTOMATICALLY' : 'REQUIRE_APPROVAL';
    rule = holds ? 'holds' : 'not';
  }
  const actionType =
    decision === 'TAKE_AUTOMATICALLY' || decision === 'REQUIRE_APPROVAL' ? airAction : null;
  return { decision, actionType, rule };
}

// ---------------------------------------------------------------------------------------------
// The rule above, compiled once at load time for every (level, verdict, kind, location fact),
// so that a decision costs a path classification and three look-ups. The sentences come from
// the same explanation builder; the path is the only part put in at decision time.

/** The location facts a decision can see, as indices into a compiled row. */
const FACT_OS = 0;
const FACT_TEMP = 1;
const FACT_OS_AND_TEMP = 2;
const FACT_OTHER = 3;
const FACT_NONE = 4;
/** The artifact has a file whose location is unknown (a FILE, PROCESS or DRIVER without a path). */
const FACT_MISSING = 5;
/** The path could not be understood (the sentence then names the reason). */
const FACT_UNREADABLE = 6;

const FACTS: ReadonlyArray<{ readonly location: LocationFacts; readonly phrase: string | null }> = [
  { location: { understood: true, classes: CLASSES_OS }, phrase: LOCATION_FACTS.OS_DIRECTORY },
  { location: { understood: true, classes: CLASSES_TEMP }, phrase: LOCATION_FACTS.TEMP_FOLDER },
  {
    location: { understood: true, classes: CLASSES_OS_AND_TEMP },
    phrase: LOCATION_FACTS.OS_DIRECTORY_AND_TEMP_FOLDER,
  },
  { location: { understood: true, classes: CLASSES_OTHER }, phrase: LOCATION_FACTS.OTHER },
  { location: { understood: true, classes: CLASSES_NONE }, phrase: LOCATION_FACTS.NONE },
  { location: { understood: false, classes: CLASSES_NONE }, phrase: LOCATION_FACTS.MISSING },
  { location: { understood: false, classes: [] }, phrase: null },
];

interface CompiledOutcome extends TableDecision {
  /** Whether the kind has a file (ARTIFACT_FILE). */
  readonly file: 'required' | 'optional' | 'none';
  readonly level: AutomationLevel;
  readonly verdict: Verdict;
  readonly kind: EvidenceKind;
  /** "Malicious file" (followed by " " + path). */
  readonly subjectWithPath: string;
  /** The whole sentence when no path is shown. */
  readonly sentenceWithoutPath: string;
  /** " — in an operating-system directory — and …: QUARANTINE_FILE waits for approval." */
  readonly tail: string;
}

function compileOutcome(
  level: AutomationLevel,
  verdict: Verdict,
  kind: EvidenceKind,
  fact: number,
): CompiledOutcome {
  const { location, phrase } = FACTS[fact] as (typeof FACTS)[number];
  const decided = applyDecisionTable(level, verdict, kind, location);
  const locationFact =
    decided.rule === 'informational' ? LOCATION_FACTS.INFORMATIONAL : (phrase ?? '');
  const facts = { automationLevel: level, verdict, kind, ...decided, locationFact };
  return {
    ...decided,
    file: ARTIFACT_FILE[kind],
    level,
    verdict,
    kind,
    subjectWithPath: explanationSubject(verdict, kind, true),
    sentenceWithoutPath: explainDecision(facts, null),
    tail: explanationTail(facts),
  };
}

function recordOf<K extends string, V>(
  keys: ReadonlyArray<K>,
  value: (key: K) => V,
): Readonly<Record<K, V>> {
  return Object.fromEntries(keys.map((key) => [key, value(key)])) as Record<K, V>;
}

/** The outcomes of one (level, verdict, kind), by location fact; `compiled` tells it from anything an inherited key (`toString`) would find. */
interface CompiledCell {
  readonly compiled: true;
  readonly byFact: ReadonlyArray<CompiledOutcome>;
}

const COMPILED = recordOf(AUTOMATION_LEVELS, (level) =>
  recordOf(VERDICTS, (verdict) =>
    recordOf(
      EVIDENCE_KINDS,
      (kind): CompiledCell => ({
        compiled: true,
        byFact: FACTS.map((_, fact) => compileOutcome(level, verdict, kind, fact)),
      }),
    ),
  ),
);

function factOf(classification: PathClassification): number {
  const classes = classification.classes;
  if (!classification.understood)
    return classification.reason === undefined ? FACT_MISSING : FACT_UNREADABLE;
  if (classes === CLASSES_OS) return FACT_OS;
  if (classes === CLASSES_TEMP) return FACT_TEMP;
  if (classes === CLASSES_OS_AND_TEMP) return FACT_OS_AND_TEMP;
  if (classes === CLASSES_OTHER) return FACT_OTHER;
  return FACT_NONE;
}

/** A FILE, PROCESS or DRIVER always has a file; without a path its location is unknown. */
const MISSING_REQUIRED_PATH: PathClassification = Object.freeze({
  classes: CLASSES_NONE,
  normalizedPath: null,
  understood: false,
});

const MAX_SHOWN_PATH = 200;

function shownUnreadablePath(raw: string | null | undefined): string | null {
  if (typeof raw !== 'string' || raw === '') return null;
  return JSON.stringify(raw.length > MAX_SHOWN_PATH ? `${raw.slice(0, MAX_SHOWN_PATH)}…` : raw);
}

function invalid(what: string, value: unknown): never {
  throw new TypeError(`unknown ${what}: ${String(value)}`);
}

function invalidInput(input: PolicyInput): never {
  if (!isOneOf(AUTOMATION_LEVELS, input.automationLevel))
    invalid('automation level', input.automationLevel);
  if (!isOneOf(VERDICTS, input.verdict)) invalid('verdict', input.verdict);
  invalid('evidence kind', input.evidence.kind);
}

/**
 * THE remediation decision (SPEC §2.1–2.3): what happens to a verdict on a piece of evidence on
 * a device whose group has `automationLevel` (see `applyDecisionTable` for the rule). Pure;
 * throws a TypeError only for values outside the vocabulary.
 */
export function decideRemediation(input: PolicyInput): PolicyEvaluation {
  const { automationLevel, verdict, evidence, osPlatform } = input;
  const kind = evidence.kind;
  // An inherited key (`toString`, `__proto__`) finds something that is not a compiled cell.
  const cell = COMPILED[automationLevel]?.[verdict]?.[kind];
  if (cell?.compiled !== true) invalidInput(input);
  if (osPlatform !== 'WINDOWS' && osPlatform !== 'LINUX' && osPlatform !== 'MACOS')
    invalid('OS platform', osPlatform);
  const outcomes = cell.byFact;

  const file = (outcomes[0] as CompiledOutcome).file;
  let classification: PathClassification = NO_PATH_CLASSIFICATION;
  if (file !== 'none') {
    classification = classifyPath(evidence.path, osPlatform);
    if (file === 'required' && classification === NO_PATH_CLASSIFICATION)
      classification = MISSING_REQUIRED_PATH;
  }
  const fact = factOf(classification);
  const outcome = outcomes[fact] as CompiledOutcome;
  let explanation: string;
  if (fact === FACT_UNREADABLE) {
    const facts = {
      automationLevel,
      verdict,
      kind,
      decision: outcome.decision,
      actionType: outcome.actionType,
      rule: outcome.rule,
      locationFact: unreadableLocationFact(classification.reason ?? 'unknown'),
    };
    explanation = explainDecision(facts, shownUnreadablePath(evidence.path));
  } else if (classification.normalizedPath !== null) {
    explanation = `${outcome.subjectWithPath} ${classification.normalizedPath}${outcome.tail}`;
  } else {
    explanation = outcome.sentenceWithoutPath;
  }
  return {
    decision: outcome.decision,
    actionType: outcome.actionType,
    locationClasses: classification.classes,
    explanation,
    pathUnderstood: classification.understood,
    normalizedPath: classification.normalizedPath,
  };
}
