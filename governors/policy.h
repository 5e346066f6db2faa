/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The policy interface: frequency, idle and thermal policies are ops tables
 * with their own state. The engine builds an input snapshot, a policy returns
 * a choice; no policy does I/O, reads a clock or keeps global state. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "event.h"
#include "model.h"
#include "task_activity.h"
#include "tunables.h"
#include "util.h"

/* --- frequency policies (one instance per performance domain) --- */

/* Per-CPU view a frequency policy gets, filled by the engine from the
 * signals module (or by a test, by hand). */
struct eg_freq_cpu {
	bool online;
	uint32_t util;	  /* schedutil's util: max(cfs avg, runnable, util_est) + rt, <= cap */
	uint32_t cap;	  /* the CPU's max capacity */
	bool rt_runnable; /* an RT/DL task is running or runnable */
	bool iowait;	  /* an iowait wakeup since the policy last looked */
	uint32_t uclamp_min, uclamp_max; /* rq-level clamp, 0 / 1024 when unset */
	uint64_t busy_ns;    /* cumulative non-idle time (load-based policies diff it) */
	uint64_t idle_calls; /* cumulative entries to idle (busy-CPU hold) */
	bool idle;	     /* nothing runs on it now */
	/* Enqueued RT tasks with a periodic history: the capacity they need to
	 * finish each activation within its period; and how many enqueued RT
	 * tasks have no such history. */
	uint32_t rt_demand;
	uint32_t nr_rt_unknown;
	uint64_t rt_work_ns; /* largest work per activation of those, ns at 1024 */
	uint64_t rt_lat_ns;  /* their shortest wakeup-to-run latency */
	/* The same for enqueued CFS tasks. */
	uint32_t cfs_demand;
	uint32_t nr_cfs_unknown;
};

/* What a frequency policy sees when asked. */
struct eg_freq_input {
	uint64_t now;
	const struct eg_pd *pd;
	const struct eg_freq_cpu *cpu; /* indexed by CPU id; only the domain's CPUs are valid */
	uint32_t cur_khz;	       /* the domain's current frequency */
	uint32_t min_khz, max_khz;     /* policy limits, caps (thermal, profile) applied */
	bool limits_changed;	       /* since the last call: bypass the rate limit */
	enum eg_reason reason;
	int trigger_cpu; /* the CPU whose update caused the call, -1 for timers */
};

struct eg_freq_output {
	uint32_t khz; /* the frequency to run at, one of the domain's OPPs */
	bool urgent;  /* this change bypassed a rate limit (fast ramp) */
};

/* cpufreq_policy_transition_delay_us() as of 6.11: the least time between two
 * frequency changes a domain wants: the driver's delay, else 1.5 x the
 * transition latency (room for the change to settle), else 1 ms. schedutil's
 * rate limit and the sampling policies' period both start from it. */
static inline uint32_t eg_freq_transition_delay_us(const struct eg_pd *pd)
{
	uint32_t lat_us = pd->transition_latency_ns / (uint32_t)NSEC_PER_USEC;

	if (pd->transition_delay_us)
		return pd->transition_delay_us;
	if (lat_us)
		return lat_us + lat_us / 2;
	return 1000;
}

/* The smallest step between two neighbouring OPPs of pd, kHz; 0 when it has
 * fewer than two. */
static inline uint64_t eg_freq_min_step_khz(const struct eg_pd *pd)
{
	uint64_t step = UINT64_MAX;

	for (int k = 1; k < pd->nr_opps; k++)
		step = EG_MIN(step, (uint64_t)(pd->opps[k].khz - pd->opps[k - 1].khz));
	return step == UINT64_MAX ? 0 : step;
}

/* The util_delta of a policy that asks for util x headroom_pct / 100 of
 * capacity (see eg_freq_policy_ops): one OPP step over the top frequency,
 * shrunk by the headroom; above 1024 when there is no step. */
static inline uint32_t eg_freq_util_delta_at(const struct eg_pd *pd, uint32_t headroom_pct)
{
	uint64_t step = eg_freq_min_step_khz(pd), fmax = eg_pd_max_khz(pd);

	if (!step || !fmax || !headroom_pct)
		return 2 * EG_CAPACITY_SCALE;
	return (uint32_t)(step * EG_CAPACITY_SCALE * 100 / (fmax * headroom_pct));
}

/* The util_floor of such a policy: the util that asks exactly for the
 * lowest OPP, fmin / fmax x 1024 / headroom, in util_delta steps. */
static inline uint32_t eg_freq_util_floor_at(const struct eg_pd *pd, uint32_t headroom_pct)
{
	uint64_t step = eg_freq_min_step_khz(pd);
	uint64_t f = step ? (uint64_t)eg_freq_util_delta_at(pd, headroom_pct) * eg_pd_min_khz(pd) /
				     step :
			    0;

	return (uint32_t)EG_MIN(f, (uint64_t)UINT32_MAX);
}

/* The hardware's frequency range (cpufreq's cpuinfo_min/max_freq), which a
 * boost frequency can take past the top OPP; the OPP table's when unknown. */
static inline uint32_t eg_freq_cpuinfo_min_khz(const struct eg_pd *pd)
{
	return pd->cpuinfo_min_khz ? pd->cpuinfo_min_khz : eg_pd_min_khz(pd);
}

static inline uint32_t eg_freq_cpuinfo_max_khz(const struct eg_pd *pd)
{
	return pd->cpuinfo_max_khz ? pd->cpuinfo_max_khz : eg_pd_max_khz(pd);
}

struct eg_freq_policy_ops {
	const char *name;
	const char *summary;
	const struct eg_tunable *tunables; /* EG_TUNABLE_END terminated */
	size_t tunables_size;
	/* Called on every utilization update of a CPU in the domain (schedutil
	 * style) when true; sampling policies say false and use next_timer. */
	bool on_util_update;
	/* The policy answers RT and boosted wakeups itself (reason
	 * EG_REASON_RT, urgent past its own rate limit), so the engine's fast
	 * ramp to the top frequency leaves its domain alone. */
	bool handles_rt;
	int (*init)(void **state, const struct eg_pd *pd, const void *tunables);
	void (*exit)(void *state);
	/* Returns 1 with *out filled when the policy wants a frequency (it may
	 * equal the current one), 0 when it has nothing to say, -errno on error. */
	int (*update)(void *state, const struct eg_freq_input *in, struct eg_freq_output *out);
	/* The next time the policy wants update() called without an event, or
	 * EG_NEVER; a time already past (0 included) asks for a call at once. */
	uint64_t (*next_timer)(const void *state);
	/* Optional: the utilization clamp (uclamp_min, uclamp_max, 0..1024)
	 * the policy wants a waking task to carry, from what the task did in
	 * its recent activations; false to leave the task's clamp alone. The
	 * engine turns a changed answer into EG_DEC_TASK_UCLAMP. */
	bool (*task_clamp)(const void *state, const struct eg_task_activity *act, int prio,
			   uint32_t *min, uint32_t *max);
	/* Optional, for on_util_update policies: the smallest change of a
	 * CPU's util that can move the policy's answer by one OPP, in units of
	 * the domain's own capacity (1024 = its biggest CPU busy at its top
	 * OPP; above 1024: no change of util matters). Left NULL, the engine
	 * derives it from the OPP spacing at the kernel's 125 % headroom (see
	 * eg_engine_util_threshold). */
	uint32_t (*util_delta)(const void *state, const struct eg_pd *pd);
	/* Optional, with util_delta: the util (same units) under which the
	 * policy keeps the domain at its lowest OPP. Left NULL by a policy
	 * with util_delta, any util may matter (floor 0). */
	uint32_t (*util_floor)(const void *state, const struct eg_pd *pd);
};

/* --- idle policies (one instance per CPU; the simulator's cpuidle) --- */

struct eg_idle_input {
	uint64_t now;
	const struct eg_pd *pd;
	int cpu;
	uint64_t next_timer_ns;	 /* time until the next timer event on this CPU */
	uint32_t latency_req_us; /* resume latency limit, UINT32_MAX = none */
	uint32_t disabled_mask;	 /* bit k set: CPU state k is disabled */
};

/* Whether CPU idle state i is disabled for this selection. */
static inline bool eg_idle_state_disabled(const struct eg_idle_input *in, int i)
{
	return i < 32 && (in->disabled_mask >> i) & 1;
}

/* Target residency of CPU idle state i of pd, in ns. */
static inline uint64_t eg_idle_residency_ns(const struct eg_pd *pd, int i)
{
	return (uint64_t)pd->cpu_idle[i].residency_us * NSEC_PER_USEC;
}

struct eg_idle_policy_ops {
	const char *name;
	const char *summary;
	const struct eg_tunable *tunables;
	size_t tunables_size;
	int (*init)(void **state, const struct eg_pd *pd, int cpu, const void *tunables);
	void (*exit)(void *state);
	/* Pick a CPU idle state index (into pd->cpu_idle). */
	int (*select)(void *state, const struct eg_idle_input *in);
	/* After wakeup: the state that was entered and how long the CPU
	 * actually stayed idle. */
	void (*reflect)(void *state, int idx, uint64_t measured_ns);
};

/* --- thermal policies (one instance per zone) --- */

struct eg_thermal_pd_input {
	uint32_t cur_khz;
	uint32_t load_pct_sum; /* sum over the domain's CPUs of busy %, 0..100*n */
	uint32_t cap_khz;      /* cap in force */
};

struct eg_thermal_input {
	uint64_t now;
	const struct eg_model *model;
	const struct eg_zone *zone;
	int temp_mc;
	int last_temp_mc; /* previous sample, for trends */
	struct eg_thermal_pd_input pd[EG_MAX_PDS];
};

struct eg_thermal_output {
	/* Cap for each domain the zone cools (index = pd id); 0 = no cap. */
	uint32_t cap_khz[EG_MAX_PDS];
};

/* The interval a zone wants sampling at: the passive one while its policy
 * mitigates (when the zone has one), else the polling one; a zone without
 * polling is interrupt-driven and needs no timer. */
static inline uint64_t eg_thermal_interval_ns(uint32_t polling_ms, uint32_t passive_ms,
					      bool mitigating)
{
	uint32_t ms = mitigating && passive_ms ? passive_ms : polling_ms;

	return ms ? ms * NSEC_PER_MSEC : EG_NEVER;
}

struct eg_thermal_policy_ops {
	const char *name;
	const char *summary;
	const struct eg_tunable *tunables;
	size_t tunables_size;
	int (*init)(void **state, const struct eg_model *m, const struct eg_zone *z,
		    const void *tunables);
	void (*exit)(void *state);
	int (*update)(void *state, const struct eg_thermal_input *in,
		      struct eg_thermal_output *out);
	/* Sampling interval the policy wants now (passive when mitigating). */
	uint64_t (*interval_ns)(const void *state);
};

/* What change of util matters to a domain's frequency policy ops (state:
 * its instance), in the domain's capacity units (cap: its biggest CPU's):
 * half the util step that moves its answer by one OPP, and the util under
 * which it stays at the lowest OPP; 1024 when none does. A policy without
 * util_delta is taken to be the kernel's util x 1.25 (util_matters.c). */
uint32_t eg_policy_util_threshold(const struct eg_freq_policy_ops *ops, const void *state,
				  const struct eg_pd *pd, uint32_t cap);
uint32_t eg_policy_util_floor(const struct eg_freq_policy_ops *ops, const void *state,
			      const struct eg_pd *pd, uint32_t cap);

/* The registries: every policy that ships, looked up by name. */
const struct eg_freq_policy_ops *eg_freq_policy_find(const char *name);
const struct eg_idle_policy_ops *eg_idle_policy_find(const char *name);
const struct eg_thermal_policy_ops *eg_thermal_policy_find(const char *name);
/* NULL-terminated lists, for --help, the benchmark's "every governor". */
extern const struct eg_freq_policy_ops *const eg_freq_policies[];
extern const struct eg_idle_policy_ops *const eg_idle_policies[];
extern const struct eg_thermal_policy_ops *const eg_thermal_policies[];
