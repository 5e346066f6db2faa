/* The simulated SoC: discrete events in virtual time.
 *
 * Scheduler model (documented in the README, "The simulated SoC"):
 * - Each CPU has a run queue. Deadline tasks run before RT tasks (earliest
 *   deadline first), RT before CFS (lowest kernel prio first, FIFO among
 *   equals; SCHED_RR rotates every 100 ms), CFS tasks by lowest vruntime,
 *   which grows by run time x 1024 / weight(nice).
 * - A waking task is placed within its affinity mask: its previous CPU if
 *   idle; else an idle CPU of the previous CPU's domain; else the idle CPU
 *   with the highest capacity; else the CPU with the fewest queued tasks
 *   (lowest CPU id on ties). An RT wakeup preempts a CFS or lower-priority
 *   RT task; a CFS wakeup preempts CFS when its vruntime is 1 ms behind.
 * - A CPU that goes idle pulls the first waiting task it may run from the
 *   CPU with the longest queue. Every 4 ms tick the running CFS task yields
 *   to a queued CFS task with a lower vruntime.
 * - CPU speed is the capacity at the domain's current frequency: RUN work
 *   (capacity-ns) finishes after work / capacity ns.
 * - An idle CPU takes an idle state chosen by the idle policy; a wakeup pays
 *   its exit latency. A state shallower than the deepest keeps the 4 ms
 *   tick: the CPU wakes and chooses again, as the kernel keeps the tick when
 *   the governor predicts a short sleep. When every CPU of a domain is idle
 *   the cluster takes the deepest cluster state whose target residency fits
 *   before the next known wakeup of any of its CPUs (its CPUs are then off),
 *   and its exit latency is paid instead.
 * - A frequency decision takes the domain's transition latency to apply.
 * - Energy is integrated exactly between events: busy power of the OPP for
 *   each running (or waking) CPU, idle-state power for idle CPUs, domain
 *   power while any CPU of the domain is active, cluster idle power when not.
 *   Each thermal zone is an RC circuit driven by the power of the domains it
 *   covers: T(t) = Ta + P R + (T0 - Ta - P R) exp(-t / RC).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "util.h"

#define SIM_TICK_NS (4 * NSEC_PER_MSEC)
#define SIM_RR_SLICE_NS (100 * NSEC_PER_MSEC)
#define SIM_WAKEUP_GRAN_NS NSEC_PER_MSEC

enum task_state {
	T_NEW = 0,
	T_SLEEPING,   /* waits for a time */
	T_BLOCKED,    /* waits for another task */
	T_RUNNABLE,
	T_RUNNING,
	T_DEAD,
};

struct stask {
	const struct eg_sim_task_desc *d;
	const eg_cpumask_t *mask;   /* affinity now */
	enum eg_sim_policy policy;  /* policy now */
	int desc;
	int32_t pid;
	int16_t kprio;          /* the kernel's prio: 0..99 RT, 100..139 CFS, -1 DL */
	uint32_t weight;
	enum task_state state;
	int cpu;                /* current or last CPU, -1 before the first run */
	int pc;
	uint32_t *loop_left;
	bool in_run;            /* executing RUN or RUNTIME */
	bool runtime;           /* RUNTIME: remaining is wall ns */
	uint64_t remaining;     /* cap-ns (RUN) or ns (RUNTIME) */
	uint64_t vruntime;
	uint64_t wake_at;       /* when sleeping */
	uint64_t wake_gen;
	uint64_t woke_at;       /* became runnable, for latency */
	bool latency_pending;
	uint64_t slice_start;
	uint64_t dl_deadline;
	bool resume_pending;
	bool iowait;            /* sleeping on I/O: wake with EG_WAKE_IOWAIT */
	/* Current activation (between two TIMER ops). */
	bool act_open;
	uint64_t act_start;
	uint64_t act_nominal;
	uint64_t act_work;
	uint64_t *timer_next;   /* per timer resource, for unique timers */
};

struct scpu {
	int curr;               /* task index, -1 = idle */
	int *rq;                /* queued, not running */
	int nr_rq, cap_rq;
	int idle_idx;           /* chosen CPU idle state while idle */
	uint64_t idle_since;
	uint64_t waking_until;  /* exit latency in progress until */
	uint64_t done_gen;
	uint64_t idle_gen;      /* invalidates a pending idle tick */
	uint64_t min_vruntime;
	uint32_t latency_req_us;
	bool online;
};

struct spd {
	int opp;                /* current OPP index */
	uint32_t cap_khz;
	uint64_t freq_gen;
	int cluster_idx;        /* cluster idle state while all CPUs idle, -1 none */
	uint64_t nr_active;
};

struct szone {
	double temp_c;
	int above_since_valid;
};

enum sev_type {
	SEV_WAKE = 1,     /* a: task, gen */
	SEV_CPU_DONE,     /* a: cpu, gen: the running task's op or exit latency ends */
	SEV_TICK,
	SEV_GOV,
	SEV_FREQ,         /* a: pd, b: khz, gen */
	SEV_THERMAL,      /* a: zone */
	SEV_SAMPLE,
	SEV_IDLE_TICK,    /* a: cpu, gen: an idle CPU's kept tick */
	SEV_END,
};

struct sev {
	uint64_t t;
	uint64_t seq;
	uint64_t gen;
	uint32_t b;
	int16_t type;
	int16_t a;
};

struct res_state {
	int holder;           /* mutex */
	int *waiters;
	int nr_waiters, cap_waiters;
	int arrived;          /* barrier */
	uint64_t timer_next;  /* shared timer */
	bool timer_started;
};

struct dvec {
	double *v;
	size_t n, cap;
};

struct sim {
	const struct eg_sim_config *cfg;
	const struct eg_model *m;
	const struct eg_sim_workload *w;
	struct eg_engine *eng;
	struct eg_decisions dec;
	uint64_t now, end;
	uint64_t gov_next;
	struct stask *tasks;
	int nr_tasks, cap_tasks;
	struct scpu cpu[EG_MAX_CPUS];
	struct spd pd[EG_MAX_PDS];
	struct szone zone[EG_MAX_ZONES];
	struct res_state *res;
	uint64_t calib_cap;       /* capacity of the calibration CPU at its max OPP */
	struct sev *heap;
	size_t nr_heap, cap_heap;
	uint64_t seq;
	uint64_t last_account;
	struct eg_sim_result *r;
	struct dvec perf, lat_rt, lat_cfs;
	int nr_alive;
	size_t cap_jobs, cap_samples;
	int err;
};

/* --- event heap, ordered by time then insertion: deterministic --- */

static bool sev_before(const struct sev *x, const struct sev *y)
{
	return x->t < y->t || (x->t == y->t && x->seq < y->seq);
}

static int push(struct sim *s, uint64_t t, int type, int a, uint32_t b, uint64_t gen)
{
	struct sev ev = { .t = t, .seq = s->seq++, .gen = gen, .b = b, .type = (int16_t)type,
			  .a = (int16_t)a };
	size_t i;

	if (s->nr_heap == s->cap_heap) {
		size_t cap = s->cap_heap ? s->cap_heap * 2 : 256;
		struct sev *h = realloc(s->heap, cap * sizeof(*h));

		if (!h)
			return s->err = -ENOMEM;
		s->heap = h;
		s->cap_heap = cap;
	}
	i = s->nr_heap++;
	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (!sev_before(&ev, &s->heap[parent]))
			break;
		s->heap[i] = s->heap[parent];
		i = parent;
	}
	s->heap[i] = ev;
	return 0;
}

static struct sev pop(struct sim *s)
{
	struct sev top = s->heap[0];
	struct sev last = s->heap[--s->nr_heap];
	size_t i = 0;

	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		const struct sev *mv = &last;

		if (l < s->nr_heap && sev_before(&s->heap[l], mv)) {
			m = l;
			mv = &s->heap[l];
		}
		if (r < s->nr_heap && sev_before(&s->heap[r], mv))
			m = r;
		if (m == i)
			break;
		s->heap[i] = s->heap[m];
		i = m;
	}
	if (s->nr_heap)
		s->heap[i] = last;
	return top;
}

static int dvec_push(struct sim *s, struct dvec *v, double x)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 1024;
		double *p = realloc(v->v, cap * sizeof(*p));

		if (!p)
			return s->err = -ENOMEM;
		v->v = p;
		v->cap = cap;
	}
	v->v[v->n++] = x;
	return 0;
}

/* --- helpers --- */

static const struct eg_pd *cpu_pd(const struct sim *s, int cpu)
{
	return eg_model_cpu_pd(s->m, cpu);
}

static uint32_t cpu_speed(const struct sim *s, int cpu)
{
	const struct eg_pd *pd = cpu_pd(s, cpu);

	return pd->opps[s->pd[pd->id].opp].perf ? pd->opps[s->pd[pd->id].opp].perf : 1;
}

static bool cpu_active(const struct sim *s, int cpu)
{
	return s->cpu[cpu].curr >= 0 || s->cpu[cpu].waking_until > s->now;
}

static bool task_allowed(const struct stask *t, int cpu)
{
	const eg_cpumask_t *m = t->mask;

	return eg_cpumask_weight(m) == 0 || eg_cpumask_test(m, cpu);
}

static int class_rank(const struct stask *t)
{
	if (t->policy == EG_SIM_DEADLINE)
		return 0;
	if (t->policy == EG_SIM_FIFO || t->policy == EG_SIM_RR)
		return 1;
	return 2;
}

/* Does a run before b? */
static bool task_before(const struct stask *a, const struct stask *b)
{
	int ra = class_rank(a), rb = class_rank(b);

	if (ra != rb)
		return ra < rb;
	if (ra == 0)
		return a->dl_deadline < b->dl_deadline;
	if (ra == 1)
		return a->kprio < b->kprio;
	return a->vruntime < b->vruntime;
}

/* Weight of a nice level, as the kernel's table: 1024 * 1.25^-nice. */
static uint32_t nice_weight(int nice)
{
	double w = 1024.0 * pow(1.25, -(double)nice);

	return w < 15 ? 15 : (uint32_t)(w + 0.5);
}

/* --- accounting: energy, thermal, work done, between events --- */

static void account(struct sim *s, uint64_t t)
{
	double dt_s;
	uint64_t dt = t - s->last_account;
	double pd_power[EG_MAX_PDS] = { 0 };
	double total = 0;
	int cpu;

	if (t <= s->last_account)
		return;
	dt_s = (double)dt / 1e9;
	for (int i = 0; i < s->m->nr_pds; i++) {
		const struct eg_pd *pd = &s->m->pds[i];
		struct spd *p = &s->pd[i];
		const struct eg_opp *opp = &pd->opps[p->opp];
		bool any_active = false;
		double busy = 0, idle = 0, dom = 0;

		eg_for_each_cpu(cpu, &pd->cpus) {
			struct scpu *c = &s->cpu[cpu];

			if (!c->online)
				continue;
			if (c->curr >= 0 || c->waking_until > s->last_account) {
				any_active = true;
				busy += (double)opp->power_uw;
			} else if (pd->nr_cpu_idle && c->idle_idx >= 0) {
				/* With its cluster powered down a CPU is off, whatever
				 * state it asked for. */
				int idx = p->cluster_idx >= 0 ? pd->nr_cpu_idle - 1 : c->idle_idx;

				idle += (double)pd->cpu_idle[idx].power_uw;
			}
			/* Work done by the running task since the last event. */
			if (c->curr >= 0) {
				struct stask *tk = &s->tasks[c->curr];
				uint64_t from = EG_MAX(s->last_account, c->waking_until);

				if (tk->in_run && t > from) {
					uint64_t d = t - from;
					uint64_t w = tk->runtime ? d : d * cpu_speed(s, cpu);

					tk->remaining = tk->remaining > w ? tk->remaining - w : 0;
					if (!tk->runtime) {
						tk->act_work += w;
						s->r->pd[i].work += w;
					}
					if (tk->policy == EG_SIM_CFS)
						tk->vruntime += d * 1024 / tk->weight;
				}
			}
		}
		if (any_active)
			dom = (double)opp->pd_power_uw;
		else if (p->cluster_idx >= 0)
			dom = (double)pd->cluster_idle[p->cluster_idx].power_uw;
		pd_power[i] = (busy + idle + dom) / 1e6;
		s->r->busy_j += busy / 1e6 * dt_s;
		s->r->idle_j += idle / 1e6 * dt_s;
		s->r->domain_j += dom / 1e6 * dt_s;
		s->r->pd[i].energy_j += pd_power[i] * dt_s;
		s->r->pd[i].time_in_opp_ns[p->opp] += dt;
		total += pd_power[i];
	}
	s->r->energy_j += total * dt_s;
	for (int z = 0; z < s->m->nr_zones; z++) {
		const struct eg_zone *zn = &s->m->zones[z];
		double p = 0, ta = zn->ambient_mc / 1000.0, tau, steady;
		double t0 = s->zone[z].temp_c;
		double t1;

		for (int k = 0; k < zn->nr_cooled; k++)
			p += pd_power[zn->cooled[k].pd];
		if (zn->rc_resistance <= 0 || zn->rc_capacitance <= 0)
			continue;
		tau = zn->rc_resistance * zn->rc_capacitance;
		steady = ta + p * zn->rc_resistance;
		t1 = steady + (t0 - steady) * exp(-dt_s / tau);
		s->zone[z].temp_c = t1;
		if ((int32_t)(t1 * 1000) > s->r->peak_temp_mc[z])
			s->r->peak_temp_mc[z] = (int32_t)(t1 * 1000);
		if (zn->nr_trips && t1 * 1000 >= zn->trips[0].temp_mc)
			s->r->above_trip_ns[z] += dt;
	}
	s->last_account = t;
}

/* --- engine glue --- */

static void apply_decisions(struct sim *s);

static void engine_event(struct sim *s, struct eg_event *ev)
{
	int r;

	ev->ts = s->now;
	s->dec.n = 0;
	r = eg_engine_event(s->eng, ev, &s->dec);
	s->r->engine_events++;
	if (r < 0 && !s->err)
		s->err = r;
	apply_decisions(s);
}

static void schedule_gov(struct sim *s)
{
	uint64_t t = eg_engine_next_timer(s->eng);

	if (t == EG_NO_TIMER || t == s->gov_next)
		return;
	if (t < s->now)
		t = s->now;
	s->gov_next = t;
	push(s, t, SEV_GOV, 0, 0, t);
}

static void ev_switch(struct sim *s, int cpu, int prev, int next, bool prev_runnable)
{
	struct eg_event ev = { .type = EG_EV_SWITCH, .cpu = (int16_t)cpu };

	ev.sw.prev_pid = prev >= 0 ? s->tasks[prev].pid : 0;
	ev.sw.prev_prio = prev >= 0 ? s->tasks[prev].kprio : 120;
	ev.sw.next_pid = next >= 0 ? s->tasks[next].pid : 0;
	ev.sw.next_prio = next >= 0 ? s->tasks[next].kprio : 120;
	ev.sw.prev_runnable = prev_runnable;
	ev.sw.util_min = next >= 0 ? s->tasks[next].d->util_min : 0;
	ev.sw.util_max = next >= 0 && s->tasks[next].d->util_max ? s->tasks[next].d->util_max
								  : EG_CAPACITY_SCALE;
	engine_event(s, &ev);
}

/* --- CPU completion events --- */

/* (Re)arm the event at which the running task's current op ends. */
static void arm_cpu(struct sim *s, int cpu)
{
	struct scpu *c = &s->cpu[cpu];
	struct stask *t;
	uint64_t start, d;

	c->done_gen++;
	if (c->curr < 0)
		return;
	t = &s->tasks[c->curr];
	start = EG_MAX(s->now, c->waking_until);
	if (!t->in_run) {
		push(s, start, SEV_CPU_DONE, cpu, 0, c->done_gen);
		return;
	}
	if (t->runtime) {
		d = t->remaining;
	} else {
		uint32_t speed = cpu_speed(s, cpu);

		d = (t->remaining + speed - 1) / speed;
	}
	push(s, start + d, SEV_CPU_DONE, cpu, 0, c->done_gen);
}

/* --- run queues --- */

static int rq_add(struct sim *s, int cpu, int ti)
{
	struct scpu *c = &s->cpu[cpu];

	if (c->nr_rq == c->cap_rq) {
		int cap = c->cap_rq ? c->cap_rq * 2 : 8;
		int *p = realloc(c->rq, (size_t)cap * sizeof(*p));

		if (!p)
			return s->err = -ENOMEM;
		c->rq = p;
		c->cap_rq = cap;
	}
	c->rq[c->nr_rq++] = ti;
	return 0;
}

static void rq_remove_at(struct scpu *c, int i)
{
	memmove(&c->rq[i], &c->rq[i + 1], (size_t)(c->nr_rq - i - 1) * sizeof(int));
	c->nr_rq--;
}

static int rq_best(const struct sim *s, const struct scpu *c)
{
	int best = -1;

	for (int i = 0; i < c->nr_rq; i++)
		if (best < 0 || task_before(&s->tasks[c->rq[i]], &s->tasks[c->rq[best]]))
			best = i;
	return best;
}

static void task_step(struct sim *s, int ti);
static void cpu_reschedule(struct sim *s, int cpu);

/* Next known wakeup of a task that last ran on this CPU (its timers fire
 * here), for the idle policy's "next timer". */
static uint64_t next_wake_on(const struct sim *s, int cpu)
{
	uint64_t t = UINT64_MAX;

	for (int i = 0; i < s->nr_tasks; i++) {
		const struct stask *tk = &s->tasks[i];

		if (tk->state == T_SLEEPING && tk->cpu == cpu && tk->wake_at < t)
			t = tk->wake_at;
	}
	return t;
}

static void cpu_go_idle(struct sim *s, int cpu)
{
	struct scpu *c = &s->cpu[cpu];
	const struct eg_pd *pd = cpu_pd(s, cpu);
	struct spd *p = &s->pd[pd->id];
	uint64_t next = next_wake_on(s, cpu);
	uint64_t until = next == UINT64_MAX ? UINT64_MAX : next - s->now;
	int k;

	c->idle_since = s->now;
	c->idle_idx = eg_engine_idle_select(s->eng, cpu, s->now, until, c->latency_req_us);
	if (c->idle_idx >= pd->nr_cpu_idle)
		c->idle_idx = pd->nr_cpu_idle - 1;
	/* A shallow choice keeps the tick, as the kernel does when the idle
	 * governor predicts a short sleep: the CPU wakes within a tick and
	 * chooses again, instead of staying shallow until its next event. */
	c->idle_gen++;
	if (c->idle_idx >= 0 && c->idle_idx < pd->nr_cpu_idle - 1 && until > SIM_TICK_NS)
		push(s, s->now + SIM_TICK_NS, SEV_IDLE_TICK, cpu, 0, c->idle_gen);
	/* Last CPU of the cluster: pick the cluster state. */
	eg_for_each_cpu(k, &pd->cpus)
		if (s->cpu[k].online && cpu_active(s, k) && k != cpu)
			return;
	p->cluster_idx = -1;
	if (!pd->nr_cluster_idle)
		return;
	{
		uint64_t wake = UINT64_MAX;

		eg_for_each_cpu(k, &pd->cpus) {
			uint64_t w = next_wake_on(s, k);

			if (w < wake)
				wake = w;
		}
		for (int i = pd->nr_cluster_idle - 1; i >= 0; i--) {
			uint64_t res = (uint64_t)pd->cluster_idle[i].residency_us * NSEC_PER_USEC;

			if (wake == UINT64_MAX || wake - s->now >= res) {
				p->cluster_idx = i;
				break;
			}
		}
	}
}

/* A CPU leaves idle: pay the exit latency of its state (the cluster's if
 * the cluster was down) and tell the idle policy how long it slept. */
static void cpu_wake(struct sim *s, int cpu)
{
	struct scpu *c = &s->cpu[cpu];
	const struct eg_pd *pd = cpu_pd(s, cpu);
	struct spd *p = &s->pd[pd->id];
	uint32_t exit_us = 0;

	if (c->idle_idx >= 0 && pd->nr_cpu_idle)
		exit_us = pd->cpu_idle[c->idle_idx].exit_us;
	if (p->cluster_idx >= 0) {
		exit_us = EG_MAX(exit_us, pd->cluster_idle[p->cluster_idx].exit_us);
		p->cluster_idx = -1;
	}
	if (c->idle_idx >= 0)
		eg_engine_idle_reflect(s->eng, cpu, c->idle_idx, s->now - c->idle_since);
	c->idle_idx = -1;
	c->waking_until = s->now + (uint64_t)exit_us * NSEC_PER_USEC;
}

/* Put task ti on cpu now (the CPU runs nothing). */
static void cpu_run(struct sim *s, int cpu, int ti)
{
	struct scpu *c = &s->cpu[cpu];
	struct stask *t = &s->tasks[ti];

	if (c->idle_idx >= 0 || s->pd[cpu_pd(s, cpu)->id].cluster_idx >= 0)
		cpu_wake(s, cpu);
	c->curr = ti;
	t->state = T_RUNNING;
	t->cpu = cpu;
	t->slice_start = s->now;
	if (t->latency_pending) {
		double lat = (double)(EG_MAX(s->now, c->waking_until) - t->woke_at) / 1e3;

		t->latency_pending = false;
		dvec_push(s, class_rank(t) == 2 ? &s->lat_cfs : &s->lat_rt, lat);
	}
	ev_switch(s, cpu, -1, ti, false);
	arm_cpu(s, cpu);
}

/* Idle balance: take the first waiting task this CPU may run from the CPU
 * with the longest queue. */
static int pull_task(struct sim *s, int cpu)
{
	int src = -1;

	for (int k = 0; k < s->m->nr_cpus; k++) {
		if (k == cpu || !s->cpu[k].online || s->cpu[k].nr_rq == 0)
			continue;
		if (src < 0 || s->cpu[k].nr_rq > s->cpu[src].nr_rq)
			src = k;
	}
	if (src < 0)
		return -1;
	for (int i = 0; i < s->cpu[src].nr_rq; i++) {
		int ti = s->cpu[src].rq[i];

		if (task_allowed(&s->tasks[ti], cpu)) {
			struct eg_event ev = { .type = EG_EV_MIGRATE, .cpu = (int16_t)cpu };

			rq_remove_at(&s->cpu[src], i);
			ev.migrate.pid = s->tasks[ti].pid;
			ev.migrate.prio = s->tasks[ti].kprio;
			ev.migrate.orig_cpu = (int16_t)src;
			ev.migrate.dest_cpu = (int16_t)cpu;
			s->tasks[ti].cpu = cpu;
			engine_event(s, &ev);
			return ti;
		}
	}
	return -1;
}

/* The CPU's current task stopped (blocked, slept, exited or was
 * preempted): pick what runs next. */
static void cpu_reschedule(struct sim *s, int cpu)
{
	struct scpu *c = &s->cpu[cpu];
	int prev = c->curr;
	bool prev_runnable = prev >= 0 && s->tasks[prev].state == T_RUNNABLE;
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
		struct stask *t = &s->tasks[next];

		t->state = T_RUNNING;
		t->cpu = cpu;
		t->slice_start = s->now;
		if (c->idle_idx >= 0)
			cpu_wake(s, cpu);
		if (t->latency_pending) {
			double lat = (double)(EG_MAX(s->now, c->waking_until) - t->woke_at) / 1e3;

			t->latency_pending = false;
			dvec_push(s, class_rank(t) == 2 ? &s->lat_cfs : &s->lat_rt, lat);
		}
	}
	if (prev != next)
		ev_switch(s, cpu, prev, next, prev_runnable);
	if (next < 0)
		cpu_go_idle(s, cpu);
	arm_cpu(s, cpu);
}

/* Wakeup placement; see the header comment. */
static int select_cpu(const struct sim *s, const struct stask *t)
{
	int prev = t->cpu;
	int best = -1;

	if (prev >= 0 && s->cpu[prev].online && task_allowed(t, prev) && !cpu_active(s, prev) &&
	    s->cpu[prev].nr_rq == 0)
		return prev;
	if (prev >= 0) {
		const struct eg_pd *pd = cpu_pd(s, prev);
		int k;

		eg_for_each_cpu(k, &pd->cpus)
			if (s->cpu[k].online && task_allowed(t, k) && !cpu_active(s, k) &&
			    s->cpu[k].nr_rq == 0)
				return k;
	}
	for (int k = 0; k < s->m->nr_cpus; k++) {
		if (!s->cpu[k].online || !task_allowed(t, k) || cpu_active(s, k) ||
		    s->cpu[k].nr_rq)
			continue;
		if (best < 0 || s->m->cpu_cap[k] > s->m->cpu_cap[best])
			best = k;
	}
	if (best >= 0)
		return best;
	for (int k = 0; k < s->m->nr_cpus; k++) {
		if (!s->cpu[k].online || !task_allowed(t, k))
			continue;
		if (best < 0 || s->cpu[k].nr_rq < s->cpu[best].nr_rq)
			best = k;
	}
	return best;
}

static bool should_preempt(const struct stask *curr, const struct stask *t)
{
	int rc = class_rank(curr), rt = class_rank(t);

	if (rt != rc)
		return rt < rc;
	if (rt == 2)
		return curr->vruntime > t->vruntime + SIM_WAKEUP_GRAN_NS;
	return task_before(t, curr);
}

/* Task ti becomes runnable now. */
static void task_wake(struct sim *s, int ti, uint32_t flags)
{
	struct stask *t = &s->tasks[ti];
	struct eg_event ev = { .type = EG_EV_WAKEUP };
	int cpu = select_cpu(s, t);
	struct scpu *c;

	if (cpu < 0) {
		s->err = -EINVAL;
		return;
	}
	c = &s->cpu[cpu];
	if (t->cpu >= 0 && t->cpu != cpu) {
		struct eg_event mv = { .type = EG_EV_MIGRATE, .cpu = (int16_t)cpu };

		mv.migrate.pid = t->pid;
		mv.migrate.prio = t->kprio;
		mv.migrate.orig_cpu = (int16_t)t->cpu;
		mv.migrate.dest_cpu = (int16_t)cpu;
		engine_event(s, &mv);
	}
	t->state = T_RUNNABLE;
	t->woke_at = s->now;
	t->latency_pending = true;
	t->cpu = cpu;
	if (t->policy == EG_SIM_CFS && t->vruntime < c->min_vruntime)
		t->vruntime = c->min_vruntime;
	if (t->policy == EG_SIM_DEADLINE)
		t->dl_deadline = s->now + (t->d->dl_deadline_ns ? t->d->dl_deadline_ns
							    : t->d->dl_period_ns);
	ev.cpu = (int16_t)cpu;
	ev.wakeup.pid = t->pid;
	ev.wakeup.prio = t->kprio;
	ev.wakeup.target_cpu = (int16_t)cpu;
	ev.wakeup.flags = flags;
	engine_event(s, &ev);

	if (c->curr < 0) {
		cpu_run(s, cpu, ti);
		return;
	}
	rq_add(s, cpu, ti);
	if (should_preempt(&s->tasks[c->curr], t)) {
		account(s, s->now);
		s->tasks[c->curr].state = T_RUNNABLE;
		rq_add(s, cpu, c->curr);
		cpu_reschedule(s, cpu);
	}
}

/* Task ti (running on its CPU) stops running: it sleeps, blocks or ends. */
static void task_stop(struct sim *s, int ti, enum task_state st)
{
	struct stask *t = &s->tasks[ti];
	int cpu = t->cpu;

	t->state = st;
	if (cpu >= 0 && s->cpu[cpu].curr == ti)
		cpu_reschedule(s, cpu);
}

static void task_sleep_until(struct sim *s, int ti, uint64_t when)
{
	struct stask *t = &s->tasks[ti];

	t->wake_at = when;
	t->wake_gen++;
	push(s, when, SEV_WAKE, ti, 0, t->wake_gen);
	task_stop(s, ti, T_SLEEPING);
}

static void res_wait(struct sim *s, int r, int ti)
{
	struct res_state *rs = &s->res[r];

	if (rs->nr_waiters == rs->cap_waiters) {
		int cap = rs->cap_waiters ? rs->cap_waiters * 2 : 4;
		int *p = realloc(rs->waiters, (size_t)cap * sizeof(*p));

		if (!p) {
			s->err = -ENOMEM;
			return;
		}
		rs->waiters = p;
		rs->cap_waiters = cap;
	}
	rs->waiters[rs->nr_waiters++] = ti;
}

static int res_take_waiter(struct res_state *rs)
{
	int ti;

	if (!rs->nr_waiters)
		return -1;
	ti = rs->waiters[0];
	memmove(rs->waiters, rs->waiters + 1, (size_t)(rs->nr_waiters - 1) * sizeof(int));
	rs->nr_waiters--;
	return ti;
}

static int spawn(struct sim *s, int desc);
static void set_sched(struct stask *t, enum eg_sim_policy policy, int prio);

/* End of an activation at a TIMER op: record perf index and the job. */
static void close_activation(struct sim *s, struct stask *t, uint64_t next_period, uint64_t period)
{
	double slack;

	if (!t->act_open)
		return;
	t->act_open = false;
	s->r->activations++;
	s->r->busy_span_ns += s->now - t->act_start;
	slack = (double)next_period - (double)s->now;
	if (slack < 0)
		s->r->missed++;
	if (period > t->act_nominal)
		dvec_push(s, &s->perf, slack / (double)(period - t->act_nominal));
	if (s->cfg->record_jobs && t->act_work) {
		struct eg_sim_job *j;

		if ((size_t)s->r->nr_jobs == s->cap_jobs) {
			size_t cap = s->cap_jobs ? s->cap_jobs * 2 : 1024;
			struct eg_sim_job *p = realloc(s->r->jobs, cap * sizeof(*p));

			if (!p) {
				s->err = -ENOMEM;
				return;
			}
			s->r->jobs = p;
			s->cap_jobs = cap;
		}
		j = &s->r->jobs[s->r->nr_jobs++];
		j->release = t->act_start;
		j->deadline = EG_MAX(next_period, t->act_start + 1);
		j->work = t->act_work;
		j->pd = (int16_t)(t->cpu >= 0 ? cpu_pd(s, t->cpu)->id : 0);
		j->task = (int16_t)t->desc;
	}
}

/* Run the task's program from its pc until it needs CPU time or waits.
 * The task is running on its CPU when this is called (or new). */
static void task_step(struct sim *s, int ti)
{
	for (int guard = 0; guard < 100000 && !s->err; guard++) {
		struct stask *t = &s->tasks[ti];
		const struct eg_sim_op *op;

		/* Waking another task may have preempted this one: it goes on
		 * when it runs again. */
		if (t->state != T_RUNNING)
			return;
		if (t->pc >= t->d->nr_ops) {
			t->state = T_DEAD;
			s->nr_alive--;
			if (s->nr_alive == 0)
				s->r->completion_ns = s->now;
			{
				struct eg_event ev = { .type = EG_EV_EXIT, .cpu = (int16_t)t->cpu };

				ev.exit.pid = t->pid;
				task_stop(s, ti, T_DEAD);
				engine_event(s, &ev);
			}
			return;
		}
		op = &t->d->ops[t->pc];
		switch (op->code) {
		case EG_SIM_RUN:
		case EG_SIM_RUNTIME:
			if (!t->in_run) {
				t->in_run = true;
				t->runtime = op->code == EG_SIM_RUNTIME;
				t->remaining = op->a;
				if (!t->act_open) {
					t->act_open = true;
					t->act_start = s->now;
					t->act_nominal = 0;
					t->act_work = 0;
				}
				t->act_nominal += op->code == EG_SIM_RUN ? op->b : op->a;
			}
			if (t->remaining) {
				/* The CPU_DONE event at the end of the work continues. */
				arm_cpu(s, t->cpu);
				return;
			}
			t->in_run = false;
			t->pc++;
			break;
		case EG_SIM_SLEEP:
			t->pc++;
			task_sleep_until(s, ti, s->now + op->a);
			return;
		case EG_SIM_TIMER: {
			struct res_state *rs = &s->res[op->res];
			uint64_t *next = (op->flags & EG_SIM_F_UNIQUE) ? &t->timer_next[op->res]
								       : &rs->timer_next;
			bool unique = op->flags & EG_SIM_F_UNIQUE;
			bool started = unique ? *next != 0 : rs->timer_started;

			/* The first use starts the timer's grid at the start of
			 * the activation it ends. */
			if (!started) {
				*next = t->act_open ? t->act_start : s->now;
				rs->timer_started = true;
			}
			*next += op->a;
			/* As rt-app: the slack is measured against this period's
			 * end, negative when the work overran it. */
			close_activation(s, t, *next, op->a);
			t->pc++;
			if (*next > s->now) {
				task_sleep_until(s, ti, *next);
				return;
			}
			/* Late: go on at once. A relative timer restarts its
			 * grid from now, an absolute one keeps it and the next
			 * activations catch up (rt-app's "mode"). */
			if (!(op->flags & EG_SIM_F_ABSOLUTE))
				*next = s->now;
			break;
		}
		case EG_SIM_LOCK: {
			struct res_state *rs = &s->res[op->res];

			if (rs->holder >= 0 && rs->holder != ti) {
				res_wait(s, op->res, ti);
				task_stop(s, ti, T_BLOCKED);
				return;   /* pc stays: retried on wakeup */
			}
			rs->holder = ti;
			t->pc++;
			break;
		}
		case EG_SIM_UNLOCK: {
			struct res_state *rs = &s->res[op->res];
			int w;

			t->pc++;
			if (rs->holder == ti)
				rs->holder = -1;
			w = res_take_waiter(rs);
			if (w >= 0) {
				rs->holder = w;
				s->tasks[w].pc++;  /* it now holds the lock */
				task_wake(s, w, 0);
			}
			break;
		}
		case EG_SIM_SIGNAL:
		case EG_SIM_BROAD: {
			struct res_state *rs = &s->res[op->res];
			int w;

			t->pc++;
			do {
				w = res_take_waiter(rs);
				if (w >= 0)
					task_wake(s, w, 0);
			} while (w >= 0 && op->code == EG_SIM_BROAD);
			break;
		}
		case EG_SIM_WAIT:
			t->pc++;
			if (op->res2 >= 0 && s->res[op->res2].holder == ti) {
				/* pthread_cond_wait: release the mutex while
				 * waiting; it is taken back without contention
				 * modelling (documented simplification). */
				s->res[op->res2].holder = -1;
			}
			res_wait(s, op->res, ti);
			task_stop(s, ti, T_BLOCKED);
			return;
		case EG_SIM_BARRIER: {
			struct res_state *rs = &s->res[op->res];

			t->pc++;
			rs->arrived++;
			if (rs->arrived < s->w->res[op->res].users) {
				res_wait(s, op->res, ti);
				task_stop(s, ti, T_BLOCKED);
				return;
			}
			rs->arrived = 0;
			for (int w; (w = res_take_waiter(rs)) >= 0;)
				task_wake(s, w, 0);
			break;
		}
		case EG_SIM_SUSPEND:
			t->pc++;
			if (t->resume_pending) {
				t->resume_pending = false;
				break;
			}
			task_stop(s, ti, T_BLOCKED);
			return;
		case EG_SIM_RESUME:
			t->pc++;
			for (int k = 0; k < s->nr_tasks; k++) {
				struct stask *o = &s->tasks[k];

				if (o->desc != op->res || o->state == T_DEAD)
					continue;
				if (o->state == T_BLOCKED && o->pc > 0 &&
				    o->d->ops[o->pc - 1].code == EG_SIM_SUSPEND)
					task_wake(s, k, 0);
				else
					o->resume_pending = true;
			}
			break;
		case EG_SIM_YIELD:
			t->pc++;
			if (t->cpu >= 0 && s->cpu[t->cpu].nr_rq) {
				t->state = T_RUNNABLE;
				rq_add(s, t->cpu, ti);
				cpu_reschedule(s, t->cpu);
				return;
			}
			break;
		case EG_SIM_FORK:
			t->pc++;
			if (spawn(s, op->res) < 0)
				return;
			break;
		case EG_SIM_LOOP_BEGIN:
			t->loop_left[op->res] = (uint32_t)op->a;
			t->pc++;
			break;
		case EG_SIM_LOOP_END:
			/* 0 = forever; else count down. */
			if (t->loop_left[op->res] == 0 || --t->loop_left[op->res] > 0)
				t->pc = (int)op->b + 1;
			else
				t->pc++;
			break;
		case EG_SIM_EXIT:
			t->pc = t->d->nr_ops;
			break;
		case EG_SIM_IOWAIT:
			t->pc++;
			t->iowait = true;
			task_sleep_until(s, ti, s->now + op->a);
			return;
		case EG_SIM_SETSCHED:
			t->pc++;
			set_sched(t, (enum eg_sim_policy)op->a, (int)op->b - 1000);
			break;
		case EG_SIM_SETCPUS:
			t->pc++;
			t->mask = &t->d->masks[op->res];
			if (!task_allowed(t, t->cpu)) {
				/* Moved off a CPU it may no longer use. */
				task_stop(s, ti, T_BLOCKED);
				task_wake(s, ti, 0);
				return;
			}
			break;
		default:
			s->err = -EINVAL;
			return;
		}
	}
	if (!s->err)
		s->err = -ELOOP;  /* a program that never waits nor runs */
}

static void set_sched(struct stask *t, enum eg_sim_policy policy, int prio)
{
	t->policy = policy;
	switch (policy) {
	case EG_SIM_FIFO:
	case EG_SIM_RR:
		t->kprio = (int16_t)(99 - EG_CLAMP(prio, 1, 99));
		t->weight = 1024;
		break;
	case EG_SIM_DEADLINE:
		t->kprio = -1;
		t->weight = 1024;
		break;
	default:
		t->kprio = (int16_t)(120 + EG_CLAMP(prio, -20, 19));
		t->weight = nice_weight(EG_CLAMP(prio, -20, 19));
		break;
	}
}

static int spawn(struct sim *s, int desc)
{
	const struct eg_sim_task_desc *d = &s->w->tasks[desc];
	struct stask *t;

	if (s->nr_tasks == s->cap_tasks) {
		int cap = s->cap_tasks ? s->cap_tasks * 2 : 16;
		struct stask *p = realloc(s->tasks, (size_t)cap * sizeof(*p));

		if (!p)
			return s->err = -ENOMEM;
		s->tasks = p;
		s->cap_tasks = cap;
	}
	t = &s->tasks[s->nr_tasks];
	memset(t, 0, sizeof(*t));
	t->d = d;
	t->desc = desc;
	t->pid = s->nr_tasks + 1;
	t->cpu = -1;
	t->loop_left = calloc((size_t)EG_MAX(d->nr_loops, 1), sizeof(uint32_t));
	t->timer_next = calloc((size_t)EG_MAX(s->w->nr_res, 1), sizeof(uint64_t));
	if (!t->loop_left || !t->timer_next) {
		free(t->loop_left);
		free(t->timer_next);
		return s->err = -ENOMEM;
	}
	t->mask = &d->cpus;
	set_sched(t, d->policy, d->prio);
	s->nr_tasks++;
	s->nr_alive++;
	{
		uint64_t start = s->now + d->delay_ns;

		/* A seed shifts each task's start by up to 1 ms, so several
		 * runs see different phase alignments; seed 0 = none. */
		if (s->cfg->seed) {
			uint64_t h = (s->cfg->seed + (uint64_t)desc * 0x9e3779b97f4a7c15ULL) *
				     0xbf58476d1ce4e5b9ULL;

			start += (h >> 33) % NSEC_PER_MSEC;
		}
		s->tasks[s->nr_tasks - 1].wake_gen = 1;
		s->tasks[s->nr_tasks - 1].state = T_SLEEPING;
		s->tasks[s->nr_tasks - 1].wake_at = start;
		push(s, start, SEV_WAKE, s->nr_tasks - 1, 0, 1);
	}
	return 0;
}

/* --- decisions --- */

static void apply_decisions(struct sim *s)
{
	for (int i = 0; i < s->dec.n; i++) {
		const struct eg_decision *d = &s->dec.d[i];

		switch (d->type) {
		case EG_DEC_SET_FREQ: {
			const struct eg_pd *pd;
			struct spd *p;

			if (d->target < 0 || d->target >= s->m->nr_pds)
				break;
			pd = &s->m->pds[d->target];
			p = &s->pd[d->target];
			p->freq_gen++;
			push(s, s->now + pd->transition_latency_ns, SEV_FREQ, d->target, d->value,
			     p->freq_gen);
			break;
		}
		case EG_DEC_SET_CAP:
			if (d->target >= 0 && d->target < s->m->nr_pds)
				s->pd[d->target].cap_khz = d->value;
			break;
		case EG_DEC_IDLE_LATENCY:
			if (d->target >= 0 && d->target < EG_MAX_CPUS)
				s->cpu[d->target].latency_req_us = d->value ? d->value : UINT32_MAX;
			break;
		default:
			break;
		}
	}
	s->dec.n = 0;
	schedule_gov(s);
}

/* --- main loop --- */

static void sample(struct sim *s)
{
	struct eg_sim_sample *sm;

	if ((size_t)s->r->nr_samples == s->cap_samples) {
		size_t cap = s->cap_samples ? s->cap_samples * 2 : 1024;
		struct eg_sim_sample *p = realloc(s->r->samples, cap * sizeof(*p));

		if (!p) {
			s->err = -ENOMEM;
			return;
		}
		s->r->samples = p;
		s->cap_samples = cap;
	}
	sm = &s->r->samples[s->r->nr_samples++];
	memset(sm, 0, sizeof(*sm));
	sm->t = s->now;
	for (int i = 0; i < s->m->nr_pds; i++) {
		struct eg_pd_status st;

		eg_engine_pd_status(s->eng, i, &st);
		sm->khz[i] = s->m->pds[i].opps[s->pd[i].opp].khz;
		sm->util[i] = st.util_max;
		sm->cap_khz[i] = s->pd[i].cap_khz;
	}
	for (int z = 0; z < s->m->nr_zones; z++)
		sm->temp_mc[z] = (int32_t)(s->zone[z].temp_c * 1000);
	sm->power_w = 0;
}

static void handle(struct sim *s, const struct sev *ev)
{
	switch (ev->type) {
	case SEV_WAKE: {
		struct stask *t = &s->tasks[ev->a];

		if (t->state != T_SLEEPING || t->wake_gen != ev->gen)
			break;
		/* A task's first wakeup is its creation (sched_wakeup_new):
		 * the signals give it the kernel's initial util. */
		task_wake(s, ev->a, (t->iowait ? EG_WAKE_IOWAIT : 0) |
				    (t->cpu < 0 ? EG_WAKE_NEW : 0));
		s->tasks[ev->a].iowait = false;
		break;
	}
	case SEV_CPU_DONE: {
		struct scpu *c = &s->cpu[ev->a];

		if (ev->gen != c->done_gen || c->curr < 0)
			break;
		task_step(s, c->curr);
		break;
	}
	case SEV_TICK:
		for (int cpu = 0; cpu < s->m->nr_cpus; cpu++) {
			struct scpu *c = &s->cpu[cpu];
			int best;

			if (c->curr < 0 || !c->nr_rq)
				continue;
			best = rq_best(s, c);
			{
				struct stask *cur = &s->tasks[c->curr];
				struct stask *cand = &s->tasks[c->rq[best]];
				bool rr = cur->policy == EG_SIM_RR &&
					  s->now - cur->slice_start >= SIM_RR_SLICE_NS &&
					  cand->kprio == cur->kprio;
				bool cfs = class_rank(cur) == 2 && class_rank(cand) == 2 &&
					   cand->vruntime < cur->vruntime;

				if (rr || cfs || task_before(cand, cur)) {
					cur->state = T_RUNNABLE;
					rq_add(s, cpu, c->curr);
					cpu_reschedule(s, cpu);
				}
			}
		}
		for (int cpu = 0; cpu < s->m->nr_cpus; cpu++) {
			struct scpu *c = &s->cpu[cpu];

			if (c->curr >= 0) {
				/* Busy CPUs tick (idle ones are tickless). */
				struct eg_event te = { .type = EG_EV_TICK, .cpu = (int16_t)cpu };
				uint64_t v = s->tasks[c->curr].vruntime;

				engine_event(s, &te);

				if (v > c->min_vruntime)
					c->min_vruntime = v;
			}
		}
		push(s, s->now + SIM_TICK_NS, SEV_TICK, 0, 0, 0);
		break;
	case SEV_GOV: {
		struct eg_event e = { .type = EG_EV_TICK, .cpu = -1 };

		if (ev->gen != s->gov_next)
			break;
		s->gov_next = 0;
		engine_event(s, &e);
		break;
	}
	case SEV_FREQ: {
		struct spd *p = &s->pd[ev->a];
		const struct eg_pd *pd = &s->m->pds[ev->a];
		int idx = eg_pd_opp_index(pd, ev->b);
		struct eg_event e = { .type = EG_EV_FREQ, .cpu = -1 };
		int cpu;

		if (ev->gen != p->freq_gen || idx < 0 || idx == p->opp)
			break;
		p->opp = idx;
		s->r->pd[ev->a].transitions++;
		e.freq.pd = ev->a;
		e.freq.khz = ev->b;
		engine_event(s, &e);
		/* Speed changed: running tasks finish at a new time. */
		eg_for_each_cpu(cpu, &pd->cpus)
			if (s->cpu[cpu].curr >= 0)
				arm_cpu(s, cpu);
		break;
	}
	case SEV_THERMAL: {
		struct eg_event e = { .type = EG_EV_TEMP, .cpu = -1 };
		uint64_t iv = eg_engine_thermal_interval(s->eng, ev->a);

		e.temp.zone = ev->a;
		e.temp.temp_mc = (int32_t)(s->zone[ev->a].temp_c * 1000);
		engine_event(s, &e);
		push(s, s->now + (iv == EG_NO_TIMER ? NSEC_PER_SEC : iv), SEV_THERMAL, ev->a, 0, 0);
		break;
	}
	case SEV_IDLE_TICK: {
		struct scpu *c = &s->cpu[ev->a];

		if (ev->gen != c->idle_gen || c->curr >= 0 || c->idle_idx < 0)
			break;
		eg_engine_idle_reflect(s->eng, ev->a, c->idle_idx, s->now - c->idle_since);
		cpu_go_idle(s, ev->a);
		break;
	}
	case SEV_SAMPLE:
		sample(s);
		push(s, s->now + s->cfg->sample_ns, SEV_SAMPLE, 0, 0, 0);
		break;
	default:
		break;
	}
}

static int compile_check(const struct eg_sim_workload *w, const struct eg_model *m)
{
	if (w->nr_tasks <= 0 || w->calib_cpu < 0 || w->calib_cpu >= m->nr_cpus)
		return -EINVAL;
	for (int i = 0; i < w->nr_tasks; i++) {
		const struct eg_sim_task_desc *d = &w->tasks[i];
		bool any = eg_cpumask_weight(&d->cpus) == 0;
		int cpu;

		eg_for_each_cpu(cpu, &d->cpus)
			if (cpu < m->nr_cpus)
				any = true;
		if (!any)
			return -EINVAL;
		for (int k = 0; k < d->nr_ops; k++) {
			const struct eg_sim_op *op = &d->ops[k];
			bool needs_res = op->code == EG_SIM_TIMER || op->code == EG_SIM_LOCK ||
					 op->code == EG_SIM_UNLOCK || op->code == EG_SIM_SIGNAL ||
					 op->code == EG_SIM_BROAD || op->code == EG_SIM_WAIT ||
					 op->code == EG_SIM_BARRIER;

			if (needs_res && (op->res < 0 || op->res >= w->nr_res))
				return -EINVAL;
			if ((op->code == EG_SIM_FORK || op->code == EG_SIM_RESUME) &&
			    (op->res < 0 || op->res >= w->nr_tasks))
				return -EINVAL;
			if ((op->code == EG_SIM_LOOP_BEGIN || op->code == EG_SIM_LOOP_END) &&
			    (op->res < 0 || op->res >= d->nr_loops))
				return -EINVAL;
			if (op->code == EG_SIM_TIMER && op->a == 0)
				return -EINVAL;
			if (op->code == EG_SIM_SETCPUS && (op->res < 0 || op->res >= d->nr_masks))
				return -EINVAL;
		}
	}
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Nearest-rank percentile of a sorted vector. */
static double percentile(const struct dvec *v, double pct)
{
	size_t k;

	if (!v->n)
		return 0;
	k = (size_t)ceil(pct / 100.0 * (double)v->n);
	if (k == 0)
		k = 1;
	return v->v[k - 1];
}

static void finish(struct sim *s)
{
	struct eg_sim_result *r = s->r;
	double sum = 0;

	/* qsort wants a non-null base even for zero elements. */
	if (s->perf.n)
		qsort(s->perf.v, s->perf.n, sizeof(double), cmp_double);
	if (s->lat_rt.n)
		qsort(s->lat_rt.v, s->lat_rt.n, sizeof(double), cmp_double);
	if (s->lat_cfs.n)
		qsort(s->lat_cfs.v, s->lat_cfs.n, sizeof(double), cmp_double);
	for (size_t i = 0; i < s->perf.n; i++)
		sum += s->perf.v[i];
	r->perf_index_mean = s->perf.n ? sum / (double)s->perf.n : 0;
	r->perf_index_p5 = percentile(&s->perf, 5);
	r->lat_rt_p50_us = percentile(&s->lat_rt, 50);
	r->lat_rt_p99_us = percentile(&s->lat_rt, 99);
	r->lat_cfs_p50_us = percentile(&s->lat_cfs, 50);
	r->lat_cfs_p99_us = percentile(&s->lat_cfs, 99);
	r->lat_rt_n = s->lat_rt.n;
	r->lat_cfs_n = s->lat_cfs.n;
	if (s->nr_alive > 0)
		r->completion_ns = 0;
}

int eg_sim_run(const struct eg_sim_config *cfg, struct eg_sim_result *res)
{
	struct sim *s;
	int r;
	int cpu;

	memset(res, 0, sizeof(*res));
	if (!cfg->model || !cfg->engine || !cfg->workload)
		return -EINVAL;
	r = compile_check(cfg->workload, cfg->model);
	if (r < 0)
		return r;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->cfg = cfg;
	s->m = cfg->model;
	s->w = cfg->workload;
	s->r = res;
	s->end = cfg->duration_ns ? cfg->duration_ns : s->w->duration_ns;
	s->res = calloc((size_t)EG_MAX(s->w->nr_res, 1), sizeof(*s->res));
	if (!s->res) {
		free(s);
		return -ENOMEM;
	}
	for (int i = 0; i < s->w->nr_res; i++)
		s->res[i].holder = -1;
	{
		const struct eg_pd *cpd = eg_model_cpu_pd(s->m, s->w->calib_cpu);

		s->calib_cap = cpd ? cpd->max_cap : EG_CAPACITY_SCALE;
	}
	r = eg_engine_new(&s->eng, s->m, cfg->engine, 0);
	if (r < 0)
		goto out;
	for (int i = 0; i < s->m->nr_pds; i++) {
		const struct eg_pd *pd = &s->m->pds[i];

		/* Start at the top OPP, as a kernel hands over after boot. */
		s->pd[i].opp = pd->nr_opps - 1;
		s->pd[i].cluster_idx = -1;
		eg_engine_set_domain_state(s->eng, i, eg_pd_max_khz(pd), eg_pd_min_khz(pd),
					   eg_pd_max_khz(pd));
	}
	eg_for_each_cpu(cpu, &s->m->possible) {
		s->cpu[cpu].curr = -1;
		s->cpu[cpu].idle_idx = -1;
		s->cpu[cpu].online = true;
		s->cpu[cpu].latency_req_us = UINT32_MAX;
	}
	for (int z = 0; z < s->m->nr_zones; z++) {
		s->zone[z].temp_c = s->m->zones[z].ambient_mc / 1000.0;
		res->peak_temp_mc[z] = s->m->zones[z].ambient_mc;
	}
	s->dec.n = 0;
	r = eg_engine_start(s->eng, 0, &s->dec);
	if (r < 0)
		goto out;
	apply_decisions(s);
	eg_for_each_cpu(cpu, &s->m->possible)
		cpu_go_idle(s, cpu);
	for (int i = 0; i < s->w->nr_tasks; i++)
		if (!s->w->tasks[i].start_on_fork)
			spawn(s, i);
	push(s, SIM_TICK_NS, SEV_TICK, 0, 0, 0);
	for (int z = 0; z < s->m->nr_zones; z++)
		push(s, 0, SEV_THERMAL, z, 0, 0);
	if (cfg->sample_ns)
		push(s, 0, SEV_SAMPLE, 0, 0, 0);
	if (s->end)
		push(s, s->end, SEV_END, 0, 0, 0);

	while (s->nr_heap && !s->err) {
		struct sev ev = pop(s);

		if (s->end && ev.t > s->end)
			break;
		account(s, ev.t);
		s->now = ev.t;
		res->events++;
		if (ev.type == SEV_END)
			break;
		handle(s, &ev);
		if (s->nr_alive == 0 && !s->end)
			break;
	}
	res->sim_ns = s->now;
	finish(s);
	r = s->err;
out:
	eg_engine_free(s->eng);
	for (int i = 0; i < s->nr_tasks; i++) {
		free(s->tasks[i].loop_left);
		free(s->tasks[i].timer_next);
	}
	for (int i = 0; i < s->w->nr_res; i++)
		free(s->res[i].waiters);
	for (int c = 0; c < EG_MAX_CPUS; c++)
		free(s->cpu[c].rq);
	free(s->res);
	free(s->tasks);
	free(s->heap);
	free(s->perf.v);
	free(s->lat_rt.v);
	free(s->lat_cfs.v);
	free(s);
	if (r < 0)
		eg_sim_result_free(res);
	return r;
}

void eg_sim_result_free(struct eg_sim_result *r)
{
	free(r->jobs);
	free(r->samples);
	r->jobs = NULL;
	r->samples = NULL;
	r->nr_jobs = 0;
	r->nr_samples = 0;
}

void eg_sim_workload_free(struct eg_sim_workload *w)
{
	if (!w)
		return;
	for (int i = 0; i < w->nr_tasks; i++) {
		free(w->tasks[i].ops);
		free(w->tasks[i].masks);
	}
	free(w->tasks);
	free(w->res);
	free(w);
}
