/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Utilization signals, computed the way the kernel's PELT does: per-task and
 * per-CPU running/runnable averages with frequency and CPU invariance,
 * util_est, and per-CPU busy time for the load-based governors. Fed with
 * scheduler events; pure (no clock, no I/O). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "event.h"
#include "model.h"
#include "pelt.h"
#include "task_table.h"

#define EG_UTIL_EST_MARGIN (EG_CAPACITY_SCALE / 100)

struct eg_cpu_signals {
	bool online;
	int32_t curr_pid; /* running now; 0 = idle */
	int16_t curr_prio;
	struct eg_pelt cfs;  /* CPU running CFS tasks */
	struct eg_pelt rt;   /* CPU running RT tasks */
	uint32_t util_est;   /* sum of enqueued CFS tasks' util_est */
	uint32_t nr_running; /* enqueued tasks, running one included */
	uint32_t nr_rt_running;
	uint64_t busy_ns;		 /* cumulative non-idle time */
	uint64_t last_ns;		 /* time busy_ns was brought up to */
	uint64_t idle_calls;		 /* times the CPU went idle (busy-CPU hold) */
	uint64_t idle_since;		 /* time of the last switch to idle */
	bool iowait_pending;		 /* an iowait wakeup since the policy last looked */
	uint32_t uclamp_min, uclamp_max; /* max over runnable tasks */
	/* Fed by busy samples of a source without switches (bpf, poll): what
	 * the CPU did between two samples is unknown until the next one, so
	 * only samples advance its averages. */
	bool sampled;
	uint32_t nr_uclamped; /* enqueued tasks with a non-default clamp */
	/* Enqueued RT tasks: the capacity the periodic ones need to finish
	 * each activation within its period (sum of work / period), and how
	 * many have no such history yet. */
	uint32_t rt_demand;
	uint32_t nr_rt_unknown;
	/* Of those RT tasks with a history: the largest work per activation
	 * and the shortest wakeup latency (the pair asking the most of a
	 * response-time bound). */
	uint64_t rt_work_ns;
	uint64_t rt_lat_ns;
	/* The same for enqueued CFS tasks. */
	uint32_t cfs_demand;
	uint32_t nr_cfs_unknown;
	/* The CPU and its task as the last switch into a task left them. A
	 * later switch out of idle that finds that task still current in our
	 * record proves its switch out lost, at an unknown time since: the
	 * time since is taken back and counted idle (the least the stream
	 * proves busy; a source that reconciles adds the rest). */
	struct {
		uint64_t ts;
		int32_t pid;
		struct eg_pelt cfs, rt, task_avg;
		uint64_t busy_ns, task_runtime_ns;
	} at_switch;
};

struct eg_signals {
	const struct eg_model *model;
	struct eg_cpu_signals cpu[EG_MAX_CPUS];
	uint32_t freq_scale[EG_MAX_PDS]; /* cur / max frequency, 0..1024 */
	struct eg_task_table tasks;
};

int eg_signals_init(struct eg_signals *s, const struct eg_model *m, uint64_t now);
void eg_signals_destroy(struct eg_signals *s);
/* Feed one event (sched events, busy samples, hot-plug, frequency changes).
 * Returns 0, or -ENOMEM when the task table cannot grow. */
int eg_signals_event(struct eg_signals *s, const struct eg_event *ev);
/* The domain now runs at khz: averages are brought up to now at the old
 * frequency first. */
void eg_signals_set_freq(struct eg_signals *s, int pd, uint32_t khz, uint64_t now);
/* Bring a CPU's averages and busy time up to now without a state change. */
void eg_signals_sync_cpu(struct eg_signals *s, int cpu, uint64_t now);

/* What schedutil reads: max(util_avg, runnable_avg, util_est) of CFS, plus
 * RT util, capped at the CPU's capacity. */
uint32_t eg_signals_cpu_util(const struct eg_signals *s, int cpu);
/* An RT (or DL) task is running or runnable on cpu. */
bool eg_signals_rt_runnable(const struct eg_signals *s, int cpu);
const struct eg_task *eg_signals_task(const struct eg_signals *s, int32_t pid);
/* Per CPU, the capacity (0..1024 each) its periodic tasks need to finish
 * each activation within its period (work / period), queued or asleep: a
 * task counts on the CPU it last ran or queued on while it is queued or its
 * last wakeup is at most two periods old. RT and DL tasks add to rt[cpu], the others to
 * cfs[cpu]; both arrays (model->nr_cpus entries) are overwritten. Unlike
 * the per-CPU rt_demand, which only counts queued tasks, this holds between
 * activations, for a caller that samples now and then. */
void eg_signals_periodic_demand(const struct eg_signals *s, uint64_t now, uint32_t *rt,
				uint32_t *cfs);
/* A known task's clamp changed (sched_setattr) now, not at its next switch
 * in: its CPU's aggregate follows at once if it is queued. max 0 reads as
 * no cap, as in a switch event. 0, or -ENOENT for a task not tracked (its
 * first switch will carry the clamp). */
int eg_signals_set_task_uclamp(struct eg_signals *s, int32_t pid, uint32_t min, uint32_t max);
