/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Predictive resume-latency limits: per CPU, the latency-sensitive tasks that
 * sleep there with a periodic history and when each is due to wake. When a
 * CPU goes idle with such a wakeup due sooner than a deep state's target
 * residency, it is limited to the states that pay for that sleep; otherwise
 * the idle governor chooses freely. Pure: the engine feeds it and emits. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "event.h"
#include "model.h"
#include "signals.h"
#include "task_activity.h"

#define EG_IDLE_QOS_SLOTS 4

struct eg_idle_qos_cpu {
	int32_t pid[EG_IDLE_QOS_SLOTS]; /* 0 = free */
	uint64_t due[EG_IDLE_QOS_SLOTS];
	uint64_t period[EG_IDLE_QOS_SLOTS];
	uint32_t pct;	  /* its domain's policy's break-even scale; 0 = off */
	uint32_t want_us; /* the prediction's limit; 0 = none */
	bool rt_set;	  /* the fixed RT limit (rt_idle_latency_us) holds */
	uint32_t sent_us; /* the IDLE_LATENCY value last emitted; 0 = none */
};

struct eg_idle_qos {
	const struct eg_model *m;
	int nr_cpus; /* CPUs 0..nr_cpus-1 are looked at */
	struct eg_idle_qos_cpu cpu[EG_MAX_CPUS];
};

/* Nothing predicted, every CPU off (pct 0) until the caller sets it. */
void eg_idle_qos_init(struct eg_idle_qos *q, const struct eg_model *m);
/* A switch (fed to the signals already): sleeper, the task it put to
 * sleep if its wakeup is latency-sensitive (else NULL), leaves its
 * prediction; a CPU that goes idle gets the limit its soonest predicted
 * wakeup asks for (want_us), until it next goes idle. */
void eg_idle_qos_switch(struct eg_idle_qos *q, const struct eg_event *ev,
			const struct eg_task *sleeper);
/* pid woke onto cpu: its prediction is spent. If an idle CPU other than
 * cpu held it, that CPU's limit is worked out again from what it still
 * waits for, and it is returned; else -1. */
int eg_idle_qos_wakeup(struct eg_idle_qos *q, const struct eg_signals *sig, int32_t pid, int cpu,
		       uint64_t now);
/* The CPU went offline: no limit held or sent (the next one is sent
 * afresh). */
void eg_idle_qos_offline(struct eg_idle_qos *q, int cpu);
/* A latency-sensitive task with activity a went to sleep on cpu at now: it
 * is expected back one period after its last wakeup (a task with no
 * periodic history is forgotten instead). */
void eg_idle_qos_sleep(struct eg_idle_qos *q, int cpu, int32_t pid,
		       const struct eg_task_activity *a, uint64_t now);
/* The task woke or exited: its prediction is spent. Returns the CPU that
 * held it, or -1. */
int eg_idle_qos_forget(struct eg_idle_qos *q, int32_t pid);
/* The earliest predicted wakeup on cpu, or UINT64_MAX. A task late by more
 * than half its period is dropped (it is not as periodic as it seemed). */
uint64_t eg_idle_qos_next_due(struct eg_idle_qos *q, int cpu, uint64_t now);
/* The resume-latency limit (us) for a CPU of pd idle until_ns before a
 * latency-sensitive wakeup: 0 (none) when the domain's deepest state
 * breaks even by then (its target residency x pct / 100 <= until_ns),
 * else the largest exit latency among the CPU and cluster states that do,
 * at least 1. */
uint32_t eg_idle_qos_limit_us(const struct eg_pd *pd, uint64_t until_ns, uint32_t pct);
/* The value the CPU's resume-latency limit should have: the smaller of the
 * prediction's and rt_us while rt_set (0 = none). True, with *value, when
 * it differs from what was last sent (which it then becomes). */
bool eg_idle_qos_update(struct eg_idle_qos_cpu *c, uint32_t rt_us, uint32_t *value);
