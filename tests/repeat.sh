#!/bin/bash
# Run one meson test N times in a row and count its failures: how flaky a
# live-measurement test is on this machine, under whatever load it has.
# Usage: tests/repeat.sh BUILD_DIR TEST [N]   (N defaults to 100)
# Prints each failure's log, then "TEST: F of N failed"; exits 1 if any did.
set -u
if [ $# -lt 2 ]; then
	echo "usage: $0 BUILD_DIR TEST [N]" >&2
	exit 2
fi
build=$1
test=$2
n=${3:-100}
# Built once: the runs measure one binary while the tree may change.
ninja -C "$build" >/dev/null || exit 2
fail=0
for ((i = 1; i <= n; i++)); do
	if ! out=$(meson test -C "$build" --no-rebuild --print-errorlogs "$test" 2>&1); then
		fail=$((fail + 1))
		echo "=== $test run $i of $n failed:"
		echo "$out" | grep -v '^Inherited environment'
	fi
done
echo "$test: $fail of $n failed"
[ "$fail" -eq 0 ]
