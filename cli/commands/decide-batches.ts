// What `quell approve / reject / undo` do (loaded by commands/decide.ts only when one runs: the
// API client's graphql and the progress bar stay out of the other commands' start-up).
import {
  ApproveRemediationActionsDocument,
  type OutcomeFragment,
  RejectRemediationActionsDocument,
  type RemediationActionStatus,
  UndoRemediationActionsDocument,
} from '../../client/generated/graphql.js';
import { type ApiClient, createApiClient } from '../api-client.js';
import { type FilterFlags, graphqlFilter } from '../filter-options.js';
import { batchIdempotencyKey } from '../idempotency.js';
import { progressBar } from '../progress.js';
import { CliError, type CliSettings, type ConnectionFlags } from '../settings.js';
import { collectTargets, describeTarget, type Target } from '../targets.js';

export type Verb = 'approve' | 'reject' | 'undo';

export interface DecideFlags extends FilterFlags, ConnectionFlags {
  comment?: string;
  dryRun?: boolean;
  batchSize: string;
  progress?: boolean;
  allInstances?: boolean;
}

/** What each verb acts on when no --statuses is given: the only status it can move. */
const DEFAULT_STATUS: Record<Verb, RemediationActionStatus> = {
  approve: 'PENDING_APPROVAL',
  reject: 'PENDING_APPROVAL',
  undo: 'COMPLETED',
};
const PAST: Record<Verb, string> = { approve: 'approved', reject: 'rejected', undo: 'undone' };

/** One mutation's worth of ids. Undo refuses mixed types, so its batches hold one type each. */
function batchesOf(verb: Verb, targets: readonly Target[], size: number): string[][] {
  const groups = new Map<string, string[]>();
  for (const target of targets) {
    const key = verb === 'undo' ? target.type : 'all';
    groups.set(key, [...(groups.get(key) ?? []), target.id]);
  }
  const batches: string[][] = [];
  for (const ids of groups.values()) {
    for (let start = 0; start < ids.length; start += size) {
      batches.push(ids.slice(start, start + size));
    }
  }
  return batches;
}

async function sendBatch(
  api: ApiClient,
  verb: Verb,
  ids: string[],
  flags: DecideFlags,
): Promise<OutcomeFragment[]> {
  const comment = flags.comment ?? null;
  if (verb === 'undo') {
    const applyToAllInstances = flags.allInstances ?? false;
    const idempotencyKey = batchIdempotencyKey(verb, ids, { comment, applyToAllInstances });
    const data = await api.requestWithRetry(UndoRemediationActionsDocument, {
      input: { ids, comment, applyToAllInstances, idempotencyKey },
    });
    return data.undoRemediationActions.outcomes;
  }
  const input = { ids, comment, idempotencyKey: batchIdempotencyKey(verb, ids, { comment }) };
  if (verb === 'approve') {
    const data = await api.requestWithRetry(ApproveRemediationActionsDocument, { input });
    return data.approveRemediationActions.outcomes;
  }
  const data = await api.requestWithRetry(RejectRemediationActionsDocument, { input });
  return data.rejectRemediationActions.outcomes;
}

export async function decideByFilter(verb: Verb, flags: DecideFlags, settings: CliSettings) {
  const size = Number(flags.batchSize);
  if (!Number.isInteger(size) || size < 1 || size > 1000) {
    throw new CliError('--batch-size: a whole number from 1 to 1000.', 2);
  }
  const api = createApiClient(settings);
  const filter = graphqlFilter({ ...flags, statuses: flags.statuses ?? DEFAULT_STATUS[verb] });
  const targets = await collectTargets(api, filter);
  if (flags.dryRun) {
    for (const target of targets) console.log(`would ${verb}  ${describeTarget(target)}`);
    console.log(`${targets.length} actions would be ${PAST[verb]} (dry run: nothing changed).`);
    return;
  }
  const batches = batchesOf(verb, targets, size);
  const bar =
    batches.length > 1 || flags.progress
      ? progressBar(targets.length, verb, !!flags.progress)
      : null;
  let done = 0;
  const failures: OutcomeFragment[] = [];
  try {
    for (const ids of batches) {
      for (const outcome of await sendBatch(api, verb, ids, flags)) {
        if (outcome.error) failures.push(outcome);
        else done++;
      }
      bar?.advance(ids.length);
    }
  } finally {
    bar?.stop();
  }
  for (const failure of failures) {
    console.error(`${failure.id}  ${failure.error?.code}: ${failure.error?.message}`);
  }
  const failed = failures.length ? `; ${failures.length} refused (listed on stderr)` : '';
  console.log(`${PAST[verb]} ${done} of ${targets.length} actions${failed}.`);
  if (failures.length) process.exitCode = 1;
}
