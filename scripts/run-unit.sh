#!/usr/bin/env bash
# Runs each cmocka test binary; fails if any fails or if none ran.
set -u
pass=0; fail=0
[ $# -gt 0 ] || { echo "run-unit: no unit tests found" >&2; exit 1; }
for t in "$@"; do
	if "$t"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAILED: $t" >&2; fi
done
echo "unit: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
