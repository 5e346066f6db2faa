// SPDX-License-Identifier: GPL-2.0-or-later
/* schedutil on a hand-built HiKey960: scripted util sequences, each expected
 * decision derived in a comment. Big domain (pd 1): CPUs 4-7, max_cap 1024,
 * cpuinfo max 2362 MHz, OPPs 903/1421/1805/2112/2362 MHz. Little (pd 0): CPUs
 * 0-3, OPPs 533/999/1402/1709/1844 MHz. Default rate limit 450 us (fixture:
 * 300 us transition latency x 1.5). Frequency for a util u with headroom:
 * next_f = fmax * (u + u/4) / max_cap, then the lowest OPP >= next_f. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "hikey960.h"

extern const struct eg_freq_policy_ops eg_freq_schedutil;

#define LITTLE 0
#define BIG 1

/* The policy's tunables: defaults, then name/value pairs, NULL-ended;
 * a name or value the policy refuses fails the test. */
static void *must(void *tun)
{
	assert_non_null(tun);
	return tun;
}

#define su_tun(...) must(fx_tunables(&eg_freq_schedutil, __VA_ARGS__))

static void start(struct fx *f, struct eg_model *m, int pd, void *tun)
{
	memset(f, 0, sizeof(*f));
	assert_int_equal(fx_start(f, m, pd, &eg_freq_schedutil, tun), 0);
}

/* Expect a decision of khz (urgent or not) at time now. */
static void expect_freq(struct fx *f, uint64_t now, int trigger, bool limits, uint32_t khz,
			bool urgent)
{
	struct eg_freq_output out;

	assert_int_equal(fx_step(f, now, trigger, limits, &out), 1);
	assert_int_equal(out.khz, khz);
	assert_int_equal(out.urgent, urgent);
}

static void expect_none(struct fx *f, uint64_t now, int trigger)
{
	struct eg_freq_output out;

	assert_int_equal(fx_step(f, now, trigger, false, &out), 0);
}

static void test_fixture_capacity(void **unused)
{
	struct fx f;

	(void)unused;
	start(&f, fx_hikey960(7), BIG, NULL);
	/* Raw capacities: big 1024 * 2362000, little 592 * 1844000. Big is the
	 * largest, so 1024; little = 592*1844000*1024 / (1024*2362000)
	 * = 1091648000 / 2362000 = 462.17 -> 462. */
	assert_int_equal(f.m->pds[BIG].max_cap, 1024);
	assert_int_equal(f.m->pds[LITTLE].max_cap, 462);
	/* P = C V^2 f with V rising: cost ~ V^2 rises with every OPP, so none
	 * is inefficient (the inefficient case has its own test). */
	for (int i = 0; i < 5; i++) {
		assert_false(f.m->pds[BIG].opps[i].inefficient);
		assert_false(f.m->pds[LITTLE].opps[i].inefficient);
	}
	fx_stop(&f);
}

static void test_big_util(void **unused)
{
	struct fx f;

	(void)unused;
	start(&f, fx_hikey960(7), BIG, NULL);
	/* 400 + 400/4 = 500; 2362000 * 500 / 1024 = 1153320 kHz; lowest OPP
	 * >= that is 1421000. */
	f.cpu[5].util = 400;
	expect_freq(&f, MS(1), 5, false, MHZ(1421), false);
	fx_stop(&f);
}

static void test_little_own_max_cap(void **unused)
{
	struct fx f;

	(void)unused;
	start(&f, fx_hikey960(7), LITTLE, NULL);
	/* 200 -> 250; with the little's own max_cap 462: 1844000 * 250 / 462
	 * = 997835 -> 999000. (With 1024 it would be 450195 -> 533000.) */
	f.cpu[2].util = 200;
	expect_freq(&f, MS(1), 2, false, MHZ(999), false);
	fx_stop(&f);
}

static void test_shared_max(void **unused)
{
	struct fx f;

	(void)unused;
	start(&f, fx_hikey960(7), BIG, NULL);
	/* CPU 4: 100 -> 125; CPU 6: 700 -> 875; CPU 7 offline with 1000 does
	 * not count. max 875: 2362000 * 875 / 1024 = 2018310 -> 2112000.
	 * (Counting CPU 7: 1250 -> above fmax -> 2362000.) */
	f.cpu[4].util = 100;
	f.cpu[6].util = 700;
	f.cpu[7].util = 1000;
	f.cpu[7].online = false;
	expect_freq(&f, MS(1), 4, false, MHZ(2112), false);
	/* CPU 6 idles: max is CPU 4's 125: 2362000 * 125 / 1024 = 288330
	 * -> 903000. The update comes from CPU 4, not the CPU that changed. */
	f.cpu[6].util = 0;
	expect_freq(&f, MS(2), 4, false, MHZ(903), false);
	/* Nothing changed: nothing to say. */
	expect_none(&f, MS(3), 5);
	fx_stop(&f);
}

static void test_rt_runnable_max(void **unused)
{
	struct fx f;

	(void)unused;
	start(&f, fx_hikey960(7), BIG, NULL);
	/* An RT task on CPU 5 asks for max capacity whatever its util (50)
	 * and despite uclamp_max 512: 1024 -> 2362000 * 1024 / 1024. */
	f.cpu[5].util = 50;
	f.cpu[5].uclamp_max = 512;
	f.cpu[5].rt_runnable = true;
	expect_freq(&f, MS(1), 5, false, MHZ(2362), false);
	/* RT gone: 50 -> 62 -> 2362000 * 62 / 1024 = 143011 -> 903000. */
	f.cpu[5].rt_runnable = false;
	expect_freq(&f, MS(2), 5, false, MHZ(903), false);
	fx_stop(&f);
}

static void test_rate_limit(void **unused)
{
	struct fx f;
	uint64_t t0 = MS(10), t1;

	(void)unused;
	start(&f, fx_hikey960(7), BIG, NULL);
	f.cpu[4].util = 400;
	expect_freq(&f, t0, 4, false, MHZ(1421), false);
	/* 900 -> 1125 -> above fmax -> 2362000, but the 450 us rate limit
	 * (300 us latency + 150) has not passed at +100 us nor at +449 us. */
	f.cpu[4].util = 900;
	expect_none(&f, t0 + US(100), 4);
	expect_none(&f, t0 + US(449), 4);
	t1 = t0 + US(500);
	expect_freq(&f, t1, 4, false, MHZ(2362), false);
	/* At t1 + 450 us the same answer is computed: no change, and the
	 * limit keeps counting from t1 (the last change), so at t1 + 500 us
	 * the drop to 1421000 goes through. Had the unchanged answer restarted
	 * the limit, +500 would be only 50 us after it. */
	expect_none(&f, t1 + US(450), 4);
	f.cpu[4].util = 400;
	expect_freq(&f, t1 + US(500), 4, false, MHZ(1421), false);
	fx_stop(&f);
}

/* Change util 400 -> 900 at t0 and check the change is refused at
 * t0 + limit - 1 us and made at t0 + limit. */
static void check_rate_limit(struct eg_model *m, void *tun, uint64_t limit_us)
{
	struct fx f;
	uint64_t t0 = MS(10);

	start(&f, m, BIG, tun);
	f.cpu[4].util = 400;
	expect_freq(&f, t0, 4, false, MHZ(1421), false);
	f.cpu[4].util = 900;
	expect_none(&f, t0 + US(limit_us) - US(1), 4);
	expect_freq(&f, t0 + US(limit_us), 4, false, MHZ(2362), false);
	fx_stop(&f);
}

static void test_rate_limit_sources(void **unused)
{
	struct eg_model *m;

	(void)unused;
	/* The driver's transition delay wins over the latency: 2000 us. */
	m = fx_hikey960(7);
	m->pds[BIG].transition_delay_us = 2000;
	check_rate_limit(m, NULL, 2000);
	/* Neither delay nor latency: 1000 us. */
	m = fx_hikey960(7);
	m->pds[BIG].transition_latency_ns = 0;
	check_rate_limit(m, NULL, 1000);
	/* Latency under 1 us rounds to 0 us: also 1000 us. */
	m = fx_hikey960(7);
	m->pds[BIG].transition_latency_ns = 999;
	check_rate_limit(m, NULL, 1000);
	/* The tunable overrides the derived 450 us. */
	check_rate_limit(fx_hikey960(7), su_tun("rate_limit_us", "200", NULL), 200);
}

static void test_limits_changed_bypass(void **unused)
{
	struct fx f;
	uint64_t t0 = MS(10);

	(void)unused;
	start(&f, fx_hikey960(7), BIG, NULL);
	f.cpu[4].util = 400;
	expect_freq(&f, t0, 4, false, MHZ(1421), false);
	/* +100 us is inside the 450 us limit, but the limits changed: the
	 * change goes through and is marked urgent. */
	f.cpu[4].util = 900;
	expect_freq(&f, t0 + US(100), 4, true, MHZ(2362), true);
	/* A limits change answers even when the frequency is the same as
	 * the cached one (the kernel's need_freq_update). */
	expect_freq(&f, t0 + US(200), -1, true, MHZ(2362), true);
	/* That answer restarted the limit: +300 us is 100 us after it. */
	f.cpu[4].util = 400;
	expect_none(&f, t0 + US(300), 4);
	/* +700 us is 500 us after it: 1421000 again. */
	expect_freq(&f, t0 + US(700), 4, false, MHZ(1421), false);
	/* With the limit long expired a limits change is not urgent; new max
	 * 1805000 caps util 900 (2362000 wanted). */
	f.cpu[4].util = 900;
	f.max_khz = MHZ(1805);
	expect_freq(&f, t0 + MS(5), -1, true, MHZ(1805), false);
	fx_stop(&f);
}

static void test_all_idle_min(void **unused)
{
	struct fx f;

	(void)unused;
	start(&f, fx_hikey960(7), BIG, NULL);
	f.cpu[4].util = 900;
	expect_freq(&f, MS(1), 4, false, MHZ(2362), false);
	/* Every CPU at util 0: next_f = 0 -> lowest OPP, 903000. */
	f.cpu[4].util = 0;
	expect_freq(&f, MS(2), 4, false, MHZ(903), false);
	/* A raised min: the lowest allowed OPP, 1421000. */
	f.min_khz = MHZ(1421);
	expect_freq(&f, MS(3), -1, true, MHZ(1421), false);
	fx_stop(&f);
}

static void test_max_capped(void **unused)
{
	struct fx f;
	struct eg_freq_output out;

	(void)unused;
	start(&f, fx_hikey960(7), BIG, NULL);
	f.max_khz = MHZ(1805);
	/* util 1000 -> 1250 -> above fmax; highest allowed: 1805000. */
	f.cpu[4].util = 1000;
	expect_freq(&f, MS(1), 4, false, MHZ(1805), false);
	/* RT asks for 2362000: still 1805000, the same, so nothing to say. */
	f.cpu[5].rt_runnable = true;
	expect_none(&f, MS(2), 5);
	/* Whatever the util, never above the cap (limits_changed forces an
	 * answer every time). */
	f.cpu[5].rt_runnable = false;
	for (uint32_t u = 0; u <= 1024; u += 32) {
		f.cpu[4].util = u;
		assert_int_equal(fx_step(&f, MS(3) + u, 4, true, &out), 1);
		assert_true(out.khz <= MHZ(1805));
	}
	/* 700 -> 875 -> 2018310: no OPP >= that within the cap -> 1805000. */
	f.cpu[4].util = 700;
	assert_int_equal(fx_step(&f, MS(10), 4, true, &out), 1);
	assert_int_equal(out.khz, MHZ(1805));
	fx_stop(&f);
}

static void test_iowait_sequence(void **unused)
{
	struct fx f;

	(void)unused;
	/* Fine domain: fmax 2400000, max_cap 1024, OPPs every 100 MHz, so a
	 * boost b shows as 2400000 * (b + b/4) / 1024, rounded up to 100 MHz.
	 * Updates every 1 ms: past the 100 us limit, within a 4 ms tick. */
	start(&f, fx_fine(), 0, NULL);
	/* 128 -> 160 -> 375000 -> 400000 */
	f.cpu[0].iowait = true;
	expect_freq(&f, MS(1), 0, false, MHZ(400), false);
	/* 256 -> 320 -> 750000 -> 800000 */
	f.cpu[0].iowait = true;
	expect_freq(&f, MS(2), 0, false, MHZ(800), false);
	/* 512 -> 640 -> 1500000 */
	f.cpu[0].iowait = true;
	expect_freq(&f, MS(3), 0, false, MHZ(1500), false);
	/* 1024 -> 1280 -> 3000000 -> top, 2400000 */
	f.cpu[0].iowait = true;
	expect_freq(&f, MS(4), 0, false, MHZ(2400), false);
	/* Another request: capped at 1024, same frequency, nothing to say. */
	f.cpu[0].iowait = true;
	expect_none(&f, MS(5), 0);
	/* No more requests: halving 512 -> 1500000, 256 -> 800000,
	 * 128 -> 400000, then 64 < 128 -> 0 -> util 0 -> 100000. */
	expect_freq(&f, MS(6), 0, false, MHZ(1500), false);
	expect_freq(&f, MS(7), 0, false, MHZ(800), false);
	expect_freq(&f, MS(8), 0, false, MHZ(400), false);
	expect_freq(&f, MS(9), 0, false, MHZ(100), false);
	/* The boost is gone for good: no change at 10 ms. */
	expect_none(&f, MS(10), 0);
	fx_stop(&f);
}

static void test_iowait_tick_reset(void **unused)
{
	struct fx f;

	(void)unused;
	start(&f, fx_fine(), 0, NULL);
	/* 128 then 256 (800000), as in the sequence test. */
	f.cpu[0].iowait = true;
	expect_freq(&f, MS(1), 0, false, MHZ(400), false);
	f.cpu[0].iowait = true;
	expect_freq(&f, MS(2), 0, false, MHZ(800), false);
	/* 5 ms without an update is more than a tick (4 ms): the boost is
	 * reset, not halved (halving would give 128 -> 400000): 100000. */
	expect_freq(&f, MS(7), 0, false, MHZ(100), false);
	/* Build it up again to 256 ... */
	f.cpu[0].iowait = true;
	expect_freq(&f, MS(8), 0, false, MHZ(400), false);
	f.cpu[0].iowait = true;
	expect_freq(&f, MS(9), 0, false, MHZ(800), false);
	/* ... and a request after a gap of more than a tick restarts at 128
	 * (400000) instead of doubling to 512 (1500000). */
	f.cpu[0].iowait = true;
	expect_freq(&f, MS(14), 0, false, MHZ(400), false);
	/* Exactly one tick (4 ms) is not more than a tick: it doubles. */
	f.cpu[0].iowait = true;
	expect_freq(&f, MS(18), 0, false, MHZ(800), false);
	fx_stop(&f);
}

static void test_iowait_once_per_choice(void **unused)
{
	struct fx f;
	uint64_t t0 = MS(1);

	(void)unused;
	start(&f, fx_fine(), 0, NULL);
	f.cpu[0].iowait = true;
	expect_freq(&f, t0, 0, false, MHZ(400), false);
	/* Two requests inside the 100 us rate limit: the first doubles to
	 * 256 (pending), the second finds it pending and does not. */
	f.cpu[0].iowait = true;
	expect_none(&f, t0 + US(50), 0);
	f.cpu[0].iowait = true;
	expect_none(&f, t0 + US(60), 0);
	/* The next choice uses the pending 256 as is (no halving):
	 * 800000; 512 would have given 1500000. */
	expect_freq(&f, t0 + US(200), 0, false, MHZ(800), false);
	fx_stop(&f);
}

static void test_iowait_other_cpu(void **unused)
{
	struct fx f;

	(void)unused;
	start(&f, fx_fine(), 0, NULL);
	/* An iowait wakeup on CPU 1 counts though CPU 0 triggered the
	 * update: 128 -> 400000. */
	f.cpu[1].iowait = true;
	expect_freq(&f, MS(1), 0, false, MHZ(400), false);
	/* CPU 1 then goes quiet: at 6 ms it has had no update for 5 ms, more
	 * than a tick, so its boost is dropped even though it is CPU 0 that
	 * updates: 100000. */
	expect_freq(&f, MS(6), 0, false, MHZ(100), false);
	fx_stop(&f);
}

static void test_iowait_little_scaled(void **unused)
{
	struct fx f;

	(void)unused;
	start(&f, fx_hikey960(7), LITTLE, NULL);
	/* The boost is a fraction of the CPU's capacity: 128 * 462 / 1024
	 * = 57 -> 57 + 14 = 71 -> 1844000 * 71 / 462 = 283385 -> 533000.
	 * (Unscaled 128 -> 160 -> 638614 -> 999000.) */
	f.cpu[1].iowait = true;
	expect_freq(&f, MS(1), 1, false, MHZ(533), false);
	/* 256 * 462 / 1024 = 115 -> 143 -> 570753 -> 999000. */
	f.cpu[1].iowait = true;
	expect_freq(&f, MS(2), 1, false, MHZ(999), false);
	fx_stop(&f);
}

static void test_iowait_max_with_util(void **unused)
{
	struct fx f;

	(void)unused;
	start(&f, fx_fine(), 0, NULL);
	/* util 300 and a boost of 128: max 300 -> 375 -> 2400000 * 375 / 1024
	 * = 878906 -> 900000 (a sum, 428, would give 1300000). */
	f.cpu[0].util = 300;
	f.cpu[0].iowait = true;
	expect_freq(&f, MS(1), 0, false, MHZ(900), false);
	/* boost 256 is still below util: no change. */
	f.cpu[0].iowait = true;
	expect_none(&f, MS(2), 0);
	/* boost 512 wins: 640 -> 1500000. */
	f.cpu[0].iowait = true;
	expect_freq(&f, MS(3), 0, false, MHZ(1500), false);
	fx_stop(&f);
}

static void test_iowait_disabled(void **unused)
{
	struct fx f;

	(void)unused;
	start(&f, fx_fine(), 0, su_tun("iowait_boost", "no", NULL));
	/* No boost: util 0 -> 100000, and further requests change nothing. */
	f.cpu[0].iowait = true;
	expect_freq(&f, MS(1), 0, false, MHZ(100), false);
	f.cpu[0].iowait = true;
	expect_none(&f, MS(2), 0);
	fx_stop(&f);
}

static void test_busy_hold_single(void **unused)
{
	struct fx f;

	(void)unused;
	/* Big domain with CPU 4 only: a single-CPU policy. */
	start(&f, fx_hikey960(4), BIG, NULL);
	assert_int_equal(f.pd->nr_cpus, 1);
	f.cpu[4].idle_calls = 10;
	f.cpu[4].util = 400;
	expect_freq(&f, MS(1), 4, false, MHZ(1421), false);
	/* util 100 (-> 903000) but CPU 4 has not idled (idle_calls still 10):
	 * the drop is refused, the cached 1421000 stays: nothing to say. */
	f.cpu[4].util = 100;
	expect_none(&f, MS(2), 4);
	/* Going up is never held: 800 -> 1000 -> 2306640 -> 2362000. */
	f.cpu[4].util = 800;
	expect_freq(&f, MS(3), 4, false, MHZ(2362), false);
	f.cpu[4].util = 100;
	expect_none(&f, MS(4), 4);
	/* It idled (idle_calls 11): the drop goes through, 903000. */
	f.cpu[4].idle_calls = 11;
	expect_freq(&f, MS(5), 4, false, MHZ(903), false);
	/* Busy again and up, then a limits change overrides the hold. */
	f.cpu[4].util = 800;
	expect_freq(&f, MS(6), 4, false, MHZ(2362), false);
	f.cpu[4].util = 100;
	expect_freq(&f, MS(7), 4, true, MHZ(903), false);
	fx_stop(&f);
}

static void test_busy_hold_not_shared(void **unused)
{
	struct fx f;

	(void)unused;
	/* Four big CPUs online: shared policy, no hold. */
	start(&f, fx_hikey960(7), BIG, NULL);
	f.cpu[4].idle_calls = 10;
	f.cpu[4].util = 400;
	expect_freq(&f, MS(1), 4, false, MHZ(1421), false);
	f.cpu[4].util = 100;
	expect_freq(&f, MS(2), 4, false, MHZ(903), false);
	fx_stop(&f);
	/* Three of them offline: the policy has one CPU, as the kernel's
	 * policy->cpus after hotplug, and holds. */
	start(&f, fx_hikey960(7), BIG, NULL);
	f.cpu[5].online = f.cpu[6].online = f.cpu[7].online = false;
	f.cpu[4].idle_calls = 10;
	f.cpu[4].util = 400;
	expect_freq(&f, MS(1), 4, false, MHZ(1421), false);
	f.cpu[4].util = 100;
	expect_none(&f, MS(2), 4);
	fx_stop(&f);
}

static void test_busy_hold_off_and_uclamp(void **unused)
{
	struct fx f;

	(void)unused;
	start(&f, fx_hikey960(4), BIG, su_tun("busy_hold", "no", NULL));
	f.cpu[4].idle_calls = 10;
	f.cpu[4].util = 400;
	expect_freq(&f, MS(1), 4, false, MHZ(1421), false);
	/* Tunable off: the drop to 903000 goes through though busy. */
	f.cpu[4].util = 100;
	expect_freq(&f, MS(2), 4, false, MHZ(903), false);
	fx_stop(&f);

	start(&f, fx_hikey960(4), BIG, NULL);
	f.cpu[4].idle_calls = 10;
	f.cpu[4].util = 800;
	expect_freq(&f, MS(1), 4, false, MHZ(2362), false);
	/* A uclamp_max of 300 under util 800 caps the CPU: 300 ->
	 * 2362000 * 300 / 1024 = 691992 -> 903000, obeyed though busy. */
	f.cpu[4].uclamp_max = 300;
	expect_freq(&f, MS(2), 4, false, MHZ(903), false);
	fx_stop(&f);
}

static void test_inefficient_skip(void **unused)
{
	/* Explicit big powers (uW): 200000, 700000, 600000, 900000, 1200000.
	 * perf = 1024 * f / 2362000: 391, 616, 782, 915, 1024.
	 * cost = 10 * P / perf: 5115, 11363, 7672, 9836, 11718. From the top
	 * down the lowest cost seen goes 11718, 9836, 7672; 1421 MHz costs
	 * 11363 >= 7672: inefficient. 903 MHz (5115) is efficient. */
	static const uint64_t power[] = { 200000, 700000, 600000, 900000, 1200000 };
	struct eg_model *m;
	struct fx f;

	(void)unused;
	for (int skip = 0; skip <= 1; skip++) {
		m = fx_hikey960(7);
		m->pds[BIG].dyn_power_coeff = 0;
		for (int i = 0; i < 5; i++)
			m->pds[BIG].opps[i].power_uw = power[i];
		start(&f, m, BIG, su_tun("skip_inefficient", skip ? "yes" : "no", NULL));
		assert_true(f.pd->opps[1].inefficient);
		assert_false(f.pd->opps[0].inefficient);
		assert_false(f.pd->opps[2].inefficient);
		/* util 400 -> 1153320 -> 1421000, inefficient: skipping goes
		 * to 1805000, which costs less per unit of work. */
		f.cpu[4].util = 400;
		expect_freq(&f, MS(1), 4, false, skip ? MHZ(1805) : MHZ(1421), false);
		/* With max 1421000 no efficient OPP above is allowed: it
		 * stays 1421000. */
		f.max_khz = MHZ(1421);
		expect_freq(&f, MS(2), 4, true, MHZ(1421), false);
		/* util 100 -> 288330 -> 903000, efficient, not moved. */
		f.max_khz = MHZ(2362);
		f.cpu[4].util = 100;
		expect_freq(&f, MS(3), 4, true, MHZ(903), false);
		fx_stop(&f);
	}
}

static void test_uclamp(void **unused)
{
	struct fx f;

	(void)unused;
	start(&f, fx_hikey960(7), BIG, NULL);
	/* Busy CPU 4, util 800 -> 1000, capped by uclamp_max 380 after the
	 * headroom: 2362000 * 380 / 1024 = 876523 -> 903000. (Clamping
	 * before the headroom, 475 -> 1095654 -> 1421000; unclamped
	 * 2362000.) */
	f.cpu[4].util = 800;
	f.cpu[4].uclamp_max = 380;
	expect_freq(&f, MS(1), 4, false, MHZ(903), false);
	/* uclamp_min 700 lifts a light CPU: util 50 -> 62, floor 700 ->
	 * 2362000 * 700 / 1024 = 1614648 -> 1805000. */
	f.cpu[5].util = 50;
	f.cpu[5].uclamp_min = 700;
	expect_freq(&f, MS(2), 5, false, MHZ(1805), false);
	fx_stop(&f);
}

static void test_headroom_tunable(void **unused)
{
	struct fx f;

	(void)unused;
	/* Default 125 %: 500 -> 625 -> 2362000 * 625 / 1024 = 1441650
	 * -> 1805000. */
	start(&f, fx_hikey960(7), BIG, NULL);
	f.cpu[4].util = 500;
	expect_freq(&f, MS(1), 4, false, MHZ(1805), false);
	fx_stop(&f);
	/* 100 %: 500 -> 1153320 -> 1421000. */
	start(&f, fx_hikey960(7), BIG, su_tun("headroom_pct", "100", NULL));
	f.cpu[4].util = 500;
	expect_freq(&f, MS(1), 4, false, MHZ(1421), false);
	fx_stop(&f);
}

static void test_tunables(void **unused)
{
	const struct eg_tunable *tab = eg_freq_schedutil.tunables;
	void *t = su_tun(NULL);
	char buf[64], err[128];
	static const char *const defs[][2] = {
		{ "rate_limit_us", "0" },      { "headroom_pct", "125" }, { "iowait_boost", "yes" },
		{ "skip_inefficient", "yes" }, { "busy_hold", "yes" },
	};

	(void)unused;
	for (size_t i = 0; i < sizeof(defs) / sizeof(defs[0]); i++) {
		const struct eg_tunable *tn = eg_tunables_find(tab, defs[i][0]);

		assert_non_null(tn);
		eg_tunables_format(tn, t, buf, sizeof(buf));
		assert_string_equal(buf, defs[i][1]);
	}
	/* rate_limit_us: 0 .. 1 s. */
	assert_int_equal(eg_tunables_set(tab, t, "rate_limit_us", "1000001", err, sizeof(err)),
			 -ERANGE);
	assert_non_null(strstr(err, "rate_limit_us"));
	assert_int_equal(eg_tunables_set(tab, t, "rate_limit_us", "-5", NULL, 0), -EINVAL);
	assert_int_equal(eg_tunables_set(tab, t, "rate_limit_us", "fast", NULL, 0), -EINVAL);
	assert_int_equal(eg_tunables_set(tab, t, "rate_limit_us", "1000000", NULL, 0), 0);
	eg_tunables_format(eg_tunables_find(tab, "rate_limit_us"), t, buf, sizeof(buf));
	assert_string_equal(buf, "1000000");
	/* headroom_pct: 100 .. 200. */
	assert_int_equal(eg_tunables_set(tab, t, "headroom_pct", "99", NULL, 0), -ERANGE);
	assert_int_equal(eg_tunables_set(tab, t, "headroom_pct", "201", NULL, 0), -ERANGE);
	assert_int_equal(eg_tunables_set(tab, t, "iowait_boost", "maybe", NULL, 0), -EINVAL);
	assert_int_equal(eg_tunables_set(tab, t, "up_threshold", "80", NULL, 0), -ENOENT);
	free(t);
}

static void test_ops(void **unused)
{
	struct eg_freq_output out;
	struct fx f;

	(void)unused;
	assert_ptr_equal(eg_freq_policy_find("schedutil"), &eg_freq_schedutil);
	assert_true(eg_freq_schedutil.on_util_update);
	assert_non_null(eg_freq_schedutil.summary);
	start(&f, fx_hikey960(7), BIG, NULL);
	f.cpu[4].iowait = true;
	expect_freq(&f, MS(1), 4, false, MHZ(903), false);
	assert_true(eg_freq_schedutil.next_timer(f.st) == EG_NEVER);
	/* Limits with no OPP inside them: an error, not a guess. */
	f.min_khz = MHZ(2000);
	f.max_khz = MHZ(2100);
	assert_int_equal(fx_step(&f, MS(2), 4, true, &out), -ERANGE);
	fx_stop(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture_capacity),
		cmocka_unit_test(test_big_util),
		cmocka_unit_test(test_little_own_max_cap),
		cmocka_unit_test(test_shared_max),
		cmocka_unit_test(test_rt_runnable_max),
		cmocka_unit_test(test_rate_limit),
		cmocka_unit_test(test_rate_limit_sources),
		cmocka_unit_test(test_limits_changed_bypass),
		cmocka_unit_test(test_all_idle_min),
		cmocka_unit_test(test_max_capped),
		cmocka_unit_test(test_iowait_sequence),
		cmocka_unit_test(test_iowait_tick_reset),
		cmocka_unit_test(test_iowait_once_per_choice),
		cmocka_unit_test(test_iowait_other_cpu),
		cmocka_unit_test(test_iowait_little_scaled),
		cmocka_unit_test(test_iowait_max_with_util),
		cmocka_unit_test(test_iowait_disabled),
		cmocka_unit_test(test_busy_hold_single),
		cmocka_unit_test(test_busy_hold_not_shared),
		cmocka_unit_test(test_busy_hold_off_and_uclamp),
		cmocka_unit_test(test_inefficient_skip),
		cmocka_unit_test(test_uclamp),
		cmocka_unit_test(test_headroom_tunable),
		cmocka_unit_test(test_tunables),
		cmocka_unit_test(test_ops),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
