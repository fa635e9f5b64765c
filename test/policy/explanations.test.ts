import { describe, expect, it } from 'vitest';
import { decideRemediation, type PolicyInput } from '../../src/policy/decide.js';
import { AUTOMATION_LEVELS, VERDICTS } from '../../src/policy/vocabulary.js';

const explain = (input: PolicyInput) => decideRemediation(input).explanation;

const VERDICT_WORDS = {
  MALICIOUS: 'Malicious',
  SUSPICIOUS: 'Suspicious',
  NO_THREATS_FOUND: 'No threats found',
} as const;

describe('explanations', () => {
  it('reads like the spec example', () => {
    expect(
      explain({
        automationLevel: 'SEMI_REQUIRE_APPROVAL_CORE_FOLDERS',
        verdict: 'MALICIOUS',
        osPlatform: 'WINDOWS',
        evidence: { kind: 'FILE', path: 'C:\\Windows\\System32\\evil.dll' },
      }),
    ).toBe(
      'Malicious file C:\\Windows\\System32\\evil.dll — in an operating-system directory — and the group ' +
        '(SEMI_REQUIRE_APPROVAL_CORE_FOLDERS) requires approval for core folders: QUARANTINE_FILE waits for approval.',
    );
  });

  it('every explanation names the verdict, the location fact, the level and the outcome', () => {
    const artifacts = [
      {
        kind: 'FILE',
        path: 'C:\\Windows\\System32\\evil.dll',
        fact: 'in an operating-system directory',
      },
      {
        kind: 'PROCESS',
        path: 'C:\\Users\\bob\\Downloads\\evil.exe',
        fact: 'in a temporary folder',
      },
      {
        kind: 'DRIVER',
        path: 'C:\\Windows\\Temp\\evil.sys',
        fact: 'in an operating-system directory and in a temporary folder',
      },
      {
        kind: 'SERVICE',
        path: 'C:\\ProgramData\\evil.exe',
        fact: 'neither in an operating-system directory nor in a temporary folder',
      },
      { kind: 'SCHEDULED_TASK', path: null, fact: 'no file path' },
      { kind: 'REGISTRY_KEY', path: null, fact: 'no file path' },
      { kind: 'FILE', path: 'relative\\evil.exe', fact: 'cannot be understood' },
      { kind: 'FILE', path: null, fact: 'location is unknown' },
      { kind: 'IP_ADDRESS', path: null, fact: 'informational evidence' },
    ] as const;
    for (const level of AUTOMATION_LEVELS) {
      for (const verdict of VERDICTS) {
        for (const artifact of artifacts) {
          const result = decideRemediation({
            automationLevel: level,
            verdict,
            osPlatform: 'WINDOWS',
            evidence: { kind: artifact.kind, path: artifact.path },
          });
          const text = result.explanation;
          expect(text.startsWith(VERDICT_WORDS[verdict]), text).toBe(true);
          expect(text, text).toContain(artifact.fact);
          expect(text, text).toContain(level);
          const outcome = {
            TAKE_AUTOMATICALLY: `${result.actionType} is taken automatically`,
            REQUIRE_APPROVAL: `${result.actionType} waits for approval`,
            NO_ACTION: 'no action',
            NO_INVESTIGATION: 'no investigation',
          }[result.decision];
          expect(text, text).toContain(outcome);
          expect(text.endsWith('.')).toBe(true);
        }
      }
    }
  });

  it('states the rule that applied', () => {
    const base = { verdict: 'MALICIOUS', osPlatform: 'WINDOWS' } as const;
    expect(
      explain({
        ...base,
        automationLevel: 'SEMI_REQUIRE_APPROVAL_NON_TEMP_FOLDERS',
        evidence: { kind: 'FILE', path: 'C:\\Users\\bob\\Downloads\\x.exe' },
      }),
    ).toContain('remediates automatically in temporary folders');
    expect(
      explain({
        ...base,
        automationLevel: 'SEMI_REQUIRE_APPROVAL_NON_TEMP_FOLDERS',
        evidence: { kind: 'FILE', path: 'C:\\Data\\x.exe' },
      }),
    ).toContain('requires approval outside temporary folders');
    expect(
      explain({
        ...base,
        automationLevel: 'SEMI_REQUIRE_APPROVAL_CORE_FOLDERS',
        evidence: { kind: 'REGISTRY_KEY' },
      }),
    ).toBe(
      'Malicious registry key — no file path — and the group (SEMI_REQUIRE_APPROVAL_CORE_FOLDERS) requires approval only for core folders: ' +
        'REMOVE_REGISTRY_KEY is taken automatically.',
    );
    expect(
      explain({
        ...base,
        automationLevel: 'FULL',
        evidence: { kind: 'FILE', path: '/tmp/x' },
        osPlatform: 'LINUX',
      }),
    ).toContain('remediates malicious threats automatically');
    expect(
      explain({
        ...base,
        verdict: 'SUSPICIOUS',
        automationLevel: 'FULL',
        evidence: { kind: 'FILE', path: '/tmp/x' },
        osPlatform: 'LINUX',
      }),
    ).toContain('requires approval for suspicious verdicts');
    expect(
      explain({
        ...base,
        automationLevel: 'NO_AUTOMATED_RESPONSE',
        evidence: { kind: 'FILE', path: 'C:\\x' },
      }),
    ).toContain('runs no automated investigation');
    expect(
      explain({ ...base, automationLevel: 'SEMI_REQUIRE_APPROVAL_ANY', evidence: { kind: 'URL' } }),
    ).toBe(
      'Malicious URL — informational evidence, no file — and automated investigations take no action on informational evidence, ' +
        "whatever the group's level (SEMI_REQUIRE_APPROVAL_ANY): no action.",
    );
  });

  it('says when a path cannot be understood, why, and that the safe side was taken', () => {
    const text = explain({
      automationLevel: 'SEMI_REQUIRE_APPROVAL_CORE_FOLDERS',
      verdict: 'MALICIOUS',
      osPlatform: 'WINDOWS',
      evidence: { kind: 'FILE', path: '%EVIL%\\x.exe' },
    });
    expect(text).toBe(
      'Malicious file "%EVIL%\\\\x.exe" — its location cannot be understood (it uses the environment variable %EVIL%, whose value ' +
        'the engine does not know) — and the group (SEMI_REQUIRE_APPROVAL_CORE_FOLDERS) requires approval for core folders, so with an ' +
        'unknown location the engine takes the safe side: QUARANTINE_FILE waits for approval.',
    );
  });

  it('shows the normalised path, and escapes a hostile one', () => {
    expect(
      explain({
        automationLevel: 'FULL',
        verdict: 'MALICIOUS',
        osPlatform: 'WINDOWS',
        evidence: { kind: 'FILE', path: '%SystemRoot%\\x.exe' },
      }),
    ).toContain('file C:\\Windows\\x.exe —');
    const hostile = explain({
      automationLevel: 'FULL',
      verdict: 'MALICIOUS',
      osPlatform: 'WINDOWS',
      evidence: { kind: 'FILE', path: `C:\\x\u0000\n${'y'.repeat(500)}` },
    });
    expect(hostile).not.toContain('\u0000');
    expect(hostile).not.toContain('\n');
    expect(hostile.length).toBeLessThan(600);
  });

  it('names the artifact by its kind', () => {
    const cases = [
      ['PROCESS', 'C:\\x.exe', 'Malicious process image C:\\x.exe'],
      ['DRIVER', 'C:\\x.sys', 'Malicious driver image C:\\x.sys'],
      ['SERVICE', 'C:\\x.exe', 'Malicious service binary C:\\x.exe'],
      ['SERVICE', null, 'Malicious service —'],
      ['SCHEDULED_TASK', 'C:\\x.exe', 'Malicious scheduled task binary C:\\x.exe'],
      ['USER', null, 'Malicious user —'],
    ] as const;
    for (const [kind, path, start] of cases) {
      expect(
        explain({
          automationLevel: 'FULL',
          verdict: 'MALICIOUS',
          osPlatform: 'WINDOWS',
          evidence: { kind, path },
        }).startsWith(start),
      ).toBe(true);
    }
  });
});
