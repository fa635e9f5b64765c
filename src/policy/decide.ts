import { AIR_ACTION_BY_EVIDENCE_KIND, ARTIFACT_FILE } from './action-mapping.js';
import { classifyPath, NO_PATH_CLASSIFICATION, type PathClassification } from './classify-path.js';
import type { DecisionReason, LocationFact } from './decision-reason.js';
import { firstMatchingRule, type LocationFacts } from './decision-rules.js';
import { DECISION_TABLE } from './decision-table.js';
import { explanationSubject, explanationTail, renderExplanation } from './explanation.js';
import {
  type Indicator,
  indicatorFor,
  type LiveIndicators,
  verdictUnderIndicator,
} from './indicators.js';
import {
  CLASSES_NONE,
  CLASSES_OS,
  CLASSES_OS_AND_TEMP,
  CLASSES_OTHER,
  CLASSES_TEMP,
} from './location-matcher.js';
import { effectiveAutomationLevel } from './plans.js';
import {
  AUTOMATION_LEVELS,
  type AutomationLevel,
  EVIDENCE_KINDS,
  type EvidenceKind,
  INDICATOR_ACTIONS,
  type IndicatorAction,
  isOneOf,
  type LocationClass,
  type OsPlatform,
  PLANS,
  type Plan,
  type PolicyDecision,
  type RemediationActionType,
  VERDICTS,
  type Verdict,
} from './vocabulary.js';

export interface PolicyInput {
  readonly automationLevel: AutomationLevel;
  readonly verdict: Verdict;
  /**
   * `path`: the artifact's file — FILE path, PROCESS/DRIVER image, SERVICE/SCHEDULED_TASK binary;
   * `sha256`: that file's hash (FILE, PROCESS image), which `indicators` are looked up by.
   */
  readonly evidence: {
    readonly kind: EvidenceKind;
    readonly path?: string | null;
    readonly sha256?: string | null;
  };
  /** The device's platform. */
  readonly osPlatform: OsPlatform;
  /**
   * The tenant's plan, when the caller wants the engine to apply it: `automationLevel` is then
   * the group's own level and the plan's limit applies (BUSINESS: every device FULL), recorded in
   * the reason. Without it, `automationLevel` is the level that applies.
   */
  readonly plan?: Plan;
  /**
   * The tenant's live indicators (SPEC §7.1), an input like the rest: an ALLOW on the evidence's
   * sha256 decides NO_ACTION, a BLOCK makes the verdict MALICIOUS. Without it, none apply.
   */
  readonly indicators?: LiveIndicators;
}

export interface PolicyEvaluation {
  readonly decision: PolicyDecision;
  /** The action the decision creates (taken automatically or pending); null when none is created. */
  readonly actionType: RemediationActionType | null;
  /** Why, as data: the rule that applied, the location fact, the level, the table's cell. */
  readonly reason: DecisionReason;
  /** The artifact's location classes (shared frozen array; empty when the path was not understood). */
  readonly locationClasses: ReadonlyArray<LocationClass>;
  /** The reason as one sentence a person can read (rendered by `renderExplanation`). */
  readonly explanation: string;
  /** False when the artifact has a file whose location could not be established. */
  readonly pathUnderstood: boolean;
  /** The file path as the engine read it (null without a path or when it could not be read). */
  readonly normalizedPath: string | null;
}

// ---------------------------------------------------------------------------------------------
// The rules (decision-rules.ts), compiled once at load time for every (level, verdict, kind,
// location fact), so that a decision costs a path classification and three look-ups. Reasons
// are shared; the sentences come from the same renderer, the path being the only part put in
// at decision time.

/** The location facts a decision can see, in the order of a compiled row. */
const FACTS: ReadonlyArray<{ readonly fact: LocationFact; readonly location: LocationFacts }> = [
  { fact: 'OS_DIRECTORY', location: { understood: true, classes: CLASSES_OS } },
  { fact: 'TEMP_FOLDER', location: { understood: true, classes: CLASSES_TEMP } },
  {
    fact: 'OS_DIRECTORY_AND_TEMP_FOLDER',
    location: { understood: true, classes: CLASSES_OS_AND_TEMP },
  },
  { fact: 'OTHER', location: { understood: true, classes: CLASSES_OTHER } },
  { fact: 'NONE', location: { understood: true, classes: CLASSES_NONE } },
  { fact: 'MISSING', location: { understood: false, classes: CLASSES_NONE } },
  { fact: 'NOT_UNDERSTOOD', location: { understood: false, classes: [] } },
];
const FACT_OS = 0;
const FACT_TEMP = 1;
const FACT_OS_AND_TEMP = 2;
const FACT_OTHER = 3;
const FACT_NONE = 4;
const FACT_MISSING = 5;
const FACT_NOT_UNDERSTOOD = 6;

interface CompiledOutcome {
  readonly decision: PolicyDecision;
  readonly actionType: RemediationActionType | null;
  readonly reason: DecisionReason;
  /** Whether the kind has a file (ARTIFACT_FILE). */
  readonly file: 'required' | 'optional' | 'none';
  /** "Malicious file" (followed by " " + path). */
  readonly subjectWithPath: string;
  /** The whole sentence when no path is shown. */
  readonly sentenceWithoutPath: string;
  /** " — in an operating-system directory — and …: QUARANTINE_FILE waits for approval." */
  readonly tail: string;
}

/** Which plan a compiled table applies ('NONE': the input named no plan). */
type PlanVariant = Plan | 'NONE';
const PLAN_VARIANTS: ReadonlyArray<PlanVariant> = ['NONE', ...PLANS];

/** Which indicator a compiled table applies ('NONE': no indicator on the sha256). */
type IndicatorVariant = IndicatorAction | 'NONE';
const INDICATOR_VARIANTS: ReadonlyArray<IndicatorVariant> = ['NONE', ...INDICATOR_ACTIONS];

/**
 * The placeholder an indicator variant's compiled reason carries: the decision puts the
 * indicator it applied in its place (the reason names it, so it is made per decision).
 */
const INDICATOR_PLACEHOLDER = (action: IndicatorAction): Indicator => ({
  id: '',
  sha256: '',
  action,
  title: null,
  expiresAt: null,
});

interface CompileKey {
  readonly indicator: IndicatorVariant;
  readonly plan: PlanVariant;
  readonly groupAutomationLevel: AutomationLevel;
  readonly reportedVerdict: Verdict;
  readonly evidenceKind: EvidenceKind;
}

function compileOutcome(key: CompileKey, factIndex: number): CompiledOutcome {
  const { plan, groupAutomationLevel, reportedVerdict, evidenceKind } = key;
  const { fact, location } = FACTS[factIndex] as (typeof FACTS)[number];
  const automationLevel =
    plan === 'NONE' ? groupAutomationLevel : effectiveAutomationLevel(plan, groupAutomationLevel);
  const indicator = key.indicator === 'NONE' ? null : INDICATOR_PLACEHOLDER(key.indicator);
  const verdict = verdictUnderIndicator(reportedVerdict, indicator);
  const decisionCell = DECISION_TABLE[automationLevel][verdict];
  const airAction = AIR_ACTION_BY_EVIDENCE_KIND[evidenceKind];
  const informational = airAction === null;
  const rule = firstMatchingRule({
    cell: decisionCell,
    informational,
    location,
    indicator: indicator?.action ?? null,
  });
  const createsAction =
    rule.decision === 'TAKE_AUTOMATICALLY' || rule.decision === 'REQUIRE_APPROVAL';
  const reason: DecisionReason = Object.freeze({
    rule: rule.name,
    automationLevel,
    groupAutomationLevel,
    plan: plan === 'NONE' ? null : plan,
    verdict,
    reportedVerdict,
    indicator: indicator && reasonIndicator(indicator),
    evidenceKind,
    decisionCell,
    location: informational ? 'INFORMATIONAL' : fact,
    unreadableReason: null,
  });
  const decided = { decision: rule.decision, actionType: createsAction ? airAction : null, reason };
  return {
    ...decided,
    file: ARTIFACT_FILE[evidenceKind],
    subjectWithPath: explanationSubject(verdict, evidenceKind, true),
    sentenceWithoutPath: renderExplanation(decided, null),
    tail: explanationTail(decided),
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

const compileCell = (key: CompileKey): CompiledCell => ({
  compiled: true,
  byFact: FACTS.map((_, fact) => compileOutcome(key, fact)),
});

const COMPILED = recordOf(INDICATOR_VARIANTS, (indicator) =>
  recordOf(PLAN_VARIANTS, (plan) =>
    recordOf(AUTOMATION_LEVELS, (groupAutomationLevel) =>
      recordOf(VERDICTS, (reportedVerdict) =>
        recordOf(EVIDENCE_KINDS, (evidenceKind) =>
          compileCell({ indicator, plan, groupAutomationLevel, reportedVerdict, evidenceKind }),
        ),
      ),
    ),
  ),
);

/** The table most decisions read (no indicator; the caller passed the applied level). */
const COMPILED_WITHOUT_PLAN = COMPILED.NONE.NONE;

function factOf(classification: PathClassification): number {
  const classes = classification.classes;
  if (!classification.understood)
    return classification.reason === undefined ? FACT_MISSING : FACT_NOT_UNDERSTOOD;
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

function invalid(what: string, value: unknown): never {
  throw new TypeError(`unknown ${what}: ${String(value)}`);
}

function invalidInput(input: PolicyInput): never {
  if (input.plan !== undefined && !isOneOf(PLANS, input.plan)) invalid('plan', input.plan);
  if (!isOneOf(AUTOMATION_LEVELS, input.automationLevel))
    invalid('automation level', input.automationLevel);
  if (!isOneOf(VERDICTS, input.verdict)) invalid('verdict', input.verdict);
  invalid('evidence kind', input.evidence.kind);
}

/** The indicator as a reason names it (its expiry is not part of why). */
function reasonIndicator(indicator: Indicator) {
  const { id, sha256, action, title } = indicator;
  return Object.freeze({ id, sha256, action, title });
}

/**
 * The evaluation whose reason names something of this decision — why the path was not
 * understood, or the indicator applied — so it is made per decision.
 */
function namedEvaluation(
  outcome: CompiledOutcome,
  classification: PathClassification,
  rawPath: unknown,
  indicator: Indicator | null,
): PolicyEvaluation {
  const compiled = outcome.reason;
  const unreadable = compiled.location === 'NOT_UNDERSTOOD';
  const reason: DecisionReason = {
    rule: compiled.rule,
    automationLevel: compiled.automationLevel,
    groupAutomationLevel: compiled.groupAutomationLevel,
    plan: compiled.plan,
    verdict: compiled.verdict,
    reportedVerdict: compiled.reportedVerdict,
    indicator: indicator && reasonIndicator(indicator),
    evidenceKind: compiled.evidenceKind,
    decisionCell: compiled.decisionCell,
    location: compiled.location,
    unreadableReason: unreadable ? (classification.reason ?? 'unknown') : null,
  };
  const decided = { decision: outcome.decision, actionType: outcome.actionType, reason };
  const shownPath = unreadable
    ? typeof rawPath === 'string'
      ? rawPath
      : null
    : classification.normalizedPath;
  // The same properties in the same order as decideRemediation's own result: one object shape.
  return {
    decision: outcome.decision,
    actionType: outcome.actionType,
    reason,
    locationClasses: classification.classes,
    explanation: renderExplanation(decided, shownPath),
    pathUnderstood: classification.understood,
    normalizedPath: classification.normalizedPath,
  };
}

/** The compiled cell for the input, with the indicator that applies (looked up, never loaded). */
function compiledCellOf(input: PolicyInput): { cell: CompiledCell; indicator: Indicator | null } {
  const { automationLevel, verdict, evidence, plan } = input;
  const indicator =
    input.indicators === undefined
      ? null
      : indicatorFor(input.indicators, evidence.kind, evidence.sha256);
  const byPlan = indicator === null ? COMPILED.NONE : COMPILED[indicator.action];
  // An inherited key (`toString`, `__proto__`) finds something that is not a compiled cell.
  const byLevel =
    plan === undefined ? (indicator === null ? COMPILED_WITHOUT_PLAN : byPlan.NONE) : byPlan[plan];
  const cell = byLevel?.[automationLevel]?.[verdict]?.[evidence.kind];
  if (cell?.compiled !== true) invalidInput(input);
  return { cell, indicator };
}

/**
 * THE remediation decision (SPEC §2.1–2.3, §7.1): what happens to a verdict on a piece of
 * evidence on a device whose group has `automationLevel` (the rules: `DECISION_RULES`), given the
 * tenant's live indicators, with the reason beside the decision and the sentence rendered from
 * it. Pure; throws a TypeError only for values outside the vocabulary.
 */
export function decideRemediation(input: PolicyInput): PolicyEvaluation {
  const { evidence, osPlatform } = input;
  const { cell, indicator } = compiledCellOf(input);
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
  if (fact === FACT_NOT_UNDERSTOOD || indicator !== null)
    return namedEvaluation(outcome, classification, evidence.path, indicator);
  const normalizedPath = classification.normalizedPath;
  return {
    decision: outcome.decision,
    actionType: outcome.actionType,
    reason: outcome.reason,
    locationClasses: classification.classes,
    explanation:
      normalizedPath === null
        ? outcome.sentenceWithoutPath
        : `${outcome.subjectWithPath} ${normalizedPath}${outcome.tail}`,
    pathUnderstood: classification.understood,
    normalizedPath,
  };
}
