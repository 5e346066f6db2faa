// SPDX-License-Identifier: GPL-2.0-or-later
/* What the engine does per task rather than per domain: boosts, the clamp
 * hints a policy gives a task at its wakeup, and each CPU's resume-latency
 * limit (fixed while RT runs, predicted from the task it waits for). */
#include "engine_internal.h"
#include "util.h"

void engine_emit(struct eg_decisions *out, uint64_t ts, enum eg_decision_type type, unsigned flags,
		 enum eg_reason reason, int target, uint32_t value)
{
	struct eg_decision *d;

	if (!out)
		return;
	if (out->n >= EG_MAX_DECISIONS) {
		out->overflow = true;
		return;
	}
	d = &out->d[out->n++];
	d->ts = ts;
	d->type = (uint16_t)type;
	d->flags = (uint16_t)flags;
	d->reason = (uint16_t)reason;
	d->target = target;
	d->value = value;
}

bool engine_task_boosted(struct eg_engine *e, int32_t pid, uint64_t now)
{
	for (int i = 0; i < EG_MAX_BOOSTS; i++)
		if (e->boost[i].pid == pid && e->boost[i].until > now)
			return true;
	return false;
}

void engine_add_boost(struct eg_engine *e, int32_t pid, uint64_t until)
{
	int slot = 0;

	for (int i = 0; i < EG_MAX_BOOSTS; i++) {
		if (e->boost[i].pid == pid) {
			slot = i;
			break;
		}
		/* Otherwise reuse the entry that expires first. */
		if (e->boost[i].until < e->boost[slot].until)
			slot = i;
	}
	e->boost[slot].pid = pid;
	e->boost[slot].until = until;
}

/* A CPU's resume-latency limit: the fixed one while an RT task is runnable
 * there (rt_idle_latency_us), and the one predicted at its last idle entry;
 * sent when the smaller of the two changes. */
void engine_idle_latency(struct eg_engine *e, int cpu, uint64_t now, struct eg_decisions *out)
{
	struct eg_idle_qos_cpu *c;
	uint32_t v;

	if (cpu < 0 || cpu >= EG_MAX_CPUS)
		return;
	c = &e->iq.cpu[cpu];
	if (e->cfg.rt_idle_latency_us)
		c->rt_set = e->sig.cpu[cpu].online && eg_signals_rt_runnable(&e->sig, cpu);
	if (eg_idle_qos_update(c, e->cfg.rt_idle_latency_us, &v))
		engine_emit(out, now, EG_DEC_IDLE_LATENCY, 0, EG_REASON_RT, cpu, v);
}

/* The task a switch puts to sleep, when its wakeup is latency-sensitive
 * (RT, or boosted): the idle QoS prediction follows it. */
const struct eg_task *engine_idle_qos_sleeper(struct eg_engine *e, const struct eg_event *ev)
{
	const struct eg_task *t;

	if (ev->sw.prev_pid <= 0 || ev->sw.prev_runnable ||
	    !(t = eg_task_table_find(&e->sig.tasks, ev->sw.prev_pid)))
		return NULL;
	if (eg_prio_class(t->pid, t->prio) >= EG_CLASS_RT || engine_task_boosted(e, t->pid, ev->ts))
		return t;
	return NULL;
}

/* A policy that hints task clamps is asked at each wakeup; a hint is sent
 * when it moves by more than HINT_STEP (or is the task's first), so that a
 * steady task costs one sched_setattr, not one per activation. */
#define HINT_STEP 32U

static uint32_t clamp_dist(uint32_t a, uint32_t b)
{
	uint32_t dmin = eg_uclamp_min(a) > eg_uclamp_min(b) ? eg_uclamp_min(a) - eg_uclamp_min(b) :
							      eg_uclamp_min(b) - eg_uclamp_min(a);
	uint32_t dmax = eg_uclamp_max(a) > eg_uclamp_max(b) ? eg_uclamp_max(a) - eg_uclamp_max(b) :
							      eg_uclamp_max(b) - eg_uclamp_max(a);

	return EG_MAX(dmin, dmax);
}

void engine_task_hint(struct eg_engine *e, int cpu, int32_t pid, uint64_t now,
		      struct eg_decisions *out)
{
	int pdi = cpu >= 0 && cpu < EG_MAX_CPUS ? e->m->cpu_pd[cpu] : -1;
	const struct engine_pd *p;
	struct eg_task *t;
	uint32_t min, max, packed;

	if (pdi < 0)
		return;
	p = &e->pd[pdi];
	if (!p->ops || !p->ops->task_clamp || !(t = eg_task_table_find(&e->sig.tasks, pid)))
		return;
	if (!p->ops->task_clamp(p->state, &t->act, t->prio, &min, &max))
		return;
	packed = eg_uclamp_pack(EG_MIN(min, EG_CAPACITY_SCALE), EG_MIN(max, EG_CAPACITY_SCALE));
	/* A task never hinted keeps its own clamp until there is one to give. */
	if (!t->clamp_hint && packed == eg_uclamp_pack(0, EG_CAPACITY_SCALE))
		return;
	if (t->clamp_hint && clamp_dist(packed, t->clamp_hint) <= HINT_STEP)
		return;
	t->clamp_hint = packed;
	engine_emit(out, now, EG_DEC_TASK_UCLAMP, 0, EG_REASON_UTIL, pid, packed);
	/* The platform applies it at once; the signals would otherwise only
	 * learn it at the task's next switch in. */
	eg_signals_set_task_uclamp(&e->sig, pid, eg_uclamp_min(packed), eg_uclamp_max(packed));
}
