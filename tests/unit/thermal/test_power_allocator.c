// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests of the power_allocator (IPA) thermal policy on the HiKey960
 * model: no cap below switch_on, a hand-computed budget split between the
 * two clusters, the integral term and its reset, the sampling interval. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "policy.h"
#include "thermal_test_model.h"
#include "util.h"

#define MS 1000000ULL

/* Gains derived from SP = 4500 mW and dT = 75000 - 65000 = 10000 mC, with
 * 10 fractional bits: k_po = 4500 x 1024 / 10000 = 460, k_pu = 9000 x 1024 /
 * 10000 = 921, k_i = 921 / 10 = 92.
 *
 * Actors, both clusters at their top OPP with all four CPUs busy (load 400):
 *   little: requested 245 x 400 / 100 = 980, weight 1024 -> 980, max 4 x 245
 *           = 980
 *   big:    requested 1571 x 400 / 100 = 6284, weight 512 -> 3142, max 4 x
 *           1571 = 6284
 *   total weighted request 4122, max allocatable 7264 mW. */

struct fixture {
	struct eg_model m;
	void *st;
	uint32_t little_load, big_load;
	int last_temp;
};

static const struct eg_thermal_policy_ops *ops(void)
{
	const struct eg_thermal_policy_ops *o = eg_thermal_policy_find("power_allocator");

	assert_non_null(o);
	return o;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	tm_hikey960(&f->m, 0);
	assert_int_equal(ops()->init(&f->st, &f->m, &f->m.zones[0], NULL), 0);
	f->little_load = 400;
	f->big_load = 400;
	f->last_temp = 50000;
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

/* One update at temp_mc, clusters at their top frequency; caps out. */
static void update(struct fixture *f, int temp_mc, uint32_t *little_cap, uint32_t *big_cap)
{
	struct eg_thermal_input in = {
		.now = 0,
		.model = &f->m,
		.zone = &f->m.zones[0],
		.temp_mc = temp_mc,
		.last_temp_mc = f->last_temp,
	};
	struct eg_thermal_output out;

	in.pd[0] =
		(struct eg_thermal_pd_input){ .cur_khz = 1844000, .load_pct_sum = f->little_load };
	in.pd[1] = (struct eg_thermal_pd_input){ .cur_khz = 2362000, .load_pct_sum = f->big_load };
	assert_int_equal(ops()->update(f->st, &in, &out), 0);
	f->last_temp = temp_mc;
	*little_cap = out.cap_khz[0];
	*big_cap = out.cap_khz[1];
}

static void test_below_switch_on(void **state)
{
	struct fixture *f = *state;
	uint32_t l, b;

	assert_int_equal(ops()->interval_ns(f->st), 1000 * MS);
	update(f, 64999, &l, &b);
	assert_int_equal(l, 0);
	assert_int_equal(b, 0);
	assert_int_equal(ops()->interval_ns(f->st), 1000 * MS);
}

/* T = 74 C: err = 1000 mC, P = k_pu x err = 921 x 1000 (fixed point) ->
 * 899 mW; I = 0 (err > 0 is not integrated with integral_cutoff 0); budget
 * = 4500 + 899 = 5399 mW.
 *   little: round(980 x 5399 / 4122) = 1284 > max 980 -> 980, 304 extra
 *   big:    round(3142 x 5399 / 4122) = 4115, room 6284 - 4115 = 2169,
 *           gets all 304 extra -> 4419
 * Caps: little 980 at load 400 -> 245 mW per CPU fits the top OPP: no cap;
 * big 4419 x 100 / 400 = 1104 mW per CPU -> 1805 MHz (804 mW; 2112 MHz needs
 * 1161). */
static void test_budget_split(void **state)
{
	struct fixture *f = *state;
	uint32_t l, b;

	update(f, 74000, &l, &b);
	assert_int_equal(l, 0);
	assert_int_equal(b, 1805000);
	assert_int_equal(ops()->interval_ns(f->st), 100 * MS);
}

/* Same 5399 mW, little only half busy (load 200): little requests
 * 245 x 200 / 100 = 490 (weighted 490), total weighted 490 + 3142 = 3632.
 *   little: round(490 x 5399 / 3632) = 728 -> 728 x 100 / 200 = 364 mW per
 *           CPU: top OPP fits, no cap
 *   big:    round(3142 x 5399 / 3632) = 4671 -> 1167 mW per CPU -> 2112 MHz
 * The idle part of the little cluster leaves more for the big one. */
static void test_budget_follows_request(void **state)
{
	struct fixture *f = *state;
	uint32_t l, b;

	f->little_load = 200;
	update(f, 74000, &l, &b);
	assert_int_equal(l, 0);
	assert_int_equal(b, 2112000);
}

/* T = 80 C, held: err = -5000 mC (x1024 = -5120000). P = k_po x err =
 * 460 x -5000 = -2300000 (fixed point). Each update adds k_i x err = 92 x
 * -5000 = -460000 to I (|I| stays under 7264 x 1024 = 7438336).
 *   1: P + I = -2760000 -> floor(/1024) = -2696 -> budget 1804
 *   2: -3220000 -> -3145 -> 1355
 *   3: -3680000 -> -3594 -> 906
 * Shares (x / 4122) and per-CPU power at load 400 (/4):
 *   1: little 429 -> 107 -> 999 MHz (70 mW); big 1375 -> 343 -> 903 MHz
 *   2: little 322 -> 80 -> 999 MHz;            big 1033 -> 258 -> 903 MHz
 *   3: little 215 -> 53 -> 533 MHz (28 mW);    big 691 -> 172: nothing fits,
 *      the lowest OPP, 903 MHz */
static void test_integral_accumulates(void **state)
{
	struct fixture *f = *state;
	const uint32_t little[] = { 999000, 999000, 533000 };
	uint32_t l, b;

	for (size_t i = 0; i < ARRAY_SIZE(little); i++) {
		update(f, 80000, &l, &b);
		assert_int_equal(l, little[i]);
		assert_int_equal(b, 903000);
	}
}

/* Ten updates at 80 C store I = 10 x -460000 = -4600000. Back at 74 C
 * (err > 0, not integrated): P + I = 921000 - 4600000 = -3679000 -> -3593 ->
 * budget 907: little round(980 x 907 / 4122) = 216 -> 54 -> 533 MHz, big
 * 691 -> 903 MHz, far below the fresh 74 C answer (no cap / 1805 MHz, see
 * test_budget_split). Dropping below switch_on (65 C) lifts the caps and
 * resets the integral: 74 C then gives the fresh answer again. */
static void test_integral_reset_below_switch_on(void **state)
{
	struct fixture *f = *state;
	uint32_t l, b;

	for (int i = 0; i < 10; i++)
		update(f, 80000, &l, &b);
	update(f, 74000, &l, &b);
	assert_int_equal(l, 533000);
	assert_int_equal(b, 903000);
	assert_int_equal(ops()->interval_ns(f->st), 100 * MS);

	update(f, 60000, &l, &b);
	assert_int_equal(l, 0);
	assert_int_equal(b, 0);
	assert_int_equal(ops()->interval_ns(f->st), 1000 * MS);

	update(f, 74000, &l, &b);
	assert_int_equal(l, 0);
	assert_int_equal(b, 1805000);
}

/* No sustainable power in the zone: estimated as the lowest OPPs with all
 * CPUs busy, 4 x 28 + 4 x 243 = 1084 mW. At T = control (75 C) err = 0 and
 * the budget is exactly that: little round(980 x 1084 / 4122) = 258 -> 64 ->
 * 533 MHz; big round(3142 x 1084 / 4122) = 826 -> 206 -> 903 MHz. The
 * sustainable_power tunable (4500) overrides it: budget 4500 -> little
 * 1070 > 980 -> 980 (+90 extra to big), big 3430 + 90 = 3520 -> 880 ->
 * 1805 MHz, little uncapped. */
static void test_sustainable_power_estimate_and_tunable(void **state)
{
	struct fixture *f = *state;
	uint32_t l, b;
	void *tun;

	ops()->exit(f->st);
	f->m.zones[0].sustainable_power_mw = 0;
	assert_int_equal(ops()->init(&f->st, &f->m, &f->m.zones[0], NULL), 0);
	update(f, 75000, &l, &b);
	assert_int_equal(l, 533000);
	assert_int_equal(b, 903000);
	ops()->exit(f->st);

	tun = calloc(1, ops()->tunables_size);
	assert_non_null(tun);
	eg_tunables_defaults(ops()->tunables, tun);
	assert_int_equal(
		eg_tunables_set(ops()->tunables, tun, "sustainable_power", "4500", NULL, 0), 0);
	assert_int_equal(ops()->init(&f->st, &f->m, &f->m.zones[0], tun), 0);
	free(tun);
	update(f, 75000, &l, &b);
	assert_int_equal(l, 0);
	assert_int_equal(b, 1805000);
}

/* eagov's split at T = 80 C (first update: budget 1804 mW, see above),
 * both clusters saturated. Per CPU (mW / capacity) little 28/133, 70/250,
 * 124/351, 187/428, 245/462; big 243/391, 500/616, ... From all-lowest
 * (4 x 28 + 4 x 243 = 1084 mW) the steps by capacity per mW: little 0->1
 * 468/168 = 2.79, 1->2 404/216 = 1.87, 2->3 308/252 = 1.22 (1720 mW);
 * then little 3->4 (0.59, +232) and big 0->1 (0.88, +1028) both pass the
 * budget. Little capped at 1709 MHz, big at 903: 4 x 428 + 4 x 391 = 3276
 * of capacity, where the kernel's split above (little 999, big 903) gives
 * 4 x 250 + 4 x 391 = 2564 for the same budget. */
static void test_efficient_split(void **state)
{
	struct fixture *f = *state;
	void *tun = calloc(1, ops()->tunables_size);
	uint32_t l, b;

	assert_non_null(tun);
	eg_tunables_defaults(ops()->tunables, tun);
	assert_int_equal(eg_tunables_set(ops()->tunables, tun, "efficient_split", "yes", NULL, 0),
			 0);
	ops()->exit(f->st);
	assert_int_equal(ops()->init(&f->st, &f->m, &f->m.zones[0], tun), 0);
	f->last_temp = 80000;
	update(f, 80000, &l, &b);
	assert_int_equal(l, 1709000);
	assert_int_equal(b, 903000);

	/* A fresh controller at 74 C (budget 5399 mW) with little half busy
	 * (load 200 at 1844 MHz: 924 of capacity): little's steps past 999
	 * MHz deliver nothing more to the first pass (1230 mW), big climbs to
	 * 2112 MHz (4902 mW; 2362 would need 6542). The second pass spends the
	 * rest on raw capacity: little's power at 924 of demand rises by 68,
	 * 77, 87 mW to the top (5134 mW): no cap. */
	ops()->exit(f->st);
	assert_int_equal(ops()->init(&f->st, &f->m, &f->m.zones[0], tun), 0);
	free(tun);
	f->little_load = 200;
	update(f, 74000, &l, &b);
	assert_int_equal(l, 0);
	assert_int_equal(b, 2112000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_below_switch_on, setup, teardown),
		cmocka_unit_test_setup_teardown(test_budget_split, setup, teardown),
		cmocka_unit_test_setup_teardown(test_budget_follows_request, setup, teardown),
		cmocka_unit_test_setup_teardown(test_efficient_split, setup, teardown),
		cmocka_unit_test_setup_teardown(test_integral_accumulates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_integral_reset_below_switch_on, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_sustainable_power_estimate_and_tunable, setup,
						teardown),
	};

	return cmocka_run_group_tests_name("power_allocator", tests, NULL, NULL);
}
