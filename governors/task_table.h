/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The tasks the signals track, and the table that holds them by pid. A
 * table grows only in eg_task_table_reserve(); pointers into it stay valid
 * until the next reserve. */
#pragma once

#include <stdint.h>

#include "pelt.h"
#include "task_activity.h"

enum eg_task_state {
	EG_TASK_SLEEPING = 0,
	EG_TASK_RUNNABLE, /* enqueued, waiting */
	EG_TASK_RUNNING,
};

struct eg_task {
	int32_t pid; /* 0 = free slot */
	int16_t prio;
	int16_t cpu;
	uint8_t state; /* enum eg_task_state */
	struct eg_pelt avg;
	uint32_t util_est_ewma;
	uint32_t util_est_enqueued;  /* util_avg at the last dequeue */
	uint32_t util_min, util_max; /* uclamp, 0 / 1024 when unset */
	uint64_t boost_until;	     /* latency boost (eagovctl boost) */
	uint64_t runtime_ns;	     /* total time running */
	uint64_t enqueued_ns;	     /* when it last became runnable on its CPU */
	struct eg_task_activity act; /* period, work and response per activation */
	uint32_t clamp_hint;	     /* eg_uclamp_pack() last asked for it; 0 = none */
};

struct eg_task_table {
	struct eg_task *slots;
	uint32_t cap; /* power of two */
	uint32_t used;
};

/* An empty table of cap slots (a power of two); -ENOMEM. */
int eg_task_table_init(struct eg_task_table *tt, uint32_t cap);
void eg_task_table_free(struct eg_task_table *tt);
/* The task with pid, or NULL (also for pid <= 0). */
struct eg_task *eg_task_table_find(const struct eg_task_table *tt, int32_t pid);
/* Copy t (whose pid is not present) into a table that has room. */
struct eg_task *eg_task_table_place(struct eg_task_table *tt, const struct eg_task *t);
/* Make room for n more tasks; -ENOMEM. */
int eg_task_table_reserve(struct eg_task_table *tt, uint32_t n);
void eg_task_table_remove(struct eg_task_table *tt, struct eg_task *t);
