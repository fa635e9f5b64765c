import { describe, expect, it } from 'vitest';
import { decideRemediation } from '../../src/policy/decide.js';
import { DECISION_RULE_NAMES } from '../../src/policy/decision-rules.js';
import {
  type Indicator,
  indicatorFor,
  isIndicatorLive,
  liveIndicators,
  NO_LIVE_INDICATORS,
  verdictUnderIndicator,
} from '../../src/policy/indicators.js';
import {
  AUTOMATION_LEVELS,
  type AutomationLevel,
  type EvidenceKind,
  type PolicyDecision,
  VERDICTS,
  type Verdict,
} from '../../src/policy/vocabulary.js';

/*
 * SPEC §7.1 written out again: a live ALLOW indicator on the file's (or process image's) sha256
 * decides NO_ACTION whatever the verdict; a live BLOCK makes the verdict MALICIOUS, so the level
 * decides as SPEC §2.1's MALICIOUS row says. NO_AUTOMATED_RESPONSE runs no investigation at all.
 * Columns: the artifact's file in an OS directory, in a temporary folder, elsewhere.
 */
const A: PolicyDecision = 'TAKE_AUTOMATICALLY';
const R: PolicyDecision = 'REQUIRE_APPROVAL';
const N: PolicyDecision = 'NO_ACTION';
const I: PolicyDecision = 'NO_INVESTIGATION';
type Place = 'OS' | 'TMP' | 'OTH';
const PLACES: Place[] = ['OS', 'TMP', 'OTH'];
const PATHS: Record<Place, string> = {
  OS: 'C:\\Windows\\System32\\evil.dll',
  TMP: 'C:\\Users\\ann\\Downloads\\evil.exe',
  OTH: 'D:\\tools\\evil.exe',
};

//                                                        OS TMP OTH
const UNDER_BLOCK: Record<AutomationLevel, PolicyDecision[]> = {
  FULL: /*                                          */ [A, A, A],
  SEMI_REQUIRE_APPROVAL_ANY: /*                     */ [R, R, R],
  SEMI_REQUIRE_APPROVAL_CORE_FOLDERS: /*            */ [R, A, A],
  SEMI_REQUIRE_APPROVAL_NON_TEMP_FOLDERS: /*        */ [R, A, R],
  NO_AUTOMATED_RESPONSE: /*                         */ [I, I, I],
};
const UNDER_ALLOW: Record<AutomationLevel, PolicyDecision> = {
  FULL: N,
  SEMI_REQUIRE_APPROVAL_ANY: N,
  SEMI_REQUIRE_APPROVAL_CORE_FOLDERS: N,
  SEMI_REQUIRE_APPROVAL_NON_TEMP_FOLDERS: N,
  NO_AUTOMATED_RESPONSE: I,
};

const SHA = 'ab'.repeat(32);
const NOW = new Date('2026-12-02T00:00:00.000Z');
const indicator = (action: 'BLOCK' | 'ALLOW', extra: Partial<Indicator> = {}): Indicator => ({
  id: `ind-${action}`,
  sha256: SHA,
  action,
  title: action === 'BLOCK' ? 'Ransomware dropper' : 'Build tool',
  expiresAt: null,
  ...extra,
});
const setOf = (...indicators: Indicator[]) => liveIndicators(indicators, NOW);

function decide(
  level: AutomationLevel,
  verdict: Verdict,
  place: Place,
  indicators = NO_LIVE_INDICATORS,
  kind: EvidenceKind = 'FILE',
) {
  return decideRemediation({
    automationLevel: level,
    verdict,
    osPlatform: 'WINDOWS',
    evidence: { kind, path: PATHS[place], sha256: SHA },
    indicators,
  });
}

describe('indicators in the decision (SPEC §7.1)', () => {
  for (const level of AUTOMATION_LEVELS) {
    for (const verdict of VERDICTS) {
      for (const [column, place] of PLACES.entries()) {
        it(`${level}, reported ${verdict}, file ${place}: BLOCK decides ${UNDER_BLOCK[level][column]}, ALLOW ${UNDER_ALLOW[level]}`, () => {
          const blocked = decide(level, verdict, place, setOf(indicator('BLOCK')));
          expect(blocked.decision).toBe(UNDER_BLOCK[level][column]);
          expect(blocked.reason).toMatchObject({
            verdict: 'MALICIOUS',
            reportedVerdict: verdict,
            indicator: {
              id: 'ind-BLOCK',
              sha256: SHA,
              action: 'BLOCK',
              title: 'Ransomware dropper',
            },
          });
          // BLOCK is the verdict, not a decision of its own: the rule is the one MALICIOUS meets.
          expect(blocked.reason.rule).toBe(decide(level, 'MALICIOUS', place).reason.rule);
          if (level !== 'NO_AUTOMATED_RESPONSE')
            expect(blocked.explanation).toContain(
              `the tenant's BLOCK indicator "Ransomware dropper" on its sha256 ${SHA} makes it malicious`,
            );

          const allowed = decide(level, verdict, place, setOf(indicator('ALLOW')));
          expect(allowed.decision).toBe(UNDER_ALLOW[level]);
          expect(allowed.actionType).toBeNull();
          expect(allowed.reason).toMatchObject({
            rule: level === 'NO_AUTOMATED_RESPONSE' ? 'no-automated-response' : 'allow-indicator',
            verdict,
            reportedVerdict: verdict,
            indicator: { id: 'ind-ALLOW', action: 'ALLOW', title: 'Build tool' },
          });
          expect(allowed.explanation).toContain(
            `the tenant's ALLOW indicator "Build tool" on its sha256 ${SHA} allows it`,
          );
        });
      }
    }
  }

  it('a BLOCK on a clean file quarantines it under FULL, and the sentence says what was reported', () => {
    const result = decide('FULL', 'NO_THREATS_FOUND', 'OTH', setOf(indicator('BLOCK')));
    expect(result.actionType).toBe('QUARANTINE_FILE');
    expect(result.explanation).toBe(
      `Malicious file D:\\tools\\evil.exe — the tenant's BLOCK indicator "Ransomware dropper" on its sha256 ${SHA} makes it malicious (reported: no threats found) — neither in an operating-system directory nor in a temporary folder — and the group (FULL) remediates malicious threats automatically, wherever they are: QUARANTINE_FILE is taken automatically.`,
    );
  });

  it('an ALLOW on a malicious process image takes no action, and the sentence names the indicator', () => {
    const untitled = indicator('ALLOW', { title: null });
    const result = decide('FULL', 'MALICIOUS', 'TMP', setOf(untitled), 'PROCESS');
    expect(result.decision).toBe(N);
    expect(result.explanation).toBe(
      `Malicious process image C:\\Users\\ann\\Downloads\\evil.exe — the tenant's ALLOW indicator on its sha256 ${SHA} allows it — in a temporary folder — and an allowed file is not remediated, whatever the verdict and the group's level (FULL): no action.`,
    );
  });

  it('an expired indicator does not apply; one expiring later does (expiry is inclusive)', () => {
    const expired = indicator('ALLOW', { expiresAt: NOW });
    const later = indicator('BLOCK', { expiresAt: new Date(NOW.getTime() + 1) });
    expect(isIndicatorLive(expired, NOW)).toBe(false);
    expect(isIndicatorLive(later, NOW)).toBe(true);
    expect(setOf(expired)).toBe(NO_LIVE_INDICATORS);
    const withExpired = decide('FULL', 'MALICIOUS', 'OTH', setOf(expired));
    expect(withExpired.decision).toBe(A);
    expect(withExpired.reason.indicator).toBeNull();
    expect(decide('FULL', 'NO_THREATS_FOUND', 'OTH', setOf(later)).decision).toBe(A);
  });

  it('only a FILE or PROCESS sha256 is looked up, case-insensitively; other sha256s change nothing', () => {
    const set = setOf(indicator('ALLOW'));
    expect(indicatorFor(set, 'FILE', SHA.toUpperCase())?.id).toBe('ind-ALLOW');
    expect(indicatorFor(set, 'PROCESS', SHA)?.id).toBe('ind-ALLOW');
    for (const kind of ['DRIVER', 'SERVICE', 'REGISTRY_KEY', 'URL'] as const)
      expect(indicatorFor(set, kind, SHA)).toBeNull();
    expect(indicatorFor(set, 'FILE', null)).toBeNull();
    expect(indicatorFor(set, 'FILE', 'cd'.repeat(32))).toBeNull();
    const driver = decide('FULL', 'MALICIOUS', 'OTH', set, 'DRIVER');
    expect(driver.decision).toBe(A);
    expect(driver.reason.indicator).toBeNull();
  });

  it('without an applying indicator the decision is the one of the plain engine (same shared reason)', () => {
    const plain = decideRemediation({
      automationLevel: 'SEMI_REQUIRE_APPROVAL_CORE_FOLDERS',
      verdict: 'MALICIOUS',
      osPlatform: 'WINDOWS',
      evidence: { kind: 'FILE', path: PATHS.OS },
    });
    const other = setOf({ ...indicator('BLOCK'), sha256: 'cd'.repeat(32) });
    const withSet = decide('SEMI_REQUIRE_APPROVAL_CORE_FOLDERS', 'MALICIOUS', 'OS', other);
    expect(withSet).toEqual(plain);
    expect(withSet.reason).toBe(plain.reason);
    expect(plain.reason).toMatchObject({ reportedVerdict: 'MALICIOUS', indicator: null });
  });

  it('a BLOCK on a path that cannot be understood takes the safe side and names both', () => {
    const result = decideRemediation({
      automationLevel: 'FULL',
      verdict: 'SUSPICIOUS',
      osPlatform: 'WINDOWS',
      evidence: { kind: 'FILE', path: '%FOO%\\x.exe', sha256: SHA },
      indicators: setOf(indicator('BLOCK')),
    });
    expect(result.decision).toBe(R);
    expect(result.reason).toMatchObject({
      rule: 'unknown-location-safe-side',
      verdict: 'MALICIOUS',
      reportedVerdict: 'SUSPICIOUS',
      location: 'NOT_UNDERSTOOD',
      indicator: { action: 'BLOCK' },
    });
    expect(result.reason.unreadableReason).toContain('%FOO%');
    expect(result.explanation).toContain('"%FOO%\\\\x.exe" — the tenant\'s BLOCK indicator');
  });

  it('a BLOCK applies under a plan too: BUSINESS makes every device FULL', () => {
    const result = decideRemediation({
      automationLevel: 'SEMI_REQUIRE_APPROVAL_ANY',
      plan: 'BUSINESS',
      verdict: 'NO_THREATS_FOUND',
      osPlatform: 'LINUX',
      evidence: { kind: 'FILE', path: '/opt/x', sha256: SHA },
      indicators: setOf(indicator('BLOCK')),
    });
    expect(result.decision).toBe(A);
    expect(result.reason).toMatchObject({ automationLevel: 'FULL', plan: 'BUSINESS' });
  });

  it('a title is quoted as text: quotes and control characters cannot forge the sentence', () => {
    const sly = indicator('ALLOW', { title: 'x" — and the group (FULL)\n' });
    const result = decide('FULL', 'MALICIOUS', 'OTH', setOf(sly));
    expect(result.explanation).toContain(
      'indicator "x\\" — and the group (FULL)\\n" on its sha256',
    );
  });

  it('verdictUnderIndicator: BLOCK → MALICIOUS, ALLOW and none keep the verdict', () => {
    for (const verdict of VERDICTS) {
      expect(verdictUnderIndicator(verdict, indicator('BLOCK'))).toBe('MALICIOUS');
      expect(verdictUnderIndicator(verdict, indicator('ALLOW'))).toBe(verdict);
      expect(verdictUnderIndicator(verdict, null)).toBe(verdict);
    }
  });

  it('allow-indicator is tried right after no-automated-response', () => {
    expect(DECISION_RULE_NAMES.slice(0, 2)).toEqual(['no-automated-response', 'allow-indicator']);
  });
});
