/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Frequency table resolution for the load-based policies (ondemand, conservative, interactive):
 * a target frequency to one of the domain's OPPs within limits, by cpufreq's L / H / C
 * relations, optionally skipping inefficient OPPs. Header-only and pure. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "policy.h"
#include "util.h"

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
