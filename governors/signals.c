// SPDX-License-Identifier: GPL-2.0-or-later
/* Utilization signals: scheduler events applied to the per-task and per-CPU
 * PELT averages, util_est and busy time, and what the policies read back.
 * The arithmetic follows the kernel's kernel/sched/pelt.c and the util_est
 * part of fair.c (6.8+); the code is our own. Pure: time only comes in
 * through the events. */
#include <errno.h>
#include <string.h>

#include "signals_internal.h"
#include "util.h"

#define TASK_TABLE_MIN 256U

static void ev_switch(struct eg_signals *s, const struct eg_event *ev)
{
	int cpu = ev->cpu;
	uint64_t now = ev->ts;
	struct eg_cpu_signals *c = &s->cpu[cpu];
	struct eg_task *t;

	c->online = true;
	c->sampled = false; /* a switch stream drives it from now on */
	if (c->curr_pid != ev->sw.prev_pid)
		sig_switch_resync(s, cpu, ev->sw.prev_pid, now);
	sig_cpu_sync(s, cpu, now);
	c->curr_pid = 0;

	/* prev stops: preempted (stays queued) or blocks (dequeue). A prev we
	 * never saw that blocks leaves nothing to track (an exiting task's
	 * last switch comes after its EXIT). */
	if (ev->sw.prev_pid > 0) {
		t = ev->sw.prev_runnable ?
			    sig_task_get(s, ev->sw.prev_pid, ev->sw.prev_prio, cpu, now, NULL) :
			    eg_task_table_find(&s->tasks, ev->sw.prev_pid);
		if (t) {
			sig_task_set_prio(s, t, ev->sw.prev_prio, now);
			if (t->cpu != cpu)
				sig_task_move(s, t, cpu, now); /* lost migration */
			if (t->state == EG_TASK_SLEEPING) {
				if (ev->sw.prev_runnable)
					sig_task_enqueue(s, t, now);
			} else if (ev->sw.prev_runnable) {
				sig_task_sync(s, t, now);
				t->state = EG_TASK_RUNNABLE;
				t->enqueued_ns = now;
			} else {
				sig_task_dequeue(s, t, now, true);
			}
		}
	}

	if (ev->sw.next_pid <= 0) {
		c->idle_calls++;
		c->idle_since = now;
		/* A CPU never goes idle with a task runnable on it: whatever
		 * our record still has queued here left through an event we
		 * lost (a migration, most often). Left queued, it would hold the
		 * CPU's runnable average, and so its util, near the top. */
		if (c->nr_running)
			sig_forget_cpu_tasks(s, cpu, now);
		return;
	}
	t = sig_task_get(s, ev->sw.next_pid, ev->sw.next_prio, cpu, now, NULL);
	if (!t)
		return;
	sig_task_set_prio(s, t, ev->sw.next_prio, now);
	sig_task_set_uclamp(s, t, ev->sw.util_min, ev->sw.util_max);
	if (t->cpu != cpu)
		sig_task_move(s, t, cpu, now); /* lost migration */
	if (t->state == EG_TASK_SLEEPING)
		sig_task_enqueue(s, t, now); /* lost wakeup */
	sig_task_sync(s, t, now);
	eg_task_activity_run_start(&t->act, now);
	t->state = EG_TASK_RUNNING;
	c->curr_pid = t->pid;
	c->curr_prio = t->prio;
	c->at_switch.ts = now;
	c->at_switch.pid = t->pid;
	c->at_switch.cfs = c->cfs;
	c->at_switch.rt = c->rt;
	c->at_switch.busy_ns = c->busy_ns;
	c->at_switch.task_avg = t->avg;
	c->at_switch.task_runtime_ns = t->runtime_ns;
}

static void ev_wakeup(struct eg_signals *s, const struct eg_event *ev)
{
	int cpu = ev->wakeup.target_cpu;
	uint64_t now = ev->ts;
	bool created;
	struct eg_task *t;

	if (!sig_cpu_ok(s, cpu))
		cpu = ev->cpu;
	if (!sig_cpu_ok(s, cpu))
		return;
	t = sig_task_get(s, ev->wakeup.pid, ev->wakeup.prio, cpu, now, &created);
	if (!t)
		return;
	if (created && (ev->wakeup.flags & EG_WAKE_NEW))
		sig_task_init_new(s, t, now);
	sig_task_set_prio(s, t, ev->wakeup.prio, now);
	/* A wakeup placed elsewhere than our record: the migrate event was
	 * lost (or the source sends none for wakeups). */
	if (t->cpu != cpu)
		sig_task_move(s, t, cpu, now);
	if (t->state == EG_TASK_SLEEPING)
		sig_task_enqueue(s, t, now);
	if (ev->wakeup.flags & EG_WAKE_IOWAIT)
		s->cpu[cpu].iowait_pending = true;
}

static void ev_migrate(struct eg_signals *s, const struct eg_event *ev)
{
	int orig = ev->migrate.orig_cpu, dest = ev->migrate.dest_cpu;
	struct eg_task *t;

	if (!sig_cpu_ok(s, dest))
		return;
	t = sig_task_get(s, ev->migrate.pid, ev->migrate.prio, sig_cpu_ok(s, orig) ? orig : dest,
			 ev->ts, NULL);
	if (!t)
		return;
	sig_task_set_prio(s, t, ev->migrate.prio, ev->ts);
	/* Detach from where our accounting has the task (normally orig). */
	sig_task_move(s, t, dest, ev->ts);
}

static void ev_exit(struct eg_signals *s, const struct eg_event *ev)
{
	struct eg_task *t = eg_task_table_find(&s->tasks, ev->exit.pid);

	if (!t)
		return;
	if (sig_cpu_ok(s, t->cpu))
		sig_cpu_sync(s, t->cpu, ev->ts);
	if (t->state != EG_TASK_SLEEPING)
		sig_rq_del(s, t);
	/* The dead task's util leaves the CPU at once (the kernel's
	 * remove_entity_load_avg from task_dead_fair). The CPU stays busy
	 * until the final switch away from the pid, which is still current. */
	sig_cfs_detach(s, t);
	eg_task_table_remove(&s->tasks, t);
}

/* A poll source knows only how long the CPU was busy in the window, not
 * when. The busy part is placed at the start of the window: of the two
 * extremes it gives the lower util at the window's end (the busy time has
 * decayed over the idle rest), so a sample never makes the load look more
 * recent than it may have been; for a 10 ms window the two placements
 * differ by at most a factor y^10 ~ 0.8 on that window's contribution. */
static void ev_busy(struct eg_signals *s, const struct eg_event *ev)
{
	int cpu = ev->cpu;
	struct eg_cpu_signals *c = &s->cpu[cpu];
	uint64_t now = ev->ts;
	uint64_t start = now > ev->busy.window_ns ? now - ev->busy.window_ns : 0;
	uint32_t cs = sig_cpu_scale(s, cpu), fs = sig_freq_scale(s, cpu);
	uint64_t from, run;

	if (ev->busy.correction) {
		sig_cpu_advance(s, cpu, now);
		c->busy_ns += ev->busy.busy_ns;
		eg_pelt_add_missed(&c->cfs, EG_MIN(ev->busy.busy_ns, ev->busy.window_ns),
				   ev->busy.window_ns, cs, fs, true);
		c->last_ns = EG_MAX(c->last_ns, now);
		return;
	}
	if (ev->busy.no_switches)
		c->sampled = true;
	if (c->cfs.last_update_ns < start)
		sig_cpu_advance(s, cpu, start);
	from = EG_MAX(start, c->cfs.last_update_ns);
	run = now > from ? EG_MIN(ev->busy.busy_ns, now - from) : 0;
	if (run)
		eg_pelt_update_nr(&c->cfs, from + run, true, 1, cs, fs);
	sig_cpu_advance(s, cpu, now);
	/* Busy time that no longer fits after the average's last update (it
	 * was brought past the window's start before this sample came) is
	 * spread over the window instead of lost. */
	if (ev->busy.busy_ns > run)
		eg_pelt_add_missed(&c->cfs, EG_MIN(ev->busy.busy_ns, ev->busy.window_ns) - run,
				   ev->busy.window_ns, cs, fs, true);
	c->busy_ns += ev->busy.busy_ns;
	/* A window not fully busy means the CPU went idle in it at least
	 * once: what the busy-CPU hold asks about. */
	if (ev->busy.busy_ns < ev->busy.window_ns)
		c->idle_calls++;
	c->last_ns = EG_MAX(c->last_ns, now);
	if (ev->busy.no_switches)
		sig_forget_cpu_tasks(s, cpu, now);
}

static void ev_cpu_online(struct eg_signals *s, int cpu, bool online, uint64_t now)
{
	struct eg_cpu_signals *c = &s->cpu[cpu];

	sig_cpu_sync(s, cpu, now);
	if (!online && c->curr_pid != 0) {
		struct eg_task *t = eg_task_table_find(&s->tasks, c->curr_pid);

		if (t && t->state == EG_TASK_RUNNING) {
			t->state = EG_TASK_RUNNABLE;
			t->enqueued_ns = now;
		}
		c->curr_pid = 0;
		c->idle_since = now;
	}
	c->online = online;
}

int eg_signals_event(struct eg_signals *s, const struct eg_event *ev)
{
	int r;

	if (!s || !ev)
		return -EINVAL;
	/* Room for the (at most two) tasks an event can introduce, so that no
	 * task pointer moves while the event is applied. */
	r = eg_task_table_reserve(&s->tasks, 2);
	if (r)
		return r;
	switch (ev->type) {
	case EG_EV_SWITCH:
		if (sig_cpu_ok(s, ev->cpu))
			ev_switch(s, ev);
		break;
	case EG_EV_WAKEUP:
		ev_wakeup(s, ev);
		break;
	case EG_EV_MIGRATE:
		ev_migrate(s, ev);
		break;
	case EG_EV_EXIT:
		ev_exit(s, ev);
		break;
	case EG_EV_BUSY_SAMPLE:
		if (sig_cpu_ok(s, ev->cpu))
			ev_busy(s, ev);
		break;
	case EG_EV_CPU_ONLINE:
	case EG_EV_CPU_OFFLINE:
		if (sig_cpu_ok(s, ev->cpu))
			ev_cpu_online(s, ev->cpu, ev->type == EG_EV_CPU_ONLINE, ev->ts);
		break;
	case EG_EV_FREQ:
		eg_signals_set_freq(s, ev->freq.pd, ev->freq.khz, ev->ts);
		break;
	case EG_EV_TICK:
		for (int cpu = 0; cpu < s->model->nr_cpus; cpu++)
			if (sig_cpu_ok(s, cpu) && s->cpu[cpu].online)
				sig_cpu_sync(s, cpu, ev->ts);
		break;
	default:
		break;
	}
	return 0;
}

int eg_signals_init(struct eg_signals *s, const struct eg_model *m, uint64_t now)
{
	if (!s || !m)
		return -EINVAL;
	memset(s, 0, sizeof(*s));
	s->model = m;
	for (int pd = 0; pd < EG_MAX_PDS; pd++)
		s->freq_scale[pd] = EG_CAPACITY_SCALE; /* max until told otherwise */
	for (int cpu = 0; cpu < EG_MAX_CPUS; cpu++) {
		struct eg_cpu_signals *c = &s->cpu[cpu];

		c->online = sig_cpu_ok(s, cpu);
		eg_pelt_reset(&c->cfs, now);
		eg_pelt_reset(&c->rt, now);
		c->last_ns = now;
		c->idle_since = now;
		sig_cpu_uclamp_reset(c);
	}
	return eg_task_table_init(&s->tasks, TASK_TABLE_MIN);
}

void eg_signals_destroy(struct eg_signals *s)
{
	if (!s)
		return;
	eg_task_table_free(&s->tasks);
}

void eg_signals_set_freq(struct eg_signals *s, int pd, uint32_t khz, uint64_t now)
{
	const struct eg_pd *d;
	uint32_t fmax;
	int cpu;

	if (!s || pd < 0 || pd >= s->model->nr_pds)
		return;
	d = &s->model->pds[pd];
	/* Up to now at the old frequency. Tasks waiting (not running) get the
	 * new scale at their next update; only their own runnable_avg, which
	 * no frequency choice reads, is affected. */
	eg_for_each_cpu (cpu, &d->cpus)
		if (sig_cpu_ok(s, cpu))
			sig_cpu_sync(s, cpu, now);
	fmax = eg_pd_max_khz(d);
	if (!fmax)
		fmax = d->cpuinfo_max_khz;
	/* Boost frequencies above the top OPP count as full speed: util is
	 * relative to the capacity at the top OPP. */
	s->freq_scale[pd] = fmax ? (uint32_t)EG_MIN((uint64_t)khz * EG_CAPACITY_SCALE / fmax,
						    EG_CAPACITY_SCALE) :
				   EG_CAPACITY_SCALE;
}

void eg_signals_sync_cpu(struct eg_signals *s, int cpu, uint64_t now)
{
	if (s && sig_cpu_ok(s, cpu))
		sig_cpu_sync(s, cpu, now);
}

uint32_t eg_signals_cpu_util(const struct eg_signals *s, int cpu)
{
	const struct eg_cpu_signals *c;
	uint32_t util;

	if (!s || !sig_cpu_ok(s, cpu) || !s->cpu[cpu].online)
		return 0;
	c = &s->cpu[cpu];
	util = EG_MAX(EG_MAX(c->cfs.util_avg, c->cfs.runnable_avg), c->util_est);
	util += c->rt.util_avg;
	return EG_MIN(util, s->model->cpu_cap[cpu]);
}

bool eg_signals_rt_runnable(const struct eg_signals *s, int cpu)
{
	return s && sig_cpu_ok(s, cpu) && s->cpu[cpu].nr_rt_running > 0;
}

const struct eg_task *eg_signals_task(const struct eg_signals *s, int32_t pid)
{
	return s ? eg_task_table_find(&s->tasks, pid) : NULL;
}

void eg_signals_periodic_demand(const struct eg_signals *s, uint64_t now, uint32_t *rt,
				uint32_t *cfs)
{
	int n = EG_MIN(s->model->nr_cpus, EG_MAX_CPUS);

	for (int c = 0; c < n; c++)
		rt[c] = cfs[c] = 0;
	for (uint32_t i = 0; i < s->tasks.cap; i++) {
		const struct eg_task *t = &s->tasks.slots[i];
		uint32_t need;

		if (t->pid == 0 || t->cpu < 0 || t->cpu >= n)
			continue;
		need = eg_task_activity_need(&t->act, 100);
		/* A queued task counts however late its activation runs. */
		if (!need || (t->state == EG_TASK_SLEEPING && now > t->act.wake_ns &&
			      now - t->act.wake_ns > 2 * t->act.period_ns))
			continue;
		if (sig_prio_is_rt(t->prio))
			rt[t->cpu] = EG_MIN(rt[t->cpu] + need, (uint32_t)EG_CAPACITY_SCALE);
		else
			cfs[t->cpu] = EG_MIN(cfs[t->cpu] + need, (uint32_t)EG_CAPACITY_SCALE);
	}
}

int eg_signals_set_task_uclamp(struct eg_signals *s, int32_t pid, uint32_t min, uint32_t max)
{
	struct eg_task *t = s ? eg_task_table_find(&s->tasks, pid) : NULL;

	if (!t)
		return -ENOENT;
	sig_task_set_uclamp(s, t, min, max);
	return 0;
}
