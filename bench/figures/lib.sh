# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the figure scripts (sourced, not run): eagovd start/stop,
# the stats line, /proc readings, cleanup. Expects set -euo pipefail.

EAGOVD=${EAGOVD:-./build/daemon/eagovd}
FIG_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CLK_TCK=$(getconf CLK_TCK)

die() { echo "${0##*/}: error: $*" >&2; exit 1; }
note() { echo "${0##*/}: $*" >&2; }

# The hackbench storm of both figures, unless the environment gives another.
HACKBENCH_ARGS=${HACKBENCH_ARGS:--P -g 3 -f 1 -s 1 -l 1000000000}

# fig_check_seconds OPTION VALUE: a run of 2..15 s keeps each run under 20 s.
fig_check_seconds() {
	[[ $2 =~ ^[0-9]+$ ]] && [ "$2" -ge 2 ] && [ "$2" -le 15 ] ||
		die "$1 must be 2..15 s (each run stays under 20 s)"
}

fig_check_env() {
	[ -f meson.build ] && [ -d bench/figures ] ||
		die "run from the project root (bench/figures not found in $PWD)"
	[ -x "$EAGOVD" ] || die "$EAGOVD not built (ninja -C build), or set EAGOVD"
	for t in "$@"; do
		command -v "$t" >/dev/null || die "$t not installed (Debian: apt-get install rt-tests)"
	done
}

# Work dir and the cleanup trap: every pid in FIG_PIDS gets SIGTERM, then
# SIGKILL; every pgid in FIG_PGIDS (setsid'd load generators) the same.
FIG_PIDS=()
FIG_PGIDS=()
FIG_WRAP=()
fig_cleanup() {
	local p
	for p in "${FIG_PGIDS[@]}"; do kill -TERM -- "-$p" 2>/dev/null || true; done
	for p in "${FIG_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
	sleep 0.3
	for p in "${FIG_PGIDS[@]}"; do kill -KILL -- "-$p" 2>/dev/null || true; done
	for p in "${FIG_PIDS[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
	if [ -n "${FIG_WORK:-}" ] && [ -z "${FIG_KEEP:-}" ]; then rm -rf "$FIG_WORK"; fi
}
fig_init() {
	# The fake sysfs tree is written on every decision: on a disk file
	# system each write is a truncate and a page-cache write through the
	# journal (tens of us on this VM's ext4), where sysfs is memory. tmpfs
	# is the nearer stand-in; TMPDIR chooses another place.
	local base=${TMPDIR:-}
	if [ -z "$base" ]; then
		base=/tmp
		if [ -d /dev/shm ] && [ -w /dev/shm ]; then base=/dev/shm; fi
	fi
	FIG_WORK=$(mktemp -d "$base/eagov-fig-XXXXXX")
	trap fig_cleanup EXIT
	trap 'exit 130' INT TERM
	# $tree, for the caller: the fake sysfs tree eagovd writes into.
	tree=$FIG_WORK/tree
	"$FIG_DIR/fake-tree.sh" "$tree"
}

# Forget a pid / pgid once it has been waited for.
fig_forget() {
	local keep=() p
	for p in "${FIG_PIDS[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
	FIG_PIDS=("${keep[@]}")
	keep=()
	for p in "${FIG_PGIDS[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
	FIG_PGIDS=("${keep[@]}")
}

# Can this source run? root for bpf and perf; echo a reason when not.
fig_source_skip() {
	case $1 in
	bpf | perf) [ "$(id -u)" -eq 0 ] || { echo "needs root"; return 0; } ;;
	esac
	return 1
}

# eagovd's arguments for a run: MODE tree (real writes into a fake sysfs
# tree, see fake-tree.sh) or dry (--dry-run, decisions printed; the device
# file from the tree still gives it several OPPs).
fig_eagovd_args() {
	local mode=$1 src=$2 tree=$3
	FIG_ARGS=(--device "$tree/vm.ini" --config "$tree/eagov.conf" --source "$src")
	if [ "$mode" = tree ]; then
		FIG_ARGS+=(--sysfs-root "$tree" --state-file "$tree/run/eagov/state")
	else
		FIG_ARGS+=(--dry-run)
	fi
}

# Start eagovd in the background (under FIG_WRAP, e.g. taskset, when set) (stdout OUT, stderr ERR) and wait until it
# logs "running:"; sets FIG_EAGOVD_PID. Fails with its stderr when it exits
# or does not get there within 10 s.
fig_eagovd_start() {
	local out=$1 err=$2
	shift 2
	"${FIG_WRAP[@]}" "$EAGOVD" "$@" >"$out" 2>"$err" &
	FIG_EAGOVD_PID=$!
	FIG_PIDS+=("$FIG_EAGOVD_PID")
	for _ in $(seq 100); do
		grep -qs '^running:' "$err" && return 0
		kill -0 "$FIG_EAGOVD_PID" 2>/dev/null || break
		sleep 0.1
	done
	sed 's/^/  eagovd: /' "$err" >&2
	return 1
}

# Stop eagovd (SIGTERM unless it has exited) and wait; returns its status.
fig_eagovd_stop() {
	local rc=0
	kill -TERM "$FIG_EAGOVD_PID" 2>/dev/null || true
	wait "$FIG_EAGOVD_PID" || rc=$?
	fig_forget "$FIG_EAGOVD_PID"
	return $rc
}

# A field of the exit stats line in ERR ("" when the line or field is absent):
# stats: wall_s=W cpu_s=C events=N events_per_s=R decisions=D urgent=K
#        wake_to_write_us p50=A p99=B n=M wakeups=L fast_wakeups=F
#        delivery_p50_us=C delivery_p99_us=D own_p50_us=E own_p99_us=G
fig_stat() {
	local err=$1 key=$2
	{ grep '^stats: ' "$err" || true; } | tail -n 1 | tr ' ' '\n' | sed -n "s/^$key=//p" |
		head -n 1
}

# utime+stime of PID in seconds, from /proc/PID/stat (clock ticks).
fig_proc_cpu_s() {
	sed 's/^.*) //' "/proc/$1/stat" | awk -v hz="$CLK_TCK" '{ printf "%.3f", ($12 + $13) / hz }'
}

# On-CPU time of PID in seconds, from /proc/PID/schedstat (ns; finer than
# the tick-based utime+stime, used as a cross-check).
fig_proc_run_s() {
	awk '{ printf "%.6f", $1 / 1e9 }' "/proc/$1/schedstat"
}

fig_ctxt() { awk '/^ctxt /{ print $2 }' /proc/stat; }
fig_now() { date +%s.%N; }

# awk arithmetic: fig_calc 'a / b' a=1 b=2
fig_calc() {
	local expr=$1 a v=()
	shift
	for a in "$@"; do v+=(-v "$a"); done
	awk "${v[@]}" "BEGIN { printf \"%.${FIG_PREC:-2}f\", $expr }" 2>/dev/null || echo "?"
}

fig_machine() {
	echo "$(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')," \
		"$(systemd-detect-virt 2>/dev/null || echo 'virt unknown')), kernel $(uname -r)"
}
