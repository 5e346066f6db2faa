// SPDX-License-Identifier: GPL-2.0-or-later
/* Event-driven signals when the stream is incomplete: lost switches, busy
 * samples from sources without switches, reconciliation corrections, and
 * tasks left queued by lost events. */
#include "signals_fixture.h"

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
	assert_true(eg_signals_rt_runnable(s, BIG)); /* no flag: still queued */
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
/* A 30 % task (3 ms of every 10 ms) on BIG for 100 periods, the CPU
 * synced every millisecond as the engine does at other CPUs' events; with
 * lose_every > 0, the switch out of every lose_every-th run is lost. At
 * each switch in, the CPU's util goes into util[] and its busy time is
 * returned. */
static uint64_t periodic_run(struct eg_signals *s, int lose_every, uint32_t *util)
{
	const uint64_t ms = 1000000;

	for (int k = 0; k < 100; k++) {
		uint64_t t = 5 * ms + (uint64_t)k * 10 * ms;
		bool lost = lose_every > 0 && k % lose_every == lose_every - 1;

		ev_wakeup(s, t, 800, CFS_PRIO, BIG, 0);
		ev_switch(s, t, BIG, 0, 0, false, 800, CFS_PRIO);
		util[k] = eg_signals_cpu_util(s, BIG);
		for (uint64_t d = 1; d < 10; d++) {
			if (d == 3 && !lost)
				ev_switch(s, t + 3 * ms, BIG, 800, CFS_PRIO, false, 0, 0);
			else
				eg_signals_sync_cpu(s, BIG, t + d * ms);
		}
	}
	return s->cpu[BIG].busy_ns;
}

/* The switch out of a task to idle is lost (a perf ring's lost records, a
 * VM dropping tracepoints): the next switch out of idle proves the CPU
 * idle, and the time since the task's switch in must not count busy. A
 * CPU losing one switch out in three reads no more than the same load
 * without losses, and no less than the load it was proven to run. Charged
 * up to the switch out of idle, each lost one counted a whole 10 ms period
 * busy: util 594-610 at the switches in, against 325-329 without losses
 * (230-241 now: the lost runs count idle). */
static void test_lost_switch_out_stays_bounded(void **state)
{
	struct fixture *f = *state;
	struct eg_signals ref;
	uint32_t u_ref[100], u_lossy[100];
	uint64_t busy_ref, busy_lossy;
	double mean_ref = 0, mean_lossy = 0;

	assert_int_equal(eg_signals_init(&ref, &f->m, 0), 0);
	busy_ref = periodic_run(&ref, 0, u_ref);
	busy_lossy = periodic_run(&f->s, 3, u_lossy);
	eg_signals_destroy(&ref);
	/* 100 runs of 3 ms; 33 of them lost, counted idle. */
	assert_int_equal(busy_ref, 300000000);
	assert_int_equal(busy_lossy, 300000000 - 33 * 3000000);
	for (int k = 50; k < 100; k++) {
		assert_true(u_lossy[k] <= u_ref[k]);
		mean_ref += u_ref[k] / 50.0;
		mean_lossy += u_lossy[k] / 50.0;
	}
	/* The reference: 30 % of 1024 at the low point of its cycle. */
	assert_true(mean_ref > 0.25 * 1024 && mean_ref < 0.35 * 1024);
	/* Two runs in three counted: about 2/3 of it, not collapsed. */
	assert_true(mean_lossy > 0.55 * mean_ref);
	assert_int_equal(f->s.cpu[BIG].nr_running, 0);
}

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
		cmocka_unit_test_setup_teardown(test_lost_switch_from_idle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lost_switch_in_ignores_syncs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_busy_sample_without_switches, setup, teardown),
		cmocka_unit_test_setup_teardown(test_busy_correction, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lost_switch_out_stays_bounded, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_sampled_cpu_ignores_syncs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_idle_switch_drops_stale_queued, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
