// The stream documents of the typed client (schema/operations/workflow.graphql → client/generated),
// printed once for graphql-ws and SSE, so every stream test subscribes with what clients ship
// instead of a selection of its own.
import { print } from 'graphql';
import {
  AgentWorkDispatchedDocument,
  type AgentWorkDispatchedSubscription,
  PendingActionAddedDocument,
  type PendingActionAddedSubscription,
  RemediationActionUpdatedDocument,
  type RemediationActionUpdatedSubscription,
} from '../../client/generated/graphql.js';

/** `pendingActionAdded(filter, after)`: cursor, transition, the action as `ActionRow` and its group. */
export const PENDING_ACTION_ADDED = print(PendingActionAddedDocument);
/** `remediationActionUpdated(filter, after)`: cursor, transition, the action's status, decider, group. */
export const ACTION_UPDATED = print(RemediationActionUpdatedDocument);
/** `agentWorkDispatched(after)`: cursor and the work an agent carries out. */
export const AGENT_WORK_DISPATCHED = print(AgentWorkDispatchedDocument);

/** One `pendingActionAdded` payload. */
export type Pending = PendingActionAddedSubscription;
/** One `remediationActionUpdated` payload. */
export type Updated = RemediationActionUpdatedSubscription;
/** One `agentWorkDispatched` payload. */
export type Dispatched = AgentWorkDispatchedSubscription;
/** An error as graphql-ws and SSE hand it to a subscriber. */
export type StreamError = { message: string; extensions?: { code?: string; field?: string } };
