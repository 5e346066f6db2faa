// SPDX-License-Identifier: GPL-2.0-or-later
/* The simulated tasks' programs: starting a task, and running its ops from
 * its program counter until it needs CPU time or waits (on a time, a mutex,
 * a condition, a barrier, a resume), with the resources they share. */
#include <stdlib.h>
#include <string.h>

#include "sim_internal.h"
#include "util.h"

/* Ops a task may run without taking time or waiting before its program is
 * taken to be looping: a finite program step never gets near. */
#define SIM_STEP_OPS_MAX 100000

static void res_wait(struct sim *s, int r, int task)
{
	struct sim_resource *rs = &s->resources[r];

	if (sim_grow(s, (void **)&rs->waiters, &rs->cap_waiters, (size_t)rs->nr_waiters + 1,
		     sizeof(*rs->waiters), 4))
		return;
	rs->waiters[rs->nr_waiters++] = task;
}

static int res_take_waiter(struct sim_resource *rs)
{
	int task;

	if (!rs->nr_waiters)
		return -1;
	task = rs->waiters[0];
	memmove(rs->waiters, rs->waiters + 1, (size_t)(rs->nr_waiters - 1) * sizeof(int));
	rs->nr_waiters--;
	return task;
}

/* Start a task of description desc_idx: it wakes after its delay. */
int sim_spawn(struct sim *s, int desc_idx)
{
	const struct eg_sim_task_desc *d = &s->workload->tasks[desc_idx];
	struct sim_task *t;
	uint64_t start = s->now + d->delay_ns;

	if (sim_grow(s, (void **)&s->tasks, &s->cap_tasks, (size_t)s->nr_tasks + 1,
		     sizeof(*s->tasks), 16))
		return -ENOMEM;
	t = &s->tasks[s->nr_tasks];
	memset(t, 0, sizeof(*t));
	t->desc = d;
	t->desc_idx = desc_idx;
	t->pid = s->nr_tasks + 1;
	t->cpu = -1;
	t->loop_left = calloc((size_t)EG_MAX(d->nr_loops, 1), sizeof(uint32_t));
	t->timer_next = calloc((size_t)EG_MAX(s->workload->nr_res, 1), sizeof(uint64_t));
	if (!t->loop_left || !t->timer_next) {
		free(t->loop_left);
		free(t->timer_next);
		return s->err = -ENOMEM;
	}
	sim_task_set_mask(t, &d->cpus);
	sim_set_sched(t, d->policy, d->prio);
	s->nr_tasks++;
	sim_task_set_uclamp(s, s->nr_tasks - 1, d->util_min,
			    d->util_max ? d->util_max : EG_CAPACITY_SCALE, d->util_min_set);
	s->nr_alive++;
	/* A seed shifts each task's start by up to 1 ms, so several runs see
	 * different phase alignments; seed 0 = none. */
	if (s->config->seed) {
		uint64_t h = (s->config->seed + (uint64_t)desc_idx * 0x9e3779b97f4a7c15ULL) *
			     0xbf58476d1ce4e5b9ULL;

		start += (h >> 33) % NSEC_PER_MSEC;
	}
	t->wake_gen = 1;
	t->state = TASK_SLEEPING;
	t->wake_at = start;
	sim_push(s, start, SIM_EV_WAKE, s->nr_tasks - 1, 0, 1);
	return 0;
}

static void task_exit(struct sim *s, int task)
{
	struct sim_task *t = &s->tasks[task];
	struct eg_event ev = { .type = EG_EV_EXIT, .cpu = (int16_t)t->cpu };

	t->state = TASK_DEAD;
	s->nr_alive--;
	if (s->nr_alive == 0)
		s->result->completion_ns = s->now;
	ev.exit.pid = t->pid;
	sim_task_stop(s, task, TASK_DEAD);
	sim_engine_event(s, &ev);
}

/* RUN or RUNTIME: true when the work is done and the program goes on. */
static bool op_run(struct sim *s, struct sim_task *t, const struct eg_sim_op *op)
{
	if (!t->in_run) {
		t->in_run = true;
		t->runtime = op->code == EG_SIM_RUNTIME;
		t->remaining = op->code == EG_SIM_RUN ? op->work : op->ns;
		if (!t->act.open) {
			t->act.open = true;
			t->act.start = s->now;
			t->act.release = t->next_release && t->next_release <= s->now ?
						 t->next_release :
						 t->woke_at;
			t->next_release = 0;
			t->act.nominal_ns = 0;
			t->act.work = 0;
		}
		t->act.nominal_ns += op->code == EG_SIM_RUN ? op->nominal_ns : op->ns;
	}
	if (t->remaining) {
		/* The CPU_DONE event at the end of the work continues. */
		sim_arm_cpu(s, t->cpu);
		return false;
	}
	t->in_run = false;
	t->pc++;
	return true;
}

/* TIMER: true when the period has already passed and the program goes on. */
static bool op_timer(struct sim *s, int task, const struct eg_sim_op *op)
{
	struct sim_task *t = &s->tasks[task];
	struct sim_resource *rs = &s->resources[op->res];
	bool unique = op->flags & EG_SIM_F_UNIQUE;
	uint64_t *next = unique ? &t->timer_next[op->res] : &rs->timer_next;
	bool started = unique ? *next != 0 : rs->timer_started;

	/* The first use starts the timer's grid at the start of the activation
	 * it ends. */
	if (!started) {
		*next = t->act.open ? t->act.start : s->now;
		rs->timer_started = true;
	}
	*next += op->ns;
	/* As rt-app: the slack is measured against this period's end, negative
	 * when the work overran it. */
	sim_close_activation(s, t, *next, op->ns);
	t->pc++;
	if (*next > s->now) {
		t->next_release = *next;
		sim_task_sleep_until(s, task, *next);
		return false;
	}
	/* Late: go on at once. A relative timer restarts its grid from now, an
	 * absolute one keeps it and the next activations catch up (rt-app's
	 * "mode"). */
	if (!(op->flags & EG_SIM_F_ABSOLUTE))
		*next = s->now;
	t->next_release = *next;
	return true;
}

/* Wake the first waiter (or all of them) of a resource. */
static void wake_waiters(struct sim *s, struct sim_resource *rs, bool all)
{
	int w;

	do {
		w = res_take_waiter(rs);
		if (w >= 0)
			sim_task_wake(s, w, 0);
	} while (w >= 0 && all);
}

/* Block the task on resource r. */
static void block_on(struct sim *s, int task, int r)
{
	res_wait(s, r, task);
	s->tasks[task].blocked_res = r;
	s->tasks[task].blocked_at = s->now;
	sim_task_stop(s, task, TASK_BLOCKED);
}

/* Run one op of the task; true when the program goes on at once, false
 * when the task now runs, waits or ended. */
static bool task_op(struct sim *s, int task, const struct eg_sim_op *op)
{
	struct sim_task *t = &s->tasks[task];
	struct sim_resource *rs = NULL;

	if (op->res >= 0 && op->res < s->workload->nr_res)
		rs = &s->resources[op->res];

	switch (op->code) {
	case EG_SIM_RUN:
	case EG_SIM_RUNTIME:
		return op_run(s, t, op);
	case EG_SIM_SLEEP:
		t->pc++;
		sim_task_sleep_until(s, task, s->now + op->ns);
		return false;
	case EG_SIM_TIMER:
		return op_timer(s, task, op);
	case EG_SIM_LOCK:
		if (rs->holder >= 0 && rs->holder != task) {
			block_on(s, task, op->res);
			return false; /* pc stays: retried on wakeup */
		}
		rs->holder = task;
		t->pc++;
		return true;
	case EG_SIM_UNLOCK: {
		int w;

		t->pc++;
		if (rs->holder == task)
			rs->holder = -1;
		w = res_take_waiter(rs);
		if (w >= 0) {
			rs->holder = w;
			s->tasks[w].pc++; /* it now holds the lock */
			sim_task_wake(s, w, 0);
		}
		return true;
	}
	case EG_SIM_SIGNAL:
	case EG_SIM_BROAD:
		t->pc++;
		wake_waiters(s, rs, op->code == EG_SIM_BROAD);
		return true;
	case EG_SIM_WAIT:
		t->pc++;
		if (op->mutex >= 0 && s->resources[op->mutex].holder == task) {
			/* pthread_cond_wait: release the mutex while waiting;
			 * it is taken back without contention modelling
			 * (documented simplification). */
			s->resources[op->mutex].holder = -1;
		}
		block_on(s, task, op->res);
		return false;
	case EG_SIM_BARRIER:
		t->pc++;
		rs->arrived++;
		if (rs->arrived < s->workload->res[op->res].users) {
			block_on(s, task, op->res);
			return false;
		}
		rs->arrived = 0;
		wake_waiters(s, rs, true);
		return true;
	case EG_SIM_SUSPEND:
		t->pc++;
		if (t->resume_pending) {
			t->resume_pending = false;
			return true;
		}
		t->blocked_res = SIM_BLOCKED_SUSPEND;
		t->blocked_at = s->now;
		sim_task_stop(s, task, TASK_BLOCKED);
		return false;
	case EG_SIM_RESUME:
		t->pc++;
		for (int k = 0; k < s->nr_tasks; k++) {
			struct sim_task *o = &s->tasks[k];

			if (o->desc_idx != op->task || o->state == TASK_DEAD)
				continue;
			if (o->state == TASK_BLOCKED && o->pc > 0 &&
			    o->desc->ops[o->pc - 1].code == EG_SIM_SUSPEND)
				sim_task_wake(s, k, 0);
			else
				o->resume_pending = true;
		}
		return true;
	case EG_SIM_YIELD:
		t->pc++;
		if (t->cpu >= 0 && s->cpu[t->cpu].nr_rq) {
			t->state = TASK_RUNNABLE;
			sim_rq_add(s, t->cpu, task);
			sim_cpu_reschedule(s, t->cpu);
			return false;
		}
		return true;
	case EG_SIM_FORK:
		t->pc++;
		return sim_spawn(s, op->task) >= 0;
	case EG_SIM_LOOP_BEGIN:
		t->loop_left[op->loop] = (uint32_t)op->count;
		t->pc++;
		return true;
	case EG_SIM_LOOP_END:
		/* 0 = forever; else count down. */
		if (t->loop_left[op->loop] == 0 || --t->loop_left[op->loop] > 0)
			t->pc = (int)op->begin + 1;
		else
			t->pc++;
		return true;
	case EG_SIM_EXIT:
		t->pc = t->desc->nr_ops;
		return true;
	case EG_SIM_IOWAIT:
		t->pc++;
		t->iowait = true;
		sim_task_sleep_until(s, task, s->now + op->ns);
		return false;
	case EG_SIM_SETSCHED:
		t->pc++;
		sim_set_sched(t, (enum eg_sim_policy)op->policy, (int)op->prio);
		sim_task_uclamp_refresh(s, task);
		return true;
	case EG_SIM_SETUCLAMP:
		t->pc++;
		/* -1 keeps a bound; a pair the kernel would refuse (min over
		 * max) leaves the clamp as it was, as a failed sched_setattr. */
		sim_task_set_uclamp(
			s, task, op->clamp_min >= 0 ? (uint32_t)op->clamp_min : t->uclamp_min_req,
			op->clamp_max >= 0 ? (uint32_t)op->clamp_max : t->uclamp_max,
			op->clamp_min >= 0 || t->uclamp_min_user);
		return true;
	case EG_SIM_SETCPUS:
		t->pc++;
		sim_task_set_mask(t, &t->desc->masks[op->mask]);
		if (!task_allowed(t, t->cpu)) {
			/* Moved off a CPU it may no longer use. */
			t->blocked_res = SIM_BLOCKED_MOVE;
			sim_task_stop(s, task, TASK_BLOCKED);
			sim_task_wake(s, task, 0);
			return false;
		}
		return true;
	default:
		s->err = -EINVAL;
		return false;
	}
}

/* Run the task's program from its pc until it needs CPU time or waits.
 * The task is running on its CPU when this is called. */
void sim_task_step(struct sim *s, int task)
{
	for (int n = 0; n < SIM_STEP_OPS_MAX && !s->err; n++) {
		struct sim_task *t = &s->tasks[task];

		/* Waking another task may have preempted this one: it goes on
		 * when it runs again. */
		if (t->state != TASK_RUNNING)
			return;
		t->ran = true;
		if (t->pc >= t->desc->nr_ops) {
			task_exit(s, task);
			return;
		}
		if (!task_op(s, task, &t->desc->ops[t->pc]))
			return;
	}
	if (!s->err)
		s->err = -ELOOP; /* a program that never waits nor runs */
}
