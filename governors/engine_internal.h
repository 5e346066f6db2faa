/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The engine's state, shared by its own files only (engine.c: events,
 * frequency and thermal; engine_tasks.c: what the engine does per task:
 * boosts, clamp hints, resume-latency limits). Not for callers. */
#pragma once

#include "engine.h"
#include "idle_qos.h"

#define EG_MAX_BOOSTS 32

struct engine_pd {
	const struct eg_pd *pd;
	const struct eg_freq_policy_ops *ops;
	void *state;
	uint32_t cur_khz;	   /* as the platform last reported it */
	uint32_t req_khz;	   /* last SET_FREQ we emitted, 0 = none yet */
	uint32_t min_khz, max_khz; /* platform limits */
	uint32_t profile_cap_khz;  /* from max_freq_pct, 0 = none */
	uint32_t cap_khz;	   /* effective cap last emitted, 0 = none */
	bool limits_changed;
	uint64_t next_timer;
};

struct engine_zone {
	const struct eg_zone *zone;
	const struct eg_thermal_policy_ops *ops;
	void *state;
	bool have_temp;
	int last_temp_mc;
	uint64_t last_ts;
	uint64_t busy_prev[EG_MAX_CPUS];
	uint32_t cap_khz[EG_MAX_PDS];
};

struct engine_boost {
	int32_t pid;
	uint64_t until;
};

struct eg_engine {
	const struct eg_model *m;
	struct eg_engine_config cfg; /* policy pointers; tunables stay the caller's */
	struct eg_signals sig;
	struct engine_pd pd[EG_MAX_PDS];
	struct engine_zone zone[EG_MAX_ZONES];
	void *idle_state[EG_MAX_CPUS];
	struct eg_freq_cpu fcpu[EG_MAX_CPUS];
	struct engine_boost boost[EG_MAX_BOOSTS];
	bool idle_qos;	       /* some domain's policy asks for it */
	struct eg_idle_qos iq; /* resume-latency limits, fixed and predicted */
	uint32_t util_threshold;
	uint32_t util_floor;
};

/* Append a decision to out (overflow noted, never lost silently). */
void engine_emit(struct eg_decisions *out, uint64_t ts, enum eg_decision_type type, unsigned flags,
		 enum eg_reason reason, int target, uint32_t value);

/* Boosts (eagovctl boost, app hints): pid boosted until until. */
bool engine_task_boosted(struct eg_engine *e, int32_t pid, uint64_t now);
void engine_add_boost(struct eg_engine *e, int32_t pid, uint64_t until);

/* cpu's resume-latency limit, sent when it changes. */
void engine_idle_latency(struct eg_engine *e, int cpu, uint64_t now, struct eg_decisions *out);
/* The latency-sensitive task a switch puts to sleep, or NULL. */
const struct eg_task *engine_idle_qos_sleeper(struct eg_engine *e, const struct eg_event *ev);
/* Ask cpu's policy for pid's clamp at its wakeup; send it when it moved. */
void engine_task_hint(struct eg_engine *e, int cpu, int32_t pid, uint64_t now,
		      struct eg_decisions *out);
