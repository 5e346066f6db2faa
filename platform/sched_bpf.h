/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The bpf scheduler event source beyond its ops table (eg_source_bpf):
 * counters for rate checks and the bench, per-task run time, and the pids
 * whose every wakeup is wanted at once (latency boosts). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "source.h"

extern const struct eg_source_ops eg_source_bpf;

struct eg_sched_bpf_stats {
	uint64_t switches;     /* sched_switch calls seen, all CPUs */
	uint64_t busy_records; /* BUSY records the program sent */
	uint64_t wakeups;      /* WAKEUP records the program sent */
	uint64_t dropped;      /* records lost to a full ring buffer */
	uint64_t events;       /* eg_events handed to the caller */
	uint64_t woken;	       /* records that woke user space (load changes, RT) */
	uint64_t moved;	       /* of those, load changes past the threshold */
	uint64_t forced;       /* windows sent as an RT task's time ended */
	uint64_t timer;	       /* busy-CPU rate timer expiries */
	/* Tracepoint hits the kernel did not run a program for: a program does
	 * not nest in itself on one CPU, so a wakeup from an interrupt that
	 * lands while the wakeup program runs for another task is skipped
	 * (bpf_prog_info.recursion_misses). Lost events nobody can recover;
	 * counted so that tests and the stats line can tell them apart. */
	uint64_t wakeup_misses; /* sched_wakeup / sched_wakeup_new */
	uint64_t switch_misses; /* sched_switch */
	/* RT wakeups the kernel ran no program for at all (some kernels
	 * deliver no event in some tasks' context): proven afterwards by an
	 * RT task that blocks twice with no wakeup seen in between. */
	uint64_t rt_wakeups_lost;
};

/* s must come from eg_source_bpf.open. All return 0 or -errno
 * (-EOPNOTSUPP when built without BPF, -ENOENT for an unknown pid). */
int eg_sched_bpf_stats(const struct eg_source *s, struct eg_sched_bpf_stats *out);
int eg_sched_bpf_task_runtime(const struct eg_source *s, int32_t pid, uint64_t *ns);
/* The windows forced on one CPU (stats.forced is the sum over all), and the
 * pid of the task whose end forced the last of them (0: none yet). */
int eg_sched_bpf_forced(const struct eg_source *s, int cpu, uint64_t *n, int32_t *last_pid);
/* The RT wakeups of pid the kernel did not deliver (see rt_wakeups_lost),
 * up to 127; -ENOENT for a pid never seen to block as RT. */
int eg_sched_bpf_rt_lost(const struct eg_source *s, int32_t pid, uint32_t *n);
int eg_sched_bpf_watch(struct eg_source *s, int32_t pid, bool on);
