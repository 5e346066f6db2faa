#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Figure: latency from an RT task's wakeup (the tracepoint's
# timestamp) to the completed write of the fast-ramp decision it caused, p50
# and p99, per event-driven source (bpf, perf; poll sees no wakeups). Targets
# p99: 100 us for bpf, 200 us for perf. Next to them, the RT task's own
# wakeup latency in the same run (cyclictest's histogram): the machine's
# floor, which a shared VM moves from one minute to the next.
#
# Per source: cyclictest (rt-tests) runs one SCHED_FIFO 80 thread pinned to
# the last CPU, waking every 10 ms; eagovd runs --duration S next to it
# (real writes into a fake sysfs tree whose policy has several OPPs, so each
# wakeup after a quiet spell ramps the domain up); eagovd's exit stats line
# gives wake_to_write_us p50 / p99 over n ramps (eagovd samples them into a
# reservoir; in --dry-run "write" is the printed decision line), and of each
# ramp the delivery (tracepoint to eagovd's thread running: the kernel's and
# the machine's part, which eagovd cannot shorten) and eagovd's own part.
#
# Usage: bench/figures/rt-latency.sh [--duration S] [--sources "bpf perf"]
#                                    [--dry-run] [--storm] [--keep]
#   --storm    also run the hackbench storm of daemon-cpu.sh (HACKBENCH_ARGS)
#   --dry-run  eagovd --dry-run instead of writes into the fake tree
#   --daemon-cpu N  pin eagovd to CPU N (taskset; default: not pinned, so it
#              may share the RT task's CPU)
# Env: EAGOVD (default ./build/daemon/eagovd), HACKBENCH_ARGS, EAGOV_RT_PRIO
# (eagovd's SCHED_FIFO priority, default 1 as the unit; 0 = normal task),
# EAGOV_FAST_PRIO (its per-CPU fast-path threads' priority, default 99 as
# shipped; 0 = none, the loop takes RT wakeups).
# Run from the project root, after ninja -C build. Needs root (SCHED_FIFO,
# bpf, perf).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

duration=10
sources="bpf perf"
mode=tree
storm=0
dcpu=""
while [ $# -gt 0 ]; do
	case $1 in
	--duration) duration=${2:?--duration needs seconds}; shift 2 ;;
	--sources) sources=${2:?--sources needs a list}; shift 2 ;;
	--dry-run) mode=dry; shift ;;
	--storm) storm=1; shift ;;
	--daemon-cpu) dcpu=${2:?--daemon-cpu needs a CPU}; shift 2 ;;
	--keep) FIG_KEEP=1; shift ;;
	-h | --help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) die "unknown argument '$1' (see --help)" ;;
	esac
done
fig_check_seconds --duration "$duration"

fig_check_env cyclictest
[ "$storm" -eq 0 ] || fig_check_env hackbench
[ "$(id -u)" -eq 0 ] || die "needs root (a SCHED_FIFO task; bpf and perf sources)"
fig_init
rt_cpu=$(($(getconf _NPROCESSORS_ONLN) - 1))
# taskset execs eagovd: the pid stays the daemon's.
# eagovd takes SCHED_FIFO rt_priority (eagov.conf) itself, 1 by default as
# the shipped unit starts it; EAGOV_RT_PRIO=0 measures it as a normal task.
rt_prio=${EAGOV_RT_PRIO:-1}
echo "rt_priority = $rt_prio" >>"$tree/eagov.conf"
echo "fast_path_priority = ${EAGOV_FAST_PRIO:-99}" >>"$tree/eagov.conf"
[ -z "$dcpu" ] || FIG_WRAP=(taskset -c "$dcpu")

# Nearest-rank percentile of cyclictest's histogram (lines "usec count"),
# overflows counted as beyond it; "-" without one.
ct_pct() {
	awk -v pct="$2" '
		/^[0-9]+[ \t]+[0-9]+$/ { h[$1 + 0] = $2 + 0; n += $2 }
		/^# Histogram Overflows:/ { over = $4 + 0 }
		END {
			n += over
			if (n == 0) { print "-"; exit }
			rank = int((n * pct + 99) / 100); c = 0
			for (u = 0; u < 10000; u++) { c += h[u]; if (c >= rank) { print u; exit } }
			print ">10000"
		}' "$1"
}

results=()
got=0
for src in $sources; do
	if why=$(fig_source_skip "$src"); then
		note "$src: skipped ($why)"
		results+=("$src|skipped: $why")
		continue
	fi
	out=$FIG_WORK/$src.out
	err=$FIG_WORK/$src.err
	fig_eagovd_args "$mode" "$src" "$tree"
	rm -f "$tree/run/eagov/state"

	hb=""
	if [ "$storm" -eq 1 ]; then
		setsid timeout -s INT $((duration + 8)) hackbench $HACKBENCH_ARGS >/dev/null 2>&1 &
		hb=$!
		FIG_PGIDS+=("$hb")
	fi
	# The RT task: SCHED_FIFO 80, one thread pinned, 10 ms period, quiet;
	# it outlives eagovd's run by a few seconds at most.
	# Its histogram (-h, 1 us buckets) gives the machine's own floor in
	# the same window: how late the RT task itself ran.
	setsid cyclictest -p 80 -i 10000 -t 1 -a "$rt_cpu" -q -h 10000 -D $((duration + 6)) \
		>"$FIG_WORK/$src.cyclictest" 2>&1 &
	ct=$!
	FIG_PGIDS+=("$ct")
	sleep 0.3
	kill -0 "$ct" 2>/dev/null ||
		die "cyclictest did not start: $(cat "$FIG_WORK/$src.cyclictest")"

	rc=0
	if fig_eagovd_start "$out" "$err" "${FIG_ARGS[@]}" --duration "$duration"; then
		wait "$FIG_EAGOVD_PID" || rc=$?
		fig_forget "$FIG_EAGOVD_PID"
	else
		rc=1
	fi
	for p in $ct $hb; do
		kill -INT -- "-$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
		fig_forget "$p"
	done
	if [ "$rc" -ne 0 ]; then
		sed 's/^/  eagovd: /' "$err" >&2
		note "$src: eagovd failed (status $rc, above)"
		results+=("$src|failed: eagovd status $rc")
		continue
	fi
	n=$(fig_stat "$err" n)
	if [ -z "$n" ]; then
		results+=("$src|no stats line in this eagovd")
		continue
	fi
	ct=$FIG_WORK/$src.cyclictest
	results+=("$src|$(fig_stat "$err" wall_s)|$(fig_stat "$err" urgent)|$n|$(fig_stat "$err" p50)|$(fig_stat "$err" p99)|$(ct_pct "$ct" 50)|$(ct_pct "$ct" 99)|$(fig_stat "$err" delivery_p50_us)/$(fig_stat "$err" delivery_p99_us)|$(fig_stat "$err" own_p50_us)/$(fig_stat "$err" own_p99_us)")
	got=$((got + 1))
done

echo
echo "RT wakeup -> fast-ramp write, cyclictest -p 80 -i 10000 on CPU $rt_cpu," \
	"mode $mode${dcpu:+, eagovd on CPU $dcpu}$([ "$storm" -eq 1 ] && echo ", hackbench $HACKBENCH_ARGS")"
echo "machine: $(fig_machine)"
printf '%-6s %7s %7s %6s %9s %9s %-12s %-15s %-15s %s\n' source wall_s urgent n p50_us p99_us \
	target delivery_p50/99 own_p50/99 rt_task_p50/p99_us
for r in "${results[@]}"; do
	IFS='|' read -r s a b c d e f g h i <<<"$r"
	if [ -z "$b" ]; then
		printf '%-6s %s\n' "$s" "$a"
	else
		# The targets: p99 100 us for bpf, 200 us for perf.
		lim=$([ "$s" = bpf ] && echo 100 || echo 200)
		ok=$(awk -v p="$e" -v l="$lim" 'BEGIN { print (p <= l ? "met" : "MISSED") }')
		[ "$c" -gt 0 ] || ok="no-samples"
		printf '%-6s %7s %7s %6s %9s %9s %-12s %-15s %-15s %s\n' "$s" "$a" "$b" "$c" "$d" \
			"$e" "$ok<=$lim" "$h" "$i" "$f/$g"
	fi
done
echo "delivery: from the tracepoint to eagovd's thread leaving its wait (the kernel's part);"
echo "own: from there to the completed write (eagovd's read, engine and write), per ramp"
echo "rt_task: cyclictest's own wakeup latency in the same run (timer expiry to running)"
[ "$got" -gt 0 ] || die "no latency measured (see above; the exit stats line needs an eagovd" \
	"with 'wake_to_write' in daemon/daemon.c)"
