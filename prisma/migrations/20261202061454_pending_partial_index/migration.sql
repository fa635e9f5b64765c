-- The Pending tab behind row security (issue 11). Enum equality is not leakproof, so under the
-- tenant policy PostgreSQL may not use `status = 'PENDING_APPROVAL'` as an index condition before
-- the policy's own filter: the scoped count read every action of the tenant (400,000 actions,
-- 57,000 pending: 496 ms). A partial index is chosen by proving its predicate from the query's
-- where, which evaluates nothing, so leakproofness does not matter: an index-only scan of the
-- pending entries alone (75 ms at that size, EXPLAIN (ANALYZE, BUFFERS) as quell_app under the
-- scope), and the list reads its first page in order from it. Columns: the scope and order, and
-- the device the group scope joins on.
CREATE INDEX "remediation_actions_pending_tenantId_createdAt_id_deviceId_idx"
  ON "remediation_actions" ("tenantId", "createdAt" DESC, "id" DESC, "deviceId")
  WHERE "status" = 'PENDING_APPROVAL';
