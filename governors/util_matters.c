// SPDX-License-Identifier: GPL-2.0-or-later
/* What change of utilization can move a frequency policy's answer: the step
 * and the floor an event source may filter by (a BPF source wakes user
 * space only past them). Derived from the policy's own statement when it
 * makes one, else from the kernel's util x 1.25 over the OPP table. */
#include "policy.h"
#include "util.h"

/* The kernel's headroom, for policies that say nothing. */
#define KERNEL_HEADROOM_PCT 125U

uint32_t eg_policy_util_threshold(const struct eg_freq_policy_ops *ops, const void *state,
				  const struct eg_pd *pd, uint32_t cap)
{
	uint64_t fmax = eg_pd_max_khz(pd), step;

	if (!ops || !ops->on_util_update)
		return EG_CAPACITY_SCALE;
	if (ops->util_delta) {
		step = ops->util_delta(state, pd);
		if (step > EG_CAPACITY_SCALE)
			return EG_CAPACITY_SCALE;
		return (uint32_t)EG_MAX(step * cap / EG_CAPACITY_SCALE / 2, 1);
	}
	step = eg_freq_min_step_khz(pd);
	if (fmax == 0 || step == 0)
		return EG_CAPACITY_SCALE;
	/* util at which such a policy picks f: f / fmax x cap / 1.25 */
	return (uint32_t)EG_MAX(step * cap * 100 / (fmax * KERNEL_HEADROOM_PCT) / 2, 1);
}

uint32_t eg_policy_util_floor(const struct eg_freq_policy_ops *ops, const void *state,
			      const struct eg_pd *pd, uint32_t cap)
{
	uint64_t fmax = eg_pd_max_khz(pd), fmin = eg_pd_min_khz(pd);

	if (!ops || !ops->on_util_update || pd->nr_opps < 2 || fmax == 0)
		return EG_CAPACITY_SCALE;
	if (!ops->util_delta)
		return (uint32_t)(fmin * cap * 100 / (fmax * KERNEL_HEADROOM_PCT));
	if (ops->util_delta(state, pd) > EG_CAPACITY_SCALE)
		return EG_CAPACITY_SCALE;
	if (!ops->util_floor)
		return 0;
	return (uint32_t)EG_MIN((uint64_t)ops->util_floor(state, pd) * cap / EG_CAPACITY_SCALE,
				(uint64_t)EG_CAPACITY_SCALE);
}
