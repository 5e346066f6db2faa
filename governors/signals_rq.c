// SPDX-License-Identifier: GPL-2.0-or-later
/* Run-queue accounting of the signals: what a task's state changes (enqueue,
 * dequeue, migration, class or clamp change) do to its CPU's averages,
 * counts, util_est and uclamp, following the kernel's fair.c (6.8+). */
#include <string.h>

#include "signals_internal.h"
#include "util.h"

static void sub_positive32(uint32_t *v, uint32_t d)
{
	*v = *v > d ? *v - d : 0;
}

static void sub_positive64(uint64_t *v, uint64_t d)
{
	*v = *v > d ? *v - d : 0;
}

static uint32_t task_util_est(const struct eg_task *t)
{
	return EG_MAX(t->util_est_ewma, t->util_est_enqueued);
}

void sig_task_sync(struct eg_signals *s, struct eg_task *t, uint64_t now)
{
	eg_pelt_update_nr(&t->avg, now, t->state == EG_TASK_RUNNING, t->state != EG_TASK_SLEEPING,
			  sig_cpu_scale(s, t->cpu), sig_freq_scale(s, t->cpu));
}

/* Bring a CPU up to now, unless busy samples drive it (their CPU's state
 * between samples is not known: taking it as idle would lose the busy time
 * of the sample that comes next). */
void sig_cpu_sync(struct eg_signals *s, int cpu, uint64_t now)
{
	if (!s->cpu[cpu].sampled)
		sig_cpu_advance(s, cpu, now);
}

/* p accrues nothing up to now: less than one 1024-ns unit to account. */
static inline bool pelt_current(const struct eg_pelt *p, uint64_t now)
{
	return now <= p->last_update_ns || now - p->last_update_ns < 1024;
}

void sig_cpu_advance(struct eg_signals *s, int cpu, uint64_t now)
{
	struct eg_cpu_signals *c = &s->cpu[cpu];
	struct eg_task *curr = c->curr_pid ? eg_task_table_find(&s->tasks, c->curr_pid) : NULL;
	bool curr_rt, curr_cfs;
	uint32_t nr_cfs, cs, fs;

	/* Half the calls find the CPU at now already (a domain's CPUs are
	 * brought up at every event of one of them): only its task may lag. */
	if (now <= c->last_ns && pelt_current(&c->cfs, now) && pelt_current(&c->rt, now)) {
		if (curr)
			sig_task_sync(s, curr, now);
		return;
	}
	curr_rt = c->curr_pid != 0 && sig_prio_is_rt(c->curr_prio);
	curr_cfs = c->curr_pid != 0 && !curr_rt;
	nr_cfs = c->nr_running - EG_MIN(c->nr_rt_running, c->nr_running);
	cs = sig_cpu_scale(s, cpu);
	fs = sig_freq_scale(s, cpu);
	eg_pelt_update_nr(&c->cfs, now, curr_cfs, nr_cfs, cs, fs);
	/* The kernel's rt_rq average only sees "an RT task runs". */
	eg_pelt_update_nr(&c->rt, now, curr_rt, curr_rt, cs, fs);
	if (now > c->last_ns) {
		if (c->curr_pid != 0) {
			c->busy_ns += now - c->last_ns;
			if (curr) {
				curr->runtime_ns += now - c->last_ns;
				eg_task_activity_run(&curr->act, now - c->last_ns, cs, fs);
			}
		}
		c->last_ns = now;
	}
	if (curr)
		sig_task_sync(s, curr, now);
}

/* uclamp of a CPU: max over its enqueued tasks, 0 / 1024 when it has none. */
void sig_cpu_uclamp_reset(struct eg_cpu_signals *c)
{
	c->uclamp_min = 0;
	c->uclamp_max = EG_CAPACITY_SCALE;
}

static void cpu_uclamp_add(struct eg_cpu_signals *c, const struct eg_task *t, bool first)
{
	if (first) {
		c->uclamp_min = t->util_min;
		c->uclamp_max = t->util_max;
	} else {
		c->uclamp_min = EG_MAX(c->uclamp_min, t->util_min);
		c->uclamp_max = EG_MAX(c->uclamp_max, t->util_max);
	}
}

static bool uclamp_is_default(uint32_t min, uint32_t max)
{
	return min == 0 && max == EG_CAPACITY_SCALE;
}

/* After t left cpu: recompute the aggregate. Only clamped tasks can hold it
 * away from the default, so the (costly) table scan happens only while some
 * remain enqueued on the CPU. When t was the last, the CPU keeps t's max
 * (and drops the min), as the kernel's idle run queue does, so that its
 * blocked util is not counted uncapped. */
static void cpu_uclamp_del(struct eg_signals *s, int cpu, const struct eg_task *t)
{
	struct eg_cpu_signals *c = &s->cpu[cpu];
	bool first = true;

	if (!uclamp_is_default(t->util_min, t->util_max))
		sub_positive32(&c->nr_uclamped, 1);
	else if (c->nr_uclamped == 0)
		return;
	sig_cpu_uclamp_reset(c);
	if (c->nr_running == 0) {
		c->uclamp_max = t->util_max;
		return;
	}
	if (c->nr_uclamped == 0)
		return;
	for (uint32_t i = 0; i < s->tasks.cap; i++) {
		const struct eg_task *o = &s->tasks.slots[i];

		if (o->pid == 0 || o == t || o->cpu != cpu || o->state == EG_TASK_SLEEPING)
			continue;
		cpu_uclamp_add(c, o, first);
		first = false;
	}
}

/* Count t (runnable or running) into its CPU's runqueue figures. */
static void rq_add(struct eg_signals *s, struct eg_task *t)
{
	struct eg_cpu_signals *c;

	if (!sig_cpu_ok(s, t->cpu))
		return;
	c = &s->cpu[t->cpu];
	cpu_uclamp_add(c, t, c->nr_running == 0);
	if (!uclamp_is_default(t->util_min, t->util_max))
		c->nr_uclamped++;
	c->nr_running++;
	t->act.rq_need = eg_task_activity_need(&t->act, 100);
	if (sig_prio_is_rt(t->prio)) {
		c->nr_rt_running++;
		if (t->act.rq_need) {
			c->rt_demand += t->act.rq_need;
			c->rt_work_ns = EG_MAX(c->rt_work_ns, t->act.act_work_ns);
			c->rt_lat_ns = c->rt_lat_ns ? EG_MIN(c->rt_lat_ns, t->act.act_lat_ns) :
						      t->act.act_lat_ns;
		} else {
			c->nr_rt_unknown++;
		}
	} else {
		if (t->act.rq_need)
			c->cfs_demand += t->act.rq_need;
		else
			c->nr_cfs_unknown++;
	}
	if (!sig_prio_is_rt(t->prio))
		c->util_est += task_util_est(t);
}

void sig_rq_del(struct eg_signals *s, struct eg_task *t)
{
	struct eg_cpu_signals *c;

	if (!sig_cpu_ok(s, t->cpu))
		return;
	c = &s->cpu[t->cpu];
	sub_positive32(&c->nr_running, 1);
	if (sig_prio_is_rt(t->prio)) {
		sub_positive32(&c->nr_rt_running, 1);
		if (t->act.rq_need)
			sub_positive32(&c->rt_demand, t->act.rq_need);
		else
			sub_positive32(&c->nr_rt_unknown, 1);
		/* The max and min cannot be taken back one task at a time:
		 * they are kept until the CPU has no RT task left, which errs
		 * on the side of more capacity. */
		if (c->nr_rt_running == 0) {
			c->rt_work_ns = 0;
			c->rt_lat_ns = 0;
		}
	} else {
		if (t->act.rq_need)
			sub_positive32(&c->cfs_demand, t->act.rq_need);
		else
			sub_positive32(&c->nr_cfs_unknown, 1);
	}
	t->act.rq_need = 0;
	if (!sig_prio_is_rt(t->prio))
		sub_positive32(&c->util_est, task_util_est(t));
	cpu_uclamp_del(s, t->cpu, t);
}

/* The kernel's detach_entity_load_avg: the task's share leaves the CPU's CFS
 * sums; util_sum is kept consistent with what is left of util_avg. */
void sig_cfs_detach(struct eg_signals *s, struct eg_task *t)
{
	struct eg_pelt *rq;

	if (!sig_cpu_ok(s, t->cpu) || sig_prio_is_rt(t->prio))
		return;
	rq = &s->cpu[t->cpu].cfs;
	sub_positive32(&rq->util_avg, t->avg.util_avg);
	sub_positive64(&rq->util_sum, t->avg.util_sum);
	rq->util_sum = EG_MAX(rq->util_sum, (uint64_t)rq->util_avg * EG_PELT_MIN_DIVIDER);
	sub_positive32(&rq->runnable_avg, t->avg.runnable_avg);
	sub_positive64(&rq->runnable_sum, t->avg.runnable_sum);
	rq->runnable_sum =
		EG_MAX(rq->runnable_sum, (uint64_t)rq->runnable_avg * EG_PELT_MIN_DIVIDER);
}

/* attach_entity_load_avg: the task takes the CPU's time base (period
 * position), its sums are rebuilt from its averages and added. */
static void cfs_attach(struct eg_signals *s, struct eg_task *t)
{
	struct eg_pelt *rq;
	uint32_t div;

	if (!sig_cpu_ok(s, t->cpu) || sig_prio_is_rt(t->prio))
		return;
	rq = &s->cpu[t->cpu].cfs;
	t->avg.last_update_ns = rq->last_update_ns;
	t->avg.period_contrib = rq->period_contrib;
	div = eg_pelt_divider(rq);
	t->avg.util_sum = (uint64_t)t->avg.util_avg * div;
	t->avg.runnable_sum = (uint64_t)t->avg.runnable_avg * div;
	rq->util_avg += t->avg.util_avg;
	rq->util_sum += t->avg.util_sum;
	rq->runnable_avg += t->avg.runnable_avg;
	rq->runnable_sum += t->avg.runnable_sum;
}

/* util_est at a dequeue for sleep (kernel 6.8+ util_est_update). */
static void util_est_update(struct eg_task *t)
{
	uint32_t ewma = t->util_est_ewma;
	uint32_t dequeued = t->avg.util_avg;
	uint32_t diff;

	/* The kernel's UTIL_AVG_UNCHANGED: the task's util did not move since
	 * the last dequeue (it did not run long enough to cross a period), so
	 * there is no new sample to learn from. */
	if (dequeued == t->util_est_enqueued)
		return;
	t->util_est_enqueued = dequeued;
	/* Rises are taken at once: the ewma only smooths decreases, so a task
	 * that grows gets its frequency on its next wakeup. */
	if (ewma <= dequeued) {
		t->util_est_ewma = dequeued;
		return;
	}
	/* Within ~1% of the last activation: not worth moving. */
	diff = ewma - dequeued;
	if (diff < EG_UTIL_EST_MARGIN)
		return;
	/* The task wanted more CPU than it got (it waited): its util
	 * underestimates its need, so do not decay towards it. */
	if (dequeued + EG_UTIL_EST_MARGIN < t->avg.runnable_avg)
		return;
	/* ewma += (dequeued - ewma) / 4, in the kernel's shifted form. */
	t->util_est_ewma = ((ewma << 2) - diff) >> 2;
}

/* t moves to dest: the runqueue figures and (for CFS) its util go along. */
void sig_task_move(struct eg_signals *s, struct eg_task *t, int dest, uint64_t now)
{
	int src = t->cpu;
	bool queued;

	if (src == dest || !sig_cpu_ok(s, dest))
		return;
	if (sig_cpu_ok(s, src)) {
		sig_cpu_sync(s, src, now);
		/* It was running there and the switch away was lost: the
		 * source CPU can't still be running it. */
		if (s->cpu[src].curr_pid == t->pid) {
			s->cpu[src].curr_pid = 0;
			s->cpu[src].idle_since = now;
			if (t->state == EG_TASK_RUNNING)
				t->state = EG_TASK_RUNNABLE;
		}
	}
	sig_task_sync(s, t, now);
	if (t->state == EG_TASK_RUNNING)
		t->state = EG_TASK_RUNNABLE;
	queued = t->state != EG_TASK_SLEEPING;
	if (queued)
		sig_rq_del(s, t);
	sig_cfs_detach(s, t);
	sig_cpu_sync(s, dest, now);
	t->cpu = (int16_t)dest;
	cfs_attach(s, t);
	if (queued) {
		t->enqueued_ns = now;
		rq_add(s, t);
	}
}

/* SLEEPING -> RUNNABLE on t->cpu. */
void sig_task_enqueue(struct eg_signals *s, struct eg_task *t, uint64_t now)
{
	if (sig_cpu_ok(s, t->cpu))
		sig_cpu_sync(s, t->cpu, now);
	sig_task_sync(s, t, now);
	t->state = EG_TASK_RUNNABLE;
	t->enqueued_ns = now;
	eg_task_activity_wake(&t->act, now);
	rq_add(s, t);
}

/* RUNNABLE / RUNNING -> SLEEPING. */
void sig_task_dequeue(struct eg_signals *s, struct eg_task *t, uint64_t now, bool sleep)
{
	if (sig_cpu_ok(s, t->cpu))
		sig_cpu_sync(s, t->cpu, now);
	sig_task_sync(s, t, now);
	sig_rq_del(s, t);
	if (sleep && !sig_prio_is_rt(t->prio))
		util_est_update(t);
	if (sleep)
		eg_task_activity_sleep(&t->act, now);
	t->state = EG_TASK_SLEEPING;
}

/* A task changes class (setscheduler) or prio: re-count it under the new one. */
void sig_task_set_prio(struct eg_signals *s, struct eg_task *t, int prio, uint64_t now)
{
	bool queued = t->state != EG_TASK_SLEEPING;

	if (t->prio == prio)
		return;
	if (sig_prio_is_rt(t->prio) == sig_prio_is_rt(prio)) {
		t->prio = (int16_t)prio;
		return;
	}
	if (sig_cpu_ok(s, t->cpu))
		sig_cpu_sync(s, t->cpu, now);
	if (queued)
		sig_rq_del(s, t);
	sig_cfs_detach(s, t);
	t->prio = (int16_t)prio;
	cfs_attach(s, t);
	if (queued)
		rq_add(s, t);
	if (sig_cpu_ok(s, t->cpu) && s->cpu[t->cpu].curr_pid == t->pid)
		s->cpu[t->cpu].curr_prio = (int16_t)prio;
}

/* uclamp values of t as a switch reports them; a queued task is re-counted
 * so that its CPU's aggregate follows. A source that knows nothing of uclamp
 * leaves util_max at 0: read that as unset rather than "clamp to 0". */
void sig_task_set_uclamp(struct eg_signals *s, struct eg_task *t, uint32_t min, uint32_t max)
{
	bool queued = t->state != EG_TASK_SLEEPING;

	min = EG_MIN(min, EG_CAPACITY_SCALE);
	max = max ? EG_MIN(max, EG_CAPACITY_SCALE) : EG_CAPACITY_SCALE;
	if (t->util_min == min && t->util_max == max)
		return;
	if (queued)
		sig_rq_del(s, t);
	t->util_min = min;
	t->util_max = max;
	if (queued)
		rq_add(s, t);
}

/* The kernel's post_init_entity_util_avg for a forked CFS task: half the
 * CPU's spare capacity, or less when the CPU's util spread over its runnable
 * load is smaller (util * weight / load; with nice-0 weights load/weight is
 * the runnable average), so that a fork bomb cannot claim the whole CPU. */
void sig_task_init_new(struct eg_signals *s, struct eg_task *t, uint64_t now)
{
	const struct eg_pelt *rq;
	uint32_t cap, util;

	if (!sig_cpu_ok(s, t->cpu) || sig_prio_is_rt(t->prio))
		return;
	sig_cpu_sync(s, t->cpu, now);
	rq = &s->cpu[t->cpu].cfs;
	cap = sig_cpu_scale(s, t->cpu);
	if (rq->util_avg >= cap)
		return;
	cap = (cap - rq->util_avg) / 2;
	util = cap;
	if (rq->util_avg)
		util = EG_MIN(cap, (uint32_t)((uint64_t)rq->util_avg * EG_CAPACITY_SCALE /
					      (rq->runnable_avg + 1)));
	t->avg.util_avg = util;
	t->avg.runnable_avg = util;
	cfs_attach(s, t);
}

/* Find pid, or start tracking it (sleeping, on cpu). The caller reserved
 * room, so this never grows the table. */
struct eg_task *sig_task_get(struct eg_signals *s, int32_t pid, int prio, int cpu, uint64_t now,
			     bool *created)
{
	struct eg_task *t = eg_task_table_find(&s->tasks, pid);
	struct eg_task fresh;

	if (created)
		*created = false;
	if (t || pid <= 0)
		return t;
	if ((uint64_t)(s->tasks.used + 1) * 2 > s->tasks.cap)
		return NULL;
	memset(&fresh, 0, sizeof(fresh));
	fresh.pid = pid;
	fresh.prio = (int16_t)prio;
	fresh.cpu = (int16_t)cpu;
	fresh.state = EG_TASK_SLEEPING;
	fresh.util_max = EG_CAPACITY_SCALE;
	eg_pelt_reset(&fresh.avg, now);
	if (created)
		*created = true;
	return eg_task_table_place(&s->tasks, &fresh);
}
