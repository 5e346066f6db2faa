// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests of the menu idle policy: state choice against timer, latency
 * limit and disabled states, correction-factor learning, typical interval. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "idle_test_pd.h"
#include "policy.h"
#include "util.h"

#define MS 1000000ULL
#define US 1000ULL

struct fixture {
	struct eg_pd pd;
	void *st;
};

static const struct eg_idle_policy_ops *ops(void)
{
	const struct eg_idle_policy_ops *o = eg_idle_policy_find("menu");

	assert_non_null(o);
	return o;
}

static int setup_tun(void **state, const char *use_typical)
{
	struct fixture *f = calloc(1, sizeof(*f));
	void *tun = NULL;

	assert_non_null(f);
	idle_test_pd(&f->pd);
	if (use_typical) {
		tun = calloc(1, ops()->tunables_size);
		assert_non_null(tun);
		eg_tunables_defaults(ops()->tunables, tun);
		assert_int_equal(eg_tunables_set(ops()->tunables, tun, "use_typical", use_typical,
						 NULL, 0),
				 0);
	}
	assert_int_equal(ops()->init(&f->st, &f->pd, 0, tun), 0);
	free(tun);
	*state = f;
	return 0;
}

static int setup(void **state)
{
	return setup_tun(state, NULL);
}

static int setup_no_typical(void **state)
{
	return setup_tun(state, "no");
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	ops()->exit(f->st);
	free(f);
	return 0;
}

static int sel(struct fixture *f, uint64_t timer_ns, uint32_t lat_us, uint32_t disabled)
{
	struct eg_idle_input in = {
		.now = 0,
		.pd = &f->pd,
		.cpu = 0,
		.next_timer_ns = timer_ns,
		.latency_req_us = lat_us,
		.disabled_mask = disabled,
	};

	return ops()->select(f->st, &in);
}

/* Fresh state: factor unity, no typical interval (all recorded intervals 0).
 * Timer 1 s -> predicted 1 s; every residency fits -> deepest, state 2. */
static void test_long_timer_deepest(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(sel(f, 1000 * MS, UINT32_MAX, 0), 2);
	/* No timer at all behaves as a very long one. */
	assert_int_equal(sel(f, EG_NEVER, UINT32_MAX, 0), 2);
	/* Timer 2 ms: 1500 <= 2000 < 3500 -> state 1; 1 ms < state 1's
	 * residency -> state 0 (the early exit). */
	assert_int_equal(sel(f, 2 * MS, UINT32_MAX, 0), 1);
	assert_int_equal(sel(f, 1 * MS, UINT32_MAX, 0), 0);
}

static void test_latency(void **state)
{
	struct fixture *f = *state;

	/* 1000 us: state 2 exits in 1600 > 1000, state 1 in 650 -> 1. */
	assert_int_equal(sel(f, 1000 * MS, 1000, 0), 1);
	/* 1600 us is exactly state 2's exit latency: allowed. */
	assert_int_equal(sel(f, 1000 * MS, 1600, 0), 2);
	/* 600 us < state 1's 650: state 0. 0 = no latency at all: state 0. */
	assert_int_equal(sel(f, 1000 * MS, 600, 0), 0);
	assert_int_equal(sel(f, 1000 * MS, 0, 0), 0);
}

static void test_disabled(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(sel(f, 1000 * MS, UINT32_MAX, 1U << 2), 1);
	assert_int_equal(sel(f, 1000 * MS, UINT32_MAX, (1U << 1) | (1U << 2)), 0);
	assert_int_equal(sel(f, 1000 * MS, UINT32_MAX, 1U << 1), 2);
	/* State 0 disabled and a 1 ms timer: no early exit to state 0; the
	 * shallowest enabled state (1) is the fallback even though its 1500 us
	 * residency exceeds the prediction. */
	assert_int_equal(sel(f, 1 * MS, UINT32_MAX, 1U << 0), 1);
}

/* Timer 5 ms (bucket 1..10 ms), the CPU always wakes after 1 ms in WFI:
 * measured = 1000000 - exit 1000 ns = 999000 ns, ratio term
 * 1024 * 999000 / 5000000 = 204. Factor f' = f - f/8 + 204 from 8192:
 *   7372, 6655, 6028, 5479
 * predicted us = round(5000000 * f / 8192000):
 *   4500, 4062, 3679 (all >= 3500 -> state 2), then 3344 (< 3500 -> state 1).
 * The typical-interval detector stays silent: with 1..4 intervals of 999 us
 * and the rest 0, the mean never passes the midpoint, so the 999s are the
 * side dropped, leaving only zeros (no pattern). */
static void test_correction_learns_early_wakeups(void **state)
{
	struct fixture *f = *state;
	const int expect[] = { 2, 2, 2, 1 };

	assert_int_equal(sel(f, 5 * MS, UINT32_MAX, 0), 2);
	for (size_t i = 0; i < ARRAY_SIZE(expect); i++) {
		ops()->reflect(f->st, 0, 1 * MS);
		assert_int_equal(sel(f, 5 * MS, UINT32_MAX, 0), expect[i]);
	}
	/* The factor belongs to the 1..10 ms bucket only: a 50 ms timer
	 * (bucket 10..100 ms, still at unity) goes deep again. */
	assert_int_equal(sel(f, 50 * MS, UINT32_MAX, 0), 2);
}

/* Timer 1 s, the CPU wakes every 1 ms (measured 1001000 ns in WFI -> 1000
 * us recorded). Correction factor for bucket >= 100 ms after n wakeups
 * (f' = f - f/8 + 1024 * 1000000 / 1e9 = f - f/8 + 1): 7169, 6274, 5491,
 * 4806, 4207: predicted >= 1e6 us * 4207 / 8192 = 513 ms: always state 2 by
 * the timer. The typical interval: after 4 wakeups [1000 x4, 0 x4]: mean
 * 500, not regular; 500 - 0 > 1000 - 500 is false so the 1000s are
 * dropped, leaving zeros: none. After 5: mean 625, 625 - 0 > 375 so the
 * zeros are dropped; the five 1000s have variance 0 <= 400 -> typical
 * 1000 us -> predicted 1000 us < 1500 -> state 0. */
static void test_typical_interval(void **state)
{
	struct fixture *f = *state;

	for (int i = 0; i < 4; i++) {
		assert_int_equal(sel(f, 1000 * MS, UINT32_MAX, 0), 2);
		ops()->reflect(f->st, 0, 1 * MS + 1000);
	}
	assert_int_equal(sel(f, 1000 * MS, UINT32_MAX, 0), 2);
	ops()->reflect(f->st, 0, 1 * MS + 1000);
	assert_int_equal(sel(f, 1000 * MS, UINT32_MAX, 0), 0);
}

/* Same wakeups with use_typical = no: the timer-based prediction alone
 * (>= 513 ms, see above; after 5 wakeups 4207 -> 1e6 * 4207 / 8192 us)
 * keeps state 2. */
static void test_typical_disabled(void **state)
{
	struct fixture *f = *state;

	for (int i = 0; i < 5; i++) {
		sel(f, 1000 * MS, UINT32_MAX, 0);
		ops()->reflect(f->st, 0, 1 * MS + 1000);
	}
	assert_int_equal(sel(f, 1000 * MS, UINT32_MAX, 0), 2);
}

/* Irregular wakeups, 1, 2, 3, 1, 2, 3, 1, 2 ms (recorded after the 1 us
 * exit latency): mean 1875, variance 609375, 1875^2 = 3515625 is not
 * > 36 x 609375; 1875 - 1000 > 3000 - 1875 is false, so the two 3000s
 * go; the six left (mean 1500, variance 250000) fail again and 6 x 4 <= 24
 * ends the search: no typical interval. The timer (1 s, factor >= 2800 after
 * 8 tiny ratios: >= 340 ms) keeps state 2. */
static void test_irregular_no_typical(void **state)
{
	struct fixture *f = *state;
	const uint64_t ms[] = { 1, 2, 3, 1, 2, 3, 1, 2 };

	for (size_t i = 0; i < ARRAY_SIZE(ms); i++) {
		sel(f, 1000 * MS, UINT32_MAX, 0);
		ops()->reflect(f->st, 0, ms[i] * MS + 1000);
	}
	assert_int_equal(sel(f, 1000 * MS, UINT32_MAX, 0), 2);
}

/* A wakeup later than the timer (exit overhead) must not teach a factor
 * above unity. Timer 3 ms (bucket 1..10 ms), woke after 10 ms in state 2:
 * 10 ms - exit 1.6 ms = 8.4 ms, clamped to the 3 ms timer: ratio term 1024,
 * factor 8192 - 1024 + 1024 = 8192, unity: predicted 3 ms < 3500 us ->
 * state 1. Unclamped the term would be 1024 x 8.4 / 3 = 2867, factor 10035,
 * predicted 3 ms x 10035 / 8192 = 3675 us -> state 2. (One recorded interval
 * gives no typical interval.) */
static void test_measured_clamped_to_timer(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(sel(f, 3 * MS, UINT32_MAX, 0), 1);
	ops()->reflect(f->st, 2, 10 * MS);
	assert_int_equal(sel(f, 3 * MS, UINT32_MAX, 0), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_long_timer_deepest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_latency, setup, teardown),
		cmocka_unit_test_setup_teardown(test_disabled, setup, teardown),
		cmocka_unit_test_setup_teardown(test_correction_learns_early_wakeups, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_typical_interval, setup, teardown),
		cmocka_unit_test_setup_teardown(test_typical_disabled, setup_no_typical, teardown),
		cmocka_unit_test_setup_teardown(test_irregular_no_typical, setup, teardown),
		cmocka_unit_test_setup_teardown(test_measured_clamped_to_timer, setup, teardown),
	};

	return cmocka_run_group_tests_name("menu", tests, NULL, NULL);
}
