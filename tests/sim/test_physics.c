// SPDX-License-Identifier: GPL-2.0-or-later
/* The simulator's energy physics checked by hand and against published
 * figures: idle states that break even with the shallower one at their
 * target residency, exits that run no work, static power exactly while a
 * domain is out of its cluster states, and HiKey960's big cluster against
 * the Kirin 960 power-virus measurements (docs/simulator-validation.md). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "conf.h"
#include "engine.h"
#include "model.h"
#include "sim.h"

#define MS 1000000ULL
#define US 1000ULL

/* One CPU at a single OPP of 1 GHz: busy 500000 uW, static 100000 uW, domain
 * 50000 uW, domain static 20000 uW (the only OPP is the top one, so the
 * static powers are as given). CPU states: wfi 24300 uW, deep 0 uW with
 * target residency 1500 us and exit latency exit_us. */
#define BUSY_UW 500000.0
#define STATIC_UW 100000.0
#define PD_UW 50000.0
#define PD_STATIC_UW 20000.0
#define WFI_UW 24300.0
#define DEEP_RES_US 1500

static void one_cpu(struct eg_model *m, uint32_t exit_us, bool cluster_state)
{
	struct eg_error err = { 0 };
	struct eg_pd *pd = &m->pds[0];

	eg_model_init(m);
	snprintf(m->name, sizeof(m->name), "one");
	m->nr_pds = 1;
	snprintf(pd->name, sizeof(pd->name), "cpu");
	assert_int_equal(eg_cpumask_parse("0", &pd->cpus), 0);
	pd->nr_opps = 1;
	pd->opps[0].khz = 1000000;
	pd->opps[0].mv = 900;
	pd->opps[0].power_uw = (uint64_t)BUSY_UW;
	pd->opps[0].pd_power_uw = (uint64_t)PD_UW;
	pd->cpu_static_uw = (uint64_t)STATIC_UW;
	pd->pd_static_uw = (uint64_t)PD_STATIC_UW;
	pd->nr_cpu_idle = 2;
	snprintf(pd->cpu_idle[0].name, sizeof(pd->cpu_idle[0].name), "wfi");
	pd->cpu_idle[0].power_uw = (uint64_t)WFI_UW;
	snprintf(pd->cpu_idle[1].name, sizeof(pd->cpu_idle[1].name), "deep");
	pd->cpu_idle[1].exit_us = exit_us;
	pd->cpu_idle[1].residency_us = DEEP_RES_US;
	if (cluster_state) {
		pd->nr_cluster_idle = 1;
		snprintf(pd->cluster_idle[0].name, sizeof(pd->cluster_idle[0].name), "off");
		pd->cluster_idle[0].exit_us = exit_us;
		pd->cluster_idle[0].residency_us = DEEP_RES_US;
	}
	if (eg_model_finalize(m, &err))
		print_error("%s\n", err.msg);
	assert_int_equal(m->nr_pds, 1);
}

/* forever { RUN run_ns at full speed; TIMER period_ns } on CPU 0. */
struct wl {
	struct eg_sim_workload w;
	struct eg_sim_task_desc t[4];
	struct eg_sim_op ops[4][4];
	struct eg_sim_res r;
};

static void periodic(struct wl *h, uint64_t run_ns, uint64_t period_ns, uint64_t duration_ns)
{
	memset(h, 0, sizeof(*h));
	snprintf(h->w.name, sizeof(h->w.name), "periodic");
	h->w.duration_ns = duration_ns;
	h->w.nr_tasks = 1;
	h->w.tasks = h->t;
	h->w.nr_res = 1;
	h->w.res = &h->r;
	snprintf(h->r.name, sizeof(h->r.name), "tick");
	h->r.type = EG_SIM_RES_TIMER;
	snprintf(h->t[0].name, sizeof(h->t[0].name), "task");
	h->t[0].policy = EG_SIM_CFS;
	eg_cpumask_set(&h->t[0].cpus, 0);
	h->t[0].nr_loops = 1;
	h->t[0].nr_ops = 4;
	h->t[0].ops = h->ops[0];
	h->ops[0][0] = (struct eg_sim_op){ .code = EG_SIM_LOOP_BEGIN, .loop = 0, .count = 0 };
	h->ops[0][1] = (struct eg_sim_op){ .code = EG_SIM_RUN,
					   .work = run_ns * 1024,
					   .nominal_ns = run_ns };
	h->ops[0][2] = (struct eg_sim_op){
		.code = EG_SIM_TIMER, .res = 0, .ns = period_ns, .flags = EG_SIM_F_UNIQUE
	};
	h->ops[0][3] = (struct eg_sim_op){ .code = EG_SIM_LOOP_END, .loop = 0, .begin = 0 };
}

/* n tasks, each busy for ns of wall time on its own CPU first_cpu + i. */
static void busy_tasks(struct wl *h, int first_cpu, int n, uint64_t ns, uint64_t duration_ns)
{
	memset(h, 0, sizeof(*h));
	snprintf(h->w.name, sizeof(h->w.name), "virus");
	h->w.duration_ns = duration_ns;
	h->w.calib_cpu = first_cpu;
	h->w.nr_tasks = n;
	h->w.tasks = h->t;
	for (int i = 0; i < n; i++) {
		snprintf(h->t[i].name, sizeof(h->t[i].name), "hog%d", i);
		h->t[i].policy = EG_SIM_CFS;
		eg_cpumask_set(&h->t[i].cpus, first_cpu + i);
		h->t[i].nr_ops = 1;
		h->t[i].ops = h->ops[i];
		h->ops[i][0] = (struct eg_sim_op){ .code = EG_SIM_RUNTIME, .ns = ns };
	}
}

static void run(const struct eg_model *m, const char *freq, const char *idle,
		const struct eg_sim_workload *w, struct eg_sim_result *res)
{
	struct eg_engine_config cfg;
	struct eg_sim_config sc = { 0 };

	memset(&cfg, 0, sizeof(cfg));
	assert_int_equal(eg_engine_config_simple(&cfg, m, freq, idle, NULL), 0);
	sc.model = m;
	sc.engine = &cfg;
	sc.workload = w;
	assert_int_equal(eg_sim_run(&sc, res), 0);
	eg_engine_config_free(&cfg);
}

static void assert_rel(double got, double want, double rel)
{
	double d = fabs(got - want);

	if (d > rel * fabs(want)) {
		print_error("got %.12g want %.12g (rel %.3g)\n", got, want, d / fabs(want));
		fail();
	}
}

/* By hand: the deep state saves WFI's 24300 uW over its 1500 us residency,
 * so one entry and exit costs 24300 uW x 1500 us = 36.45 uJ. A cluster state
 * of 0 uW with the same residency saves the domain's 50000 + 20000 uW: 105
 * uJ. Staying exactly 1500 us: WFI 24300 x 1500 = 36.45 uJ, deep 0 x 1500 +
 * 36.45 uJ. */
static void test_break_even_by_hand(void **state)
{
	struct eg_model *m = calloc(1, sizeof(*m));
	double wfi_j, deep_j;

	(void)state;
	assert_non_null(m);
	one_cpu(m, 0, true);
	assert_rel(m->pds[0].cpu_idle[1].transition_uj, 36.45, 1e-9);
	assert_true(m->pds[0].cpu_idle[0].transition_uj == 0);
	assert_rel(eg_pd_cluster_transition_uj(&m->pds[0], 0, 0), 105.0, 1e-9);
	wfi_j = WFI_UW * DEEP_RES_US / 1e12 + m->pds[0].cpu_idle[0].transition_uj / 1e6;
	deep_j = 0 * DEEP_RES_US / 1e12 + m->pds[0].cpu_idle[1].transition_uj / 1e6;
	assert_rel(deep_j, wfi_j, 1e-3);
	free(m);
}

/* The simulator charges it so: a task runs 1 ms every 2.5 ms, so the CPU
 * idles exactly 1500 us per period. Without an idle policy the CPU takes
 * WFI every time; with menu (the timer is known) the deep state, whose exit
 * here takes no time. Both runs cost the same within 0.1 %: idle energy
 * 400 periods x 36.45 uJ either way, busy and domain energy equal. */
static void test_break_even_in_sim(void **state)
{
	struct eg_model *m = calloc(1, sizeof(*m));
	struct wl *h = calloc(1, sizeof(*h));
	struct eg_sim_result wfi, deep;

	(void)state;
	assert_non_null(m);
	assert_non_null(h);
	one_cpu(m, 0, false);
	periodic(h, 1 * MS, 2500 * US, 1000 * MS);
	run(m, "performance", NULL, &h->w, &wfi);
	run(m, "performance", "menu", &h->w, &deep);
	assert_int_equal(wfi.activations, deep.activations);
	assert_int_equal(wfi.missed + deep.missed, 0);
	assert_rel(wfi.idle_j, 400 * 36.45e-6, 1e-3);
	assert_rel(deep.idle_j, wfi.idle_j, 1e-3);
	assert_rel(deep.energy_j, wfi.energy_j, 1e-3);
	assert_rel(deep.busy_j, wfi.busy_j, 1e-9);
	eg_sim_result_free(&wfi);
	eg_sim_result_free(&deep);

	/* That menu takes the deep state on this timer (its rule: residency
	 * <= the time to the timer, so also at exactly 1500 us): at twice the
	 * residency, 250 periods of 3000 us idle, WFI costs 72.9 uJ a period
	 * and the deep state its 36.45 uJ transition only. */
	periodic(h, 1 * MS, 4 * MS, 1000 * MS);
	run(m, "performance", NULL, &h->w, &wfi);
	run(m, "performance", "menu", &h->w, &deep);
	assert_rel(wfi.idle_j, 250 * 72.9e-6, 1e-3);
	assert_rel(deep.idle_j, 250 * 36.45e-6, 1e-3);
	eg_sim_result_free(&wfi);
	eg_sim_result_free(&deep);
	free(h);
	free(m);
}

/* Leaving the deep state takes 550 us during which the CPU does no work
 * and is charged the deep state's power (0 here), not busy power: a 5 ms
 * task every 20 ms is busy exactly 50 x 5 ms at busy + static power, and
 * its wakeups wait the 550 us. */
static void test_exit_runs_no_work(void **state)
{
	struct eg_model *m = calloc(1, sizeof(*m));
	struct wl *h = calloc(1, sizeof(*h));
	struct eg_sim_result r;

	(void)state;
	assert_non_null(m);
	assert_non_null(h);
	one_cpu(m, 550, false);
	periodic(h, 5 * MS, 20 * MS, 1000 * MS);
	run(m, "performance", "menu", &h->w, &r);
	assert_int_equal(r.activations, 50);
	assert_int_equal(r.missed, 0);
	assert_rel(r.busy_j, 50 * 5e-3 * (BUSY_UW + STATIC_UW) / 1e6, 1e-9);
	/* Each run starts when the exit ends: the wakeup waits 550 us, the
	 * activation itself still takes its 5 ms. */
	assert_int_equal(r.busy_span_ns, 50 * 5 * MS);
	assert_true(r.lat_cfs_p50_us == 550);
	/* Domain and domain static power all second (no cluster state). */
	assert_rel(r.domain_j, (PD_UW + PD_STATIC_UW) / 1e6, 1e-9);
	eg_sim_result_free(&r);
	free(h);
	free(m);
}

/* Static power while the domain is out of its cluster state, none in it:
 * one task busy 100 ms of a 1 s run. With a cluster state the domain turns
 * off when the task ends (nothing will wake it): domain energy 0.1 s x
 * (50000 + 20000) uW. Without one the domain stays on all second. */
static void test_static_iff_cluster_on(void **state)
{
	struct eg_model *m = calloc(1, sizeof(*m));
	struct wl *h = calloc(1, sizeof(*h));
	struct eg_sim_result r;

	(void)state;
	assert_non_null(m);
	assert_non_null(h);
	busy_tasks(h, 0, 1, 100 * MS, 1000 * MS);
	one_cpu(m, 0, true);
	run(m, "performance", "menu", &h->w, &r);
	assert_rel(r.domain_j, 0.1 * (PD_UW + PD_STATIC_UW) / 1e6, 1e-6);
	assert_rel(r.busy_j, 0.1 * (BUSY_UW + STATIC_UW) / 1e6, 1e-6);
	eg_sim_result_free(&r);
	one_cpu(m, 0, false);
	run(m, "performance", "menu", &h->w, &r);
	assert_rel(r.domain_j, 1.0 * (PD_UW + PD_STATIC_UW) / 1e6, 1e-6);
	eg_sim_result_free(&r);
	free(h);
	free(m);
}

static void load_hikey960(struct eg_model *m)
{
	struct eg_policy_conf *pc = calloc(1, sizeof(*pc));
	const char *root = getenv("EAGOV_SOURCE_ROOT");
	char path[EG_PATH_MAX];
	struct eg_error err = { 0 };
	int r;

	assert_non_null(pc);
	assert_non_null(root);
	snprintf(path, sizeof(path), "%s/conf/devices/hikey960.ini", root);
	r = eg_conf_load_device(path, m, pc, &err);
	if (r)
		print_error("%s: %s\n", path, err.msg);
	assert_int_equal(r, 0);
	free(pc);
}

/* HiKey960 against the published system active power of a Kirin 960 power
 * virus on 1..4 A73 cores at 2362 MHz (AnandTech, March 2017): the
 * simulator's power with N big CPUs 100 % busy at the top OPP, minus its
 * power with nothing to run (the measurement subtracts the idle screen-on
 * power), within 10 % of 1812, 2845, 4082, 5312 mW. */
static void test_hikey960_power_virus(void **state)
{
	static const double published_mw[4] = { 1812, 2845, 4082, 5312 };
	struct eg_model *m = calloc(1, sizeof(*m));
	struct wl *h = calloc(1, sizeof(*h));
	struct eg_sim_result r;
	double idle_w;

	(void)state;
	assert_non_null(m);
	assert_non_null(h);
	load_hikey960(m);
	/* Nothing to run: one task on a little CPU that ends at once. */
	busy_tasks(h, 0, 1, 1, 1000 * MS);
	run(m, "performance", "menu", &h->w, &r);
	idle_w = r.energy_j;
	eg_sim_result_free(&r);
	for (int n = 1; n <= 4; n++) {
		double active_mw;

		busy_tasks(h, 4, n, 1000 * MS, 1000 * MS);
		run(m, "performance", "menu", &h->w, &r);
		active_mw = (r.energy_j - idle_w) * 1000;
		print_message("power virus on %d A73: %.0f mW, published %.0f mW (%+.1f %%)\n", n,
			      active_mw, published_mw[n - 1],
			      100 * (active_mw / published_mw[n - 1] - 1));
		assert_rel(active_mw, published_mw[n - 1], 0.10);
		eg_sim_result_free(&r);
	}
	free(h);
	free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_break_even_by_hand),
		cmocka_unit_test(test_break_even_in_sim),
		cmocka_unit_test(test_exit_runs_no_work),
		cmocka_unit_test(test_static_iff_cluster_on),
		cmocka_unit_test(test_hikey960_power_virus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
