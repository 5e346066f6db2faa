// SPDX-License-Identifier: GPL-2.0-or-later
/* The simulator's QoS figures checked by hand on a one-CPU model: wakeup
 * latency counts the time a task queues behind others, and the response
 * time of each activation runs from its release to the end of its work,
 * per class; a resume-latency limit keeps a CPU and its cluster out of the
 * states slower to leave. */
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
#include "tunables.h"

#define MS 1000000ULL

/* One CPU of capacity 1024 at 2000 MHz (one OPP), an idle state of zero
 * latency, instant transitions: work w takes w / 1024 ns, whatever the
 * governor. */
static void one_cpu_model(struct eg_model *m)
{
	struct eg_error err;
	struct eg_pd *pd = &m->pds[0];

	eg_model_init(m);
	snprintf(m->name, sizeof(m->name), "one");
	m->nr_pds = 1;
	snprintf(pd->name, sizeof(pd->name), "cpu");
	assert_int_equal(eg_cpumask_parse("0", &pd->cpus), 0);
	pd->capacity_dmips_mhz = 1024;
	pd->nr_opps = 1;
	pd->opps[0].khz = 2000000;
	pd->opps[0].power_uw = 1000000;
	pd->nr_cpu_idle = 1;
	snprintf(pd->cpu_idle[0].name, sizeof(pd->cpu_idle[0].name), "wfi");
	pd->cpu_idle[0].power_uw = 1000;
	assert_int_equal(eg_model_finalize(m, &err), 0);
	assert_int_equal(m->cpu_cap[0], 1024);
}

/* The same CPU with WFI (1 us), cpu-sleep (exit 500 us, residency 1500 us)
 * and a cluster-sleep (exit 2000 us, residency 3500 us). */
static void sleepy_cpu_model(struct eg_model *m)
{
	struct eg_error err;
	struct eg_pd *pd = &m->pds[0];

	one_cpu_model(m);
	pd->nr_cpu_idle = 2;
	pd->cpu_idle[0].exit_us = 1;
	pd->cpu_idle[0].residency_us = 1;
	pd->cpu_idle[1] = (struct eg_idle_state){
		.name = "cpu-sleep", .entry_us = 300, .exit_us = 500, .residency_us = 1500
	};
	pd->nr_cluster_idle = 1;
	pd->cluster_idle[0] = (struct eg_idle_state){
		.name = "cluster-sleep", .entry_us = 500, .exit_us = 2000, .residency_us = 3500
	};
	assert_int_equal(eg_model_finalize(m, &err), 0);
}

struct wl {
	struct eg_sim_workload w;
	struct eg_sim_task_desc t[2];
	struct eg_sim_op ops[2][4];
	struct eg_sim_res r[2];
};

static void wl_init(struct wl *h, uint64_t duration_ns)
{
	memset(h, 0, sizeof(*h));
	snprintf(h->w.name, sizeof(h->w.name), "qos");
	h->w.duration_ns = duration_ns;
	h->w.tasks = h->t;
	h->w.res = h->r;
}

static struct eg_sim_task_desc *add_task(struct wl *h, enum eg_sim_policy policy, int prio)
{
	int i = h->w.nr_tasks++;
	struct eg_sim_task_desc *t = &h->t[i];

	snprintf(t->name, sizeof(t->name), "task%d", i);
	t->policy = policy;
	t->prio = prio;
	t->ops = h->ops[i];
	snprintf(h->r[i].name, sizeof(h->r[i].name), "timer%d", i);
	h->r[i].type = EG_SIM_RES_TIMER;
	h->w.nr_res = h->w.nr_tasks;
	return t;
}

/* RUN run_ns, then exit. */
static void add_once(struct wl *h, enum eg_sim_policy policy, int prio, uint64_t run_ns)
{
	struct eg_sim_task_desc *t = add_task(h, policy, prio);

	t->nr_ops = 1;
	t->ops[0] = (struct eg_sim_op){ .code = EG_SIM_RUN,
					.work = run_ns * 1024,
					.nominal_ns = run_ns };
}

/* forever { RUN run_ns; TIMER period_ns }. */
static void add_periodic(struct wl *h, enum eg_sim_policy policy, int prio, uint64_t run_ns,
			 uint64_t period_ns)
{
	struct eg_sim_task_desc *t = add_task(h, policy, prio);

	t->nr_loops = 1;
	t->nr_ops = 4;
	t->ops[0] = (struct eg_sim_op){ .code = EG_SIM_LOOP_BEGIN, .loop = 0, .count = 0 };
	t->ops[1] = (struct eg_sim_op){ .code = EG_SIM_RUN,
					.work = run_ns * 1024,
					.nominal_ns = run_ns };
	t->ops[2] = (struct eg_sim_op){ .code = EG_SIM_TIMER,
					.res = (int16_t)(h->w.nr_tasks - 1),
					.ns = period_ns,
					.flags = EG_SIM_F_UNIQUE };
	t->ops[3] = (struct eg_sim_op){ .code = EG_SIM_LOOP_END, .loop = 0, .begin = 0 };
}

struct how {
	void (*model)(struct eg_model *m);
	const char *freq, *idle;
	const char *tunable[2], *value[2]; /* of freq, or NULL */
	const struct eg_decision *script;
	int nr_script;
};

static void run_how(const struct wl *h, const struct how *how, struct eg_sim_result *res)
{
	struct eg_model *m = calloc(1, sizeof(*m));
	struct eg_engine_config cfg;
	struct eg_sim_config sc = { 0 };
	char why[160];

	assert_non_null(m);
	how->model(m);
	memset(&cfg, 0, sizeof(cfg));
	assert_int_equal(eg_engine_config_simple(&cfg, m, how->freq, how->idle, NULL), 0);
	for (int i = 0; i < 2 && how->tunable[i]; i++)
		assert_int_equal(eg_tunables_set(cfg.freq[0]->tunables, cfg.freq_tun[0],
						 how->tunable[i], how->value[i], why, sizeof(why)),
				 0);
	sc.model = m;
	sc.engine = &cfg;
	sc.workload = &h->w;
	sc.script = how->script;
	sc.nr_script = how->nr_script;
	assert_int_equal(eg_sim_run(&sc, res), 0);
	eg_engine_config_free(&cfg);
	free(m);
}

static void run(const struct wl *h, struct eg_sim_result *res)
{
	const struct how how = { .model = one_cpu_model, .freq = "performance" };

	run_how(h, &how, res);
}

/* 1. Two RT tasks of one priority woken at t = 0 on one CPU: the first
 * runs at once (latency 0), the second waits for the first's 10 ms (FIFO
 * does not preempt its equal): latencies 0 and 10000 us. Nearest rank of
 * two samples: p50 the first, p99 the second. */
static void test_latency_queues_rt(void **state)
{
	struct wl h;
	struct eg_sim_result res;

	(void)state;
	wl_init(&h, 0);
	add_once(&h, EG_SIM_FIFO, 50, 10 * MS);
	add_once(&h, EG_SIM_FIFO, 50, 10 * MS);
	run(&h, &res);
	assert_int_equal(res.lat_rt_n, 2);
	assert_true(res.lat_rt_p50_us == 0);
	assert_true(res.lat_rt_p99_us == 10000);
	assert_int_equal(res.completion_ns, 20 * MS);
	eg_sim_result_free(&res);
}

/* 2. The same with CFS tasks of 3 ms: shorter than the 4 ms tick, so the
 * first is not preempted; the second starts when it ends: 3000 us. */
static void test_latency_queues_cfs(void **state)
{
	struct wl h;
	struct eg_sim_result res;

	(void)state;
	wl_init(&h, 0);
	add_once(&h, EG_SIM_CFS, 0, 3 * MS);
	add_once(&h, EG_SIM_CFS, 0, 3 * MS);
	run(&h, &res);
	assert_int_equal(res.lat_cfs_n, 2);
	assert_true(res.lat_cfs_p50_us == 0);
	assert_true(res.lat_cfs_p99_us == 3000);
	eg_sim_result_free(&res);
}

/* 3. Response time per activation. An RT task A (2 ms every 10 ms) and a
 * CFS task B (3 ms every 10 ms) released together at t = 0 on one CPU, for
 * 100 ms.
 *   A runs 0-2 ms (response 2000 us); its timer grid starts at its first
 *   activation's start: 10, 20, ...: A runs 10-12, 20-22, ...: every
 *   response 2000 us. Activations closed: at 2, 12, ..., 92 ms: 10.
 *   B waits for A (wakeup latency 2000 us), runs 2-5: released at 0, its
 *   first response is 5000 us. Its grid starts at its first activation's
 *   start, 2 ms: released at 12, 22, ..., it runs at once (A is done at
 *   12): 3000 us each. Closed at 5, 15, ..., 95: 10.
 *   CFS: nine of 3000, one of 5000: nearest rank p50 = 5th = 3000,
 *   p99 = 10th = 5000. RT: p50 = p99 = 2000. */
static void test_response_time(void **state)
{
	struct wl h;
	struct eg_sim_result res;

	(void)state;
	wl_init(&h, 100 * MS);
	add_periodic(&h, EG_SIM_FIFO, 50, 2 * MS, 10 * MS);
	add_periodic(&h, EG_SIM_CFS, 0, 3 * MS, 10 * MS);
	run(&h, &res);
	assert_int_equal(res.activations, 20);
	assert_int_equal(res.resp_rt_n, 10);
	assert_int_equal(res.resp_cfs_n, 10);
	assert_true(res.resp_rt_p50_us == 2000);
	assert_true(res.resp_rt_p99_us == 2000);
	assert_true(res.resp_cfs_p50_us == 3000);
	assert_true(res.resp_cfs_p99_us == 5000);
	assert_true(res.lat_cfs_p99_us == 2000);
	assert_int_equal(res.missed, 0);
	eg_sim_result_free(&res);
}

/* 4. An RT task of 300 us every 5 ms on the sleepy CPU under menu: its
 * 4.7 ms sleeps reach the cluster state (3.5 ms), whose 2000 us exit is
 * the worst wakeup latency. A resume-latency limit of 1000 us, decided at
 * t = 0, bars the cluster state (its exit is charged to every CPU of it):
 * cpu-sleep's 500 us; 100 us leaves WFI only: 1 us. The CPU went idle
 * before the limit, so the first wakeup still leaves the cluster state:
 * 100 activations, so that p99 (the 99th) is past it. */
static void test_latency_limit(void **state)
{
	static const uint32_t limit[] = { 0, 1000, 100 };
	static const double want[] = { 2000, 500, 1 };
	struct eg_decision d = { .type = EG_DEC_IDLE_LATENCY, .target = 0 };
	struct how how = { .model = sleepy_cpu_model, .freq = "performance", .idle = "menu" };

	(void)state;
	for (int i = 0; i < 3; i++) {
		struct wl h;
		struct eg_sim_result res;

		wl_init(&h, 500 * MS);
		add_periodic(&h, EG_SIM_FIFO, 50, 300000, 5 * MS);
		d.value = limit[i];
		how.script = limit[i] ? &d : NULL;
		how.nr_script = limit[i] ? 1 : 0;
		run_how(&h, &how, &res);
		assert_true(res.lat_rt_n >= 99);
		assert_true(res.lat_rt_p99_us == want[i]);
		eg_sim_result_free(&res);
	}
}

/* 5. The same task under eagov, end to end: with the default break-even
 * the cluster state pays for 4.7 ms sleeps and the 2000 us exit stays;
 * with residencies counted twice (idle_qos_pct = 200) eagov's prediction
 * bars it: 500 us. idle_qos = no, same factor: 2000. The task is known
 * after four activations; 800 of them put p99 (the 792nd) past those. */
static void test_eagov_idle_qos(void **state)
{
	static const char *const tun[][2] = { { NULL, NULL },
					      { "idle_qos_pct", NULL },
					      { "idle_qos_pct", "idle_qos" } };
	static const char *const val[][2] = { { NULL, NULL }, { "200", NULL }, { "200", "no" } };
	static const double want[] = { 2000, 500, 2000 };

	(void)state;
	for (int i = 0; i < 3; i++) {
		struct how how = { .model = sleepy_cpu_model,
				   .freq = "eagov",
				   .idle = "menu",
				   .tunable = { tun[i][0], tun[i][1] },
				   .value = { val[i][0], val[i][1] } };
		struct wl h;
		struct eg_sim_result res;

		wl_init(&h, 4000 * MS);
		add_periodic(&h, EG_SIM_FIFO, 50, 300000, 5 * MS);
		run_how(&h, &how, &res);
		assert_true(res.lat_rt_p99_us == want[i]);
		eg_sim_result_free(&res);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_latency_queues_rt), cmocka_unit_test(test_latency_queues_cfs),
		cmocka_unit_test(test_response_time),	  cmocka_unit_test(test_latency_limit),
		cmocka_unit_test(test_eagov_idle_qos),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
