// SPDX-License-Identifier: GPL-2.0-or-later
/* Tests of eagov-bench's two references: the lower bound's terms on
 * hand-worked models, and, over every shipped device x workload x governor
 * (held-out devices included), that the bound is below every run, that the oracle is a simulator run
 * that reproduces, is no worse than performance and misses no more, and
 * that the whole matrix is deterministic whatever the number of threads. */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bench.h"
#include "bound.h"
#include "oracle.h"
#include "output.h"
#include "util.h"
#include "workload.h"

/* One domain of two CPUs. With a single domain its top OPP has capacity
 * 1024, so perf(500 MHz) = 512 and perf(1000 MHz) = 1024. Busy power 100 mW
 * and 400 mW, domain power 50 mW at both, CPU idle states 20 mW (WFI) and
 * 1 mW (deep). */
static void add_domain(struct eg_model *m, const char *cpus, uint64_t scale)
{
	struct eg_pd *pd = &m->pds[m->nr_pds];

	pd->id = m->nr_pds++;
	snprintf(pd->name, sizeof(pd->name), "p%d", pd->id);
	assert_int_equal(eg_cpumask_parse(cpus, &pd->cpus), 0);
	pd->capacity_dmips_mhz = 1024;
	pd->opps[0] = (struct eg_opp){ .khz = 500000,
				       .power_uw = 100000 * scale,
				       .pd_power_uw = 50000 * scale };
	pd->opps[1] = (struct eg_opp){ .khz = 1000000,
				       .power_uw = 400000 * scale,
				       .pd_power_uw = 50000 * scale };
	pd->nr_opps = 2;
	pd->cpu_idle[0] =
		(struct eg_idle_state){ .name = "wfi", .residency_us = 1, .power_uw = 20000 };
	pd->cpu_idle[1] = (struct eg_idle_state){ .name = "deep",
						  .entry_us = 100,
						  .exit_us = 100,
						  .residency_us = 500,
						  .power_uw = 1000 };
	pd->nr_cpu_idle = 2;
}

static struct eg_model *model(void)
{
	struct eg_model *m = calloc(1, sizeof(*m));

	assert_non_null(m);
	eg_model_init(m);
	eg_strlcpy(m->name, "test", sizeof(m->name));
	add_domain(m, "0-1", 1);
	assert_int_equal(eg_model_finalize(m, NULL), 0);
	assert_int_equal(m->pds[0].opps[0].perf, 512);
	assert_int_equal(m->pds[0].opps[1].perf, 1024);
	return m;
}

/* 4 ms of work at perf 512 (2 ms at 1024), over 10 ms. */
#define WORK (512ULL * 4000000ULL)
#define SIM_NS 10000000ULL

/* Energies in uW x ns = 1e-15 J. Floor: the least of WFI 20000, deep 1000
 * and the running powers (busy + half the domain's: 125000, 425000) = 1000.
 * Cost per unit of work: low (125000 - 1000) / 512 = 242.1875, high
 * (425000 - 1000) / 1024 = 414.0625: the low OPP. Bound: 2 CPUs x 1000 x
 * 1e7 + 242.1875 x 2.048e9 = 2e10 + 4.96e11 = 5.16e11 -> 5.16e-4 J. */
static void test_bound_one_domain(void **unused)
{
	struct eg_model *m = model();
	struct eg_bound_terms t;

	(void)unused;
	eg_bound_terms_of(m, &t);
	assert_float_equal(t.cpu_floor_uw[0], 1000, 1e-9);
	assert_float_equal(t.min_work_cost, 242.1875, 1e-9);
	assert_int_equal(t.min_pd, 0);
	assert_int_equal(t.min_opp, 0);
	assert_float_equal(eg_bound_energy(m, WORK, SIM_NS), 5.16e-4, 1e-12);
	/* No work: the floor alone, 2e10 -> 2e-5 J. */
	assert_float_equal(eg_bound_energy(m, 0, SIM_NS), 2e-5, 1e-15);
	free(m);
}

/* A cluster-off state of 1000 uW for the domain: a CPU's share is 500 uW,
 * below its deep state. Floor 500; cost (125000 - 500) / 512 = 243.1640625;
 * bound 2 x 500 x 1e7 + 243.1640625 x 2.048e9 = 1e10 + 4.98e11 = 5.08e11
 * -> 5.08e-4 J. */
static void test_bound_cluster_off(void **unused)
{
	struct eg_model *m = model();
	struct eg_pd *pd = &m->pds[0];
	struct eg_bound_terms t;

	(void)unused;
	pd->cluster_idle[0] = (struct eg_idle_state){ .name = "off",
						      .entry_us = 500,
						      .exit_us = 500,
						      .residency_us = 2000,
						      .power_uw = 1000 };
	pd->nr_cluster_idle = 1;
	eg_bound_terms_of(m, &t);
	assert_float_equal(t.cpu_floor_uw[0], 500, 1e-9);
	assert_float_equal(t.min_work_cost, 243.1640625, 1e-9);
	assert_float_equal(eg_bound_energy(m, WORK, SIM_NS), 5.08e-4, 1e-12);
	free(m);
}

/* Two domains, the second (CPUs 2-3) at a tenth of the first's busy and
 * domain power: 10000 + 2500 running at 512, so its floor is its deep
 * state, 1000, and its cost (12500 - 1000) / 512 = 22.4609375 is the least.
 * Bound: 4 CPUs x 1000 x 1e7 + 22.4609375 x 2.048e9 = 4e10 + 4.6e10 =
 * 8.6e10 -> 8.6e-5 J. */
static void test_bound_cheapest_domain(void **unused)
{
	struct eg_model *m = calloc(1, sizeof(*m));
	struct eg_bound_terms t;

	(void)unused;
	assert_non_null(m);
	eg_model_init(m);
	eg_strlcpy(m->name, "two", sizeof(m->name));
	add_domain(m, "0-1", 10);
	add_domain(m, "2-3", 1);
	for (int o = 0; o < 2; o++) {
		m->pds[1].opps[o].power_uw /= 10;
		m->pds[1].opps[o].pd_power_uw /= 10;
	}
	assert_int_equal(eg_model_finalize(m, NULL), 0);
	eg_bound_terms_of(m, &t);
	assert_int_equal(t.min_pd, 1);
	assert_int_equal(t.min_opp, 0);
	assert_float_equal(t.cpu_floor_uw[0], 1000, 1e-9);
	assert_float_equal(t.cpu_floor_uw[1], 1000, 1e-9);
	assert_float_equal(t.min_work_cost, 22.4609375, 1e-9);
	assert_float_equal(eg_bound_energy(m, WORK, SIM_NS), 8.6e-5, 1e-13);
	free(m);
}

/* A domain without idle states: its CPUs draw no less than the cheapest
 * running power, 125000 uW, which becomes the floor, and running at that
 * OPP costs nothing above it. Bound: 2 x 125000 x 1e7 = 2.5e12 -> 2.5e-3 J,
 * whatever the work. */
static void test_bound_no_idle_state(void **unused)
{
	struct eg_model *m = model();
	struct eg_bound_terms t;

	(void)unused;
	m->pds[0].nr_cpu_idle = 0;
	eg_bound_terms_of(m, &t);
	assert_float_equal(t.cpu_floor_uw[0], 125000, 1e-9);
	assert_float_equal(t.min_work_cost, 0, 1e-12);
	assert_float_equal(eg_bound_energy(m, WORK, SIM_NS), 2.5e-3, 1e-12);
	assert_float_equal(eg_bound_energy(m, 0, SIM_NS), 2.5e-3, 1e-12);
	free(m);
}

/* The shipped matrix with the held-out devices, run once per thread count. */
static struct bench *shipped_matrix(int jobs)
{
	struct bench *b = calloc(1, sizeof(*b));
	int failed = 0;

	assert_non_null(b);
	assert_int_equal(bench_add_shipped_devices(b), 0);
	assert_int_equal(bench_add_held_out_devices(b), 0);
	assert_int_equal(bench_add_shipped_workloads(b), 0);
	bench_add_all_governors(b);
	b->jobs = jobs;
	assert_int_equal(bench_run(b, &failed), 0);
	assert_int_equal(failed, 0);
	return b;
}

static char *json_of(const struct bench *b)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(bench_print_json(f, b), 0);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static uint64_t work_of(const struct eg_model *m, const struct eg_sim_result *r)
{
	uint64_t w = 0;

	for (int p = 0; p < m->nr_pds; p++)
		w += r->pd[p].work;
	return w;
}

/* Rerun the oracle's OPPs (and every domain at its top, the search's start)
 * and get the same figures: the oracle is a simulator run. */
static void check_reproduces(const struct bench *b, const struct bench_oracle *o,
			     const struct bench_job *pf)
{
	const struct bench_device *d = &b->dev[o->job.dev];
	struct eg_sim_workload *w = NULL;
	struct eg_error err = { 0 };
	int top[EG_MAX_PDS];

	assert_int_equal(eg_sim_workload_load(b->wl_path[o->job.wl], &d->model, &w, &err), 0);
	for (int p = 0; p < d->model.nr_pds; p++)
		top[p] = d->model.pds[p].nr_opps - 1;
	for (int k = 0; k < 2; k++) {
		const struct eg_sim_result *want = k ? &pf->res : &o->job.res;
		struct eg_engine_config ecfg;
		struct eg_sim_result res = { 0 };

		assert_int_equal(bench_oracle_config(d, k ? top : o->opp, &ecfg, &err), 0);
		assert_int_equal(bench_simulate(b, o->job.dev, w, &ecfg, &res), 0);
		assert_true(res.energy_j == want->energy_j);
		assert_true(res.missed == want->missed);
		assert_true(work_of(&d->model, &res) == work_of(&d->model, want));
		eg_engine_config_free(&ecfg);
		eg_sim_result_free(&res);
	}
	eg_sim_workload_free(w);
}

static void test_shipped_matrix(void **unused)
{
	struct bench *b = shipped_matrix(2), *again;
	char *json, *json_again;

	(void)unused;
	assert_true(b->nr_dev >= 3);
	assert_true(b->nr_wl >= 10);
	for (int d = 0; d < b->nr_dev; d++) {
		const struct eg_model *m = &b->dev[d].model;

		for (int w = 0; w < b->nr_wl; w++) {
			const struct bench_job *pf = bench_find_job(b, d, w, "performance");
			const struct bench_oracle *o = bench_find_oracle(b, d, w);
			double oracle_bound;

			assert_non_null(pf);
			assert_non_null(o);
			/* The bound is below every governor's run, performance's
			 * included, with its own work and with performance's when
			 * it did as much. */
			for (int g = 0; g < b->nr_gov; g++) {
				const struct bench_job *j = bench_find_job(b, d, w, b->gov[g]);
				double bound = bench_bound(b, j);

				assert_int_equal(j->err, 0);
				assert_true(bound > 0);
				assert_true(bound <= j->res.energy_j);
				if (work_of(m, &j->res) >= work_of(m, &pf->res))
					assert_true(bench_bound(b, pf) <= j->res.energy_j);
			}
			/* The oracle: no worse than performance, no more misses,
			 * above the bound of its own work. */
			assert_true(o->job.res.energy_j <= pf->res.energy_j);
			assert_true(o->job.res.missed <= pf->res.missed);
			oracle_bound =
				eg_bound_energy(m, work_of(m, &o->job.res), o->job.res.sim_ns);
			assert_true(oracle_bound <= o->job.res.energy_j);
			assert_true(o->runs >= 0);
			check_reproduces(b, o, pf);
		}
	}
	/* Deterministic whatever the threads: the same document. */
	json = json_of(b);
	again = shipped_matrix(1);
	json_again = json_of(again);
	assert_string_equal(json, json_again);
	assert_int_equal(again->oracle_runs, b->oracle_runs);
	free(json);
	free(json_again);
	bench_free(b);
	bench_free(again);
	free(b);
	free(again);
}

/* The default device set is every shipped file but the held-out ones, which
 * --held-out adds: the default matrix keeps the devices the policies were
 * tuned on, and a new device is reported apart only when it is listed. */
static void test_default_devices(void **unused)
{
	struct bench *b = calloc(1, sizeof(*b));
	char dir[512];
	DIR *d;
	struct dirent *de;
	int files = 0, held = 0;

	(void)unused;
	assert_non_null(b);
	assert_true(bench_device_held_out("mt8173"));
	assert_true(bench_device_held_out("mt8173.ini"));
	assert_true(bench_device_held_out("/usr/share/eagov/devices/mt8173.ini"));
	assert_false(bench_device_held_out("mt817"));
	assert_false(bench_device_held_out("mt8173x.ini"));
	assert_false(bench_device_held_out("/a/mt8173/hikey960.ini"));
	assert_false(bench_device_held_out("hikey960"));
	assert_true(bench_device_held_out("sdm845"));

	snprintf(dir, sizeof(dir), "%s/conf/devices", getenv("EAGOV_SOURCE_ROOT"));
	d = opendir(dir);
	assert_non_null(d);
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);

		if (n > 4 && !strcmp(de->d_name + n - 4, ".ini")) {
			files++;
			held += bench_device_held_out(de->d_name);
		}
	}
	closedir(d);
	assert_true(held >= 1);

	assert_int_equal(bench_add_shipped_devices(b), 0);
	assert_int_equal(b->nr_dev, files - held);
	for (int i = 0; i < b->nr_dev; i++)
		assert_false(bench_device_held_out(b->dev[i].path));
	assert_int_equal(bench_add_held_out_devices(b), 0);
	assert_int_equal(b->nr_dev, files);
	for (int i = files - held; i < b->nr_dev; i++)
		assert_true(bench_device_held_out(b->dev[i].path));
	assert_string_equal(b->dev[files - held].model.name, "MediaTek MT8173");
	assert_string_equal(b->dev[files - held + 1].model.name, "Qualcomm SDM845");
	bench_free(b);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bound_one_domain),
		cmocka_unit_test(test_bound_cluster_off),
		cmocka_unit_test(test_bound_cheapest_domain),
		cmocka_unit_test(test_bound_no_idle_state),
		cmocka_unit_test(test_default_devices),
		cmocka_unit_test(test_shipped_matrix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
