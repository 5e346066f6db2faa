/* powersave: the kernel's powersave governor as an eagov frequency policy.
 * The domain always runs at the lowest OPP the limits allow; the only event
 * that matters is a change of those limits. */
#include <errno.h>
#include <stdlib.h>

#include "policy.h"

static const struct eg_tunable psave_tunables[] = {
	EG_TUNABLE_END,
};

struct psave_state {
	const struct eg_pd *pd;
	bool asked;          /* a frequency was asked for at least once */
	uint32_t khz;        /* the last one */
};

static int psave_init(void **state, const struct eg_pd *pd, const void *tunables)
{
	struct psave_state *s;

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

static void psave_exit(void *state)
{
	free(state);
}

/* The lowest OPP at or above min_khz (the kernel's policy->min with
 * CPUFREQ_RELATION_L); inefficient OPPs are not skipped, since the point of
 * powersave is the lowest frequency, not the lowest energy. It answers on the
 * first call and when the limits change (or the answer moved with them). */
static int psave_update(void *state, const struct eg_freq_input *in, struct eg_freq_output *out)
{
	struct psave_state *s = state;
	int i;

	if (!s || !in || !out)
		return -EINVAL;
	i = eg_pd_opp_ceil(s->pd, in->min_khz, in->min_khz, in->max_khz, false);
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

static uint64_t psave_next_timer(const void *state)
{
	(void)state;
	return EG_NO_TIMER;
}

const struct eg_freq_policy_ops eg_freq_powersave = {
	.name = "powersave",
	.summary = "always the lowest frequency the limits allow",
	.tunables = psave_tunables,
	.tunables_size = 0,
	/* Called on util updates so that it answers whenever the engine asks;
	 * it returns 0 unless the limits moved. */
	.on_util_update = true,
	.init = psave_init,
	.exit = psave_exit,
	.update = psave_update,
	.next_timer = psave_next_timer,
};
