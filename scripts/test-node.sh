#!/usr/bin/env bash
# npm test's Node suite (test/*.test.ts, or the files given) on two Node versions at
# once: the machine's node and the current LTS in tools/node24 (scripts/setup-node.sh).
# The passes run concurrently (each uses about a third of a core; the suite is safe
# to run twice at once: free ports out of the kernel's range, temp folders). Each
# pass's output goes to test-results/node-<version>.log; after both end, each is
# printed whole (never interleaved) and a summary line per version follows.
# Fails if either pass fails.
set -euo pipefail
cd "$(dirname "$0")/.."

node24="$PWD/tools/node24/bin/node"
[ -x "$node24" ] || { echo "test-node: $node24 is missing: run 'bash scripts/setup-node.sh' (npm test does it first)" >&2; exit 1; }
files=("$@")
[ ${#files[@]} -gt 0 ] || files=(test/*.test.ts)

nodes=("$(command -v node)")
# A machine already on that very version needs one pass only.
[ "$(node --version)" = "$("$node24" --version)" ] || nodes+=("$node24")

mkdir -p test-results
pids=() logs=() versions=()
for node in "${nodes[@]}"; do
  version=$("$node" --version)
  log="test-results/node-$version.log"
  # The version's own directory first on PATH: whatever a test starts as `node` runs on it too.
  PATH="$(dirname "$node"):$PATH" "$node" --import tsx --test --test-reporter=tap --test-concurrency=1 "${files[@]}" >"$log" 2>&1 &
  pids+=("$!") logs+=("$log") versions+=("$version")
  echo "test-node: Node $version running ${#files[@]} test files, output in $log"
done
trap 'kill "${pids[@]}" 2>/dev/null || true' INT TERM

# Some sign of life while the passes run (about 25 minutes): results so far, every 5 minutes.
(
  while sleep 300 </dev/null >/dev/null 2>&1; do
    counts=()
    for i in "${!logs[@]}"; do counts+=("${versions[$i]} $(grep -cE '^ *(not )?ok ' "${logs[$i]}" || true)"); done
    echo "test-node: still running; results so far: ${counts[*]}"
  done
) &
ticker=$!

codes=()
for pid in "${pids[@]}"; do
  code=0
  wait "$pid" || code=$?
  codes+=("$code")
done
kill "$ticker" 2>/dev/null || true

# The runner's closing counts, e.g. "# pass 12", from a pass's TAP output.
count() { sed -n "s/^# $1 \([0-9.]*\)$/\1/p" "$2" | tail -n 1; }

status=0
for i in "${!logs[@]}"; do
  echo "test-node: ===== Node ${versions[$i]}: ${logs[$i]} ====="
  cat "${logs[$i]}"
done
for i in "${!logs[@]}"; do
  log=${logs[$i]} code=${codes[$i]}
  verdict=passed
  [ "$code" = 0 ] || { verdict="FAILED (exit $code)"; status=1; }
  if [ -n "$(count tests "$log")" ]; then
    seconds=$(count duration_ms "$log" | cut -d. -f1)
    echo "test-node: Node ${versions[$i]}: $verdict: tests $(count tests "$log"), pass $(count pass "$log"), fail $(count fail "$log"), cancelled $(count cancelled "$log"), skipped $(count skipped "$log") in $((${seconds:-0} / 1000)) s; $log"
  else
    echo "test-node: Node ${versions[$i]}: $verdict: no summary (the runner did not finish); $log"
    status=1
  fi
done
exit "$status"
