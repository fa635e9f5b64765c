import { describe, expect, it } from 'vitest';
import { decideRemediation } from '../../src/policy/decide.js';
import type { LocationFact } from '../../src/policy/decision-reason.js';
import {
  DECISION_RULE_NAMES,
  DECISION_RULES,
  type DecisionRuleName,
} from '../../src/policy/decision-rules.js';
import { DECISION_TABLE } from '../../src/policy/decision-table.js';
import { renderExplanation } from '../../src/policy/explanation.js';
import {
  AUTOMATION_LEVELS,
  type AutomationLevel,
  EVIDENCE_KINDS,
  type EvidenceKind,
  type LocationClass,
  type OsPlatform,
  type PolicyDecision,
  type RemediationActionType,
  VERDICTS,
  type Verdict,
} from '../../src/policy/vocabulary.js';

/*
 * SPEC §2.1 written out again, independently of src/policy/decision-table.ts, one row per
 * automation level and verdict, one column per location of the artifact's file:
 *   OS    in an operating-system directory only
 *   TMP   in a temporary folder only
 *   BOTH  in both (C:\Windows\Temp)
 *   OTH   in neither
 *   NONE  no file at all (registry key; service or scheduled task without a binary)
 *   UNK   a file whose location cannot be understood → the safe side (approval), never automatic
 */
const A = 'TAKE_AUTOMATICALLY';
const R = 'REQUIRE_APPROVAL';
const N = 'NO_ACTION';
const I = 'NO_INVESTIGATION';
type Column = 'OS' | 'TMP' | 'BOTH' | 'OTH' | 'NONE' | 'UNK';
const COLUMNS: Column[] = ['OS', 'TMP', 'BOTH', 'OTH', 'NONE', 'UNK'];

//                                                         OS TMP BOTH OTH NONE UNK
const EXPECTED: Record<AutomationLevel, Record<Verdict, PolicyDecision[]>> = {
  FULL: {
    MALICIOUS: /*                                      */ [A, A, A, A, A, R],
    SUSPICIOUS: /*                                     */ [R, R, R, R, R, R],
    NO_THREATS_FOUND: /*                               */ [N, N, N, N, N, N],
  },
  SEMI_REQUIRE_APPROVAL_ANY: {
    MALICIOUS: /*                                      */ [R, R, R, R, R, R],
    SUSPICIOUS: /*                                     */ [R, R, R, R, R, R],
    NO_THREATS_FOUND: /*                               */ [N, N, N, N, N, N],
  },
  SEMI_REQUIRE_APPROVAL_CORE_FOLDERS: {
    MALICIOUS: /*                                      */ [R, A, R, A, A, R],
    SUSPICIOUS: /*                                     */ [R, R, R, R, R, R],
    NO_THREATS_FOUND: /*                               */ [N, N, N, N, N, N],
  },
  SEMI_REQUIRE_APPROVAL_NON_TEMP_FOLDERS: {
    MALICIOUS: /*                                      */ [R, A, A, R, R, R],
    SUSPICIOUS: /*                                     */ [R, R, R, R, R, R],
    NO_THREATS_FOUND: /*                               */ [N, N, N, N, N, N],
  },
  NO_AUTOMATED_RESPONSE: {
    MALICIOUS: /*                                      */ [I, I, I, I, I, I],
    SUSPICIOUS: /*                                     */ [I, I, I, I, I, I],
    NO_THREATS_FOUND: /*                               */ [I, I, I, I, I, I],
  },
};

/*
 * The rule that must apply in each cell (the reason's `rule`), same rows and columns:
 *   AUTO  level-remediates-automatically      APPR  level-requires-approval
 *   NONE  nothing-to-remediate                NOIN  no-automated-response
 *   SAFE  unknown-location-safe-side
 *   CORE  core-folder-requires-approval       NCOR  outside-core-folders-automatic
 *   TEMP  temp-folder-automatic               NTMP  outside-temp-folders-requires-approval
 */
const AUTO: DecisionRuleName = 'level-remediates-automatically';
const APPR: DecisionRuleName = 'level-requires-approval';
const NONE: DecisionRuleName = 'nothing-to-remediate';
const NOIN: DecisionRuleName = 'no-automated-response';
const SAFE: DecisionRuleName = 'unknown-location-safe-side';
const CORE: DecisionRuleName = 'core-folder-requires-approval';
const NCOR: DecisionRuleName = 'outside-core-folders-automatic';
const TEMP: DecisionRuleName = 'temp-folder-automatic';
const NTMP: DecisionRuleName = 'outside-temp-folders-requires-approval';

//                                                             OS    TMP   BOTH  OTH   NONE  UNK
const EXPECTED_RULE: Record<AutomationLevel, Record<Verdict, DecisionRuleName[]>> = {
  FULL: {
    MALICIOUS: /*                                          */ [AUTO, AUTO, AUTO, AUTO, AUTO, SAFE],
    SUSPICIOUS: /*                                         */ [APPR, APPR, APPR, APPR, APPR, APPR],
    NO_THREATS_FOUND: /*                                   */ [NONE, NONE, NONE, NONE, NONE, NONE],
  },
  SEMI_REQUIRE_APPROVAL_ANY: {
    MALICIOUS: /*                                          */ [APPR, APPR, APPR, APPR, APPR, APPR],
    SUSPICIOUS: /*                                         */ [APPR, APPR, APPR, APPR, APPR, APPR],
    NO_THREATS_FOUND: /*                                   */ [NONE, NONE, NONE, NONE, NONE, NONE],
  },
  SEMI_REQUIRE_APPROVAL_CORE_FOLDERS: {
    MALICIOUS: /*                                          */ [CORE, NCOR, CORE, NCOR, NCOR, SAFE],
    SUSPICIOUS: /*                                         */ [APPR, APPR, APPR, APPR, APPR, APPR],
    NO_THREATS_FOUND: /*                                   */ [NONE, NONE, NONE, NONE, NONE, NONE],
  },
  SEMI_REQUIRE_APPROVAL_NON_TEMP_FOLDERS: {
    MALICIOUS: /*                                          */ [NTMP, TEMP, TEMP, NTMP, NTMP, SAFE],
    SUSPICIOUS: /*                                         */ [APPR, APPR, APPR, APPR, APPR, APPR],
    NO_THREATS_FOUND: /*                                   */ [NONE, NONE, NONE, NONE, NONE, NONE],
  },
  NO_AUTOMATED_RESPONSE: {
    MALICIOUS: /*                                          */ [NOIN, NOIN, NOIN, NOIN, NOIN, NOIN],
    SUSPICIOUS: /*                                         */ [NOIN, NOIN, NOIN, NOIN, NOIN, NOIN],
    NO_THREATS_FOUND: /*                                   */ [NOIN, NOIN, NOIN, NOIN, NOIN, NOIN],
  },
};

/** The location fact the reason must name per column (UNK: a path that was not understood). */
const EXPECTED_FACT: Record<Column, LocationFact> = {
  OS: 'OS_DIRECTORY',
  TMP: 'TEMP_FOLDER',
  BOTH: 'OS_DIRECTORY_AND_TEMP_FOLDER',
  OTH: 'OTHER',
  NONE: 'NONE',
  UNK: 'NOT_UNDERSTOOD',
};

/** Representative artifacts per platform and column: the path, and the classes it must get. */
const LOCATIONS: Record<
  OsPlatform,
  Partial<Record<Column, { path: string; classes: LocationClass[] }>>
> = {
  WINDOWS: {
    OS: { path: 'C:\\Windows\\System32\\evil.dll', classes: ['OS_DIRECTORY'] },
    TMP: { path: 'C:\\Users\\bob\\Downloads\\evil.exe', classes: ['TEMP_FOLDER'] },
    BOTH: { path: 'C:\\Windows\\Temp\\evil.exe', classes: ['OS_DIRECTORY', 'TEMP_FOLDER'] },
    OTH: { path: 'C:\\ProgramData\\evil.exe', classes: ['OTHER'] },
    UNK: { path: 'evil\\relative.exe', classes: [] },
  },
  LINUX: {
    OS: { path: '/usr/bin/evil', classes: ['OS_DIRECTORY'] },
    TMP: { path: '/tmp/evil', classes: ['TEMP_FOLDER'] },
    OTH: { path: '/srv/www/evil', classes: ['OTHER'] },
    UNK: { path: '~/evil', classes: [] },
  },
  MACOS: {
    OS: { path: '/Library/LaunchDaemons/evil.plist', classes: ['OS_DIRECTORY'] },
    TMP: { path: '/private/var/folders/ab/T/evil', classes: ['TEMP_FOLDER'] },
    OTH: { path: '/Volumes/USB/evil', classes: ['OTHER'] },
    UNK: { path: 'tmp/evil', classes: [] },
  },
};

/** The AIR action per kind, written independently of src/policy/action-mapping.ts. */
const AIR: Record<EvidenceKind, RemediationActionType | null> = {
  FILE: 'QUARANTINE_FILE',
  PROCESS: 'KILL_PROCESS',
  REGISTRY_KEY: 'REMOVE_REGISTRY_KEY',
  SERVICE: 'STOP_SERVICE',
  DRIVER: 'DISABLE_DRIVER',
  SCHEDULED_TASK: 'REMOVE_SCHEDULED_TASK',
  IP_ADDRESS: null,
  URL: null,
  USER: null,
};
const KINDS_WITH_A_FILE: EvidenceKind[] = [
  'FILE',
  'PROCESS',
  'DRIVER',
  'SERVICE',
  'SCHEDULED_TASK',
];
const PLATFORMS: OsPlatform[] = ['WINDOWS', 'LINUX', 'MACOS'];
const levelsAndVerdicts = AUTOMATION_LEVELS.flatMap((level) =>
  VERDICTS.map((verdict) => [level, verdict] as const),
);

function expectedActionType(
  decision: PolicyDecision,
  kind: EvidenceKind,
): RemediationActionType | null {
  return decision === A || decision === R ? AIR[kind] : null;
}

describe('the decision table (SPEC §2.1): every level × verdict × location × platform', () => {
  for (const platform of PLATFORMS) {
    describe(platform, () => {
      for (const [level, verdict] of levelsAndVerdicts) {
        it(`${level} / ${verdict}`, () => {
          const row = EXPECTED[level][verdict];
          const rules = EXPECTED_RULE[level][verdict];
          let checked = 0;
          for (const [columnIndex, column] of COLUMNS.entries()) {
            const expected = row[columnIndex];
            const expectedReason = {
              rule: rules[columnIndex],
              automationLevel: level,
              verdict,
              decisionCell: DECISION_TABLE[level][verdict],
              location: EXPECTED_FACT[column],
            };
            if (column === 'NONE') {
              // Kinds without a file: a registry key; a service or scheduled task without a binary.
              for (const kind of ['REGISTRY_KEY', 'SERVICE', 'SCHEDULED_TASK'] as const) {
                const result = decideRemediation({
                  automationLevel: level,
                  verdict,
                  osPlatform: platform,
                  evidence: { kind, path: null },
                });
                expect(result.decision, `${kind} without a file`).toBe(expected);
                expect(result.reason).toMatchObject({ ...expectedReason, evidenceKind: kind });
                expect(result.locationClasses).toEqual(['NONE']);
                expect(result.actionType).toBe(
                  expected === undefined ? null : expectedActionType(expected, kind),
                );
                checked++;
              }
              continue;
            }
            const location = LOCATIONS[platform][column];
            if (location === undefined) continue; // no folder is both OS and temp on Linux/macOS
            for (const kind of KINDS_WITH_A_FILE) {
              const result = decideRemediation({
                automationLevel: level,
                verdict,
                osPlatform: platform,
                evidence: { kind, path: location.path },
              });
              expect(result.decision, `${kind} at ${location.path}`).toBe(expected);
              expect(result.reason).toMatchObject({ ...expectedReason, evidenceKind: kind });
              expect(result.reason.unreadableReason === null).toBe(column !== 'UNK');
              expect(result.locationClasses).toEqual(location.classes);
              expect(result.pathUnderstood).toBe(column !== 'UNK');
              expect(result.actionType).toBe(
                expected === undefined ? null : expectedActionType(expected, kind),
              );
              checked++;
            }
          }
          expect(checked).toBeGreaterThan(0);
        });
      }
    });
  }

  it('a file, process image or driver image without a path has an unknown location (safe side where it matters)', () => {
    for (const kind of ['FILE', 'PROCESS', 'DRIVER'] as const) {
      for (const [level, verdict] of levelsAndVerdicts) {
        for (const path of [null, undefined, '']) {
          const result = decideRemediation({
            automationLevel: level,
            verdict,
            osPlatform: 'WINDOWS',
            evidence: { kind, path },
          });
          expect(result.decision).toBe(EXPECTED[level][verdict][COLUMNS.indexOf('UNK')]);
          expect(result.reason.rule).toBe(EXPECTED_RULE[level][verdict][COLUMNS.indexOf('UNK')]);
          expect(result.reason.location).toBe('MISSING');
          expect(result.pathUnderstood).toBe(false);
          expect(result.locationClasses).toEqual(['NONE']);
        }
      }
    }
  });

  it('informational evidence never gets an action: NO_ACTION whatever the verdict, NO_INVESTIGATION under NO_AUTOMATED_RESPONSE', () => {
    for (const kind of ['IP_ADDRESS', 'URL', 'USER'] as const) {
      for (const platform of PLATFORMS) {
        for (const [level, verdict] of levelsAndVerdicts) {
          // A path given with informational evidence is ignored.
          for (const path of [null, 'C:\\Windows\\System32\\x.dll', '/tmp/x']) {
            const result = decideRemediation({
              automationLevel: level,
              verdict,
              osPlatform: platform,
              evidence: { kind, path },
            });
            expect(result.decision).toBe(level === 'NO_AUTOMATED_RESPONSE' ? I : N);
            expect(result.reason.rule).toBe(
              level === 'NO_AUTOMATED_RESPONSE' ? NOIN : 'informational-evidence',
            );
            expect(result.reason.location).toBe('INFORMATIONAL');
            expect(result.actionType).toBeNull();
            expect(result.locationClasses).toEqual(['NONE']);
          }
        }
      }
    }
  });

  it('a registry key ignores any path: it has no file', () => {
    const result = decideRemediation({
      automationLevel: 'SEMI_REQUIRE_APPROVAL_CORE_FOLDERS',
      verdict: 'MALICIOUS',
      osPlatform: 'WINDOWS',
      evidence: { kind: 'REGISTRY_KEY', path: 'C:\\Windows\\System32\\config\\SOFTWARE' },
    });
    expect(result.decision).toBe(A);
    expect(result.locationClasses).toEqual(['NONE']);
    expect(result.actionType).toBe('REMOVE_REGISTRY_KEY');
  });

  it('the rules are tried in their documented order, and every rule decides somewhere', () => {
    expect(DECISION_RULES.map((rule) => rule.name)).toEqual([...DECISION_RULE_NAMES]);
    const applied = new Set<DecisionRuleName>(
      Object.values(EXPECTED_RULE).flatMap((row) => Object.values(row).flat()),
    );
    applied.add('informational-evidence');
    // Decides only with an ALLOW indicator on the sha256: test/policy/indicators.test.ts.
    applied.add('allow-indicator');
    expect([...applied].sort()).toEqual([...DECISION_RULE_NAMES].sort());
  });

  it('the explanation is the reason rendered, and names the rule the reason names', () => {
    for (const [level, verdict] of levelsAndVerdicts) {
      for (const path of ['C:\\Windows\\x.dll', 'C:\\PROGRA~3\\x.exe', 'x.exe', null]) {
        const result = decideRemediation({
          automationLevel: level,
          verdict,
          osPlatform: 'WINDOWS',
          evidence: { kind: 'FILE', path },
        });
        const shown = result.reason.location === 'NOT_UNDERSTOOD' ? path : result.normalizedPath;
        expect(renderExplanation(result, shown)).toBe(result.explanation);
        if (result.reason.location === 'NOT_UNDERSTOOD')
          expect(result.explanation).toContain(result.reason.unreadableReason);
      }
    }
  });

  it('with a plan named, the engine applies its limit and says so in the reason (BUSINESS: every device FULL)', () => {
    const evidence = { kind: 'FILE', path: 'C:\\Windows\\System32\\evil.dll' } as const;
    const asFull = decideRemediation({
      automationLevel: 'FULL',
      verdict: 'MALICIOUS',
      osPlatform: 'WINDOWS',
      evidence,
    });
    for (const level of AUTOMATION_LEVELS) {
      const business = decideRemediation({
        automationLevel: level,
        verdict: 'MALICIOUS',
        osPlatform: 'WINDOWS',
        evidence,
        plan: 'BUSINESS',
      });
      expect(business.decision).toBe(A);
      expect(business.explanation).toBe(asFull.explanation);
      expect(business.reason).toMatchObject({
        rule: AUTO,
        automationLevel: 'FULL',
        groupAutomationLevel: level,
        plan: 'BUSINESS',
      });
      const plan2 = decideRemediation({
        automationLevel: level,
        verdict: 'MALICIOUS',
        osPlatform: 'WINDOWS',
        evidence,
        plan: 'PLAN_2',
      });
      expect(plan2.decision).toBe(EXPECTED[level].MALICIOUS[COLUMNS.indexOf('OS')]);
      expect(plan2.reason).toMatchObject({ automationLevel: level, groupAutomationLevel: level });
      expect(plan2.reason.plan).toBe('PLAN_2');
    }
    expect(asFull.reason.plan).toBeNull();
  });

  it('the data table has a cell for every level and verdict, and nothing else', () => {
    expect(Object.keys(DECISION_TABLE).sort()).toEqual([...AUTOMATION_LEVELS].sort());
    for (const level of AUTOMATION_LEVELS)
      expect(Object.keys(DECISION_TABLE[level]).sort()).toEqual([...VERDICTS].sort());
  });

  it('refuses values outside the vocabulary with a TypeError', () => {
    const base = {
      automationLevel: 'FULL',
      verdict: 'MALICIOUS',
      osPlatform: 'WINDOWS',
      evidence: { kind: 'FILE', path: 'C:\\x' },
    } as const;
    const bad = (patch: Record<string, unknown>) => () =>
      decideRemediation({ ...base, ...patch } as unknown as Parameters<
        typeof decideRemediation
      >[0]);
    expect(bad({ automationLevel: 'SOMETIMES' })).toThrow(TypeError);
    expect(bad({ verdict: 'MAYBE' })).toThrow(TypeError);
    expect(bad({ osPlatform: 'BEOS' })).toThrow(TypeError);
    expect(bad({ evidence: { kind: 'EMAIL' } })).toThrow(TypeError);
    expect(bad({ automationLevel: 'toString' })).toThrow(TypeError);
    expect(bad({ evidence: { kind: '__proto__' } })).toThrow(TypeError);
    expect(bad({ plan: 'PLAN_9' })).toThrow(TypeError);
    expect(bad({ plan: 'toString' })).toThrow(TypeError);
  });

  it('covers every evidence kind', () => {
    expect(Object.keys(AIR).sort()).toEqual([...EVIDENCE_KINDS].sort());
  });
});
