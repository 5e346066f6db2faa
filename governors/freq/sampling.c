// SPDX-License-Identifier: GPL-2.0-or-later
/* The sampling loop shared by ondemand, conservative and interactive: when a sample is due, the
 * domain's load from cumulative per-CPU busy time, and the answer re-clamped into the limits. */
#include "sampling.h"
#include "util.h"

uint64_t eg_sampling_rate_ns(const struct eg_pd *pd, uint32_t rate_us)
{
	if (rate_us)
		return (uint64_t)rate_us * NSEC_PER_USEC;
	return (uint64_t)EG_MAX(EG_SAMPLING_MIN_US, eg_freq_transition_delay_us(pd)) *
	       NSEC_PER_USEC;
}

/* A snapshot of every online CPU of the domain; offline ones get none. */
static void sampling_start(struct eg_sampling *sm, const struct eg_freq_input *in)
{
	int cpu;

	eg_for_each_cpu (cpu, &in->pd->cpus) {
		struct eg_sampling_cpu *c = &sm->cpu[cpu];

		c->valid = in->cpu[cpu].online;
		c->busy_ns = in->cpu[cpu].busy_ns;
		c->ts = in->now;
		c->prev_load = 0;
	}
}

enum eg_sampling_call eg_sampling_begin(struct eg_sampling *sm, const struct eg_freq_input *in)
{
	if (!sm->started) {
		/* A load needs two snapshots: the first call only takes one. */
		sampling_start(sm, in);
		sm->started = true;
		sm->next_ns = in->now + sm->rate_ns;
		return EG_SAMPLING_START;
	}
	if (in->now >= sm->next_ns) {
		sm->next_ns = in->now + sm->rate_ns;
		return EG_SAMPLING_SAMPLE;
	}
	return in->limits_changed ? EG_SAMPLING_LIMITS : EG_SAMPLING_NONE;
}

/* One CPU's busy % since its snapshot, as dbs_update() computes it. */
static uint32_t cpu_window(struct eg_sampling_cpu *c, uint64_t busy_ns, uint64_t now,
			   uint64_t period_ns, bool reuse_after_idle, uint32_t *idle_periods)
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

void eg_sampling_load(struct eg_sampling *sm, const struct eg_freq_input *in, uint64_t period_ns,
		      bool reuse_after_idle, struct eg_load_sample *ls)
{
	int cpu;

	ls->load = 0;
	ls->idle_periods = UINT32_MAX;
	ls->nr_cpus = 0;
	eg_for_each_cpu (cpu, &in->pd->cpus) {
		struct eg_sampling_cpu *c = &sm->cpu[cpu];
		const struct eg_freq_cpu *fc = &in->cpu[cpu];
		uint32_t load;

		if (!fc->online) {
			c->valid = false;
			continue;
		}
		if (!c->valid) {
			/* Offline at the last sample: its counter did not move while it was away,
			 * so a window across the gap would read idle. Only a snapshot now. */
			c->valid = true;
			c->busy_ns = fc->busy_ns;
			c->ts = in->now;
			c->prev_load = 0;
			continue;
		}
		load = cpu_window(c, fc->busy_ns, in->now, period_ns, reuse_after_idle,
				  &ls->idle_periods);
		ls->load = EG_MAX(ls->load, load);
		ls->nr_cpus++;
	}
}

uint64_t eg_sampling_next_timer(const struct eg_sampling *sm)
{
	return sm->started ? sm->next_ns : 0;
}

int eg_sampling_answer(enum eg_sampling_call call, const struct eg_freq_input *in,
		       struct eg_freq_output *out, uint32_t req_khz, enum eg_rel rel,
		       bool efficient)
{
	if (call == EG_SAMPLING_NONE || (call == EG_SAMPLING_START && !in->limits_changed))
		return 0;
	out->khz = eg_load_reclamp(in->pd, req_khz, rel, in->min_khz, in->max_khz, efficient);
	out->urgent = false;
	return 1;
}
