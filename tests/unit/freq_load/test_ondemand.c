// SPDX-License-Identifier: GPL-2.0-or-later
/* ondemand on the HiKey960 big domain (OPPs 903/1421/1805/2112/2362 MHz), and the shared table
 * resolution of governors/freq/load.h. Proportional target: f = 903000 + load * (2362000 -
 * 903000) / 100 = 903000 + load * 14590 kHz. Derived sampling rate: 8000 us (see fixture.h). */
#include "fixture.h"

#include "freq/load.h"

static struct fx *od_new(void)
{
	struct fx *f = fx_new();

	assert_int_equal(fx_start(f, "ondemand", NULL), 0);
	fx_prime(f);
	return f;
}

/* No sample before the period: the first call primes at t0, next timer t0 + 8 ms; a call at
 * t0 + 7.999 ms (even for another reason) says nothing. */
static void test_sampling_period(void **unused)
{
	struct fx *f = od_new();
	uint64_t t0 = f->in.now;

	(void)unused;
	assert_int_equal(f->ops->next_timer(f->st), t0 + MS(8));
	fx_loads(f, 90, 90, 90, 90);
	fx_advance(f, MS(8) - 1000);
	assert_int_equal(fx_update(f, EG_REASON_TIMER, false), 0);
	assert_int_equal(fx_update(f, EG_REASON_UTIL, false), 0);
	assert_int_equal(f->ops->next_timer(f->st), t0 + MS(8));
	/* load 90 > 80 -> max */
	assert_int_equal(fx_tick(f), F4);
	assert_int_equal(f->ops->next_timer(f->st), t0 + MS(16));
	fx_free(f);
}

/* A transition delay above two ticks sets the derived rate: delay 10000 us -> 10 ms. An
 * explicit sampling_rate wins: 20000 us -> 20 ms. */
static void test_derived_rate(void **unused)
{
	struct fx *f = fx_new();
	uint64_t t0;

	(void)unused;
	f->m.pds[1].transition_delay_us = 10000;
	assert_int_equal(fx_start(f, "ondemand", NULL), 0);
	t0 = f->in.now;
	fx_prime(f);
	assert_int_equal(f->ops->next_timer(f->st), t0 + MS(10));
	fx_free(f);

	f = fx_new();
	assert_int_equal(fx_start(f, "ondemand", "sampling_rate", "20000", NULL), 0);
	t0 = f->in.now;
	fx_prime(f);
	assert_int_equal(f->ops->next_timer(f->st), t0 + MS(20));
	fx_free(f);
}

/* Proportional choices, closest OPP (RELATION_C):
 * 50 -> 903000 + 729500 = 1632500: |1632500-1421000| = 211500 > |1805000-1632500| = 172500
 *       -> 1805000
 * 30 -> 1340700: 80300 to 1421000 < 437700 to 903000 -> 1421000
 * 10 -> 1048900: 145900 to 903000 < 372100 to 1421000 -> 903000
 * 80 (not > 80) -> 2070200: 41800 to 2112000 < 265200 to 1805000 -> 2112000
 * 81 -> above up_threshold -> 2362000
 * 0 (all idle) -> 903000 */
static void test_proportional(void **unused)
{
	static const struct {
		uint32_t load, khz;
	} steps[] = {
		{ 50, F2 }, { 30, F1 }, { 10, F0 }, { 80, F3 }, { 81, F4 }, { 0, F0 },
	};
	struct fx *f = od_new();

	(void)unused;
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		fx_loads(f, steps[i].load, steps[i].load, steps[i].load, steps[i].load);
		assert_int_equal(fx_tick(f), steps[i].khz);
	}
	fx_free(f);
}

/* The domain's load is the max over its CPUs: 10/20/50/0 -> 50 -> 1805000; 10/90/0/0 -> 90 ->
 * 2362000. */
static void test_max_of_cpus(void **unused)
{
	struct fx *f = od_new();

	(void)unused;
	fx_loads(f, 10, 20, 50, 0);
	assert_int_equal(fx_tick(f), F2);
	fx_loads(f, 10, 90, 0, 0);
	assert_int_equal(fx_tick(f), F4);
	fx_free(f);
}

/* An offline CPU is not looked at, even if its counter moves: CPU 5 offline at 100 %, the
 * others at 10 % -> 1048900 -> 903000. When it comes back it first only gets a snapshot
 * (still 903000), and counts from the next sample: 100 -> 2362000. */
static void test_offline_ignored(void **unused)
{
	struct fx *f = od_new();

	(void)unused;
	f->cpu[5].online = false;
	fx_loads(f, 10, 100, 10, 10);
	assert_int_equal(fx_tick(f), F0);
	assert_int_equal(fx_tick(f), F0);
	f->cpu[5].online = true;
	assert_int_equal(fx_tick(f), F0);
	assert_int_equal(fx_tick(f), F4);
	fx_free(f);
}

/* sampling_down_factor 3: the jump to max (from 903000) makes the next sample come 3 x 8 =
 * 24 ms later, and that sample's window is the whole 24 ms: 16 ms at 100 % then 8 ms idle ->
 * 66 % -> 903000 + 66 * 14590 = 1865940: 60940 to 1805000 < 246060 to 2112000 -> 1805000.
 * Below the threshold the multiplier is back to 1: next sample 8 ms later. */
static void test_sampling_down_factor(void **unused)
{
	struct fx *f = fx_new();
	uint64_t t1;

	(void)unused;
	assert_int_equal(fx_start(f, "ondemand", "sampling_down_factor", "3", NULL), 0);
	fx_prime(f);
	fx_loads(f, 90, 0, 0, 0);
	assert_int_equal(fx_tick(f), F4);
	t1 = f->in.now;
	assert_int_equal(f->ops->next_timer(f->st), t1 + MS(24));
	fx_loads(f, 100, 0, 0, 0);
	fx_advance(f, MS(8));
	assert_int_equal(fx_update(f, EG_REASON_TIMER, false), 0);
	fx_advance(f, MS(8));
	assert_int_equal(fx_update(f, EG_REASON_TIMER, false), 0);
	fx_loads(f, 0, 0, 0, 0);
	assert_int_equal(fx_tick(f), F2);
	assert_int_equal(f->ops->next_timer(f->st), t1 + MS(24) + MS(8));
	fx_free(f);
}

/* Limits: a change alone re-clamps the standing request without sampling. At max (load 90), max
 * limited to 1805000 -> 1805000; lifted -> 2362000 again; the next timer is unchanged. With
 * the request at 903000 (load 0), min raised to 1421000 -> 1421000. */
static void test_limits(void **unused)
{
	struct fx *f = od_new();
	uint64_t next;

	(void)unused;
	fx_loads(f, 90, 90, 90, 90);
	assert_int_equal(fx_tick(f), F4);
	next = f->ops->next_timer(f->st);
	fx_advance(f, MS(1));
	f->in.max_khz = F2;
	assert_int_equal(fx_update(f, EG_REASON_LIMITS, true), 1);
	assert_int_equal(f->out.khz, F2);
	f->in.max_khz = F4;
	assert_int_equal(fx_update(f, EG_REASON_LIMITS, true), 1);
	assert_int_equal(f->out.khz, F4);
	assert_int_equal(f->ops->next_timer(f->st), next);

	fx_loads(f, 0, 0, 0, 0);
	assert_int_equal(fx_tick(f), F0);
	f->in.min_khz = F1;
	assert_int_equal(fx_update(f, EG_REASON_LIMITS, true), 1);
	assert_int_equal(f->out.khz, F1);
	/* A sample under a max limit resolves inside it: 90 -> max -> 1805000. */
	f->in.min_khz = F0;
	f->in.max_khz = F2;
	fx_loads(f, 90, 0, 0, 0);
	assert_int_equal(fx_tick(f), F2);
	fx_free(f);
}

/* A limits call between samples takes no sample: CPUs 100 % for 4 ms, limits call, idle 4 ms;
 * the sample at 8 ms sees the whole window: 50 % -> 1805000 (had the limits call sampled, the
 * window would be the idle 4 ms -> 903000). */
static void test_limits_do_not_sample(void **unused)
{
	struct fx *f = od_new();

	(void)unused;
	fx_loads(f, 100, 100, 100, 100);
	fx_advance(f, MS(4));
	assert_int_equal(fx_update(f, EG_REASON_LIMITS, true), 1);
	assert_int_equal(f->out.khz, F0);
	fx_loads(f, 0, 0, 0, 0);
	assert_int_equal(fx_tick(f), F2);
	fx_free(f);
}

/* Wake from long idle (dbs_update): a window more than 2 periods idle on a CPU that had load
 * reuses that load once. Sample 1: 50 % -> 1805000. Then a 40 ms window (idle 38 ms > 16 ms),
 * 2 ms busy: 5 % would give 903000 + 72950 = 975950 -> 903000, but the previous 50 % is used
 * -> 1805000. The next normal window at 0 % -> 903000. */
static void test_long_idle_reuses_load(void **unused)
{
	struct fx *f = od_new();

	(void)unused;
	fx_loads(f, 50, 0, 0, 0);
	assert_int_equal(fx_tick(f), F2);
	fx_loads(f, 0, 0, 0, 0);
	fx_advance(f, MS(38));
	fx_loads(f, 100, 0, 0, 0);
	fx_advance(f, MS(2));
	assert_int_equal(fx_update(f, EG_REASON_TIMER, false), 1);
	assert_int_equal(f->out.khz, F2);
	fx_loads(f, 0, 0, 0, 0);
	assert_int_equal(fx_tick(f), F0);
	fx_free(f);
}

/* powersave_bias 100 (10 %): load 90 -> request 2362000, reduced by 236200 to 2125800, which
 * lies between 2112000 (lo) and 2362000 (hi). hi runs for (2125800 - 2112000) / (2362000 -
 * 2112000) of 8 ms = 13800 / 250000 x 8000000 ns = 441600 ns, then lo for the rest (7558400
 * ns); the sub-sample takes no load sample (the next window is the full 8 ms). */
static void test_powersave_bias(void **unused)
{
	struct fx *f = fx_new();
	uint64_t t1;

	(void)unused;
	assert_int_equal(fx_start(f, "ondemand", "powersave_bias", "100", NULL), 0);
	fx_prime(f);
	fx_loads(f, 90, 0, 0, 0);
	assert_int_equal(fx_tick(f), F4);
	t1 = f->in.now;
	assert_int_equal(f->ops->next_timer(f->st), t1 + 441600);
	fx_loads(f, 100, 0, 0, 0);
	assert_int_equal(fx_tick(f), F3);
	assert_int_equal(f->ops->next_timer(f->st), t1 + MS(8));
	/* Next window [t1, t1 + 8 ms]: 441600 ns busy, then idle -> 5 % (5.52 truncated) ->
	 * 903000 + 5 * 14590 = 975950, resolved with L (the kernel's RELATION_LE) to 1421000,
	 * reduced by 142100 to 1278900, between 903000 and 1421000 -> hi 1421000 first. Had the
	 * sub-sample taken a sample, the window would be the idle tail: 0 % -> 903000 reduced to
	 * 812700 -> both neighbours 903000 -> 903000. */
	fx_loads(f, 0, 0, 0, 0);
	assert_int_equal(fx_tick(f), F1);
	fx_free(f);
}

static void test_tunables(void **unused)
{
	const struct eg_freq_policy_ops *ops = eg_freq_policy_find("ondemand");
	char buf[64];
	void *tun;

	(void)unused;
	assert_non_null(ops);
	tun = calloc(1, ops->tunables_size);
	assert_non_null(tun);
	eg_tunables_defaults(ops->tunables, tun);
	eg_tunables_format(eg_tunables_find(ops->tunables, "up_threshold"), tun, buf, sizeof(buf));
	assert_string_equal(buf, "80");
	assert_int_equal(eg_tunables_set(ops->tunables, tun, "up_threshold", "10", NULL, 0),
			 -ERANGE);
	assert_int_equal(eg_tunables_set(ops->tunables, tun, "up_threshold", "100", NULL, 0), 0);
	assert_int_equal(eg_tunables_set(ops->tunables, tun, "sampling_down_factor", "0", NULL, 0),
			 -ERANGE);
	assert_int_equal(eg_tunables_set(ops->tunables, tun, "powersave_bias", "1001", NULL, 0),
			 -ERANGE);
	assert_int_equal(eg_tunables_set(ops->tunables, tun, "io_is_busy", "1", NULL, 0), -ENOENT);
	free(tun);
}

/* load.h's resolution: L / H / C within limits; a C tie goes to the lower OPP (midpoint of
 * 1421000 and 1805000 is 1613000); limits that are not OPPs; an inefficient OPP skipped when
 * asked, unless nothing efficient lies within the limits. */
static void test_resolve(void **unused)
{
	struct fx *f = fx_new();
	struct eg_pd *pd;

	(void)unused;
	assert_int_equal(eg_model_finalize(&f->m, NULL), 0);
	pd = &f->m.pds[1];
	assert_int_equal(eg_load_resolve(pd, 1500000, F0, F4, EG_REL_L, false), F2);
	assert_int_equal(eg_load_resolve(pd, 1500000, F0, F4, EG_REL_H, false), F1);
	assert_int_equal(eg_load_resolve(pd, 1613000, F0, F4, EG_REL_C, false), F1);
	assert_int_equal(eg_load_resolve(pd, 1613001, F0, F4, EG_REL_C, false), F2);
	assert_int_equal(eg_load_resolve(pd, 100000, F0, F4, EG_REL_H, false), F0);
	assert_int_equal(eg_load_resolve(pd, 9000000, F0, F4, EG_REL_L, false), F4);
	/* max 2000000 is no OPP: L of anything above 1805000 stays <= 2000000 */
	assert_int_equal(eg_load_resolve(pd, 1900000, F0, 2000000, EG_REL_L, false), F2);
	assert_int_equal(eg_load_resolve(pd, 1900000, 1500000, 2000000, EG_REL_H, false), F2);
	/* 2112000 inefficient: L of 2000000 goes to 2362000 when efficient, to 2112000 when not
	 * or when 2362000 is outside the limits. */
	pd->opps[3].inefficient = true;
	assert_int_equal(eg_load_resolve(pd, 2000000, F0, F4, EG_REL_L, true), F4);
	assert_int_equal(eg_load_resolve(pd, 2000000, F0, F4, EG_REL_L, false), F3);
	assert_int_equal(eg_load_resolve(pd, 2000000, F0, F3, EG_REL_L, true), F3);
	/* reclamp: above max -> highest <= max, below min -> lowest >= min, inside -> itself */
	assert_int_equal(eg_load_reclamp(pd, F4, EG_REL_L, F0, 2000000, false), F2);
	assert_int_equal(eg_load_reclamp(pd, F0, EG_REL_H, 1500000, F4, false), F2);
	assert_int_equal(eg_load_reclamp(pd, F1, EG_REL_C, F0, F4, false), F1);
	fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sampling_period),
		cmocka_unit_test(test_derived_rate),
		cmocka_unit_test(test_proportional),
		cmocka_unit_test(test_max_of_cpus),
		cmocka_unit_test(test_offline_ignored),
		cmocka_unit_test(test_sampling_down_factor),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_limits_do_not_sample),
		cmocka_unit_test(test_long_idle_reuses_load),
		cmocka_unit_test(test_powersave_bias),
		cmocka_unit_test(test_tunables),
		cmocka_unit_test(test_resolve),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
