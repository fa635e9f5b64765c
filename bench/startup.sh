#!/usr/bin/env bash
# CPU seconds (user+sys) of the process starts the test suite makes dozens of: the `quell` binary
# and `npm start`, from the cached bundle (scripts/run-cached.mjs) and through tsx as before, side
# by side. Load from others adds little to CPU time (unlike wall time). `bash bench/startup.sh`
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-3}
cpu() { # label, command…: the median of $runs runs
  local label=$1
  shift
  local times=() measured
  measured=$(mktemp)
  for _ in $(seq "$runs"); do
    /usr/bin/time -o "$measured" -f '%U %S' "$@" >/dev/null 2>&1 || true # PORT=abc exits 2
    times+=("$(tail -1 "$measured" | awk '{ printf "%.2f", $1 + $2 }')")
  done
  printf '%-44s %s CPU s (runs: %s)\n' "$label" "$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p")" "${times[*]}"
}
node cli/quell.mjs --help >/dev/null # builds the cached bundle if a source changed
echo "load: $(uptime | sed 's/.*load average: //')"
cpu 'quell --help (bundle)' node cli/quell.mjs --help
cpu 'quell --help (tsx, same lazy cli/main.ts)' node --import tsx cli/main.ts --help
cpu 'quell token (bundle, in-process)' node cli/quell.mjs token --tid t --roles viewer
cpu 'npm run token (tsx; old quell token added it)' node --import tsx src/auth/print-token.ts --tid t --roles viewer
cpu 'npm start, PORT=abc (bundle)' env PORT=abc node scripts/run-cached.mjs src/main.ts
cpu 'npm start, PORT=abc (tsx, as before)' env PORT=abc node --import tsx src/main.ts
echo "load: $(uptime | sed 's/.*load average: //')"
