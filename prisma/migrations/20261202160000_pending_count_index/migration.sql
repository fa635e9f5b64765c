-- The Pending tab's totalCount (issue 11): an index-only scan counting every pending action of the
-- tenant, the largest part of the tab's PostgreSQL time (its page of 50 is read in order from
-- the partial index of migration 20261202061454). Counting reads each entry, so what an entry
-- costs to reach is what matters: with the tenant as its only column, PostgreSQL's deduplication
-- keeps one key per tenant and a list of row ids, and the peer harness's 5,715 pending entries fit
-- in 7 pages instead of that index's 86. The count's backend CPU went from 1.6–1.8 to 0.9–1.0 ms
-- (one session, 1,000 runs as quell_app under the scope, 3 rounds each). Group-limited callers
-- still count through the other index, which carries the device their scope joins on.
CREATE INDEX "remediation_actions_pending_tenantId_idx"
  ON "remediation_actions" ("tenantId")
  WHERE "status" = 'PENDING_APPROVAL';
