#!/bin/bash
# Issue 11: this checkout beside the raw peer and PostGraphile on the peer harness, for the nested
# read at pages 50, 10 and 100 (nested lists first: 5, so page 100 stays under the cost limit)
# and the Pending tab. Run it alone on the machine; the tables go to /tmp/pb-reads/out.txt.
#   bash bench/peerbench-reads.sh            # ROUNDS=5 DURATION=15 WARMUP=5 by default
set -euo pipefail
checkout=$(cd "$(dirname "$0")/.." && pwd)
rm -rf /tmp/pb-reads && cp -r "$checkout/../shared/peerbench" /tmp/pb-reads && cd /tmp/pb-reads
# Quell migrates as the tables' owner and serves as a member of quell_app under row-level security
# (issue 10): the copy's db.sh makes pb_owner own the database and run the migrations, and pb_ours
# (whose statements the harness counts) a quell_app member that owns nothing. The peers have no
# tenant scope of their own, so they read past Quell's row security (BYPASSRLS).
perl -0pi -e 's/(    if \[ "\$SCHEMA" = quell \]; then\n)/$1      psql_su -d postgres -c "DO \\\$\\\$BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname=\x27pb_owner\x27) THEN CREATE ROLE pb_owner LOGIN; END IF; IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname=\x27quell_app\x27) THEN CREATE ROLE quell_app NOLOGIN; END IF; END\\\$\\\$" -c "GRANT quell_app TO pb_ours" -c "ALTER ROLE pb_raw BYPASSRLS" -c "ALTER ROLE pb_pgl BYPASSRLS"\n/; s/CREATE DATABASE \$PGDB OWNER pb_ours/CREATE DATABASE \$PGDB OWNER pb_owner/; s{DATABASE_URL="postgres://pb_ours\@127.0.0.1:\$PGPORT/\$PGDB" \\\n        node --import tsx "\$HERE/quell/migrate.mjs"}{DATABASE_URL="postgres://pb_owner\@127.0.0.1:\$PGPORT/\$PGDB" \\\n        node --import tsx "\$HERE/quell/migrate.mjs"}' db.sh
# Quell's device links carry the tenant (composite foreign keys, migration 20261202130000). PostGraphile
# names a relation after its key's columns, so smart comments give the composite ones the names its
# queries use (`device`, `deviceGroup`): the same relations, named as before.
cat >quell/pgl-names.sql <<'SQL'
COMMENT ON CONSTRAINT "devices_deviceGroupId_fkey" ON devices IS E'@fieldName deviceGroup\n@foreignFieldName devices';
COMMENT ON CONSTRAINT "evidence_deviceId_fkey" ON evidence IS E'@fieldName device\n@foreignFieldName evidences';
COMMENT ON CONSTRAINT "alerts_deviceId_fkey" ON alerts IS E'@fieldName device\n@foreignFieldName alerts';
COMMENT ON CONSTRAINT "remediation_actions_deviceId_fkey" ON remediation_actions IS E'@fieldName device\n@foreignFieldName remediationActions';
COMMENT ON CONSTRAINT "remediation_actions_deviceGroupId_fkey" ON remediation_actions IS E'@fieldName deviceGroup\n@foreignFieldName remediationActions';
SQL
sed -i 's|^      psql_su -d "\$PGDB" -f "\$HERE/quell/seed.sql"$|&\n      psql_su -d "$PGDB" -f "$HERE/quell/pgl-names.sql"|' db.sh
grep -q 'pgl-names.sql' db.sh || { echo "peerbench-reads: could not add the relation names to db.sh" >&2; exit 2; }
grep -q 'pb_owner' db.sh || { echo "peerbench-reads: could not adapt db.sh for the owner role" >&2; exit 2; }
sed -e 's/^        evidence {/        evidence(first: 5) {/' \
  -e 's/^        remediationActions {/        remediationActions(first: 5) {/' \
  queries/ours.graphql >queries/ours-first5.graphql
export QUELL_DIR=$checkout SCHEMA=quell PEERBENCH_TARGETS=raw,postgraphile,ours QUELL_RATE_LIMIT=off
# Quell as `npm start` runs it (its esbuild bundle, scripts/run-cached.mjs), not under the tsx
# loader the harness defaults to: tsx's keep-names transform adds a property dictionary to every
# closure, which production does not carry.
export OURS_START="cd '$checkout' && exec node scripts/run-cached.mjs src/main.ts"
export ROUNDS=${ROUNDS:-5} DURATION=${DURATION:-15} WARMUP=${WARMUP:-5} PGBENCH=0
{
  for page in 50 10 100; do
    echo "=== nested page $page  $(uptime)"
    RESEED=1 PAGE=$page OURS_QUERY_FILE=queries/ours-first5.graphql bash run.sh 2>&1 | tail -25
  done
  echo "=== pending  $(uptime)"
  RESEED=1 WORKLOAD=pending bash run.sh 2>&1 | tail -25
  echo "=== end $(uptime)"
} | tee /tmp/pb-reads/out.txt
