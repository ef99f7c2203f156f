#!/usr/bin/env bash
# Runs every tests/integration/t_*.sh (or the ones named as arguments), each
# in its own namespaces, and prints "N passed, N failed".  Exits non-zero on
# any failure.  A test that lacks root or a kernel feature fails, loudly.
#   SGD_BUILD=build tests/integration/run.sh [t_name ...]
# Environment: SGD_BUILD (build dir with sgd, sgctl, tests/tools/probe),
# T_TIMEOUT (seconds per test, default 180), SEED (for t_random.sh).
set -u
dir=$(cd "$(dirname "$0")" && pwd)
export SGD_BUILD=${SGD_BUILD:-build}
timeout_s=${T_TIMEOUT:-180}
logdir=$(mktemp -d /tmp/sgd-integration.XXXX)
pass=0 fail=0 failed=()

tests=()
if [ $# -gt 0 ]; then
	for t; do tests+=("$dir/${t%.sh}.sh"); done
else
	tests=("$dir"/t_*.sh)
fi
[ -e "${tests[0]}" ] || { echo "integration: no tests found" >&2; exit 1; }

start=$SECONDS
for t in "${tests[@]}"; do
	name=$(basename "${t%.sh}")
	t0=$SECONDS
	# Own process group per test so a timeout kills the whole test (its trap
	# still runs on TERM and deletes its namespaces).
	timeout -k 10 "$timeout_s" bash "$t" >"$logdir/$name.log" 2>&1
	rc=$?
	if [ $rc -eq 0 ]; then
		pass=$((pass + 1))
		printf 'PASS  %-24s (%ss)\n' "$name" $((SECONDS - t0))
	else
		fail=$((fail + 1)); failed+=("$name")
		[ $rc -eq 124 ] && echo "[$name] FAIL: timed out after ${timeout_s}s" >>"$logdir/$name.log"
		printf 'FAIL  %-24s (%ss, exit %d)\n' "$name" $((SECONDS - t0)) $rc
		grep -E 'FAIL|FATAL|disagree' "$logdir/$name.log" | head -n 40 | sed 's/^/      /'
		echo "      full log: $logdir/$name.log"
	fi
done
echo "integration: $pass passed, $fail failed ($((SECONDS - start))s)${failed:+: ${failed[*]}}"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
