// SPDX-License-Identifier: GPL-2.0-or-later
/* conservative on the HiKey960 big domain (OPPs 903/1421/1805/2112/2362 MHz). One step is
 * freq_step 5 % of the max limit: 5 * 2362000 / 100 = 118100 kHz. The requested frequency
 * accumulates steps and resolves to the highest OPP <= it going up (RELATION_H), to the lowest
 * OPP >= it going down (RELATION_L). Derived sampling rate: 8000 us (see fixture.h). */
#include "fixture.h"

static struct fx *cs_new(uint32_t cur_khz, const char *name, const char *value)
{
	struct fx *f = fx_new();

	assert_int_equal(fx_start(f, "conservative", name, value, NULL), 0);
	f->in.cur_khz = cur_khz;
	fx_prime(f);
	return f;
}

/* From 903000 at 90 %: the request grows 118100 per sample, the frequency follows only when
 * the request passes an OPP (H):
 *  1: 1021100 -> 903000   2: 1139200 -> 903000   3: 1257300 -> 903000   4: 1375400 -> 903000
 *  5: 1493500 -> 1421000  6: 1611600 -> 1421000  7: 1729700 -> 1421000  8: 1847800 -> 1805000
 *  9: 1965900 -> 1805000 10: 2084000 -> 1805000 11: 2202100 -> 2112000 12: 2320200 -> 2112000
 * 13: 2438300 clamped to 2362000 -> 2362000    14: already at max -> 2362000 */
static void test_step_up(void **unused)
{
	static const uint32_t want[] = { F0, F0, F0, F0, F1, F1, F1, F2, F2, F2, F3, F3, F4, F4 };
	struct fx *f = cs_new(F0, NULL, NULL);

	(void)unused;
	fx_loads(f, 90, 0, 0, 0);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		assert_int_equal(fx_tick(f), want[i]);
	fx_free(f);
}

/* From 2362000, all CPUs idle (load 0 < 20): the request drops 118100 per sample, the
 * frequency follows when the request passes below an OPP (L):
 *  1: 2243900 -> 2362000  2: 2125800 -> 2362000  3: 2007700 -> 2112000  4: 1889600 -> 2112000
 *  5: 1771500 -> 1805000  6: 1653400 -> 1805000  7: 1535300 -> 1805000  8: 1417200 -> 1421000
 *  9: 1299100 10: 1181000 11: 1062900 12: 944800 -> 1421000
 * 13: 826700, below min -> 903000; 14: the request (below the limits) restarts from the
 *     current 903000 = min -> 903000 */
static void test_step_down_to_min(void **unused)
{
	static const uint32_t want[] = { F4, F4, F3, F3, F2, F2, F2, F1, F1, F1, F1, F1, F0, F0 };
	struct fx *f = cs_new(F4, NULL, NULL);

	(void)unused;
	fx_loads(f, 0, 0, 0, 0);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		assert_int_equal(fx_tick(f), want[i]);
	fx_free(f);
}

/* Between the thresholds (20 <= load <= 80) the request holds; the max over CPUs decides:
 * 10/50/0/0 -> 50: hold at 1805000; 10/0/0/85 -> 85: +118100 = 1923100 -> H -> 1805000, then
 * 2041200 -> 1805000, 2159300 -> 2112000. Also no decision before the period. */
static void test_hold_and_max(void **unused)
{
	struct fx *f = cs_new(F2, NULL, NULL);

	(void)unused;
	fx_loads(f, 10, 50, 0, 0);
	fx_advance(f, MS(4));
	assert_int_equal(fx_update(f, EG_REASON_TIMER, false), 0);
	assert_int_equal(fx_tick(f), F2);
	assert_int_equal(fx_tick(f), F2);
	fx_loads(f, 10, 0, 0, 85);
	assert_int_equal(fx_tick(f), F2);
	assert_int_equal(fx_tick(f), F2);
	assert_int_equal(fx_tick(f), F3);
	fx_free(f);
}

/* sampling_down_factor 2: going down is looked at every second sample only. From 2362000 at
 * 0 %: 1 skipped, 2: 2243900 -> L -> 2362000, 3 skipped, 4: 2125800 -> 2362000, 5 skipped,
 * 6: 2007700 -> 2112000, 7 skipped. Sample 8 at 90 % steps up (2125800 -> H -> 2112000) and
 * resets the count, so at 0 % again 9 is skipped, 10: 2007700 -> 2112000, 11 skipped, 12:
 * 1889600 -> 2112000, 13 skipped, 14: 1771500 -> 1805000. (Without the reset, 9 would step
 * and 1805000 would come at 13.) */
static void test_sampling_down_factor(void **unused)
{
	static const uint32_t down[] = { F4, F4, F4, F4, F4, F3, F3 };
	struct fx *f = cs_new(F4, "sampling_down_factor", "2");

	(void)unused;
	fx_loads(f, 0, 0, 0, 0);
	for (size_t i = 0; i < sizeof(down) / sizeof(down[0]); i++)
		assert_int_equal(fx_tick(f), down[i]);
	fx_loads(f, 90, 0, 0, 0);
	assert_int_equal(fx_tick(f), F3);
	fx_loads(f, 0, 0, 0, 0);
	assert_int_equal(fx_tick(f), F3);
	assert_int_equal(fx_tick(f), F3);
	assert_int_equal(fx_tick(f), F3);
	assert_int_equal(fx_tick(f), F3);
	assert_int_equal(fx_tick(f), F3);
	assert_int_equal(fx_tick(f), F2);
	fx_free(f);
}

/* Limits: at 2362000, max limited to 1805000 -> 1805000 at once (no sample). At the next
 * sample at 90 % the request (2362000) is outside the limits, so it restarts from the current
 * 1805000 = max -> stays. Lifted -> still 1805000 (the request is 1805000 now), and the climb
 * resumes with steps of 5 % of the new max: 1923100 -> H -> 1805000, 2041200 -> 1805000,
 * 2159300 -> 2112000. */
static void test_limits(void **unused)
{
	struct fx *f = cs_new(F4, NULL, NULL);

	(void)unused;
	fx_loads(f, 50, 0, 0, 0);
	assert_int_equal(fx_tick(f), F4);
	fx_advance(f, MS(1));
	f->in.max_khz = F2;
	assert_int_equal(fx_update(f, EG_REASON_LIMITS, true), 1);
	assert_int_equal(f->out.khz, F2);
	fx_loads(f, 90, 0, 0, 0);
	assert_int_equal(fx_tick(f), F2);
	f->in.max_khz = F4;
	assert_int_equal(fx_update(f, EG_REASON_LIMITS, true), 1);
	assert_int_equal(f->out.khz, F2);
	assert_int_equal(fx_tick(f), F2);
	assert_int_equal(fx_tick(f), F2);
	assert_int_equal(fx_tick(f), F3);
	/* min raised to 2362000 -> 2362000 */
	f->in.min_khz = F4;
	assert_int_equal(fx_update(f, EG_REASON_LIMITS, true), 1);
	assert_int_equal(f->out.khz, F4);
	fx_free(f);
}

/* A late sample after a long idle window counts the missed samples (idle_periods): from
 * 2362000, one idle sample -> 2243900 (-> 2362000, and the CPU's last load is 0 so no reuse).
 * Then 40 ms idle = 5 periods > 2: 2243900 - 5 * 118100 = 1653400, and the idle sample itself
 * takes one more step: 1535300 -> L -> 1805000 (one step only would give 2125800 -> 2362000). */
static void test_idle_periods(void **unused)
{
	struct fx *f = cs_new(F4, NULL, NULL);

	(void)unused;
	fx_loads(f, 0, 0, 0, 0);
	assert_int_equal(fx_tick(f), F4);
	fx_advance(f, MS(40));
	assert_int_equal(fx_update(f, EG_REASON_TIMER, false), 1);
	assert_int_equal(f->out.khz, F2);
	fx_free(f);
}

/* Thresholds that cross are refused at init; ranges by the table. */
static void test_tunables(void **unused)
{
	struct fx *f = fx_new();

	(void)unused;
	assert_int_equal(fx_start(f, "conservative", "up_threshold", "50", "down_threshold", "50",
				  NULL),
			 -EINVAL);
	fx_free(f);
	f = fx_new();
	assert_int_equal(fx_start(f, "conservative", NULL), 0);
	assert_int_equal(eg_tunables_set(f->ops->tunables, f->tun, "freq_step", "101", NULL, 0),
			 -ERANGE);
	assert_int_equal(eg_tunables_set(f->ops->tunables, f->tun, "sampling_down_factor", "11",
					 NULL, 0),
			 -ERANGE);
	fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_step_up),	     cmocka_unit_test(test_step_down_to_min),
		cmocka_unit_test(test_hold_and_max), cmocka_unit_test(test_sampling_down_factor),
		cmocka_unit_test(test_limits),	     cmocka_unit_test(test_idle_periods),
		cmocka_unit_test(test_tunables),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
