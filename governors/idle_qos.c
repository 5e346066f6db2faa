// SPDX-License-Identifier: GPL-2.0-or-later
/* Predictive resume-latency limits: when the next latency-sensitive wakeup
 * of a CPU is due, and which idle states break even before it. A few slots
 * per CPU, so the engine pays a handful of compares per switch. */
#include <string.h>

#include "idle_qos.h"
#include "util.h"

static bool cpu_ok(const struct eg_idle_qos *q, int cpu)
{
	return cpu >= 0 && cpu < q->nr_cpus && cpu < EG_MAX_CPUS;
}

void eg_idle_qos_init(struct eg_idle_qos *q, const struct eg_model *m)
{
	memset(q, 0, sizeof(*q));
	q->m = m;
	q->nr_cpus = m->nr_cpus;
}

int eg_idle_qos_forget(struct eg_idle_qos *q, int32_t pid)
{
	int held = -1;

	if (pid <= 0)
		return -1;
	for (int cpu = 0; cpu < q->nr_cpus && cpu < EG_MAX_CPUS; cpu++) {
		struct eg_idle_qos_cpu *c = &q->cpu[cpu];

		for (int i = 0; i < EG_IDLE_QOS_SLOTS; i++) {
			if (c->pid[i] == pid) {
				c->pid[i] = 0;
				held = cpu;
			}
		}
	}
	return held;
}

void eg_idle_qos_sleep(struct eg_idle_qos *q, int cpu, int32_t pid,
		       const struct eg_task_activity *a, uint64_t now)
{
	struct eg_idle_qos_cpu *c;
	uint64_t due;
	int slot = -1;

	eg_idle_qos_forget(q, pid);
	if (!cpu_ok(q, cpu) || pid <= 0 || !eg_task_activity_periodic(a) || !a->wake_ns)
		return;
	due = a->wake_ns + a->period_ns;
	/* Asleep past a whole period already: the next one. */
	if (due <= now)
		due += ((now - due) / a->period_ns + 1) * a->period_ns;
	c = &q->cpu[cpu];
	for (int i = 0; i < EG_IDLE_QOS_SLOTS; i++) {
		if (!c->pid[i]) {
			slot = i;
			break;
		}
		/* Full: the prediction due last gives way to a sooner one. */
		if (c->due[i] > due && (slot < 0 || c->due[i] > c->due[slot]))
			slot = i;
	}
	if (slot < 0)
		return;
	c->pid[slot] = pid;
	c->due[slot] = due;
	c->period[slot] = a->period_ns;
}

uint64_t eg_idle_qos_next_due(struct eg_idle_qos *q, int cpu, uint64_t now)
{
	struct eg_idle_qos_cpu *c;
	uint64_t next = UINT64_MAX;

	if (!cpu_ok(q, cpu))
		return next;
	c = &q->cpu[cpu];
	for (int i = 0; i < EG_IDLE_QOS_SLOTS; i++) {
		if (!c->pid[i])
			continue;
		if (c->due[i] + c->period[i] / 2 < now) {
			c->pid[i] = 0;
			continue;
		}
		next = EG_MIN(next, c->due[i]);
	}
	return next;
}

/* A state pays for a sleep of until_ns when its residency, scaled, fits. */
static bool pays(uint32_t residency_us, uint64_t until_ns, uint32_t pct)
{
	return (uint64_t)residency_us * NSEC_PER_USEC * pct / 100 <= until_ns;
}

uint32_t eg_idle_qos_limit_us(const struct eg_pd *pd, uint64_t until_ns, uint32_t pct)
{
	uint32_t deepest, limit = 1;

	if (!pd || !pd->nr_cpu_idle)
		return 0;
	deepest = pd->nr_cluster_idle ? pd->cluster_idle[pd->nr_cluster_idle - 1].residency_us :
					pd->cpu_idle[pd->nr_cpu_idle - 1].residency_us;
	if (pays(deepest, until_ns, pct))
		return 0;
	limit = EG_MAX(limit, pd->cpu_idle[0].exit_us);
	for (int i = 0; i < pd->nr_cpu_idle; i++)
		if (pays(pd->cpu_idle[i].residency_us, until_ns, pct))
			limit = EG_MAX(limit, pd->cpu_idle[i].exit_us);
	for (int i = 0; i < pd->nr_cluster_idle; i++)
		if (pays(pd->cluster_idle[i].residency_us, until_ns, pct))
			limit = EG_MAX(limit, pd->cluster_idle[i].exit_us);
	return limit;
}

bool eg_idle_qos_update(struct eg_idle_qos_cpu *c, uint32_t rt_us, uint32_t *value)
{
	uint32_t v = c->want_us;

	if (c->rt_set && rt_us && (!v || rt_us < v))
		v = rt_us;
	if (v == c->sent_us)
		return false;
	c->sent_us = v;
	*value = v;
	return true;
}

/* The limit cpu's soonest predicted wakeup asks for, from now. */
static void refresh(struct eg_idle_qos *q, int cpu, uint64_t now)
{
	struct eg_idle_qos_cpu *c = &q->cpu[cpu];
	uint64_t due = eg_idle_qos_next_due(q, cpu, now);

	c->want_us = due == UINT64_MAX ? 0 :
					 eg_idle_qos_limit_us(eg_model_cpu_pd(q->m, cpu),
							      due > now ? due - now : 0, c->pct);
}

void eg_idle_qos_switch(struct eg_idle_qos *q, const struct eg_event *ev,
			const struct eg_task *sleeper)
{
	int cpu = ev->cpu;

	if (!cpu_ok(q, cpu) || !q->cpu[cpu].pct)
		return;
	if (sleeper)
		eg_idle_qos_sleep(q, cpu, sleeper->pid, &sleeper->act, ev->ts);
	if (ev->sw.next_pid == 0)
		refresh(q, cpu, ev->ts);
}

int eg_idle_qos_wakeup(struct eg_idle_qos *q, const struct eg_signals *sig, int32_t pid, int cpu,
		       uint64_t now)
{
	int held = eg_idle_qos_forget(q, pid);

	if (held < 0 || held == cpu || !q->cpu[held].pct || sig->cpu[held].curr_pid != 0)
		return -1;
	refresh(q, held, now);
	return held;
}

void eg_idle_qos_offline(struct eg_idle_qos *q, int cpu)
{
	if (!cpu_ok(q, cpu))
		return;
	q->cpu[cpu].rt_set = false;
	q->cpu[cpu].want_us = 0;
	q->cpu[cpu].sent_us = 0;
}
