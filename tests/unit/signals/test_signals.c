// SPDX-License-Identifier: GPL-2.0-or-later
/* Event-driven signals: per-task and per-CPU PELT, util_est, migration,
 * busy time, lost events, the task table. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model.h"
#include "signals.h"
#include "util.h"

#define P (1024ULL * 1024ULL)   /* one PELT period in ns */
#define CFS_PRIO 120
#define RT_PRIO 50
#define LITTLE 0                /* CPUs 0-1, capacity 512 */
#define BIG 2                   /* CPUs 2-3, capacity 1024 */

static double y_pow(double n)
{
	return pow(0.5, n / 32.0);
}

static void assert_within_pct(double got, double want, double pct)
{
	double tol = want * pct / 100.0;

	if (fabs(got - want) > tol)
		fail_msg("got %.2f, want %.2f +- %.2f", got, want, tol);
}

struct fixture {
	struct eg_model m;
	struct eg_signals s;
};

/* Two domains: little (CPUs 0-1, 500 MHz / 1 GHz) and big (CPUs 2-3,
 * 1 / 2 GHz), same capacity-dmips-mhz: capacities 1024 * 1 GHz / 2 GHz = 512
 * and 1024. */
static void model_build(struct eg_model *m)
{
	static const char *names[2] = { "little", "big" };
	static const uint32_t khz[2][2] = { { 500000, 1000000 }, { 1000000, 2000000 } };

	eg_model_init(m);
	m->nr_pds = 2;
	for (int i = 0; i < 2; i++) {
		struct eg_pd *pd = &m->pds[i];

		strcpy(pd->name, names[i]);
		eg_cpumask_set(&pd->cpus, 2 * i);
		eg_cpumask_set(&pd->cpus, 2 * i + 1);
		pd->capacity_dmips_mhz = 1024;
		pd->nr_opps = 2;
		pd->opps[0].khz = khz[i][0];
		pd->opps[1].khz = khz[i][1];
	}
	assert_int_equal(eg_model_finalize(m, NULL), 0);
	assert_int_equal(m->cpu_cap[LITTLE], 512);
	assert_int_equal(m->cpu_cap[BIG], 1024);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	model_build(&f->m);
	if (eg_signals_init(&f->s, &f->m, 0))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	eg_signals_destroy(&f->s);
	free(f);
	return 0;
}

static void feed(struct eg_signals *s, const struct eg_event *ev)
{
	assert_int_equal(eg_signals_event(s, ev), 0);
}

static void ev_switch(struct eg_signals *s, uint64_t ts, int cpu, int prev, int prev_prio,
		      bool prev_runnable, int next, int next_prio)
{
	struct eg_event ev = { .ts = ts, .type = EG_EV_SWITCH, .cpu = (int16_t)cpu };

	ev.sw.prev_pid = prev;
	ev.sw.prev_prio = (int16_t)prev_prio;
	ev.sw.prev_runnable = prev_runnable;
	ev.sw.next_pid = next;
	ev.sw.next_prio = (int16_t)next_prio;
	ev.sw.util_max = 1024;
	feed(s, &ev);
}

static void ev_wakeup(struct eg_signals *s, uint64_t ts, int pid, int prio, int cpu,
		      uint32_t flags)
{
	struct eg_event ev = { .ts = ts, .type = EG_EV_WAKEUP, .cpu = (int16_t)cpu };

	ev.wakeup.pid = pid;
	ev.wakeup.prio = (int16_t)prio;
	ev.wakeup.target_cpu = (int16_t)cpu;
	ev.wakeup.flags = flags;
	feed(s, &ev);
}

static void ev_migrate(struct eg_signals *s, uint64_t ts, int pid, int prio, int from, int to)
{
	struct eg_event ev = { .ts = ts, .type = EG_EV_MIGRATE, .cpu = (int16_t)to };

	ev.migrate.pid = pid;
	ev.migrate.prio = (int16_t)prio;
	ev.migrate.orig_cpu = (int16_t)from;
	ev.migrate.dest_cpu = (int16_t)to;
	feed(s, &ev);
}

static void ev_exit(struct eg_signals *s, uint64_t ts, int pid)
{
	struct eg_event ev = { .ts = ts, .type = EG_EV_EXIT, .cpu = -1 };

	ev.exit.pid = pid;
	feed(s, &ev);
}

/* One activation: wake on cpu, run from t for `run` ns, then block. */
static void activation(struct eg_signals *s, uint64_t t, int pid, int prio, int cpu,
		       uint64_t run)
{
	ev_wakeup(s, t, pid, prio, cpu, 0);
	ev_switch(s, t, cpu, 0, 0, false, pid, prio);
	ev_switch(s, t + run, cpu, pid, prio, false, 0, 0);
}

/* Periodic task through events: 2 periods of running every 8 on a big CPU
 * at full frequency. Steady state at the ends of the run (u_hi) and of the
 * sleep (u_lo):
 *   u_hi = u_lo * y^2 + 1024 * (1 - y^2),  u_lo = u_hi * y^6
 *   => u_hi = 1024 (1 - y^2) / (1 - y^8) = 272.9, u_lo = u_hi y^6 = 239.6.
 * At half frequency the same work takes 4 periods of every 8:
 *   u_hi = 512 (1 - y^4) / (1 - y^8) = 267.1, u_lo = u_hi y^4 = 245.0:
 * same work, (nearly) the same util; the cycle means are both 256. */
static void run_periodic(struct fixture *f, unsigned run, double hi, double lo)
{
	struct eg_signals *s = &f->s;
	const struct eg_task *t;
	const struct eg_cpu_signals *c = &s->cpu[BIG];
	uint64_t t0 = 0;

	for (unsigned i = 0; i < 60; i++, t0 += 8 * P) {
		activation(s, t0, 100, CFS_PRIO, BIG, run * P);
		assert_int_equal(c->curr_pid, 0);
		assert_int_equal(c->nr_running, 0);
	}
	t = eg_signals_task(s, 100);
	assert_non_null(t);
	/* util_est took the util at the last dequeue (fast rise or within
	 * margin of a steady level). */
	assert_within_pct(t->util_est_ewma, hi, 1.0);
	assert_within_pct(t->util_est_enqueued, hi, 1.0);
	eg_signals_sync_cpu(s, BIG, t0);
	/* The CPU ran only this task: its CFS util follows the task's. */
	assert_within_pct(c->cfs.util_avg, lo, 1.0);
	assert_int_equal(c->util_est, 0);      /* nothing enqueued */
	assert_int_equal(c->busy_ns, 60 * run * P);
	assert_int_equal(t->runtime_ns, 60 * run * P);
	assert_int_equal(c->idle_calls, 60);
	/* Waking it again: the CPU's util_est is the task's, and schedutil's
	 * util is at least that. */
	ev_wakeup(s, t0, 100, CFS_PRIO, BIG, 0);
	assert_int_equal(c->util_est, t->util_est_ewma);
	assert_int_equal(c->nr_running, 1);
	assert_true(eg_signals_cpu_util(s, BIG) >= t->util_est_ewma);
}

static void test_periodic_full_freq(void **state)
{
	double hi = 1024.0 * (1 - y_pow(2)) / (1 - y_pow(8));

	run_periodic(*state, 2, hi, hi * y_pow(6));
}

static void test_periodic_half_freq(void **state)
{
	struct fixture *f = *state;
	struct eg_event ev = { .ts = 0, .type = EG_EV_FREQ, .cpu = -1 };
	double hi = 512.0 * (1 - y_pow(4)) / (1 - y_pow(8));

	ev.freq.pd = 1;
	ev.freq.khz = 1000000;     /* half of 2 GHz */
	feed(&f->s, &ev);
	assert_int_equal(f->s.freq_scale[1], 512);
	run_periodic(f, 4, hi, hi * y_pow(4));
}

/* util_est, 6.8 rules: fast rise to the dequeued util, keep within the 1%
 * margin, else ewma += (dequeued - ewma) / 4. */
static void test_util_est(void **state)
{
	struct fixture *f = *state;
	struct eg_signals *s = &f->s;
	const struct eg_task *t;
	uint32_t ewma, deq;
	uint64_t now = 0;

	/* 100 periods of running: util = 1024 (1 - y^100) = 903. */
	activation(s, now, 200, CFS_PRIO, BIG, 100 * P);
	now += 100 * P;
	t = eg_signals_task(s, 200);
	assert_within_pct(t->avg.util_avg, 1024 * (1 - y_pow(100)), 1.0);
	assert_int_equal(t->util_est_ewma, t->avg.util_avg);    /* fast rise */
	ewma = t->util_est_ewma;

	/* Sleep 1, run 4: dequeued ~ 903.6 y^5 + 1024 (1 - y^4) = 896.0, less
	 * than 10 under the ewma: kept. */
	now += P;
	activation(s, now, 200, CFS_PRIO, BIG, 4 * P);
	now += 4 * P;
	deq = t->avg.util_avg;
	assert_true(deq < ewma && ewma - deq < EG_UTIL_EST_MARGIN);
	assert_int_equal(t->util_est_ewma, ewma);
	assert_int_equal(t->util_est_enqueued, deq);

	/* Sleep 40, run 2: dequeued ~ 896 y^42 + 1024 (1 - y^2) = 404: the
	 * ewma moves a quarter of the way down. */
	now += 40 * P;
	activation(s, now, 200, CFS_PRIO, BIG, 2 * P);
	now += 2 * P;
	deq = t->avg.util_avg;
	assert_within_pct(deq, 896 * y_pow(42) + 1024 * (1 - y_pow(2)), 1.0);
	assert_int_equal(t->util_est_ewma, ((ewma << 2) - (ewma - deq)) >> 2);
	assert_true(abs((int)t->util_est_ewma - (int)(ewma - (ewma - deq) / 4)) <= 1);
	ewma = t->util_est_ewma;

	/* Enqueued, the CPU's util_est is max(ewma, last dequeued) = ewma. */
	ev_wakeup(s, now, 200, CFS_PRIO, BIG, 0);
	assert_int_equal(s->cpu[BIG].util_est, ewma);
	/* A second task adds its own (0, it never ran); dequeues remove them
	 * without underflow. */
	ev_wakeup(s, now, 201, CFS_PRIO, BIG, 0);
	assert_int_equal(s->cpu[BIG].util_est, ewma);
	ev_switch(s, now, BIG, 0, 0, false, 201, CFS_PRIO);
	ev_switch(s, now + P / 2, BIG, 201, CFS_PRIO, false, 200, CFS_PRIO);
	assert_int_equal(s->cpu[BIG].util_est, ewma);
	/* In closed form: the kept ewma is 1024 (1 - y^100) = 903.6, the
	 * second dequeue 903.6 y^5 + 1024 (1 - y^4) = 896.0, the third
	 * 896.0 y^42 + 1024 (1 - y^2) = 404.2, so the ewma is
	 * 903.6 - (903.6 - 404.2) / 4 = 778.7. */
	assert_within_pct(ewma, 778.7, 1.0);
	/* Rising again: fast. 60.5 periods of running lift util to
	 * ~404 y^61 + 1024 (1 - y^60.5) = 854, above the ewma, and the next
	 * dequeue takes it whole. */
	ev_switch(s, now + 61 * P, BIG, 200, CFS_PRIO, false, 0, 0);
	assert_within_pct(t->avg.util_avg, deq * y_pow(61) + 1024 * (1 - y_pow(60.5)), 1.0);
	assert_true(t->avg.util_avg > ewma);
	assert_int_equal(t->util_est_ewma, t->avg.util_avg);
	assert_int_equal(s->cpu[BIG].util_est, 0);
	assert_int_equal(s->cpu[BIG].nr_running, 0);
}

/* Migration moves the task's util: the source CPU loses exactly what the
 * destination gains (the kernel's detach / attach). */
static void test_migrate_moves_util(void **state)
{
	struct fixture *f = *state;
	struct eg_signals *s = &f->s;
	const struct eg_task *t;
	uint32_t tu, src_before;
	uint64_t now = 0;

	/* 64 periods on CPU 2: util = 1024 (1 - y^64) = 768, then 3 asleep. */
	activation(s, now, 300, CFS_PRIO, BIG, 64 * P);
	now = 67 * P;
	eg_signals_sync_cpu(s, BIG, now);
	t = eg_signals_task(s, 300);
	src_before = s->cpu[BIG].cfs.util_avg;
	assert_within_pct(src_before, 768 * y_pow(3), 1.0);

	ev_migrate(s, now, 300, CFS_PRIO, BIG, BIG + 1);
	tu = t->avg.util_avg;
	assert_int_equal(t->cpu, BIG + 1);
	assert_true(tu > 600);
	/* Only this task ever ran on CPU 2: what is left is rounding. */
	assert_true(s->cpu[BIG].cfs.util_avg <= src_before - tu + 1);
	assert_true(s->cpu[BIG].cfs.util_avg <= 2);
	assert_int_equal(s->cpu[BIG + 1].cfs.util_avg, tu);
	/* The sums moved too: the next boundary keeps the util (decayed by
	 * one period, y = 0.9786) instead of recomputing it from an empty sum. */
	eg_signals_sync_cpu(s, BIG + 1, now + P);
	assert_within_pct(s->cpu[BIG + 1].cfs.util_avg, tu * y_pow(1), 1.0);

	/* A queued task moves its runqueue figures and util_est along. */
	ev_wakeup(s, now + P, 300, CFS_PRIO, BIG + 1, 0);
	assert_int_equal(s->cpu[BIG + 1].nr_running, 1);
	assert_int_equal(s->cpu[BIG + 1].util_est, t->util_est_ewma);
	ev_migrate(s, now + P, 300, CFS_PRIO, BIG + 1, LITTLE);
	assert_int_equal(s->cpu[BIG + 1].nr_running, 0);
	assert_int_equal(s->cpu[BIG + 1].util_est, 0);
	assert_int_equal(s->cpu[LITTLE].nr_running, 1);
	assert_int_equal(s->cpu[LITTLE].util_est, t->util_est_ewma);
	/* On the little CPU (capacity 512) schedutil's util is capped there. */
	assert_int_equal(eg_signals_cpu_util(s, LITTLE), 512);
}

/* Busy time from switches, and from a poll source's samples. */
static void test_busy_ns(void **state)
{
	struct fixture *f = *state;
	struct eg_signals *s = &f->s;
	const struct eg_cpu_signals *c = &s->cpu[1];
	const struct eg_cpu_signals *b = &s->cpu[3];
	struct eg_event ev = { .type = EG_EV_BUSY_SAMPLE, .cpu = 3 };

	/* idle -> A [1000, 4000), idle, B from 9000, synced at 10500:
	 * busy = 3000 + 1500. */
	ev_wakeup(s, 1000, 400, CFS_PRIO, 1, 0);
	ev_switch(s, 1000, 1, 0, 0, false, 400, CFS_PRIO);
	ev_switch(s, 4000, 1, 400, CFS_PRIO, false, 0, 0);
	ev_wakeup(s, 9000, 401, CFS_PRIO, 1, 0);
	ev_switch(s, 9000, 1, 0, 0, false, 401, CFS_PRIO);
	eg_signals_sync_cpu(s, 1, 10500);
	assert_int_equal(c->busy_ns, 4500);
	assert_int_equal(c->idle_calls, 1);
	assert_int_equal(c->curr_pid, 401);

	/* Poll source on CPU 3: windows of 10 periods, 3 busy each. The busy
	 * part sits at the start of each window, so at the window's end:
	 *   u_end = 1024 (1 - y^3) / (1 - y^10) * y^7 = 284.1
	 * (busy at the end would read 330.6). */
	for (unsigned i = 1; i <= 60; i++) {
		ev.ts = i * 10 * P;
		ev.busy.busy_ns = 3 * P;
		ev.busy.window_ns = 10 * P;
		feed(s, &ev);
	}
	assert_int_equal(b->busy_ns, 60 * 3 * P);
	assert_int_equal(b->idle_calls, 60);
	assert_within_pct(b->cfs.util_avg,
			  1024 * (1 - y_pow(3)) / (1 - y_pow(10)) * y_pow(7), 1.0);
	assert_int_equal(b->curr_pid, 0);
}

/* A lost switch out of idle (platform-notes.md) must not break accounting. */
static void test_lost_switch_from_idle(void **state)
{
	struct fixture *f = *state;
	struct eg_signals *s = &f->s;
	const struct eg_cpu_signals *c = &s->cpu[1];
	const struct eg_task *a, *b;

	/* A wakes on idle CPU 1 at 2000; "idle -> A" is lost; "A -> idle" at
	 * 7000. A was runnable there, so it ran from its wakeup: busy 5000. */
	ev_wakeup(s, 2000, 500, CFS_PRIO, 1, 0);
	ev_switch(s, 7000, 1, 500, CFS_PRIO, false, 0, 0);
	a = eg_signals_task(s, 500);
	assert_int_equal(c->busy_ns, 5000);
	assert_int_equal(a->runtime_ns, 5000);
	assert_int_equal(a->state, EG_TASK_SLEEPING);
	assert_int_equal(c->nr_running, 0);
	assert_int_equal(c->curr_pid, 0);

	/* A task never seen blocks on this CPU (its wakeup and switch-in both
	 * lost): no time can be charged, nothing is created, nothing goes
	 * negative. */
	ev_switch(s, 9000, 1, 501, CFS_PRIO, false, 0, 0);
	assert_null(eg_signals_task(s, 501));
	assert_int_equal(c->busy_ns, 5000);
	assert_int_equal(c->nr_running, 0);

	/* The switch away from A is lost: "A runs" then "B -> idle". A is
	 * taken off (charged up to the event), B counted from nowhere. */
	ev_wakeup(s, 10000, 500, CFS_PRIO, 1, 0);
	ev_switch(s, 10000, 1, 0, 0, false, 500, CFS_PRIO);
	ev_switch(s, 12000, 1, 502, CFS_PRIO, false, 0, 0);
	assert_int_equal(c->busy_ns, 7000);
	assert_int_equal(c->nr_running, 0);
	assert_int_equal(a->state, EG_TASK_SLEEPING);
	assert_int_equal(c->curr_pid, 0);

	/* A switch into a task the records put on another CPU as running
	 * (its switch-out there was lost): it moves, and the other CPU is
	 * no longer running it. */
	ev_wakeup(s, 13000, 503, CFS_PRIO, BIG, 0);
	ev_switch(s, 13000, BIG, 0, 0, false, 503, CFS_PRIO);
	ev_switch(s, 14000, 1, 0, 0, false, 503, CFS_PRIO);
	b = eg_signals_task(s, 503);
	assert_int_equal(b->cpu, 1);
	assert_int_equal(b->state, EG_TASK_RUNNING);
	assert_int_equal(s->cpu[BIG].curr_pid, 0);
	assert_int_equal(s->cpu[BIG].nr_running, 0);
	assert_int_equal(c->nr_running, 1);
	assert_int_equal(c->curr_pid, 503);
	/* Accounting goes on normally afterwards. */
	ev_switch(s, 15000, 1, 503, CFS_PRIO, false, 0, 0);
	assert_int_equal(c->busy_ns, 8000);
	assert_int_equal(s->cpu[BIG].busy_ns, 1000);
	assert_int_equal(c->nr_running, 0);
}

/* Feed "A wakes on idle BIG at t0, its switch in is lost, A -> idle at
 * t0 + 10 P" into s, with the CPU synced in between at each of syncs[] (the
 * engine syncs every CPU of a domain at every event in it). */
static void lost_switch_in_run(struct eg_signals *s, uint64_t t0, const uint64_t *syncs, int n)
{
	ev_wakeup(s, t0, 600, CFS_PRIO, BIG, 0);
	for (int i = 0; i < n; i++)
		eg_signals_sync_cpu(s, BIG, syncs[i]);
	ev_switch(s, t0 + 10 * P, BIG, 600, CFS_PRIO, false, 0, 0);
}

/* The repair of a lost switch out of idle credits the task from its wakeup,
 * however often the CPU was synced in between. A wakes at t0 = 2 P + 300
 * on an idle BIG CPU (capacity 1024, full frequency) and is switched out at
 * t0 + 10 P: busy = runtime = 10 P = 10485760 ns. Util from 0 after 10
 * periods running: 1024 (1 - y^10) = 1024 (1 - 0.5^(10/32)) = 199.5, for
 * the task and for the CPU. Before the fix, a CPU synced last at 9 P + 77
 * was credited only t0 + 10 P - (9 P + 77) = 3 P + 223 ns. */
static void test_lost_switch_in_ignores_syncs(void **state)
{
	struct fixture *f = *state;
	struct eg_signals *s = &f->s, plain;
	const uint64_t t0 = 2 * P + 300;
	const uint64_t syncs[] = { 4 * P, 6 * P + 123, 9 * P + 77 };
	const struct eg_cpu_signals *c = &s->cpu[BIG], *pc = &plain.cpu[BIG];
	double want = 1024.0 * (1.0 - y_pow(10));

	assert_int_equal(eg_signals_init(&plain, &f->m, 0), 0);
	lost_switch_in_run(&plain, t0, NULL, 0);
	lost_switch_in_run(s, t0, syncs, 3);

	assert_int_equal(c->busy_ns, 10 * P);
	assert_int_equal(pc->busy_ns, 10 * P);
	assert_int_equal(eg_signals_task(s, 600)->runtime_ns, 10 * P);
	assert_int_equal(eg_signals_task(&plain, 600)->runtime_ns, 10 * P);
	assert_within_pct(c->cfs.util_avg, want, 2.0);
	assert_within_pct(pc->cfs.util_avg, want, 2.0);
	/* The syncs only change where the span splits between backdated and
	 * normal accrual: a unit or two of rounding. */
	assert_true(abs((int)c->cfs.util_avg - (int)pc->cfs.util_avg) <= 2);
	assert_int_equal(eg_signals_task(s, 600)->avg.util_avg,
			 eg_signals_task(&plain, 600)->avg.util_avg);
	assert_within_pct(eg_signals_task(s, 600)->avg.util_avg, want, 2.0);
	assert_int_equal(c->curr_pid, 0);
	assert_int_equal(c->nr_running, 0);
	eg_signals_destroy(&plain);

	/* Woken while the CPU still ran B, then B -> idle: the kernel never
	 * idles a CPU with a task runnable on it, so C's queued record is
	 * stale (its migration away was lost) and is dropped at the switch to
	 * idle. C's later switch-out then has no known start and its gap stays
	 * idle. B runs [20 P, 21 P), C wakes at 20.5 P, B -> idle at 21 P,
	 * synced at 22 P, C -> idle at 23 P: busy += 1 P (B) only. */
	ev_switch(s, 20 * P, BIG, 0, 0, false, 601, CFS_PRIO);
	ev_wakeup(s, 20 * P + P / 2, 602, CFS_PRIO, BIG, 0);
	ev_switch(s, 21 * P, BIG, 601, CFS_PRIO, false, 0, 0);
	assert_int_equal(c->nr_running, 0);
	eg_signals_sync_cpu(s, BIG, 22 * P);
	ev_switch(s, 23 * P, BIG, 602, CFS_PRIO, false, 0, 0);
	assert_int_equal(c->busy_ns, 11 * P);
	assert_int_equal(eg_signals_task(s, 602)->runtime_ns, 0);

	/* A sync that went past the switch (a timer at wall time before the
	 * source delivered the event): the credit still ends at the switch.
	 * D wakes at 30 P, synced at 34 P, D -> idle stamped 33 P: busy +=
	 * 3 P, not 4 P. */
	ev_wakeup(s, 30 * P, 603, CFS_PRIO, BIG, 0);
	eg_signals_sync_cpu(s, BIG, 34 * P);
	ev_switch(s, 33 * P, BIG, 603, CFS_PRIO, false, 0, 0);
	assert_int_equal(c->busy_ns, 14 * P);
	assert_int_equal(eg_signals_task(s, 603)->runtime_ns, 3 * P);
}

/* RT tasks feed the CPU's rt average and nr_rt_running, not CFS. */
static void test_rt_task(void **state)
{
	struct fixture *f = *state;
	struct eg_signals *s = &f->s;
	const struct eg_cpu_signals *c = &s->cpu[BIG];

	ev_wakeup(s, 0, 600, RT_PRIO, BIG, 0);
	assert_true(eg_signals_rt_runnable(s, BIG));
	assert_int_equal(c->nr_rt_running, 1);
	assert_int_equal(c->util_est, 0);
	ev_switch(s, 0, BIG, 0, 0, false, 600, RT_PRIO);
	/* 32 periods running: rt util = 1024 (1 - y^32) = 512. */
	eg_signals_sync_cpu(s, BIG, 32 * P);
	assert_within_pct(c->rt.util_avg, 512, 1.0);
	assert_int_equal(c->cfs.util_avg, 0);
	assert_within_pct(eg_signals_cpu_util(s, BIG), 512, 1.0);
	ev_switch(s, 32 * P, BIG, 600, RT_PRIO, false, 0, 0);
	assert_false(eg_signals_rt_runnable(s, BIG));
	assert_int_equal(c->nr_rt_running, 0);
	assert_int_equal(c->nr_running, 0);
}

/* A forked task (sched_wakeup_new) on an idle CPU starts at half the spare
 * capacity, as the kernel's post_init_entity_util_avg: (1024 - 0) / 2. */
static void test_new_task_util(void **state)
{
	struct fixture *f = *state;
	struct eg_signals *s = &f->s;

	ev_wakeup(s, 0, 700, CFS_PRIO, BIG, EG_WAKE_NEW | EG_WAKE_IOWAIT);
	assert_int_equal(eg_signals_task(s, 700)->avg.util_avg, 512);
	assert_int_equal(s->cpu[BIG].cfs.util_avg, 512);
	assert_true(s->cpu[BIG].iowait_pending);
	/* On a little CPU: (512 - 0) / 2. */
	ev_wakeup(s, 0, 701, CFS_PRIO, LITTLE, EG_WAKE_NEW);
	assert_int_equal(eg_signals_task(s, 701)->avg.util_avg, 256);
	assert_false(s->cpu[LITTLE].iowait_pending);
}

/* EXIT frees the slot; the table grows well past its initial size. */
static void test_exit_and_growth(void **state)
{
	struct fixture *f = *state;
	struct eg_signals *s = &f->s;
	const int n = 5000;
	uint32_t cap0 = s->tasks.cap;

	for (int pid = 1; pid <= n; pid++)
		ev_wakeup(s, (uint64_t)pid, pid * 7 + 1000, CFS_PRIO, pid % 4, 0);
	assert_int_equal(s->tasks.used, n);
	assert_true(s->tasks.cap > cap0);
	assert_true(s->tasks.used * 2 <= s->tasks.cap);
	for (int pid = 1; pid <= n; pid++) {
		const struct eg_task *t = eg_signals_task(s, pid * 7 + 1000);

		assert_non_null(t);
		assert_int_equal(t->cpu, pid % 4);
	}
	assert_int_equal(s->cpu[0].nr_running + s->cpu[1].nr_running + s->cpu[2].nr_running +
			 s->cpu[3].nr_running, n);
	/* Exit the odd ones, then check every survivor is still found (the
	 * backward-shift removal keeps probe chains whole). */
	for (int pid = 1; pid <= n; pid += 2)
		ev_exit(s, 10000, pid * 7 + 1000);
	assert_int_equal(s->tasks.used, n / 2);
	for (int pid = 1; pid <= n; pid++) {
		const struct eg_task *t = eg_signals_task(s, pid * 7 + 1000);

		if (pid % 2)
			assert_null(t);
		else
			assert_non_null(t);
	}
	for (int pid = 2; pid <= n; pid += 2)
		ev_exit(s, 10000, pid * 7 + 1000);
	assert_int_equal(s->tasks.used, 0);
	for (int cpu = 0; cpu < 4; cpu++) {
		assert_int_equal(s->cpu[cpu].nr_running, 0);
		assert_int_equal(s->cpu[cpu].util_est, 0);
	}

	/* A running task exits, then its last switch away: it stays gone and
	 * the CPU was busy up to that switch. */
	ev_wakeup(s, 20000, 42, CFS_PRIO, BIG, 0);
	ev_switch(s, 20000, BIG, 0, 0, false, 42, CFS_PRIO);
	ev_exit(s, 21000, 42);
	assert_null(eg_signals_task(s, 42));
	ev_switch(s, 21500, BIG, 42, CFS_PRIO, false, 0, 0);
	assert_null(eg_signals_task(s, 42));
	assert_int_equal(s->cpu[BIG].busy_ns, 1500);
	assert_int_equal(s->cpu[BIG].nr_running, 0);
	assert_int_equal(s->tasks.used, 0);
}

/* util_est is not decayed towards a dequeued util when the task waited for
 * the CPU (runnable > util + margin): its util underestimates its need. */
static void test_util_est_skip_when_waiting(void **state)
{
	struct fixture *f = *state;
	struct eg_signals *s = &f->s;
	const struct eg_task *t;
	uint32_t ewma;
	uint64_t now = 0;

	/* ewma = 1024 (1 - y^100) = 903.6 by the fast rise. */
	activation(s, now, 800, CFS_PRIO, BIG, 100 * P);
	t = eg_signals_task(s, 800);
	ewma = t->util_est_ewma;
	assert_within_pct(ewma, 1024 * (1 - y_pow(100)), 1.0);
	/* 40 asleep, then woken with 801: 801 runs 20 periods while 800
	 * waits, then 800 runs 2. util = 903.6 y^62 + 1024 (1 - y^2) = 301,
	 * runnable = 903.6 y^62 + 1024 (1 - y^22) = 611: far over util. */
	now = 140 * P;
	ev_wakeup(s, now, 800, CFS_PRIO, BIG, 0);
	ev_wakeup(s, now, 801, CFS_PRIO, BIG, 0);
	ev_switch(s, now, BIG, 0, 0, false, 801, CFS_PRIO);
	ev_switch(s, now + 20 * P, BIG, 801, CFS_PRIO, false, 800, CFS_PRIO);
	ev_switch(s, now + 22 * P, BIG, 800, CFS_PRIO, false, 0, 0);
	assert_within_pct(t->avg.util_avg, 903.6 * y_pow(62) + 1024 * (1 - y_pow(2)), 1.0);
	assert_within_pct(t->avg.runnable_avg, 903.6 * y_pow(62) + 1024 * (1 - y_pow(22)), 1.0);
	assert_true(ewma - t->avg.util_avg >= EG_UTIL_EST_MARGIN);
	assert_int_equal(t->util_est_ewma, ewma);
	/* The CPU saw two tasks queued: its runnable (counting tasks) reached
	 * above its util while 800 waited. */
	assert_true(s->cpu[BIG].cfs.runnable_avg > s->cpu[BIG].cfs.util_avg);
}

static void ev_switch_clamped(struct eg_signals *s, uint64_t ts, int cpu, bool prev_runnable,
			      int next, uint32_t umin, uint32_t umax)
{
	struct eg_event ev = { .ts = ts, .type = EG_EV_SWITCH, .cpu = (int16_t)cpu };

	ev.sw.prev_pid = s->cpu[cpu].curr_pid;
	ev.sw.prev_prio = s->cpu[cpu].curr_prio;
	ev.sw.prev_runnable = prev_runnable;
	ev.sw.next_pid = next;
	ev.sw.next_prio = CFS_PRIO;
	ev.sw.util_min = umin;
	ev.sw.util_max = umax;
	feed(s, &ev);
}

/* A CPU's uclamp is the max over its queued tasks' clamps, and falls back
 * when the task holding it up leaves. */
static void test_uclamp_aggregate(void **state)
{
	struct fixture *f = *state;
	struct eg_signals *s = &f->s;
	const struct eg_cpu_signals *c = &s->cpu[BIG];

	ev_wakeup(s, 0, 900, CFS_PRIO, BIG, 0);
	ev_switch_clamped(s, 0, BIG, false, 900, 100, 300);
	assert_int_equal(c->uclamp_min, 100);
	assert_int_equal(c->uclamp_max, 300);
	assert_int_equal(c->nr_uclamped, 1);
	/* An unclamped task joins: max(300, 1024) = 1024, min stays 100. */
	ev_wakeup(s, 10, 901, CFS_PRIO, BIG, 0);
	assert_int_equal(c->uclamp_max, 1024);
	assert_int_equal(c->uclamp_min, 100);
	/* It preempts 900 (no clamp reported: util_max 0 means unset), then
	 * blocks: only 900 is queued, back to its 100 / 300. */
	ev_switch_clamped(s, 20, BIG, true, 901, 0, 0);
	assert_int_equal(c->uclamp_max, 1024);
	ev_switch_clamped(s, 30, BIG, false, 900, 100, 300);
	assert_int_equal(c->nr_running, 1);
	assert_int_equal(c->uclamp_min, 100);
	assert_int_equal(c->uclamp_max, 300);
	/* 900 blocks: empty CPU, no clamp. */
	ev_switch_clamped(s, 40, BIG, false, 0, 0, 0);
	assert_int_equal(c->nr_running, 0);
	assert_int_equal(c->uclamp_min, 0);
	assert_int_equal(c->uclamp_max, 1024);
	assert_int_equal(c->nr_uclamped, 0);
}

/* A source without switches (bpf, poll) reports an RT wakeup, then only busy
 * samples: the sample flagged no_switches takes the woken task off the CPU,
 * so the CPU does not count an RT task as runnable forever. Without the flag
 * (a perf source's correction sample) the task stays queued. */
static void test_busy_sample_without_switches(void **state)
{
	struct fixture *f = *state;
	struct eg_signals *s = &f->s;
	const struct eg_cpu_signals *c = &s->cpu[BIG];
	struct eg_event ev = { .type = EG_EV_BUSY_SAMPLE, .cpu = BIG };

	ev_wakeup(s, 0, 700, RT_PRIO, BIG, 0);
	assert_true(eg_signals_rt_runnable(s, BIG));
	ev.ts = 4000000;
	ev.busy.busy_ns = 1000000;
	ev.busy.window_ns = 4000000;
	feed(s, &ev);
	assert_true(eg_signals_rt_runnable(s, BIG));   /* no flag: still queued */
	ev.ts = 8000000;
	ev.busy.no_switches = true;
	feed(s, &ev);
	assert_false(eg_signals_rt_runnable(s, BIG));
	assert_int_equal(c->nr_rt_running, 0);
	assert_int_equal(c->nr_running, 0);
	/* The task itself is still known, asleep, for its next wakeup. */
	assert_non_null(eg_signals_task(s, 700));
	assert_int_equal(eg_signals_task(s, 700)->state, EG_TASK_SLEEPING);
	assert_int_equal(c->busy_ns, 2000000);
}

/* A reconciliation sample: 50 ms of busy time the switches missed, in a
 * 100 ms window, on a CPU at full capacity and frequency whose averages are
 * at 0. Spread evenly over n = 100e6 / 1048576 = 95.37 periods, its mean
 * decay is (1 - 0.5^(n/32)) / (n ln2 / 32) = 0.4227, so util =
 * (50e6 >> 10) x 0.4227 x 1024 / 46718 = 452 (a steady 50 % load ramped
 * over those 95 periods would read 512 (1 - y^95) = 447). The busy time is
 * added to what the switches counted, not substituted. */
static void test_busy_correction(void **state)
{
	struct fixture *f = *state;
	struct eg_signals *s = &f->s;
	const struct eg_cpu_signals *c = &s->cpu[BIG];
	struct eg_event ev = { .type = EG_EV_BUSY_SAMPLE, .cpu = BIG };
	double n = 100e6 / 1048576.0;
	double mean = (1.0 - pow(0.5, n / 32.0)) / (n * log(2.0) / 32.0);
	double want = (double)(50000000ULL >> 10) * mean * 1024.0 / 46718.0;

	ev_switch(s, 0, BIG, 0, 0, false, 800, CFS_PRIO);
	ev_switch(s, 1000000, BIG, 800, CFS_PRIO, false, 0, 0);
	eg_signals_sync_cpu(s, BIG, 100 * 1000000ULL);
	assert_int_equal(c->busy_ns, 1000000);
	ev.ts = 100 * 1000000ULL;
	ev.busy.busy_ns = 50000000;
	ev.busy.window_ns = 100000000;
	ev.busy.correction = true;
	feed(s, &ev);
	assert_int_equal(c->busy_ns, 51000000);
	/* The 1 ms the switches saw, 99 ms ago, adds ~1024 x 1/46.7 x y^94 < 3. */
	assert_within_pct(c->cfs.util_avg, want, 2.0);
	assert_true(want > 440 && want < 460);
}

/* A CPU fed by busy samples (poll, bpf) and fully busy: 10 windows of 10 ms,
 * each sample arriving just after something synced that CPU to the same
 * time (the engine syncs every CPU of a domain when another CPU's sample
 * asks it for a decision). The samples alone advance its average: after
 * 100 ms of full busy, util = 1024 (1 - y^n) with n = 100e6 / 1048576 =
 * 95.4 periods: 1024 (1 - 0.5^2.98) = 894. Were the syncs taken as idle,
 * no busy time could be placed and util would stay near 0. */
static void test_sampled_cpu_ignores_syncs(void **state)
{
	struct fixture *f = *state;
	struct eg_signals *s = &f->s;
	const struct eg_cpu_signals *c = &s->cpu[BIG];
	struct eg_event ev = { .type = EG_EV_BUSY_SAMPLE, .cpu = BIG };
	double want = 1024.0 * (1.0 - pow(0.5, 100e6 / 1048576.0 / 32.0));

	for (int k = 1; k <= 10; k++) {
		ev.ts = (uint64_t)k * 10000000ULL;
		ev.busy.busy_ns = 10000000;
		ev.busy.window_ns = 10000000;
		ev.busy.no_switches = true;
		eg_signals_sync_cpu(s, BIG, ev.ts);
		feed(s, &ev);
	}
	assert_true(c->sampled);
	assert_int_equal(c->busy_ns, 100000000);
	assert_within_pct(c->cfs.util_avg, want, 2.0);
	/* A switch hands the CPU back to the switch stream. */
	ev_switch(s, 100000000, BIG, 0, 0, false, 900, CFS_PRIO);
	assert_false(c->sampled);
}

/* A task woken onto a CPU that then goes idle without running it: its
 * migration away was lost (the kernel never idles a CPU with a runnable
 * task). The switch to idle drops it from that CPU, so the CPU's runnable
 * average decays instead of staying near 1024. */
static void test_idle_switch_drops_stale_queued(void **state)
{
	struct fixture *f = *state;
	struct eg_signals *s = &f->s;
	const struct eg_cpu_signals *c = &s->cpu[BIG];

	ev_switch(s, 0, BIG, 0, 0, false, 910, CFS_PRIO);
	ev_wakeup(s, P, 911, CFS_PRIO, BIG, 0);
	assert_int_equal(c->nr_running, 2);
	ev_switch(s, 2 * P, BIG, 910, CFS_PRIO, false, 0, 0);
	assert_int_equal(c->nr_running, 0);
	assert_int_equal(eg_signals_task(s, 911)->state, EG_TASK_SLEEPING);
	/* 64 idle periods later the runnable average has decayed to a
	 * quarter or less of what it was: y^64 = 0.25. */
	{
		uint32_t before = c->cfs.runnable_avg;

		eg_signals_sync_cpu(s, BIG, 66 * P);
		assert_true(c->cfs.runnable_avg <= before / 4 + 1);
	}
	/* It can still run later: its switch-in is taken as a lost wakeup. */
	ev_switch(s, 70 * P, BIG, 0, 0, false, 911, CFS_PRIO);
	assert_int_equal(c->curr_pid, 911);
	assert_int_equal(c->nr_running, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_periodic_full_freq, setup, teardown),
		cmocka_unit_test_setup_teardown(test_periodic_half_freq, setup, teardown),
		cmocka_unit_test_setup_teardown(test_util_est, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migrate_moves_util, setup, teardown),
		cmocka_unit_test_setup_teardown(test_busy_ns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lost_switch_from_idle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lost_switch_in_ignores_syncs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rt_task, setup, teardown),
		cmocka_unit_test_setup_teardown(test_new_task_util, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exit_and_growth, setup, teardown),
		cmocka_unit_test_setup_teardown(test_util_est_skip_when_waiting, setup, teardown),
		cmocka_unit_test_setup_teardown(test_uclamp_aggregate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_busy_sample_without_switches, setup, teardown),
		cmocka_unit_test_setup_teardown(test_busy_correction, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sampled_cpu_ignores_syncs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_idle_switch_drops_stale_queued, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
