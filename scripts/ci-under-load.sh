#!/usr/bin/env bash
# Runs CI (.ci/run) in fresh clones of HEAD while every CPU is kept busy by
# another process, and reports each run's result and duration.
#   scripts/ci-under-load.sh [RUNS]      (default 5)
# The busy loops are this script's children, bounded by `timeout`, and are
# ended on exit (also on failure or Ctrl-C).  Logs: $WORK/run-N.log.
set -uo pipefail
RUNS=${1:-5}
REPO=$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)
WORK=$(mktemp -d /tmp/sgd-ci-load.XXXXXX)
BUSY=()
RUN=""
stop_busy() {
	for p in "${BUSY[@]}"; do kill "$p" 2>/dev/null; done
	BUSY=()
	[ -z "$RUN" ] || kill -TERM -- "-$RUN" 2>/dev/null # the CI run's own process group
}
trap stop_busy EXIT
trap 'exit 130' INT TERM # the EXIT trap then stops the busy loops

for ((c = 0; c < $(nproc); c++)); do
	# One spinning process per CPU; it ends by itself after 3 hours at most.
	timeout 10800 sh -c 'while :; do :; done' &
	BUSY+=($!)
done
echo "ci-under-load: $(nproc) busy loops (pids ${BUSY[*]}), $RUNS runs of .ci/run, logs in $WORK"

pass=0
for ((i = 1; i <= RUNS; i++)); do
	rm -rf "$WORK/clone"
	git clone -q "$REPO" "$WORK/clone"
	echo "run $i: $(git -C "$WORK/clone" log -1 --format='%h %s' | cut -c1-80)"
	t0=$(date +%s)
	# Its own session and process group (setsid does not fork here: a
	# background job is no group leader), so the trap can end all of it.
	CI=true setsid bash -c 'cd "$1" && exec bash .ci/run' _ "$WORK/clone" </dev/null >"$WORK/run-$i.log" 2>&1 &
	RUN=$!
	wait "$RUN" # in the background, so that a signal reaches the trap at once
	rc=$?
	RUN=""
	secs=$(($(date +%s) - t0))
	if [ $rc -eq 0 ]; then
		pass=$((pass + 1))
		echo "run $i: PASS in ${secs}s"
	else
		echo "run $i: FAIL (exit $rc) in ${secs}s; the failures:"
		grep -E '^(FAIL|not ok|  FAIL)|: FAIL|\[  FAILED  \]' "$WORK/run-$i.log" | head -n 20
	fi
done
rm -rf "$WORK/clone"
echo "ci-under-load: $pass passed, $((RUNS - pass)) failed"
[ "$pass" -eq "$RUNS" ]
