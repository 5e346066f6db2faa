// SPDX-License-Identifier: GPL-2.0-or-later
/* The menu idle policy, after the kernel's drivers/cpuidle/governors/menu.c:
 * predicted idle = time to the next timer x a learned correction factor (one
 * per order of magnitude of that time), bounded by the "typical interval" of
 * the last 8 idle periods when they are regular; then the deepest enabled
 * state whose target residency fits the prediction and whose exit latency
 * fits the latency limit.
 *
 * Left out, because the simulator has no scheduler tick and no polling state:
 * the tick-stop decisions, the polling-state special case, the "tick woke us"
 * correction, and the shortcut that skips reading the timer when the typical
 * interval is tiny (reading it costs nothing here, so it is always used). */
#include <stddef.h>
#include <stdlib.h>

#include "policy.h"
#include "util.h"

#define MENU_BUCKETS 6
#define MENU_INTERVAL_SHIFT 3
#define MENU_INTERVALS (1U << MENU_INTERVAL_SHIFT)
#define MENU_RESOLUTION 1024ULL
#define MENU_DECAY 8ULL
/* Idle periods this long count as a perfect prediction: past 50 ms there is
 * no more energy to gain from a better guess. */
#define MENU_MAX_INTERESTING_NS (50000ULL * NSEC_PER_USEC)
/* The next timer can be "never" (EG_NEVER); bound it so that timer x
 * correction factor stays far from overflowing 64 bits. */
#define MENU_MAX_SLEEP_NS (3600ULL * NSEC_PER_SEC)
#define MENU_NO_TYPICAL UINT32_MAX

struct menu_tunables {
	bool use_typical;
};

static const struct eg_tunable menu_tunables[] = {
	{ .name = "use_typical",
	  .type = EG_TUN_BOOL,
	  .offset = offsetof(struct menu_tunables, use_typical),
	  .def = "yes",
	  .unit = "",
	  .help = "bound the prediction by the typical interval of the last 8 idle periods "
		  "when they are regular" },
	EG_TUNABLE_END,
};

struct menu_cpu {
	const struct eg_pd *pd;
	struct menu_tunables tun;
	/* Learned ratio measured / timer per bucket, scaled by
	 * RESOLUTION * DECAY (8192 = unity). */
	uint32_t correction[MENU_BUCKETS];
	uint32_t intervals_us[MENU_INTERVALS];
	unsigned int interval_ptr;
	/* What the last select() saw, for reflect(). */
	uint64_t next_timer_ns;
	int bucket;
};

/* One factor per order of magnitude of the timer distance: an interrupt
 * cutting a 500 ms sleep short is far likelier than one cutting 50 us short. */
static int menu_bucket(uint64_t timer_ns)
{
	return (timer_ns >= 10 * NSEC_PER_USEC) + (timer_ns >= 100 * NSEC_PER_USEC) +
	       (timer_ns >= 1000 * NSEC_PER_USEC) + (timer_ns >= 10000 * NSEC_PER_USEC) +
	       (timer_ns >= 100000 * NSEC_PER_USEC);
}

/* Repeating-interval detector: some wakeups are periodic but not timers
 * (interrupt mitigation, a mouse, a fixed-rate device), and the timer says
 * nothing about them. If the last 8 idle periods are regular (standard
 * deviation small next to the mean, or tiny in absolute terms), their mean is
 * a better prediction. Outliers are dropped one side at a time (the side
 * farther from the mean) as long as 3/4 of the samples remain, so a few long
 * pauses among many short idles do not hide the short pattern. */
static uint32_t menu_typical_us(const struct menu_cpu *c)
{
	int64_t min_thresh = -1, max_thresh = (int64_t)UINT32_MAX;

	for (;;) {
		uint64_t sum = 0, sq = 0, avg, variance, avg_sq;
		uint32_t max = 0, min = UINT32_MAX;
		unsigned int n = 0;

		for (unsigned int i = 0; i < MENU_INTERVALS; i++) {
			uint32_t v = c->intervals_us[i];

			if ((int64_t)v <= min_thresh || (int64_t)v >= max_thresh)
				continue;
			n++;
			sum += v;
			sq += (uint64_t)v * v;
			max = EG_MAX(max, v);
			min = EG_MIN(min, v);
		}
		if (max == 0)
			return MENU_NO_TYPICAL;
		avg = sum / n;
		variance = sq / n;
		avg_sq = avg * avg;
		variance = variance >= avg_sq ? variance - avg_sq : 0;
		/* avg^2 > 36 var is "stddev < avg / 6"; var <= 400 is
		 * "stddev <= 20 us", regular whatever the mean. */
		if (variance <= UINT64_MAX / 36 &&
		    ((avg_sq > variance * 36 && n * 4 >= MENU_INTERVALS * 3) || variance <= 400))
			return (uint32_t)avg;
		if (n * 4 <= MENU_INTERVALS * 3)
			return MENU_NO_TYPICAL;
		if (avg - min > max - avg)
			min_thresh = min;
		else
			max_thresh = max;
	}
}

static int menu_init(void **state, const struct eg_pd *pd, int cpu, const void *tunables)
{
	struct menu_cpu *c;

	(void)cpu;
	if (!pd)
		return -EINVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->pd = pd;
	eg_tunables_init(menu_tunables, &c->tun, tunables, sizeof(c->tun));
	/* Start at unity: trust the timer until wakeups say otherwise. */
	for (int i = 0; i < MENU_BUCKETS; i++)
		c->correction[i] = (uint32_t)(MENU_RESOLUTION * MENU_DECAY);
	c->bucket = MENU_BUCKETS - 1;
	*state = c;
	return 0;
}

static void menu_exit(void *state)
{
	free(state);
}

static int menu_select(void *state, const struct eg_idle_input *in)
{
	struct menu_cpu *c = state;
	const struct eg_pd *pd = c->pd;
	uint64_t timer_ns = EG_MIN(in->next_timer_ns, MENU_MAX_SLEEP_NS);
	const uint64_t div = MENU_RESOLUTION * MENU_DECAY * NSEC_PER_USEC;
	uint64_t predicted_ns = UINT64_MAX, timer_us;
	int n = pd->nr_cpu_idle, idx = -1;

	if (c->tun.use_typical) {
		uint32_t typical = menu_typical_us(c);

		if (typical != MENU_NO_TYPICAL)
			predicted_ns = (uint64_t)typical * NSEC_PER_USEC;
	}
	c->next_timer_ns = timer_ns;
	c->bucket = menu_bucket(timer_ns);
	/* Rounded to the nearest microsecond, as the kernel does. */
	timer_us = (timer_ns * c->correction[c->bucket] + div / 2) / div;
	predicted_ns = EG_MIN(predicted_ns, timer_us * NSEC_PER_USEC);

	if (n <= 1 || in->latency_req_us == 0)
		return 0;
	/* When even state 1 cannot pay off or is too slow to leave, state 0
	 * is the answer whatever the prediction. */
	if ((timer_ns < eg_idle_residency_ns(pd, 1) ||
	     in->latency_req_us < pd->cpu_idle[1].exit_us) &&
	    !eg_idle_state_disabled(in, 0))
		return 0;

	for (int i = 0; i < n; i++) {
		const struct eg_idle_state *s = &pd->cpu_idle[i];

		if (eg_idle_state_disabled(in, i))
			continue;
		if (idx < 0)
			idx = i; /* the shallowest enabled state is the fallback */
		if (s->exit_us > in->latency_req_us)
			break;
		if ((uint64_t)s->residency_us * NSEC_PER_USEC > predicted_ns)
			break;
		idx = i;
	}
	return idx < 0 ? 0 : idx;
}

static void menu_reflect(void *state, int idx, uint64_t measured_ns)
{
	struct menu_cpu *c = state;
	uint64_t exit_ns = 0, factor;

	if (idx >= 0 && idx < c->pd->nr_cpu_idle)
		exit_ns = (uint64_t)c->pd->cpu_idle[idx].exit_us * NSEC_PER_USEC;
	/* The measured time includes the exit latency; what matters is when
	 * the wakeup came. A period shorter than twice the exit latency may
	 * never have reached the state: take half of it as a rough guess. */
	if (measured_ns > 2 * exit_ns)
		measured_ns -= exit_ns;
	else
		measured_ns /= 2;
	/* The factor is a ratio <= 1: sleeping past the timer is not news. */
	measured_ns = EG_MIN(measured_ns, c->next_timer_ns);

	factor = c->correction[c->bucket];
	factor -= factor / MENU_DECAY;
	if (c->next_timer_ns > 0 && measured_ns < MENU_MAX_INTERESTING_NS)
		factor += MENU_RESOLUTION * measured_ns / c->next_timer_ns;
	else
		factor += MENU_RESOLUTION;
	c->correction[c->bucket] = (uint32_t)factor;

	c->intervals_us[c->interval_ptr] =
		(uint32_t)EG_MIN(measured_ns / NSEC_PER_USEC, (uint64_t)UINT32_MAX - 1);
	c->interval_ptr = (c->interval_ptr + 1) & (MENU_INTERVALS - 1);
}

const struct eg_idle_policy_ops eg_idle_menu = {
	.name = "menu",
	.summary = "next timer x learned correction, bounded by the typical recent idle interval",
	.tunables = menu_tunables,
	.tunables_size = sizeof(struct menu_tunables),
	.init = menu_init,
	.exit = menu_exit,
	.select = menu_select,
	.reflect = menu_reflect,
};
