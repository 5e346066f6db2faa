// SPDX-License-Identifier: GPL-2.0-or-later
/* schedutil: the kernel's utilization-driven frequency policy
 * (kernel/sched/cpufreq_schedutil.c), as an eagov frequency policy. Each CPU
 * of a domain reports its util; the domain runs at the lowest OPP whose
 * capacity covers the busiest CPU's util plus 25 % headroom. Around that core
 * sit the kernel's heuristics, each a small function below: rate limit,
 * iowait boost, busy-CPU hold, RT at max, uclamp. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>

#include "iowait.h"
#include "policy.h"
#include "util.h"

/* The kernel's last resort when a driver tells neither its transition delay
 * nor its transition latency. */

struct su_tunables {
	uint32_t rate_limit_us;
	uint32_t headroom_pct;
	bool iowait_boost;
	bool skip_inefficient;
	bool busy_hold;
};

static const struct eg_tunable su_tunables_table[] = {
	{ .name = "rate_limit_us",
	  .type = EG_TUN_U32,
	  .offset = offsetof(struct su_tunables, rate_limit_us),
	  .min = 0,
	  .max = 1000000,
	  .def = "0",
	  .unit = "us",
	  .help = "minimum time between two frequency changes; 0 = as the kernel derives it: "
		  "the driver's transition delay, else 1.5 x its transition latency, else "
		  "1000 us (more than a second would stop the policy from following load)" },
	{ .name = "headroom_pct",
	  .type = EG_TUN_U32,
	  .offset = offsetof(struct su_tunables, headroom_pct),
	  .min = 100,
	  .max = 200,
	  .def = "125",
	  .unit = "%",
	  .help = "capacity asked for, as a percentage of util (125 = the kernel's "
		  "util + util/4; under 100 a busy CPU could never ask for more)" },
	{ .name = "iowait_boost",
	  .type = EG_TUN_BOOL,
	  .offset = offsetof(struct su_tunables, iowait_boost),
	  .def = "yes",
	  .unit = "",
	  .help = "boost the frequency of CPUs whose tasks keep waking from I/O waits" },
	{ .name = "skip_inefficient",
	  .type = EG_TUN_BOOL,
	  .offset = offsetof(struct su_tunables, skip_inefficient),
	  .def = "yes",
	  .unit = "",
	  .help = "resolve to the next efficient OPP instead of one a higher OPP beats on energy" },
	{ .name = "busy_hold",
	  .type = EG_TUN_BOOL,
	  .offset = offsetof(struct su_tunables, busy_hold),
	  .def = "yes",
	  .unit = "",
	  .help = "single-CPU domains: refuse to lower the frequency while the CPU has not idled" },
	EG_TUNABLE_END,
};

/* What the policy remembers of one CPU of its domain. */
struct su_cpu {
	int cpu;
	struct eg_iowait iowait;
	uint64_t saved_idle_calls; /* idle entries when the frequency was last chosen */
};

struct su_state {
	const struct eg_pd *pd;
	struct su_tunables tun;
	uint64_t rate_limit_ns;
	bool changed_once;	   /* a frequency was chosen at least once */
	uint64_t last_freq_update; /* when next_freq last changed */
	uint32_t next_freq;	   /* the last frequency asked for */
	int nr;
	struct su_cpu cpu[];
};

/* The rate limit exists because a frequency change costs time (the driver
 * and the PLL) and the kernel would otherwise re-decide on every enqueue. The
 * default follows the driver: its own transition delay when it has one, else
 * its transition latency with 50 % breathing room (kernels since 6.9), else
 * one millisecond. */
static uint64_t su_rate_limit_ns(const struct eg_pd *pd, const struct su_tunables *tun)
{
	uint32_t us = tun->rate_limit_us ? tun->rate_limit_us : eg_freq_transition_delay_us(pd);

	return (uint64_t)us * NSEC_PER_USEC;
}

static uint32_t su_cpu_cap(const struct eg_pd *pd)
{
	return pd->max_cap ? pd->max_cap : EG_CAPACITY_SCALE;
}

/* Rate limit: no new decision until rate_limit_ns has passed since the last
 * change. A change of the policy limits is the exception: the frequency must
 * come inside the new limits now, not after the delay. *bypassed says the
 * limit was still running when a limits change let the update through. */
static bool su_should_update_freq(const struct su_state *s, const struct eg_freq_input *in,
				  bool *bypassed)
{
	bool expired = !s->changed_once || in->now < s->last_freq_update ||
		       in->now - s->last_freq_update >= s->rate_limit_ns;

	*bypassed = false;
	if (in->limits_changed) {
		*bypassed = !expired;
		return true;
	}
	return expired;
}

/* Headroom: util is what the CPU did at the current speed, and PELT lags a
 * growing load; asking for 25 % more capacity (util + util/4 by default)
 * keeps a load that is rising from saturating the CPU before the next
 * update. */
static uint32_t su_apply_headroom(const struct su_state *s, uint32_t util)
{
	return (uint32_t)((uint64_t)util * s->tun.headroom_pct / 100);
}

/* uclamp: userspace's bounds on the performance a CPU's tasks get. The max
 * clamp caps the request after headroom (kernels since 6.8 use it as the
 * performance target, so a capped task does not get the 25 % on top), the
 * min clamp is a floor that wins over the cap. */
static uint32_t su_uclamp(uint32_t perf, uint32_t uclamp_min, uint32_t uclamp_max)
{
	perf = EG_MIN(perf, uclamp_max);
	return EG_MAX(perf, uclamp_min);
}

/* The capacity one CPU asks for. An RT (or DL) task runnable asks for the
 * maximum: RT tasks have no util signal worth trusting for latency, and the
 * kernel runs them at full speed (their default uclamp_min is 1024, and
 * their uclamp_max of 1024 lifts the rq's cap, so uclamp cannot lower it). */
static uint32_t su_cpu_perf(const struct su_state *s, const struct eg_freq_cpu *c, uint32_t boost)
{
	uint32_t max_cap = su_cpu_cap(s->pd);
	uint32_t util;

	if (c->rt_runnable)
		return max_cap;
	util = EG_MIN(c->util, max_cap);
	util = EG_MAX(util, boost);
	return su_uclamp(su_apply_headroom(s, util), c->uclamp_min, c->uclamp_max);
}

/* A shared policy runs all its CPUs at one frequency, so it must serve the
 * busiest: the max of the per-CPU requests over the online CPUs. With every
 * CPU idle this is 0 and the domain drops to its lowest allowed OPP. Every
 * online CPU's iowait boost is applied (and so decays) on each choice. */
static uint32_t su_domain_perf(struct su_state *s, const struct eg_freq_input *in)
{
	uint32_t perf = 0;

	for (int k = 0; k < s->nr; k++) {
		struct su_cpu *sc = &s->cpu[k];
		const struct eg_freq_cpu *c = &in->cpu[sc->cpu];
		uint32_t boost;

		if (!c->online)
			continue;
		boost = eg_iowait_apply(&sc->iowait, in->now, su_cpu_cap(s->pd));
		perf = EG_MAX(perf, su_cpu_perf(s, c, boost));
	}
	return perf;
}

/* On a frequency-invariant system util is in capacity units at the top
 * frequency, so the frequency that provides perf is cpuinfo max scaled by
 * perf / max_cap (the domain's own max_cap: a little CPU's util is relative
 * to its smaller capacity). */
static uint32_t su_perf_to_freq(const struct eg_pd *pd, uint32_t perf)
{
	uint64_t fmax = eg_freq_cpuinfo_max_khz(pd);
	uint64_t f = fmax * perf / su_cpu_cap(pd);

	return f > UINT32_MAX ? UINT32_MAX : (uint32_t)f;
}

/* The driver's resolution: the lowest OPP at or above the target inside the
 * limits; an OPP that a higher one beats on energy per unit of work is
 * skipped, since running faster there costs less and finishes sooner. */
static int su_resolve_freq(const struct su_state *s, const struct eg_freq_input *in,
			   uint32_t target, uint32_t *khz)
{
	int i = eg_pd_opp_ceil(s->pd, target, in->min_khz, in->max_khz, s->tun.skip_inefficient);

	if (i < 0)
		return -ERANGE;
	*khz = s->pd->opps[i].khz;
	return 0;
}

static int su_nr_online(const struct su_state *s, const struct eg_freq_input *in)
{
	int n = 0;

	for (int k = 0; k < s->nr; k++)
		n += in->cpu[s->cpu[k].cpu].online;
	return n;
}

/* Busy-CPU hold (single-CPU domains): if the CPU has not entered idle since
 * the last choice, its util is likely underestimated (a task that runs
 * without sleeping has util still growing, or was just migrated in) and a
 * lower frequency would be premature. A CPU capped by uclamp_max is exempt:
 * the cap must be obeyed at once. */
static bool su_hold_freq(const struct su_state *s, struct su_cpu *sc, const struct eg_freq_cpu *c)
{
	bool busy;

	if (!s->tun.busy_hold)
		return false;
	if (c->uclamp_max < EG_CAPACITY_SCALE && c->util >= c->uclamp_max)
		return false;
	busy = c->idle_calls == sc->saved_idle_calls;
	sc->saved_idle_calls = c->idle_calls;
	return busy;
}

/* The hold only for a policy with one online CPU (the kernel's policy->cpus
 * after hotplug): in a shared policy every CPU's util already counts, and
 * one busy CPU would pin its siblings' frequency. A limits change is never
 * held. */
static uint32_t su_single_hold(struct su_state *s, const struct eg_freq_input *in, uint32_t next_f)
{
	if (su_nr_online(s, in) != 1)
		return next_f;
	for (int k = 0; k < s->nr; k++) {
		struct su_cpu *sc = &s->cpu[k];
		const struct eg_freq_cpu *c = &in->cpu[sc->cpu];

		if (c->online && su_hold_freq(s, sc, c) && next_f < s->next_freq &&
		    !in->limits_changed)
			return s->next_freq;
	}
	return next_f;
}

/* Every CPU with an update in this call (the trigger, and any CPU that had
 * an iowait wakeup since we last looked) records it for the iowait logic. */
static void su_note_updates(struct su_state *s, const struct eg_freq_input *in)
{
	for (int k = 0; k < s->nr; k++) {
		struct su_cpu *sc = &s->cpu[k];
		const struct eg_freq_cpu *c = &in->cpu[sc->cpu];

		if (!c->online || (sc->cpu != in->trigger_cpu && !c->iowait))
			continue;
		eg_iowait_update(&sc->iowait, in->now, c->iowait, s->tun.iowait_boost);
	}
}

static int su_update(void *state, const struct eg_freq_input *in, struct eg_freq_output *out)
{
	struct su_state *s = state;
	uint32_t next_f;
	bool bypassed;
	int r;

	if (!s || !in || !out || !in->cpu)
		return -EINVAL;
	su_note_updates(s, in);
	if (!su_should_update_freq(s, in, &bypassed))
		return 0;
	r = su_resolve_freq(s, in, su_perf_to_freq(s->pd, su_domain_perf(s, in)), &next_f);
	if (r < 0)
		return r;
	next_f = su_single_hold(s, in, next_f);
	/* Same answer as last time: nothing to do, and the rate limit keeps
	 * counting from the last real change. A limits change always answers,
	 * since the frequency in force may now be outside them. */
	if (s->changed_once && next_f == s->next_freq && !in->limits_changed)
		return 0;
	s->next_freq = next_f;
	s->last_freq_update = in->now;
	s->changed_once = true;
	out->khz = next_f;
	out->urgent = bypassed;
	return 1;
}

static int su_init(void **state, const struct eg_pd *pd, const void *tunables)
{
	struct su_state *s;
	int nr = eg_cpumask_weight(&pd->cpus);
	int k = 0, cpu;

	if (!state || !pd || pd->nr_opps == 0)
		return -EINVAL;
	s = calloc(1, sizeof(*s) + (size_t)nr * sizeof(s->cpu[0]));
	if (!s)
		return -ENOMEM;
	s->pd = pd;
	eg_tunables_init(su_tunables_table, &s->tun, tunables, sizeof(s->tun));
	s->rate_limit_ns = su_rate_limit_ns(pd, &s->tun);
	eg_for_each_cpu (cpu, &pd->cpus)
		s->cpu[k++].cpu = cpu;
	s->nr = nr;
	*state = s;
	return 0;
}

static void su_exit(void *state)
{
	free(state);
}

/* The kernel has no timer either: a boost decays on the CPU's next update,
 * and a CPU that stops updating loses its boost by the tick rule. */
static uint64_t su_next_timer(const void *state)
{
	(void)state;
	return EG_NEVER;
}

/* One OPP step in util at this headroom: the smallest step of the table
 * over the top frequency, shrunk by the headroom. */
static uint32_t su_util_delta(const void *state, const struct eg_pd *pd)
{
	return eg_freq_util_delta_at(pd, ((const struct su_state *)state)->tun.headroom_pct);
}

static uint32_t su_util_floor(const void *state, const struct eg_pd *pd)
{
	return eg_freq_util_floor_at(pd, ((const struct su_state *)state)->tun.headroom_pct);
}

const struct eg_freq_policy_ops eg_freq_schedutil = {
	.name = "schedutil",
	.summary = "the kernel's schedutil: frequency from per-CPU util with 25 % headroom, "
		   "rate limit, iowait boost, busy-CPU hold",
	.tunables = su_tunables_table,
	.tunables_size = sizeof(struct su_tunables),
	.on_util_update = true,
	.init = su_init,
	.exit = su_exit,
	.update = su_update,
	.next_timer = su_next_timer,
	.util_delta = su_util_delta,
	.util_floor = su_util_floor,
};
