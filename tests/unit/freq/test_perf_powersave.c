// SPDX-License-Identifier: GPL-2.0-or-later
/* performance and powersave on the hand-built HiKey960 big domain (OPPs
 * 903/1421/1805/2112/2362 MHz): the highest / lowest OPP within the limits,
 * answering on the first call and on limits changes only. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "hikey960.h"

extern const struct eg_freq_policy_ops eg_freq_performance;
extern const struct eg_freq_policy_ops eg_freq_powersave;

#define BIG 1

static void expect_freq(struct fx *f, uint64_t now, bool limits, uint32_t khz)
{
	struct eg_freq_output out;

	assert_int_equal(fx_step(f, now, limits ? -1 : 4, limits, &out), 1);
	assert_int_equal(out.khz, khz);
	assert_false(out.urgent);
}

static void expect_none(struct fx *f, uint64_t now)
{
	struct eg_freq_output out;

	assert_int_equal(fx_step(f, now, 4, false, &out), 0);
}

static void test_performance(void **unused)
{
	struct eg_freq_output out;
	struct fx f;

	(void)unused;
	assert_int_equal(fx_start(&f, fx_hikey960(7), BIG, &eg_freq_performance, NULL), 0);
	/* First call: the top OPP, with every CPU idle. */
	expect_freq(&f, MS(1), false, MHZ(2362));
	/* Util changes say nothing new. */
	f.cpu[4].util = 1024;
	expect_none(&f, MS(2));
	/* Max lowered to 1805000: that OPP. */
	f.max_khz = MHZ(1805);
	expect_freq(&f, MS(3), true, MHZ(1805));
	/* Max between OPPs (2000000): the highest OPP below it, 1805000;
	 * still an answer, since the limits changed. */
	f.max_khz = MHZ(2000);
	expect_freq(&f, MS(4), true, MHZ(1805));
	/* Limits moved without the flag: the answer moved, so it is given. */
	f.max_khz = MHZ(2112);
	expect_freq(&f, MS(5), false, MHZ(2112));
	/* No OPP inside [2150000, 2200000]: an error. */
	f.min_khz = MHZ(2150);
	f.max_khz = MHZ(2200);
	assert_int_equal(fx_step(&f, MS(6), -1, true, &out), -ERANGE);
	assert_true(eg_freq_performance.next_timer(f.st) == EG_NEVER);
	fx_stop(&f);
}

static void test_powersave(void **unused)
{
	struct fx f;

	(void)unused;
	assert_int_equal(fx_start(&f, fx_hikey960(7), BIG, &eg_freq_powersave, NULL), 0);
	/* First call: the bottom OPP, even with an RT task and full util. */
	f.cpu[5].util = 1024;
	f.cpu[5].rt_runnable = true;
	expect_freq(&f, MS(1), false, MHZ(903));
	expect_none(&f, MS(2));
	/* Min raised to 1421000: that OPP. */
	f.min_khz = MHZ(1421);
	expect_freq(&f, MS(3), true, MHZ(1421));
	/* Min between OPPs (1500000): the lowest OPP above it, 1805000. */
	f.min_khz = MHZ(1500);
	expect_freq(&f, MS(4), true, MHZ(1805));
	/* Back to no floor, said with the flag and the same min again. */
	f.min_khz = MHZ(903);
	expect_freq(&f, MS(5), true, MHZ(903));
	expect_freq(&f, MS(6), true, MHZ(903));
	assert_true(eg_freq_powersave.next_timer(f.st) == EG_NEVER);
	fx_stop(&f);
}

static void test_powersave_keeps_inefficient(void **unused)
{
	/* Big powers 400000, 500000, 600000, 900000, 1200000 uW; perf 391,
	 * 616, 782, 915, 1024; cost = 10 * P / perf: 10230, 8116, 7672, 9836,
	 * 11718. From the top the lowest cost seen drops to 7672 at 1805 MHz,
	 * so 1421 MHz (8116) and 903 MHz (10230) are both inefficient.
	 * powersave wants the lowest frequency, not the lowest energy: 903000. */
	static const uint64_t power[] = { 400000, 500000, 600000, 900000, 1200000 };
	struct eg_model *m = fx_hikey960(7);
	struct fx f;

	(void)unused;
	m->pds[BIG].dyn_power_coeff = 0;
	for (int i = 0; i < 5; i++)
		m->pds[BIG].opps[i].power_uw = power[i];
	assert_int_equal(fx_start(&f, m, BIG, &eg_freq_powersave, NULL), 0);
	assert_true(f.pd->opps[0].inefficient);
	assert_true(f.pd->opps[1].inefficient);
	expect_freq(&f, MS(1), false, MHZ(903));
	fx_stop(&f);
}

static void test_ops(void **unused)
{
	(void)unused;
	assert_ptr_equal(eg_freq_policy_find("performance"), &eg_freq_performance);
	assert_ptr_equal(eg_freq_policy_find("powersave"), &eg_freq_powersave);
	/* No tunables: an empty table, and any name is unknown. */
	assert_null(eg_freq_performance.tunables[0].name);
	assert_null(eg_freq_powersave.tunables[0].name);
	assert_int_equal(eg_freq_performance.tunables_size, 0);
	assert_int_equal(eg_tunables_set(eg_freq_powersave.tunables, NULL, "rate_limit_us", "10",
					 NULL, 0),
			 -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_performance),
		cmocka_unit_test(test_powersave),
		cmocka_unit_test(test_powersave_keeps_inefficient),
		cmocka_unit_test(test_ops),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
