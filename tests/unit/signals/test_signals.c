// SPDX-License-Identifier: GPL-2.0-or-later
/* Event-driven signals on a complete event stream: per-task and per-CPU PELT
 * with frequency invariance, util_est, migration, RT tasks, new tasks,
 * exits, busy time, uclamp aggregation. */
#include "signals_fixture.h"

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
	assert_int_equal(c->util_est, 0); /* nothing enqueued */
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
	ev.freq.khz = 1000000; /* half of 2 GHz */
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
	assert_int_equal(t->util_est_ewma, t->avg.util_avg); /* fast rise */
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
	assert_within_pct(b->cfs.util_avg, 1024 * (1 - y_pow(3)) / (1 - y_pow(10)) * y_pow(7), 1.0);
	assert_int_equal(b->curr_pid, 0);
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

/* The perf source's stream of a 30 % SCHED_FIFO task alone on a CPU (the
 * live test's load): every 10 ms its RT wakeup, the switch in, the switch
 * out 3 ms later, and every 100 ms a reconciliation correction of 1.2 ms
 * (what a tick-sampled /proc/stat reads above the stream). util must stay
 * at the duty cycle: rt util swings between 1024 (1 - y^2.86) / (1 - y^9.54)
 * = 330 and 330 y^6.68 = 285, the corrections add ~12 of CFS util. Then a
 * CFS task forked onto the CPU (what an observer such as `eagovctl status`
 * is, placed there by the kernel's fork balancing) takes half the spare CFS
 * capacity, as post_init_entity_util_avg: util reads ~800 while it lives,
 * the figure the live test once took for an overshoot of the source. Its
 * exit gives that util back at once. */
static void test_rt_duty_cycle_and_fork(void **state)
{
	struct fixture *f = *state;
	struct eg_signals *s = &f->s;
	const struct eg_cpu_signals *c = &s->cpu[BIG];
	const uint64_t ms = 1000000ULL, prio = 89; /* SCHED_FIFO 10 */
	uint64_t t = 0;
	uint32_t cfs_before, child_util;

	for (int k = 0; k < 300; k++, t += 10 * ms) {
		ev_wakeup(s, t, 900, prio, BIG, 0);
		ev_switch(s, t + 20000, BIG, 0, 0, false, 900, prio);
		ev_switch(s, t + 3 * ms, BIG, 900, prio, false, 0, 0);
		if (k >= 200)
			assert_in_range(eg_signals_cpu_util(s, BIG), 256, 410);
		if (k % 10 == 9) {
			struct eg_event b = { .ts = t + 10 * ms - 1000,
					      .type = EG_EV_BUSY_SAMPLE,
					      .cpu = BIG };

			b.busy.busy_ns = 1200000;
			b.busy.window_ns = 100 * ms;
			b.busy.correction = true;
			feed(s, &b);
		}
		eg_signals_sync_cpu(s, BIG, t + 10 * ms - 1000);
		if (k >= 200)
			assert_in_range(eg_signals_cpu_util(s, BIG), 256, 410);
	}
	assert_in_range(c->rt.util_avg, 270, 300);
	assert_in_range(c->cfs.util_avg, 1, 30);
	assert_int_equal(c->nr_running, 0);
	/* The fork, while the RT task sleeps. */
	cfs_before = c->cfs.util_avg;
	ev_wakeup(s, t, 901, CFS_PRIO, BIG, EG_WAKE_NEW);
	child_util = eg_signals_task(s, 901)->avg.util_avg;
	assert_int_equal(child_util, (1024 - cfs_before) / 2);
	assert_true(eg_signals_cpu_util(s, BIG) > 0.6 * 1024);
	ev_switch(s, t + 100000, BIG, 0, 0, false, 901, CFS_PRIO);
	ev_switch(s, t + 2 * ms, BIG, 901, CFS_PRIO, false, 0, 0);
	ev_exit(s, t + 2 * ms, 901);
	assert_in_range(eg_signals_cpu_util(s, BIG), 256, 410);
}

/* What periodic tasks need per CPU, asleep or not: an RT task on a big CPU
 * running 3 ms of every 10 ms at capacity 1024 and the top OPP needs
 * ceil(3 x 1024 / 10) = 308; a CFS task running 2.5 ms of every 10 ms on a
 * little CPU (capacity 512) does 1.25 ms of work at 1024 per period: 128;
 * an RT task on the other big CPU running 1 ms of every 10 needs 103.
 * None is queued when asked, so the per-CPU rt_demand reads 0. Two periods
 * after its last wakeup a sleeping task no longer counts; a queued one
 * counts however long its activation overruns. */
static void test_periodic_demand(void **state)
{
	struct fixture *f = *state;
	struct eg_signals *s = &f->s;
	const uint64_t ms = 1000000ULL, prio = 89;
	uint32_t rt[EG_MAX_CPUS], cfs[EG_MAX_CPUS];
	uint64_t t = 0;

	for (int k = 0; k < 8; k++, t += 10 * ms) {
		ev_wakeup(s, t, 910, prio, BIG, 0);
		ev_switch(s, t, BIG, 0, 0, false, 910, prio);
		ev_wakeup(s, t + 1 * ms, 912, prio, BIG + 1, 0);
		ev_switch(s, t + 1 * ms, BIG + 1, 0, 0, false, 912, prio);
		ev_switch(s, t + 2 * ms, BIG + 1, 912, prio, false, 0, 0);
		ev_switch(s, t + 3 * ms, BIG, 910, prio, false, 0, 0);
		ev_wakeup(s, t + 4 * ms, 911, CFS_PRIO, LITTLE, 0);
		ev_switch(s, t + 4 * ms, LITTLE, 0, 0, false, 911, CFS_PRIO);
		ev_switch(s, t + 6500000, LITTLE, 911, CFS_PRIO, false, 0, 0);
	}
	eg_signals_periodic_demand(s, 75 * ms, rt, cfs);
	assert_int_equal(s->cpu[BIG].rt_demand, 0);
	assert_int_equal(rt[BIG], 308);
	assert_int_equal(cfs[BIG], 0);
	assert_int_equal(cfs[LITTLE], 128);
	assert_int_equal(rt[LITTLE], 0);
	assert_int_equal(rt[BIG + 1], 103);
	/* The second RT task's next activation starts on time and overruns. */
	ev_wakeup(s, 81 * ms, 912, prio, BIG + 1, 0);
	ev_switch(s, 81 * ms, BIG + 1, 0, 0, false, 912, prio);
	/* The first RT task last woke at 70 ms: counted until 90 ms; the CFS
	 * task, last woken at 74 ms, until 94. */
	eg_signals_periodic_demand(s, 89 * ms, rt, cfs);
	assert_int_equal(rt[BIG], 308);
	assert_int_equal(cfs[LITTLE], 128);
	eg_signals_periodic_demand(s, 91 * ms, rt, cfs);
	assert_int_equal(rt[BIG], 0);
	assert_int_equal(cfs[LITTLE], 128);
	eg_signals_periodic_demand(s, 95 * ms, rt, cfs);
	assert_int_equal(cfs[LITTLE], 0);
	eg_signals_periodic_demand(s, 105 * ms, rt, cfs);
	assert_int_equal(rt[BIG + 1], 103);
	ev_switch(s, 106 * ms, BIG + 1, 912, prio, false, 0, 0);
	eg_signals_periodic_demand(s, 107 * ms, rt, cfs);
	assert_int_equal(rt[BIG + 1], 0);
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
				 s->cpu[3].nr_running,
			 n);
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
	/* 900 blocks: empty CPU, no min; the max of the last task to leave
	 * stays (the kernel's idle run queue), so that its blocked util is
	 * not counted uncapped. */
	ev_switch_clamped(s, 40, BIG, false, 0, 0, 0);
	assert_int_equal(c->nr_running, 0);
	assert_int_equal(c->uclamp_min, 0);
	assert_int_equal(c->uclamp_max, 300);
	assert_int_equal(c->nr_uclamped, 0);
	/* The next task to come takes the CPU's clamp as its own. */
	ev_wakeup(s, 50, 901, CFS_PRIO, BIG, 0);
	assert_int_equal(c->uclamp_min, 0);
	assert_int_equal(c->uclamp_max, 1024);
}

/* With several runnable tasks the CPU's clamp is the max of their mins and
 * the max of their maxes (the kernel's max aggregation), whichever task
 * runs; it follows as tasks leave and as a queued task's clamp changes. */
static void test_uclamp_several_runnable(void **state)
{
	struct fixture *f = *state;
	struct eg_signals *s = &f->s;
	const struct eg_cpu_signals *c = &s->cpu[BIG];

	/* 900 (100, 300) runs; 901 (400, 600) wakes and preempts it. */
	ev_wakeup(s, 0, 900, CFS_PRIO, BIG, 0);
	ev_switch_clamped(s, 0, BIG, false, 900, 100, 300);
	ev_wakeup(s, 10, 901, CFS_PRIO, BIG, 0);
	ev_switch_clamped(s, 10, BIG, true, 901, 400, 600);
	assert_int_equal(c->nr_running, 2);
	assert_int_equal(c->uclamp_min, 400);
	assert_int_equal(c->uclamp_max, 600);
	assert_int_equal(c->nr_uclamped, 2);
	/* 902 (700, 800) runs; 901 is queued: max(100, 400, 700) = 700,
	 * max(300, 600, 800) = 800. */
	ev_wakeup(s, 20, 902, CFS_PRIO, BIG, 0);
	ev_switch_clamped(s, 20, BIG, true, 902, 700, 800);
	assert_int_equal(c->nr_running, 3);
	assert_int_equal(c->uclamp_min, 700);
	assert_int_equal(c->uclamp_max, 800);
	/* Mins and maxes aggregate apart: 902 becomes (0, 200); the CPU's
	 * pair, (400, 600), is no task's. */
	assert_int_equal(eg_signals_set_task_uclamp(s, 902, 0, 200), 0);
	assert_int_equal(c->uclamp_min, 400);
	assert_int_equal(c->uclamp_max, 600);
	/* 902 blocks, 901 runs: 900 and 901 are left. */
	ev_switch_clamped(s, 30, BIG, false, 901, 400, 600);
	assert_int_equal(c->nr_running, 2);
	assert_int_equal(c->uclamp_min, 400);
	assert_int_equal(c->uclamp_max, 600);
	/* 901 blocks, 900 runs alone. */
	ev_switch_clamped(s, 40, BIG, false, 900, 100, 300);
	assert_int_equal(c->nr_running, 1);
	assert_int_equal(c->uclamp_min, 100);
	assert_int_equal(c->uclamp_max, 300);
	/* A queued task's clamp changed by a decision counts at once. */
	assert_int_equal(eg_signals_set_task_uclamp(s, 900, 50, 150), 0);
	assert_int_equal(c->uclamp_min, 50);
	assert_int_equal(c->uclamp_max, 150);
	assert_int_equal(c->nr_uclamped, 1);
	/* Clearing it gives the default back. */
	assert_int_equal(eg_signals_set_task_uclamp(s, 900, 0, 1024), 0);
	assert_int_equal(c->uclamp_min, 0);
	assert_int_equal(c->uclamp_max, 1024);
	assert_int_equal(c->nr_uclamped, 0);
	assert_int_equal(eg_signals_set_task_uclamp(s, 12345, 0, 100), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_periodic_full_freq, setup, teardown),
		cmocka_unit_test_setup_teardown(test_periodic_half_freq, setup, teardown),
		cmocka_unit_test_setup_teardown(test_util_est, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migrate_moves_util, setup, teardown),
		cmocka_unit_test_setup_teardown(test_busy_ns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rt_task, setup, teardown),
		cmocka_unit_test_setup_teardown(test_new_task_util, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rt_duty_cycle_and_fork, setup, teardown),
		cmocka_unit_test_setup_teardown(test_periodic_demand, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exit_and_growth, setup, teardown),
		cmocka_unit_test_setup_teardown(test_util_est_skip_when_waiting, setup, teardown),
		cmocka_unit_test_setup_teardown(test_uclamp_aggregate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_uclamp_several_runnable, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
