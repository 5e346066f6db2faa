/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The unprivileged scheduler event source: samples per-CPU idle residency
 * (the sum of cpuN/cpuidle/stateK/time, in us) on the caller's interval and
 * turns it into EG_EV_BUSY_SAMPLE events (busy_ns = window - idle delta).
 *
 * The kernel adds an idle period to stateK/time only when the CPU leaves
 * it, so a window with no idle time at all is ambiguous: fully busy, or
 * asleep through the whole window. Such windows are settled with /proc/stat
 * (whose idle count includes the idle period in progress): busy_ns = window
 * x (1 - idle ticks / total ticks) over the same window; while /proc/stat
 * has not moved by a tick, no event is emitted and the window grows.
 * CPUs without cpuidle use /proc/stat alone (the last resort): its counters
 * are in USER_HZ ticks (10 ms), so short windows are coarse and periodic
 * loads alias (measured 0.26 for a true 0.34); prefer windows >= 100 ms.
 * An idle period reported at its exit may add more idle than the window
 * held; busy_ns is clamped to [0, window_ns]. */
#pragma once

#include "event.h"
#include "model.h"
#include "sysfs_io.h"

struct eg_poll_cpu {
	int nr_states;
	int fd[EG_MAX_IDLE_STATES];		  /* stateK/time, kept open, -1 if closed */
	bool use_cpuidle;			  /* else /proc/stat only */
	bool not_sysfs;				  /* a test fixture: removal seen via nlink */
	bool primed;				  /* a baseline exists */
	uint64_t last_ns;			  /* caller time of the baseline */
	uint64_t last_idle_us;			  /* cpuidle idle sum at the baseline */
	bool proc_valid;			  /* proc counters at the baseline are known */
	uint64_t last_proc_idle, last_proc_total; /* USER_HZ ticks */
	uint64_t proc_idle_carry_ns;		  /* idle counted beyond a window, for the next */
};

struct eg_sched_poll {
	int nr_cpus;
	char cpu_dir[EG_PATH_MAX];   /* root + /sys/devices/system/cpu */
	char proc_stat[EG_PATH_MAX]; /* root + /proc/stat */
	struct eg_poll_cpu *cpu;
	/* Scratch for one /proc/stat parse (nr_cpus entries each). */
	uint64_t *proc_idle, *proc_total;
	bool *proc_seen;
	/* /proc/stat kept open and read into a buffer that holds its cpu
	 * lines (what comes after them is not read). */
	int proc_fd;
	char *proc_buf;
	size_t proc_buf_len;
	uint64_t proc_unit_ns; /* one USER_HZ tick */
};

/* CPUs 0..nr_cpus-1 (model->nr_cpus). Returns 0, or -ENODEV when neither
 * cpuidle nor /proc/stat can be read. */
int eg_sched_poll_open(struct eg_sched_poll *p, const struct eg_sysfs *fs, int nr_cpus);
/* Sample at now_ns (CLOCK_MONOTONIC in the daemon). Writes up to max events
 * (one per CPU whose window closed; the first call only sets the baselines
 * and returns 0). Returns the number of events. An offline CPU emits
 * nothing and starts a fresh baseline when it returns. */
int eg_sched_poll_sample(struct eg_sched_poll *p, uint64_t now_ns, struct eg_event *ev, int max);
void eg_sched_poll_close(struct eg_sched_poll *p);
/* How finely cpu's busy time is known: 1 us with cpuidle residency, a
 * USER_HZ tick (10 ms) from /proc/stat's idle time. A cumulative figure is
 * exact to within this at any read. */
uint64_t eg_sched_poll_resolution_ns(const struct eg_sched_poll *p, int cpu);
