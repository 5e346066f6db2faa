// SPDX-License-Identifier: GPL-2.0-or-later
/* Profile holds without D-Bus: who wins, what a release restores, cookies,
 * a vanished holder's holds, a manual choice dropping them, the bounds. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ppd_holds.h"

#define PS EG_PROFILE_POWER_SAVER
#define BAL EG_PROFILE_BALANCED
#define PERF EG_PROFILE_PERFORMANCE

static uint32_t hold(struct eg_ppd_holds *h, enum eg_profile current, enum eg_profile profile,
		     const char *requester)
{
	uint32_t cookie = 0;

	assert_int_equal(
		eg_ppd_holds_add(h, current, profile, "reason", "app", requester, 0, &cookie), 0);
	assert_int_not_equal(cookie, 0);
	return cookie;
}

static void test_nothing_held(void **state)
{
	struct eg_ppd_holds h;

	(void)state;
	eg_ppd_holds_init(&h, BAL);
	assert_int_equal(eg_ppd_holds_effective(&h), BAL);
	eg_ppd_holds_set_base(&h, PS);
	assert_int_equal(eg_ppd_holds_effective(&h), PS);
	assert_null(eg_ppd_holds_find(&h, 1));
	assert_int_equal(eg_ppd_holds_remove(&h, 1), -ENOENT);
}

static void test_performance_then_back(void **state)
{
	struct eg_ppd_holds h;
	uint32_t c;

	(void)state;
	eg_ppd_holds_init(&h, BAL);
	c = hold(&h, BAL, PERF, ":1.5");
	assert_int_equal(eg_ppd_holds_effective(&h), PERF);
	const struct eg_ppd_hold *x = eg_ppd_holds_find(&h, c);
	assert_non_null(x);
	assert_string_equal(x->requester, ":1.5");
	assert_string_equal(x->application_id, "app");
	assert_string_equal(x->reason, "reason");
	assert_int_equal(x->profile, PERF);
	assert_int_equal(eg_ppd_holds_remove(&h, c), 0);
	assert_int_equal(h.nr, 0);
	assert_int_equal(eg_ppd_holds_effective(&h), BAL);
	assert_int_equal(eg_ppd_holds_remove(&h, c), -ENOENT);
	eg_ppd_holds_clear(&h);
}

/* The profile to return to is the one active when the first hold came, not
 * the one at init: the daemon may have switched by itself in between. */
static void test_returns_to_pre_hold_profile(void **state)
{
	struct eg_ppd_holds h;
	uint32_t a, b;

	(void)state;
	eg_ppd_holds_init(&h, BAL);
	a = hold(&h, PS, PERF, ":1.1");
	/* A second hold does not move the return point to the held profile. */
	b = hold(&h, PERF, PERF, ":1.2");
	assert_int_equal(eg_ppd_holds_remove(&h, a), 0);
	assert_int_equal(eg_ppd_holds_effective(&h), PERF);
	assert_int_equal(eg_ppd_holds_remove(&h, b), 0);
	assert_int_equal(eg_ppd_holds_effective(&h), PS);
}

static void test_power_saver_wins(void **state)
{
	struct eg_ppd_holds h;
	uint32_t perf1, ps, perf2;

	(void)state;
	eg_ppd_holds_init(&h, BAL);
	perf1 = hold(&h, BAL, PERF, ":1.1");
	ps = hold(&h, PERF, PS, ":1.2");
	assert_int_equal(eg_ppd_holds_effective(&h), PS);
	perf2 = hold(&h, PS, PERF, ":1.3");
	assert_int_equal(eg_ppd_holds_effective(&h), PS);
	/* Whichever order they go, power-saver rules while it is held. */
	assert_int_equal(eg_ppd_holds_remove(&h, perf1), 0);
	assert_int_equal(eg_ppd_holds_effective(&h), PS);
	assert_int_equal(eg_ppd_holds_remove(&h, ps), 0);
	assert_int_equal(eg_ppd_holds_effective(&h), PERF);
	assert_int_equal(eg_ppd_holds_remove(&h, perf2), 0);
	assert_int_equal(eg_ppd_holds_effective(&h), BAL);
}

static void test_only_perf_and_power_saver(void **state)
{
	struct eg_ppd_holds h;
	uint32_t c = 77;

	(void)state;
	eg_ppd_holds_init(&h, PS);
	assert_int_equal(eg_ppd_holds_add(&h, PS, BAL, "r", "a", ":1.1", 0, &c), -EINVAL);
	assert_int_equal(eg_ppd_holds_add(&h, PS, EG_PROFILE__MAX, "r", "a", ":1.1", 0, &c),
			 -EINVAL);
	assert_int_equal(c, 77);
	assert_int_equal(h.nr, 0);
	assert_int_equal(h.base, PS);
}

static void test_cookies_unique(void **state)
{
	struct eg_ppd_holds h;
	uint32_t a, b, c;

	(void)state;
	eg_ppd_holds_init(&h, BAL);
	a = hold(&h, BAL, PERF, ":1.1");
	b = hold(&h, BAL, PERF, ":1.1");
	assert_int_not_equal(a, b);
	assert_int_equal(eg_ppd_holds_remove(&h, a), 0);
	c = hold(&h, BAL, PERF, ":1.1");
	assert_int_not_equal(c, b);
	assert_int_not_equal(c, a);
	eg_ppd_holds_clear(&h);

	/* Near the wrap: 0 is skipped, and so is a cookie still held. */
	eg_ppd_holds_init(&h, BAL);
	h.next_cookie = 1;
	a = hold(&h, BAL, PERF, ":1.1");
	assert_int_equal(a, 1);
	h.next_cookie = UINT32_MAX;
	b = hold(&h, BAL, PERF, ":1.1");
	assert_int_equal(b, UINT32_MAX);
	c = hold(&h, BAL, PERF, ":1.1");
	assert_int_equal(c, 2);
	eg_ppd_holds_clear(&h);
	assert_int_equal(h.nr, 0);
}

/* A holder leaving the bus: the caller finds its holds one by one. */
static void test_requester_vanishes(void **state)
{
	struct eg_ppd_holds h;
	const struct eg_ppd_hold *x;
	int released = 0;

	(void)state;
	eg_ppd_holds_init(&h, BAL);
	hold(&h, BAL, PS, ":1.7");
	uint32_t other = hold(&h, PS, PERF, ":1.8");
	hold(&h, PS, PERF, ":1.7");
	while ((x = eg_ppd_holds_find_requester(&h, ":1.7"))) {
		assert_int_equal(eg_ppd_holds_remove(&h, x->cookie), 0);
		released++;
	}
	assert_int_equal(released, 2);
	assert_int_equal(h.nr, 1);
	assert_int_equal(h.hold[0].cookie, other);
	assert_int_equal(eg_ppd_holds_effective(&h), PERF);
	assert_null(eg_ppd_holds_find_requester(&h, ":1.70"));
	eg_ppd_holds_clear(&h);
}

static void test_order_kept(void **state)
{
	struct eg_ppd_holds h;
	uint32_t c[4];

	(void)state;
	eg_ppd_holds_init(&h, BAL);
	for (int i = 0; i < 4; i++)
		c[i] = hold(&h, BAL, PERF, ":1.1");
	assert_int_equal(eg_ppd_holds_remove(&h, c[1]), 0);
	assert_int_equal(h.nr, 3);
	assert_int_equal(h.hold[0].cookie, c[0]);
	assert_int_equal(h.hold[1].cookie, c[2]);
	assert_int_equal(h.hold[2].cookie, c[3]);
	eg_ppd_holds_clear(&h);
}

/* A manual choice drops every hold and becomes the profile in force. */
static void test_manual_releases(void **state)
{
	struct eg_ppd_holds h;

	(void)state;
	eg_ppd_holds_init(&h, BAL);
	hold(&h, BAL, PERF, ":1.1");
	hold(&h, PERF, PS, ":1.2");
	eg_ppd_holds_manual(&h, PERF);
	assert_int_equal(h.nr, 0);
	assert_int_equal(eg_ppd_holds_effective(&h), PERF);
	/* The next hold returns to the manual choice. */
	uint32_t c = hold(&h, PERF, PS, ":1.3");
	assert_int_equal(eg_ppd_holds_effective(&h), PS);
	assert_int_equal(eg_ppd_holds_remove(&h, c), 0);
	assert_int_equal(eg_ppd_holds_effective(&h), PERF);
}

/* An automatic switch while holds last: they keep winning, and the new
 * profile is what their end restores. */
static void test_automatic_under_hold(void **state)
{
	struct eg_ppd_holds h;
	uint32_t c;

	(void)state;
	eg_ppd_holds_init(&h, BAL);
	c = hold(&h, BAL, PERF, ":1.1");
	eg_ppd_holds_set_base(&h, PS);
	assert_int_equal(eg_ppd_holds_effective(&h), PERF);
	assert_int_equal(eg_ppd_holds_remove(&h, c), 0);
	assert_int_equal(eg_ppd_holds_effective(&h), PS);
}

static void test_bounds(void **state)
{
	struct eg_ppd_holds h;
	char big[EG_PPD_TEXT_MAX + 1];
	uint32_t c = 0;

	(void)state;
	eg_ppd_holds_init(&h, BAL);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(eg_ppd_holds_add(&h, BAL, PERF, big, "a", ":1.1", 0, &c), -E2BIG);
	assert_int_equal(eg_ppd_holds_add(&h, BAL, PERF, "r", big, ":1.1", 0, &c), -E2BIG);
	big[EG_PPD_TEXT_MAX - 1] = '\0';
	assert_int_equal(eg_ppd_holds_add(&h, BAL, PERF, big, big, ":1.1", 1, &c), 0);
	assert_int_equal(eg_ppd_holds_find(&h, c)->via, 1);
	for (int i = 1; i < EG_PPD_MAX_HOLDS; i++)
		hold(&h, BAL, PERF, ":1.1");
	assert_int_equal(h.nr, EG_PPD_MAX_HOLDS);
	assert_int_equal(eg_ppd_holds_add(&h, BAL, PS, "r", "a", ":1.1", 0, &c), -ENOSPC);
	assert_int_equal(eg_ppd_holds_effective(&h), PERF);
	eg_ppd_holds_clear(&h);
	assert_int_equal(h.nr, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nothing_held),
		cmocka_unit_test(test_performance_then_back),
		cmocka_unit_test(test_returns_to_pre_hold_profile),
		cmocka_unit_test(test_power_saver_wins),
		cmocka_unit_test(test_only_perf_and_power_saver),
		cmocka_unit_test(test_cookies_unique),
		cmocka_unit_test(test_requester_vanishes),
		cmocka_unit_test(test_order_kept),
		cmocka_unit_test(test_manual_releases),
		cmocka_unit_test(test_automatic_under_hold),
		cmocka_unit_test(test_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
