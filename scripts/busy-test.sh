#!/usr/bin/env bash
# Runs the test suite three times in a row while two busy loops hold both cores, to prove that no
# test depends on an idle machine: a test that races a short wall-clock deadline fails here.
#
#   scripts/busy-test.sh            # three runs
#   RUNS=1 scripts/busy-test.sh     # one run
#
# Prints each run's "Tests" line and its duration; exits non-zero if any run failed. The full
# output of each run is kept in a temporary directory whose path is printed at the end.
set -u

cd "$(dirname "$0")/.."

RUNS="${RUNS:-3}"
LOGS="$(mktemp -d "${TMPDIR:-/tmp}/rewind-busy-test.XXXXXX")"
BUSY_PIDS=()

stop_busy() {
  # Only the loops this script started, by their process id.
  for pid in "${BUSY_PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${BUSY_PIDS[@]}"; do wait "$pid" 2>/dev/null; done
  BUSY_PIDS=()
}
trap stop_busy EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Two loops at the same priority as the tests (nice 0): each can take a whole core from them.
for _ in 1 2; do
  nice -n 0 sh -c 'while :; do :; done' &
  BUSY_PIDS+=("$!")
done
echo "busy loops: ${BUSY_PIDS[*]} (nice 0) on $(nproc) cores"

failed=0
summary=()
for run in $(seq 1 "$RUNS"); do
  log="$LOGS/run-$run.log"
  started=$(date +%s)
  NO_COLOR=1 npm test >"$log" 2>&1
  status=$?
  elapsed=$(($(date +%s) - started))
  # vitest's own summary lines, e.g. "      Tests  1101 passed (1101)" and "   Duration  63.37s (…)".
  tests=$(grep -E '^ +Tests +' "$log" | tail -n 1 | sed -E 's/^ +//')
  duration=$(grep -E '^ +Duration +' "$log" | tail -n 1 | sed -E 's/^ +Duration +([^ ]+).*/\1/')
  line="run $run: ${tests:-no Tests line (see $log)}; vitest duration ${duration:-?}, wall ${elapsed}s, exit $status"
  echo "$line"
  summary+=("$line")
  if [ "$status" -ne 0 ]; then
    failed=1
    # The failing tests (vitest names each twice), so the cause can be found without the log.
    grep -E '^ +FAIL ' "$log" | sed -E 's/^ +FAIL +/    FAIL /' | awk '!seen[$0]++' | head -n 20
  fi
done

echo
echo "summary (logs in $LOGS):"
printf '  %s\n' "${summary[@]}"
exit "$failed"
