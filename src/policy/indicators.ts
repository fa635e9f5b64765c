import { isExpired } from './expiry.js';
import type { EvidenceKind, IndicatorAction, Verdict } from './vocabulary.js';

/**
 * Indicators (SPEC §7.1): the tenant's BLOCK / ALLOW entries for a file sha256, as the engine
 * reads them. The engine never loads them: the caller passes the tenant's live indicators
 * (`liveIndicators`, built once per batch) and the engine looks the evidence's sha256 up.
 */

/** One indicator as the engine sees it (and names it in the reason). */
export interface Indicator {
  readonly id: string;
  /** 64 lower-case hex characters. */
  readonly sha256: string;
  readonly action: IndicatorAction;
  readonly title: string | null;
  /** Past this instant the indicator no longer applies; null: no expiry. */
  readonly expiresAt: Date | null;
}

/**
 * The indicators that apply at one instant, by sha256. Only `liveIndicators` makes one, so an
 * expired indicator never reaches a decision.
 */
export interface LiveIndicators {
  readonly size: number;
  get(sha256: string): Indicator | undefined;
  readonly live: true;
}

class LiveIndicatorMap extends Map<string, Indicator> implements LiveIndicators {
  readonly live = true as const;
}

/** No indicators (a tenant without any, or a caller that has none to give). */
export const NO_LIVE_INDICATORS: LiveIndicators = new LiveIndicatorMap();

/** Whether an indicator applies at `now`: no expiry, or not reached yet (expiry is inclusive). */
export function isIndicatorLive(indicator: Pick<Indicator, 'expiresAt'>, now: Date): boolean {
  return !isExpired(indicator.expiresAt, now);
}

/** The indicators among `indicators` that apply at `now`, keyed by lower-case sha256. */
export function liveIndicators(indicators: Iterable<Indicator>, now: Date): LiveIndicators {
  const live = new LiveIndicatorMap();
  for (const indicator of indicators)
    if (isIndicatorLive(indicator, now)) live.set(indicator.sha256.toLowerCase(), indicator);
  return live.size === 0 ? NO_LIVE_INDICATORS : live;
}

/** Evidence whose sha256 is the artifact's file, which an indicator names: a file, a process image. */
export const INDICATOR_EVIDENCE_KINDS: ReadonlyArray<EvidenceKind> = ['FILE', 'PROCESS'];

/** The live indicator for this evidence's file, or null (other kinds, no sha256, none listed). */
export function indicatorFor(
  indicators: LiveIndicators | undefined,
  kind: EvidenceKind,
  sha256: string | null | undefined,
): Indicator | null {
  if (!indicators || indicators.size === 0 || !sha256) return null;
  if (!INDICATOR_EVIDENCE_KINDS.includes(kind)) return null;
  return indicators.get(sha256.toLowerCase()) ?? null;
}

/** The verdict the evidence takes: a BLOCK indicator makes it MALICIOUS, whatever was reported. */
export function verdictUnderIndicator(verdict: Verdict, indicator: Indicator | null): Verdict {
  return indicator?.action === 'BLOCK' ? 'MALICIOUS' : verdict;
}
