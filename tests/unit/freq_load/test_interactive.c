// SPDX-License-Identifier: GPL-2.0-or-later
/* interactive on the HiKey960 big domain (OPPs 903/1421/1805/2112/2362 MHz). loadadjfreq =
 * load % x cur kHz; the choice is the lowest OPP f with loadadjfreq / target_load(f) <= f.
 * Defaults: timer_rate 20 ms, go_hispeed_load 99, hispeed_freq = max, target_loads 90,
 * above_hispeed_delay 20 ms, min_sample_time 80 ms. */
#include "fixture.h"

static struct fx *it_new(uint32_t cur_khz, ...)
{
	struct fx *f = fx_new();
	va_list ap;

	va_start(ap, cur_khz);
	assert_int_equal(fx_start_v(f, "interactive", ap), 0);
	va_end(ap);
	f->in.cur_khz = cur_khz;
	fx_prime(f);
	return f;
}

/* target_loads 90, min_sample_time 0. From 1805000:
 * 50 % -> 50 x 1805000 / 90 = 1002777 -> lowest OPP >= it: 1421000 (target load there is 90
 *         too, so it is the answer)
 * 50 % at 1421000 -> 789444 -> 903000
 * 95 % at 903000 -> 953166 -> 1421000
 * 100 % at 1421000 >= go_hispeed_load 99 -> jump to hispeed_freq 2362000
 * 0 % -> 0 -> 903000 (all idle: the minimum)
 * No decision before the 20 ms timer. */
static void test_choose_freq(void **unused)
{
	struct fx *f = it_new(F2, "min_sample_time", "0", NULL);

	(void)unused;
	fx_loads(f, 50, 0, 0, 0);
	fx_advance(f, MS(19));
	assert_int_equal(fx_update(f, EG_REASON_TIMER, false), 0);
	assert_int_equal(fx_tick(f), F1);
	assert_int_equal(fx_tick(f), F0);
	fx_loads(f, 95, 0, 0, 0);
	assert_int_equal(fx_tick(f), F1);
	fx_loads(f, 20, 100, 0, 0);
	assert_int_equal(fx_tick(f), F4);
	fx_loads(f, 0, 0, 0, 0);
	assert_int_equal(fx_tick(f), F0);
	fx_free(f);
}

/* target_loads by frequency. "90 1500000:50" from 1421000 at 95 %: 134995000 / 90 = 1499944
 * -> 1805000, where the target is 50: 134995000 / 50 = 2699900 -> 2362000, target 50 again ->
 * 2362000 (with a flat 90 it would stop at 1805000).
 * "50 1500000:95" from 1805000 at 60 %: 108300000 / 95 = 1140000 -> 1421000, where the target
 * is 50: 2166000 -> above 1805000 already known fast enough -> the OPP below 1805000 is
 * 1421000, known too slow -> 1805000 (a flat 90 would give 1203333 -> 1421000). */
static void test_target_loads_map(void **unused)
{
	struct fx *f = it_new(F1, "min_sample_time", "0", "target_loads", "90 1500000:50", NULL);

	(void)unused;
	fx_loads(f, 95, 0, 0, 0);
	assert_int_equal(fx_tick(f), F4);
	fx_free(f);

	f = it_new(F1, "min_sample_time", "0", NULL);
	fx_loads(f, 95, 0, 0, 0);
	assert_int_equal(fx_tick(f), F2);
	fx_free(f);

	f = it_new(F2, "min_sample_time", "0", "target_loads", "50 1500000:95", NULL);
	fx_loads(f, 60, 0, 0, 0);
	assert_int_equal(fx_tick(f), F2);
	fx_free(f);

	f = it_new(F2, "min_sample_time", "0", NULL);
	fx_loads(f, 60, 0, 0, 0);
	assert_int_equal(fx_tick(f), F1);
	fx_free(f);
}

/* hispeed_freq 1805000, go_hispeed_load 85, above_hispeed_delay "40000 2000000:60000" (40 ms
 * below 2000000, 60 ms from there), min_sample_time 0. Timers at 20 ms steps from t0:
 *  20: 90 % >= 85 at 903000 -> jump to hispeed 1805000
 *  40: 100 % at 1805000 -> 180500000 / 90 = 2005555 -> 2112000, but only 20 ms since the
 *      last validation < 40 ms (delay at 1805000) -> hold 1805000
 *  60: 40 ms >= 40 -> 2112000
 *  80, 100: 100 % at 2112000 -> 2346666 -> 2362000; delay at 2112000 is 60 ms: 20, 40 -> hold
 * 120: 60 ms -> 2362000 */
static void test_hispeed_and_delay(void **unused)
{
	static const uint32_t want[] = { F2, F2, F3, F3, F3, F4 };
	struct fx *f = it_new(F0, "hispeed_freq", "1805000", "go_hispeed_load", "85",
			      "above_hispeed_delay", "40000 2000000:60000", "min_sample_time", "0",
			      NULL);

	(void)unused;
	fx_loads(f, 90, 0, 0, 0);
	assert_int_equal(fx_tick(f), want[0]);
	fx_loads(f, 100, 0, 0, 0);
	for (size_t i = 1; i < sizeof(want) / sizeof(want[0]); i++)
		assert_int_equal(fx_tick(f), want[i]);
	fx_free(f);
}

/* A climb from below hispeed_freq stops there first, burst or not. hispeed_freq 1421000,
 * go_hispeed_load 85, target_loads 50, min_sample_time 0, from 903000:
 * 84 % (no burst): 84 x 903000 / 50 = 1517040 -> 1805000 > hispeed while below it -> 1421000
 * back to 903000 (0 %), then 100 % (burst): 1806000 -> 2112000, but first hispeed -> 1421000
 * next timer, 100 % at 1421000: 2842000 -> 2362000 (20 ms since validation, delay 20 ms) */
static void test_hispeed_first(void **unused)
{
	struct fx *f = it_new(F0, "hispeed_freq", "1421000", "go_hispeed_load", "85",
			      "target_loads", "50", "min_sample_time", "0", NULL);

	(void)unused;
	fx_loads(f, 84, 0, 0, 0);
	assert_int_equal(fx_tick(f), F1);
	fx_loads(f, 0, 0, 0, 0);
	assert_int_equal(fx_tick(f), F0);
	fx_loads(f, 100, 0, 0, 0);
	assert_int_equal(fx_tick(f), F1);
	assert_int_equal(fx_tick(f), F4);
	fx_free(f);
}

/* min_sample_time 80 ms (default): from 2362000 (chosen at t0), all idle -> 903000 wanted, but
 * held at 2362000 at t0 + 20, 40, 60 and allowed at t0 + 80. Then 95 % at 903000 -> 1421000 at
 * t0 + 100 (a new floor), idle again -> held at 1421000 until t0 + 180. */
static void test_min_sample_time(void **unused)
{
	struct fx *f = it_new(F4, NULL);

	(void)unused;
	fx_loads(f, 0, 0, 0, 0);
	assert_int_equal(fx_tick(f), F4);
	assert_int_equal(fx_tick(f), F4);
	assert_int_equal(fx_tick(f), F4);
	assert_int_equal(fx_tick(f), F0);
	fx_loads(f, 95, 0, 0, 0);
	assert_int_equal(fx_tick(f), F1);
	fx_loads(f, 0, 0, 0, 0);
	assert_int_equal(fx_tick(f), F1);
	assert_int_equal(fx_tick(f), F1);
	assert_int_equal(fx_tick(f), F1);
	assert_int_equal(fx_tick(f), F0);
	fx_free(f);
}

/* Limits clamp the target without a sample (the next timer does not move): at 2362000, max
 * 1805000 -> 1805000; lifted -> the target stays 1805000 (the original clamps its target);
 * the next sample at 100 % (>= 99, below hispeed) jumps back to 2362000. With the target at
 * 903000, min raised to 2112000 -> 2112000. */
static void test_limits(void **unused)
{
	struct fx *f = it_new(F4, "min_sample_time", "0", NULL);
	uint64_t next;

	(void)unused;
	fx_loads(f, 100, 0, 0, 0);
	assert_int_equal(fx_tick(f), F4);
	next = f->ops->next_timer(f->st);
	fx_advance(f, MS(5));
	f->in.max_khz = F2;
	assert_int_equal(fx_update(f, EG_REASON_LIMITS, true), 1);
	assert_int_equal(f->out.khz, F2);
	f->in.max_khz = F4;
	assert_int_equal(fx_update(f, EG_REASON_LIMITS, true), 1);
	assert_int_equal(f->out.khz, F2);
	assert_int_equal(f->ops->next_timer(f->st), next);
	assert_int_equal(fx_tick(f), F4);
	fx_loads(f, 0, 0, 0, 0);
	assert_int_equal(fx_tick(f), F0);
	f->in.min_khz = F3;
	assert_int_equal(fx_update(f, EG_REASON_LIMITS, true), 1);
	assert_int_equal(f->out.khz, F3);
	fx_free(f);
}

static void test_tunables(void **unused)
{
	struct fx *f = fx_new();
	char buf[128];

	(void)unused;
	assert_int_equal(
		fx_start(f, "interactive", "target_loads", "85 1500000:90 2000000:95", NULL), 0);
	eg_tunables_format(eg_tunables_find(f->ops->tunables, "target_loads"), f->tun, buf,
			   sizeof(buf));
	assert_string_equal(buf, "85 1500000:90 2000000:95");
	assert_int_equal(eg_tunables_set(f->ops->tunables, f->tun, "target_loads", "0", NULL, 0),
			 -ERANGE);
	assert_int_equal(eg_tunables_set(f->ops->tunables, f->tun, "timer_rate", "999", NULL, 0),
			 -ERANGE);
	assert_int_equal(eg_tunables_set(f->ops->tunables, f->tun, "boost", "1", NULL, 0), -ENOENT);
	fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_choose_freq),	  cmocka_unit_test(test_target_loads_map),
		cmocka_unit_test(test_hispeed_and_delay), cmocka_unit_test(test_hispeed_first),
		cmocka_unit_test(test_min_sample_time),	  cmocka_unit_test(test_limits),
		cmocka_unit_test(test_tunables),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
