// SPDX-License-Identifier: GPL-2.0-or-later
/* Tests of the replay of recordings (bench/replay.c): recordings written with
 * the recorder API on the HiKey960 model, replayed for performance, powersave
 * and schedutil, with the energy estimate checked against hand arithmetic. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "conf.h"
#include "engine.h"
#include "policy_conf.h"
#include "record.h"
#include "replay.h"
#include "util.h"

#define T0 (5 * NSEC_PER_SEC) /* recording clock at its start */
#define WINDOW (4 * NSEC_PER_MSEC)
#define BIG_CPU 4

struct fx {
	struct eg_model m;
	struct eg_policy_conf pc;
	char path[64];
	struct eg_event *evs;
	size_t n;
	struct eg_record_info info;
};

static void load_hikey(struct eg_model *m, struct eg_policy_conf *pc)
{
	char path[EG_PATH_MAX];
	struct eg_error err = { 0 };
	char msg[600];

	snprintf(path, sizeof(path), "%s/conf/devices/hikey960.ini", getenv("EAGOV_SOURCE_ROOT"));
	if (eg_conf_load_device(path, m, pc, &err) < 0) {
		eg_error_format(&err, msg, sizeof(msg));
		fail_msg("%s", msg);
	}
}

/* The workload: CPU 4 (big) busy 2 ms of every 4 ms window for 1 s, told by
 * 250 busy samples at T0 + 4 ms .. T0 + 1000 ms (as the poll source sends
 * them) or, with switches, by a task switched in at the window's start and
 * out after 2 ms. Plus one RT wakeup (prio 10) on CPU 4 at T0 + 500.5 ms.
 * A header with fewer CPUs (hdr) moves it all to CPU 1: the loader rejects
 * events on CPUs the header does not have. */
static void write_recording(struct fx *f, const struct eg_model *hdr, bool switches)
{
	struct eg_recorder *r = NULL;
	struct eg_event ev;
	const int16_t cpu = hdr->nr_cpus > BIG_CPU ? BIG_CPU : 1;

	snprintf(f->path, sizeof(f->path), "/tmp/test_replay.%d.rec", (int)getpid());
	assert_int_equal(eg_record_open(&r, f->path, hdr), 0);
	for (int k = 0; k < 250; k++) {
		uint64_t w0 = T0 + (uint64_t)k * WINDOW;

		if (switches) {
			ev = (struct eg_event){ .ts = w0, .type = EG_EV_SWITCH, .cpu = cpu };
			ev.sw.prev_pid = 0;
			ev.sw.next_pid = 100;
			ev.sw.next_prio = 120;
			ev.sw.util_max = 1024;
			assert_int_equal(eg_record_write(r, &ev), 0);
			ev.ts = w0 + WINDOW / 2;
			ev.sw.prev_pid = 100;
			ev.sw.prev_prio = 120;
			ev.sw.next_pid = 0;
			ev.sw.next_prio = 120;
			assert_int_equal(eg_record_write(r, &ev), 0);
		} else {
			ev = (struct eg_event){ .ts = w0 + WINDOW,
						.type = EG_EV_BUSY_SAMPLE,
						.cpu = cpu };
			ev.busy.busy_ns = WINDOW / 2;
			ev.busy.window_ns = WINDOW;
			ev.busy.no_switches = true;
			assert_int_equal(eg_record_write(r, &ev), 0);
		}
		if (k == 125) {
			ev = (struct eg_event){ .ts = w0 + 500 * NSEC_PER_USEC,
						.type = EG_EV_WAKEUP,
						.cpu = cpu };
			ev.wakeup.pid = 4242;
			ev.wakeup.prio = 10;
			ev.wakeup.target_cpu = cpu;
			assert_int_equal(eg_record_write(r, &ev), 0);
		}
	}
	if (switches) {
		/* The span's end, as the sampled recording's last sample. */
		ev = (struct eg_event){ .ts = T0 + 250 * WINDOW, .type = EG_EV_TICK, .cpu = cpu };
		assert_int_equal(eg_record_write(r, &ev), 0);
	}
	assert_int_equal(eg_record_close(r), 0);
	assert_int_equal(eg_record_load(f->path, &f->evs, &f->n, &f->info, NULL, 0), 0);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	load_hikey(&f->m, &f->pc);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	if (f->path[0])
		unlink(f->path);
	free(f->evs);
	free(f);
	return 0;
}

/* Replay with governor gov; eagov's fast ramp only when asked, as
 * eagov-bench runs kernel governors without it. */
static void replay(const struct fx *f, const char *gov, bool ramp, struct eg_replay_result *res)
{
	struct eg_engine_config cfg;
	char err[256];

	assert_int_equal(eg_engine_config_simple(&cfg, &f->m, gov, "menu", NULL), 0);
	cfg.fast_ramp = ramp;
	cfg.rt_idle_latency_us = 0;
	if (eg_replay_run(&f->m, &cfg, f->evs, f->n, res, err, sizeof(err)) < 0)
		fail_msg("replay %s: %s", gov, err);
	eg_engine_config_free(&cfg);
}

static int big(const struct fx *f)
{
	return f->m.cpu_pd[BIG_CPU];
}

static int little(const struct fx *f)
{
	return f->m.cpu_pd[0];
}

/* Every domain's time in state adds up to the span, whatever the governor. */
static void check_time_in_state(const struct fx *f, const struct eg_replay_result *r)
{
	for (int p = 0; p < f->m.nr_pds; p++) {
		uint64_t sum = 0;

		for (int o = 0; o < f->m.pds[p].nr_opps; o++)
			sum += r->pd[p].time_in_opp_ns[o];
		assert_int_equal(sum, r->span_ns);
	}
}

/* By hand, HiKey960 (conf/devices/hikey960.ini), over the 1 s span (the first
 * sample's window starts at T0, the last sample is at T0 + 1 s):
 *   big CPU busy power (the file's calibrated values):
 *     2362 MHz: 974584 uW; 903 MHz: 150882 uW
 *   big domain power 239016 uW (2362 MHz), 56304 uW (903 MHz); big WFI
 *   24300 uW, little WFI 5700 uW; the little domain is never busy (0 uW).
 * performance (big at 2362 MHz the whole second):
 *   CPU 4 busy 0.5 s x 974584 = 487292 uJ, idle 0.5 s x 24300 = 12150
 *   CPUs 5-7 idle 3 x 1 s x 24300 = 72900; domain 0.5 s x 239016 = 119508
 *   little CPUs 4 x 1 s x 5700 = 22800
 *   total 487292 + 12150 + 72900 + 119508 + 22800 = 714650 uJ
 * powersave (big at 903 MHz):
 *   0.5 x 150882 = 75441; 12150; 72900; 0.5 x 56304 = 28152; 22800
 *   total 211443 uJ */
#define PERF_J 0.714650
#define POWERSAVE_J 0.211443

static void test_performance_powersave_schedutil(void **state)
{
	struct fx *f = *state;
	struct eg_replay_result pf, ps, su, ramp;
	const struct eg_pd *bpd;

	write_recording(f, &f->m, false);
	bpd = &f->m.pds[big(f)];
	replay(f, "performance", false, &pf);
	replay(f, "powersave", false, &ps);
	replay(f, "schedutil", false, &su);
	replay(f, "schedutil", true, &ramp);

	assert_int_equal(pf.span_ns, NSEC_PER_SEC);
	assert_int_equal(pf.events, 251); /* 250 samples + the wakeup */
	assert_int_equal(pf.dropped, 0);
	assert_int_equal(pf.engine_errors, 0);

	/* performance sits at the top OPP, powersave at the bottom one, from the
	 * first instant: the averages are exactly those frequencies. */
	assert_true(pf.pd[big(f)].avg_khz == (double)eg_pd_max_khz(bpd));
	assert_true(ps.pd[big(f)].avg_khz == (double)eg_pd_min_khz(bpd));
	assert_true(ps.pd[little(f)].avg_khz == (double)eg_pd_min_khz(&f->m.pds[little(f)]));
	assert_int_equal(pf.pd[big(f)].transitions + ps.pd[big(f)].transitions, 0);

	assert_true(fabs(pf.energy_j - PERF_J) / PERF_J < 0.01);
	assert_true(fabs(ps.energy_j - POWERSAVE_J) / POWERSAVE_J < 0.01);

	/* schedutil: between the two, moving. The recorded load is read at the
	 * recording's frequency (the top OPP): 2 ms busy in every 4 ms gives a
	 * util of ~512, x 1.25 = 640, 2362000 x 640 / 1024 = 1476250 kHz ->
	 * the lowest OPP at or above it, 1805000, where it spends most of the
	 * second once PELT has ramped (~75 ms to 90 % of 512). */
	{
		int opp = eg_pd_opp_index(&f->m.pds[big(f)], 1805000);
		uint64_t span = 0;

		for (int i = 0; i < f->m.pds[big(f)].nr_opps; i++)
			span += su.pd[big(f)].time_in_opp_ns[i];
		assert_true(opp >= 0);
		assert_true(su.pd[big(f)].time_in_opp_ns[opp] > span / 2);
	}
	assert_true(su.pd[big(f)].avg_khz > ps.pd[big(f)].avg_khz);
	assert_true(su.pd[big(f)].avg_khz < pf.pd[big(f)].avg_khz);
	assert_true(su.energy_j > ps.energy_j && su.energy_j < pf.energy_j);
	assert_true(su.pd[big(f)].transitions > 0);
	check_time_in_state(f, &pf);
	check_time_in_state(f, &ps);
	check_time_in_state(f, &su);

	/* The RT wakeup: a fast-ramp decision only where the ramp is on, and
	 * it is reported as urgent. */
	assert_int_equal(pf.urgent + ps.urgent + su.urgent, 0);
	assert_true(ramp.urgent >= 1);
	assert_true(ramp.decisions >= ramp.urgent);
}

/* Busy time told by switches to and from pid 0 costs what the same busy time
 * told by samples does when the frequency is constant (performance): the
 * busy periods are the same 0.5 s. */
static void test_switches_match_samples(void **state)
{
	struct fx *f = *state;
	struct eg_replay_result a, b;

	write_recording(f, &f->m, false);
	replay(f, "performance", false, &a);
	free(f->evs);
	f->evs = NULL;
	write_recording(f, &f->m, true);
	replay(f, "performance", false, &b);
	assert_int_equal(b.span_ns, a.span_ns);
	assert_true(fabs(b.busy_j - a.busy_j) < 1e-9);
	assert_true(fabs(b.domain_j - a.domain_j) < 1e-9);
	assert_true(fabs(b.energy_j - PERF_J) / PERF_J < 0.01);
}

static void test_cpu_count_mismatch(void **state)
{
	struct fx *f = *state;
	struct eg_model *two = malloc(sizeof(*two));
	char err[300] = "";

	assert_non_null(two);
	*two = f->m;
	two->nr_cpus = 2;
	eg_strlcpy(two->name, "tiny-vm", sizeof(two->name));
	write_recording(f, two, false);
	free(two);
	assert_int_equal(f->info.nr_cpus, 2);
	assert_int_equal(eg_replay_check(&f->info, &f->m, err, sizeof(err)), -EINVAL);
	/* The sentence names both counts and the recording's machine. */
	assert_non_null(strstr(err, "tiny-vm"));
	assert_non_null(strstr(err, "2 CPUs"));
	assert_non_null(strstr(err, "has 8"));
	f->info.nr_cpus = 8;
	assert_int_equal(eg_replay_check(&f->info, &f->m, err, sizeof(err)), 0);
}

static void test_deterministic(void **state)
{
	struct fx *f = *state;
	struct eg_replay_result *a = calloc(2, sizeof(*a));

	assert_non_null(a);
	write_recording(f, &f->m, false);
	replay(f, "schedutil", true, &a[0]);
	replay(f, "schedutil", true, &a[1]);
	assert_memory_equal(&a[0], &a[1], sizeof(a[0]));
	free(a);
}

static void test_find_device(void **state)
{
	struct eg_record_info info = { .nr_cpus = 8 };
	char path[EG_PATH_MAX];

	(void)state;
	/* The model name "HiKey960" names hikey960.ini once lower-cased. */
	eg_strlcpy(info.model, "HiKey960", sizeof(info.model));
	assert_int_equal(eg_replay_find_device(&info, path, sizeof(path)), 0);
	assert_non_null(strstr(path, "hikey960.ini"));
	eg_strlcpy(info.model, "QEMU Standard PC (i440FX + PIIX, 1996)", sizeof(info.model));
	assert_int_equal(eg_replay_find_device(&info, path, sizeof(path)), -ENOENT);
}

static void test_empty(void **state)
{
	struct fx *f = *state;
	struct eg_engine_config cfg;
	struct eg_replay_result r;
	struct eg_event ev = { .ts = T0, .type = EG_EV_TICK, .cpu = 0 };
	char err[200];

	assert_int_equal(eg_engine_config_simple(&cfg, &f->m, "schedutil", "menu", NULL), 0);
	assert_int_equal(eg_replay_run(&f->m, &cfg, &ev, 0, &r, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "no events"));
	assert_int_equal(eg_replay_run(&f->m, &cfg, &ev, 1, &r, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "no time"));
	eg_engine_config_free(&cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_performance_powersave_schedutil, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_switches_match_samples, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cpu_count_mismatch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deterministic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_find_device, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
