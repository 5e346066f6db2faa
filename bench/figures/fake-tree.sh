#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Build a fake sysfs tree for eagovd --sysfs-root on a machine without cpufreq
# (this VM): one cpufreq policy over every online CPU with the OPPs of the
# HiKey960 little cluster, plus a device file (vm.ini) describing the same
# layout, so eagovd has several OPPs to choose from and real files to write.
# The cpuidle residency files (time, usage) are symlinks to the machine's, so
# sources that read them (poll, perf's reconciliation) see the real idle time;
# every file eagovd writes (setspeed, governor, min/max, disable, QoS) is a
# plain file inside the tree.
# Usage: bench/figures/fake-tree.sh DIR    (DIR is created; prints nothing)
set -euo pipefail

die() { echo "fake-tree.sh: $*" >&2; exit 1; }
[ $# -eq 1 ] || die "usage: fake-tree.sh DIR"
root=$1
sys=/sys/devices/system/cpu
[ -d "$sys/cpu0" ] || die "no $sys/cpu0"
mkdir -p "$root" || die "cannot create $root"

# Online CPUs, as a count (the tree assumes 0..N-1, true on this VM).
ncpu=$(getconf _NPROCESSORS_ONLN)
last=$((ncpu - 1))
cpus_sp=$(seq -s ' ' 0 "$last")

put() { mkdir -p "$(dirname "$root$1")"; printf '%s\n' "$2" > "$root$1"; }

pol=$sys/cpufreq/policy0
# HiKey960 little OPPs (conf/devices/hikey960.ini), in kHz.
freqs="533000 999000 1402000 1709000 1844000"
put "$pol/related_cpus" "$cpus_sp"
put "$pol/affected_cpus" "$cpus_sp"
put "$pol/cpuinfo_min_freq" 533000
put "$pol/cpuinfo_max_freq" 1844000
put "$pol/cpuinfo_transition_latency" 50000
put "$pol/scaling_min_freq" 533000
put "$pol/scaling_max_freq" 1844000
put "$pol/scaling_cur_freq" 533000
put "$pol/scaling_available_frequencies" "$freqs "
put "$pol/scaling_driver" cpufreq-dt
put "$pol/scaling_available_governors" "conservative ondemand userspace powersave performance schedutil "
put "$pol/scaling_governor" schedutil
put "$pol/scaling_setspeed" "<unsupported>"

for cpu in $(seq 0 "$last"); do
	c=$sys/cpu$cpu
	put "$c/online" 1
	put "$c/power/pm_qos_resume_latency_us" 0
	ln -sfn ../cpufreq/policy0 "$root$c/cpufreq"
	for st in "$c"/cpuidle/state*; do
		[ -d "$st" ] || continue
		for f in name latency residency; do
			put "$st/$f" "$(cat "$st/$f")"
		done
		put "$st/disable" 0
		ln -sfn "$st/time" "$root$st/time"
		ln -sfn "$st/usage" "$root$st/usage"
	done
done
put /dev/cpu_dma_latency ""
# The poll source's fallback where CPUs have no cpuidle (VMs).
mkdir -p "$root/proc"
ln -sfn /proc/stat "$root/proc/stat"
mkdir -p "$root/run/eagov"

# The device file: one domain over every CPU with the little cluster's OPPs
# (its frequency policy FIG_FREQ, schedutil when unset)
# and power (same arithmetic as hikey960.ini: P = 110 * mV^2 * MHz / 10^6),
# the VM's idle states (POLL, haltpoll: 0 and 1 us).
cat > "$root/vm.ini" <<INI
[device]
name = fake VM tree ($ncpu CPUs, HiKey960 little OPPs)
cpus = $ncpu

[domain little]
cpus = 0-$last
capacity_dmips_mhz = 592
dynamic_power_coefficient = 110
transition_latency_us = 300
opp = 533000 700 - 5868~
opp = 999000 800 - 10758~
opp = 1402000 900 - 17604~
opp = 1709000 1000 - 32763~
opp = 1844000 1100 - 70416~
; estimates: copied from hikey960.ini's little domain (idle power 20 % of the
; lowest OPP for the shallow state, 0 for the deeper one)
cpu_idle = poll 0 0 0 5700~
cpu_idle = haltpoll 1 1 1 0~

[policy]
freq = ${FIG_FREQ:-schedutil}
idle = menu
thermal = power_allocator
fast_ramp = yes
rt_idle_latency_us = 0
max_freq_pct = 100
INI

# eagov.conf: control socket inside the tree, never the machine's.
cat > "$root/eagov.conf" <<CONF
[daemon]
control_socket = $root/run/eagov/control
CONF
