import type { RemediationActionStatus } from './vocabulary.js';

/** What an agent is asked to do with dispatched work: carry the action out, or undo it. */
export type AgentWorkKind = 'EXECUTE' | 'UNDO';

export const AGENT_WORK_KINDS: ReadonlyArray<AgentWorkKind> = ['EXECUTE', 'UNDO'];

/** UNDO_IN_PROGRESS hands the agent an undo; IN_PROGRESS the action itself. */
export function agentWorkKind(status: RemediationActionStatus): AgentWorkKind {
  return status === 'UNDO_IN_PROGRESS' ? 'UNDO' : 'EXECUTE';
}
