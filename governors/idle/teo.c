// SPDX-License-Identifier: GPL-2.0-or-later
/* The TEO ("timer events oriented") idle policy, after the kernel's
 * drivers/cpuidle/governors/teo.c as of 6.13+: idle durations are sorted into
 * bins bounded by the states' target residencies; each bin counts "hits"
 * (the CPU woke in the same bin as its next timer) and "intercepts" (it woke
 * earlier, in this shallower bin), both decaying by 1/8 per wakeup. Select
 * starts from the deepest enabled state and walks shallower when intercepts
 * in shallower bins outweigh everything at and past the candidate; then the
 * latency limit and the next timer bound the choice.
 *
 * Simplifications, because the simulator has no scheduler tick and no
 * polling state: no tick-stop logic (tick_intercepts, total_tick, the
 * "tick wakeups dominate" hit), no short-idle shortcut that skips reading the
 * timer (here the timer is always known, so it is always applied). */
#include <stddef.h>
#include <stdlib.h>

#include "policy.h"
#include "util.h"

/* What a wakeup adds to a metric, and the decay applied on every wakeup:
 * metric -= metric >> 3, so a metric forgets ~1/8 of its past each time. */
#define TEO_PULSE 1024U
#define TEO_DECAY_SHIFT 3

struct teo_bin {
	uint32_t hits;
	uint32_t intercepts;
};

struct teo_cpu {
	const struct eg_pd *pd;
	struct teo_bin bins[EG_MAX_IDLE_STATES];
	uint32_t total;		  /* all hits and intercepts, after the last update */
	uint64_t sleep_length_ns; /* the next timer seen by the last select() */
};

static const struct eg_tunable teo_tunables[] = {
	EG_TUNABLE_END,
};

/* Decay by 1/8; a metric too small to lose 1/8 drops to 0 rather than
 * lingering forever at a few units. */
static void teo_decay(uint32_t *m)
{
	uint32_t delta = *m >> TEO_DECAY_SHIFT;

	*m = delta ? *m - delta : 0;
}

static int teo_init(void **state, const struct eg_pd *pd, int cpu, const void *tunables)
{
	struct teo_cpu *c;

	(void)cpu;
	(void)tunables;
	if (!pd)
		return -EINVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->pd = pd;
	c->sleep_length_ns = EG_NEVER;
	*state = c;
	return 0;
}

static void teo_exit(void *state)
{
	free(state);
}

/* The deepest enabled state shallower than idx whose residency fits
 * duration_ns, or the shallowest enabled one below idx if none fits. */
static int teo_find_shallower(const struct teo_cpu *c, const struct eg_idle_input *in, int idx,
			      uint64_t duration_ns)
{
	for (int i = idx - 1; i >= 0; i--) {
		if (eg_idle_state_disabled(in, i))
			continue;
		idx = i;
		if (eg_idle_residency_ns(c->pd, i) <= duration_ns)
			break;
	}
	return idx;
}

static int teo_select(void *state, const struct eg_idle_input *in)
{
	struct teo_cpu *c = state;
	const struct eg_pd *pd = c->pd;
	uint32_t intercept_sum = 0, hit_sum = 0, idx_intercept_sum = 0, idx_hit_sum = 0;
	int n = pd->nr_cpu_idle, idx = -1, idx0 = 0, constraint_idx = 0;

	c->sleep_length_ns = in->next_timer_ns;
	if (n < 2)
		return 0;
	if (!eg_idle_state_disabled(in, 0))
		idx = 0;

	/* Candidate: the deepest enabled state. Sum the metrics of the bins
	 * shallower than each enabled state as we go. */
	for (int i = 1; i < n; i++) {
		intercept_sum += c->bins[i - 1].intercepts;
		hit_sum += c->bins[i - 1].hits;
		if (eg_idle_state_disabled(in, i))
			continue;
		if (idx < 0)
			idx0 = i;
		idx = i;
		if (pd->cpu_idle[i].exit_us <= in->latency_req_us)
			constraint_idx = i;
		idx_intercept_sum = intercept_sum;
		idx_hit_sum = hit_sum;
	}
	if (idx < 0)
		return 0; /* nothing enabled: state 0 is the only safe answer */
	if (idx == idx0)
		return idx; /* a single enabled state: no choice to make */

	/* total - idx_hit_sum = intercepts of the shallower bins + everything
	 * at and past the candidate. When the shallower intercepts are more
	 * than half of that, the CPU mostly wakes before the candidate pays
	 * off: walk down to the deepest state that the idle duration reached
	 * in more than half of those intercepted cases. */
	if (2ULL * idx_intercept_sum > (uint64_t)c->total - idx_hit_sum) {
		uint32_t sum = 0;

		for (int i = idx - 1; i >= idx0; i--) {
			sum += c->bins[i].intercepts;
			if (eg_idle_state_disabled(in, i))
				continue;
			idx = i;
			if (2ULL * sum > idx_intercept_sum)
				break;
		}
	}
	/* The latency limit wins over any prediction. As in the kernel this
	 * may land on state 0 even when it is disabled, if no deeper state is
	 * fast enough to leave. */
	if (idx > constraint_idx)
		idx = constraint_idx;
	if (idx == 0)
		return 0;
	/* The next timer ends the idle period anyway: never pick a state
	 * whose residency it would not cover. */
	if (eg_idle_residency_ns(pd, idx) > in->next_timer_ns)
		idx = teo_find_shallower(c, in, idx, in->next_timer_ns);
	return idx;
}

static void teo_reflect(void *state, int idx, uint64_t measured_ns)
{
	struct teo_cpu *c = state;
	const struct eg_pd *pd = c->pd;
	int idx_timer = 0, idx_duration = 0;
	uint64_t total = 0;

	if (idx >= 0 && idx < pd->nr_cpu_idle) {
		uint64_t lat_ns = (uint64_t)pd->cpu_idle[idx].exit_us * NSEC_PER_USEC;

		/* The exit latency is not worst-case every time: take half
		 * of it as the average delay between wakeup and resume. */
		if (measured_ns >= lat_ns)
			measured_ns -= lat_ns / 2;
		else
			measured_ns /= 2;
	}

	for (int i = 0; i < pd->nr_cpu_idle; i++) {
		struct teo_bin *b = &c->bins[i];

		teo_decay(&b->hits);
		teo_decay(&b->intercepts);
		total += (uint64_t)b->hits + b->intercepts;
		if (eg_idle_residency_ns(pd, i) <= c->sleep_length_ns) {
			idx_timer = i;
			if (eg_idle_residency_ns(pd, i) <= measured_ns)
				idx_duration = i;
		}
	}
	total += TEO_PULSE;
	c->total = (uint32_t)EG_MIN(total, (uint64_t)UINT32_MAX);

	/* Same bin as the timer: the timer woke us (a hit). An earlier bin:
	 * something else did (an intercept, counted where the CPU woke). */
	if (idx_timer == idx_duration)
		c->bins[idx_timer].hits += TEO_PULSE;
	else
		c->bins[idx_duration].intercepts += TEO_PULSE;
}

const struct eg_idle_policy_ops eg_idle_teo = {
	.name = "teo",
	.summary = "timer events oriented: deepest state unless recent wakeups came earlier",
	.tunables = teo_tunables,
	.tunables_size = 0,
	.init = teo_init,
	.exit = teo_exit,
	.select = teo_select,
	.reflect = teo_reflect,
};
