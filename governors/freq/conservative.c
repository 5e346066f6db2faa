// SPDX-License-Identifier: GPL-2.0-or-later
/* conservative: the kernel's gradual sampling governor (drivers/cpufreq/cpufreq_conservative.c).
 * Like ondemand it samples the domain's load, but it moves the requested frequency by one
 * freq_step (% of max) per sample, up above up_threshold and down below down_threshold. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>

#include "load.h"
#include "policy.h"
#include "sampling.h"
#include "tunables.h"
#include "util.h"

/* cpufreq_conservative.c's DEF_FREQUENCY_STEP, the step (in kHz!) it falls back to when
 * freq_step % of max rounds to 0. Only reachable with a max below 20 kHz; kept for fidelity. */
#define CS_FALLBACK_STEP_KHZ 5U

struct cs_tunables {
	uint32_t sampling_rate;	       /* us, 0 = derive */
	uint32_t up_threshold;	       /* % */
	uint32_t down_threshold;       /* %, below up_threshold */
	uint32_t freq_step;	       /* % of the max limit per step */
	uint32_t sampling_down_factor; /* samples between two looks down */
};

static const struct eg_tunable cs_tunables_tab[] = {
	{ "sampling_rate", EG_TUN_U32, offsetof(struct cs_tunables, sampling_rate), 0, 10000000,
	  "0", "us",
	  "sampling period; 0 = max(2 ticks at HZ=250 = 8000 us, the driver's transition delay)" },
	{ "up_threshold", EG_TUN_U32, offsetof(struct cs_tunables, up_threshold), 2, 100, "80", "%",
	  "load above which the request goes up one step (must exceed down_threshold)" },
	{ "down_threshold", EG_TUN_U32, offsetof(struct cs_tunables, down_threshold), 1, 99, "20",
	  "%", "load below which the request goes down one step (must be below up_threshold)" },
	{ "freq_step", EG_TUN_U32, offsetof(struct cs_tunables, freq_step), 1, 100, "5", "%",
	  "size of one step, percent of the maximum frequency" },
	{ "sampling_down_factor", EG_TUN_U32, offsetof(struct cs_tunables, sampling_down_factor), 1,
	  10, "1", "", "look down only every this many samples" },
	EG_TUNABLE_END,
};

struct cs_state {
	struct cs_tunables tun;
	struct eg_sampling sampling;
	/* The kernel's requested_freq: it accumulates steps on its own and is resolved to the
	 * table each time (H going up, L going down), so several small steps add up to the next
	 * OPP instead of each one being rounded away. */
	uint32_t requested_khz;
	enum eg_rel rel;
	uint32_t down_skip;
};

static int cs_init(void **state, const struct eg_pd *pd, const void *tunables)
{
	struct cs_state *s;

	if (!pd || pd->nr_opps == 0)
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	eg_tunables_init(cs_tunables_tab, &s->tun, tunables, sizeof(s->tun));
	/* The kernel refuses to let the thresholds cross; with down >= up the two rules fight. */
	if (s->tun.down_threshold >= s->tun.up_threshold || s->tun.freq_step == 0 ||
	    s->tun.sampling_down_factor == 0) {
		free(s);
		return -EINVAL;
	}
	s->sampling.rate_ns = eg_sampling_rate_ns(pd, s->tun.sampling_rate);
	*state = s;
	return 0;
}

static void cs_exit(void *state)
{
	free(state);
}

/* One sample: cs_dbs_update() of the kernel. */
static void cs_sample(struct cs_state *s, const struct eg_freq_input *in)
{
	uint32_t min = in->min_khz, max = in->max_khz;
	uint32_t req = s->requested_khz;
	uint32_t step;
	struct eg_load_sample ls;

	eg_sampling_load(&s->sampling, in, s->sampling.rate_ns, true, &ls);
	if (ls.nr_cpus == 0)
		return;

	/* A request outside the limits means they changed under us: restart from where the
	 * domain actually is. */
	if (req > max || req < min) {
		req = in->cur_khz ? in->cur_khz : min;
		s->requested_khz = req;
		s->rel = EG_REL_L;
	}
	step = (uint32_t)((uint64_t)s->tun.freq_step * max / 100);
	if (step == 0)
		step = CS_FALLBACK_STEP_KHZ;

	/* The kernel's timer does not fire on an idle CPU; a long idle window counts as that
	 * many missed samples, each of which would have stepped down. */
	if (ls.idle_periods < UINT32_MAX) {
		uint64_t steps = (uint64_t)ls.idle_periods * step;

		req = (uint64_t)req > (uint64_t)min + steps ? req - (uint32_t)steps : min;
	}

	if (ls.load > s->tun.up_threshold) {
		s->down_skip = 0;
		if (req == max)
			return;
		req = (uint64_t)req + step > max ? max : req + step;
		s->requested_khz = req;
		s->rel = EG_REL_H;
		return;
	}
	/* sampling_down_factor: going down is considered only every n-th sample, so the
	 * domain lingers at a frequency it climbed to. */
	if (++s->down_skip < s->tun.sampling_down_factor)
		return;
	s->down_skip = 0;
	if (ls.load < s->tun.down_threshold) {
		if (req == min)
			return;
		req = req > step ? req - step : min;
		s->requested_khz = req;
		s->rel = EG_REL_L;
	}
}

static int cs_update(void *state, const struct eg_freq_input *in, struct eg_freq_output *out)
{
	struct cs_state *s = state;
	enum eg_sampling_call call = eg_sampling_begin(&s->sampling, in);

	if (call == EG_SAMPLING_START) {
		s->requested_khz = in->cur_khz ? in->cur_khz : in->min_khz;
		s->rel = EG_REL_L;
	} else if (call == EG_SAMPLING_SAMPLE) {
		cs_sample(s, in);
	}
	return eg_sampling_answer(call, in, out, s->requested_khz, s->rel, true);
}

static uint64_t cs_next_timer(const void *state)
{
	const struct cs_state *s = state;

	return eg_sampling_next_timer(&s->sampling);
}

const struct eg_freq_policy_ops eg_freq_conservative = {
	.name = "conservative",
	.summary = "kernel conservative: sampled load, one freq_step up or down per sample",
	.tunables = cs_tunables_tab,
	.tunables_size = sizeof(struct cs_tunables),
	.on_util_update = false,
	.init = cs_init,
	.exit = cs_exit,
	.update = cs_update,
	.next_timer = cs_next_timer,
};
