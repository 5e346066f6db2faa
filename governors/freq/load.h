/* Load sampling for the sampling governors (ondemand, conservative, interactive): busy % of each
 * CPU over the window since the last sample, from cumulative busy ns, and the domain's load as
 * the max over its online CPUs; plus table resolution with cpufreq's L / H / C relations.
 * Header-only and pure: the state lives in the governor's own struct. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "policy.h"
#include "util.h"

/* The tick the kernel's derived defaults assume. The kernel's value is a build option; 250 is
 * the common distro / arm64 defconfig choice, so one tick is 4 ms. */
#define EG_LOAD_HZ 250U
#define EG_LOAD_TICK_US (USEC_PER_SEC / EG_LOAD_HZ)
/* cpufreq_governor.h's CPUFREQ_DBS_MIN_SAMPLING_INTERVAL: two ticks, because on kernels without
 * NOHZ idle time is tick-granular and a shorter window would read mostly rounding noise. */
#define EG_LOAD_MIN_SAMPLING_US (2U * EG_LOAD_TICK_US)

struct eg_load_cpu {
	uint64_t busy_ns;    /* busy_ns at the last sample */
	uint64_t ts;         /* time of the last sample */
	uint32_t prev_load;  /* load of the last window, for the wake-from-idle case */
	bool valid;          /* a snapshot exists (CPU online at the last sample) */
};

struct eg_load {
	struct eg_load_cpu cpu[EG_MAX_CPUS];
};

struct eg_load_sample {
	uint32_t load;          /* max busy % over the CPUs that had a window, 0..100 */
	uint32_t idle_periods;  /* min over CPUs of idle / period where idle > 2 periods, else
				 * UINT32_MAX (conservative steps down once per such period) */
	int nr_cpus;            /* CPUs that had a window; 0 = nothing to judge */
};

/* Take a snapshot of every online CPU of the domain; offline ones get none. */
static inline void eg_load_start(struct eg_load *l, const struct eg_freq_input *in)
{
	int cpu;

	eg_for_each_cpu(cpu, &in->pd->cpus) {
		struct eg_load_cpu *c = &l->cpu[cpu];

		c->valid = in->cpu[cpu].online;
		c->busy_ns = in->cpu[cpu].busy_ns;
		c->ts = in->now;
		c->prev_load = 0;
	}
}

/* One CPU's busy % since its snapshot, as the kernel's dbs_update() computes it. period_ns is
 * the sampling period in force (sampling_rate x rate_mult). With reuse_after_idle, a window that
 * was idle for more than two periods reports the previous window's load once (see below). */
static inline uint32_t eg_load_cpu_window(struct eg_load_cpu *c, uint64_t busy_ns, uint64_t now,
					  uint64_t period_ns, bool reuse_after_idle,
					  uint32_t *idle_periods)
{
	uint64_t wall = now > c->ts ? now - c->ts : 0;
	uint64_t busy = busy_ns > c->busy_ns ? busy_ns - c->busy_ns : 0;
	uint64_t idle = wall > busy ? wall - busy : 0;
	uint32_t load;

	if (wall == 0) {
		/* Called twice at the same instant: the last window is the best answer. */
		load = c->prev_load;
	} else if (reuse_after_idle && idle > 2 * period_ns && c->prev_load) {
		/* The kernel's sampling timer is deferrable, so a long idle window means the CPU
		 * slept and a task just woke it: its near-zero load says nothing about that task.
		 * Start from the load it had before, once (prev_load is cleared so a system that
		 * really went quiet is seen as such on the next sample). */
		load = c->prev_load;
		c->prev_load = 0;
	} else {
		/* Counters read a little apart can show busy > wall: that is a fully busy CPU. */
		load = busy >= wall ? 100 : (uint32_t)(100 * busy / wall);
		c->prev_load = load;
	}
	if (period_ns && idle > 2 * period_ns) {
		uint64_t periods = idle / period_ns;

		if (periods < *idle_periods)
			*idle_periods = periods > UINT32_MAX ? UINT32_MAX : (uint32_t)periods;
	}
	c->busy_ns = busy_ns;
	c->ts = now;
	return load;
}

/* Load of the domain since the last sample: max over its online CPUs. A CPU that was offline at
 * the last sample only gets a snapshot now (its counter did not move while it was away, so a
 * window across the gap would read idle). Snapshots are renewed for the next window. */
static inline void eg_load_update(struct eg_load *l, const struct eg_freq_input *in,
				  uint64_t period_ns, bool reuse_after_idle,
				  struct eg_load_sample *s)
{
	int cpu;

	s->load = 0;
	s->idle_periods = UINT32_MAX;
	s->nr_cpus = 0;
	eg_for_each_cpu(cpu, &in->pd->cpus) {
		struct eg_load_cpu *c = &l->cpu[cpu];
		const struct eg_freq_cpu *fc = &in->cpu[cpu];
		uint32_t load;

		if (!fc->online) {
			c->valid = false;
			continue;
		}
		if (!c->valid) {
			c->valid = true;
			c->busy_ns = fc->busy_ns;
			c->ts = in->now;
			c->prev_load = 0;
			continue;
		}
		load = eg_load_cpu_window(c, fc->busy_ns, in->now, period_ns, reuse_after_idle,
					  &s->idle_periods);
		s->load = EG_MAX(s->load, load);
		s->nr_cpus++;
	}
}

/* cpufreq_policy_transition_delay_us() as of 6.11: the driver's delay, else 1.5 x the
 * transition latency (room for the change to settle), else 1 ms. */
static inline uint32_t eg_load_transition_delay_us(const struct eg_pd *pd)
{
	uint32_t lat_us = pd->transition_latency_ns / 1000;

	if (pd->transition_delay_us)
		return pd->transition_delay_us;
	if (lat_us)
		return lat_us + lat_us / 2;
	return 1000;
}

/* The dbs governors' default sampling rate: never below two ticks nor the transition delay. */
static inline uint64_t eg_load_default_rate_ns(const struct eg_pd *pd)
{
	return (uint64_t)EG_MAX(EG_LOAD_MIN_SAMPLING_US, eg_load_transition_delay_us(pd)) *
	       NSEC_PER_USEC;
}

/* cpufreq's frequency relations: lowest at or above, highest at or below, closest (a tie goes
 * to the lower frequency, as the kernel's ascending-table walk does). */
enum eg_rel {
	EG_REL_L,
	EG_REL_H,
	EG_REL_C,
};

/* Pick among pd's OPPs whose khz lies in [lo, hi] by relation; with efficient, OPPs the energy
 * model marks inefficient are not candidates. Returns the index or -1 when none qualifies. */
static inline int eg_load_pick(const struct eg_pd *pd, uint32_t target, uint32_t lo, uint32_t hi,
			       enum eg_rel rel, bool efficient)
{
	int below = -1, above = -1, first = -1, last = -1;

	for (int i = 0; i < pd->nr_opps; i++) {
		uint32_t f = pd->opps[i].khz;

		if (f < lo || f > hi || (efficient && pd->opps[i].inefficient))
			continue;
		if (first < 0)
			first = i;
		last = i;
		if (f <= target)
			below = i;
		if (f >= target && above < 0)
			above = i;
	}
	switch (rel) {
	case EG_REL_L:
		return above >= 0 ? above : last;
	case EG_REL_H:
		return below >= 0 ? below : first;
	case EG_REL_C:
		if (below < 0 || above < 0)
			return below >= 0 ? below : above;
		if (target - pd->opps[below].khz > pd->opps[above].khz - target)
			return above;
		return below;
	}
	return -1;
}

/* Resolve target to a table frequency inside [min_khz, max_khz], as __cpufreq_driver_target():
 * clamp the target into the limits, pick by relation (efficient OPPs first when asked, the
 * kernel's CPUFREQ_RELATION_E; if that lands outside the limits, any OPP). Limits that hold no
 * OPP at all (should not happen: cpufreq verifies them against the table) give the closest. */
static inline uint32_t eg_load_resolve(const struct eg_pd *pd, uint32_t target, uint32_t min_khz,
				       uint32_t max_khz, enum eg_rel rel, bool efficient)
{
	int idx;

	if (!pd->nr_opps)
		return 0;
	if (min_khz > max_khz)
		min_khz = max_khz;
	target = EG_CLAMP(target, min_khz, max_khz);
	if (efficient) {
		idx = eg_load_pick(pd, target, 0, UINT32_MAX, rel, true);
		if (idx >= 0 && pd->opps[idx].khz >= min_khz && pd->opps[idx].khz <= max_khz)
			return pd->opps[idx].khz;
	}
	idx = eg_load_pick(pd, target, min_khz, max_khz, rel, false);
	if (idx < 0)
		idx = eg_load_pick(pd, target, 0, UINT32_MAX, EG_REL_C, false);
	return pd->opps[idx].khz;
}

/* Re-clamp a policy's standing request into new limits: within them it stays what it was;
 * above max it goes to the highest frequency <= max, below min to the lowest >= min (the
 * kernel's cpufreq_policy_apply_limits()). */
static inline uint32_t eg_load_reclamp(const struct eg_pd *pd, uint32_t req, enum eg_rel rel,
				       uint32_t min_khz, uint32_t max_khz, bool efficient)
{
	if (req > max_khz)
		rel = EG_REL_H;
	else if (req < min_khz)
		rel = EG_REL_L;
	return eg_load_resolve(pd, req, min_khz, max_khz, rel, efficient);
}
