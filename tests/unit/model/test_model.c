// SPDX-License-Identifier: GPL-2.0-or-later
/* platform/model.c: capacity normalisation, power from the dynamic-power
 * coefficient, cost and inefficient OPPs, OPP lookup, cpumask parse/format,
 * finalize's consistency checks. Expected values are derived in comments. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "model.h"
#include "util.h"

static struct eg_model *new_model(void)
{
	struct eg_model *m = malloc(sizeof(*m));

	assert_non_null(m);
	eg_model_init(m);
	return m;
}

static struct eg_pd *add_pd(struct eg_model *m, const char *name, const char *cpus)
{
	struct eg_pd *pd = &m->pds[m->nr_pds++];

	eg_strlcpy(pd->name, name, sizeof(pd->name));
	assert_int_equal(eg_cpumask_parse(cpus, &pd->cpus), 0);
	return pd;
}

static void add_opp(struct eg_pd *pd, uint32_t khz, uint32_t mv, uint64_t power_uw)
{
	struct eg_opp *o = &pd->opps[pd->nr_opps++];

	o->khz = khz;
	o->mv = mv;
	o->power_uw = power_uw;
}

/* HiKey960 as its device tree describes it (hi3660.dtsi). */
static struct eg_model *hikey960(void)
{
	struct eg_model *m = new_model();
	struct eg_pd *l = add_pd(m, "little", "0-3");
	struct eg_pd *b = add_pd(m, "big", "4-7");

	l->capacity_dmips_mhz = 592;
	l->dyn_power_coeff = 110;
	add_opp(l, 533000, 700, 0);
	add_opp(l, 999000, 800, 0);
	add_opp(l, 1844000, 1100, 0);
	b->capacity_dmips_mhz = 1024;
	b->dyn_power_coeff = 550;
	add_opp(b, 903000, 700, 0);
	add_opp(b, 2362000, 1100, 0);
	return m;
}

static void test_capacity_normalised(void **state)
{
	struct eg_model *m = hikey960();

	(void)state;
	assert_int_equal(eg_model_finalize(m, NULL), 0);
	/* raw = dmips x max kHz: little 592 * 1844000 = 1091648000, big 1024 *
	 * 2362000 = 2418688000 (the largest -> 1024). little = 1091648000 * 1024 /
	 * 2418688000 = 462.17 -> 462 (the EAS table's 462). */
	assert_int_equal(m->pds[1].max_cap, 1024);
	assert_int_equal(m->pds[0].max_cap, 462);
	assert_int_equal(m->cpu_cap[0], 462);
	assert_int_equal(m->cpu_cap[7], 1024);
	assert_int_equal(m->nr_cpus, 8);
	assert_int_equal(m->cpu_pd[3], 0);
	assert_int_equal(m->cpu_pd[4], 1);
	assert_int_equal(m->pds[1].first_cpu, 4);
	assert_int_equal(m->pds[1].nr_cpus, 4);
	free(m);
}

static void test_power_from_coefficient_and_cost(void **state)
{
	struct eg_model *m = hikey960();
	const struct eg_opp *o;

	(void)state;
	assert_int_equal(eg_model_finalize(m, NULL), 0);
	o = &m->pds[0].opps[0];
	/* P = C * mV^2 * MHz / 10^6 = 110 * 700^2 * 533 / 10^6 = 28728.7 -> 28728 uW. */
	assert_int_equal(o->power_uw, 28728);
	assert_int_equal(o->power_origin, EG_ORIGIN_COMPUTED);
	/* perf = 462 * 533000 / 1844000 = 133.5 -> 133; cost = 10 * 28728 / 133
	 * = 2160.0 -> 2160. */
	assert_int_equal(o->perf, 133);
	assert_int_equal(o->cost, 2160);
	o = &m->pds[1].opps[1];
	/* 550 * 1100^2 * 2362 / 10^6 = 1571911.0 uW; perf 1024; cost = 15719110 /
	 * 1024 = 15350.7 -> 15350. */
	assert_int_equal(o->power_uw, 1571911);
	assert_int_equal(o->perf, 1024);
	assert_int_equal(o->cost, 15350);
	assert_false(o->inefficient);
	free(m);
}

/* One domain, capacity 1024, explicit powers chosen so that the lowest OPP
 * costs more than the middle one. */
static struct eg_model *ineff_model(void)
{
	struct eg_model *m = new_model();
	struct eg_pd *pd = add_pd(m, "a", "0");

	add_opp(pd, 500000, 0, 100000);
	add_opp(pd, 1000000, 0, 150000);
	add_opp(pd, 2000000, 0, 400000);
	assert_int_equal(eg_model_finalize(m, NULL), 0);
	return m;
}

static void test_inefficient_marks(void **state)
{
	struct eg_model *m = ineff_model();
	const struct eg_pd *pd = &m->pds[0];

	(void)state;
	/* No dmips: capacity 1024. perf = 1024 * f / 2000000: 256, 512, 1024.
	 * cost = 10 * P / perf: 1000000 / 256 = 3906, 1500000 / 512 = 2929,
	 * 4000000 / 1024 = 3906. From the top down: 3906, then 2929 (lower, fine),
	 * then 3906 >= 2929: the 500 MHz OPP is inefficient. */
	assert_int_equal(pd->max_cap, 1024);
	assert_int_equal(pd->opps[0].perf, 256);
	assert_int_equal(pd->opps[0].cost, 3906);
	assert_int_equal(pd->opps[1].cost, 2929);
	assert_int_equal(pd->opps[2].cost, 3906);
	assert_true(pd->opps[0].inefficient);
	assert_false(pd->opps[1].inefficient);
	assert_false(pd->opps[2].inefficient);
	assert_int_equal(pd->opps[0].power_origin, EG_ORIGIN_NONE); /* given, not computed */
	free(m);
}

static void test_no_power_no_cost(void **state)
{
	struct eg_model *m = new_model();
	struct eg_pd *pd = add_pd(m, "a", "0-1");

	(void)state;
	/* No power and no coefficient: cost unknown (0), nothing inefficient. */
	add_opp(pd, 500000, 800, 0);
	add_opp(pd, 1000000, 900, 0);
	assert_int_equal(eg_model_finalize(m, NULL), 0);
	assert_int_equal(pd->opps[0].cost, 0);
	assert_false(pd->opps[0].inefficient);
	assert_int_equal(pd->opps[0].perf, 512); /* 1024 * 500000 / 1000000 */
	free(m);
}

/* Static power scales as V^3 from the top OPP: with voltages, big 903 MHz
 * at 700 of 1100 mV: 200000 x (7/11)^3 = 51540.2 -> 51540 uW. Without
 * voltages, V / Vtop = sqrt((P / f) / (Ptop / ftop)): 100000 uW at 500 MHz
 * and 400000 uW at 1000 MHz give sqrt(200 / 400) = 0.70711, cubed 0.35355:
 * 1000 uW -> 354 uW. */
static void test_static_power_scaling(void **state)
{
	struct eg_model *m = hikey960();
	struct eg_model *n = new_model();
	struct eg_pd *pd = add_pd(n, "x", "0");

	(void)state;
	m->pds[1].cpu_static_uw = 200000;
	m->pds[1].pd_static_uw = 339000;
	assert_int_equal(eg_model_finalize(m, NULL), 0);
	assert_int_equal(m->pds[1].opps[1].static_uw, 200000);
	assert_int_equal(m->pds[1].opps[0].static_uw, 51540);
	assert_int_equal(m->pds[1].opps[0].pd_static_uw, 87361);
	assert_int_equal(m->pds[0].opps[0].static_uw, 0);
	add_opp(pd, 500000, 0, 100000);
	add_opp(pd, 1000000, 0, 400000);
	pd->cpu_static_uw = 1000;
	assert_int_equal(eg_model_finalize(n, NULL), 0);
	assert_int_equal(n->pds[0].opps[0].static_uw, 354);
	free(n);
	free(m);
}

/* Break-even energies: CPU states over WFI, cluster states over the domain
 * on (domain + domain static power at the OPP). WFI 20000 uW, sleep 5000 uW
 * at residency 1000 us, off 0 uW at 3000 us: sleep (20000 - 5000) x 1000 =
 * 15 uJ, off 15 + 5000 x 3000 = 30 uJ. Cluster state 0 uW at 2000 us with
 * domain 10000 + static 2000 uW: 24 uJ. */
static void test_idle_transition_energy(void **state)
{
	struct eg_model *m = new_model();
	struct eg_pd *pd = add_pd(m, "x", "0");
	const uint64_t power[3] = { 20000, 5000, 0 };
	const uint32_t res[3] = { 1, 1000, 3000 };

	(void)state;
	add_opp(pd, 1000000, 900, 100000);
	pd->opps[0].pd_power_uw = 10000;
	pd->pd_static_uw = 2000;
	pd->nr_cpu_idle = 3;
	for (int i = 0; i < 3; i++) {
		pd->cpu_idle[i].power_uw = power[i];
		pd->cpu_idle[i].residency_us = res[i];
	}
	pd->nr_cluster_idle = 1;
	pd->cluster_idle[0].residency_us = 2000;
	assert_int_equal(eg_model_finalize(m, NULL), 0);
	assert_true(pd->cpu_idle[0].transition_uj == 0);
	assert_true(fabs(pd->cpu_idle[1].transition_uj - 15) < 1e-9);
	assert_true(fabs(pd->cpu_idle[2].transition_uj - 30) < 1e-9);
	assert_true(fabs(eg_pd_cluster_transition_uj(pd, 0, 0) - 24) < 1e-9);
	free(m);
}

static void test_sysfs_capacity_kept(void **state)
{
	struct eg_model *m = new_model();
	struct eg_pd *pd = add_pd(m, "a", "0");

	(void)state;
	/* A capacity read from sysfs (no dmips) is kept as is. */
	pd->max_cap = 512;
	add_opp(pd, 1000000, 0, 0);
	assert_int_equal(eg_model_finalize(m, NULL), 0);
	assert_int_equal(pd->max_cap, 512);
	/* cap at 500 MHz: 512 * 500000 / 1000000 = 256 */
	assert_int_equal(eg_pd_cap_at(pd, 500000), 256);
	free(m);
}

static void test_opp_ceil_floor(void **state)
{
	struct eg_model *m = ineff_model();
	const struct eg_pd *pd = &m->pds[0];

	(void)state;
	/* OPPs 500000 (inefficient), 1000000, 2000000. */
	assert_int_equal(eg_pd_opp_ceil(pd, 600000, 0, UINT32_MAX, false), 1);
	assert_int_equal(eg_pd_opp_ceil(pd, 400000, 0, UINT32_MAX, false), 0);
	/* skip_inefficient moves 500000 up to 1000000... */
	assert_int_equal(eg_pd_opp_ceil(pd, 400000, 0, UINT32_MAX, true), 1);
	/* ...but not past max_khz: with max 500000 it stays. */
	assert_int_equal(eg_pd_opp_ceil(pd, 400000, 0, 500000, true), 0);
	/* Above every OPP: the highest allowed. */
	assert_int_equal(eg_pd_opp_ceil(pd, 3000000, 0, UINT32_MAX, false), 2);
	assert_int_equal(eg_pd_opp_ceil(pd, 3000000, 0, 1000000, false), 1);
	/* min_khz excludes lower OPPs. */
	assert_int_equal(eg_pd_opp_ceil(pd, 100000, 1000000, UINT32_MAX, false), 1);
	/* Nothing within limits. */
	assert_int_equal(eg_pd_opp_ceil(pd, 100000, 600000, 900000, false), -1);

	assert_int_equal(eg_pd_opp_floor(pd, 900000, 0, UINT32_MAX), 0);
	assert_int_equal(eg_pd_opp_floor(pd, 1000000, 0, UINT32_MAX), 1);
	assert_int_equal(eg_pd_opp_floor(pd, 100000, 0, UINT32_MAX), 0); /* lowest */
	assert_int_equal(eg_pd_opp_floor(pd, 900000, 1000000, UINT32_MAX), 1);
	assert_int_equal(eg_pd_opp_floor(pd, 3000000, 0, 1000000), 1);
	assert_int_equal(eg_pd_opp_floor(pd, 100000, 600000, 900000), -1);

	assert_int_equal(eg_pd_opp_index(pd, 1000000), 1);
	assert_int_equal(eg_pd_opp_index(pd, 1000001), -1);
	free(m);
}

static void test_cpumask(void **state)
{
	eg_cpumask_t m;
	char buf[64];

	(void)state;
	assert_int_equal(eg_cpumask_parse("0-3,6", &m), 0);
	assert_int_equal(eg_cpumask_weight(&m), 5);
	assert_true(eg_cpumask_test(&m, 6));
	assert_false(eg_cpumask_test(&m, 4));
	eg_cpumask_format(&m, buf, sizeof(buf));
	assert_string_equal(buf, "0-3,6");
	/* related_cpus style */
	assert_int_equal(eg_cpumask_parse("4 5 6 7\n", &m), 0);
	eg_cpumask_format(&m, buf, sizeof(buf));
	assert_string_equal(buf, "4-7");
	/* across the 64-bit word boundary */
	assert_int_equal(eg_cpumask_parse("63-64,255", &m), 0);
	eg_cpumask_format(&m, buf, sizeof(buf));
	assert_string_equal(buf, "63-64,255");
	assert_int_equal(eg_cpumask_parse("", &m), 0);
	assert_int_equal(eg_cpumask_weight(&m), 0);
	eg_cpumask_format(&m, buf, sizeof(buf));
	assert_string_equal(buf, "");

	assert_int_equal(eg_cpumask_parse("3-1", &m), -EINVAL);
	assert_int_equal(eg_cpumask_parse("0-", &m), -EINVAL);
	assert_int_equal(eg_cpumask_parse("a", &m), -EINVAL);
	assert_int_equal(eg_cpumask_parse("1x", &m), -EINVAL);
	assert_int_equal(eg_cpumask_parse("256", &m), -ERANGE);
	assert_int_equal(eg_cpumask_parse("0-99999999999999999999999", &m), -ERANGE);
	assert_int_equal(eg_cpumask_parse("99999999999999999999999", &m), -ERANGE);
	assert_int_equal(eg_cpumask_parse("-1", &m), -EINVAL);
	assert_int_equal(eg_cpumask_parse("1-+2", &m), -EINVAL);
	assert_false(eg_cpumask_test(&m, -1));
	assert_false(eg_cpumask_test(&m, EG_MAX_CPUS));
}

static void test_finalize_errors(void **state)
{
	struct eg_model *m = new_model();
	struct eg_error err;
	struct eg_pd *a, *b;

	(void)state;
	assert_int_equal(eg_model_finalize(m, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "no performance domain"));

	a = add_pd(m, "a", "0-1");
	b = add_pd(m, "b", "1-2");
	b->src_line = 7;
	add_opp(a, 1000000, 0, 0);
	add_opp(b, 1000000, 0, 0);
	eg_strlcpy(m->source, "x.ini", sizeof(m->source));
	assert_int_equal(eg_model_finalize(m, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "CPU 1 is in two domains"));
	assert_int_equal(err.line, 7);

	assert_int_equal(eg_cpumask_parse("3", &b->cpus), 0);
	assert_int_equal(eg_model_finalize(m, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "CPU 2 is in no domain"));

	assert_int_equal(eg_cpumask_parse("2", &b->cpus), 0);
	b->nr_opps = 0;
	assert_int_equal(eg_model_finalize(m, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "has no OPP"));
	assert_int_equal(err.line, 7);

	add_opp(b, 1000000, 0, 0);
	m->nr_cpus = 2; /* but CPU 2 is in domain b */
	assert_int_equal(eg_model_finalize(m, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "device has 2 CPUs"));
	m->nr_cpus = 0;
	assert_int_equal(eg_model_finalize(m, &err), 0);
	assert_int_equal(m->nr_cpus, 3);
	free(m);
}

static void test_error_format(void **state)
{
	struct eg_error e;
	char buf[128];

	(void)state;
	eg_error_set(&e, "f.ini", 12, "bad %s", "thing");
	eg_error_format(&e, buf, sizeof(buf));
	assert_string_equal(buf, "f.ini:12: bad thing");
	eg_error_set(&e, "f.ini", 0, "bad");
	eg_error_format(&e, buf, sizeof(buf));
	assert_string_equal(buf, "f.ini: bad");
	eg_error_set(&e, NULL, 0, "bad");
	eg_error_format(&e, buf, sizeof(buf));
	assert_string_equal(buf, "bad");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_capacity_normalised),
		cmocka_unit_test(test_power_from_coefficient_and_cost),
		cmocka_unit_test(test_inefficient_marks),
		cmocka_unit_test(test_no_power_no_cost),
		cmocka_unit_test(test_static_power_scaling),
		cmocka_unit_test(test_idle_transition_energy),
		cmocka_unit_test(test_sysfs_capacity_kept),
		cmocka_unit_test(test_opp_ceil_floor),
		cmocka_unit_test(test_cpumask),
		cmocka_unit_test(test_finalize_errors),
		cmocka_unit_test(test_error_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
