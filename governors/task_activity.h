/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What a task has done recently, activation by activation: how often it
 * wakes, how much work each activation does (capacity-invariant) and how long
 * it takes to finish. Energy-aware policies use it to serve a periodic task
 * just in time instead of by a fixed utilization headroom. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* Work is counted in ns of running at capacity 1024 at the top frequency,
 * so the same activation costs the same work on any CPU and OPP. */
struct eg_task_activity {
	uint64_t work_ns;	 /* total work done so far */
	uint64_t wake_ns;	 /* start of the current (or last) activation; 0 = none yet */
	uint64_t wake_work_ns;	 /* work_ns at that wakeup */
	uint64_t period_ns;	 /* moving average of the time between wakeups */
	uint64_t period_dev_ns;	 /* moving mean absolute deviation of that time */
	uint64_t act_work_ns;	 /* work per activation: fast up, slow down */
	uint64_t act_resp_ns;	 /* wakeup to sleep, moving average */
	uint64_t act_lat_ns;	 /* wakeup to first run, moving average */
	bool ran;		 /* it has run since its last wakeup */
	uint32_t nr_activations; /* completed, saturating */
	uint32_t rq_need;	 /* capacity counted into its CPU's need while queued */
};

/* A history this long makes an estimate worth acting on. */
#define EG_TASK_ACTIVITY_MIN 4U

/* Running for delta_ns at CPU capacity cap (0..1024) and frequency scale
 * freq (0..1024). */
void eg_task_activity_run(struct eg_task_activity *a, uint64_t delta_ns, uint32_t cap,
			  uint32_t freq);
/* The task woke (a new activation starts) / went to sleep (it ended). */
void eg_task_activity_wake(struct eg_task_activity *a, uint64_t now);
void eg_task_activity_sleep(struct eg_task_activity *a, uint64_t now);
/* It starts running (the first run after a wakeup measures its latency). */
void eg_task_activity_run_start(struct eg_task_activity *a, uint64_t now);
/* It wakes at a steady period: enough activations, and a period whose mean
 * deviation is under a quarter of it. */
bool eg_task_activity_periodic(const struct eg_task_activity *a);
/* The capacity (0..1024) that finishes an activation's work within
 * fill_pct % of the period; 0 when the task is not known to be periodic. */
uint32_t eg_task_activity_need(const struct eg_task_activity *a, uint32_t fill_pct);
/* The capacity (0..1024) that keeps an activation's response time (wakeup
 * latency plus run) within stretch_pct % more than it would be on a CPU of
 * capacity cap_max at its top OPP: the run may take (1 + s) x work / cap_max
 * + s x latency. 0 when the task has no history. */
uint32_t eg_task_activity_stretch_need(uint64_t work_ns, uint64_t lat_ns, uint32_t stretch_pct,
				       uint32_t cap_max);
