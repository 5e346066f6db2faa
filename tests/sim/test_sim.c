// SPDX-License-Identifier: GPL-2.0-or-later
/* Validation of the simulated SoC against arithmetic done by hand: run times
 * and energy on a one-CPU model, governor efficiency, schedutil's settling
 * OPP, energy bookkeeping, determinism, shipped workloads (the rt-app
 * corpus of $EAGOV_SHARED when present), refusals, and time that must pass. */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cmocka.h>

#include "conf.h"
#include "engine.h"
#include "model.h"
#include "rtapp.h"
#include "sim.h"
#include "workload.h"

#define MS 1000000ULL

/* --- a one-CPU model whose energy can be computed by hand ---
 *
 * One domain "big" of CPU 0 with HiKey960's big OPPs. Busy power is the
 * energy model's P = C f V^2 with C = 550 uW/MHz/V^2, written out:
 *   903 MHz  0.7 V: 550 x  903 x 0.49 =  243358.5 -> 243358 uW
 *   1421 MHz 0.8 V: 550 x 1421 x 0.64 =  500192 uW
 *   1805 MHz 0.9 V: 550 x 1805 x 0.81 =  804127.5 -> 804128 uW
 *   2112 MHz 1.0 V: 550 x 2112 x 1.00 = 1161600 uW
 *   2362 MHz 1.1 V: 550 x 2362 x 1.21 = 1571911 uW
 * Domain power per OPP as in conf/devices/hikey960.ini. Capacity 1024 at the
 * top OPP, so perf = 1024 x khz / 2362000, truncated (eg_pd_cap_at):
 *   391 (391.47), 616 (616.05), 782 (782.52), 915 (915.63), 1024.
 * One idle state "wfi" of 24300 uW with zero latencies, no cluster state,
 * zero transition latency, no thermal zone. */
static const uint32_t opp_khz[5] = { 903000, 1421000, 1805000, 2112000, 2362000 };
static const uint64_t opp_uw[5] = { 243358, 500192, 804128, 1161600, 1571911 };
static const uint64_t opp_pd_uw[5] = { 56304, 68448, 121992, 182160, 239016 };
static const uint32_t opp_perf[5] = { 391, 616, 782, 915, 1024 };
#define WFI_UW 24300

static void one_cpu_model(struct eg_model *m)
{
	struct eg_error err;
	struct eg_pd *pd = &m->pds[0];

	eg_model_init(m);
	snprintf(m->name, sizeof(m->name), "one-big");
	m->nr_pds = 1;
	snprintf(pd->name, sizeof(pd->name), "big");
	assert_int_equal(eg_cpumask_parse("0", &pd->cpus), 0);
	pd->capacity_dmips_mhz = 1024;
	pd->transition_latency_ns = 0;
	pd->nr_opps = 5;
	for (int i = 0; i < 5; i++) {
		pd->opps[i].khz = opp_khz[i];
		pd->opps[i].power_uw = opp_uw[i];
		pd->opps[i].pd_power_uw = opp_pd_uw[i];
	}
	pd->nr_cpu_idle = 1;
	snprintf(pd->cpu_idle[0].name, sizeof(pd->cpu_idle[0].name), "wfi");
	pd->cpu_idle[0].power_uw = WFI_UW;
	assert_int_equal(eg_model_finalize(m, &err), 0);
	for (int i = 0; i < 5; i++)
		assert_int_equal(m->pds[0].opps[i].perf, opp_perf[i]);
	assert_int_equal(m->cpu_cap[0], 1024);
}

/* A hand-built periodic task: forever { RUN work; TIMER period } on the
 * given CPUs, the timer on a grid from the first activation. */
struct hand_wl {
	struct eg_sim_workload w;
	struct eg_sim_task_desc t;
	struct eg_sim_op ops[4];
	struct eg_sim_res r;
};

static void periodic(struct hand_wl *h, int cpu, uint32_t calib_cap, uint64_t run_ns,
		     uint64_t period_ns, uint64_t duration_ns)
{
	memset(h, 0, sizeof(*h));
	snprintf(h->w.name, sizeof(h->w.name), "periodic");
	h->w.duration_ns = duration_ns;
	h->w.calib_cpu = cpu;
	h->w.nr_tasks = 1;
	h->w.tasks = &h->t;
	h->w.nr_res = 1;
	h->w.res = &h->r;
	snprintf(h->r.name, sizeof(h->r.name), "tick");
	h->r.type = EG_SIM_RES_TIMER;
	snprintf(h->t.name, sizeof(h->t.name), "task");
	h->t.policy = EG_SIM_CFS;
	eg_cpumask_set(&h->t.cpus, cpu);
	h->t.nr_loops = 1;
	h->t.nr_ops = 4;
	h->t.ops = h->ops;
	/* As workload.c compiles "run": work = ns x calibration capacity. */
	h->ops[0] = (struct eg_sim_op){ .code = EG_SIM_LOOP_BEGIN, .loop = 0, .count = 0 };
	h->ops[1] = (struct eg_sim_op){ .code = EG_SIM_RUN,
					.work = run_ns * calib_cap,
					.nominal_ns = run_ns };
	h->ops[2] = (struct eg_sim_op){
		.code = EG_SIM_TIMER, .res = 0, .ns = period_ns, .flags = EG_SIM_F_UNIQUE
	};
	h->ops[3] = (struct eg_sim_op){ .code = EG_SIM_LOOP_END, .loop = 0, .begin = 0 };
}

/* A task that is busy for wall time `ns`, then ends. */
static void busy_for(struct hand_wl *h, int cpu, uint64_t ns, uint64_t duration_ns)
{
	memset(h, 0, sizeof(*h));
	snprintf(h->w.name, sizeof(h->w.name), "busy");
	h->w.duration_ns = duration_ns;
	h->w.calib_cpu = cpu;
	h->w.nr_tasks = 1;
	h->w.tasks = &h->t;
	snprintf(h->t.name, sizeof(h->t.name), "hog");
	h->t.policy = EG_SIM_CFS;
	eg_cpumask_set(&h->t.cpus, cpu);
	h->t.nr_ops = 1;
	h->t.ops = h->ops;
	h->ops[0] = (struct eg_sim_op){ .code = EG_SIM_RUNTIME, .ns = ns };
}

static int run_sim(const struct eg_model *m, const char *freq, const char *idle,
		   const char *thermal, const struct eg_sim_workload *w, uint64_t duration,
		   uint64_t seed, uint64_t sample_ns, struct eg_sim_result *res)
{
	struct eg_engine_config cfg;
	struct eg_sim_config sc = { 0 };
	int r;

	memset(&cfg, 0, sizeof(cfg));
	assert_int_equal(eg_engine_config_simple(&cfg, m, freq, idle, thermal), 0);
	sc.model = m;
	sc.engine = &cfg;
	sc.workload = w;
	sc.duration_ns = duration;
	sc.seed = seed;
	sc.sample_ns = sample_ns;
	r = eg_sim_run(&sc, res);
	eg_engine_config_free(&cfg);
	return r;
}

static void assert_rel(double got, double want, double rel)
{
	double d = fabs(got - want);

	if (d > rel * fabs(want)) {
		print_error("got %.12g want %.12g (rel %.3g)\n", got, want, d / fabs(want));
		fail();
	}
}

/* 1. A 5 ms-at-max task every 20 ms for 1 s on the one-CPU model.
 *
 * Activations at 0, 20, ..., 980 ms: 50 (the one due at 1000 ms is at the
 * end). Work per activation W = 5e6 x 1024 cap-ns.
 *
 * performance: the CPU stays at 2362 MHz (perf 1024): run 5e6 ns each.
 *   busy   250 ms x 1.571911 W = 0.39297775 J
 *   domain 1 s x 0.239016 W = 0.239016 J (no cluster state: always on)
 *   idle   750 ms x 0.0243 W   = 0.018225 J
 *   total 0.65021875 J; busy_span 50 x 5 ms = 250 ms.
 * powersave: 903 MHz (perf 391) from t = 0 (zero transition latency, so the
 *   boot OPP lasts 0 ns): run ceil(5.12e9 / 391) = 13094630 ns each
 *   (5.12e9 / 391 = 13094629.16). 50 x 13094630 = 654731500 ns busy.
 *   busy   0.6547315 s x 0.243358 W = 0.15933...: computed below in doubles
 *   domain 1 s x 0.056304 W, idle (1 - 0.6547315) s x 0.0243 W. */
static void test_hand_energy(void **state)
{
	struct eg_model *m = calloc(1, sizeof(*m));
	struct hand_wl h;
	struct eg_sim_result res;
	double busy_s, e;

	(void)state;
	assert_non_null(m);
	one_cpu_model(m);
	periodic(&h, 0, 1024, 5 * MS, 20 * MS, 1000 * MS);

	assert_int_equal(run_sim(m, "performance", NULL, NULL, &h.w, 0, 0, 0, &res), 0);
	assert_int_equal(res.activations, 50);
	assert_int_equal(res.busy_span_ns, 50 * 5 * MS);
	assert_int_equal(res.missed, 0);
	assert_rel(res.busy_j, 0.25 * 1.571911, 1e-3);
	assert_rel(res.domain_j, 0.239016, 1e-3);
	assert_rel(res.idle_j, 0.75 * 0.0243, 1e-3);
	assert_rel(res.energy_j, 0.65021875, 1e-3);
	assert_int_equal(res.pd[0].time_in_opp_ns[4], 1000 * MS);
	eg_sim_result_free(&res);

	assert_int_equal(run_sim(m, "powersave", NULL, NULL, &h.w, 0, 0, 0, &res), 0);
	assert_int_equal(res.activations, 50);
	assert_int_equal(res.busy_span_ns, 50ULL * 13094630);
	assert_int_equal(res.missed, 0);
	busy_s = 50 * 13094630e-9;
	assert_rel(res.busy_j, busy_s * 0.243358, 1e-3);
	assert_rel(res.domain_j, 0.056304, 1e-3);
	assert_rel(res.idle_j, (1.0 - busy_s) * 0.0243, 1e-3);
	e = busy_s * 0.243358 + 0.056304 + (1.0 - busy_s) * 0.0243;
	assert_rel(res.energy_j, e, 1e-3);
	assert_int_equal(res.pd[0].time_in_opp_ns[0], 1000 * MS);
	eg_sim_result_free(&res);
	free(m);
}

/* 2. Governor efficiency (rt-app's governor-efficiency measure): a task that
 * needs 50 % of the CPU at max, 10 ms every 20 ms, for 2 s.
 *   T_perf = 10 ms per activation (perf 1024).
 *   T_ps   = ceil(10e6 x 1024 / 391) = 26189259 ns (of 26189258.3): longer than
 *            the period, so the relative timer restarts from the end of each
 *            activation; the mean per activation is still exactly T_ps.
 *   schedutil lies between; efficiency (T_ps - T)/(T_ps - T_perf) x 100 is
 *   100 at performance and 0 at powersave. schedutil must be strictly
 *   inside: the new task starts with the kernel's initial util (half the
 *   spare capacity, 512), so the first request is 1.25 x 512 -> 1805 MHz
 *   where 10 ms of work takes 13.1 ms. Without EG_WAKE_NEW on the first
 *   wakeup the task would overrun at 903 MHz, its invariant util settle at
 *   391 x 26.2 / 46.2 ~ 222, 1.25 x 222 map back to 903 MHz, and schedutil
 *   be exactly powersave. */
static double span_per_act(const struct eg_sim_result *r)
{
	return (double)r->busy_span_ns / (double)r->activations;
}

static void test_gov_efficiency(void **state)
{
	struct eg_model *m = calloc(1, sizeof(*m));
	struct hand_wl h;
	struct eg_sim_result res;
	double t_perf, t_ps, t_su, eff;

	(void)state;
	assert_non_null(m);
	one_cpu_model(m);
	periodic(&h, 0, 1024, 10 * MS, 20 * MS, 2000 * MS);

	assert_int_equal(run_sim(m, "performance", NULL, NULL, &h.w, 0, 0, 0, &res), 0);
	assert_true(res.activations > 0);
	t_perf = span_per_act(&res);
	eg_sim_result_free(&res);
	assert_int_equal(run_sim(m, "powersave", NULL, NULL, &h.w, 0, 0, 0, &res), 0);
	assert_true(res.activations > 0);
	t_ps = span_per_act(&res);
	eg_sim_result_free(&res);
	assert_int_equal(run_sim(m, "schedutil", NULL, NULL, &h.w, 0, 0, 0, &res), 0);
	assert_true(res.activations > 0);
	t_su = span_per_act(&res);
	eg_sim_result_free(&res);

	assert_true(t_perf == 10e6);
	assert_true(t_ps == 26189259.0);
	assert_true(t_perf < t_su);
	assert_true(t_su <= t_ps);
	eff = (t_ps - t_perf) / (t_ps - t_perf) * 100;
	assert_true(eff == 100.0);
	eff = (t_ps - t_ps) / (t_ps - t_perf) * 100;
	assert_true(eff == 0.0);
	eff = (t_ps - t_su) / (t_ps - t_perf) * 100;
	assert_true(eff > 0 && eff < 100);
	free(m);
}

/* Time in each OPP over [duration/2, duration]: the simulator is
 * deterministic, so a run of half the duration is the first half. */
static void second_half_opp(const struct eg_model *m, const struct eg_sim_workload *w,
			    uint64_t duration, uint64_t out[5], uint64_t first[5])
{
	struct eg_sim_result full, half;

	assert_int_equal(run_sim(m, "schedutil", NULL, NULL, w, duration, 0, 0, &full), 0);
	assert_int_equal(run_sim(m, "schedutil", NULL, NULL, w, duration / 2, 0, 0, &half), 0);
	for (int i = 0; i < 5; i++) {
		assert_true(full.pd[0].time_in_opp_ns[i] >= half.pd[0].time_in_opp_ns[i]);
		out[i] = full.pd[0].time_in_opp_ns[i] - half.pd[0].time_in_opp_ns[i];
		first[i] = half.pd[0].time_in_opp_ns[i];
	}
	eg_sim_result_free(&full);
	eg_sim_result_free(&half);
}

/* 3. schedutil settles where its formula says.
 * (a) A CPU that never idles: PELT util climbs to ~1024 and schedutil asks
 *     1.25 x 2362000 x util / 1024 >= 2362000 kHz: the top OPP. Over the
 *     second half second, > 80 % at 2362 MHz.
 * (b) 2 ms at max every 4 ms (d = 0.5) on an absolute timer grid: util ~ 512.
 *     Absolute, because with a relative timer the demand shrinks with the
 *     speed: at 903 MHz the 5.24 ms activation is followed by a full 4 ms
 *     sleep, invariant util settles at 391 x 5.24 / 9.24 ~ 222 and 1.25 x
 *     that maps back to 903 MHz, a fixed point should the OPP ever drop there.
 *     On the absolute grid the late work piles up and util climbs past the
 *     ramp. With a 4 ms period the
 *     PELT ripple is small: max 1024 / (1 + y^2) = 523, min 523 y^2 = 501
 *     (y = 0.5^(1/32), y^2 = 0.9576), and frequency invariance keeps the
 *     average at d x 1024 whatever the OPP. Request 1.25 x 2362000 x 512 /
 *     1024 = 1476250 kHz -> lowest OPP >= it: 1805000 (index 2). The whole
 *     ripple stays inside index 2's band: util in (492.9, 626.1] maps to
 *     (1421000, 1805000]. Expect > 80 % of the last half at 1805 MHz. */
static void test_schedutil_settles(void **state)
{
	struct eg_model *m = calloc(1, sizeof(*m));
	struct hand_wl h;
	uint64_t t[5], t0[5];
	uint64_t half_ns = 500 * MS;
	uint32_t util = 512;
	uint64_t target = 2362000ULL * 125 / 100 * util / 1024;
	int want;

	(void)state;
	assert_non_null(m);
	one_cpu_model(m);

	busy_for(&h, 0, 2000 * MS, 1000 * MS);
	second_half_opp(m, &h.w, 1000 * MS, t, t0);
	assert_true(t[4] * 10 > half_ns * 8);
	/* The run starts at the top OPP, so that alone proves nothing: the new
	 * task's initial util (512) first sends the CPU down to 1.25 x 2362000 x
	 * 512 / 1024 = 1476250 -> 1805 MHz, and the climb back must happen. */
	assert_true(t0[2] > 0);

	for (want = 0; want < 4 && opp_khz[want] < target; want++)
		;
	assert_int_equal(want, 2);
	periodic(&h, 0, 1024, 2 * MS, 4 * MS, 1000 * MS);
	h.ops[2].flags |= EG_SIM_F_ABSOLUTE;
	second_half_opp(m, &h.w, 1000 * MS, t, t0);
	if (t[want] * 10 <= half_ns * 8)
		print_error("time in OPP (ms): %.1f %.1f %.1f %.1f %.1f\n", t[0] / 1e6, t[1] / 1e6,
			    t[2] / 1e6, t[3] / 1e6, t[4] / 1e6);
	assert_true(t[want] * 10 > half_ns * 8);
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

/* 4. The energy split adds up: every interval's power is the sum of busy,
 * idle and domain parts, and of the domains' parts, so the totals agree to
 * rounding (1e-9 relative). */
static void test_energy_conservation(void **state)
{
	struct eg_model *m = calloc(1, sizeof(*m));
	struct eg_sim_workload *w = NULL;
	struct eg_sim_result res;
	struct eg_error err = { 0 };
	char path[EG_PATH_MAX];
	double sum = 0;
	int r;

	(void)state;
	assert_non_null(m);
	load_hikey960(m);
	snprintf(path, sizeof(path), "%s/bench/workloads/mixed-rt-cfs.json",
		 getenv("EAGOV_SOURCE_ROOT"));
	r = eg_sim_workload_load(path, m, &w, &err);
	if (r)
		print_error("%s: %s\n", path, err.msg);
	assert_int_equal(r, 0);
	assert_true(w->nr_tasks > 1);
	assert_int_equal(
		run_sim(m, "schedutil", "menu", "power_allocator", w, 2000 * MS, 1, 0, &res), 0);
	assert_true(res.energy_j > 0);
	assert_true(res.busy_j > 0 && res.idle_j >= 0 && res.domain_j > 0);
	assert_rel(res.busy_j + res.idle_j + res.domain_j, res.energy_j, 1e-9);
	for (int i = 0; i < m->nr_pds; i++)
		sum += res.pd[i].energy_j;
	assert_rel(sum, res.energy_j, 1e-9);
	eg_sim_result_free(&res);
	eg_sim_workload_free(w);
	free(m);
}

/* 5. Same inputs and seed: identical results, samples included. Another
 * seed shifts the tasks' start phases: something differs. */
static void scrub(struct eg_sim_result *r)
{
	r->jobs = NULL;
	r->samples = NULL;
}

static void test_determinism(void **state)
{
	struct eg_model *m = calloc(1, sizeof(*m));
	struct eg_sim_workload *w = NULL;
	struct eg_sim_result a, b, c, sa, sb, sc;
	struct eg_error err = { 0 };
	char path[EG_PATH_MAX];

	(void)state;
	assert_non_null(m);
	load_hikey960(m);
	snprintf(path, sizeof(path), "%s/bench/workloads/mixed-rt-cfs.json",
		 getenv("EAGOV_SOURCE_ROOT"));
	assert_int_equal(eg_sim_workload_load(path, m, &w, &err), 0);
	assert_int_equal(run_sim(m, "schedutil", "menu", "power_allocator", w, 1000 * MS, 7,
				 10 * MS, &a),
			 0);
	assert_int_equal(run_sim(m, "schedutil", "menu", "power_allocator", w, 1000 * MS, 7,
				 10 * MS, &b),
			 0);
	assert_int_equal(run_sim(m, "schedutil", "menu", "power_allocator", w, 1000 * MS, 8,
				 10 * MS, &c),
			 0);
	assert_true(a.nr_samples > 0);
	assert_int_equal(a.nr_samples, b.nr_samples);
	assert_memory_equal(a.samples, b.samples, (size_t)a.nr_samples * sizeof(*a.samples));
	sa = a;
	sb = b;
	sc = c;
	scrub(&sa);
	scrub(&sb);
	scrub(&sc);
	assert_memory_equal(&sa, &sb, sizeof(sa));
	assert_memory_not_equal(&sa, &sc, sizeof(sa));
	eg_sim_result_free(&a);
	eg_sim_result_free(&b);
	eg_sim_result_free(&c);
	eg_sim_workload_free(w);
	free(m);
}

/* 6. Every shipped rt-app file compiles and runs 2 s on HiKey960. */
static int sim_dir(const struct eg_model *m, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (!d)
		print_error("%s: %s\n", dir, strerror(errno));
	assert_non_null(d);
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		char path[EG_PATH_MAX * 2];
		struct eg_sim_workload *w = NULL;
		struct eg_sim_result res;
		struct eg_error err = { 0 };
		int r;

		if (len < 6 || strcmp(de->d_name + len - 5, ".json"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		r = eg_sim_workload_load(path, m, &w, &err);
		if (r)
			print_error("%s: %d %s\n", path, r, err.msg);
		assert_int_equal(r, 0);
		r = run_sim(m, "schedutil", "menu", "power_allocator", w, 2000 * MS, 1, 0, &res);
		if (r || !(res.energy_j > 0) || !res.events)
			print_error("%s: sim %d energy %g events %llu\n", path, r, res.energy_j,
				    (unsigned long long)res.events);
		assert_int_equal(r, 0);
		assert_true(res.energy_j > 0);
		assert_true(res.events > 0);
		eg_sim_result_free(&res);
		eg_sim_workload_free(w);
		n++;
	}
	closedir(d);
	return n;
}

static void test_project_workloads(void **state)
{
	struct eg_model *m = calloc(1, sizeof(*m));
	char dir[EG_PATH_MAX * 2];

	(void)state;
	assert_non_null(m);
	load_hikey960(m);
	snprintf(dir, sizeof(dir), "%s/bench/workloads", getenv("EAGOV_SOURCE_ROOT"));
	assert_true(sim_dir(m, dir) > 0);
	free(m);
}

/* The rt-app corpus of the shared reference tree ($EAGOV_SHARED), when it
 * sits beside the checkout: a fresh clone has none, and skips it. */
static void test_shared_workloads(void **state)
{
	const char *shared = getenv("EAGOV_SHARED");
	struct eg_model *m;
	char dir[EG_PATH_MAX * 2];
	struct stat st;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/workloads/rt-app", shared ? shared : "");
	if (!shared || stat(dir, &st) || !S_ISDIR(st.st_mode)) {
		print_message("rt-app corpus not found (%s): skipped\n", dir);
		skip();
	}
	m = calloc(1, sizeof(*m));
	assert_non_null(m);
	load_hikey960(m);
	assert_true(sim_dir(m, dir) > 0);
	free(m);
}

/* 7. A semaphore cannot be modelled: refused with the key named. */
static void test_sem_refused(void **state)
{
	static const char text[] = "{ \"tasks\" : { \"t\" : { \"loop\" : 1, \"run\" : 1000,\n"
				   "  \"sem_wait\" : \"s0\", \"sleep\" : 1000 } } }\n";
	struct eg_model *m;
	struct eg_rtapp_workload *rw = NULL;
	struct eg_sim_workload *w = NULL;
	struct eg_error err = { 0 };
	int r;

	(void)state;
	m = calloc(1, sizeof(*m));
	assert_non_null(m);
	load_hikey960(m);
	r = eg_rtapp_load_string(text, "sem.json", &rw, &err);
	if (r)
		print_error("parse: %d %s\n", r, err.msg);
	assert_int_equal(r, 0);
	r = eg_sim_workload_from_rtapp(rw, m, &w, &err);
	assert_int_equal(r, -EINVAL);
	assert_null(w);
	if (!strstr(err.msg, "sem_wait"))
		print_error("message: %s\n", err.msg);
	assert_non_null(strstr(err.msg, "sem_wait"));
	eg_rtapp_free(rw);
	free(m);
}

static double cpu_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Compile rt-app text for HiKey960: the result of the compiler, *w set on
 * success, err filled on failure. */
static int compile_text(const struct eg_model *m, const char *text, struct eg_sim_workload **w,
			struct eg_error *err)
{
	struct eg_rtapp_workload *rw = NULL;
	int r = eg_rtapp_load_string(text, "zero.json", &rw, err);

	if (r)
		print_error("parse: %d %s\n", r, err->msg);
	assert_int_equal(r, 0);
	r = eg_sim_workload_from_rtapp(rw, m, w, err);
	eg_rtapp_free(rw);
	return r;
}

/* 8. Time must pass. A task looping forever over "sleep": 0 never lets
 * simulated time advance (with more threads than CPUs none ever idles, and
 * the run would go on for ever, its memory growing). It is a workload
 * error, named by the compiler and refused by the simulator, at once.
 * Tasks that hand the CPU to each other at one instant (signal and wait on
 * one CPU) stop time too: the run ends with -ELOOP, quickly. CPU time, so a
 * loaded machine does not fail it. */
static void test_time_must_pass(void **state)
{
	struct eg_model *m = calloc(1, sizeof(*m));
	struct eg_sim_workload *w = NULL;
	struct eg_sim_result res;
	struct eg_error err = { 0 };
	struct hand_wl h;
	double t0;
	int r;

	(void)state;
	assert_non_null(m);
	load_hikey960(m);

	t0 = cpu_seconds();
	r = compile_text(m, "{\"tasks\":{\"t\":{\"instance\":11,\"sleep\":0}}}", &w, &err);
	assert_int_equal(r, -EINVAL);
	assert_null(w);
	if (!strstr(err.msg, "'t'") || !strstr(err.msg, "takes time"))
		print_error("message: %s\n", err.msg);
	assert_non_null(strstr(err.msg, "'t'"));
	assert_non_null(strstr(err.msg, "takes time"));

	/* The same program built by hand reaches the simulator: refused. */
	memset(&h, 0, sizeof(h));
	h.w.calib_cpu = 0;
	h.w.nr_tasks = 1;
	h.w.tasks = &h.t;
	h.t.policy = EG_SIM_CFS;
	h.t.nr_loops = 1;
	h.t.nr_ops = 3;
	h.t.ops = h.ops;
	h.ops[0] = (struct eg_sim_op){ .code = EG_SIM_LOOP_BEGIN, .loop = 0, .count = 0 };
	h.ops[1] = (struct eg_sim_op){ .code = EG_SIM_SLEEP, .ns = 0 };
	h.ops[2] = (struct eg_sim_op){ .code = EG_SIM_LOOP_END, .loop = 0, .begin = 0 };
	assert_int_equal(eg_sim_task_timeless_loop(&h.t), 0);
	assert_int_equal(run_sim(m, "schedutil", NULL, NULL, &h.w, MS, 0, 0, &res), -EINVAL);
	/* One ns of sleep is time: accepted, and 1 ms is simulated. */
	h.ops[1].ns = 1;
	assert_int_equal(eg_sim_task_timeless_loop(&h.t), -1);
	assert_int_equal(run_sim(m, "schedutil", NULL, NULL, &h.w, MS, 0, 0, &res), 0);
	assert_int_equal(res.sim_ns, MS);
	eg_sim_result_free(&res);

	/* Finite zero-time loops end: the threads run out. */
	assert_int_equal(compile_text(m,
				      "{\"tasks\":{\"t\":{\"instance\":11,\"loop\":3,"
				      "\"sleep\":0}}}",
				      &w, &err),
			 0);
	assert_int_equal(run_sim(m, "schedutil", NULL, NULL, w, MS, 0, 0, &res), 0);
	assert_true(res.events > 0);
	eg_sim_result_free(&res);
	eg_sim_workload_free(w);
	w = NULL;

	/* Ping-pong on one CPU at one instant: a wait in the loop, so the
	 * compiler accepts it, but time stops; the run says so. */
	assert_int_equal(compile_text(m,
				      "{\"tasks\":{"
				      "\"a\":{\"cpus\":[0],\"signal\":\"c\","
				      "\"wait\":{\"ref\":\"c\",\"mutex\":\"m\"}},"
				      "\"b\":{\"cpus\":[0],\"signal\":\"c\","
				      "\"wait\":{\"ref\":\"c\",\"mutex\":\"m\"}}}}",
				      &w, &err),
			 0);
	assert_int_equal(run_sim(m, "schedutil", NULL, NULL, w, 10 * MS, 0, 0, &res), -ELOOP);
	eg_sim_workload_free(w);

	/* Each refusal came at once, not after a long storm. */
	assert_true(cpu_seconds() - t0 < 2.0);
	free(m);
}

/* 9. rt-app's utilization clamps: a task's util_min / util_max hold from
 * its start (util_max 0, which a desc reads as no cap, as 1: the same
 * run); a phase's are set at the phase's start, a bound it does not name
 * kept (-1 too); a pair sched_setattr would refuse (min over max) is an
 * error naming the task or phase. */
static void test_rtapp_uclamp(void **state)
{
	struct eg_model *m = calloc(1, sizeof(*m));
	struct eg_sim_workload *w = NULL;
	struct eg_error err = { 0 };
	const struct eg_sim_task_desc *d;
	int nr_set = 0;

	(void)state;
	assert_non_null(m);
	load_hikey960(m);
	assert_int_equal(compile_text(m,
				      "{\"tasks\":{\"t\":{\"util_min\":100,\"util_max\":300,"
				      "\"phases\":{\"a\":{\"run\":1000,\"sleep\":1000},"
				      "\"b\":{\"util_max\":800,\"run\":1000,\"sleep\":1000},"
				      "\"c\":{\"util_min\":-1,\"util_max\":0,\"run\":1000}}},"
				      "\"u\":{\"util_max\":0,\"run\":1000}}}",
				      &w, &err),
			 0);
	d = &w->tasks[0];
	assert_int_equal(d->util_min, 100);
	assert_int_equal(d->util_max, 300);
	for (int k = 0; k < d->nr_ops; k++) {
		const struct eg_sim_op *op = &d->ops[k];

		if (op->code != EG_SIM_SETUCLAMP)
			continue;
		assert_int_equal(op->clamp_min, -1);
		assert_int_equal(op->clamp_max, nr_set ? 1 : 800);
		nr_set++;
	}
	assert_int_equal(nr_set, 2);
	assert_int_equal(w->tasks[1].util_min, 0);
	assert_int_equal(w->tasks[1].util_max, 1);
	eg_sim_workload_free(w);
	w = NULL;

	assert_int_equal(compile_text(m,
				      "{\"tasks\":{\"t\":{\"util_min\":600,\"util_max\":300,"
				      "\"run\":1000}}}",
				      &w, &err),
			 -EINVAL);
	assert_null(w);
	if (!strstr(err.msg, "'t'") || !strstr(err.msg, "util_min"))
		print_error("message: %s\n", err.msg);
	assert_non_null(strstr(err.msg, "'t'"));
	assert_non_null(strstr(err.msg, "util_min"));
	assert_int_equal(compile_text(m,
				      "{\"tasks\":{\"t\":{\"phases\":{\"p\":{\"util_min\":600,"
				      "\"util_max\":300,\"run\":1000}}}}}",
				      &w, &err),
			 -EINVAL);
	assert_null(w);
	assert_non_null(strstr(err.msg, "'p'"));
	assert_non_null(strstr(err.msg, "util_min"));
	free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hand_energy),
		cmocka_unit_test(test_gov_efficiency),
		cmocka_unit_test(test_schedutil_settles),
		cmocka_unit_test(test_energy_conservation),
		cmocka_unit_test(test_determinism),
		cmocka_unit_test(test_project_workloads),
		cmocka_unit_test(test_shared_workloads),
		cmocka_unit_test(test_sem_refused),
		cmocka_unit_test(test_time_must_pass),
		cmocka_unit_test(test_rtapp_uclamp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
