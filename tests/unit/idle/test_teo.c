// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests of the TEO idle policy: state choice against timer, latency
 * limit and disabled states; hits keep it deep, intercepts move it shallower. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "idle_test_pd.h"
#include "policy.h"
#include "util.h"

#define MS 1000000ULL

struct fixture {
	struct eg_pd pd;
	void *st;
};

static const struct eg_idle_policy_ops *ops(void)
{
	const struct eg_idle_policy_ops *o = eg_idle_policy_find("teo");

	assert_non_null(o);
	return o;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	idle_test_pd(&f->pd);
	assert_int_equal(ops()->init(&f->st, &f->pd, 0, NULL), 0);
	*state = f;
	return 0;
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

/* No history: the deepest enabled state, then bounded by the timer. */
static void test_timer(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(sel(f, 1000 * MS, UINT32_MAX, 0), 2);
	assert_int_equal(sel(f, EG_NEVER, UINT32_MAX, 0), 2);
	/* 2 ms: state 2 needs 3.5 ms; the deepest that fits is 1 (1.5 ms). */
	assert_int_equal(sel(f, 2 * MS, UINT32_MAX, 0), 1);
	assert_int_equal(sel(f, 1 * MS, UINT32_MAX, 0), 0);
}

static void test_latency_and_disabled(void **state)
{
	struct fixture *f = *state;

	/* Exit latencies 1 / 650 / 1600 us. */
	assert_int_equal(sel(f, 1000 * MS, 1000, 0), 1);
	assert_int_equal(sel(f, 1000 * MS, 1600, 0), 2);
	assert_int_equal(sel(f, 1000 * MS, 600, 0), 0);
	assert_int_equal(sel(f, 1000 * MS, UINT32_MAX, 1U << 2), 1);
	assert_int_equal(sel(f, 1000 * MS, UINT32_MAX, 1U << 1), 2);
	/* Only state 1 enabled: it is the answer even for a short timer. */
	assert_int_equal(sel(f, 1 * MS, UINT32_MAX, (1U << 0) | (1U << 2)), 1);
	/* State 1 disabled, 2 ms timer: state 2 does not fit, the walk to a
	 * shallower one skips 1 and lands on 0. */
	assert_int_equal(sel(f, 2 * MS, UINT32_MAX, 1U << 1), 0);
}

/* Four wakeups at the 1 s timer in state 2: measured 1 s - 1.6 ms / 2 lands
 * in bin 2, the timer's bin: hits. hits2 = 1024, 1920, 2704, 3390 (decay
 * 1/8 then + 1024), total = 3390. */
static void four_hits(struct fixture *f)
{
	for (int i = 0; i < 4; i++) {
		assert_int_equal(sel(f, 1000 * MS, UINT32_MAX, 0), 2);
		ops()->reflect(f->st, 2, 1000 * MS);
	}
}

/* Then wakeups after 100 us in state 2 (< exit latency 1600 us: counted as
 * 50 us, bin 0) while the timer says 1 s: intercepts in bin 0.
 *   1st: hits2 = 3390 - 423 = 2967, int0 = 1024, total = 2967 + 1024 = 3991;
 *        shallower intercepts 1024: 2 x 1024 > 3991 - 0? no -> state 2
 *   2nd: hits2 = 2597, int0 = 896 + 1024 = 1920, total = 2597 + 896 + 1024
 *        = 4517: 3840 > 4517? no -> state 2
 *   3rd: hits2 = 2273, int0 = 1680 + 1024 = 2704, total = 2273 + 1680 + 1024
 *        = 4977: 5408 > 4977 -> walk down: bin 1 has no intercepts (0 > half
 *        of 2704? no), bin 0 has 2704 -> state 0. */
static void test_intercepts_move_shallower(void **state)
{
	struct fixture *f = *state;
	const int expect[] = { 2, 2, 0 };

	four_hits(f);
	assert_int_equal(sel(f, 1000 * MS, UINT32_MAX, 0), 2);
	for (size_t i = 0; i < ARRAY_SIZE(expect); i++) {
		ops()->reflect(f->st, 2, 100000);
		assert_int_equal(sel(f, 1000 * MS, UINT32_MAX, 0), expect[i]);
	}
	/* Hits come back: one more at the timer. hits2 = 2273 - 284 + 1024 =
	 * 3013, int0 = 2704 - 338 = 2366, total = 1989 + 2366 + 1024 = 5379:
	 * 2 x 2366 = 4732 > 5379? no -> state 2 again. */
	ops()->reflect(f->st, 0, 1000 * MS);
	assert_int_equal(sel(f, 1000 * MS, UINT32_MAX, 0), 2);
}

/* Same, but the CPU wakes after 3 ms in state 2: 3 - 1.6 / 2 = 2.2 ms, bin 1
 * (1.5 .. 3.5 ms). The same numbers as above land in int1, and the walk
 * stops at state 1: its bin alone holds all the shallower intercepts. */
static void test_intercepts_middle_bin(void **state)
{
	struct fixture *f = *state;
	const int expect[] = { 2, 2, 1 };

	four_hits(f);
	for (size_t i = 0; i < ARRAY_SIZE(expect); i++) {
		ops()->reflect(f->st, 2, 3 * MS);
		assert_int_equal(sel(f, 1000 * MS, UINT32_MAX, 0), expect[i]);
	}
	/* The latency limit still applies on top: 600 us -> state 0. */
	assert_int_equal(sel(f, 1000 * MS, 600, 0), 0);
}

/* With no hits at all a single intercept decides: int0 = 1024, total 1024:
 * 2048 > 1024 -> state 0 (nothing speaks for the deep state). */
static void test_single_intercept(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(sel(f, 1000 * MS, UINT32_MAX, 0), 2);
	ops()->reflect(f->st, 2, 100000);
	assert_int_equal(sel(f, 1000 * MS, UINT32_MAX, 0), 0);
	/* Disabling state 0 leaves the walk at state 1. */
	assert_int_equal(sel(f, 1000 * MS, UINT32_MAX, 1U << 0), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_timer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_latency_and_disabled, setup, teardown),
		cmocka_unit_test_setup_teardown(test_intercepts_move_shallower, setup, teardown),
		cmocka_unit_test_setup_teardown(test_intercepts_middle_bin, setup, teardown),
		cmocka_unit_test_setup_teardown(test_single_intercept, setup, teardown),
	};

	return cmocka_run_group_tests_name("teo", tests, NULL, NULL);
}
