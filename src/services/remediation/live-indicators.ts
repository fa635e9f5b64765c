import { indicatorsOfShas } from '../../db/store/index.js';
import {
  INDICATOR_EVIDENCE_KINDS,
  indicatorFor,
  type LiveIndicators,
  liveIndicators,
  verdictUnderIndicator,
} from '../../policy/index.js';
import type { SqlWork } from '../kernel/work.js';
import type { FindingTarget } from './finding-target.js';

/**
 * The tenant's indicators that apply now to the files of these findings (SPEC §7.1): one query
 * for every sha256 of the batch. The spread reaches only sha256s of the batch, so the same set
 * serves its targets too.
 */
export async function loadLiveIndicators(
  work: SqlWork,
  targets: readonly FindingTarget[],
): Promise<LiveIndicators> {
  const shas = new Set<string>();
  for (const target of targets)
    if (target.sha256 && INDICATOR_EVIDENCE_KINDS.includes(target.kind)) shas.add(target.sha256);
  const rows = await indicatorsOfShas(work.tx, work.actor.tenantId, [...shas]);
  return liveIndicators(rows, work.now);
}

/** The finding with the verdict its evidence takes: MALICIOUS under a BLOCK indicator. */
export function withIndicatedVerdict(
  target: FindingTarget,
  indicators: LiveIndicators,
): FindingTarget {
  const indicator = indicatorFor(indicators, target.kind, target.sha256);
  const verdict = verdictUnderIndicator(target.verdict, indicator);
  return verdict === target.verdict ? target : { ...target, verdict };
}
