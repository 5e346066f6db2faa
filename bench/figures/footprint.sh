#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Figures: eagovd's own footprint, every one the README reports, with the
# machine they ran on. Per scheduler source:
#   idle   eagovd alone for --idle S (default 60): its wakeups per second
#          (context switches of all its threads, /proc/PID/task/*/status)
#          and CPU (on-CPU ns, /proc/PID/task/*/schedstat), with the rest
#          of the machine's switch rate and busy share over the same window
#          (/proc/stat), since an "idle" machine is only as idle as it is
#   storm  the same under hackbench (HACKBENCH_ARGS) for --storm S
#          (default 12), with the switch rate reached, and the whole
#          daemon's ns per event (its CPU time over the events it read,
#          start-up included) and per context switch of the machine
#   rt     RT wakeup -> completed fast-ramp write, p50 / p99 (rt-latency.sh
#          --duration --rt S, default 10)
#   engine the engine alone, ns per event (eagov-microbench, schedutil on
#          the HiKey960, both stream kinds)
#   live   busy_pct of CPU 1 against rt-app's own run time (and cpuidle
#          residency where CPU 1 has it) for 30 % and 60 % loads (3 ms and
#          6 ms every 10 ms, SCHED_FIFO 10, pinned to CPU 1), over a 3 s
#          window between two status queries
#
# Usage: bench/figures/footprint.sh [--idle S] [--storm S] [--rt S]
#          [--sources "bpf perf poll"] [--only "idle storm rt engine live"]
#          [--keep]
# Run from the project root after ninja -C build, as root (bpf, perf,
# SCHED_FIFO). eagovd writes into a fake sysfs tree (fake-tree.sh).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

idle_s=60
storm_s=12
rt_s=10
sources="bpf perf poll"
only="idle storm rt engine live"
while [ $# -gt 0 ]; do
	case $1 in
	--idle) idle_s=${2:?}; shift 2 ;;
	--storm) storm_s=${2:?}; shift 2 ;;
	--rt) rt_s=${2:?}; shift 2 ;;
	--sources) sources=${2:?}; shift 2 ;;
	--only) only=${2:?}; shift 2 ;;
	--keep) FIG_KEEP=1; shift ;;
	-h | --help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) die "unknown argument '$1' (see --help)" ;;
	esac
done
[[ $idle_s =~ ^[0-9]+$ && $idle_s -ge 5 && $idle_s -le 600 ]] || die "--idle: 5..600 s"
fig_check_seconds --storm "$storm_s"
fig_check_seconds --rt "$rt_s"
want() { [[ " $only " == *" $1 "* ]]; }

fig_check_env
fig_init

# All threads of PID: context switches (voluntary + involuntary), on-CPU ns.
proc_switches() { { cat /proc/"$1"/task/*/status 2>/dev/null || true; } | awk '/ctxt_switches/ { s += $2 } END { print s + 0 }'; }
proc_run_ns() { { cat /proc/"$1"/task/*/schedstat 2>/dev/null || true; } | awk '{ s += $1 } END { printf "%d", s }'; }
# The whole machine: busy and total jiffies (all CPUs), from /proc/stat.
stat_busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }
stat_total() { awk '/^cpu / { t = 0; for (i = 2; i <= 9; i++) t += $i; print t }' /proc/stat; }

# measure SRC SECONDS: eagovd in the fake tree for SECONDS after start-up;
# sets M_WAKE (per s), M_CPU (% of one CPU), M_CTXT (machine switches/s),
# M_BUSY (machine busy %, all CPUs), M_EVENTS (daemon's events), M_CPU_S.
measure() {
	local src=$1 secs=$2 out err pid s0 s1 r0 r1 c0 c1 b0 b1 t0 t1 tt0 tt1
	out=$FIG_WORK/$src.$3.out
	err=$FIG_WORK/$src.$3.err
	fig_eagovd_args tree "$src" "$tree"
	rm -f "$tree/run/eagov/state"
	fig_eagovd_start "$out" "$err" "${FIG_ARGS[@]}" --duration $((secs + 30)) ||
		die "$src: eagovd did not start"
	pid=$FIG_EAGOVD_PID
	sleep 1 # past the start-up
	s0=$(proc_switches "$pid"); r0=$(proc_run_ns "$pid"); c0=$(fig_ctxt)
	b0=$(stat_busy); tt0=$(stat_total); t0=$(fig_now)
	sleep "$secs"
	s1=$(proc_switches "$pid"); r1=$(proc_run_ns "$pid"); c1=$(fig_ctxt)
	b1=$(stat_busy); tt1=$(stat_total); t1=$(fig_now)
	fig_eagovd_stop || die "$src: eagovd exited with an error (see $err)"
	M_WAKE=$(fig_calc '(s1 - s0) / (t1 - t0)' s0="$s0" s1="$s1" t0="$t0" t1="$t1")
	M_CPU=$(FIG_PREC=3 fig_calc '(r1 - r0) / 1e9 / (t1 - t0) * 100' r0="$r0" r1="$r1" t0="$t0" t1="$t1")
	M_CTXT=$(FIG_PREC=0 fig_calc '(c1 - c0) / (t1 - t0)' c0="$c0" c1="$c1" t0="$t0" t1="$t1")
	M_BUSY=$(FIG_PREC=1 fig_calc '(b1 - b0) / (tt1 - tt0) * 100' b0="$b0" b1="$b1" tt0="$tt0" tt1="$tt1")
	M_EVENTS=$(fig_stat "$err" events)
	M_CPU_S=$(fig_stat "$err" cpu_s)
	M_EVS=$(fig_stat "$err" events_per_s)
}

echo "eagovd footprint, $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
echo "machine: $(fig_machine); uname -r $(uname -r), nproc $(nproc)"

if want idle; then
	echo
	echo "== idle: eagovd alone for ${idle_s} s (targets: bpf <= 1 wakeup/s and <= 0.02 % CPU; poll <= 2 wakeups/s)"
	printf '%-6s %10s %9s %14s %13s\n' source wakeups/s cpu% machine_ctxt/s machine_busy%
	for src in $sources; do
		if why=$(fig_source_skip "$src"); then echo "$src: skipped ($why)"; continue; fi
		measure "$src" "$idle_s" idle
		printf '%-6s %10s %9s %14s %13s\n' "$src" "$M_WAKE" "$M_CPU" "$M_CTXT" "$M_BUSY"
	done
fi

if want storm; then
	fig_check_env hackbench
	echo
	echo "== storm: hackbench $HACKBENCH_ARGS for ${storm_s} s (target: bpf <= 0.3 % CPU)"
	printf '%-6s %10s %9s %10s %9s %13s %14s\n' source ctxt/s cpu% wakeups/s events/s daemon_ns/ev daemon_ns/ctxt
	for src in $sources; do
		if why=$(fig_source_skip "$src"); then echo "$src: skipped ($why)"; continue; fi
		setsid timeout -s INT $((storm_s + 30)) hackbench $HACKBENCH_ARGS >/dev/null 2>&1 &
		hb=$!
		FIG_PGIDS+=("$hb")
		sleep 0.5
		measure "$src" "$storm_s" storm
		kill -TERM -- "-$hb" 2>/dev/null || true
		wait "$hb" 2>/dev/null || true
		fig_forget "$hb"
		nsev=$(FIG_PREC=0 fig_calc 'c * 1e9 / e' c="$M_CPU_S" e="$M_EVENTS")
		# The daemon's CPU in the window per context switch of the machine.
		nsctx=$(FIG_PREC=1 fig_calc 'p / 100 * 1e9 / x' p="$M_CPU" x="$M_CTXT")
		printf '%-6s %10s %9s %10s %9s %13s %14s\n' "$src" "$M_CTXT" "$M_CPU" "$M_WAKE" "$M_EVS" "$nsev" "$nsctx"
	done
fi

if want rt; then
	echo
	echo "== rt: RT wakeup -> completed fast-ramp write (targets: p99 <= 100 us bpf, <= 200 us perf)"
	rt_src=""
	for s in $sources; do [ "$s" = poll ] || rt_src="$rt_src $s"; done
	if [ -n "$rt_src" ]; then
		"$FIG_DIR/rt-latency.sh" --duration "$rt_s" --sources "${rt_src# }" 2>/dev/null |
			sed -n '/^source /,$p'
	fi
fi

if want engine; then
	echo
	echo "== engine alone: ns per event (eagov-microbench, HiKey960, schedutil)"
	mb=$(dirname "$EAGOVD")/../bench/eagov-microbench
	for k in switch busy; do "$mb" --device hikey960 --governor schedutil --stream "$k"; done
fi

if want live; then
	fig_check_env rt-app
	echo
	echo "== live accuracy: CPU 1 busy_pct against rt-app's run time (target: within 1 point)"
	printf '%-6s %5s %9s %9s %9s %7s %6s %9s\n' source load busy_pct rtapp_pct residency diff util stat_busy
	ctl=$FIG_WORK/ctl
	printf '[daemon]\ncontrol_socket = %s\nstate_dir = %s\n' "$ctl" "$FIG_WORK" >"$FIG_WORK/live.conf"
	rtapp_run_ns() { { cat /proc/"$1"/task/*/schedstat 2>/dev/null || true; } | awk '{ s += $1 } END { printf "%d", s }'; }
	# CPU 1's idle and iowait from /proc/stat, in USER_HZ ticks: a tickless
	# kernel accounts them at idle entry and exit, so the window less them
	# is its busy time (the busy fields are sampled at the tick and would
	# miss or double a task in phase with it).
	hz=$(getconf CLK_TCK)
	cpu1_idle() { awk '/^cpu1 / { print $5 + $6 }' /proc/stat; }
	idle1_us() { { cat /sys/devices/system/cpu/cpu1/cpuidle/state*/time 2>/dev/null || true; } | awk '{ s += $1 } END { print (NR ? s : -1) }'; }
	for src in $sources; do
		if why=$(fig_source_skip "$src"); then echo "$src: skipped ($why)"; continue; fi
		for pct in 30 60; do
			run_us=$((pct * 100))
			cat >"$FIG_WORK/load.json" <<JSON
{"tasks":{"live":{"loop":-1,"cpus":[1],"policy":"SCHED_FIFO","priority":10,
"runtime":$run_us,"timer":{"ref":"live","period":10000}}},
"global":{"duration":7,"calibration":100,"default_policy":"SCHED_OTHER","lock_pages":false,"logdir":"$FIG_WORK"}}
JSON
			rm -f "$ctl"
			"$EAGOVD" --dry-run --source "$src" --config "$FIG_WORK/live.conf" --duration 12 \
				>"$FIG_WORK/live.out" 2>"$FIG_WORK/live.err" &
			dpid=$!
			FIG_PIDS+=("$dpid")
			for _ in $(seq 100); do [ -S "$ctl" ] && break; sleep 0.1; done
			rt-app "$FIG_WORK/load.json" >/dev/null 2>&1 &
			rpid=$!
			FIG_PIDS+=("$rpid")
			sleep 1
			r0=$(rtapp_run_ns "$rpid"); i0=$(idle1_us); t0=$(fig_now); si0=$(cpu1_idle)
			./build/daemon/eagovctl --socket "$ctl" status --json >/dev/null
			sleep 3
			r1=$(rtapp_run_ns "$rpid"); i1=$(idle1_us); t1=$(fig_now); si1=$(cpu1_idle)
			js=$(./build/daemon/eagovctl --socket "$ctl" status --json)
			wait "$rpid" || true
			fig_forget "$rpid"
			wait "$dpid" || true
			fig_forget "$dpid"
			busy=$(echo "$js" | python3 -c 'import json,sys; c=[x for x in json.load(sys.stdin)["cpus"] if x.get("cpu")==1][0]; print("%.1f %d" % (c["busy_pct"], c["util"]))')
			task=$(FIG_PREC=1 fig_calc '(r1 - r0) / 1e9 / (t1 - t0) * 100' r0="$r0" r1="$r1" t0="$t0" t1="$t1")
			if [ "$i0" -ge 0 ]; then
				res=$(FIG_PREC=1 fig_calc '100 - (i1 - i0) / 1e4 / (t1 - t0)' i0="$i0" i1="$i1" t0="$t0" t1="$t1")
				ref=$res
			else
				res="-"; ref=$task
			fi
			diff=$(FIG_PREC=1 fig_calc 'b - r' b="${busy% *}" r="$ref")
			sbusy=$(FIG_PREC=1 fig_calc '100 - (i1 - i0) / hz / (t1 - t0) * 100' i0="$si0" i1="$si1" hz="$hz" t0="$t0" t1="$t1")
			printf '%-6s %4s%% %9s %9s %9s %7s %6s %9s\n' "$src" "$pct" "${busy% *}" "$task" "$res" "$diff" "${busy#* }" "$sbusy"
		done
	done
	echo "(diff: busy_pct less residency where CPU 1 has cpuidle, else less rt-app's run time;"
	echo " busy_pct and residency include whatever else ran on CPU 1, the run time does not:"
	echo " without cpuidle the figure means something only on an otherwise quiet CPU 1;"
	echo " stat_busy: the window less CPU 1's idle and iowait time in /proc/stat, which a"
	echo " tickless kernel accounts at idle entry and exit: its whole busy share, to 10 ms)"
fi
