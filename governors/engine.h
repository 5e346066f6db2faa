/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The engine: the one place that turns events into decisions. It keeps the
 * utilization signals, one frequency policy per performance domain, an idle
 * policy per CPU and a thermal policy per zone, calls each when it is due,
 * bounds frequency choices by the thermal and profile caps, and returns
 * decisions. Pure: the caller supplies time (in events) and applies results. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "event.h"
#include "model.h"
#include "policy.h"
#include "signals.h"

/* Which policy runs where, with their parsed tunables (owned by the config). */
struct eg_engine_config {
	const struct eg_freq_policy_ops *freq[EG_MAX_PDS];
	void *freq_tun[EG_MAX_PDS];
	const struct eg_idle_policy_ops *idle;
	void *idle_tun;
	const struct eg_thermal_policy_ops *thermal[EG_MAX_ZONES];
	void *thermal_tun[EG_MAX_ZONES];
	/* Fast ramp: an RT (or boosted) task waking on a CPU sends its domain
	 * to the highest allowed frequency at once, past any rate limit. */
	bool fast_ramp;
	/* Resume-latency limit asked for a CPU while an RT task is runnable
	 * on it (0 = leave idle states alone). */
	uint32_t rt_idle_latency_us;
	/* Profile cap on every domain, percent of its max frequency (100 = none). */
	uint32_t max_freq_pct;
};

void eg_engine_config_free(struct eg_engine_config *cfg);
/* Run ops on domain pd with its default tunables, replacing whatever policy
 * and tunables the domain had (freed). -EINVAL for a bad pd or no ops,
 * -ENOMEM (cfg unchanged). The one way to swap a domain's frequency
 * policy: the daemon's governor override and the bench's columns use it. */
int eg_engine_config_set_freq(struct eg_engine_config *cfg, int pd,
			      const struct eg_freq_policy_ops *ops);
/* A configuration with the named policies and their default tunables on
 * every domain / zone (thermal may be NULL for none). For tools and tests. */
int eg_engine_config_simple(struct eg_engine_config *cfg, const struct eg_model *m,
			    const char *freq, const char *idle, const char *thermal);

#define EG_MAX_DECISIONS 128

struct eg_decisions {
	int n;
	bool overflow; /* more decisions than fit: the oldest are kept */
	struct eg_decision d[EG_MAX_DECISIONS];
};

/* What the engine knows of a domain, for status displays and traces. */
struct eg_pd_status {
	uint32_t cur_khz;	   /* last reported or applied */
	uint32_t req_khz;	   /* last requested by the policy */
	uint32_t min_khz, max_khz; /* platform limits */
	uint32_t cap_khz;	   /* effective cap (thermal and profile), 0 = none */
	uint32_t util_max;	   /* max util over the domain's online CPUs */
	uint32_t nr_online;
};

struct eg_engine;

int eg_engine_new(struct eg_engine **out, const struct eg_model *m,
		  const struct eg_engine_config *cfg, uint64_t now);
void eg_engine_free(struct eg_engine *e);

/* Tell the engine what the platform found: a domain's current frequency and
 * limits. Call once per domain before the first event. */
void eg_engine_set_domain_state(struct eg_engine *e, int pd, uint32_t cur_khz, uint32_t min_khz,
				uint32_t max_khz);

/* Emit the decisions that follow from the configuration alone (profile caps,
 * idle settings) before any event. Call once after set_domain_state. */
int eg_engine_start(struct eg_engine *e, uint64_t now, struct eg_decisions *out);

/* Feed an event; decisions are appended to *out (which the caller empties).
 * EG_EV_TICK at or after eg_engine_next_timer() runs the sampling policies.
 * Returns 0 or -errno. */
int eg_engine_event(struct eg_engine *e, const struct eg_event *ev, struct eg_decisions *out);

/* The earliest time a policy wants to run without an event, or EG_NEVER. */
uint64_t eg_engine_next_timer(const struct eg_engine *e);

/* The change of a CPU's utilization (0..1024) that the active frequency
 * policies care about: half the smallest step between two OPPs of any
 * domain in util terms (a step of f kHz is f / max_khz x capacity / 1.25
 * for schedutil-like policies, or what the policy's util_delta says), at
 * least 1. An event source may hold back smaller changes of a CPU's load,
 * so the engine's view lags by less than half a step. 1024 when no policy
 * updates on utilization (sampling policies read the busy time at their
 * timer). Fixed for the engine's lifetime. */
uint32_t eg_engine_util_threshold(const struct eg_engine *e);
/* The util (0..1024) under which no change matters: every event-driven
 * policy picks its domain's lowest OPP for any util below it (the lowest
 * OPP's share of the top one, x capacity, over the kernel's 125 %
 * headroom; the smallest over the domains). 0 when some policy may answer
 * a change below any such level; 1024 when none reads util. Fixed for the
 * engine's lifetime. */
uint32_t eg_engine_util_floor(const struct eg_engine *e);
/* The util (0..1024) of cpu when fully busy, as the engine's signals count
 * it now: its capacity at its domain's current frequency as the engine
 * knows it, cap x min(cur, max) / max (a single-OPP domain is at its top,
 * and so is one whose frequency was never reported). What turns a busy
 * fraction into util, so that a source that measures busy time compares
 * like with like against the threshold and floor; it moves with the
 * frequency. 0 for a CPU outside the model. */
uint32_t eg_engine_cpu_util_scale(const struct eg_engine *e, int cpu);

/* Sampling interval wanted for a zone's temperature (passive interval while
 * mitigating, polling otherwise). */
uint64_t eg_engine_thermal_interval(const struct eg_engine *e, int zone);

/* Idle-state selection for a simulated CPU, and feedback after wakeup. */
int eg_engine_idle_select(struct eg_engine *e, int cpu, uint64_t now, uint64_t next_timer_ns,
			  uint32_t latency_req_us);
void eg_engine_idle_reflect(struct eg_engine *e, int cpu, int idx, uint64_t measured_ns);

void eg_engine_pd_status(const struct eg_engine *e, int pd, struct eg_pd_status *st);
const struct eg_signals *eg_engine_signals(const struct eg_engine *e);
const struct eg_model *eg_engine_model(const struct eg_engine *e);
