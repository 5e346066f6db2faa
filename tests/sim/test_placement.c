// SPDX-License-Identifier: GPL-2.0-or-later
/* The simulator's task placement checked by hand on small models: energy-
 * aware placement on a big.LITTLE model (a small task goes little, a task
 * over the little CPUs' capacity margin goes big), the overutilized tipping
 * point falling back to capacity-aware placement, misfit migration of a
 * growing task, the spread of a symmetric model, utilization clamps
 * (uclamp) in placement and frequency, and RT placement by uclamp_min on a
 * simulated kernel with uclamp. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engine.h"
#include "model.h"
#include "sim.h"

#define MS 1000000ULL

/* --- a big.LITTLE model whose energy model can be read by hand ---
 *
 * little: CPUs 0-1, 500 / 1000 MHz, 1024 DMIPS/MHz; big: CPUs 2-3, 1000 /
 * 2000 MHz, 1024 DMIPS/MHz. Capacities: big 1024, little 1024 x 1000 / 2000
 * = 512. Perf at each OPP: little 256, 512; big 512, 1024. Busy power:
 * little 50 / 150 mW, big 300 / 1000 mW; energy per unit of work (power /
 * perf): little 195 / 293, big 586 / 977 uW per capacity unit: the little
 * CPUs are cheaper at every utilization they can take. One idle state of
 * zero latency, no domain power, no cluster state, instant transitions.
 *
 * The little CPUs' fits margin: util x 1.25 <= 512, util <= 409.6. */
static void pd_init(struct eg_pd *pd, const char *name, const char *cpus, const uint32_t *khz,
		    const uint64_t *uw)
{
	snprintf(pd->name, sizeof(pd->name), "%s", name);
	assert_int_equal(eg_cpumask_parse(cpus, &pd->cpus), 0);
	pd->capacity_dmips_mhz = 1024;
	pd->nr_opps = 2;
	for (int i = 0; i < 2; i++) {
		pd->opps[i].khz = khz[i];
		pd->opps[i].power_uw = uw[i];
	}
	pd->nr_cpu_idle = 1;
	snprintf(pd->cpu_idle[0].name, sizeof(pd->cpu_idle[0].name), "wfi");
	pd->cpu_idle[0].power_uw = 1000;
}

static void big_little_model(struct eg_model *m, bool symmetric)
{
	static const uint32_t little_khz[2] = { 500000, 1000000 };
	static const uint32_t big_khz[2] = { 1000000, 2000000 };
	static const uint64_t little_uw[2] = { 50000, 150000 };
	static const uint64_t big_uw[2] = { 300000, 1000000 };
	struct eg_error err;

	eg_model_init(m);
	snprintf(m->name, sizeof(m->name), symmetric ? "two-big" : "big-little");
	m->nr_pds = 2;
	pd_init(&m->pds[0], symmetric ? "big0" : "little", "0-1", symmetric ? big_khz : little_khz,
		symmetric ? big_uw : little_uw);
	pd_init(&m->pds[1], "big", "2-3", big_khz, big_uw);
	assert_int_equal(eg_model_finalize(m, &err), 0);
	assert_int_equal(m->cpu_cap[2], 1024);
	assert_int_equal(m->cpu_cap[0], symmetric ? 1024 : 512);
	assert_int_equal(m->pds[1].opps[0].perf, 512);
	if (!symmetric)
		assert_int_equal(m->pds[0].opps[0].perf, 256);
}

/* Up to four tasks of up to eight ops, one timer each. */
struct wl {
	struct eg_sim_workload w;
	struct eg_sim_task_desc t[4];
	struct eg_sim_op ops[4][8];
	struct eg_sim_res r[4];
};

static struct eg_sim_task_desc *add_task(struct wl *h, const char *name)
{
	int i = h->w.nr_tasks++;
	struct eg_sim_task_desc *t = &h->t[i];

	snprintf(t->name, sizeof(t->name), "%s", name);
	t->policy = EG_SIM_CFS;
	t->ops = h->ops[i];
	snprintf(h->r[i].name, sizeof(h->r[i].name), "timer%d", i);
	h->r[i].type = EG_SIM_RES_TIMER;
	h->w.nr_res = h->w.nr_tasks;
	return t;
}

static void wl_init(struct wl *h, uint64_t duration_ns)
{
	memset(h, 0, sizeof(*h));
	snprintf(h->w.name, sizeof(h->w.name), "placement");
	h->w.duration_ns = duration_ns;
	h->w.calib_cpu = 2; /* work calibrated on a big CPU: ns x 1024 */
	h->w.tasks = h->t;
	h->w.res = h->r;
}

/* forever { RUN run_ns at 1024; TIMER period_ns } on any CPU. */
static void add_periodic(struct wl *h, const char *name, uint64_t run_ns, uint64_t period_ns,
			 uint64_t delay_ns)
{
	struct eg_sim_task_desc *t = add_task(h, name);
	int res = h->w.nr_tasks - 1;

	t->delay_ns = delay_ns;
	t->nr_loops = 1;
	t->nr_ops = 4;
	t->ops[0] = (struct eg_sim_op){ .code = EG_SIM_LOOP_BEGIN, .loop = 0, .count = 0 };
	t->ops[1] = (struct eg_sim_op){ .code = EG_SIM_RUN,
					.work = run_ns * 1024,
					.nominal_ns = run_ns };
	t->ops[2] = (struct eg_sim_op){
		.code = EG_SIM_TIMER, .res = (int16_t)res, .ns = period_ns, .flags = EG_SIM_F_UNIQUE
	};
	t->ops[3] = (struct eg_sim_op){ .code = EG_SIM_LOOP_END, .loop = 0, .begin = 0 };
}

/* Run w under frequency policy freq, with decisions applied at their ts as
 * if the engine had made them (script, nr_script), on a simulated kernel
 * with uclamp (RT tasks' default uclamp_min 1024, RT placement by it) if
 * kernel_uclamp. */
static int run_kernel(const struct eg_model *m, const char *freq, const struct eg_sim_workload *w,
		      const struct eg_decision *script, int nr_script, bool kernel_uclamp,
		      struct eg_sim_result *res)
{
	struct eg_engine_config cfg;
	struct eg_sim_config sc = { 0 };
	int r;

	memset(&cfg, 0, sizeof(cfg));
	assert_int_equal(eg_engine_config_simple(&cfg, m, freq, NULL, NULL), 0);
	sc.model = m;
	sc.engine = &cfg;
	sc.workload = w;
	sc.script = script;
	sc.nr_script = nr_script;
	sc.kernel_uclamp = kernel_uclamp;
	sc.rt_default_min = EG_SIM_RT_DEFAULT_MIN;
	r = eg_sim_run(&sc, res);
	eg_engine_config_free(&cfg);
	return r;
}

static int run_script(const struct eg_model *m, const char *freq, const struct eg_sim_workload *w,
		      const struct eg_decision *script, int nr_script, struct eg_sim_result *res)
{
	return run_kernel(m, freq, w, script, nr_script, false, res);
}

static int run(const struct eg_model *m, const char *freq, const struct eg_sim_workload *w,
	       struct eg_sim_result *res)
{
	return run_script(m, freq, w, NULL, 0, res);
}

static uint64_t total_work(const struct eg_sim_result *r)
{
	return r->pd[0].work + r->pd[1].work;
}

/* 1. A small task goes little. 1 ms of big-CPU work every 16 ms: its util
 * settles near 64 (128 while running on a little CPU at its top OPP, for
 * 2 ms of 16, is the same invariant util). It fits a little CPU (64 x 1.25
 * <= 512); the energy model puts it there: with the task, the little
 * domain's busiest CPU needs 80 of capacity, the 500 MHz OPP (perf 256),
 * adding 50000 x 64 / 256 = 12500, against 300000 x 64 / 512 = 37500 on a
 * big CPU at 1000 MHz. Its first wakeup (creation) spreads to the biggest
 * idle CPU, CPU 2, with the kernel's initial util for a new task, half the
 * spare capacity: 512, which fits no little CPU. It moves little once its
 * util and util_est have decayed under 409.6 (x 0.72 per 15 ms asleep: a
 * few activations), and stays there. 1 s: 63 activations (0, 16, ...,
 * 992 ms) of 1 ms x 1024 each. */
static void test_small_task_goes_little(void **state)
{
	struct eg_model *m = calloc(1, sizeof(*m));
	struct wl *h = calloc(1, sizeof(*h));
	struct eg_sim_result res;

	(void)state;
	assert_non_null(m);
	assert_non_null(h);
	big_little_model(m, false);
	wl_init(h, 1000 * MS);
	add_periodic(h, "small", 1 * MS, 16 * MS, 0);
	assert_int_equal(run(m, "performance", &h->w, &res), 0);
	assert_int_equal(res.activations, 63);
	assert_int_equal(total_work(&res), 63 * MS * 1024);
	assert_true(res.pd[1].work >= 1 * MS * 1024);
	assert_true(res.pd[1].work <= 8 * MS * 1024);
	eg_sim_result_free(&res);
	free(h);
	free(m);
}

/* 2. A task over the little capacity margin goes big. 5 ms of big-CPU work
 * every 10 ms: util about 500 (50 % of 1024). It would fit a little CPU's
 * raw capacity (512) at the top of its PELT swing, not with the margin
 * (500 x 1.25 = 625 > 512): every activation runs on big, none on little
 * (while the little CPUs would be cheaper per unit of work). */
static void test_over_margin_goes_big(void **state)
{
	struct eg_model *m = calloc(1, sizeof(*m));
	struct wl *h = calloc(1, sizeof(*h));
	struct eg_sim_result res;

	(void)state;
	assert_non_null(m);
	assert_non_null(h);
	big_little_model(m, false);
	wl_init(h, 1000 * MS);
	add_periodic(h, "medium", 5 * MS, 10 * MS, 0);
	assert_int_equal(run(m, "performance", &h->w, &res), 0);
	assert_int_equal(res.activations, 100);
	assert_int_equal(res.missed, 0);
	assert_int_equal(res.pd[0].work, 0);
	assert_int_equal(res.pd[1].work, 100 * 5 * MS * 1024);
	eg_sim_result_free(&res);
	free(h);
	free(m);
}

/* 3. The tipping point. A CPU-bound hog pinned on little CPU 0 (busy wall
 * time: RUNTIME work is not counted in a domain's work) drives CPU 0's util
 * to 512 > 409.6 within ~75 ms: the system is overutilized. The small task
 * of test 1, started at 200 ms, first goes to the biggest idle CPU (CPU 2);
 * overutilized, placement is capacity-aware: its previous CPU is idle and
 * the task fits, so it stays on big: no work on little at all. The same
 * run without the hog takes the small task little (control). */
static void test_overutilized_falls_back(void **state)
{
	struct eg_model *m = calloc(1, sizeof(*m));
	struct wl *h = calloc(1, sizeof(*h));
	struct eg_sim_result res;
	struct eg_sim_task_desc *hog;

	(void)state;
	assert_non_null(m);
	assert_non_null(h);
	big_little_model(m, false);

	wl_init(h, 1000 * MS);
	add_periodic(h, "small", 1 * MS, 16 * MS, 200 * MS);
	assert_int_equal(run(m, "performance", &h->w, &res), 0);
	assert_true(res.pd[0].work > 0);
	assert_true(res.pd[1].work <= 8 * MS * 1024);
	eg_sim_result_free(&res);

	hog = add_task(h, "hog");
	eg_cpumask_set(&hog->cpus, 0);
	hog->nr_ops = 1;
	hog->ops[0] = (struct eg_sim_op){ .code = EG_SIM_RUNTIME, .ns = 10000 * MS };
	assert_int_equal(run(m, "performance", &h->w, &res), 0);
	assert_int_equal(res.pd[0].work, 0);
	assert_int_equal(res.pd[1].work, total_work(&res));
	assert_true(res.activations >= 50);
	assert_int_equal(res.pd[1].work, res.activations * MS * 1024);
	eg_sim_result_free(&res);
	free(h);
	free(m);
}

/* 4. Misfit migration. A task does 1 ms every 10 ms for 30 activations
 * (little, as test 1), then 200 ms of big-CPU work at once. On a little CPU
 * at 1000 MHz (capacity 512) its util climbs from ~50 towards 512 and
 * crosses 409.6 after about 32 ms x log2((512 - 50) / (512 - 409.6)) = 70 ms
 * (35.8e6 units of work done meanwhile); at the next 4 ms tick it no longer
 * fits and moves to an idle big CPU, where it finishes. Without the move it
 * would do all 200e6 x 1024 units on little. Bounds: at most 100 ms of the
 * burst on little (51.2e9 units), the rest (at least 153.6e9) on big. */
static void test_misfit_moves_up(void **state)
{
	struct eg_model *m = calloc(1, sizeof(*m));
	struct wl *h = calloc(1, sizeof(*h));
	struct eg_sim_result res;
	struct eg_sim_task_desc *t;
	uint64_t burst = 200 * MS * 1024, small = 30 * MS * 1024;

	(void)state;
	assert_non_null(m);
	assert_non_null(h);
	big_little_model(m, false);
	wl_init(h, 1000 * MS);
	t = add_task(h, "growing");
	t->nr_loops = 1;
	t->nr_ops = 6;
	t->ops[0] = (struct eg_sim_op){ .code = EG_SIM_LOOP_BEGIN, .loop = 0, .count = 30 };
	t->ops[1] = (struct eg_sim_op){ .code = EG_SIM_RUN, .work = MS * 1024, .nominal_ns = MS };
	t->ops[2] = (struct eg_sim_op){
		.code = EG_SIM_TIMER, .res = 0, .ns = 10 * MS, .flags = EG_SIM_F_UNIQUE
	};
	t->ops[3] = (struct eg_sim_op){ .code = EG_SIM_LOOP_END, .loop = 0, .begin = 0 };
	t->ops[4] = (struct eg_sim_op){ .code = EG_SIM_RUN, .work = burst, .nominal_ns = 200 * MS };
	t->ops[5] = (struct eg_sim_op){ .code = EG_SIM_EXIT };
	assert_int_equal(run(m, "performance", &h->w, &res), 0);
	assert_int_equal(total_work(&res), small + burst);
	assert_true(res.pd[0].work >= small - 8 * MS * 1024);
	assert_true(res.pd[0].work <= small + 100 * MS * 512);
	assert_true(res.pd[1].work >= burst - 100 * MS * 512);
	/* The burst starts at 300 ms (the 30th timer): all on little it would
	 * end at 700 ms, all on big at 500 ms; at most 100 ms on little and
	 * the rest on big ends before 300 + 100 + 150 ms. */
	assert_true(res.completion_ns > 500 * MS);
	assert_true(res.completion_ns < 550 * MS);
	eg_sim_result_free(&res);
	free(h);
	free(m);
}

/* 5. A symmetric device spreads: four CPUs of capacity 1024 in two domains
 * (energy-aware placement is for asymmetric capacities), four tasks of
 * 100 ms of work each, then exit: each on its own CPU, all done at 100 ms
 * exactly, two on each domain, none waiting to start. */
static void test_symmetric_spreads(void **state)
{
	struct eg_model *m = calloc(1, sizeof(*m));
	struct wl *h = calloc(1, sizeof(*h));
	struct eg_sim_result res;

	(void)state;
	assert_non_null(m);
	assert_non_null(h);
	big_little_model(m, true);
	wl_init(h, 0);
	for (int i = 0; i < 4; i++) {
		struct eg_sim_task_desc *t = add_task(h, "worker");

		t->nr_ops = 1;
		t->ops[0] = (struct eg_sim_op){ .code = EG_SIM_RUN,
						.work = 100 * MS * 1024,
						.nominal_ns = 100 * MS };
	}
	assert_int_equal(run(m, "performance", &h->w, &res), 0);
	assert_int_equal(res.completion_ns, 100 * MS);
	assert_int_equal(res.pd[0].work, 200 * MS * 1024);
	assert_int_equal(res.pd[1].work, 200 * MS * 1024);
	assert_int_equal(res.lat_cfs_n, 4);
	assert_true(res.lat_cfs_p99_us == 0);
	eg_sim_result_free(&res);
	free(h);
	free(m);
}

/* 6. uclamp_max takes a big task little, and its domain's frequency
 * follows the clamp. 7 ms of big-CPU work every 16 ms: util ~448, over the
 * little CPUs' 409.6; unclamped, every activation runs big (control). With
 * util_max 200 it fits a little CPU anyway (capped at 200 <= 512, the
 * kernel's util_fits_cpu), and the energy model, which caps the OPP it
 * needs at the clamp, puts it there: little needs min(448 x 1.25, 200) =
 * 200, 500 MHz (perf 256): 50000 x 448 / 256 = 87500; big needs 200 too,
 * 1000 MHz (perf 512): 300000 x 448 / 512 = 262500. Its first activation
 * is on CPU 2 (a first wakeup spreads) with the big domain held at
 * 1000 MHz by the clamp: 14 ms; its wakeup at 16 ms goes little. There,
 * at 500 MHz, 7 ms of work take 28 ms: it never sleeps again (it misses
 * activations: the price of the cap), is not a misfit (capped at 200 <=
 * 512) and makes no CPU overutilized (CPU 0's run queue is capped at 200),
 * so it stays, 984 ms at 500 MHz but for the first tick at most. */
static void test_uclamp_max_goes_little(void **state)
{
	struct eg_model *m = calloc(1, sizeof(*m));
	struct wl *h = calloc(1, sizeof(*h));
	struct eg_sim_result res;

	(void)state;
	assert_non_null(m);
	assert_non_null(h);
	big_little_model(m, false);
	wl_init(h, 1000 * MS);
	add_periodic(h, "capped", 7 * MS, 16 * MS, 0);
	assert_int_equal(run(m, "schedutil", &h->w, &res), 0);
	assert_int_equal(res.pd[0].work, 0);
	assert_int_equal(res.pd[1].work, 63 * 7 * MS * 1024);
	assert_int_equal(res.missed, 0);
	eg_sim_result_free(&res);

	h->t[0].util_max = 200;
	assert_int_equal(run(m, "schedutil", &h->w, &res), 0);
	assert_int_equal(res.pd[1].work, 7 * MS * 1024);
	assert_int_equal(res.pd[1].time_in_opp_ns[1], 0);
	assert_true(res.pd[0].work >= 984 * MS * 256);
	assert_true(res.pd[0].work <= 984 * MS * 256 + 4 * MS * 256);
	assert_true(res.pd[0].time_in_opp_ns[1] <= 4 * MS);
	assert_true(res.missed > 0);
	eg_sim_result_free(&res);
	free(h);
	free(m);
}

/* 7. uclamp_min takes a small task big, at the OPP the clamp asks. The
 * task of test 1 (1 ms every 16 ms, util ~64; started at 5 ms, clear of
 * the frequency decisions of the start) goes little unclamped, where an
 * activation takes 4 ms at 500 MHz (control). With util_min 900 a little
 * CPU fits it only in part (its 512 cannot give 900: the kernel's
 * util_fits_cpu says -1) and both big CPUs fully: every activation runs
 * big. While it is runnable its CPU's clamp min is 900, which only
 * 2000 MHz (perf 1024) covers: every activation takes 1 ms. */
static void test_uclamp_min_goes_big(void **state)
{
	struct eg_model *m = calloc(1, sizeof(*m));
	struct wl *h = calloc(1, sizeof(*h));
	struct eg_sim_result res;

	(void)state;
	assert_non_null(m);
	assert_non_null(h);
	big_little_model(m, false);
	wl_init(h, 1000 * MS);
	add_periodic(h, "boosted", 1 * MS, 16 * MS, 5 * MS);
	assert_int_equal(run(m, "schedutil", &h->w, &res), 0);
	assert_true(res.pd[0].work >= 55 * MS * 1024);
	assert_true(res.resp_cfs_p50_us == 4000);
	eg_sim_result_free(&res);

	h->t[0].util_min = 900;
	assert_int_equal(run(m, "schedutil", &h->w, &res), 0);
	assert_int_equal(res.activations, 63);
	assert_int_equal(res.pd[0].work, 0);
	assert_int_equal(res.pd[1].work, 63 * MS * 1024);
	assert_true(res.resp_cfs_p50_us == 1000);
	assert_true(res.resp_cfs_p99_us == 1000);
	assert_true(res.pd[1].time_in_opp_ns[1] >= 62 * MS);
	eg_sim_result_free(&res);

	/* The same clamp set by the task's program (rt-app's per-phase
	 * util_min), at the start of each activation, the max kept: from its
	 * second wakeup (its first is the spread to CPU 2) the same. */
	h->t[0].util_min = 0;
	memmove(&h->t[0].ops[2], &h->t[0].ops[1], 3 * sizeof(h->t[0].ops[0]));
	h->t[0].ops[1] =
		(struct eg_sim_op){ .code = EG_SIM_SETUCLAMP, .clamp_min = 900, .clamp_max = -1 };
	h->t[0].ops[4].begin = 0;
	h->t[0].nr_ops = 5;
	assert_int_equal(run(m, "schedutil", &h->w, &res), 0);
	assert_int_equal(res.activations, 63);
	assert_int_equal(res.pd[0].work, 0);
	assert_int_equal(res.pd[1].work, 63 * MS * 1024);
	eg_sim_result_free(&res);
	free(h);
	free(m);
}

/* 8. A clamp decided mid-run holds from the task's next wakeup, and
 * clearing it restores the default placement. The task of test 1 (little
 * after its first few activations); at 500 ms a decision sets its clamp to
 * (900, 1024), as test 7's: its next wakeup, at 512 ms, goes big, and so
 * does every one up to the end, 31 activations (512, 528, .., 992 ms) of
 * 1 ms x 1024 more on big than without the decision. With a second
 * decision clearing it at 750 ms, from 752 ms the task goes little again:
 * 15 activations (512 .. 736 ms) more on big. The decisions go through the
 * simulator's decision path (eg_sim_config.script) as an engine's would. */
static void test_uclamp_decision(void **state)
{
	struct eg_model *m = calloc(1, sizeof(*m));
	struct wl *h = calloc(1, sizeof(*h));
	struct eg_sim_result res;
	struct eg_decision d[2] = {
		{ .ts = 500 * MS,
		  .type = EG_DEC_TASK_UCLAMP,
		  .target = 1, /* the first task's pid */
		  .value = eg_uclamp_pack(900, 1024) },
		{ .ts = 750 * MS,
		  .type = EG_DEC_TASK_UCLAMP,
		  .target = 1,
		  .value = eg_uclamp_pack(0, 1024) },
	};
	uint64_t big_default, top_default;

	(void)state;
	assert_non_null(m);
	assert_non_null(h);
	big_little_model(m, false);
	wl_init(h, 1000 * MS);
	add_periodic(h, "small", 1 * MS, 16 * MS, 0);
	assert_int_equal(run(m, "schedutil", &h->w, &res), 0);
	big_default = res.pd[1].work;
	top_default = res.pd[1].time_in_opp_ns[1];
	assert_true(big_default <= 8 * MS * 1024);
	eg_sim_result_free(&res);

	assert_int_equal(run_script(m, "schedutil", &h->w, d, 1, &res), 0);
	assert_int_equal(res.activations, 63);
	assert_int_equal(res.pd[1].work, big_default + 31 * MS * 1024);
	/* Its switches report the new clamp: each activation runs at 2000 MHz. */
	assert_true(res.pd[1].time_in_opp_ns[1] >= top_default + 31 * MS);
	eg_sim_result_free(&res);

	assert_int_equal(run_script(m, "schedutil", &h->w, d, 2, &res), 0);
	assert_int_equal(res.activations, 63);
	assert_int_equal(res.pd[1].work, big_default + 15 * MS * 1024);
	eg_sim_result_free(&res);

	/* A pid no task has, or a pair the kernel refuses (min over max),
	 * changes nothing. */
	d[0].target = 2;
	d[1].target = 1;
	d[1].value = eg_uclamp_pack(900, 100);
	assert_int_equal(run_script(m, "schedutil", &h->w, d, 2, &res), 0);
	assert_int_equal(res.pd[1].work, big_default);
	eg_sim_result_free(&res);
	free(h);
	free(m);
}

/* 9. The run queue's clamp aggregates over its runnable tasks, max of the
 * maxes. Two CPU-bound tasks pinned on CPU 2 share it: capped at 300 and
 * 600, the CPU's cap is 600, which only 2000 MHz covers (1000 MHz gives
 * 512); capped at 300 and 200 it is 300, and 1000 MHz covers it, as it does
 * the 300 task alone. (The aggregation in detail, min included:
 * tests/unit/signals.) */
static void test_uclamp_rq_aggregate(void **state)
{
	struct eg_model *m = calloc(1, sizeof(*m));
	struct wl *h = calloc(1, sizeof(*h));
	struct eg_sim_result res;

	(void)state;
	assert_non_null(m);
	assert_non_null(h);
	big_little_model(m, false);
	wl_init(h, 1000 * MS);
	for (int i = 0; i < 2; i++) {
		struct eg_sim_task_desc *t = add_task(h, i ? "b" : "a");

		eg_cpumask_set(&t->cpus, 2);
		t->nr_ops = 1;
		t->ops[0] = (struct eg_sim_op){ .code = EG_SIM_RUNTIME, .ns = 10000 * MS };
	}
	h->t[0].util_max = 300;
	h->t[1].util_max = 600;
	assert_int_equal(run(m, "schedutil", &h->w, &res), 0);
	assert_true(res.pd[1].time_in_opp_ns[1] >= 990 * MS);
	eg_sim_result_free(&res);

	h->t[1].util_max = 200;
	assert_int_equal(run(m, "schedutil", &h->w, &res), 0);
	assert_int_equal(res.pd[1].time_in_opp_ns[1], 0);
	eg_sim_result_free(&res);

	h->w.nr_tasks = 1;
	assert_int_equal(run(m, "schedutil", &h->w, &res), 0);
	assert_int_equal(res.pd[1].time_in_opp_ns[1], 0);
	eg_sim_result_free(&res);
	free(h);
	free(m);
}

/* 10. A run queue's clamp is its runnable tasks', so a task capped alone
 * is not capped in company. A CPU-bound task pinned on little CPU 0 and
 * capped at 200 makes no CPU overutilized (util 512, capped at 200 <=
 * 512, the kernel's cpu_overutilized): placement stays energy-aware and
 * the small task of test 1, started at 200 ms, goes little as in test 1
 * (CPU 1 adds 50000 x 64 / 256 at 500 MHz, the OPP CPU 0's cap asks
 * for). With a second, uncapped CPU-bound task sharing CPU 0, the run
 * queue's cap is max(200, 1024) = 1024 whichever of the two runs, CPU 0 is
 * overutilized, placement is capacity-aware and the small task stays on
 * the big CPU it started on, as under test 3's hog. (CPU-bound work is
 * RUNTIME, not counted in the domains' work.) */
static void test_uclamp_rq_overutilized(void **state)
{
	struct eg_model *m = calloc(1, sizeof(*m));
	struct wl *h = calloc(1, sizeof(*h));
	struct eg_sim_result res;

	(void)state;
	assert_non_null(m);
	assert_non_null(h);
	big_little_model(m, false);
	wl_init(h, 1000 * MS);
	add_periodic(h, "small", 1 * MS, 16 * MS, 200 * MS);
	for (int i = 0; i < 2; i++) {
		struct eg_sim_task_desc *t = add_task(h, i ? "uncapped" : "capped");

		eg_cpumask_set(&t->cpus, 0);
		t->nr_ops = 1;
		t->ops[0] = (struct eg_sim_op){ .code = EG_SIM_RUNTIME, .ns = 10000 * MS };
	}
	h->t[1].util_max = 200;
	h->w.nr_tasks = 2;
	assert_int_equal(run(m, "schedutil", &h->w, &res), 0);
	assert_true(res.pd[0].work >= 40 * MS * 1024);
	eg_sim_result_free(&res);

	h->w.nr_tasks = 3;
	assert_int_equal(run(m, "schedutil", &h->w, &res), 0);
	assert_int_equal(res.pd[0].work, 0);
	assert_true(res.activations >= 50);
	assert_int_equal(res.pd[1].work, res.activations * MS * 1024);
	eg_sim_result_free(&res);
	free(h);
	free(m);
}

/* 11. RT placement by uclamp. Two CFS hogs (busy for good, RUNTIME work,
 * which pd[].work leaves out) take the big CPUs 2 and 3 at their first
 * wakeups; an RT task (FIFO 50) of 1 ms of work every 16 ms starts at 5 ms.
 * Without uclamp in the kernel it spreads: the biggest free CPU, little
 * CPU 0, and stays there (free at each wakeup): all its work is little.
 * With uclamp its default uclamp_min of 1024 fits no little CPU (512), so
 * it preempts a hog on a big CPU whenever no big one is free: all its work
 * is big (the hog it displaces is pulled little). With its own uclamp_min
 * of 200 a free little CPU fits: all its work is little again, whether
 * the workload or a decision gives it. On a symmetric model uclamp changes
 * nothing. */
static void rt_hogs_workload(struct wl *h)
{
	struct eg_sim_task_desc *rt;

	wl_init(h, 200 * MS);
	for (int i = 0; i < 2; i++) {
		struct eg_sim_task_desc *t = add_task(h, i ? "hog1" : "hog0");

		t->nr_ops = 1;
		t->ops[0] = (struct eg_sim_op){ .code = EG_SIM_RUNTIME, .ns = 10000 * MS };
	}
	add_periodic(h, "rt", 1 * MS, 16 * MS, 5 * MS);
	rt = &h->t[2];
	rt->policy = EG_SIM_FIFO;
	rt->prio = 50;
}

static void test_rt_uclamp_placement(void **state)
{
	struct eg_model *m = calloc(1, sizeof(*m));
	struct wl *h = calloc(1, sizeof(*h));
	struct eg_sim_result res;
	uint64_t rt_work;

	(void)state;
	assert_non_null(m);
	assert_non_null(h);
	big_little_model(m, false);
	rt_hogs_workload(h);

	assert_int_equal(run_kernel(m, "schedutil", &h->w, NULL, 0, false, &res), 0);
	assert_int_equal(res.activations, 13);
	rt_work = res.activations * MS * 1024;
	assert_int_equal(res.pd[0].work, rt_work);
	assert_int_equal(res.pd[1].work, 0);
	eg_sim_result_free(&res);

	assert_int_equal(run_kernel(m, "schedutil", &h->w, NULL, 0, true, &res), 0);
	assert_int_equal(res.activations, 13);
	assert_int_equal(res.pd[0].work, 0);
	assert_int_equal(res.pd[1].work, rt_work);
	eg_sim_result_free(&res);

	h->t[2].util_min = 200;
	h->t[2].util_min_set = true;
	assert_int_equal(run_kernel(m, "schedutil", &h->w, NULL, 0, true, &res), 0);
	assert_int_equal(res.activations, 13);
	assert_int_equal(res.pd[0].work, rt_work);
	assert_int_equal(res.pd[1].work, 0);
	eg_sim_result_free(&res);

	/* uclamp_min 200 given by a decision at the start (as eagov's
	 * rt_clamp sends it): the same. */
	{
		const struct eg_decision d = { .ts = 0,
					       .type = EG_DEC_TASK_UCLAMP,
					       .target = 3,
					       .value = eg_uclamp_pack(200, 1024) };

		h->t[2].util_min = 0;
		h->t[2].util_min_set = false;
		assert_int_equal(run_kernel(m, "schedutil", &h->w, &d, 1, true, &res), 0);
		assert_int_equal(res.pd[0].work, rt_work);
		assert_int_equal(res.pd[1].work, 0);
		eg_sim_result_free(&res);
	}

	/* (0, 1024) puts back the clamp the task had before the first
	 * decision, as eagovd does: the default 1024 again from 100 ms, so
	 * the 6 activations before run little and the 7 after big. Alone,
	 * on a task never clamped, it changes nothing (all big). */
	{
		const struct eg_decision d[2] = {
			{ .ts = 0,
			  .type = EG_DEC_TASK_UCLAMP,
			  .target = 3,
			  .value = eg_uclamp_pack(200, 1024) },
			{ .ts = 100 * MS,
			  .type = EG_DEC_TASK_UCLAMP,
			  .target = 3,
			  .value = eg_uclamp_pack(0, 1024) },
		};

		assert_int_equal(run_kernel(m, "schedutil", &h->w, d, 2, true, &res), 0);
		assert_int_equal(res.activations, 13);
		assert_int_equal(res.pd[0].work, 6 * MS * 1024);
		assert_int_equal(res.pd[1].work, 7 * MS * 1024);
		eg_sim_result_free(&res);
		assert_int_equal(run_kernel(m, "schedutil", &h->w, &d[1], 1, true, &res), 0);
		assert_int_equal(res.pd[0].work, 0);
		assert_int_equal(res.pd[1].work, rt_work);
		eg_sim_result_free(&res);
	}

	/* Symmetric: the hogs spread to CPUs 0 and 1, the RT task to CPU 2,
	 * with uclamp or without. */
	big_little_model(m, true);
	for (int on = 0; on < 2; on++) {
		assert_int_equal(run_kernel(m, "schedutil", &h->w, NULL, 0, on, &res), 0);
		assert_int_equal(res.pd[0].work, 0);
		assert_int_equal(res.pd[1].work, rt_work);
		eg_sim_result_free(&res);
	}
	free(h);
	free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_small_task_goes_little),
		cmocka_unit_test(test_over_margin_goes_big),
		cmocka_unit_test(test_overutilized_falls_back),
		cmocka_unit_test(test_misfit_moves_up),
		cmocka_unit_test(test_symmetric_spreads),
		cmocka_unit_test(test_uclamp_max_goes_little),
		cmocka_unit_test(test_uclamp_min_goes_big),
		cmocka_unit_test(test_uclamp_decision),
		cmocka_unit_test(test_uclamp_rq_aggregate),
		cmocka_unit_test(test_uclamp_rq_overutilized),
		cmocka_unit_test(test_rt_uclamp_placement),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
