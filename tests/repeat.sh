#!/bin/sh
# Run one meson test N times in a row (default 100) and report how many
# runs failed; stop at the first failure and show its log. For telling a
# flaky test from a fixed one: a failure here is a cause to find, not a
# reason to retry.
#
#   tests/repeat.sh BUILD_DIR TEST_NAME [N]
#
# EAGOV_TEST_FILTER=NAME (passed through to the test) narrows the eagovd
# end-to-end groups (daemon, daemon_replay) to their tests matching NAME.
set -u

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
	echo "usage: $0 BUILD_DIR TEST_NAME [N=100]" >&2
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

# Build once, outside the timed runs.
ninja -C "$build" >/dev/null || exit 2
log=$(mktemp)
trap 'rm -f "$log"' EXIT
i=0
while [ "$i" -lt "$n" ]; do
	i=$((i + 1))
	if ! meson test -C "$build" --no-rebuild --print-errorlogs "$name" >"$log" 2>&1; then
		echo "$name: run $i of $n FAILED (1 failure; stopped)"
		cat "$log"
		if [ -f "$build/meson-logs/testlog.txt" ]; then
			echo "---- $build/meson-logs/testlog.txt"
			cat "$build/meson-logs/testlog.txt"
		fi
		exit 1
	fi
done
echo "$name: $n of $n runs passed, 0 failures"
