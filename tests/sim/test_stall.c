// SPDX-License-Identifier: GPL-2.0-or-later
/* Stalls are results: a deadlock, a suspend nothing resumes and a task that
 * never gets a CPU are reported by name; a run without a duration ends at a
 * deadlock; an rt-app file written for the old suspend runs as it ran then;
 * runtime work and forked tasks count in work%; and no shipped workload
 * stalls on any shipped device under any governor with any seed 0..20. */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "bench.h"
#include "log.h"
#include "rtapp.h"
#include "sim.h"
#include "workload.h"

#define MS 1000000ULL
#define SEC 1000000000ULL

/* Seeds the shipped matrix is run with, 0 (no jitter) to this. */
#define SHIPPED_SEEDS 20
/* Simulated time per run of the shipped matrix: long enough for every
 * workload's start-up and several periods of its slowest task. */
#define SHIPPED_RUN_NS (2 * SEC)

static struct bench *new_bench(void)
{
	struct bench *b = calloc(1, sizeof(*b));

	assert_non_null(b);
	b->jobs = 2;
	b->no_oracle = true;
	return b;
}

/* eg_sim_config.max_events of run_text's runs (0: no limit). */
static uint64_t run_max_events;

/* Run text on HiKey960 under gov for duration_ns (0: the workload's own). */
static void run_text(const char *text, enum eg_rtapp_suspend_mode mode, const char *gov,
		     uint64_t duration_ns, struct eg_sim_result *res)
{
	struct eg_rtapp_options opts = { .suspend = mode };
	struct bench *b = new_bench();
	struct eg_rtapp_workload *rw = NULL;
	struct eg_sim_workload *w = NULL;
	struct eg_engine_config ecfg;
	struct eg_sim_config sc = { 0 };
	struct eg_error err = { 0 };
	char msg[512];
	int r;

	assert_int_equal(bench_add_device(b, "hikey960"), 0);
	r = eg_rtapp_load_string_opts(text, "stall.json", &opts, &rw, &err);
	if (!r)
		r = eg_sim_workload_from_rtapp(rw, &b->dev[0].model, &w, &err);
	if (r) {
		eg_error_format(&err, msg, sizeof(msg));
		fail_msg("%s", msg);
	}
	assert_int_equal(bench_gov_config(&b->dev[0], gov, &ecfg, &err), 0);
	sc.model = &b->dev[0].model;
	sc.engine = &ecfg;
	sc.workload = w;
	sc.duration_ns = duration_ns;
	sc.max_events = run_max_events;
	assert_int_equal(eg_sim_run(&sc, res), 0);
	eg_engine_config_free(&ecfg);
	eg_sim_workload_free(w);
	eg_rtapp_free(rw);
	bench_free(b);
	free(b);
}

/* Written for the old rt-app: "worker" waits on "frame", which "ticker"
 * resumes every 10 ms. */
static const char value_file[] =
	"{ \"tasks\" : {\n"
	"  \"ticker\" : { \"loop\" : -1, \"run\" : 100, \"resume\" : \"frame\",\n"
	"               \"timer\" : { \"ref\" : \"t\", \"period\" : 10000 } },\n"
	"  \"worker\" : { \"loop\" : -1, \"suspend\" : \"frame\", \"run\" : 2000 }\n"
	"} }\n";

static void test_old_suspend_runs(void **state)
{
	struct eg_sim_result res;
	uint64_t work = 0;

	(void)state;
	run_text(value_file, EG_RTAPP_SUSPEND_AUTO, "performance", 1 * SEC, &res);
	assert_int_equal(res.nr_stalled, 0);
	assert_false(res.deadlock);
	assert_int_equal(res.stall_ns, 0);
	assert_string_equal(res.stalled, "");
	for (int p = 0; p < EG_MAX_PDS; p++)
		work += res.pd[p].work;
	/* The worker runs 2 ms of the calibration CPU's work per period the
	 * ticker does 0.1 ms: with it, far more than the ticker's alone. */
	assert_true(work > 10 * 100 * 1000ULL * res.calib_capacity * 50);
	eg_sim_result_free(&res);
}

/* Read with today's meaning, the worker waits on its own name, which no
 * one resumes: it is stalled, the ticker is not, and it is no deadlock. */
static void test_own_name_suspend_stalls(void **state)
{
	struct eg_sim_result res;

	(void)state;
	run_text(value_file, EG_RTAPP_SUSPEND_SELF, "schedutil", 1 * SEC, &res);
	assert_int_equal(res.nr_stalled, 1);
	assert_string_equal(res.stalled, "worker");
	assert_false(res.deadlock);
	/* It waited from its start (its CPU leaving idle) to the end. */
	assert_true(res.stall_ns > 990 * MS && res.stall_ns <= 1 * SEC);
	eg_sim_result_free(&res);
}

/* a waits for x before signalling y, b for y before signalling x. */
static const char deadlock_file[] =
	"{ \"tasks\" : {\n"
	"  \"a\" : { \"loop\" : 3, \"lock\" : \"m\", \"wait\" : { \"ref\" : \"x\", \"mutex\" : \"m\" },\n"
	"          \"unlock\" : \"m\", \"run\" : 1000, \"signal\" : \"y\" },\n"
	"  \"b\" : { \"loop\" : 3, \"lock\" : \"m\", \"wait\" : { \"ref\" : \"y\", \"mutex\" : \"m\" },\n"
	"          \"unlock\" : \"m\", \"run\" : 1000, \"signal\" : \"x\" },\n"
	"  \"c\" : { \"loop\" : 2, \"run\" : 500, \"sleep\" : 1000 }\n"
	"} }\n";

static void test_deadlock(void **state)
{
	struct eg_sim_result res;

	(void)state;
	run_text(deadlock_file, EG_RTAPP_SUSPEND_AUTO, "schedutil", 2 * SEC, &res);
	assert_int_equal(res.nr_stalled, 2);
	assert_string_equal(res.stalled, "a, b");
	assert_true(res.deadlock);
	assert_true(res.stall_ns > 1990 * MS);
	eg_sim_result_free(&res);

	/* No duration: the run ends at the deadlock (when c has ended),
	 * instead of ticking on for ever. */
	run_text(deadlock_file, EG_RTAPP_SUSPEND_AUTO, "schedutil", 0, &res);
	assert_true(res.deadlock);
	assert_int_equal(res.nr_stalled, 2);
	assert_true(res.sim_ns < 100 * MS);
	assert_int_equal(res.completion_ns, 0);
	eg_sim_result_free(&res);
}

/* A CFS task behind a SCHED_FIFO hog on the one CPU they may use. */
static void test_starved(void **state)
{
	static const char text[] =
		"{ \"tasks\" : {\n"
		"  \"hog\" : { \"policy\" : \"SCHED_FIFO\", \"priority\" : 50, \"cpus\" : [1],\n"
		"            \"loop\" : -1, \"run\" : 100000 },\n"
		"  \"victim\" : { \"cpus\" : [1], \"delay\" : 5000, \"loop\" : -1, \"run\" : 100,\n"
		"               \"sleep\" : 1000 }\n"
		"} }\n";
	struct eg_sim_result res;

	(void)state;
	run_text(text, EG_RTAPP_SUSPEND_AUTO, "performance", 2 * SEC, &res);
	assert_int_equal(res.nr_stalled, 1);
	assert_string_equal(res.stalled, "victim");
	assert_false(res.deadlock);
	eg_sim_result_free(&res);
	/* Under a second runnable is not yet starved. */
	run_text(text, EG_RTAPP_SUSPEND_AUTO, "performance", 900 * MS, &res);
	assert_int_equal(res.nr_stalled, 0);
	eg_sim_result_free(&res);
}

/* Pipelines that wait a lot are no stall: a mutex and condition hand-off
 * and a suspend that a timer-driven task resumes. */
static void test_waiting_is_no_stall(void **state)
{
	static const char text[] =
		"{ \"tasks\" : {\n"
		"  \"producer\" : { \"loop\" : -1, \"run\" : 1000, \"lock\" : \"m\",\n"
		"                 \"signal\" : \"q\", \"unlock\" : \"m\", \"resume\" : \"sink\",\n"
		"                 \"timer\" : { \"ref\" : \"t\", \"period\" : 16000 } },\n"
		"  \"consumer\" : { \"loop\" : -1, \"lock\" : \"m\",\n"
		"                 \"wait\" : { \"ref\" : \"q\", \"mutex\" : \"m\" },\n"
		"                 \"unlock\" : \"m\", \"run\" : 2000 },\n"
		"  \"sink\" : { \"loop\" : -1, \"suspend\" : \"sink\", \"run\" : 300 }\n"
		"} }\n";
	struct eg_sim_result res;

	(void)state;
	run_text(text, EG_RTAPP_SUSPEND_AUTO, "powersave", 2 * SEC, &res);
	assert_int_equal(res.nr_stalled, 0);
	assert_false(res.deadlock);
	eg_sim_result_free(&res);
}

/* Write text to a temporary workload file; its path in path. */
static void temp_workload(const char *text, char *path, size_t len)
{
	int fd;

	snprintf(path, len, "%s/eagov-stall-XXXXXX.json",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	fd = mkstemps(path, 5);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

/* work% counts runtime events and the work of forked tasks: a file with
 * nothing else has a work% (100 for performance), and a governor that
 * does all of it is at 100 too. */
static void test_work_counted_whole(void **state)
{
	static const char text[] =
		"{ \"tasks\" : {\n"
		"  \"spawner\" : { \"loop\" : 20, \"fork\" : \"child\", \"runtime\" : 2000,\n"
		"                \"timer\" : { \"ref\" : \"t\", \"period\" : 20000 } },\n"
		"  \"child\" : { \"instance\" : 0, \"loop\" : 1, \"runtime\" : 3000 }\n"
		"} }\n";
	struct bench *b = new_bench();
	char path[512];
	int failed = 0;

	(void)state;
	temp_workload(text, path, sizeof(path));
	assert_int_equal(bench_add_device(b, "hikey960"), 0);
	assert_int_equal(bench_add_workloads(b, path), 0);
	assert_int_equal(bench_add_governor(b, "performance"), 0);
	assert_int_equal(bench_add_governor(b, "powersave"), 0);
	assert_int_equal(bench_run(b, &failed), 0);
	assert_int_equal(failed, 0);
	assert_int_equal(b->nr_stalled_runs, 0);
	for (int i = 0; i < b->nr_job; i++) {
		struct eg_bench_row r;

		/* 20 x (2 ms + a forked 3 ms): 100 ms of runtime work. */
		assert_int_equal(b->job[i].res.runtime_ns, 100 * MS);
		bench_fill_row(b, &b->job[i], &r);
		assert_false(isnan(r.work_pct));
		assert_true(fabs(r.work_pct - 100.0) < 1e-9);
	}
	bench_free(b);
	free(b);
	unlink(path);
}

/* Every shipped device (held-out ones included) x workload x governor,
 * seeds 0..SHIPPED_SEEDS: no run fails and none stalls. */
static void test_shipped_never_stall(void **state)
{
	struct timespec t0, t1;
	int runs = 0, stalled = 0, failed_all = 0;

	(void)state;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (uint64_t seed = 0; seed <= SHIPPED_SEEDS; seed++) {
		struct bench *b = new_bench();
		int failed = 0;

		assert_int_equal(bench_add_shipped_devices(b), 0);
		assert_int_equal(bench_add_held_out_devices(b), 0);
		assert_int_equal(bench_add_shipped_workloads(b), 0);
		bench_add_all_governors(b);
		b->seed = seed;
		b->duration_ns = SHIPPED_RUN_NS;
		assert_int_equal(bench_run(b, &failed), 0);
		for (int i = 0; i < b->nr_job; i++) {
			const struct bench_job *j = &b->job[i];

			if (j->res.nr_stalled)
				print_error("seed %llu: %s / %s / %s stalled: %s\n",
					    (unsigned long long)seed, b->dev[j->dev].model.name,
					    bench_wl_name(b->wl_path[j->wl]), b->gov[j->gov],
					    j->res.stalled);
		}
		runs += b->nr_job;
		stalled += b->nr_stalled_runs;
		failed_all += failed;
		/* The matrix is what it says: 3 devices and 2 held-out ones, 10
		 * workloads, 7 governors. */
		assert_true(b->nr_dev >= 5 && b->nr_wl >= 10 && b->nr_gov >= 7);
		bench_free(b);
		free(b);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	print_message("%d runs of %.0f s, %.2f s wall\n", runs, SHIPPED_RUN_NS / 1e9,
		      (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	assert_int_equal(failed_all, 0);
	assert_int_equal(stalled, 0);
}

/* A dense workload (48 tasks looping on 2 ns of work) stops at the event
 * limit, before its duration, and says so; without a limit it is not cut. */
static void test_max_events(void **state)
{
	static const char dense[] = "{\"tasks\":{\"t\":{\"instance\":48,\"mem\":7}}}";
	static const char light[] = "{\"tasks\":{\"t\":{\"run\":1000,\"timer\":"
				    "{\"ref\":\"p\",\"period\":10000}}}}";
	struct eg_sim_result res = { 0 };

	(void)state;
	run_max_events = 5000;
	run_text(dense, EG_RTAPP_SUSPEND_AUTO, "schedutil", 50 * NSEC_PER_MSEC, &res);
	assert_true(res.truncated);
	assert_true(res.events <= 5001);
	assert_true(res.sim_ns < 50 * NSEC_PER_MSEC);
	eg_sim_result_free(&res);
	memset(&res, 0, sizeof(res));
	run_max_events = 100000;
	run_text(light, EG_RTAPP_SUSPEND_AUTO, "schedutil", 50 * NSEC_PER_MSEC, &res);
	assert_false(res.truncated);
	eg_sim_result_free(&res);
	run_max_events = 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_old_suspend_runs),
		cmocka_unit_test(test_own_name_suspend_stalls),
		cmocka_unit_test(test_deadlock),
		cmocka_unit_test(test_starved),
		cmocka_unit_test(test_waiting_is_no_stall),
		cmocka_unit_test(test_work_counted_whole),
		cmocka_unit_test(test_shipped_never_stall),
		cmocka_unit_test(test_max_events),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
