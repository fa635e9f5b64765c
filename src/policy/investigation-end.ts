import type { InvestigationState } from './vocabulary.js';

/** States after which an investigation has ended (its end time is set, SPEC §3.6). */
export const ENDED_STATES: ReadonlySet<InvestigationState> = new Set([
  'REMEDIATED',
  'PARTIALLY_REMEDIATED',
  'NO_THREATS_FOUND',
  'FAILED',
  'TERMINATED_BY_USER',
  'TERMINATED_BY_SYSTEM',
]);

export function hasEnded(state: InvestigationState): boolean {
  return ENDED_STATES.has(state);
}
