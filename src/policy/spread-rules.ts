import type { EvidenceKind, IndicatorAction, Verdict } from './vocabulary.js';

/**
 * The same threat elsewhere (SPEC §3.3): which verdicts on which evidence reach the other devices
 * where the same sha256 was seen, and with which verdict.
 */

/** Verdicts that spread: a threat, not a clean result. */
export const SPREADING_VERDICTS: ReadonlyArray<Verdict> = ['MALICIOUS', 'SUSPICIOUS'];

/** Evidence whose sha256 names a file that can be found elsewhere: a file, a process image. */
export const SPREADING_EVIDENCE_KINDS: ReadonlyArray<EvidenceKind> = ['FILE', 'PROCESS'];

/**
 * `verdict`: the one the evidence takes (MALICIOUS under a BLOCK indicator). A file the tenant
 * allows (a live ALLOW indicator on its sha256) is remediated nowhere, so it does not spread.
 */
export function spreadsToOtherDevices(
  kind: EvidenceKind,
  verdict: Verdict,
  indicator: IndicatorAction | null = null,
): boolean {
  return (
    indicator !== 'ALLOW' &&
    SPREADING_VERDICTS.includes(verdict) &&
    SPREADING_EVIDENCE_KINDS.includes(kind)
  );
}

/** The verdict the other devices take when a batch has `next` after `so far` on one sha256: MALICIOUS wins. */
export function strongerVerdict(soFar: Verdict | undefined, next: Verdict): Verdict {
  return soFar === 'MALICIOUS' ? soFar : next;
}
