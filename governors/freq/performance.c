/* performance: the kernel's performance governor as an eagov frequency
 * policy. The domain always runs at the highest OPP the limits allow; the
 * only event that matters is a change of those limits. */
#include <errno.h>
#include <stdlib.h>

#include "policy.h"

static const struct eg_tunable perf_tunables[] = {
	EG_TUNABLE_END,
};

struct perf_state {
	const struct eg_pd *pd;
	bool asked;          /* a frequency was asked for at least once */
	uint32_t khz;        /* the last one */
};

static int perf_init(void **state, const struct eg_pd *pd, const void *tunables)
{
	struct perf_state *s;

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

static void perf_exit(void *state)
{
	free(state);
}

/* The highest OPP at or below max_khz (the kernel's policy->max with
 * CPUFREQ_RELATION_H). It answers on the first call and when the limits
 * change (or the answer moved with them); otherwise it has nothing to say, so
 * util updates cost nothing. */
static int perf_update(void *state, const struct eg_freq_input *in, struct eg_freq_output *out)
{
	struct perf_state *s = state;
	int i;

	if (!s || !in || !out)
		return -EINVAL;
	i = eg_pd_opp_floor(s->pd, in->max_khz, in->min_khz, in->max_khz);
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

static uint64_t perf_next_timer(const void *state)
{
	(void)state;
	return EG_NO_TIMER;
}

const struct eg_freq_policy_ops eg_freq_performance = {
	.name = "performance",
	.summary = "always the highest frequency the limits allow",
	.tunables = perf_tunables,
	.tunables_size = 0,
	/* Called on util updates so that it answers whenever the engine asks;
	 * it returns 0 unless the limits moved. */
	.on_util_update = true,
	.init = perf_init,
	.exit = perf_exit,
	.update = perf_update,
	.next_timer = perf_next_timer,
};
