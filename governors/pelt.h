/* SPDX-License-Identifier: GPL-2.0-or-later */
/* PELT averages as the kernel's kernel/sched/pelt.c keeps them: running and
 * runnable time decayed geometrically (y^32 = 1/2) and scaled by CPU
 * capacity and frequency. Pure arithmetic on one struct eg_pelt. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define EG_PELT_PERIOD_US 1024 /* units of 1024 ns per period */
#define EG_LOAD_AVG_MAX 47742
/* The divider of a sum whose current period has just begun. */
#define EG_PELT_MIN_DIVIDER (EG_LOAD_AVG_MAX - EG_PELT_PERIOD_US)

/* One PELT average (the kernel's struct sched_avg, util and runnable parts). */
struct eg_pelt {
	uint64_t last_update_ns;
	uint64_t util_sum;
	uint64_t runnable_sum;
	uint32_t period_contrib; /* 1024-ns units into the current period */
	uint32_t util_avg;
	uint32_t runnable_avg;
};

/* Advance p to now. For the time since the last update the entity was
 * running (util accrues) and/or runnable (runnable accrues); the accrual is
 * scaled by cpu_scale (CPU capacity, 0..1024) and freq_scale (cur / max
 * frequency, 0..1024). Returns true when a period boundary was crossed
 * (the averages were recomputed). */
bool eg_pelt_update(struct eg_pelt *p, uint64_t now_ns, bool running, bool runnable,
		    uint32_t cpu_scale, uint32_t freq_scale);
/* eg_pelt_update_nr for a p at least one 1024-ns unit behind now. */
bool eg_pelt_update_nr_slow(struct eg_pelt *p, uint64_t now, bool running, uint32_t nr_runnable,
			    uint32_t cpu_scale, uint32_t freq_scale);
/* The same with nr_runnable entities runnable (a CPU counts its enqueued
 * tasks, as cfs_rq's h_nr_running). Time accrues in 1024-ns units, so less
 * than one since the last update (time going back included) changes
 * nothing: that is most calls (a CPU brought up to an instant it is already
 * at), answered here without a call. */
static inline bool eg_pelt_update_nr(struct eg_pelt *p, uint64_t now, bool running,
				     uint32_t nr_runnable, uint32_t cpu_scale, uint32_t freq_scale)
{
	if (now <= p->last_update_ns || now - p->last_update_ns < 1024)
		return false;
	return eg_pelt_update_nr_slow(p, now, running, nr_runnable, cpu_scale, freq_scale);
}
/* y^n * val, with y^32 = 0.5, as the kernel's decay_load(). */
uint64_t eg_pelt_decay(uint64_t val, uint64_t n);
/* Empty averages whose time base starts at now. */
void eg_pelt_reset(struct eg_pelt *p, uint64_t now);

/* What the sums are divided by for the averages (get_pelt_divider()). */
static inline uint32_t eg_pelt_divider(const struct eg_pelt *p)
{
	return EG_PELT_MIN_DIVIDER + p->period_contrib;
}

/* Add run_ns of running that a window of window_ns missed, spread evenly
 * over that window (and as runnable too when runnable). */
void eg_pelt_add_missed(struct eg_pelt *p, uint64_t run_ns, uint64_t window_ns, uint32_t cpu_scale,
			uint32_t freq_scale, bool runnable);
/* p counted [start, end) as not running: that time was run. */
void eg_pelt_backdate_run(struct eg_pelt *p, uint64_t start, uint64_t end, uint32_t cs, uint32_t fs,
			  bool runnable);
