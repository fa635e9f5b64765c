/** One audit record (SPEC §1, §5): who, what, before → after, when, request id, outcome. */
export interface AuditEntry {
  tenantId: string;
  subject: string;
  roles: readonly string[];
  /** The operation, e.g. `approveRemediationActions`, `executor.complete`, `expiry.sweep`. */
  operation: string;
  /** What the target ids are: `RemediationAction`, `Alert`, `Investigation`, `DeviceGroup`, `Device`. */
  targetType: string;
  targetIds: readonly string[];
  /** The device groups the targets belong to; a group-limited admin reads an event only when it may read them all. */
  deviceGroupIds: readonly string[];
  before?: unknown;
  after?: unknown;
  comment?: string | null;
  requestId?: string | null;
  /** `SUCCEEDED`, or what went wrong (`FAILED` for an action the executor could not carry out). */
  outcome: string;
  occurredAt?: Date;
}
