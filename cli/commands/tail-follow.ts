// What `quell tail` does (loaded by commands/tail.ts only when it runs: graphql, graphql-ws and
// ws cost the other commands' start-up about 0.15 s of CPU each).
import { print } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import {
  type ActionStreamFilter,
  PendingActionAddedDocument,
  type PendingActionAddedSubscription,
} from '../../client/generated/graphql.js';
import { CliError, type CliSettings, type ConnectionFlags, requireToken } from '../settings.js';

export interface TailFlags extends ConnectionFlags {
  after?: string;
  json?: boolean;
  count?: string;
  types?: string;
  deviceGroupIds?: string;
  incidentId?: string;
}

type PendingEvent = PendingActionAddedSubscription['pendingActionAdded'];

/** One line a person can scan; the cursor last, so `--after` can resume from any line. */
function eventLine(event: PendingEvent): string {
  const { action } = event;
  const group = action.device.deviceGroup.name;
  const what = action.evidence?.path ?? action.evidence?.kind ?? '';
  return `${event.occurredAt}  ${action.type}  ${action.device.hostname} (${group})  ${what}  ${action.id}  cursor=${event.cursor}`;
}

function streamFilter(flags: TailFlags): ActionStreamFilter {
  return {
    types: flags.types?.split(',') as ActionStreamFilter['types'],
    deviceGroupIds: flags.deviceGroupIds?.split(','),
    incidentId: flags.incidentId,
  };
}

/**
 * Follows pendingActionAdded. On a lost connection (or a server restart: 1012) it subscribes
 * again after the last cursor printed, so no event is missed or printed twice.
 */
export async function tail(flags: TailFlags, settings: CliSettings) {
  const token = requireToken(settings);
  const limit = flags.count === undefined ? Number.POSITIVE_INFINITY : Number(flags.count);
  if (!(limit >= 1)) throw new CliError('--count: a positive whole number.', 2);
  let after = flags.after ?? null;
  let printed = 0;
  const client = createClient({
    url: `${settings.url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
  });
  try {
    for (let failures = 0; printed < limit; ) {
      try {
        const events = client.iterate<PendingActionAddedSubscription>({
          query: print(PendingActionAddedDocument),
          variables: { filter: streamFilter(flags), after },
        });
        for await (const result of events) {
          if (result.errors?.length) {
            const [error] = result.errors;
            throw new CliError(`${error?.extensions?.code ?? 'ERROR'}: ${error?.message}`, 2);
          }
          const event = result.data?.pendingActionAdded;
          if (!event) continue;
          console.log(flags.json ? JSON.stringify(event) : eventLine(event));
          after = event.cursor;
          failures = 0;
          if (++printed >= limit) break;
        }
      } catch (error) {
        if (error instanceof CliError || ++failures > 5) throw asCliError(error);
        await new Promise((resolve) => setTimeout(resolve, 500 * failures));
      }
    }
  } finally {
    await client.dispose();
  }
}

/** graphql-ws rejects with a CloseEvent-like object: say its code and reason. */
function asCliError(error: unknown): CliError {
  if (error instanceof CliError) return error;
  if (error instanceof Error) return new CliError(error.message);
  const close = error as { code?: number; reason?: string };
  return new CliError(`the stream closed (${close.code ?? '?'} ${close.reason ?? ''})`.trim());
}
