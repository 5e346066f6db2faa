// SPDX-License-Identifier: GPL-2.0-or-later
/* The step_wise thermal policy, after the kernel's drivers/thermal/
 * gov_step_wise.c and the trip handling of thermal_core.c (6.12+). Each
 * cooled domain is a cooling device whose state s caps it at
 * opps[nr_opps - 1 - s] (state 0 = no cap). Every passive trip is bound to
 * every cooled domain (lower state 0, upper nr_opps - 1); the zone has no
 * per-trip binding, so this is the modelling choice. Per trip and domain:
 *
 *   throttling (crossed) and rising   -> state + 1 (up to upper)
 *   throttling and falling            -> state - 1, but not below lower + 1
 *   throttling and stable             -> keep this trip's target
 *   not throttling and falling        -> release to lower (0) at once
 *   not throttling, rising or stable  -> keep this trip's target
 *
 * where "state" is the domain's current state (the result of all trips) and
 * the domain then takes the highest target of its trips. A trip is crossed
 * when T >= trip and stays crossed until T < trip - hysteresis. Note the
 * kernel's consequence: below a trip with a stable or rising temperature the
 * cap is held, it is only released on a falling update. Trend: T above the
 * previous sample = rising, below = falling, equal = stable. */
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "util.h"

#define SW_NO_TARGET (-1)

static const struct eg_tunable sw_tunables[] = {
	EG_TUNABLE_END,
};

enum sw_trend {
	SW_STABLE,
	SW_RISING,
	SW_FALLING
};

struct sw_instance {
	int target;	  /* SW_NO_TARGET, or a state */
	bool initialized; /* has been given a target once */
};

struct sw_zone {
	uint32_t polling_ms, passive_ms;
	int nr_crossed; /* passive trips currently crossed */
	bool crossed[EG_MAX_TRIPS];
	int state[EG_MAX_PDS]; /* current state of each cooled domain */
	struct sw_instance inst[EG_MAX_TRIPS][EG_MAX_COOLED];
};

static int sw_init(void **state, const struct eg_model *m, const struct eg_zone *z,
		   const void *tunables)
{
	struct sw_zone *s;

	(void)tunables;
	if (!m || !z)
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->polling_ms = z->polling_ms;
	s->passive_ms = z->passive_ms;
	for (int t = 0; t < EG_MAX_TRIPS; t++)
		for (int c = 0; c < EG_MAX_COOLED; c++)
			s->inst[t][c].target = SW_NO_TARGET;
	*state = s;
	return 0;
}

static void sw_exit(void *state)
{
	free(state);
}

/* The hysteresis of the kernel's trip threshold: crossing up needs the trip
 * temperature, crossing back down needs trip - hyst, so a temperature
 * hovering at the trip does not toggle mitigation on every sample. */
static bool sw_trip_throttle(struct sw_zone *s, int t, const struct eg_trip *trip, int temp)
{
	if (s->crossed[t]) {
		if (temp < trip->temp_mc - trip->hyst_mc) {
			s->crossed[t] = false;
			s->nr_crossed--;
		}
	} else if (temp >= trip->temp_mc) {
		s->crossed[t] = true;
		s->nr_crossed++;
	}
	return s->crossed[t];
}

static int sw_target(const struct sw_instance *inst, int cur, int upper, enum sw_trend trend,
		     bool throttle)
{
	const int lower = 0;

	if (!inst->initialized)
		return throttle ? EG_CLAMP(cur + 1, lower, upper) : SW_NO_TARGET;
	if (throttle) {
		if (trend == SW_RISING)
			return EG_CLAMP(cur + 1, lower, upper);
		/* Falling but still over the trip: ease off, yet keep some
		 * cooling to pull the temperature further down. (The kernel
		 * computes cur - 1 unsigned; at cur 0 it would wrap to the
		 * upper state, which cannot happen in practice and is not
		 * reproduced.) */
		if (trend == SW_FALLING)
			return EG_CLAMP(cur - 1, EG_MIN(lower + 1, upper), upper);
	} else if (trend == SW_FALLING) {
		/* Under the trip and cooling down: mitigation is over. */
		return cur <= lower ? SW_NO_TARGET : lower;
	}
	return inst->target;
}

static int sw_update(void *state, const struct eg_thermal_input *in, struct eg_thermal_output *out)
{
	struct sw_zone *s = state;
	const struct eg_zone *z = in->zone;
	const struct eg_model *m = in->model;
	int nr_cooled = EG_MIN(z->nr_cooled, EG_MAX_COOLED);
	int nr_trips = EG_MIN(z->nr_trips, EG_MAX_TRIPS);
	enum sw_trend trend = SW_STABLE;

	memset(out, 0, sizeof(*out));
	if (in->temp_mc > in->last_temp_mc)
		trend = SW_RISING;
	else if (in->temp_mc < in->last_temp_mc)
		trend = SW_FALLING;

	for (int t = 0; t < nr_trips; t++) {
		const struct eg_trip *trip = &z->trips[t];
		bool throttle;

		if (trip->type != EG_TRIP_PASSIVE)
			continue;
		throttle = sw_trip_throttle(s, t, trip, in->temp_mc);
		for (int c = 0; c < nr_cooled; c++) {
			int pd = z->cooled[c].pd;
			struct sw_instance *inst = &s->inst[t][c];

			if (pd < 0 || pd >= m->nr_pds || m->pds[pd].nr_opps < 1)
				continue;
			inst->target = sw_target(inst, s->state[pd], m->pds[pd].nr_opps - 1, trend,
						 throttle);
			inst->initialized = true;
		}
	}

	/* Every trip decided from the same current state; now each domain
	 * takes the deepest state any of its trips asks for. */
	for (int c = 0; c < nr_cooled; c++) {
		int pd = z->cooled[c].pd, st = 0;
		const struct eg_pd *p;

		if (pd < 0 || pd >= m->nr_pds || m->pds[pd].nr_opps < 1)
			continue;
		p = &m->pds[pd];
		for (int t = 0; t < nr_trips; t++)
			st = EG_MAX(st, s->inst[t][c].target);
		s->state[pd] = st;
		out->cap_khz[pd] = st ? p->opps[p->nr_opps - 1 - st].khz : 0;
	}
	return 0;
}

static uint64_t sw_interval_ns(const void *state)
{
	const struct sw_zone *s = state;

	return eg_thermal_interval_ns(s->polling_ms, s->passive_ms, s->nr_crossed > 0);
}

const struct eg_thermal_policy_ops eg_thermal_step_wise = {
	.name = "step_wise",
	.summary = "one cooling step per update while a trip is crossed and heating",
	.tunables = sw_tunables,
	.tunables_size = 0,
	.init = sw_init,
	.exit = sw_exit,
	.update = sw_update,
	.interval_ns = sw_interval_ns,
};
