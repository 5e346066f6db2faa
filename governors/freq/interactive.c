// SPDX-License-Identifier: GPL-2.0-or-later
/* interactive: Android's sampling governor (out of tree, drivers/cpufreq/cpufreq_interactive.c).
 * Every timer_rate it turns the domain's load into the lowest frequency that would run it at
 * target_loads, jumps to hispeed_freq on a burst, needs above_hispeed_delay before climbing past
 * it, and holds a frequency at least min_sample_time before coming down. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>

#include "load.h"
#include "policy.h"
#include "sampling.h"
#include "tunables.h"
#include "util.h"

struct it_tunables {
	uint32_t timer_rate;			/* us */
	uint32_t go_hispeed_load;		/* % */
	uint32_t hispeed_freq;			/* kHz, 0 = the domain's max */
	struct eg_freq_map target_loads;	/* %, by frequency */
	struct eg_freq_map above_hispeed_delay; /* us, by frequency */
	uint32_t min_sample_time;		/* us */
};

static const struct eg_tunable it_tunables_tab[] = {
	{ "timer_rate", EG_TUN_U32, offsetof(struct it_tunables, timer_rate), 1000, 10000000,
	  "20000", "us", "sampling period" },
	{ "go_hispeed_load", EG_TUN_U32, offsetof(struct it_tunables, go_hispeed_load), 1, 100,
	  "99", "%", "load at which the domain jumps to at least hispeed_freq" },
	{ "hispeed_freq", EG_TUN_U32, offsetof(struct it_tunables, hispeed_freq), 0, UINT32_MAX,
	  "0", "kHz", "frequency a burst jumps to; 0 = the domain's maximum" },
	{ "target_loads", EG_TUN_FREQ_MAP, offsetof(struct it_tunables, target_loads), 1, 100, "90",
	  "%", "load to aim for at each frequency: \"90\" or \"85 1500000:90 2000000:95\"" },
	{ "above_hispeed_delay", EG_TUN_FREQ_MAP, offsetof(struct it_tunables, above_hispeed_delay),
	  0, 10000000, "20000", "us",
	  "time to spend at or above hispeed_freq before going higher, by frequency" },
	{ "min_sample_time", EG_TUN_U32, offsetof(struct it_tunables, min_sample_time), 0, 10000000,
	  "80000", "us", "time a frequency is held before the domain may go lower" },
	EG_TUNABLE_END,
};

struct it_state {
	struct it_tunables tun;
	struct eg_sampling sampling;
	uint32_t hispeed_khz;
	uint32_t target_khz; /* the frequency chosen last */
	/* min_sample_time: no going below floor_khz until min_sample_time after it was last
	 * chosen (floor_validate_ns). */
	uint32_t floor_khz;
	uint64_t floor_validate_ns;
	/* above_hispeed_delay counts from the last sample that was not held back. */
	uint64_t hispeed_validate_ns;
};

static int it_init(void **state, const struct eg_pd *pd, const void *tunables)
{
	struct it_state *s;

	if (!pd || pd->nr_opps == 0)
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	eg_tunables_init(it_tunables_tab, &s->tun, tunables, sizeof(s->tun));
	/* An empty target_loads map would divide by zero in choose_freq(). */
	if (s->tun.target_loads.n == 0 || s->tun.above_hispeed_delay.n == 0 ||
	    s->tun.timer_rate == 0) {
		free(s);
		return -EINVAL;
	}
	for (int i = 0; i < s->tun.target_loads.n; i++) {
		if (s->tun.target_loads.value[i] == 0) {
			free(s);
			return -EINVAL;
		}
	}
	s->sampling.rate_ns = (uint64_t)s->tun.timer_rate * NSEC_PER_USEC;
	s->hispeed_khz = s->tun.hispeed_freq ? s->tun.hispeed_freq : eg_pd_max_khz(pd);
	*state = s;
	return 0;
}

static void it_exit(void *state)
{
	free(state);
}

static uint32_t it_target_load(const struct it_state *s, uint32_t khz)
{
	return eg_freq_map_lookup(&s->tun.target_loads, khz);
}

/* The lowest OPP f (within the limits) with loadadjfreq / target_load(f) <= f, found as the
 * original's choose_freq() does: since the target load depends on the frequency, start from
 * the current one and bisect between the highest OPP found too slow (fmin) and the lowest found
 * fast enough (fmax) until the answer repeats. loadadjfreq is busy % x kHz. */
static uint32_t it_choose_freq(const struct it_state *s, const struct eg_freq_input *in,
			       uint64_t loadadjfreq)
{
	const struct eg_pd *pd = in->pd;
	uint32_t freq = in->cur_khz, prev;
	uint32_t fmin = 0, fmax = UINT32_MAX;

	/* Each round narrows (fmin, fmax) by at least one OPP; the bound only guards a broken
	 * table. */
	for (int round = 0; round < 2 * pd->nr_opps + 2; round++) {
		uint64_t want = loadadjfreq / it_target_load(s, freq);

		prev = freq;
		freq = eg_load_resolve(pd, (uint32_t)EG_MIN(want, UINT32_MAX), in->min_khz,
				       in->max_khz, EG_REL_L, false);
		if (freq > prev) {
			/* prev is too slow. */
			fmin = prev;
			if (freq >= fmax) {
				/* Try the highest OPP below the lowest known fast enough. */
				freq = eg_load_resolve(pd, fmax - 1, in->min_khz, in->max_khz,
						       EG_REL_H, false);
				if (freq == fmin)
					return fmax;
			}
		} else if (freq < prev) {
			/* prev is fast enough. */
			fmax = prev;
			if (freq <= fmin) {
				/* Try the lowest OPP above the highest known too slow. */
				freq = eg_load_resolve(pd, fmin + 1, in->min_khz, in->max_khz,
						       EG_REL_L, false);
				if (freq == fmax)
					return freq;
			}
		}
		if (freq == prev)
			break;
	}
	return freq;
}

/* Kernel: CPUFREQ_GOV_LIMITS clamps the target; a target pushed up to the new min counts as a
 * fresh choice (floor and hispeed timers restart there). */
static void it_limits(struct it_state *s, const struct eg_freq_input *in)
{
	if (s->target_khz > in->max_khz) {
		s->target_khz = eg_load_resolve(in->pd, in->max_khz, in->min_khz, in->max_khz,
						EG_REL_H, false);
	} else if (s->target_khz <= in->min_khz) {
		s->target_khz = eg_load_resolve(in->pd, in->min_khz, in->min_khz, in->max_khz,
						EG_REL_L, false);
		s->floor_khz = s->target_khz;
		s->floor_validate_ns = in->now;
		s->hispeed_validate_ns = in->now;
	}
}

/* One timer: cpufreq_interactive_timer() of the original, for the whole domain at once (the
 * original evaluates each CPU and runs the domain at the max of their targets; evaluating the
 * max load gives the same target while the timers move together). */
static void it_sample(struct it_state *s, const struct eg_freq_input *in)
{
	struct eg_load_sample ls;
	uint64_t loadadjfreq;
	uint32_t new_khz, hispeed = s->hispeed_khz;

	/* The original has no wake-from-idle load reuse; its idle handling is the slack timer. */
	eg_sampling_load(&s->sampling, in, s->sampling.rate_ns, false, &ls);
	if (ls.nr_cpus == 0)
		return;
	/* Busy time weighted by the frequency it ran at, per window: with one frequency per
	 * window that is busy % x the current frequency. */
	loadadjfreq = (uint64_t)ls.load * in->cur_khz;

	if (ls.load >= s->tun.go_hispeed_load) {
		/* A burst: go to hispeed_freq at once, and at least there if the load asks more. */
		if (s->target_khz < hispeed)
			new_khz = hispeed;
		else
			new_khz = EG_MAX(it_choose_freq(s, in, loadadjfreq), hispeed);
	} else {
		/* Below the burst threshold the climb past hispeed_freq still goes through it. */
		new_khz = it_choose_freq(s, in, loadadjfreq);
		if (new_khz > hispeed && s->target_khz < hispeed)
			new_khz = hispeed;
	}

	/* Above hispeed_freq power rises steeply: climb further only after the load has kept
	 * asking for more for above_hispeed_delay (looked up at the current target). */
	if (s->target_khz >= hispeed && new_khz > s->target_khz &&
	    in->now - s->hispeed_validate_ns <
		    (uint64_t)eg_freq_map_lookup(&s->tun.above_hispeed_delay, s->target_khz) *
			    NSEC_PER_USEC)
		return;
	s->hispeed_validate_ns = in->now;

	new_khz = eg_load_resolve(in->pd, new_khz, in->min_khz, in->max_khz, EG_REL_L, false);

	/* Do not drop below a frequency chosen less than min_sample_time ago: a short lull in
	 * an interactive load should not cost the next burst a ramp. */
	if (new_khz < s->floor_khz &&
	    in->now - s->floor_validate_ns < s->tun.min_sample_time * NSEC_PER_USEC)
		return;
	s->floor_khz = new_khz;
	s->floor_validate_ns = in->now;
	s->target_khz = new_khz;
}

static int it_update(void *state, const struct eg_freq_input *in, struct eg_freq_output *out)
{
	struct it_state *s = state;
	enum eg_sampling_call call = eg_sampling_begin(&s->sampling, in);

	if (call == EG_SAMPLING_START) {
		s->target_khz = eg_load_resolve(in->pd, in->cur_khz ? in->cur_khz : in->min_khz,
						in->min_khz, in->max_khz, EG_REL_L, false);
		s->floor_khz = s->target_khz;
		s->floor_validate_ns = in->now;
		s->hispeed_validate_ns = in->now;
	} else if (call != EG_SAMPLING_NONE) {
		if (in->limits_changed)
			it_limits(s, in);
		if (call == EG_SAMPLING_SAMPLE)
			it_sample(s, in);
	}
	return eg_sampling_answer(call, in, out, s->target_khz, EG_REL_L, false);
}

static uint64_t it_next_timer(const void *state)
{
	const struct it_state *s = state;

	return eg_sampling_next_timer(&s->sampling);
}

const struct eg_freq_policy_ops eg_freq_interactive = {
	.name = "interactive",
	.summary = "Android interactive: load-adjusted target, hispeed jump, min sample time",
	.tunables = it_tunables_tab,
	.tunables_size = sizeof(struct it_tunables),
	.on_util_update = false,
	.init = it_init,
	.exit = it_exit,
	.update = it_update,
	.next_timer = it_next_timer,
};
