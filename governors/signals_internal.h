/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Inside the signals module only (signals.c, signals_rq.c, signals_repair.c):
 * the per-CPU and per-task operations events are built from. Callers hold
 * a reserved task table (see eg_task_table_reserve), so no task moves. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "signals.h"

static inline bool sig_prio_is_rt(int prio)
{
	/* DL (-1) counts with RT: both bypass CFS util and ask for max. */
	return prio < 100;
}

static inline bool sig_cpu_ok(const struct eg_signals *s, int cpu)
{
	return cpu >= 0 && cpu < EG_MAX_CPUS && cpu < s->model->nr_cpus &&
	       s->model->cpu_pd[cpu] >= 0;
}

static inline uint32_t sig_cpu_scale(const struct eg_signals *s, int cpu)
{
	return sig_cpu_ok(s, cpu) ? s->model->cpu_cap[cpu] : EG_CAPACITY_SCALE;
}

static inline uint32_t sig_freq_scale(const struct eg_signals *s, int cpu)
{
	return sig_cpu_ok(s, cpu) ? s->freq_scale[s->model->cpu_pd[cpu]] : EG_CAPACITY_SCALE;
}

/* Bring a task's average up to now in the state it had. */
void sig_task_sync(struct eg_signals *s, struct eg_task *t, uint64_t now);
/* Bring a CPU's averages, busy time and its current task up to now with the
 * state it had since the last update. */
void sig_cpu_advance(struct eg_signals *s, int cpu, uint64_t now);
/* The same, unless busy samples drive the CPU. */
void sig_cpu_sync(struct eg_signals *s, int cpu, uint64_t now);
void sig_cpu_uclamp_reset(struct eg_cpu_signals *c);

/* Take t (runnable or running) out of its CPU's run-queue figures. */
void sig_rq_del(struct eg_signals *s, struct eg_task *t);
/* t's util leaves its CPU's CFS sums. */
void sig_cfs_detach(struct eg_signals *s, struct eg_task *t);
void sig_task_move(struct eg_signals *s, struct eg_task *t, int dest, uint64_t now);
/* SLEEPING -> RUNNABLE on t->cpu. */
void sig_task_enqueue(struct eg_signals *s, struct eg_task *t, uint64_t now);
/* RUNNABLE / RUNNING -> SLEEPING; sleep: a real block (util_est learns). */
void sig_task_dequeue(struct eg_signals *s, struct eg_task *t, uint64_t now, bool sleep);
void sig_task_set_prio(struct eg_signals *s, struct eg_task *t, int prio, uint64_t now);
void sig_task_set_uclamp(struct eg_signals *s, struct eg_task *t, uint32_t min, uint32_t max);
/* A forked CFS task's initial util. */
void sig_task_init_new(struct eg_signals *s, struct eg_task *t, uint64_t now);
/* Find pid or start tracking it (sleeping, on cpu); NULL if the table is full. */
struct eg_task *sig_task_get(struct eg_signals *s, int32_t pid, int prio, int cpu, uint64_t now,
			     bool *created);

/* A switch whose prev is not the CPU's recorded current task: repair what
 * the switch proves was lost before applying it. */
void sig_switch_resync(struct eg_signals *s, int cpu, int32_t prev, uint64_t now);
/* Take every task our record still has queued or running on cpu off it. */
void sig_forget_cpu_tasks(struct eg_signals *s, int cpu, uint64_t now);
