/**
 * The data store: every raw SQL statement the services send, each written once, behind a typed
 * function (one file per table or concern). Prisma client calls stay in the services.
 */
export * from './audit-events.js';
export * from './automation.js';
export * from './collection-contents.js';
export * from './derived-states.js';
export * from './device-groups.js';
export * from './device-scope.js';
export * from './devices.js';
export * from './evidence.js';
export * from './idempotency-records.js';
export * from './indicators.js';
export * from './investigations.js';
export * from './rate-limit-buckets.js';
export * from './remediation-actions.js';
export { type ArrayElement, runAsOneStatement, sqlArray, utc } from './sql.js';
export * from './tenant-log-lock.js';
export * from './tenants.js';
export * from './webhook-deliveries.js';
