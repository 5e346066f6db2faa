#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Run one meson test N times in a row (default 100): how a test that touches
# timing behaves on this machine, under whatever load it has. A failure is a
# cause to find, not a reason to retry.
#
#   tests/repeat.sh [--all] BUILD_DIR TEST_NAME [N]
#
# By default it stops at the first failure and shows its log; with --all it
# runs all N, prints each failure's log and ends with "TEST: F of N failed".
# Exit 0 only when every run passed. EAGOV_TEST_FILTER=NAME (passed through to
# the test) narrows the eagovd end-to-end groups (daemon, daemon_replay) to
# their tests matching NAME.
set -u

all=0
if [ "${1:-}" = "--all" ]; then
	all=1
	shift
fi
if [ $# -lt 2 ] || [ $# -gt 3 ]; then
	echo "usage: $0 [--all] BUILD_DIR TEST_NAME [N=100]" >&2
	exit 2
fi
build=$1
name=$2
n=${3:-100}
case $n in
'' | *[!0-9]*)
	echo "$0: N must be a number, not '$n'" >&2
	exit 2
	;;
esac

# Built once: the runs measure one binary while the tree may change.
ninja -C "$build" >/dev/null || exit 2
log=$(mktemp)
trap 'rm -f "$log"' EXIT
i=0
fail=0
while [ "$i" -lt "$n" ]; do
	i=$((i + 1))
	if ! meson test -C "$build" --no-rebuild --print-errorlogs "$name" >"$log" 2>&1; then
		fail=$((fail + 1))
		echo "=== $name: run $i of $n FAILED"
		grep -v '^Inherited environment' "$log"
		if [ "$all" -eq 0 ]; then
			echo "$name: stopped at the first failure (run $i of $n)"
			exit 1
		fi
	fi
done
echo "$name: $fail of $n failed"
[ "$fail" -eq 0 ]
