// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests of the step_wise thermal policy: one step per rising update
 * over a trip, hold when stable, step down when falling, release under the
 * trip (with hysteresis), the aggregate of two trips, the interval. */
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

/* Little cluster OPPs 533 / 999 / 1402 / 1709 / 1844 MHz: cooling state s
 * caps at opps[4 - s]: 1 -> 1709, 2 -> 1402, 3 -> 999, 4 -> 533 MHz. */
#define S1 1709000
#define S2 1402000
#define S3 999000
#define S4 533000

struct fixture {
	struct eg_model m;
	void *st;
	int last_temp;
};

static const struct eg_thermal_policy_ops *ops(void)
{
	const struct eg_thermal_policy_ops *o = eg_thermal_policy_find("step_wise");

	assert_non_null(o);
	return o;
}

/* One passive trip at 65 C with 2 C hysteresis (and the critical one),
 * cooling the little cluster only. */
static int setup_one_trip(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct eg_zone *z;

	assert_non_null(f);
	tm_hikey960(&f->m, 2000);
	z = &f->m.zones[0];
	z->trips[1] = z->trips[2];
	z->nr_trips = 2;
	z->nr_cooled = 1;
	assert_int_equal(ops()->init(&f->st, &f->m, z, NULL), 0);
	f->last_temp = 60000;
	*state = f;
	return 0;
}

/* The HiKey960 zone as is: passive 65 and 75 C without hysteresis, both
 * clusters. */
static int setup_two_trips(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	tm_hikey960(&f->m, 0);
	assert_int_equal(ops()->init(&f->st, &f->m, &f->m.zones[0], NULL), 0);
	f->last_temp = 60000;
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

static struct eg_thermal_output update(struct fixture *f, int temp_mc)
{
	struct eg_thermal_input in = {
		.now = 0,
		.model = &f->m,
		.zone = &f->m.zones[0],
		.temp_mc = temp_mc,
		.last_temp_mc = f->last_temp,
	};
	struct eg_thermal_output out;

	assert_int_equal(ops()->update(f->st, &in, &out), 0);
	f->last_temp = temp_mc;
	return out;
}

static uint32_t little(struct fixture *f, int temp_mc)
{
	return update(f, temp_mc).cap_khz[0];
}

/* Trip 65 C, hysteresis 2 C (mitigation ends under 63 C). */
static void test_one_trip_cycle(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(ops()->interval_ns(f->st), 1000 * MS);
	assert_int_equal(little(f, 60000), 0);	/* under the trip */
	assert_int_equal(little(f, 66000), S1); /* crossed, rising: 0 -> 1 */
	assert_int_equal(ops()->interval_ns(f->st), 100 * MS);
	assert_int_equal(little(f, 68000), S2); /* rising: 1 -> 2 */
	assert_int_equal(little(f, 68000), S2); /* stable: hold 2 */
	assert_int_equal(little(f, 67000), S1); /* falling: 2 -> 1 */
	assert_int_equal(little(f, 66000), S1); /* falling: not below lower + 1 */
	assert_int_equal(little(f, 64000), S1); /* under 65 but over 63: still
						     * crossed, falling: stays 1 */
	assert_int_equal(ops()->interval_ns(f->st), 100 * MS);
	assert_int_equal(little(f, 62000), 0); /* under 63, falling: released */
	assert_int_equal(ops()->interval_ns(f->st), 1000 * MS);
	assert_int_equal(little(f, 62000), 0);
	assert_int_equal(little(f, 64000), 0); /* rising but not crossed */
}

/* Rising steadily: one state per update up to the deepest (4, 533 MHz),
 * never past it. */
static void test_rising_saturates(void **state)
{
	struct fixture *f = *state;
	const uint32_t expect[] = { S1, S2, S3, S4, S4, S4 };

	for (size_t i = 0; i < ARRAY_SIZE(expect); i++)
		assert_int_equal(little(f, 66000 + 1000 * (int)i), expect[i]);
}

/* The kernel releases only on a falling update: under the trip (minus
 * hysteresis) with a stable or rising temperature, the trip keeps its
 * target. 67 -> 62 C is falling: released at once. Later, a sample of 62 C
 * after a previous sample of 62 C is stable: the trip is no longer crossed
 * but the state is held until the next falling sample. */
static void test_release_needs_falling(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(little(f, 66000), S1);
	assert_int_equal(little(f, 67000), S2);
	/* Straight to 62 C (< 63): falling -> released. */
	assert_int_equal(little(f, 62000), 0);
	assert_int_equal(little(f, 66000), S1);
	assert_int_equal(little(f, 67000), S2);
	/* Drop to 62 reported with the previous sample also 62 (stable): the
	 * trip is no longer crossed but the trend is stable, so the target is
	 * kept, as in the kernel. */
	f->last_temp = 62000;
	assert_int_equal(little(f, 62000), S2);
	/* The next falling update releases it. */
	assert_int_equal(little(f, 61000), 0);
}

/* Two trips, 65 and 75 C, both bound to both clusters; the domain takes the
 * highest target of its trips. Big OPPs 903 / 1421 / 1805 / 2112 / 2362 MHz.
 *   70 C (rising): trip 65 crossed -> 1; trip 75 not, untouched -> 1
 *   76 C (rising): trip 65: 1 + 1 = 2; trip 75 first time crossed: 1 + 1 = 2
 *                  -> 2
 *   74 C (falling): trip 65: 2 - 1 = 1; trip 75 not crossed, falling: lower
 *                  0 -> max(1, 0) = 1
 *   64 C (falling): both released -> 0 */
static void test_two_trips(void **state)
{
	struct fixture *f = *state;
	struct eg_thermal_output o;

	o = update(f, 70000);
	assert_int_equal(o.cap_khz[0], 1709000);
	assert_int_equal(o.cap_khz[1], 2112000);
	o = update(f, 76000);
	assert_int_equal(o.cap_khz[0], 1402000);
	assert_int_equal(o.cap_khz[1], 1805000);
	o = update(f, 74000);
	assert_int_equal(o.cap_khz[0], 1709000);
	assert_int_equal(o.cap_khz[1], 2112000);
	o = update(f, 64000);
	assert_int_equal(o.cap_khz[0], 0);
	assert_int_equal(o.cap_khz[1], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_one_trip_cycle, setup_one_trip, teardown),
		cmocka_unit_test_setup_teardown(test_rising_saturates, setup_one_trip, teardown),
		cmocka_unit_test_setup_teardown(test_release_needs_falling, setup_one_trip,
						teardown),
		cmocka_unit_test_setup_teardown(test_two_trips, setup_two_trips, teardown),
	};

	return cmocka_run_group_tests_name("step_wise", tests, NULL, NULL);
}
