// SPDX-License-Identifier: GPL-2.0-or-later
/* ondemand: the kernel's classic sampling governor (drivers/cpufreq/cpufreq_ondemand.c). Every
 * sampling period it measures the domain's load (busy %, max over its CPUs); above up_threshold
 * it goes straight to the top, otherwise it picks a frequency proportional to the load. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>

#include "load.h"
#include "policy.h"
#include "sampling.h"
#include "tunables.h"
#include "util.h"

struct od_tunables {
	uint32_t sampling_rate;	       /* us, 0 = derive from the tick and the driver */
	uint32_t up_threshold;	       /* % */
	uint32_t sampling_down_factor; /* periods to stay at max before looking down */
	uint32_t powersave_bias;       /* per mille taken off each request */
};

static const struct eg_tunable od_tunables_tab[] = {
	{ "sampling_rate", EG_TUN_U32, offsetof(struct od_tunables, sampling_rate), 0, 10000000,
	  "0", "us",
	  "sampling period; 0 = max(2 ticks at HZ=250 = 8000 us, the driver's transition delay)" },
	{ "up_threshold", EG_TUN_U32, offsetof(struct od_tunables, up_threshold), 11, 100, "80",
	  "%", "load above which the domain goes to its maximum frequency" },
	{ "sampling_down_factor", EG_TUN_U32, offsetof(struct od_tunables, sampling_down_factor), 1,
	  100000, "1", "",
	  "after jumping to max, sample this many times less often (stay at max longer)" },
	{ "powersave_bias", EG_TUN_U32, offsetof(struct od_tunables, powersave_bias), 0, 1000, "0",
	  "per mille",
	  "lower each request by this fraction, alternating the two OPPs around the result" },
	EG_TUNABLE_END,
};

struct od_state {
	struct od_tunables tun;
	/* next_ns is the next sample or powersave_bias sub-sample. */
	struct eg_sampling sampling;
	uint32_t rate_mult; /* sampling_down_factor while held at max, else 1 */
	/* The standing request: a frequency and how it resolves to the table. */
	uint32_t req_khz;
	enum eg_rel rel;
	/* powersave_bias: after freq_hi for hi_delay, run freq_lo until the next sample. */
	bool sub_pending;
	uint32_t freq_lo;
	uint64_t hi_delay_ns, lo_delay_ns;
};

static int od_init(void **state, const struct eg_pd *pd, const void *tunables)
{
	struct od_state *s;

	if (!pd || pd->nr_opps == 0)
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	eg_tunables_init(od_tunables_tab, &s->tun, tunables, sizeof(s->tun));
	s->sampling.rate_ns = eg_sampling_rate_ns(pd, s->tun.sampling_rate);
	s->rate_mult = 1;
	*state = s;
	return 0;
}

static void od_exit(void *state)
{
	free(state);
}

/* generic_powersave_bias_target(): take powersave_bias per mille off the request and, since
 * that average rarely is an OPP, run the OPPs just above and below it for the share of the
 * period that averages out to it (hi first, lo in a sub-sample). Returns freq_hi; sets freq_lo
 * to 0 when the reduced frequency is itself an OPP. */
static uint32_t od_bias(struct od_state *s, const struct eg_freq_input *in, uint32_t freq_next,
			enum eg_rel rel)
{
	const struct eg_pd *pd = in->pd;
	uint32_t req = eg_load_resolve(pd, freq_next, in->min_khz, in->max_khz, rel, true);
	uint32_t avg = req - (uint32_t)((uint64_t)req * s->tun.powersave_bias / 1000);
	uint32_t lo = eg_load_resolve(pd, avg, in->min_khz, in->max_khz, EG_REL_H, true);
	uint32_t hi = eg_load_resolve(pd, avg, in->min_khz, in->max_khz, EG_REL_L, true);
	uint64_t rate_ns = s->sampling.rate_ns;

	s->freq_lo = 0;
	if (lo >= hi)
		return lo;
	avg = EG_CLAMP(avg, lo, hi);
	s->hi_delay_ns = ((uint64_t)(avg - lo) * rate_ns + (hi - lo) / 2) / (hi - lo);
	s->lo_delay_ns = rate_ns - s->hi_delay_ns;
	s->freq_lo = lo;
	return hi;
}

/* One sample: od_update() of the kernel. */
static void od_sample(struct od_state *s, const struct eg_freq_input *in)
{
	const struct eg_pd *pd = in->pd;
	struct eg_sampling *sm = &s->sampling;
	struct eg_load_sample ls;

	eg_sampling_load(sm, in, sm->rate_ns * s->rate_mult, true, &ls);
	s->freq_lo = 0;
	/* Every CPU just came online (or none is): no window to judge, keep the request. */
	if (ls.nr_cpus == 0)
		return;
	if (ls.load > s->tun.up_threshold) {
		/* A busy domain goes to the top at once: ondemand's answer to latency. Having
		 * jumped, it samples sampling_down_factor times less often, so a short dip in
		 * load does not bring it down (the multiplier is only set on the jump itself). */
		if (in->cur_khz < in->max_khz)
			s->rate_mult = s->tun.sampling_down_factor;
		s->req_khz = eg_freq_cpuinfo_max_khz(pd);
		s->rel = EG_REL_H;
		if (s->tun.powersave_bias) {
			s->req_khz = od_bias(s, in, s->req_khz, EG_REL_H);
			s->rel = EG_REL_L;
		}
	} else {
		/* Proportional to load over the hardware range (cpuinfo, not the limits: the
		 * result is clamped afterwards), to the closest OPP. */
		uint32_t fmin = eg_freq_cpuinfo_min_khz(pd);
		uint32_t fmax = eg_freq_cpuinfo_max_khz(pd);
		uint32_t next = fmin + (uint32_t)((uint64_t)ls.load * (fmax - fmin) / 100);

		s->rate_mult = 1;
		if (s->tun.powersave_bias)
			next = od_bias(s, in, next, EG_REL_L);
		s->req_khz = next;
		s->rel = EG_REL_C;
	}
	if (s->freq_lo) {
		s->sub_pending = true;
		sm->next_ns = in->now + s->hi_delay_ns;
	} else {
		sm->next_ns = in->now + sm->rate_ns * s->rate_mult;
	}
}

static int od_update(void *state, const struct eg_freq_input *in, struct eg_freq_output *out)
{
	struct od_state *s = state;
	enum eg_sampling_call call = eg_sampling_begin(&s->sampling, in);

	if (call == EG_SAMPLING_START) {
		s->req_khz = in->cur_khz ? in->cur_khz : in->min_khz;
		s->rel = EG_REL_C;
	} else if (call == EG_SAMPLING_SAMPLE && s->sub_pending) {
		/* powersave_bias' second half: no sample, just the lower OPP. */
		s->sub_pending = false;
		s->req_khz = s->freq_lo;
		s->rel = EG_REL_H;
		s->sampling.next_ns = in->now + s->lo_delay_ns;
	} else if (call == EG_SAMPLING_SAMPLE) {
		od_sample(s, in);
	}
	return eg_sampling_answer(call, in, out, s->req_khz, s->rel, true);
}

static uint64_t od_next_timer(const void *state)
{
	const struct od_state *s = state;

	return eg_sampling_next_timer(&s->sampling);
}

const struct eg_freq_policy_ops eg_freq_ondemand = {
	.name = "ondemand",
	.summary = "kernel ondemand: sampled load, max above up_threshold, else proportional",
	.tunables = od_tunables_tab,
	.tunables_size = sizeof(struct od_tunables),
	.on_util_update = false,
	.init = od_init,
	.exit = od_exit,
	.update = od_update,
	.next_timer = od_next_timer,
};
