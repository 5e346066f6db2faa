#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Checks of the systemd unit and the manual pages, as shipped by this build.
# Usage: test_units.sh CHECK BUILD_ROOT
#   verify      systemd-analyze verify accepts the unit (ExecStart pointed at
#               the built eagovd, as installed it would name sbindir)
#   security    systemd-analyze security --offline: exposure at most 2.1
#   contract    the unit keeps what eagovd needs to work at all
#   sysusers    the eagov group and /run/eagov (0755 root:eagov) are created
#   man         every page renders without a warning
#   options     every long option in each tool's --help is in its page
# Exit 77 (meson: skipped) when the tool a check needs is missing.
set -u
check=$1
build=$2
unit=$build/systemd/eagovd.service
src=$(cd "$(dirname "$0")/../../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() { echo "FAIL: $*"; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }
need() { command -v "$1" >/dev/null 2>&1 || skip "$1 is not installed"; }

case $check in
verify)
	need systemd-analyze
	# The unit names the installed eagovd, which a build tree does not have;
	# verify checks that ExecStart is executable, so point it at the build's.
	sed "s#^\(Exec[A-Za-z]*=\)[^ ]*/eagovd#\1$build/daemon/eagovd#" "$unit" \
		>"$tmp/eagovd.service"
	grep -q "^ExecStart=$build/daemon/eagovd\$" "$tmp/eagovd.service" ||
		fail "no ExecStart=.../eagovd line to rewrite in $unit"
	# --man=no: the pages in Documentation= are not installed yet.
	out=$(cd "$tmp" && systemd-analyze verify --man=no ./eagovd.service 2>&1)
	rc=$?
	[ -n "$out" ] && echo "$out"
	[ $rc -eq 0 ] || fail "systemd-analyze verify exited $rc"
	[ -z "$out" ] || fail "systemd-analyze verify warned"
	;;
security)
	need systemd-analyze
	out=$(cd "$build/systemd" &&
		systemd-analyze security --offline=true --no-pager ./eagovd.service 2>&1)
	echo "$out" | grep -v '^✓'
	echo "$out" | grep -q 'Overall exposure level' ||
		skip "this systemd-analyze has no offline security analysis"
	# 2.1 is what the unit scores today (systemd 252): what remains is root,
	# the host's network namespace (netlink, see the unit),
	# bpf/perf_event_open in the filter, the visible /proc and realtime
	# scheduling (the fast-path threads run at SCHED_FIFO 99; it was 2.0
	# with RestrictRealtime=yes, before them). The threshold is in tenths;
	# a change that loosens the sandbox must raise it here, on purpose.
	(cd "$build/systemd" &&
		systemd-analyze security --offline=true --threshold=21 ./eagovd.service \
		>/dev/null 2>&1) || fail "exposure above 2.1"
	;;
contract)
	# Settings the daemon depends on: each was chosen against a hardening
	# default that would break it (see the comments in eagovd.service.in).
	has() { grep -qx -- "$1" "$unit" || fail "$unit lacks '$1'"; }
	hasnt() { ! grep -qx -- "$1" "$unit" || fail "$unit has '$1'"; }
	if grep -n '@[a-z_]*@' "$unit"; then fail "unsubstituted @...@ in $unit"; fi
	grep -q '^ExecStart=/.*/eagovd$' "$unit" || fail "ExecStart is not an absolute eagovd"
	grep -q '^ExecStopPost=/.*/eagovd --restore$' "$unit" ||
		fail "no ExecStopPost=eagovd --restore (crash restore)"
	has 'Type=notify'
	has 'WatchdogSec=10s'
	has 'ExecReload=/bin/kill -HUP $MAINPID'
	has 'Restart=on-failure'
	# Thermal genl and udevd's events only reach the initial netns.
	has 'CPUSchedulingPolicy=fifo'
	# The fast-path threads take SCHED_FIFO fast_path_priority themselves.
	hasnt 'RestrictRealtime=yes'
	has 'PrivateNetwork=no'
	hasnt 'PrivateNetwork=yes'
	has 'RestrictAddressFamilies=AF_UNIX AF_NETLINK'
	# Actuation: sysfs under ProtectKernelTunables, the PM QoS device.
	has 'ReadWritePaths=/sys/devices/system/cpu'
	has 'DeviceAllow=/dev/cpu_dma_latency rw'
	hasnt 'PrivateDevices=yes'
	# The state file outlives a crash for ExecStopPost and the next start.
	has 'RuntimeDirectory=eagov'
	has 'RuntimeDirectoryPreserve=yes'
	has 'Group=eagov'
	grep -q '^SystemCallFilter=@system-service bpf perf_event_open$' "$unit" ||
		fail "the syscall filter does not let bpf() and perf_event_open() through"
	grep -q '^CapabilityBoundingSet=.*CAP_BPF' "$unit" || fail "no CAP_BPF"
	grep -q '^CapabilityBoundingSet=.*CAP_PERFMON' "$unit" || fail "no CAP_PERFMON"
	# Capabilities exactly those used: CAP_SYS_NICE for the clamps of
	# other users' tasks (apps' hints) and the fast-path threads' priority;
	# nothing broader.
	grep -q '^CapabilityBoundingSet=CAP_BPF CAP_PERFMON CAP_SYS_NICE$' "$unit" ||
		fail "CapabilityBoundingSet is not exactly CAP_BPF CAP_PERFMON CAP_SYS_NICE"
	# The chosen profile persists in /var/lib/eagov under ProtectSystem=strict.
	has 'StateDirectory=eagov'
	for other in power-profiles-daemon tuned tuned-ppd thermald tlp; do
		grep -q "^Conflicts=.*\b$other\.service" "$unit" ||
			fail "no Conflicts= with $other.service"
	done
	;;
sysusers)
	need systemd-sysusers
	need systemd-tmpfiles
	[ "$(id -u)" -eq 0 ] || skip "creating root:eagov files needs root"
	mkdir -p "$tmp/etc"
	systemd-sysusers --root="$tmp" "$src/systemd/eagov.sysusers" ||
		fail "systemd-sysusers rejected eagov.sysusers"
	gid=$(awk -F: '$1 == "eagov" { print $3 }' "$tmp/etc/group")
	[ -n "$gid" ] || fail "no eagov group in $tmp/etc/group"
	systemd-tmpfiles --root="$tmp" --create "$src/systemd/eagov.tmpfiles" ||
		fail "systemd-tmpfiles rejected eagov.tmpfiles"
	got=$(stat -c '%F %a %u %g' "$tmp/run/eagov") || fail "no /run/eagov"
	[ "$got" = "directory 755 0 $gid" ] ||
		fail "/run/eagov is '$got', want 'directory 755 0 $gid'"
	;;
man)
	pages="eagovd.8 eagovctl.1 eagov-bench.1 eagov-devices.5"
	# man's --warnings takes groff warning names; "w" is all of them.
	if command -v man >/dev/null 2>&1; then
		render() { MANWIDTH=80 man --warnings=w -l -Tutf8 "$1"; }
	elif command -v groff >/dev/null 2>&1; then
		render() { groff -man -ww -Tutf8 "$1"; }
	else
		skip "neither man nor groff is installed"
	fi
	for p in $pages; do
		f=$build/docs/$p
		[ -f "$f" ] || fail "$f was not generated"
		if grep -n '@[A-Z]*@' "$f"; then fail "$p: unsubstituted @...@"; fi
		render "$f" >"$tmp/raw" 2>"$tmp/err" || fail "$p: rendering failed"
		# Drop grotty's overstrike (bold: X BS X, underline: _ BS X).
		sed "s/.$(printf '\b')//g" "$tmp/raw" >"$tmp/out"
		# groff straight, too: man may filter through preprocessors first.
		if command -v groff >/dev/null 2>&1; then
			groff -man -ww -z "$f" 2>>"$tmp/err"
		fi
		if [ -s "$tmp/err" ]; then
			cat "$tmp/err"
			fail "$p: warnings while rendering"
		fi
		# A page whose macros broke renders as next to nothing.
		[ "$(wc -l <"$tmp/out")" -ge 20 ] || fail "$p: rendered to under 20 lines"
		grep -q NAME "$tmp/out" || fail "$p: no NAME section in the output"
	done
	;;
options)
	# tool:page pairs; each long option --help lists must be documented.
	for pair in daemon/eagovd:eagovd.8 daemon/eagovctl:eagovctl.1 \
		    bench/eagov-bench:eagov-bench.1; do
		exe=$build/${pair%%:*}
		page=$build/docs/${pair#*:}
		[ -x "$exe" ] || fail "$exe was not built"
		"$exe" --help >"$tmp/help" 2>&1
		# roff writes a hyphen as \-; compare with plain text.
		sed 's/\\-/-/g' "$page" >"$tmp/page"
		for opt in $(grep -o -- '--[a-z][a-z-]*' "$tmp/help" | sort -u); do
			grep -q -- "$opt\\b" "$tmp/page" ||
				fail "${pair%%:*} --help lists $opt; ${pair#*:} does not document it"
		done
	done
	;;
*)
	fail "unknown check '$check'"
	;;
esac
exit 0
