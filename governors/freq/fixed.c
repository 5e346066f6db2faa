// SPDX-License-Identifier: GPL-2.0-or-later
/* performance and powersave: the kernel's two fixed-frequency governors as
 * eagov frequency policies. A domain runs at the highest (performance) or
 * lowest (powersave) OPP its limits allow; the only event that matters is a
 * change of those limits, so util updates cost nothing. */
#include <errno.h>
#include <stdlib.h>

#include "policy.h"

static const struct eg_tunable fixed_tunables[] = {
	EG_TUNABLE_END,
};

struct fixed_state {
	const struct eg_pd *pd;
	bool asked;   /* a frequency was asked for at least once */
	uint32_t khz; /* the last one */
};

static int fixed_init(void **state, const struct eg_pd *pd, const void *tunables)
{
	struct fixed_state *s;

	(void)tunables;
	if (!state || !pd || pd->nr_opps == 0)
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->pd = pd;
	*state = s;
	return 0;
}

static void fixed_exit(void *state)
{
	free(state);
}

/* Answer with OPP i on the first call and when the limits change (or the
 * answer moved with them); otherwise there is nothing to say. */
static int fixed_answer(struct fixed_state *s, const struct eg_freq_input *in, int i,
			struct eg_freq_output *out)
{
	if (i < 0)
		return -ERANGE;
	if (s->asked && !in->limits_changed && s->pd->opps[i].khz == s->khz)
		return 0;
	s->asked = true;
	s->khz = s->pd->opps[i].khz;
	out->khz = s->khz;
	out->urgent = false;
	return 1;
}

/* The highest OPP at or below max_khz (the kernel's policy->max with
 * CPUFREQ_RELATION_H). */
static int perf_update(void *state, const struct eg_freq_input *in, struct eg_freq_output *out)
{
	struct fixed_state *s = state;

	if (!s || !in || !out)
		return -EINVAL;
	return fixed_answer(s, in, eg_pd_opp_floor(s->pd, in->max_khz, in->min_khz, in->max_khz),
			    out);
}

/* The lowest OPP at or above min_khz (the kernel's policy->min with
 * CPUFREQ_RELATION_L); inefficient OPPs are not skipped, since the point of
 * powersave is the lowest frequency, not the lowest energy. */
static int psave_update(void *state, const struct eg_freq_input *in, struct eg_freq_output *out)
{
	struct fixed_state *s = state;

	if (!s || !in || !out)
		return -EINVAL;
	return fixed_answer(
		s, in, eg_pd_opp_ceil(s->pd, in->min_khz, in->min_khz, in->max_khz, false), out);
}

static uint64_t fixed_next_timer(const void *state)
{
	(void)state;
	return EG_NEVER;
}

/* No change of util changes their answer. */
static uint32_t fixed_util_delta(const void *state, const struct eg_pd *pd)
{
	(void)state;
	(void)pd;
	return 2 * EG_CAPACITY_SCALE;
}

/* Both are called on util updates so that they answer whenever the engine
 * asks; they return 0 unless the limits moved. */
const struct eg_freq_policy_ops eg_freq_performance = {
	.name = "performance",
	.summary = "always the highest frequency the limits allow",
	.tunables = fixed_tunables,
	.tunables_size = 0,
	.on_util_update = true,
	.init = fixed_init,
	.exit = fixed_exit,
	.update = perf_update,
	.next_timer = fixed_next_timer,
	.util_delta = fixed_util_delta,
};

const struct eg_freq_policy_ops eg_freq_powersave = {
	.name = "powersave",
	.summary = "always the lowest frequency the limits allow",
	.tunables = fixed_tunables,
	.tunables_size = 0,
	.on_util_update = true,
	.init = fixed_init,
	.exit = fixed_exit,
	.update = psave_update,
	.next_timer = fixed_next_timer,
	.util_delta = fixed_util_delta,
};
