import { describe, expect, it } from 'vitest';
import { isServerSideActionType } from '../../src/policy/action-mapping.js';
import { spreadsToOtherDevices, strongerVerdict } from '../../src/policy/spread-rules.js';
import { isDispatchedStatus } from '../../src/policy/status-machine.js';
import {
  EVIDENCE_KINDS,
  REMEDIATION_ACTION_STATUSES,
  REMEDIATION_ACTION_TYPES,
  VERDICTS,
} from '../../src/policy/vocabulary.js';

describe('the same threat elsewhere (SPEC §3.3)', () => {
  it('spreads a malicious or suspicious file or process image, and nothing else', () => {
    const spreading = EVIDENCE_KINDS.flatMap((kind) =>
      VERDICTS.filter((verdict) => spreadsToOtherDevices(kind, verdict)).map((v) => `${kind}:${v}`),
    );
    expect(spreading.sort()).toEqual([
      'FILE:MALICIOUS',
      'FILE:SUSPICIOUS',
      'PROCESS:MALICIOUS',
      'PROCESS:SUSPICIOUS',
    ]);
  });

  it('a file the tenant allows spreads nowhere; a BLOCK does not stop it (its verdict is MALICIOUS)', () => {
    for (const kind of EVIDENCE_KINDS)
      for (const verdict of VERDICTS) {
        expect(spreadsToOtherDevices(kind, verdict, 'ALLOW')).toBe(false);
        expect(spreadsToOtherDevices(kind, verdict, 'BLOCK')).toBe(
          spreadsToOtherDevices(kind, verdict),
        );
      }
  });

  it('gives the other devices the strongest verdict of the batch', () => {
    expect(strongerVerdict(undefined, 'SUSPICIOUS')).toBe('SUSPICIOUS');
    expect(strongerVerdict('SUSPICIOUS', 'MALICIOUS')).toBe('MALICIOUS');
    expect(strongerVerdict('MALICIOUS', 'SUSPICIOUS')).toBe('MALICIOUS');
  });
});

describe('execution (SPEC §3.5)', () => {
  it('dispatches work to an executor in IN_PROGRESS (carry out) and UNDO_IN_PROGRESS (undo) only', () => {
    expect(REMEDIATION_ACTION_STATUSES.filter(isDispatchedStatus)).toEqual([
      'IN_PROGRESS',
      'UNDO_IN_PROGRESS',
    ]);
  });

  it("carries out the actions on Quell's own data itself: investigations and indicators", () => {
    expect(REMEDIATION_ACTION_TYPES.filter(isServerSideActionType).sort()).toEqual([
      'ADD_INDICATOR',
      'INITIATE_INVESTIGATION',
    ]);
  });
});
