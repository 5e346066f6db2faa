// SPDX-License-Identifier: GPL-2.0-or-later
/* The simulator's scheduler (the model is described in the README, "The
 * simulated SoC", and in sim.c's header): scheduling classes and their order,
 * run queues, preemption, idle balancing, the tick (wakeup placement and
 * periodic balancing are placement.c's), and the
 * CPU and cluster idle states a CPU takes and leaves. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim_internal.h"
#include "util.h"

/* Weight of a nice level, as the kernel's table: 1024 * 1.25^-nice. */
static uint32_t nice_weight(int nice)
{
	double w = 1024.0 * pow(1.25, -(double)nice);

	return w < 15 ? 15 : (uint32_t)(w + 0.5);
}

void sim_set_sched(struct sim_task *t, enum eg_sim_policy policy, int prio)
{
	t->policy = policy;
	switch (policy) {
	case EG_SIM_FIFO:
	case EG_SIM_RR:
		t->kernel_prio = (int16_t)(99 - EG_CLAMP(prio, 1, 99));
		t->weight = 1024;
		break;
	case EG_SIM_DEADLINE:
		t->kernel_prio = -1;
		t->weight = 1024;
		break;
	default:
		t->kernel_prio = (int16_t)(120 + EG_CLAMP(prio, -20, 19));
		t->weight = nice_weight(EG_CLAMP(prio, -20, 19));
		break;
	}
}

/* The uclamp_min the task runs with: its own if it was given, else its
 * class's default (sched_util_clamp_min_rt_default for RT under a kernel
 * with uclamp; nothing for the others). It may exceed uclamp_max, the
 * placement and the frequency then take min(min, max) and min. */
static uint32_t task_uclamp_min(const struct sim *s, const struct sim_task *t)
{
	if (t->uclamp_min_user || !s->kernel_uclamp || task_class(t) != CLASS_RT)
		return t->uclamp_min_req;
	return s->rt_default_min;
}

int sim_task_set_uclamp(struct sim *s, int task, uint32_t min, uint32_t max, bool min_user)
{
	struct sim_task *t = &s->tasks[task];

	if (min > EG_CAPACITY_SCALE || max > EG_CAPACITY_SCALE || min > max)
		return -EINVAL;
	t->uclamp_min_req = min;
	t->uclamp_min_user = min_user;
	t->uclamp_max = max;
	sim_task_uclamp_refresh(s, task);
	if (max != EG_CAPACITY_SCALE)
		s->uclamp_used = true;
	return 0;
}

void sim_task_uclamp_refresh(struct sim *s, int task)
{
	struct sim_task *t = &s->tasks[task];

	t->uclamp_min = task_uclamp_min(s, t);
	if (t->uclamp_min != 0)
		s->uclamp_used = true;
}

bool sim_rq_uclamp(const struct sim *s, int cpu, uint32_t *min, uint32_t *max)
{
	const struct sim_cpu *c = &s->cpu[cpu];
	bool any = c->curr >= 0;

	*min = 0;
	*max = any ? s->tasks[c->curr].uclamp_max : c->idle_uclamp_max;
	if (any)
		*min = s->tasks[c->curr].uclamp_min;
	for (int i = 0; i < c->nr_rq; i++) {
		const struct sim_task *t = &s->tasks[c->rq[i]];

		*min = any ? EG_MAX(*min, t->uclamp_min) : t->uclamp_min;
		*max = any ? EG_MAX(*max, t->uclamp_max) : t->uclamp_max;
		any = true;
	}
	return any;
}

/* --- engine events of the scheduler --- */

static void event_switch(struct sim *s, int cpu, int prev, int next, bool prev_runnable)
{
	struct eg_event ev = { .type = EG_EV_SWITCH, .cpu = (int16_t)cpu };

	ev.sw.prev_pid = prev >= 0 ? s->tasks[prev].pid : 0;
	ev.sw.prev_prio = prev >= 0 ? s->tasks[prev].kernel_prio : 120;
	ev.sw.next_pid = next >= 0 ? s->tasks[next].pid : 0;
	ev.sw.next_prio = next >= 0 ? s->tasks[next].kernel_prio : 120;
	ev.sw.prev_runnable = prev_runnable;
	/* The clamp next runs with. The event reads a util_max of 0 as "not
	 * reported": a clamp to 0 goes as 1, which runs the same (the lowest
	 * OPP, every CPU fits). */
	ev.sw.util_min = next >= 0 ? s->tasks[next].uclamp_min : 0;
	ev.sw.util_max = next >= 0 ? EG_MAX(s->tasks[next].uclamp_max, 1U) : EG_CAPACITY_SCALE;
	sim_engine_event(s, &ev);
}

static void event_migrate(struct sim *s, const struct sim_task *t, int from, int to)
{
	struct eg_event ev = { .type = EG_EV_MIGRATE, .cpu = (int16_t)to };

	ev.migrate.pid = t->pid;
	ev.migrate.prio = t->kernel_prio;
	ev.migrate.orig_cpu = (int16_t)from;
	ev.migrate.dest_cpu = (int16_t)to;
	sim_engine_event(s, &ev);
}

/* (Re)arm the event at which the running task's current op ends. */
void sim_arm_cpu(struct sim *s, int cpu)
{
	struct sim_cpu *c = &s->cpu[cpu];
	struct sim_task *t;
	uint64_t start, d;

	c->done_gen++;
	if (c->curr < 0)
		return;
	t = &s->tasks[c->curr];
	start = EG_MAX(s->now, c->waking_until);
	if (!t->in_run) {
		sim_push(s, start, SIM_EV_CPU_DONE, cpu, 0, c->done_gen);
		return;
	}
	if (t->runtime) {
		d = t->remaining;
	} else {
		uint32_t speed = cpu_speed(s, cpu);

		d = (t->remaining + speed - 1) / speed;
	}
	sim_push(s, start + d, SIM_EV_CPU_DONE, cpu, 0, c->done_gen);
}

/* --- run queues --- */

int sim_rq_add(struct sim *s, int cpu, int task)
{
	struct sim_cpu *c = &s->cpu[cpu];

	if (sim_grow(s, (void **)&c->rq, &c->cap_rq, (size_t)c->nr_rq + 1, sizeof(*c->rq), 8))
		return -ENOMEM;
	c->rq[c->nr_rq++] = task;
	return 0;
}

static void rq_remove_at(struct sim_cpu *c, int i)
{
	memmove(&c->rq[i], &c->rq[i + 1], (size_t)(c->nr_rq - i - 1) * sizeof(int));
	c->nr_rq--;
}

/* Position in the run queue of the task to run next, -1 if empty. */
static int rq_best(const struct sim *s, const struct sim_cpu *c)
{
	int best = -1;

	for (int i = 0; i < c->nr_rq; i++)
		if (best < 0 || task_before(&s->tasks[c->rq[i]], &s->tasks[c->rq[best]]))
			best = i;
	return best;
}

/* --- idle states --- */

/* Next known wakeup of a task that last ran on this CPU (its timers fire
 * here), for the idle policy's "next timer". */
static uint64_t next_wake_on(const struct sim *s, int cpu)
{
	uint64_t t = UINT64_MAX;

	for (int i = 0; i < s->nr_tasks; i++) {
		const struct sim_task *task = &s->tasks[i];

		if (task->state == TASK_SLEEPING && task->cpu == cpu && task->wake_at < t)
			t = task->wake_at;
	}
	return t;
}

/* The last CPU of a domain went idle: the cluster takes the deepest state
 * whose target residency fits before the next known wakeup of its CPUs and
 * whose exit latency fits every one of its CPUs' resume-latency limits (a
 * cluster state is left by each of them). */
static void cluster_go_idle(struct sim *s, const struct eg_pd *pd)
{
	struct sim_pd *p = &s->pd[pd->id];
	uint64_t wake = UINT64_MAX;
	uint32_t latency_req = UINT32_MAX;
	int k;

	p->cluster_idx = -1;
	if (!pd->nr_cluster_idle)
		return;
	eg_for_each_cpu (k, &pd->cpus) {
		uint64_t w = next_wake_on(s, k);

		if (w < wake)
			wake = w;
		if (s->cpu[k].online)
			latency_req = EG_MIN(latency_req, s->cpu[k].latency_req_us);
	}
	for (int i = pd->nr_cluster_idle - 1; i >= 0; i--) {
		uint64_t residency = (uint64_t)pd->cluster_idle[i].residency_us * NSEC_PER_USEC;

		if (pd->cluster_idle[i].exit_us > latency_req)
			continue;
		if (wake == UINT64_MAX || wake - s->now >= residency) {
			p->cluster_idx = i;
			break;
		}
	}
}

void sim_cpu_go_idle(struct sim *s, int cpu)
{
	struct sim_cpu *c = &s->cpu[cpu];
	const struct eg_pd *pd = cpu_pd(s, cpu);
	uint64_t next = next_wake_on(s, cpu);
	uint64_t until = next == UINT64_MAX ? UINT64_MAX : next - s->now;
	int k;

	c->idle_since = s->now;
	c->idle_idx = eg_engine_idle_select(s->engine, cpu, s->now, until, c->latency_req_us);
	if (c->idle_idx >= pd->nr_cpu_idle)
		c->idle_idx = pd->nr_cpu_idle - 1;
	/* A shallow choice keeps the tick, as the kernel does when the idle
	 * governor predicts a short sleep: the CPU wakes within a tick and
	 * chooses again, instead of staying shallow until its next event. */
	c->idle_gen++;
	if (c->idle_idx >= 0 && c->idle_idx < pd->nr_cpu_idle - 1 && until > SIM_TICK_NS)
		sim_push(s, s->now + SIM_TICK_NS, SIM_EV_IDLE_TICK, cpu, 0, c->idle_gen);
	eg_for_each_cpu (k, &pd->cpus)
		if (s->cpu[k].online && cpu_active(s, k) && k != cpu)
			return;
	cluster_go_idle(s, pd);
}

/* A CPU leaves idle: pay the exit latency of its state (the cluster's if
 * the cluster was down; a CPU of a powered-down cluster was off, in its
 * deepest state) and tell the idle policy how long it slept. */
static void cpu_wake(struct sim *s, int cpu)
{
	struct sim_cpu *c = &s->cpu[cpu];
	const struct eg_pd *pd = cpu_pd(s, cpu);
	struct sim_pd *p = &s->pd[pd->id];
	int cpu_state = pd->nr_cpu_idle ? c->idle_idx : -1;
	int cluster_state = p->cluster_idx;
	uint32_t exit_us = 0;

	if (cluster_state >= 0 && pd->nr_cpu_idle)
		cpu_state = pd->nr_cpu_idle - 1;
	if (cpu_state >= 0)
		exit_us = pd->cpu_idle[cpu_state].exit_us;
	if (cluster_state >= 0) {
		exit_us = EG_MAX(exit_us, pd->cluster_idle[cluster_state].exit_us);
		p->cluster_idx = -1;
	}
	if (c->idle_idx >= 0)
		eg_engine_idle_reflect(s->engine, cpu, c->idle_idx, s->now - c->idle_since);
	c->idle_idx = -1;
	c->waking_until = s->now + (uint64_t)exit_us * NSEC_PER_USEC;
	sim_account_idle_exit(s, cpu, cpu_state, cluster_state);
}

/* --- choosing what runs --- */

/* Put task on cpu now (the CPU runs nothing). */
static void cpu_run(struct sim *s, int cpu, int task)
{
	struct sim_cpu *c = &s->cpu[cpu];
	struct sim_task *t = &s->tasks[task];

	if (c->idle_idx >= 0 || s->pd[cpu_pd(s, cpu)->id].cluster_idx >= 0)
		cpu_wake(s, cpu);
	c->curr = task;
	t->state = TASK_RUNNING;
	t->cpu = cpu;
	t->slice_start = s->now;
	sim_record_latency(s, t);
	event_switch(s, cpu, -1, task, false);
	sim_arm_cpu(s, cpu);
}

/* Idle balance: take the first waiting task this CPU may run from the CPU
 * with the longest queue. */
static int pull_task(struct sim *s, int cpu)
{
	int src = -1;

	for (int k = 0; k < s->model->nr_cpus; k++) {
		if (k == cpu || !s->cpu[k].online || s->cpu[k].nr_rq == 0)
			continue;
		if (src < 0 || s->cpu[k].nr_rq > s->cpu[src].nr_rq)
			src = k;
	}
	if (src < 0)
		return -1;
	for (int i = 0; i < s->cpu[src].nr_rq; i++) {
		int task = s->cpu[src].rq[i];

		if (task_allowed(&s->tasks[task], cpu)) {
			rq_remove_at(&s->cpu[src], i);
			s->tasks[task].cpu = cpu;
			event_migrate(s, &s->tasks[task], src, cpu);
			return task;
		}
	}
	return -1;
}

void sim_idle_pull(struct sim *s, int cpu)
{
	int task = pull_task(s, cpu);

	if (task >= 0)
		cpu_run(s, cpu, task);
}

void sim_move_running(struct sim *s, int task, int dest)
{
	struct sim_task *t = &s->tasks[task];
	int src = t->cpu;

	t->state = TASK_RUNNABLE;
	sim_cpu_reschedule(s, src);
	event_migrate(s, t, src, dest);
	cpu_run(s, dest, task);
}

/* The CPU's current task stopped (blocked, slept, exited or was
 * preempted): pick what runs next. */
void sim_cpu_reschedule(struct sim *s, int cpu)
{
	struct sim_cpu *c = &s->cpu[cpu];
	int prev = c->curr;
	bool prev_runnable = prev >= 0 && s->tasks[prev].state == TASK_RUNNABLE;
	int best = rq_best(s, c);
	int next = -1;

	if (best >= 0) {
		next = c->rq[best];
		rq_remove_at(c, best);
	} else {
		next = pull_task(s, cpu);
	}
	c->curr = next;
	if (next >= 0) {
		struct sim_task *t = &s->tasks[next];

		t->state = TASK_RUNNING;
		t->cpu = cpu;
		t->slice_start = s->now;
		if (c->idle_idx >= 0)
			cpu_wake(s, cpu);
		sim_record_latency(s, t);
	}
	if (prev != next)
		event_switch(s, cpu, prev, next, prev_runnable);
	if (next < 0 && prev >= 0)
		c->idle_uclamp_max = s->tasks[prev].uclamp_max;
	if (next < 0)
		sim_cpu_go_idle(s, cpu);
	sim_arm_cpu(s, cpu);
}

/* An RT wakeup preempts a CFS or lower-priority RT task; a CFS wakeup
 * preempts CFS when its vruntime is SIM_WAKEUP_GRAN_NS behind. */
static bool should_preempt(const struct sim_task *curr, const struct sim_task *t)
{
	enum sim_class cc = task_class(curr), ct = task_class(t);

	if (ct != cc)
		return ct < cc;
	if (ct == CLASS_FAIR)
		return curr->vruntime > t->vruntime + SIM_WAKEUP_GRAN_NS;
	return task_before(t, curr);
}

/* The running task of cpu goes back to its run queue and the CPU picks
 * again. */
static void preempt(struct sim *s, int cpu)
{
	struct sim_cpu *c = &s->cpu[cpu];

	s->tasks[c->curr].state = TASK_RUNNABLE;
	sim_rq_add(s, cpu, c->curr);
	sim_cpu_reschedule(s, cpu);
}

/* The task becomes runnable now. */
void sim_task_wake(struct sim *s, int task, uint32_t flags)
{
	struct sim_task *t = &s->tasks[task];
	struct eg_event ev = { .type = EG_EV_WAKEUP };
	int cpu = sim_select_cpu(s, t);
	struct sim_cpu *c;

	if (cpu < 0) {
		s->err = -EINVAL;
		return;
	}
	c = &s->cpu[cpu];
	if (t->cpu >= 0 && t->cpu != cpu)
		event_migrate(s, t, t->cpu, cpu);
	t->state = TASK_RUNNABLE;
	t->woke_at = s->now;
	t->latency_pending = true;
	t->cpu = cpu;
	if (t->policy == EG_SIM_CFS && t->vruntime < c->min_vruntime)
		t->vruntime = c->min_vruntime;
	if (t->policy == EG_SIM_DEADLINE)
		t->dl_deadline = s->now + (t->desc->dl_deadline_ns ? t->desc->dl_deadline_ns :
								     t->desc->dl_period_ns);
	ev.cpu = (int16_t)cpu;
	ev.wakeup.pid = t->pid;
	ev.wakeup.prio = t->kernel_prio;
	ev.wakeup.target_cpu = (int16_t)cpu;
	ev.wakeup.flags = flags;
	sim_engine_event(s, &ev);

	if (c->curr < 0) {
		cpu_run(s, cpu, task);
		return;
	}
	sim_rq_add(s, cpu, task);
	if (should_preempt(&s->tasks[c->curr], t)) {
		sim_account(s, s->now);
		preempt(s, cpu);
	}
}

/* The task (running on its CPU) stops running: it sleeps, blocks or ends. */
void sim_task_stop(struct sim *s, int task, enum sim_task_state state)
{
	struct sim_task *t = &s->tasks[task];
	int cpu = t->cpu;

	t->state = state;
	if (cpu >= 0 && s->cpu[cpu].curr == task)
		sim_cpu_reschedule(s, cpu);
}

void sim_task_sleep_until(struct sim *s, int task, uint64_t when)
{
	struct sim_task *t = &s->tasks[task];

	t->wake_at = when;
	t->wake_gen++;
	sim_push(s, when, SIM_EV_WAKE, task, 0, t->wake_gen);
	sim_task_stop(s, task, TASK_SLEEPING);
}

/* Every tick: balancing (placement.c); a running task yields to a queued one that goes first (RR at
 * the end of its slice, CFS with a lower vruntime); busy CPUs give the
 * engine their tick (idle ones are tickless). */
void sim_sched_tick(struct sim *s)
{
	sim_balance_tick(s);
	for (int cpu = 0; cpu < s->model->nr_cpus; cpu++) {
		struct sim_cpu *c = &s->cpu[cpu];
		const struct sim_task *curr, *cand;
		bool rr, fair;

		if (c->curr < 0 || !c->nr_rq)
			continue;
		curr = &s->tasks[c->curr];
		cand = &s->tasks[c->rq[rq_best(s, c)]];
		rr = curr->policy == EG_SIM_RR && s->now - curr->slice_start >= SIM_RR_SLICE_NS &&
		     cand->kernel_prio == curr->kernel_prio;
		fair = task_class(curr) == CLASS_FAIR && task_class(cand) == CLASS_FAIR &&
		       cand->vruntime < curr->vruntime;
		if (rr || fair || task_before(cand, curr))
			preempt(s, cpu);
	}
	for (int cpu = 0; cpu < s->model->nr_cpus; cpu++) {
		struct sim_cpu *c = &s->cpu[cpu];

		if (c->curr >= 0) {
			struct eg_event tick = { .type = EG_EV_TICK, .cpu = (int16_t)cpu };
			uint64_t v = s->tasks[c->curr].vruntime;

			sim_engine_event(s, &tick);
			if (v > c->min_vruntime)
				c->min_vruntime = v;
		}
	}
}
