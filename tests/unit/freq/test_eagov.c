// SPDX-License-Identifier: GPL-2.0-or-later
/* eagov's frequency policy on the hand-built HiKey960 big domain (CPUs 4-7,
 * max_cap 1024, OPPs 903/1421/1805/2112/2362 MHz at 700..1100 mV, busy power
 * C V^2 f with C = 550), and the per-task activation statistics it relies
 * on. Each expected OPP is derived in a comment. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "hikey960.h"
#include "task_activity.h"

extern const struct eg_freq_policy_ops eg_freq_eagov;

#define BIG 1

/* The policy's tunables: defaults, then name/value pairs, NULL-ended;
 * a name or value the policy refuses fails the test. */
static void *must(void *tun)
{
	assert_non_null(tun);
	return tun;
}

#define ea_tun(...) must(fx_tunables(&eg_freq_eagov, __VA_ARGS__))

static int step(struct fx *f, uint64_t now, int trigger, enum eg_reason reason,
		struct eg_freq_output *out)
{
	struct eg_freq_input in = { .now = now,
				    .pd = f->pd,
				    .cpu = f->cpu,
				    .min_khz = f->min_khz,
				    .max_khz = f->max_khz,
				    .reason = reason,
				    .trigger_cpu = trigger };

	memset(out, 0, sizeof(*out));
	return f->ops->update(f->st, &in, out);
}

static uint32_t freq_of(struct fx *f, uint64_t now, int trigger, enum eg_reason reason)
{
	struct eg_freq_output out;

	assert_int_equal(step(f, now, trigger, reason, &out), 1);
	return out.khz;
}

static void busy(struct fx *f, int cpu, uint32_t util)
{
	f->cpu[cpu].util = util;
	f->cpu[cpu].idle = false;
}

static void idle(struct fx *f)
{
	for (int c = 4; c <= 7; c++) {
		f->cpu[c].idle = true;
		f->cpu[c].util = 0;
	}
}

/* A domain whose own power is 3 W whenever it is on, with a cluster state
 * that draws nothing: running one CPU's 200 of util faster lets the whole
 * cluster switch off sooner. */
static struct eg_model *racy_model(bool cluster_state)
{
	struct eg_model *m = fx_hikey960(7);
	struct eg_pd *big = &m->pds[BIG];

	for (int i = 0; i < big->nr_opps; i++)
		big->opps[i].pd_power_uw = 3000000;
	if (cluster_state) {
		big->nr_cluster_idle = 1;
		strcpy(big->cluster_idle[0].name, "cluster-off");
		big->cluster_idle[0].exit_us = 100;
		big->cluster_idle[0].residency_us = 1000;
	}
	return m;
}

/* CPU 4 runs 2 ms then idles 8 ms, n times, at util 200 (the others idle):
 * the policy learns the CPU's and the domain's cycles. Returns the last
 * frequency it asked for. */
static uint32_t learn_cycles(struct fx *f, int n)
{
	struct eg_freq_output out;
	uint32_t khz = 0;

	for (int i = 0; i < n; i++) {
		uint64_t t = MS(10 * i) + 1;

		busy(f, 4, 200);
		if (step(f, t, 4, EG_REASON_UTIL, &out) == 1)
			khz = out.khz;
		f->cpu[4].idle = true;
		if (step(f, t + MS(2), 4, EG_REASON_UTIL, &out) == 1)
			khz = out.khz;
	}
	busy(f, 4, 200);
	if (step(f, MS(10 * n) + 1, 4, EG_REASON_UTIL, &out) == 1)
		khz = out.khz;
	return khz;
}

static void test_energy_opp_races(void **unused)
{
	struct fx f;

	(void)unused;
	/* util 200 on CPU 4, others idle, cycles of 2 ms busy and 8 ms idle
	 * learnt. Busy power per CPU (W): 0.243, 0.500, 0.804, 1.162, 1.572 at
	 * 903..2362 MHz; perf 391, 616, 782, 916, 1024; busy share b = 200 /
	 * perf. The domain idles (1 - b) x 10 ms >= the 1 ms residency, so its
	 * cluster state counts: estimated power b x busy + 3 W x b, plus the
	 * state's entry and exit energy per cycle, the same at every OPP (the
	 * domain's power is): 903: 0.51 x 3.243 = 1.66; 1421: 0.325 x 3.5 =
	 * 1.14; 1805: 0.256 x 3.804 = 0.97; 2112: 0.218 x 4.162 = 0.91; 2362:
	 * 0.195 x 4.572 = 0.89. The top OPP is the cheapest. */
	assert_int_equal(fx_start(&f, racy_model(true), BIG, &eg_freq_eagov,
				  ea_tun("idle_drop", "no", NULL)),
			 0);
	idle(&f);
	assert_int_equal(learn_cycles(&f, 4), MHZ(2362));
	fx_stop(&f);

	/* Without the mechanism: the lowest OPP with 200 x 1.25 = 250 of
	 * capacity, 903 MHz (391). */
	assert_int_equal(fx_start(&f, racy_model(true), BIG, &eg_freq_eagov,
				  ea_tun("energy_opp", "no", "idle_drop", "no", NULL)),
			 0);
	idle(&f);
	assert_int_equal(learn_cycles(&f, 4), MHZ(903));
	fx_stop(&f);

	/* No cluster state: the domain's 3 W are paid at every OPP, and the
	 * busy part grows with the OPP, so the lowest that fits wins. */
	assert_int_equal(fx_start(&f, racy_model(false), BIG, &eg_freq_eagov,
				  ea_tun("idle_drop", "no", NULL)),
			 0);
	idle(&f);
	assert_int_equal(learn_cycles(&f, 4), MHZ(903));
	fx_stop(&f);

	/* Nothing learnt yet: no idle period is known to reach the cluster
	 * state, so racing is not assumed to pay. */
	assert_int_equal(fx_start(&f, racy_model(true), BIG, &eg_freq_eagov, ea_tun(NULL)), 0);
	idle(&f);
	busy(&f, 4, 200);
	assert_int_equal(freq_of(&f, MS(1), 4, EG_REASON_UTIL), MHZ(903));
	fx_stop(&f);
}

static void test_never_below_headroom(void **unused)
{
	struct fx f;

	(void)unused;
	/* util 600 x 1.25 = 750 of capacity: 2362 x 750 / 1024 = 1730 MHz,
	 * so 1805 at least whatever the energy estimate says. */
	assert_int_equal(fx_start(&f, fx_hikey960(7), BIG, &eg_freq_eagov, ea_tun(NULL)), 0);
	idle(&f);
	busy(&f, 5, 600);
	assert_int_equal(freq_of(&f, MS(1), 5, EG_REASON_UTIL), MHZ(1805));
	fx_stop(&f);
}

static void test_rt_fit(void **unused)
{
	struct fx f;

	(void)unused;
	assert_int_equal(fx_start(&f, fx_hikey960(7), BIG, &eg_freq_eagov, ea_tun(NULL)), 0);
	idle(&f);
	/* An RT task without history: the top OPP. */
	busy(&f, 4, 100);
	f.cpu[4].rt_runnable = true;
	f.cpu[4].nr_rt_unknown = 1;
	assert_int_equal(freq_of(&f, MS(1), 4, EG_REASON_RT), MHZ(2362));
	/* A known one needing 100 of capacity per period, served within 50 %
	 * of it: 100 x 100 / 50 = 200. Its response bound asks more: 200 us of
	 * work (200 us at the top OPP) after 1000 us of wakeup latency may
	 * take 200 + 20 % x (200 + 1000) = 440 us, so 200 x 1024 / 440 =
	 * 465.5 -> 466; 2362 x 466 / 1024 = 1075 MHz -> 1421. A lowering, so
	 * after the rate limit (450 us). */
	f.cpu[4].nr_rt_unknown = 0;
	f.cpu[4].rt_demand = 100;
	f.cpu[4].rt_work_ns = US(200);
	f.cpu[4].rt_lat_ns = US(1000);
	assert_int_equal(freq_of(&f, MS(2), 4, EG_REASON_RT), MHZ(1421));
	/* Without a measured run, the period bound alone: 200 -> 461 MHz, the
	 * lowest OPP. */
	f.cpu[4].rt_work_ns = 0;
	assert_int_equal(freq_of(&f, MS(3), 4, EG_REASON_RT), MHZ(903));
	fx_stop(&f);

	/* rt_fit off: every RT task at the top. */
	assert_int_equal(
		fx_start(&f, fx_hikey960(7), BIG, &eg_freq_eagov, ea_tun("rt_fit", "no", NULL)), 0);
	idle(&f);
	busy(&f, 4, 100);
	f.cpu[4].rt_runnable = true;
	f.cpu[4].rt_demand = 100;
	assert_int_equal(freq_of(&f, MS(1), 4, EG_REASON_RT), MHZ(2362));
	fx_stop(&f);
}

static void test_boost_is_top(void **unused)
{
	struct fx f;

	(void)unused;
	/* An RT-reason update on a CPU without RT work is a boosted task: the
	 * top OPP, as the engine's fast ramp gives it. */
	assert_int_equal(fx_start(&f, fx_hikey960(7), BIG, &eg_freq_eagov, ea_tun(NULL)), 0);
	idle(&f);
	busy(&f, 6, 50);
	assert_int_equal(freq_of(&f, MS(1), 6, EG_REASON_RT), MHZ(2362));
	fx_stop(&f);
}

static void test_raise_now_lower_later(void **unused)
{
	struct fx f;
	struct eg_freq_output out;

	(void)unused;
	assert_int_equal(fx_start(&f, fx_hikey960(7), BIG, &eg_freq_eagov, ea_tun(NULL)), 0);
	idle(&f);
	busy(&f, 4, 100);
	assert_int_equal(freq_of(&f, US(1000), 4, EG_REASON_UTIL), MHZ(903));
	/* 100 us later util 800 (1000 of capacity): 2362 at once. */
	busy(&f, 4, 800);
	assert_int_equal(freq_of(&f, US(1100), 4, EG_REASON_UTIL), MHZ(2362));
	assert_int_equal(f.ops->next_timer(f.st), EG_NEVER);
	/* Back to 100 within the 450 us rate limit: held, and a call is asked
	 * for when the limit ends (1100 + 450 us), since nothing else may call
	 * before then. */
	busy(&f, 4, 100);
	assert_int_equal(step(&f, US(1300), 4, EG_REASON_UTIL, &out), 0);
	assert_int_equal(f.ops->next_timer(f.st), US(1550));
	/* That call lowers, and no timer is left. */
	assert_int_equal(freq_of(&f, US(1550), -1, EG_REASON_TIMER), MHZ(903));
	assert_int_equal(f.ops->next_timer(f.st), EG_NEVER);
	fx_stop(&f);
}

static void set_idle(struct fx *f, bool idle_now)
{
	for (int c = 4; c <= 7; c++)
		f->cpu[c].idle = idle_now || c != 4;
}

/* Busy periods of busy_ms then idle periods of idle_ms, starting busy at
 * 1 ns; returns the time of the last switch to idle. The frequency chosen at
 * the first update (util 700: 875 of capacity, 2112 MHz) never changes in
 * the busy periods, so each update answers 0 until the end. */
static uint64_t cycles(struct fx *f, int n, uint64_t busy_ms, uint64_t idle_ms)
{
	struct eg_freq_output out;
	uint64_t t = 1;

	busy(f, 4, 700);
	set_idle(f, false);
	assert_int_equal(freq_of(f, t, 4, EG_REASON_UTIL), MHZ(2112));
	for (int i = 0; i < n; i++) {
		set_idle(f, true);
		assert_int_equal(step(f, t + MS(busy_ms), 4, EG_REASON_UTIL, &out), 0);
		set_idle(f, false);
		assert_int_equal(step(f, t + MS(busy_ms + idle_ms), 4, EG_REASON_UTIL, &out), 0);
		t += MS(busy_ms + idle_ms);
	}
	return t;
}

static void test_idle_drop_learns(void **unused)
{
	struct fx f;
	struct eg_freq_output out;
	uint64_t t;

	(void)unused;
	/* Thresholds: idle periods of 20 x 300 us = 6 ms, and the 300 us
	 * latency at most 10 % of a busy period, so busy periods of 3 ms.
	 * After one 4 ms busy / 10 ms idle cycle both hold: the next switch to
	 * idle drops to the lowest OPP although util is still 700. */
	assert_int_equal(fx_start(&f, fx_hikey960(7), BIG, &eg_freq_eagov, ea_tun(NULL)), 0);
	t = cycles(&f, 1, 4, 10);
	set_idle(&f, true);
	assert_int_equal(freq_of(&f, t + MS(4), 4, EG_REASON_UTIL), MHZ(903));
	fx_stop(&f);

	/* Idle periods of 2 ms: too short to pay. */
	assert_int_equal(fx_start(&f, fx_hikey960(7), BIG, &eg_freq_eagov, ea_tun(NULL)), 0);
	t = cycles(&f, 6, 4, 2);
	set_idle(&f, true);
	assert_int_equal(step(&f, t + MS(4), 4, EG_REASON_UTIL, &out), 0);
	fx_stop(&f);

	/* Busy periods of 1 ms: the slow start would cost 30 % of each. */
	assert_int_equal(fx_start(&f, fx_hikey960(7), BIG, &eg_freq_eagov, ea_tun(NULL)), 0);
	t = cycles(&f, 6, 1, 10);
	set_idle(&f, true);
	assert_int_equal(step(&f, t + MS(1), 4, EG_REASON_UTIL, &out), 0);
	fx_stop(&f);

	/* A cluster state with a 5 ms residency, which the 10 ms idle periods
	 * reach: the domain draws neither its power nor its leakage there, so
	 * it is not dropped. */
	assert_int_equal(fx_start(&f, racy_model(true), BIG, &eg_freq_eagov,
				  ea_tun("energy_opp", "no", NULL)),
			 0);
	f.m->pds[BIG].cluster_idle[0].residency_us = 5000;
	t = cycles(&f, 3, 4, 10);
	set_idle(&f, true);
	assert_int_equal(step(&f, t + MS(4), 4, EG_REASON_UTIL, &out), 0);
	fx_stop(&f);

	/* The mechanism off: never. */
	assert_int_equal(fx_start(&f, fx_hikey960(7), BIG, &eg_freq_eagov,
				  ea_tun("idle_drop", "no", NULL)),
			 0);
	t = cycles(&f, 3, 4, 10);
	set_idle(&f, true);
	assert_int_equal(step(&f, t + MS(4), 4, EG_REASON_UTIL, &out), 0);
	fx_stop(&f);
}

/* --- per-task activations --- */

static void test_activity_periodic_need(void **unused)
{
	struct eg_task_activity a = { 0 };

	(void)unused;
	/* Every 10 ms, 4 ms at capacity 512 and full frequency: 2 ms of work
	 * at 1024 per activation. Need within the whole period:
	 * 2 / 10 x 1024 = 204.8 -> 205; within half of it 409.6 -> 410. */
	for (int i = 0; i < 6; i++) {
		uint64_t t = MS(10 * i + 1);

		eg_task_activity_wake(&a, t);
		eg_task_activity_run(&a, MS(4), 512, 1024);
		eg_task_activity_sleep(&a, t + MS(4));
		if (i < (int)EG_TASK_ACTIVITY_MIN - 1)
			assert_int_equal(eg_task_activity_need(&a, 100), 0);
	}
	assert_true(eg_task_activity_periodic(&a));
	assert_int_equal(a.period_ns, MS(10));
	assert_int_equal(a.act_work_ns, MS(2));
	assert_int_equal(a.act_resp_ns, MS(4));
	assert_int_equal(eg_task_activity_need(&a, 100), 205);
	assert_int_equal(eg_task_activity_need(&a, 50), 410);
	/* The same work at half the frequency on a 1024 CPU is the same work. */
	eg_task_activity_wake(&a, MS(61));
	eg_task_activity_run(&a, MS(4), 1024, 512);
	eg_task_activity_sleep(&a, MS(65));
	assert_int_equal(a.act_work_ns, MS(2));
	/* A larger activation counts at once; a smaller one by a quarter. */
	eg_task_activity_wake(&a, MS(71));
	eg_task_activity_run(&a, MS(4), 1024, 1024);
	eg_task_activity_sleep(&a, MS(75));
	assert_int_equal(a.act_work_ns, MS(4));
	eg_task_activity_wake(&a, MS(81));
	eg_task_activity_sleep(&a, MS(82));
	assert_int_equal(a.act_work_ns, MS(3));
}

static void test_activity_latency_stretch(void **unused)
{
	struct eg_task_activity a = { 0 };

	(void)unused;
	/* Wakeup latency: wake to the first run only; later runs of the same
	 * activation do not count. */
	eg_task_activity_wake(&a, MS(1));
	eg_task_activity_run_start(&a, MS(1) + US(300));
	eg_task_activity_run_start(&a, MS(1) + US(900));
	eg_task_activity_sleep(&a, MS(2));
	assert_int_equal(a.act_lat_ns, US(300));
	eg_task_activity_wake(&a, MS(11));
	eg_task_activity_run_start(&a, MS(11) + US(700));
	assert_int_equal(a.act_lat_ns, US(400)); /* 300 + (700 - 300) / 4 */
	/* 200 us of work after 1000 us of latency, 20 % stretch on a 1024
	 * CPU: 200 + 0.2 x 1200 = 440 us, 200 x 1024 / 440 -> 466. On a 512
	 * CPU the run at its top is 400 us: 400 + 0.2 x 1400 = 680 us,
	 * 204800 / 680 = 301.2 -> 302. No stretch: the CPU's top. */
	assert_int_equal(eg_task_activity_stretch_need(US(200), US(1000), 20, 1024), 466);
	assert_int_equal(eg_task_activity_stretch_need(US(200), US(1000), 20, 512), 302);
	assert_int_equal(eg_task_activity_stretch_need(US(200), US(1000), 0, 1024), 1024);
	assert_int_equal(eg_task_activity_stretch_need(0, US(1000), 20, 1024), 0);
}

static void test_activity_jitter_not_periodic(void **unused)
{
	struct eg_task_activity a = { 0 };
	static const int gaps_ms[] = { 2, 30, 5, 40, 3, 25, 4, 35 };
	uint64_t t = MS(1);

	(void)unused;
	for (size_t i = 0; i < sizeof(gaps_ms) / sizeof(gaps_ms[0]); i++) {
		eg_task_activity_wake(&a, t);
		eg_task_activity_run(&a, MS(1), 1024, 1024);
		eg_task_activity_sleep(&a, t + MS(1));
		t += MS(gaps_ms[i]) + MS(1);
	}
	assert_true(a.nr_activations >= EG_TASK_ACTIVITY_MIN);
	assert_false(eg_task_activity_periodic(&a));
	assert_int_equal(eg_task_activity_need(&a, 100), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_energy_opp_races),
		cmocka_unit_test(test_never_below_headroom),
		cmocka_unit_test(test_rt_fit),
		cmocka_unit_test(test_boost_is_top),
		cmocka_unit_test(test_raise_now_lower_later),
		cmocka_unit_test(test_idle_drop_learns),
		cmocka_unit_test(test_activity_periodic_need),
		cmocka_unit_test(test_activity_latency_stretch),
		cmocka_unit_test(test_activity_jitter_not_periodic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
