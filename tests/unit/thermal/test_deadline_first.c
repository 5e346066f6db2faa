// SPDX-License-Identifier: GPL-2.0-or-later
/* power_allocator's deadline_first on the HiKey960 model, worked by hand:
 * a domain's periodic RT demand holds it at the OPP that serves it while the
 * other is cut, no demand gives the efficient split, and a budget short of
 * every demand is shared in proportion to what each needs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "policy.h"
#include "thermal_test_model.h"
#include "util.h"

/* At T = 75 C, the control trip, the PID adds nothing on its first update:
 * the budget is the sustainable_power tunable. Both clusters saturated
 * (load 400). Per CPU, mW / capacity: little 28/133, 70/250, 124/351,
 * 187/428, 245/462; big 243/391, 500/616, 804/782, 1161/915, 1571/1024.
 * Every domain at its lowest OPP: 4 x 28 + 4 x 243 = 1084 mW. */

struct dl {
	struct eg_model m;
	struct eg_thermal_input in;
};

static const struct eg_thermal_policy_ops *ops(void)
{
	const struct eg_thermal_policy_ops *o = eg_thermal_policy_find("power_allocator");

	assert_non_null(o);
	return o;
}

static int setup(void **state)
{
	struct dl *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	tm_hikey960(&f->m, 0);
	f->in.model = &f->m;
	f->in.zone = &f->m.zones[0];
	f->in.temp_mc = 75000;
	f->in.last_temp_mc = 75000;
	f->in.pd[0] = (struct eg_thermal_pd_input){ .cur_khz = 1844000, .load_pct_sum = 400 };
	f->in.pd[1] = (struct eg_thermal_pd_input){ .cur_khz = 2362000, .load_pct_sum = 400 };
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

/* One fresh controller with the tunables given as "name", "value" pairs
 * (NULL-terminated) and sustainable_power sp, updated once on f->in. */
static void caps(struct dl *f, uint32_t sp, uint32_t *little, uint32_t *big, ...)
{
	void *tun = calloc(1, ops()->tunables_size), *st;
	struct eg_thermal_output out;
	char spv[16];
	const char *name;
	va_list ap;

	assert_non_null(tun);
	eg_tunables_defaults(ops()->tunables, tun);
	snprintf(spv, sizeof(spv), "%u", sp);
	assert_int_equal(eg_tunables_set(ops()->tunables, tun, "sustainable_power", spv, NULL, 0),
			 0);
	va_start(ap, big);
	while ((name = va_arg(ap, const char *))) {
		const char *value = va_arg(ap, const char *);

		assert_int_equal(eg_tunables_set(ops()->tunables, tun, name, value, NULL, 0), 0);
	}
	va_end(ap);
	assert_int_equal(ops()->init(&st, &f->m, &f->m.zones[0], tun), 0);
	free(tun);
	assert_int_equal(ops()->update(st, &f->in, &out), 0);
	ops()->exit(st);
	*little = out.cap_khz[0];
	*big = out.cap_khz[1];
}

/* Budget 2600 mW, below the 7264 the clusters ask for. The efficient
 * split takes little 0->1->2->3 (+168, +216, +252: 1720 mW) and 3->4
 * (+232: 1952); big 0->1 (+1028) never fits: little uncapped, big 903 MHz.
 * An RT task on CPU 5 needing 480 of capacity, within 80 % of its period
 * 600, needs big's 1421 MHz (616): +1028 mW, 2112 in all, which the budget
 * covers; the rest buys little 0->1->2 (2496 mW; 2->3 would make 2748).
 * Little is cut to 1402 MHz, big holds 1421. */
static void test_rt_demand_holds_its_domain(void **state)
{
	struct dl *f = *state;
	uint32_t l, b;

	caps(f, 2600, &l, &b, "efficient_split", "yes", NULL);
	assert_int_equal(l, 0);
	assert_int_equal(b, 903000);

	f->in.rt_demand[5] = 480;
	caps(f, 2600, &l, &b, "efficient_split", "yes", NULL);
	assert_int_equal(l, 0);
	assert_int_equal(b, 903000);
	caps(f, 2600, &l, &b, "deadline_first", "yes", NULL);
	assert_int_equal(l, 1402000);
	assert_int_equal(b, 1421000);
	assert_true(f->m.pds[1].opps[1].perf >= 600);

	/* The largest CPU of the domain decides, as one frequency serves
	 * them all: with 200 more on CPU 4 and the whole period to fill, 480
	 * still needs 1421 MHz (the sum, 680, would need 1805). At 3400 mW
	 * the rest then takes little 0->1->2->3->4 (2980 mW); big 1->2 (+1216)
	 * does not fit. */
	f->in.rt_demand[4] = 200;
	caps(f, 3400, &l, &b, "deadline_first", "yes", "deadline_fill_pct", "100", NULL);
	assert_int_equal(l, 0);
	assert_int_equal(b, 1421000);

	/* Periodic CFS demand counts unless deadline_cfs is off. */
	f->in.rt_demand[4] = f->in.rt_demand[5] = 0;
	f->in.cfs_demand[6] = 480;
	caps(f, 2600, &l, &b, "deadline_first", "yes", NULL);
	assert_int_equal(l, 1402000);
	assert_int_equal(b, 1421000);
	caps(f, 2600, &l, &b, "deadline_first", "yes", "deadline_cfs", "no", NULL);
	assert_int_equal(l, 0);
	assert_int_equal(b, 903000);
}

/* Without any demand deadline_first is the efficient split, at budgets
 * where that split gives different caps. */
static void test_no_demand_is_the_efficient_split(void **state)
{
	static const uint32_t budgets[] = { 900, 1804, 2600, 3000, 5399, 8000 };
	struct dl *f = *state;

	for (size_t i = 0; i < ARRAY_SIZE(budgets); i++) {
		uint32_t l1, b1, l2, b2;

		caps(f, budgets[i], &l1, &b1, "efficient_split", "yes", NULL);
		caps(f, budgets[i], &l2, &b2, "deadline_first", "yes", NULL);
		assert_int_equal(l1, l2);
		assert_int_equal(b1, b2);
	}
	/* By hand at 1804 mW (see test_power_allocator.c): 1709 / 903. */
	{
		uint32_t l, b;

		caps(f, 1804, &l, &b, "deadline_first", "yes", NULL);
		assert_int_equal(l, 1709000);
		assert_int_equal(b, 903000);
	}
}

/* Budget 2600 mW; little needs its top OPP (380 / 80 % = 475 > 462):
 * +868 mW over its lowest; big needs 1805 MHz (600 / 80 % = 750 <= 782):
 * +2244. 1084 + 868 + 2244 = 4196 mW is more than the budget: the 1516 mW
 * above the lowest OPPs is shared in proportion, 1516 x 868 / 3112 = 422
 * to little (1402 MHz: +384; 1709 needs +636) and 1516 x 2244 / 3112 =
 * 1093 to big (1421 MHz: +1028). 2496 mW used; neither next step fits.
 * Little first would give it its top and leave big at 903 MHz; the
 * efficient split alone gives the same. Below the lowest OPPs' 1084 mW
 * both stay at their lowest. */
static void test_short_budget_shared_in_proportion(void **state)
{
	struct dl *f = *state;
	uint32_t l, b;

	f->in.rt_demand[1] = 380;
	f->in.rt_demand[6] = 600;
	caps(f, 2600, &l, &b, "deadline_first", "yes", NULL);
	assert_int_equal(l, 1402000);
	assert_int_equal(b, 1421000);
	caps(f, 2600, &l, &b, "efficient_split", "yes", NULL);
	assert_int_equal(l, 0);
	assert_int_equal(b, 903000);
	caps(f, 1000, &l, &b, "deadline_first", "yes", NULL);
	assert_int_equal(l, 533000);
	assert_int_equal(b, 903000);

	/* A budget that covers both: each gets its floor, little's top and
	 * big's 1805 (4196 mW), and the rest (to 4500) buys nothing more. */
	caps(f, 4500, &l, &b, "deadline_first", "yes", NULL);
	assert_int_equal(l, 0);
	assert_int_equal(b, 1805000);
}

/* The kernel's split is untouched by demand: plain power_allocator. */
static void test_off_by_default(void **state)
{
	struct dl *f = *state;
	uint32_t l1, b1, l2, b2;

	caps(f, 2600, &l1, &b1, NULL);
	f->in.rt_demand[5] = 1000;
	f->in.cfs_demand[1] = 400;
	caps(f, 2600, &l2, &b2, NULL);
	assert_int_equal(l1, l2);
	assert_int_equal(b1, b2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rt_demand_holds_its_domain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_demand_is_the_efficient_split, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_short_budget_shared_in_proportion, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_off_by_default, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
