/**
 * Marks a subscription payload as one event of a shared stream: every subscriber that receives
 * it gets the same event, so the server may execute the selection once per group of identical
 * subscribers (see src/server/shared-execution.ts). The value identifies the event.
 */
export const EVENT_KEY = Symbol('quell.eventKey');
