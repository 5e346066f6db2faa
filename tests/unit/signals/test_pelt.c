// SPDX-License-Identifier: GPL-2.0-or-later
/* PELT arithmetic: decay, ramp and decay closed forms, invariance. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "signals.h"
#include "util.h"

/* One PELT period in ns: 1024 units of 1024 ns. */
#define PERIOD_NS (1024ULL * 1024ULL)

/* y = 0.5^(1/32): the closed forms below are written with it. */
static double y_pow(double n)
{
	return pow(0.5, n / 32.0);
}

static void assert_within_pct(double got, double want, double pct)
{
	double tol = want * pct / 100.0;

	if (fabs(got - want) > tol)
		fail_msg("got %.2f, want %.2f +- %.2f", got, want, tol);
}

static void pelt_start(struct eg_pelt *p)
{
	memset(p, 0, sizeof(*p));
}

/* Run (or idle) from the entity's current time for n periods, updating once
 * per period boundary. */
static void pelt_steps(struct eg_pelt *p, unsigned n, bool running, uint32_t cs, uint32_t fs)
{
	for (unsigned i = 0; i < n; i++)
		eg_pelt_update(p, p->last_update_ns + PERIOD_NS, running, running, cs, fs);
}

static void test_decay_table(void **state)
{
	(void)state;
	/* y^0 = 1: unchanged. */
	assert_int_equal(eg_pelt_decay(47742, 0), 47742);
	/* 2^40 * y^16: y^16 = 2^-0.5, table entry 16 is 0xb504f333, and
	 * 2^40 * 0xb504f333 / 2^32 = 0xb504f333 << 8 exactly; this needs the
	 * high 32 bits of the 64x32 multiply. */
	assert_int_equal(eg_pelt_decay(1ULL << 40, 16), 0xb504f333ULL << 8);
	/* Halving per 32 periods: 2^40 * y^64 = 2^38, less the truncation of
	 * entry 0 (0xffffffff = 1 - 2^-32): 2^38 - 2^38 / 2^32 = 2^38 - 64. */
	assert_int_equal(eg_pelt_decay(1ULL << 40, 64), (1ULL << 38) - 64);
	/* General n: val * y^n within 2 units: the halving shift truncates
	 * < 1 unit (then multiplied by y^(n%32) < 1), the final shift < 1
	 * more, and the table's own truncation (< 2^-32 relative, plus the
	 * 1 - 2^-32 factor) adds < 1e9 * 2^-31 ~ 0.5 unit at most. */
	for (unsigned n = 1; n < 32 * 40; n += 7) {
		double want = 1e9 * y_pow(n);

		assert_true(fabs((double)eg_pelt_decay(1000000000ULL, n) - want) < 2.0);
	}
	/* Past 63 half-lives everything is gone. */
	assert_int_equal(eg_pelt_decay(UINT64_MAX, 32 * 63 + 1), 0);
}

/* Always running at full capacity and frequency, from 0:
 * util(n) = 1024 * (1 - y^n) after n periods: 512 at 32, ~818 at 74,
 * ~921 at 106, ~1004 at 181 (the kernel's documented 512/819/922/1004). */
static void test_ramp(void **state)
{
	static const unsigned checks[] = { 32, 74, 106, 181 };
	struct eg_pelt p;
	unsigned done = 0;

	(void)state;
	pelt_start(&p);
	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
		pelt_steps(&p, checks[i] - done, true, 1024, 1024);
		done = checks[i];
		assert_within_pct(p.util_avg, 1024.0 * (1.0 - y_pow(done)), 1.0);
		/* Running implies runnable: the same ramp. */
		assert_within_pct(p.runnable_avg, 1024.0 * (1.0 - y_pow(done)), 1.0);
	}
	/* Saturation: after 1000 periods util is 1024 minus truncation. */
	pelt_steps(&p, 1000 - done, true, 1024, 1024);
	assert_in_range(p.util_avg, 1014, 1024);
}

/* The three-segment split must make the result independent of how often the
 * entity is updated: 32 periods in one call, and in 37-us steps (never on a
 * period boundary), both give 1024 * (1 - y^32) = 512. */
static void test_update_granularity(void **state)
{
	struct eg_pelt a, b;
	uint64_t end = 32 * PERIOD_NS;

	(void)state;
	pelt_start(&a);
	pelt_start(&b);
	assert_true(eg_pelt_update(&a, end, true, true, 1024, 1024));
	for (uint64_t t = 37000; t < end; t += 37000)
		eg_pelt_update(&b, t, true, true, 1024, 1024);
	eg_pelt_update(&b, end, true, true, 1024, 1024);
	assert_within_pct(a.util_avg, 512, 1.0);
	assert_true(abs((int)a.util_avg - (int)b.util_avg) <= 2);
	assert_int_equal(a.period_contrib, b.period_contrib);
}

/* Averages move only when a period boundary is crossed. */
static void test_recompute_at_boundary(void **state)
{
	struct eg_pelt p;

	(void)state;
	pelt_start(&p);
	/* Half a period: sums grow, averages stay 0. */
	assert_false(eg_pelt_update(&p, PERIOD_NS / 2, true, true, 1024, 1024));
	assert_int_equal(p.util_avg, 0);
	assert_true(p.util_sum > 0);
	assert_int_equal(p.period_contrib, 512);
	/* Crossing the boundary recomputes. */
	assert_true(eg_pelt_update(&p, PERIOD_NS + 10, true, true, 1024, 1024));
	assert_true(p.util_avg > 0);
	/* Time going back is ignored, nothing changes. */
	{
		struct eg_pelt before = p;

		assert_false(eg_pelt_update(&p, PERIOD_NS, true, true, 1024, 1024));
		assert_memory_equal(&before, &p, sizeof(p));
	}
}

/* From saturation u0, sleeping n periods: util = u0 * y^n (u0/2 after 32,
 * u0/4 after 64, u0 * 0.1 after 106). */
static void test_decay_sleeping(void **state)
{
	struct eg_pelt p;
	double u0;
	unsigned done = 0;
	static const unsigned checks[] = { 32, 64, 106 };

	(void)state;
	pelt_start(&p);
	pelt_steps(&p, 1000, true, 1024, 1024);
	u0 = p.util_avg;
	for (size_t i = 0; i < 3; i++) {
		pelt_steps(&p, checks[i] - done, false, 1024, 1024);
		done = checks[i];
		assert_within_pct(p.util_avg, u0 * y_pow(done), 1.0);
		assert_within_pct(p.runnable_avg, u0 * y_pow(done), 1.0);
	}
}

/* Runnable but not running (waiting): runnable ramps like util would,
 * 1024 * (1 - y^32) = 512, util stays 0. */
static void test_runnable_only(void **state)
{
	struct eg_pelt p;

	(void)state;
	pelt_start(&p);
	pelt_steps(&p, 32, false, 1024, 1024);
	assert_int_equal(p.runnable_avg, 0);
	for (unsigned i = 0; i < 32; i++)
		eg_pelt_update(&p, p.last_update_ns + PERIOD_NS, false, true, 1024, 1024);
	assert_int_equal(p.util_avg, 0);
	assert_within_pct(p.runnable_avg, 512, 1.0);
}

/* Invariance on a ramp: the accrual is scaled per contribution
 * (x * scale >> 10), so an always-running entity at half capacity, or at half
 * frequency, accrues exactly half of the full-speed sum at every instant:
 * util_half(n) = util_full(n) / 2, up to one unit of truncation. (The
 * kernel's clock_pelt scales time instead, which makes this only approximate
 * there; the steady states below are exact in both.) */
static void test_ramp_half_scale(void **state)
{
	struct eg_pelt full, half_cap, half_freq, quarter;

	(void)state;
	pelt_start(&full);
	pelt_start(&half_cap);
	pelt_start(&half_freq);
	pelt_start(&quarter);
	for (unsigned n = 1; n <= 200; n++) {
		pelt_steps(&full, 1, true, 1024, 1024);
		pelt_steps(&half_cap, 1, true, 512, 1024);
		pelt_steps(&half_freq, 1, true, 1024, 512);
		pelt_steps(&quarter, 1, true, 512, 512);
		assert_true(abs((int)half_cap.util_avg - (int)full.util_avg / 2) <= 1);
		assert_true(abs((int)half_freq.util_avg - (int)full.util_avg / 2) <= 1);
		assert_true(abs((int)quarter.util_avg - (int)full.util_avg / 4) <= 1);
	}
	/* And the levels reached: 1024 * 512/1024 * (1 - y^200) = 505.3,
	 * a quarter of the full ramp: 256 * (1 - y^200) = 252.6. */
	assert_within_pct(half_cap.util_avg, 512.0 * (1.0 - y_pow(200)), 1.0);
	assert_within_pct(quarter.util_avg, 256.0 * (1.0 - y_pow(200)), 1.0);
}

/* Mean of util over one cycle of a periodic entity in steady state, sampled
 * at each period boundary. run/sleep in periods. */
static double periodic_mean(unsigned run, unsigned sleep, uint32_t cs, uint32_t fs, uint32_t *min,
			    uint32_t *max)
{
	struct eg_pelt p;
	double sum = 0;

	pelt_start(&p);
	/* 60 cycles of >= 8 periods: > 15 half-lives, the start is forgotten. */
	for (unsigned c = 0; c < 60; c++) {
		pelt_steps(&p, run, true, cs, fs);
		pelt_steps(&p, sleep, false, cs, fs);
	}
	*min = UINT32_MAX;
	*max = 0;
	for (unsigned i = 0; i < run + sleep; i++) {
		pelt_steps(&p, 1, i < run, cs, fs);
		sum += p.util_avg;
		*min = EG_MIN(*min, p.util_avg);
		*max = EG_MAX(*max, p.util_avg);
	}
	return sum / (run + sleep);
}

/* Frequency invariance: same work, same util. A periodic task doing 2
 * periods of full-speed work every 8 periods runs 25% of the time at full
 * frequency; at half frequency the same work takes 4 periods (50% duty).
 * In steady state the mean of a first-order filter over a cycle equals the
 * mean of its input (the weights sum to the divider at a boundary:
 * 1024 * sum_{j>=1} y^j = LOAD_AVG_MAX - 1024), so both means are
 * 0.25 * 1024 = 256 = 0.5 * 1024 * 512/1024. Likewise 100% duty at half
 * frequency equals 50% duty at full: 512. Truncations stay under 1%. */
static void test_same_work_same_util(void **state)
{
	uint32_t fmin, fmax, hmin, hmax, cmin, cmax;
	double full, half, little;

	(void)state;
	full = periodic_mean(2, 6, 1024, 1024, &fmin, &fmax);
	half = periodic_mean(4, 4, 1024, 512, &hmin, &hmax);
	assert_within_pct(full, 256, 1.0);
	assert_within_pct(half, 256, 1.0);
	/* The same work spread over more time ripples less around the mean. */
	assert_true(hmax - hmin < fmax - fmin);
	/* Capacity invariance the same way: a CPU of half the capacity needs
	 * twice the time for the work. */
	little = periodic_mean(4, 4, 512, 1024, &cmin, &cmax);
	assert_within_pct(little, 256, 1.0);
	/* 50% duty at full speed vs always running at half speed. */
	full = periodic_mean(4, 4, 1024, 1024, &fmin, &fmax);
	half = periodic_mean(8, 0, 1024, 512, &hmin, &hmax);
	assert_within_pct(full, 512, 1.0);
	assert_within_pct(half, 512, 1.0);
	assert_true(hmax - hmin <= 1); /* constant input: flat */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decay_table),
		cmocka_unit_test(test_ramp),
		cmocka_unit_test(test_update_granularity),
		cmocka_unit_test(test_recompute_at_boundary),
		cmocka_unit_test(test_decay_sleeping),
		cmocka_unit_test(test_runnable_only),
		cmocka_unit_test(test_ramp_half_scale),
		cmocka_unit_test(test_same_work_same_util),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
