// SPDX-License-Identifier: GPL-2.0-or-later
/* eagovd end to end with recorded event streams, on a fake HiKey960 tree
 * (daemon_harness.h): a scripted recording replayed and written to the
 * tree, the stats line, a --record / replay round trip, eagov's predicted
 * resume-latency limit reaching the tree, and recordings with CPU numbers
 * the model does not have, refused. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "conf.h"
#include "daemon_harness.h"
#include "run_util.h"
#include "event.h"
#include "model.h"
#include "parse.h"
#include "policy_conf.h"
#include "record.h"

static void rec_put(struct eg_recorder *r, const struct eg_event *ev)
{
	assert_int_equal(eg_record_write(r, ev), 0);
}

static void rec_wakeup(struct eg_recorder *r, uint64_t ts, int cpu, int pid, int prio)
{
	struct eg_event ev = { .ts = ts, .type = EG_EV_WAKEUP, .cpu = (int16_t)cpu };

	ev.wakeup.pid = pid;
	ev.wakeup.prio = (int16_t)prio;
	ev.wakeup.target_cpu = (int16_t)cpu;
	rec_put(r, &ev);
}

static void rec_switch(struct eg_recorder *r, uint64_t ts, int cpu, int prev, int prev_prio,
		       int next, int next_prio)
{
	struct eg_event ev = { .ts = ts, .type = EG_EV_SWITCH, .cpu = (int16_t)cpu };

	ev.sw.prev_pid = prev;
	ev.sw.prev_prio = (int16_t)prev_prio;
	ev.sw.next_pid = next;
	ev.sw.next_prio = (int16_t)next_prio;
	ev.sw.util_max = 1024;
	rec_put(r, &ev);
}

#define MS 1000000ULL
/* The scripted stream's length: the big domain's ramp needs about a second
 * (see test_replay), twice that leaves room. */
#define REPLAY_PERIODS 200

/* A HiKey960 recording: a CFS task (pid 100, prio 120) on CPU 4 running
 * 8 ms of every 10 ms for 2 s (80 % busy), then an RT task (pid 200, prio
 * 49 = SCHED_FIFO 50) waking on CPU 1 and running. Time starts at 5 s (the
 * replay shifts it to its own clock). */
static void write_recording(const char *path)
{
	_cleanup_free_ struct eg_model *m = malloc(sizeof(*m));
	_cleanup_free_ struct eg_policy_conf *pc = malloc(sizeof(*pc));
	struct eg_error err;
	struct eg_recorder *r;
	char dev[512];
	uint64_t t = 5000 * MS;

	assert_non_null(m);
	assert_non_null(pc);
	assert_int_equal(eg_conf_find_device("hikey960", dev, sizeof(dev)), 0);
	assert_int_equal(eg_conf_load_device(dev, m, pc, &err), 0);
	assert_int_equal(eg_record_open(&r, path, m), 0);
	for (int k = 0; k < REPLAY_PERIODS; k++, t += 10 * MS) {
		rec_wakeup(r, t, 4, 100, 120);
		rec_switch(r, t + 1000, 4, 0, 120, 100, 120);
		rec_switch(r, t + 8 * MS, 4, 100, 120, 0, 120);
	}
	rec_wakeup(r, t, 1, 200, 49);
	rec_switch(r, t + 20000, 1, 0, 120, 200, 49);
	assert_int_equal(eg_record_close(r), 0);
}

/* Replay end to end, writing to the tree.
 *
 * Big domain (CPU 4, OPPs 903/1421/1805/2112/2362 MHz, at 903 MHz from the
 * tree's scaling_cur_freq): schedutil asks next = 1.25 x fmax x util / 1024,
 * util frequency-invariant (eagovd tells the engine each frequency it
 * wrote). A task busy
 * 80 % of wall time at frequency f has a mean util of 0.8 x f / fmax x 1024,
 * so 1.25 x mean is exactly f: the mean alone would hold any frequency. But
 * schedutil reads max(util_avg, runnable, util_est), and util_est is the
 * util at dequeue, the top of PELT's sawtooth: with y = 0.5^(1/32) per ms,
 * running 8 ms and sleeping 2 ms settles at peak P and trough T with
 * P = U - (U - T) y^8 and T = P y^2 (U = f / fmax x 1024), so
 * P = U (1 - y^8) / (1 - y^10) = U x 0.1591 / 0.1948 = 0.8167 U, and
 * 1.25 x 0.8167 = 1.021 > 1: each update asks for more than f, i.e. the
 * next OPP up, until fmax: 1.25 x 0.8167 x 2362000 = 2411000 kHz, clamped
 * to 2362000. Each step needs the util to climb ~4 half-lives (gap from
 * 0.8167 x f_old to 0.8 x f_new, 1421/903 = 1.57 the biggest ratio), about
 * 130 ms of running, so the 4 steps fit well in the 2 s of the stream.
 *
 * Little domain: no task there, util 0: schedutil keeps it at 533000
 * (1.25 x 0 -> lowest OPP). The RT wakeup on CPU 1 takes the fast ramp: its
 * top OPP, 1844000, urgent, reason rt: one wake-to-write sample.
 *
 * At the end of the recording eagovd stops as on SIGTERM: exit 0, every
 * original restored, state file removed. Both policies started under
 * schedutil, so their setspeed (not saved) keeps the last write. */
static void test_replay(void **state)
{
	struct ctx *c = *state;
	char rec[400], src[420], s0[64], g0[64];
	const char *args[] = { "--device", "hikey960", "--source", src, NULL };
	bool saw_min0 = false, saw_max0_early = false;
	struct timespec t0, t;
	int st = -1;

	snprintf(rec, sizeof(rec), "%s/stream.rec", c->root);
	snprintf(src, sizeof(src), "replay:%s", rec);
	write_recording(rec);
	spawn(c, args);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		pid_t r = waitpid(c->pid, &st, WNOHANG);
		double el;

		if (r == c->pid) {
			c->pid = -1;
			break;
		}
		clock_gettime(CLOCK_MONOTONIC, &t);
		el = (double)(t.tv_sec - t0.tv_sec) + (double)(t.tv_nsec - t0.tv_nsec) / 1e9;
		assert_true(el < 10);
		get(c, POL0 "scaling_setspeed", s0, sizeof(s0));
		get(c, POL0 "scaling_governor", g0, sizeof(g0));
		/* Before the RT wakeup (at 2 s of stream), little is idle. */
		if (el < 1.5 && !strcmp(g0, "userspace")) {
			saw_min0 |= !strcmp(s0, "533000");
			saw_max0_early |= !strcmp(s0, "1844000");
		}
		sleep_ms(5);
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		expect_exit(c, 0);
	assert_true(saw_min0);
	assert_false(saw_max0_early);
	assert_string_equal(get(c, POL0 "scaling_setspeed", s0, sizeof(s0)), "1844000");
	assert_string_equal(get(c, POL4 "scaling_setspeed", s0, sizeof(s0)), "2362000");
	/* Restored at the replay's end. */
	assert_string_equal(get(c, POL0 "scaling_governor", g0, sizeof(g0)), "schedutil");
	assert_string_equal(get(c, POL4 "scaling_governor", g0, sizeof(g0)), "schedutil");
	assert_false(exists(c, "/run/eagov/state"));
	assert_int_equal(count_lines(c->err, "end of the recording", NULL), 1);
	/* The stats line: a wakeup and 2 switches per period, and the RT
	 * pair: 3 x 200 + 2 = 602 events from the replay (the device sources,
	 * udev's initial power-supply state, may add some); the one fast ramp
	 * measured once. */
	assert_int_equal(count_lines(c->err, "stats: wall_s=", " wake_to_write_us p50="), 1);
	assert_true(run_stats_field(c->err, "events") >= 3 * REPLAY_PERIODS + 2);
	assert_true(run_stats_field(c->err, "urgent") >= 1);
	assert_true(run_stats_field(c->err, "n") == 1);
	assert_true(run_stats_field(c->err, "p50") > 0);
	assert_true(run_stats_field(c->err, "p99") == run_stats_field(c->err, "p50"));
}

/* The decision lines of a dry run without their "t=S.mmm " time stamps. */
static char *decisions(const char *path)
{
	char line[512], *buf = calloc(1, 1 << 20);
	size_t len = 0;
	FILE *f = fopen(path, "r");

	assert_non_null(buf);
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		const char *p = strchr(line, ' ');

		if (strncmp(line, "t=", 2) || !p)
			continue;
		assert_true(len + strlen(p) < (1 << 20));
		len += (size_t)sprintf(buf + len, "%s", p + 1);
	}
	fclose(f);
	return buf;
}

/* --record then replay:FILE, both dry runs: the same events give the same
 * decisions in the same order (times differ: the replay runs on its own
 * clock). The poll source reads the tree's frozen idle times as busy CPUs,
 * so both domains ramp: the stream is not trivial. */
static void test_record_roundtrip(void **state)
{
	struct ctx *c = *state;
	char rec[400], src[420];
	const char *a1[] = { "--dry-run", "--device", "hikey960", "--duration",
			     "1",	  "--record", rec,	  NULL };
	const char *a2[] = { "--dry-run", "--device", "hikey960", "--source", src, NULL };
	char *d1, *d2;

	snprintf(rec, sizeof(rec), "%s/poll.rec", c->root);
	snprintf(src, sizeof(src), "replay:%s", rec);
	spawn(c, a1);
	expect_exit(c, 0);
	d1 = decisions(c->out);
	spawn(c, a2);
	expect_exit(c, 0);
	d2 = decisions(c->out);
	/* More than the start-up decisions: set-freq steps of both domains. */
	assert_true(count_lines(c->out, "pd=big set-freq", NULL) >= 2);
	assert_true(count_lines(c->out, "pd=little set-freq", NULL) >= 2);
	assert_string_equal(d1, d2);
	assert_true(run_stats_field(c->err, "events") > 0);
	free(d1);
	free(d2);
}

/* eagovd runs eagov's own policy unchanged: a device file naming it, and a
 * recording of an RT task (pid 300, SCHED_FIFO 50) on big CPU 4 that wakes
 * every 10 ms, starts 20 us later and runs 1 ms. Its first wakeups, with no
 * history, take the big domain to its top OPP at once (as the fast ramp
 * does); once four activations are known, its wakeups ask for what
 * keeps its response within 20 % of the top OPP's: 1 ms of work after 20 us
 * may take 1 + 0.2 x 1.02 = 1.204 ms, 1024 / 1.204 = 851 of capacity,
 * 2112 MHz (fewer once it measures its work at that frequency). So the
 * dry run shows RT decisions both at 2362000 and below it (a lowering is
 * not urgent: only a raise bypasses the rate limit). */
static void test_replay_eagov(void **state)
{
	struct ctx *c = *state;
	_cleanup_free_ struct eg_model *m = malloc(sizeof(*m));
	_cleanup_free_ struct eg_policy_conf *pc = malloc(sizeof(*pc));
	char rec[400], src[420], dev[512], mine[400], line[600];
	const char *args[] = { "--dry-run", "--device", mine, "--source", src, NULL };
	struct eg_recorder *r;
	struct eg_error err;
	uint64_t t = 5000 * MS;
	FILE *in, *out;
	int top = 0, below = 0;

	assert_non_null(m);
	assert_non_null(pc);
	assert_int_equal(eg_conf_find_device("hikey960", dev, sizeof(dev)), 0);
	snprintf(mine, sizeof(mine), "%s/hikey960-eagov.ini", c->root);
	in = fopen(dev, "r");
	out = fopen(mine, "w");
	assert_non_null(in);
	assert_non_null(out);
	while (fgets(line, sizeof(line), in))
		fputs(strncmp(line, "freq = ", 7) ? line : "freq = eagov\n", out);
	fclose(in);
	fclose(out);
	assert_int_equal(eg_conf_load_device(mine, m, pc, &err), 0);

	snprintf(rec, sizeof(rec), "%s/rt.rec", c->root);
	snprintf(src, sizeof(src), "replay:%s", rec);
	assert_int_equal(eg_record_open(&r, rec, m), 0);
	for (int k = 0; k < 40; k++, t += 10 * MS) {
		rec_wakeup(r, t, 4, 300, 49);
		rec_switch(r, t + 20000, 4, 0, 120, 300, 49);
		rec_switch(r, t + 1020000, 4, 300, 49, 0, 120);
	}
	assert_int_equal(eg_record_close(r), 0);

	spawn(c, args);
	expect_exit(c, 0);
	out = fopen(c->out, "r");
	assert_non_null(out);
	while (fgets(line, sizeof(line), out)) {
		unsigned long khz;
		const char *p = strstr(line, "pd=big set-freq ");

		if (!p || !strstr(line, "(rt)"))
			continue;
		khz = strtoul(p + strlen("pd=big set-freq "), NULL, 10);
		top += khz == 2362000;
		below += khz < 2362000;
	}
	fclose(out);
	if (top < 1 || below < 1) {
		out = fopen(c->out, "r");
		while (out && fgets(line, sizeof(line), out))
			if (strstr(line, "pd=big"))
				print_message("%s", line);
		if (out)
			fclose(out);
		fail_msg("RT decisions of pd=big: %d at 2362000, %d below", top, below);
	}
	/* Nothing written: a dry run. */
	assert_string_equal(get(c, POL4 "scaling_governor", line, sizeof(line)), "schedutil");
}

/* A copy of the HiKey960 device file at path with freq = eagov and extra
 * appended (a tunables section, or ""). */
static void eagov_device(const char *path, const char *extra)
{
	char dev[512], line[600];
	FILE *in, *out;

	assert_int_equal(eg_conf_find_device("hikey960", dev, sizeof(dev)), 0);
	in = fopen(dev, "r");
	out = fopen(path, "w");
	assert_non_null(in);
	assert_non_null(out);
	while (fgets(line, sizeof(line), in))
		fputs(strncmp(line, "freq = ", 7) ? line : "freq = eagov\n", out);
	fputs(extra, out);
	fclose(in);
	fclose(out);
}

/* eagov's predictive idle QoS in eagovd, writing to the tree: an RT task
 * (pid 300, SCHED_FIFO 50) runs 300 us every 2 ms on CPU 4 for 1 s. Its
 * 1.7 ms sleeps pass the big cpu-sleep's 1500 us residency but not the
 * cluster's 3500 us: once it is known periodic (four activations), CPU 4's
 * pm_qos_resume_latency_us holds 550, the cpu-sleep exit latency, while
 * the daemon runs, and its original 0 is back at the end. With idle_qos =
 * no in the device file, it stays 0 throughout. */
static void run_idle_qos(struct ctx *c, const char *extra, bool want)
{
	_cleanup_free_ struct eg_model *m = malloc(sizeof(*m));
	_cleanup_free_ struct eg_policy_conf *pc = malloc(sizeof(*pc));
	char rec[400], src[420], mine[400], v[64];
	const char *args[] = { "--device", mine, "--source", src, NULL };
	const char *qos = CPU_DIR "/cpu4/power/pm_qos_resume_latency_us";
	struct eg_recorder *r;
	struct eg_error err;
	uint64_t t = 5000 * MS;
	int seen = 0, other = 0, st = -1;

	assert_non_null(m);
	assert_non_null(pc);
	snprintf(mine, sizeof(mine), "%s/hikey960-eagov.ini", c->root);
	eagov_device(mine, extra);
	assert_int_equal(eg_conf_load_device(mine, m, pc, &err), 0);
	snprintf(rec, sizeof(rec), "%s/qos.rec", c->root);
	snprintf(src, sizeof(src), "replay:%s", rec);
	assert_int_equal(eg_record_open(&r, rec, m), 0);
	for (int k = 0; k < 500; k++, t += 2 * MS) {
		rec_wakeup(r, t, 4, 300, 49);
		rec_switch(r, t, 4, 0, 120, 300, 49);
		rec_switch(r, t + 300000, 4, 300, 49, 0, 120);
	}
	assert_int_equal(eg_record_close(r), 0);
	spawn(c, args);
	for (;;) {
		pid_t w = waitpid(c->pid, &st, WNOHANG);

		if (w == c->pid) {
			c->pid = -1;
			break;
		}
		get(c, qos, v, sizeof(v));
		seen += !strcmp(v, "550");
		/* A read between the sink's truncate and its write sees "". */
		other += v[0] && strcmp(v, "550") && strcmp(v, "0");
		sleep_ms(5);
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		expect_exit(c, 0);
	assert_int_equal(other, 0);
	if (want)
		assert_true(seen > 0);
	else
		assert_int_equal(seen, 0);
	assert_string_equal(get(c, qos, v, sizeof(v)), "0");
}

static void test_replay_idle_qos(void **state)
{
	run_idle_qos(*state, "", true);
}

static void test_replay_idle_qos_off(void **state)
{
	run_idle_qos(*state, "\n[eagov]\nidle_qos = no\n", false);
}

/* A hikey960 recording (8 CPUs, or nr_cpus in its header) of a wakeup, then
 * one bad event. */
static void write_bad_recording(const char *path, int nr_cpus, const struct eg_event *bad)
{
	_cleanup_free_ struct eg_model *m = malloc(sizeof(*m));
	_cleanup_free_ struct eg_policy_conf *pc = malloc(sizeof(*pc));
	struct eg_error err;
	struct eg_recorder *r;
	char dev[512];

	assert_non_null(m);
	assert_non_null(pc);
	assert_int_equal(eg_conf_find_device("hikey960", dev, sizeof(dev)), 0);
	assert_int_equal(eg_conf_load_device(dev, m, pc, &err), 0);
	m->nr_cpus = nr_cpus;
	assert_int_equal(eg_record_open(&r, path, m), 0);
	rec_wakeup(r, 5000 * MS, 4, 100, 120);
	rec_put(r, bad);
	assert_int_equal(eg_record_close(r), 0);
}

/* Events naming a CPU outside the recording (or the model) would index the
 * engine's per-CPU arrays out of bounds: the loader refuses the recording,
 * naming the record and the field, and eagovd exits 1 before writing. */
static void test_replay_cpu_out_of_range(void **state)
{
	static const struct {
		int nr_cpus; /* in the recording's header */
		int16_t cpu, target, orig, dest;
		uint16_t type;
		const char *what; /* in the loader's message; NULL: only the model's */
	} cases[] = {
		{ 8, 4, 0, 8, 5, EG_EV_MIGRATE, "migrate orig_cpu 8 of 8 CPUs" },
		{ 8, 4, 0, 5, 300, EG_EV_MIGRATE, "migrate dest_cpu 300 of 8 CPUs" },
		{ 8, 4, 0, -1, 5, EG_EV_MIGRATE, "migrate orig_cpu -1 of 8 CPUs" },
		{ 8, 4, 9, 0, 0, EG_EV_WAKEUP, "wakeup target_cpu 9 of 8 CPUs" },
		{ 8, 8, 0, 0, 0, EG_EV_SWITCH, "cpu 8 of 8 CPUs" },
		/* Fine for a 16-CPU recording, not for the 8 CPUs of the model. */
		{ 16, 4, 0, 4, 12, EG_EV_MIGRATE, NULL },
	};
	struct ctx *c = *state;
	char rec[400], src[420], line[200], *before, *after;
	const char *args[] = { "--device", "hikey960", "--source", src, NULL };

	snprintf(rec, sizeof(rec), "%s/bad.rec", c->root);
	snprintf(src, sizeof(src), "replay:%s", rec);
	before = snapshot(c, NULL, NULL);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct eg_event ev = { .ts = 5001 * MS,
				       .type = cases[i].type,
				       .cpu = cases[i].cpu };
		struct eg_event *evs = NULL;
		char err[300];
		size_t n;

		if (ev.type == EG_EV_MIGRATE) {
			ev.migrate.pid = 100;
			ev.migrate.prio = 120;
			ev.migrate.orig_cpu = cases[i].orig;
			ev.migrate.dest_cpu = cases[i].dest;
		} else if (ev.type == EG_EV_WAKEUP) {
			ev.wakeup.pid = 100;
			ev.wakeup.prio = 120;
			ev.wakeup.target_cpu = cases[i].target;
		} else {
			ev.sw.next_pid = 100;
			ev.sw.next_prio = 120;
		}
		write_bad_recording(rec, cases[i].nr_cpus, &ev);
		if (cases[i].what) {
			assert_int_equal(eg_record_load(rec, &evs, &n, NULL, err, sizeof(err)),
					 -EBADMSG);
			assert_null(evs);
			if (!strstr(err, "record 1 ") || !strstr(err, cases[i].what))
				fail_msg("case %zu: loader said '%s'", i, err);
		} else {
			assert_int_equal(eg_record_load(rec, &evs, &n, NULL, err, sizeof(err)), 0);
			assert_int_equal(n, 2);
			free(evs);
		}
		spawn(c, args);
		expect_exit(c, 1);
		snprintf(line, sizeof(line), "%s",
			 cases[i].what ? cases[i].what :
					 "record 1: migrate dest_cpu 12 of this model's 8 CPUs");
		if (count_lines(c->err, "replay: ", line) != 1)
			fail_msg("case %zu: no '%s' in eagovd's errors", i, line);
	}
	/* Refused before anything was written. */
	after = snapshot(c, NULL, NULL);
	assert_same(before, after);
	assert_false(exists(c, "/run/eagov/state"));
	free(before);
	free(after);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_replay, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replay_eagov, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replay_idle_qos, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replay_idle_qos_off, setup, teardown),
		cmocka_unit_test_setup_teardown(test_record_roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replay_cpu_out_of_range, setup, teardown),
	};

	return harness_main(argc, argv, tests, sizeof(tests) / sizeof(tests[0]));
}
