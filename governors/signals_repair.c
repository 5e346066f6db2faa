// SPDX-License-Identifier: GPL-2.0-or-later
/* Repair after lost scheduler events: sources drop events (perf buffers
 * overflow, VMs lose switches, bpf and poll send none), and each later event
 * proves some of what was missed. These functions restore what it proves. */
#include "signals_internal.h"
#include "util.h"

/* t, runnable on idle cpu, is switched out at now: its switch in was lost.
 * It ran from when it could: max(its enqueue, the CPU going idle). Our record
 * of when the CPU was last brought up to date is no estimate of that (every
 * event of the domain syncs it), and the perf source's mirror credits this
 * same span, so its reconciliation only adds what neither of us saw. */
static void lost_switch_in(struct eg_signals *s, int cpu, struct eg_task *t, uint64_t now)
{
	struct eg_cpu_signals *c = &s->cpu[cpu];
	uint64_t start = EG_MIN(EG_MAX(t->enqueued_ns, c->idle_since), now);
	uint64_t upto = EG_MIN(c->last_ns, now);
	uint32_t cs = sig_cpu_scale(s, cpu), fs = sig_freq_scale(s, cpu);
	bool rt = sig_prio_is_rt(t->prio);

	/* Up to start the CPU was idle and t waited. */
	sig_cpu_sync(s, cpu, start);
	sig_task_sync(s, t, start);
	/* From start to where the CPU's record got (or the switch, if a sync
	 * went past it), t ran: busy time, and util in the averages that took
	 * that time as idle. The CFS average and the task's counted t as
	 * runnable already; the RT one did not. */
	if (upto > start) {
		c->busy_ns += upto - start;
		t->runtime_ns += upto - start;
	}
	eg_pelt_backdate_run(rt ? &c->rt : &c->cfs, start, now, cs, fs, !rt);
	eg_pelt_backdate_run(&t->avg, start, now, cs, fs, true);
	/* The rest, up to the switch, accrues as running. */
	t->state = EG_TASK_RUNNING;
	c->curr_pid = t->pid;
	c->curr_prio = t->prio;
}

/* t, current on cpu since its switch in, is found gone at a switch out of
 * idle at now: the CPU, t's averages and run time go back to that switch
 * in, t is taken off there (it blocked, not seen), and the CPU is brought
 * to now idle. */
static void lost_switch_out(struct eg_signals *s, int cpu, struct eg_task *t, uint64_t now)
{
	struct eg_cpu_signals *c = &s->cpu[cpu];
	uint64_t since = c->at_switch.ts;

	c->cfs = c->at_switch.cfs;
	c->rt = c->at_switch.rt;
	c->busy_ns = c->at_switch.busy_ns;
	c->last_ns = since;
	t->avg = c->at_switch.task_avg;
	t->runtime_ns = c->at_switch.task_runtime_ns;
	c->curr_pid = 0;
	c->at_switch.pid = 0;
	if (t->state != EG_TASK_SLEEPING)
		sig_task_dequeue(s, t, since, false);
	c->idle_since = since;
	sig_cpu_sync(s, cpu, now);
}

/* The recorded current task of cpu is not the switch's prev: events were
 * lost. Repair what the switch proves before applying it. */
void sig_switch_resync(struct eg_signals *s, int cpu, int32_t prev, uint64_t now)
{
	struct eg_cpu_signals *c = &s->cpu[cpu];
	struct eg_task *t;

	if (c->curr_pid == 0) {
		/* The switch out of idle was lost (seen on VMs, see
		 * platform-notes.md). If prev was waiting on this CPU, it
		 * started right away: a CPU does not stay idle with a task
		 * runnable on it, and any later event would have been on our
		 * record. Without such a wakeup we cannot tell when it
		 * started, and the gap stays idle. */
		t = eg_task_table_find(&s->tasks, prev);
		if (t && t->cpu == cpu && t->state == EG_TASK_RUNNABLE)
			lost_switch_in(s, cpu, t, now);
		return;
	}
	t = eg_task_table_find(&s->tasks, c->curr_pid);
	if (prev == 0 && t && t->cpu == cpu && c->at_switch.pid == t->pid &&
	    c->at_switch.ts <= now && c->at_switch.ts >= c->idle_since) {
		/* The CPU was idle before this switch, and the task our
		 * record has running since its switch in left through a
		 * switch we lost, at an unknown moment since. Charged up to
		 * now, the idle gap would count busy, and a CPU losing such
		 * switches would read busier than it can be; the averages go
		 * back to that switch in and the time since counts idle. */
		lost_switch_out(s, cpu, t, now);
		return;
	}
	/* Another task was current: it stopped at an unknown moment, charged
	 * up to now. Its block was most likely the lost event; a later switch
	 * to it re-enqueues it. */
	sig_cpu_sync(s, cpu, now);
	c->curr_pid = 0;
	if (t && t->cpu == cpu && t->state != EG_TASK_SLEEPING)
		sig_task_dequeue(s, t, now, false);
}

/* A source without switch events (bpf, poll) reports wakeups of RT and
 * watched tasks so that their CPU ramps at once, but never says when they
 * stop: without this they would count as runnable forever. Each busy sample
 * closes what such wakeups opened on its CPU. A switch to idle does the same
 * for tasks that left the CPU through an event we lost. */
void sig_forget_cpu_tasks(struct eg_signals *s, int cpu, uint64_t now)
{
	struct eg_cpu_signals *c = &s->cpu[cpu];

	if (!c->nr_running && !c->curr_pid)
		return;
	for (uint32_t i = 0; i < s->tasks.cap; i++) {
		struct eg_task *t = &s->tasks.slots[i];

		if (t->pid && t->cpu == cpu && t->state != EG_TASK_SLEEPING)
			sig_task_dequeue(s, t, now, false);
	}
	c->curr_pid = 0;
}
