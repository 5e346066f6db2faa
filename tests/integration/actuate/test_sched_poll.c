// SPDX-License-Identifier: GPL-2.0-or-later
/* The poll source: busy time from fake cpuidle residency (exact), ambiguous
 * windows settled by /proc/stat, /proc/stat alone, offline CPUs, and a live
 * read of this machine's cpuidle. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "fixture.h"
#include "sched_poll.h"

#define MS NSEC_PER_MSEC
#define T0 (1000 * MS)

struct ctx {
	struct fx fx;
	struct eg_sysfs fs;
	struct eg_sched_poll p;
	struct eg_event ev[FX_NR_CPUS];
};

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));

	assert_non_null(c);
	fx_create(&c->fx, false);
	assert_int_equal(eg_sysfs_init(&c->fs, c->fx.root), 0);
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;

	eg_sched_poll_close(&c->p);
	fx_destroy(&c->fx);
	free(c);
	return 0;
}

static void set_time(struct ctx *c, int cpu, int k, uint64_t us)
{
	char rel[128], val[32];

	snprintf(rel, sizeof(rel), "/sys/devices/system/cpu/cpu%d/cpuidle/state%d/time", cpu, k);
	snprintf(val, sizeof(val), "%llu\n", (unsigned long long)us);
	/* In place (O_TRUNC), as the kernel's file keeps its inode. */
	fx_write(&c->fx, rel, val);
}

/* /proc/stat with one line for cpu0: user nice system idle iowait irq
 * softirq steal guest guest_nice, plus the lines a real file has. */
static void set_proc(struct ctx *c, unsigned user, unsigned idle)
{
	char text[512];

	snprintf(text, sizeof(text),
		 "cpu  %u 0 0 %u 0 0 0 0 0 0\n"
		 "cpu0 %u 0 0 %u 0 0 0 0 0 0\n"
		 "intr 12345 1 2 3\nctxt 999\n",
		 user, idle, user, idle);
	fx_write(&c->fx, "/proc/stat", text);
}

static void assert_sample(const struct eg_event *e, int cpu, uint64_t busy, uint64_t window)
{
	assert_int_equal(e->type, EG_EV_BUSY_SAMPLE);
	assert_int_equal(e->cpu, cpu);
	assert_int_equal(e->busy.busy_ns, busy);
	assert_int_equal(e->busy.window_ns, window);
}

/* /proc/stat at user and idle ticks, a sample of CPU 0 at t: one window
 * of busy ns out of window ns. */
static void proc_step(struct ctx *c, unsigned user, unsigned idle, uint64_t t, uint64_t busy,
		      uint64_t window)
{
	set_proc(c, user, idle);
	assert_int_equal(eg_sched_poll_sample(&c->p, t, c->ev, 1), 1);
	assert_sample(&c->ev[0], 0, busy, window);
}

static void test_busy_from_cpuidle(void **state)
{
	struct ctx *c = *state;

	set_proc(c, 0, 0);
	assert_int_equal(eg_sched_poll_open(&c->p, &c->fs, 2), 0);
	/* The first sample only sets baselines. */
	assert_int_equal(eg_sched_poll_sample(&c->p, T0, c->ev, FX_NR_CPUS), 0);

	/* cpu0: 1000 + 2000 us idle in a 10 ms window -> busy 10 - 3 = 7 ms.
	 * cpu1: 10000 us idle in 10 ms -> busy 0. */
	set_time(c, 0, 0, 1000);
	set_time(c, 0, 1, 2000);
	set_time(c, 1, 2, 10000);
	assert_int_equal(eg_sched_poll_sample(&c->p, T0 + 10 * MS, c->ev, FX_NR_CPUS), 2);
	assert_sample(&c->ev[0], 0, 7 * MS, 10 * MS);
	assert_sample(&c->ev[1], 1, 0, 10 * MS);
	assert_int_equal(c->ev[0].ts, T0 + 10 * MS);

	/* cpu0: +500 us idle in 20 ms -> busy 19.5 ms. cpu1: a 15 ms idle
	 * period accounted at its exit, in a 20 ms window -> 5 ms busy. */
	set_time(c, 0, 0, 1500);
	set_time(c, 1, 2, 25000);
	assert_int_equal(eg_sched_poll_sample(&c->p, T0 + 30 * MS, c->ev, FX_NR_CPUS), 2);
	assert_sample(&c->ev[0], 0, 19500 * NSEC_PER_USEC, 20 * MS);
	assert_sample(&c->ev[1], 1, 5 * MS, 20 * MS);

	/* More idle reported than the window held (an exit after a long
	 * sleep): 30 ms of idle in 10 ms -> clamped to 0 busy. */
	set_time(c, 1, 0, 30000);
	set_time(c, 0, 2, 1);
	assert_int_equal(eg_sched_poll_sample(&c->p, T0 + 40 * MS, c->ev, FX_NR_CPUS), 2);
	assert_sample(&c->ev[1], 1, 0, 10 * MS);
	/* cpu0: 1 us idle -> 9.999 ms busy. */
	assert_sample(&c->ev[0], 0, 9999 * NSEC_PER_USEC, 10 * MS);
}

static void test_ambiguous_window_uses_proc_stat(void **state)
{
	struct ctx *c = *state;

	set_proc(c, 10, 100);
	assert_int_equal(eg_sched_poll_open(&c->p, &c->fs, 1), 0);
	assert_int_equal(eg_sched_poll_sample(&c->p, T0, c->ev, 1), 0);
	/* No idle exit and no tick: cannot tell, no event, window grows. */
	assert_int_equal(eg_sched_poll_sample(&c->p, T0 + 10 * MS, c->ev, 1), 0);
	/* Two idle ticks, nothing else: asleep throughout, busy 0 over the
	 * 20 ms since the baseline. */
	proc_step(c, 10, 102, T0 + 20 * MS, 0, 20 * MS);
	/* Four user ticks: busy throughout the 40 ms. */
	proc_step(c, 14, 102, T0 + 60 * MS, 40 * MS, 40 * MS);
	/* One user, three idle ticks: 40 ms * 1/4 = 10 ms busy. */
	proc_step(c, 15, 105, T0 + 100 * MS, 10 * MS, 40 * MS);
	/* A cpuidle exit takes precedence over the ticks again: 4 ms idle. */
	set_time(c, 0, 1, 4000);
	proc_step(c, 15, 106, T0 + 110 * MS, 6 * MS, 10 * MS);
}

static void test_ambiguous_without_proc_stat_is_busy(void **state)
{
	struct ctx *c = *state;

	assert_int_equal(eg_sched_poll_open(&c->p, &c->fs, 1), 0);
	assert_int_equal(eg_sched_poll_sample(&c->p, T0, c->ev, 1), 0);
	assert_int_equal(eg_sched_poll_sample(&c->p, T0 + 10 * MS, c->ev, 1), 1);
	assert_sample(&c->ev[0], 0, 10 * MS, 10 * MS);
}

static void test_proc_stat_only(void **state)
{
	struct ctx *c = *state;

	fx_rm(&c->fx, "/sys/devices/system/cpu/cpu0/cpuidle");
	set_proc(c, 100, 1000);
	assert_int_equal(eg_sched_poll_open(&c->p, &c->fs, 1), 0);
	assert_false(c->p.cpu[0].use_cpuidle);
	assert_int_equal(eg_sched_poll_sample(&c->p, T0, c->ev, 1), 0);
	/* Less than a tick: nothing to say yet. */
	assert_int_equal(eg_sched_poll_sample(&c->p, T0 + 5 * MS, c->ev, 1), 0);
	/* 3 user + 1 idle ticks over 40 ms: busy = 40 * 3/4 = 30 ms. */
	proc_step(c, 103, 1001, T0 + 40 * MS, 30 * MS, 40 * MS);
}

/* /proc/stat's idle time is what a tickless kernel accounts at idle entry
 * and exit, while its busy fields are sampled at the tick: busy is the
 * window less the idle accrued, not the share of busy ticks (a periodic
 * task in phase with the tick shows too few or too many). */
static void test_proc_stat_idle_is_exact(void **state)
{
	struct ctx *c = *state;

	fx_rm(&c->fx, "/sys/devices/system/cpu/cpu0/cpuidle");
	set_proc(c, 100, 1000);
	assert_int_equal(eg_sched_poll_open(&c->p, &c->fs, 1), 0);
	assert_int_equal(eg_sched_poll_sample(&c->p, T0, c->ev, 1), 0);
	/* 40 ms with 10 ms idle, one busy tick seen of the three: 30 ms
	 * busy, not 40 x 1/2. */
	proc_step(c, 101, 1001, T0 + 40 * MS, 30 * MS, 40 * MS);
	/* Two idle units in a 10 ms window (the counter's rounding): busy 0,
	 * and the 10 ms over are taken from the next window, so the two
	 * windows hold 20 ms idle of 20 ms, as the counter does. */
	proc_step(c, 101, 1003, T0 + 50 * MS, 0, 10 * MS);
	proc_step(c, 102, 1003, T0 + 60 * MS, 0, 10 * MS);
	/* Then busy as the window less its own idle again. */
	proc_step(c, 104, 1003, T0 + 80 * MS, 20 * MS, 20 * MS);
}

static void test_no_source(void **state)
{
	struct ctx *c = *state;

	fx_rm(&c->fx, "/sys/devices/system/cpu/cpu0/cpuidle");
	assert_int_equal(eg_sched_poll_open(&c->p, &c->fs, 1), -ENODEV);
}

static void test_offline_cpu(void **state)
{
	struct ctx *c = *state;

	set_proc(c, 0, 0);
	assert_int_equal(eg_sched_poll_open(&c->p, &c->fs, 2), 0);
	assert_int_equal(eg_sched_poll_sample(&c->p, T0, c->ev, FX_NR_CPUS), 0);
	fx_rm(&c->fx, "/sys/devices/system/cpu/cpu1/cpuidle");
	set_time(c, 0, 0, 2000);
	assert_int_equal(eg_sched_poll_sample(&c->p, T0 + 10 * MS, c->ev, FX_NR_CPUS), 1);
	assert_sample(&c->ev[0], 0, 8 * MS, 10 * MS);
	/* Back online with fresh counters: a new baseline first. */
	for (int k = 0; k < FX_NR_STATES; k++)
		set_time(c, 1, k, 50);
	set_time(c, 0, 0, 3000);
	assert_int_equal(eg_sched_poll_sample(&c->p, T0 + 20 * MS, c->ev, FX_NR_CPUS), 1);
	assert_int_equal(c->ev[0].cpu, 0);
	set_time(c, 1, 0, 5050);
	set_time(c, 0, 0, 4000);
	assert_int_equal(eg_sched_poll_sample(&c->p, T0 + 30 * MS, c->ev, FX_NR_CPUS), 2);
	/* cpu1: 5000 us idle of 10 ms. */
	assert_sample(&c->ev[1], 1, 5 * MS, 10 * MS);
}

static void test_max_events(void **state)
{
	struct ctx *c = *state;

	set_proc(c, 0, 0);
	assert_int_equal(eg_sched_poll_open(&c->p, &c->fs, 2), 0);
	assert_int_equal(eg_sched_poll_sample(&c->p, T0, c->ev, 2), 0);
	set_time(c, 0, 0, 1000);
	set_time(c, 1, 0, 2000);
	assert_int_equal(eg_sched_poll_sample(&c->p, T0 + 10 * MS, c->ev, 1), 1);
	assert_sample(&c->ev[0], 0, 9 * MS, 10 * MS);
	/* cpu1 kept its baseline: its window now spans 20 ms, 2 ms idle. */
	set_time(c, 0, 0, 2000);
	assert_int_equal(eg_sched_poll_sample(&c->p, T0 + 20 * MS, c->ev, 2), 2);
	assert_sample(&c->ev[1], 1, 18 * MS, 20 * MS);
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

/* The real machine: busy fractions are in [0, 1], windows match the clock,
 * and a CPU spun by this test shows up as busy. */
static void test_live_machine(void **state)
{
	struct eg_sched_poll p;
	struct eg_sysfs fs;
	struct eg_event ev[EG_MAX_CPUS];
	long n = sysconf(_SC_NPROCESSORS_CONF);
	uint64_t t0, t1, sum_busy = 0;
	volatile uint64_t spin = 0;
	int nr;

	(void)state;
	if (access("/sys/devices/system/cpu/cpu0/cpuidle/state0/time", R_OK) != 0) {
		print_message("no cpuidle on this machine (no driver or not exposed): skipped\n");
		skip();
	}
	assert_int_equal(eg_sysfs_init(&fs, ""), 0);
	n = EG_CLAMP(n, 1, EG_MAX_CPUS);
	assert_int_equal(eg_sched_poll_open(&p, &fs, (int)n), 0);
	t0 = mono_ns();
	assert_int_equal(eg_sched_poll_sample(&p, t0, ev, (int)n), 0);
	/* Spin 200 ms: at least one CPU is busy for the whole window. */
	while (mono_ns() - t0 < 200 * MS)
		spin++;
	t1 = mono_ns();
	nr = eg_sched_poll_sample(&p, t1, ev, (int)n);
	assert_true(nr >= 0);
	/* An ambiguous CPU may wait for its next tick; most CPUs report. */
	for (int i = 0; i < nr; i++) {
		assert_int_equal(ev[i].type, EG_EV_BUSY_SAMPLE);
		assert_int_equal(ev[i].busy.window_ns, t1 - t0);
		assert_true(ev[i].busy.busy_ns <= ev[i].busy.window_ns);
		print_message("cpu%d busy %.3f\n", ev[i].cpu,
			      (double)ev[i].busy.busy_ns / (double)ev[i].busy.window_ns);
		sum_busy += ev[i].busy.busy_ns;
	}
	if (nr == 0) {
		/* Retry once after a tick when every CPU was ambiguous. */
		while (mono_ns() - t1 < 30 * MS)
			spin++;
		t1 = mono_ns();
		nr = eg_sched_poll_sample(&p, t1, ev, (int)n);
		for (int i = 0; i < nr; i++)
			sum_busy += ev[i].busy.busy_ns;
	}
	assert_true(nr > 0);
	/* This thread ran throughout: summed over CPUs, at least half the
	 * window was busy (a generous margin for where it ran). */
	assert_true(sum_busy >= (t1 - t0) / 2);
	eg_sched_poll_close(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_busy_from_cpuidle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ambiguous_window_uses_proc_stat, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ambiguous_without_proc_stat_is_busy, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_proc_stat_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_proc_stat_idle_is_exact, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_source, setup, teardown),
		cmocka_unit_test_setup_teardown(test_offline_cpu, setup, teardown),
		cmocka_unit_test_setup_teardown(test_max_events, setup, teardown),
		cmocka_unit_test(test_live_machine),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
