#!/bin/bash
# Issue 11: this checkout beside the raw peer and PostGraphile on the peer harness, for the nested
# read at pages 50, 10 and 100 (nested lists first: 5, so page 100 stays under the cost limit)
# and the Pending tab. Run it alone on the machine; the tables go to /tmp/pb-reads/out.txt.
#   bash bench/peerbench-reads.sh            # ROUNDS=5 DURATION=15 WARMUP=5 by default
set -euo pipefail
checkout=$(cd "$(dirname "$0")/.." && pwd)
rm -rf /tmp/pb-reads && cp -r "$checkout/../shared/peerbench" /tmp/pb-reads && cd /tmp/pb-reads
sed -e 's/^        evidence {/        evidence(first: 5) {/' \
  -e 's/^        remediationActions {/        remediationActions(first: 5) {/' \
  queries/ours.graphql >queries/ours-first5.graphql
export QUELL_DIR=$checkout SCHEMA=quell PEERBENCH_TARGETS=raw,postgraphile,ours QUELL_RATE_LIMIT=off
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
