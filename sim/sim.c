// SPDX-License-Identifier: GPL-2.0-or-later
/* The simulated SoC: discrete events in virtual time. This file sets a run
 * up, runs its event loop, dispatches the events, checks workloads and glues
 * the engine in; the event queue is queue.c, the scheduler sched.c, the task
 * programs task.c, the energy and thermal meters meter.c.
 *
 * Scheduler model (documented in the README, "The simulated SoC"):
 * - Each CPU has a run queue. Deadline tasks run before RT tasks (earliest
 *   deadline first), RT before CFS (lowest kernel prio first, FIFO among
 *   equals; SCHED_RR rotates every 100 ms), CFS tasks by lowest vruntime,
 *   which grows by run time x 1024 / weight(nice).
 * - A waking task is placed within its affinity mask (placement.c). On a
 *   device with an energy model and CPUs of different capacities a CFS task
 *   goes as the kernel's find_energy_efficient_cpu sends it: per domain the
 *   CPU with the most spare capacity where it fits (util x 1.25 <= cap) is a
 *   candidate, and the task goes where the energy model's estimate grows
 *   least, staying on its previous CPU unless another saves energy. While a
 *   CPU is overutilized (util over 80 % of its capacity), placement is
 *   capacity-aware: an idle CPU where the task fits, else the biggest idle
 *   CPU, else the least queued. RT and deadline tasks, first wakeups and
 *   all tasks of a symmetric device are spread: the previous CPU if idle;
 *   else an idle CPU of the previous CPU's domain; else the idle CPU with
 *   the highest capacity; else the CPU with the fewest queued tasks (lowest
 *   CPU id on ties). Utilizations are the engine's PELT signals. A task's
 *   utilization clamp (uclamp: its description's, a program op's or an
 *   EG_DEC_TASK_UCLAMP decision's, at once) enters the fit checks, the
 *   overutilized test and the energy estimate as the kernel's
 *   util_fits_cpu and sugov_effective_cpu_perf take it, and the switches
 *   to the task report it to the engine. An RT wakeup preempts a CFS or
 *   lower-priority RT task; a CFS wakeup preempts CFS when its vruntime is
 *   1 ms behind.
 * - A CPU that goes idle pulls the first waiting task it may run from the
 *   CPU with the longest queue. Every 4 ms tick, unless the device is
 *   energy-aware and no CPU overutilized: a running CFS task that no longer
 *   fits its CPU moves to the biggest idle CPU of more capacity (misfit),
 *   and idle CPUs, biggest first, pull a waiting task. Then the running CFS
 *   task yields to a queued CFS task with a lower vruntime.
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
 * - Energy is integrated exactly between events (meter.c): busy and static
 *   power of the OPP for each running CPU, idle-state power for idle CPUs
 *   and for a CPU leaving its state (it runs no work then), domain and
 *   domain static power whenever the domain is not in a cluster state,
 *   cluster state power when it is (also while it leaves it). Each exit
 *   adds the state's entry + exit energy, which makes it break even with the
 *   next shallower state at its target residency (core/model.c).
 *   Each thermal zone is an RC circuit driven by the power of the domains it
 *   covers: T(t) = Ta + P R + (T0 - Ta - P R) exp(-t / RC).
 */
#include <stdlib.h>
#include <string.h>

#include "sim_internal.h"
#include "util.h"

/* --- engine glue --- */

void sim_engine_event(struct sim *s, struct eg_event *ev)
{
	int r;

	ev->ts = s->now;
	s->decisions.n = 0;
	r = eg_engine_event(s->engine, ev, &s->decisions);
	s->result->engine_events++;
	if (r < 0 && !s->err)
		s->err = r;
	sim_apply_decisions(s);
}

static void schedule_gov(struct sim *s)
{
	uint64_t t = eg_engine_next_timer(s->engine);

	if (t == EG_NEVER || t == s->gov_next)
		return;
	if (t < s->now)
		t = s->now;
	s->gov_next = t;
	sim_push(s, t, SIM_EV_GOV, 0, 0, t);
}

/* An EG_DEC_TASK_UCLAMP decision, as eagovd applies it (daemon/sink.c): the
 * first one keeps the task's clamp then; (0, 1024) puts that back and
 * leaves a task never clamped alone. */
static void apply_task_uclamp(struct sim *s, int task, uint32_t value)
{
	struct sim_task *t = &s->tasks[task];
	uint32_t min = eg_uclamp_min(value), max = eg_uclamp_max(value);

	if (min == 0 && max == EG_CAPACITY_SCALE) {
		if (!t->dec_saved)
			return;
		t->dec_saved = false;
		sim_task_set_uclamp(s, task, t->saved_min_req, t->saved_max, t->saved_min_user);
		return;
	}
	if (!t->dec_saved) {
		t->saved_min_req = t->uclamp_min_req;
		t->saved_max = t->uclamp_max;
		t->saved_min_user = t->uclamp_min_user;
	}
	/* A pair the kernel refuses changes nothing, nor saves anything. */
	if (sim_task_set_uclamp(s, task, min, max, true) == 0)
		t->dec_saved = true;
}

void sim_apply_decisions(struct sim *s)
{
	for (int i = 0; i < s->decisions.n; i++) {
		const struct eg_decision *d = &s->decisions.d[i];

		switch (d->type) {
		case EG_DEC_SET_FREQ: {
			const struct eg_pd *pd;
			struct sim_pd *p;

			if (d->target < 0 || d->target >= s->model->nr_pds)
				break;
			pd = &s->model->pds[d->target];
			p = &s->pd[d->target];
			p->freq_gen++;
			sim_push(s, s->now + pd->transition_latency_ns, SIM_EV_FREQ, d->target,
				 d->value, p->freq_gen);
			break;
		}
		case EG_DEC_SET_CAP:
			if (d->target >= 0 && d->target < s->model->nr_pds)
				s->pd[d->target].cap_khz = d->value;
			break;
		case EG_DEC_IDLE_LATENCY:
			if (d->target >= 0 && d->target < EG_MAX_CPUS)
				s->cpu[d->target].latency_req_us = d->value ? d->value : UINT32_MAX;
			break;
		case EG_DEC_TASK_UCLAMP:
			/* Task i has pid i + 1 (sim_spawn). The clamp holds at
			 * once, for placement and for what the next switch to
			 * the task reports; an exited task or a pair the kernel
			 * refuses changes nothing. */
			if (d->target >= 1 && d->target <= s->nr_tasks &&
			    s->tasks[d->target - 1].state != TASK_DEAD)
				apply_task_uclamp(s, d->target - 1, d->value);
			break;
		default:
			break;
		}
	}
	s->decisions.n = 0;
	schedule_gov(s);
}

/* --- events --- */

/* A frequency change takes effect: running tasks finish at a new time. */
static void freq_changed(struct sim *s, const struct sim_event *ev)
{
	struct sim_pd *p = &s->pd[ev->pd];
	const struct eg_pd *pd = &s->model->pds[ev->pd];
	int idx = eg_pd_opp_index(pd, ev->khz);
	struct eg_event e = { .type = EG_EV_FREQ, .cpu = -1 };
	int cpu;

	if (ev->gen != p->freq_gen || idx < 0 || idx == p->opp)
		return;
	p->opp = idx;
	s->result->pd[ev->pd].transitions++;
	e.freq.pd = ev->pd;
	e.freq.khz = ev->khz;
	sim_engine_event(s, &e);
	eg_for_each_cpu (cpu, &pd->cpus)
		if (s->cpu[cpu].curr >= 0)
			sim_arm_cpu(s, cpu);
}

static void handle(struct sim *s, const struct sim_event *ev)
{
	switch (ev->type) {
	case SIM_EV_WAKE: {
		struct sim_task *t = &s->tasks[ev->task];

		if (t->state != TASK_SLEEPING || t->wake_gen != ev->gen)
			break;
		/* A task's first wakeup is its creation (sched_wakeup_new):
		 * the signals give it the kernel's initial util. */
		sim_task_wake(s, ev->task,
			      (t->iowait ? EG_WAKE_IOWAIT : 0) | (t->cpu < 0 ? EG_WAKE_NEW : 0));
		s->tasks[ev->task].iowait = false;
		break;
	}
	case SIM_EV_CPU_DONE: {
		struct sim_cpu *c = &s->cpu[ev->cpu];

		if (ev->gen != c->done_gen || c->curr < 0)
			break;
		sim_task_step(s, c->curr);
		break;
	}
	case SIM_EV_TICK:
		sim_sched_tick(s);
		sim_push(s, s->now + SIM_TICK_NS, SIM_EV_TICK, 0, 0, 0);
		break;
	case SIM_EV_GOV: {
		struct eg_event e = { .type = EG_EV_TICK, .cpu = -1 };

		if (ev->gen != s->gov_next)
			break;
		s->gov_next = 0;
		sim_engine_event(s, &e);
		break;
	}
	case SIM_EV_FREQ:
		freq_changed(s, ev);
		break;
	case SIM_EV_THERMAL: {
		struct eg_event e = { .type = EG_EV_TEMP, .cpu = -1 };
		uint64_t iv = eg_engine_thermal_interval(s->engine, ev->zone);

		e.temp.zone = ev->zone;
		e.temp.temp_mc = (int32_t)(s->zone[ev->zone].temp_c * 1000);
		sim_engine_event(s, &e);
		sim_push(s, s->now + (iv == EG_NEVER ? NSEC_PER_SEC : iv), SIM_EV_THERMAL, ev->zone,
			 0, 0);
		break;
	}
	case SIM_EV_IDLE_TICK: {
		struct sim_cpu *c = &s->cpu[ev->cpu];

		if (ev->gen != c->idle_gen || c->curr >= 0 || c->idle_idx < 0)
			break;
		eg_engine_idle_reflect(s->engine, ev->cpu, c->idle_idx, s->now - c->idle_since);
		sim_cpu_go_idle(s, ev->cpu);
		break;
	}
	case SIM_EV_SCRIPT:
		s->decisions.n = 1;
		s->decisions.d[0] = s->config->script[ev->task];
		s->decisions.d[0].ts = s->now;
		sim_apply_decisions(s);
		break;
	case SIM_EV_SAMPLE:
		sim_sample(s);
		sim_push(s, s->now + s->config->sample_ns, SIM_EV_SAMPLE, 0, 0, 0);
		break;
	default:
		break;
	}
}

/* --- workload checks --- */

/* Does the op make simulated time pass for its task? */
static bool op_takes_time(const struct eg_sim_op *op)
{
	switch (op->code) {
	case EG_SIM_RUN:
		return op->work > 0;
	case EG_SIM_RUNTIME:
	case EG_SIM_SLEEP:
	case EG_SIM_IOWAIT:
	case EG_SIM_TIMER:
		return op->ns > 0;
	default:
		return false;
	}
}

/* Does the op make its task wait for another task? */
static bool op_waits(const struct eg_sim_op *op)
{
	return op->code == EG_SIM_LOCK || op->code == EG_SIM_WAIT || op->code == EG_SIM_BARRIER ||
	       op->code == EG_SIM_SUSPEND;
}

int eg_sim_task_timeless_loop(const struct eg_sim_task_desc *d)
{
	for (int k = 0; k < d->nr_ops; k++) {
		const struct eg_sim_op *end = &d->ops[k];
		bool passes_time = false;

		if (end->code != EG_SIM_LOOP_END || end->begin >= (uint64_t)k ||
		    d->ops[end->begin].count != 0)
			continue;
		for (int i = (int)end->begin + 1; i < k && !passes_time; i++)
			passes_time = op_takes_time(&d->ops[i]) || op_waits(&d->ops[i]);
		if (!passes_time)
			return (int)end->begin;
	}
	return -1;
}

static int check_op(const struct eg_sim_workload *w, const struct eg_sim_task_desc *d, int k)
{
	const struct eg_sim_op *op = &d->ops[k];

	switch (op->code) {
	case EG_SIM_TIMER:
		if (op->ns == 0)
			return -EINVAL;
		__attribute__((fallthrough));
	case EG_SIM_LOCK:
	case EG_SIM_UNLOCK:
	case EG_SIM_SIGNAL:
	case EG_SIM_BROAD:
	case EG_SIM_WAIT:
	case EG_SIM_BARRIER:
		return op->res < 0 || op->res >= w->nr_res ? -EINVAL : 0;
	case EG_SIM_FORK:
	case EG_SIM_RESUME:
		return op->task < 0 || op->task >= w->nr_tasks ? -EINVAL : 0;
	case EG_SIM_LOOP_BEGIN:
		return op->loop < 0 || op->loop >= d->nr_loops ? -EINVAL : 0;
	case EG_SIM_LOOP_END:
		if (op->loop < 0 || op->loop >= d->nr_loops || op->begin >= (uint64_t)k ||
		    d->ops[op->begin].code != EG_SIM_LOOP_BEGIN)
			return -EINVAL;
		return 0;
	case EG_SIM_SETCPUS:
		return op->mask < 0 || op->mask >= d->nr_masks ? -EINVAL : 0;
	default:
		return 0;
	}
}

static int check_workload(const struct eg_sim_workload *w, const struct eg_model *m)
{
	if (w->nr_tasks <= 0 || w->calib_cpu < 0 || w->calib_cpu >= m->nr_cpus)
		return -EINVAL;
	for (int i = 0; i < w->nr_tasks; i++) {
		const struct eg_sim_task_desc *d = &w->tasks[i];
		bool any = eg_cpumask_weight(&d->cpus) == 0;
		int cpu;

		if (d->util_max > EG_CAPACITY_SCALE || d->util_min > EG_CAPACITY_SCALE ||
		    (d->util_max && d->util_min > d->util_max))
			return -EINVAL;

		eg_for_each_cpu (cpu, &d->cpus)
			if (cpu < m->nr_cpus)
				any = true;
		if (!any)
			return -EINVAL;
		for (int k = 0; k < d->nr_ops; k++)
			if (check_op(w, d, k))
				return -EINVAL;
		if (eg_sim_task_timeless_loop(d) >= 0)
			return -EINVAL;
	}
	return 0;
}

/* --- a run --- */

static int sim_setup(struct sim *s)
{
	const struct eg_sim_config *cfg = s->config;
	const struct eg_pd *calib = cpu_pd(s, s->workload->calib_cpu);
	int cpu, r;

	s->end = cfg->duration_ns ? cfg->duration_ns : s->workload->duration_ns;
	s->result->calib_capacity = calib->opps[calib->nr_opps - 1].perf;
	s->resources = calloc((size_t)EG_MAX(s->workload->nr_res, 1), sizeof(*s->resources));
	if (!s->resources)
		return -ENOMEM;
	for (int i = 0; i < s->workload->nr_res; i++)
		s->resources[i].holder = -1;
	r = eg_engine_new(&s->engine, s->model, cfg->engine, 0);
	if (r < 0)
		return r;
	s->sig = eg_engine_signals(s->engine);
	for (int i = 0; i < s->model->nr_pds; i++) {
		const struct eg_pd *pd = &s->model->pds[i];

		/* Start at the top OPP, as a kernel hands over after boot. */
		s->pd[i].opp = pd->nr_opps - 1;
		s->pd[i].cluster_idx = -1;
		eg_engine_set_domain_state(s->engine, i, eg_pd_max_khz(pd), eg_pd_min_khz(pd),
					   eg_pd_max_khz(pd));
	}
	eg_for_each_cpu (cpu, &s->model->possible) {
		s->cpu[cpu].curr = -1;
		s->cpu[cpu].idle_idx = -1;
		s->cpu[cpu].online = true;
		s->cpu[cpu].latency_req_us = UINT32_MAX;
		s->cpu[cpu].idle_uclamp_max = EG_CAPACITY_SCALE;
	}
	for (int z = 0; z < s->model->nr_zones; z++) {
		s->zone[z].temp_c = s->model->zones[z].ambient_mc / 1000.0;
		s->result->peak_temp_mc[z] = s->model->zones[z].ambient_mc;
	}
	sim_placement_init(s);
	s->decisions.n = 0;
	r = eg_engine_start(s->engine, 0, &s->decisions);
	if (r < 0)
		return r;
	sim_apply_decisions(s);
	eg_for_each_cpu (cpu, &s->model->possible)
		sim_cpu_go_idle(s, cpu);
	for (int i = 0; i < s->workload->nr_tasks; i++)
		if (!s->workload->tasks[i].start_on_fork)
			sim_spawn(s, i);
	sim_push(s, SIM_TICK_NS, SIM_EV_TICK, 0, 0, 0);
	for (int z = 0; z < s->model->nr_zones; z++)
		sim_push(s, 0, SIM_EV_THERMAL, z, 0, 0);
	for (int i = 0; i < cfg->nr_script; i++)
		sim_push(s, cfg->script[i].ts, SIM_EV_SCRIPT, i, 0, 0);
	if (cfg->sample_ns)
		sim_push(s, 0, SIM_EV_SAMPLE, 0, 0, 0);
	if (s->end)
		sim_push(s, s->end, SIM_EV_END, 0, 0, 0);
	return 0;
}

/* --- stalls --- */

/* Could a task of description d (or one it forks) wake task t, which is
 * blocked? Judged from the program, not from where d's task stands: a task
 * still able to run is taken to reach every op of its program. */
static bool desc_can_wake(const struct sim *s, int d, const struct sim_task *t, bool *seen)
{
	const struct eg_sim_task_desc *desc = &s->workload->tasks[d];

	if (seen[d])
		return false;
	seen[d] = true;
	for (int k = 0; k < desc->nr_ops; k++) {
		const struct eg_sim_op *op = &desc->ops[k];

		switch (op->code) {
		case EG_SIM_SIGNAL:
		case EG_SIM_BROAD:
		case EG_SIM_BARRIER:
		case EG_SIM_UNLOCK:
			if (op->res == t->blocked_res)
				return true;
			break;
		case EG_SIM_RESUME:
			if (t->blocked_res == SIM_BLOCKED_SUSPEND && op->task == t->desc_idx)
				return true;
			break;
		case EG_SIM_FORK:
			if (desc_can_wake(s, op->task, t, seen))
				return true;
			break;
		default:
			break;
		}
	}
	return false;
}

static void note_stalled(struct sim *s, const struct sim_task *t)
{
	struct eg_sim_result *r = s->result;
	size_t len = strlen(r->stalled);
	size_t room = sizeof(r->stalled) - len;
	int n;

	r->nr_stalled++;
	r->stall_ns = EG_MIN(r->stall_ns, s->now - EG_MIN(t->blocked_at, s->now));
	if (len >= 3 && eg_streq(r->stalled + len - 3, "..."))
		return;
	n = snprintf(r->stalled + len, room, "%s%s", len ? ", " : "", t->desc->name);
	if (n < 0 || (size_t)n >= room)
		snprintf(r->stalled + EG_MIN(len, sizeof(r->stalled) - 4), 4, "...");
}

/* Which tasks wait for good at the end of the run (eg_sim_result): the tasks
 * still able to run are those not blocked, and, repeatedly, the blocked ones
 * one of them could wake; the blocked rest is stalled. */
static int find_stalls(struct sim *s)
{
	bool *live = calloc((size_t)EG_MAX(s->nr_tasks, 1), sizeof(bool));
	bool *seen = calloc((size_t)EG_MAX(s->workload->nr_tasks, 1), sizeof(bool));
	bool changed = true;
	int nr_live = 0;

	if (!live || !seen) {
		free(live);
		free(seen);
		return -ENOMEM;
	}
	for (int i = 0; i < s->nr_tasks; i++) {
		const struct sim_task *t = &s->tasks[i];

		live[i] = t->state != TASK_DEAD &&
			  (t->state != TASK_BLOCKED || t->blocked_res == SIM_BLOCKED_MOVE);
		nr_live += live[i];
	}
	while (changed) {
		changed = false;
		for (int i = 0; i < s->nr_tasks; i++) {
			const struct sim_task *t = &s->tasks[i];

			if (live[i] || t->state != TASK_BLOCKED)
				continue;
			for (int k = 0; k < s->nr_tasks && !live[i]; k++) {
				if (!live[k])
					continue;
				/* A mutex's holder wakes its waiters. */
				if (t->blocked_res >= 0 &&
				    s->workload->res[t->blocked_res].type == EG_SIM_RES_MUTEX &&
				    s->resources[t->blocked_res].holder == k)
					live[i] = true;
				memset(seen, 0, (size_t)s->workload->nr_tasks * sizeof(bool));
				if (!live[i] && desc_can_wake(s, s->tasks[k].desc_idx, t, seen))
					live[i] = true;
			}
			if (live[i]) {
				nr_live++;
				changed = true;
			}
		}
	}
	s->result->stall_ns = UINT64_MAX;
	for (int i = 0; i < s->nr_tasks; i++) {
		const struct sim_task *t = &s->tasks[i];

		if (t->state == TASK_BLOCKED && !live[i]) {
			note_stalled(s, t);
		} else if (t->state == TASK_RUNNABLE && !t->ran &&
			   s->now - EG_MIN(t->woke_at, s->now) >= EG_SIM_STARVED_NS) {
			struct sim_task starved = *t;

			starved.blocked_at = t->woke_at;
			note_stalled(s, &starved);
		}
	}
	if (!s->result->nr_stalled)
		s->result->stall_ns = 0;
	s->result->deadlock = s->nr_alive > 0 && nr_live == 0;
	free(live);
	free(seen);
	return 0;
}

/* Every task alive waits for another: nothing can happen any more. */
static bool all_blocked(const struct sim *s)
{
	if (!s->nr_alive)
		return false;
	for (int i = 0; i < s->nr_tasks; i++) {
		const struct sim_task *t = &s->tasks[i];

		if (t->state != TASK_DEAD && t->state != TASK_BLOCKED)
			return false;
	}
	return true;
}

static void sim_loop(struct sim *s)
{
	uint64_t instant_events = 0;

	while (s->nr_heap && !s->err) {
		struct sim_event ev;

		sim_pop(s, &ev);

		if (s->end && ev.t > s->end)
			break;
		sim_account(s, ev.t);
		instant_events = ev.t == s->now ? instant_events + 1 : 0;
		s->now = ev.t;
		s->result->events++;
		if (ev.type == SIM_EV_END)
			break;
		if (s->config->max_events && s->result->events > s->config->max_events) {
			s->result->truncated = true;
			break;
		}
		/* Simulated time stopped: tasks pass the CPU to each other
		 * (yield, wake and wait) in a loop of ops that take no time. */
		if (instant_events >
		    SIM_INSTANT_EVENTS_BASE + (uint64_t)s->nr_tasks * SIM_INSTANT_EVENTS_PER_TASK) {
			s->err = -ELOOP;
			break;
		}
		handle(s, &ev);
		if (s->nr_alive == 0 && !s->end)
			break;
		/* A run without a duration ends at a deadlock; the ticks
		 * would carry it on forever. */
		if (!s->end && ev.type == SIM_EV_TICK && all_blocked(s))
			break;
	}
}

static void sim_free(struct sim *s)
{
	eg_engine_free(s->engine);
	for (int i = 0; i < s->nr_tasks; i++) {
		free(s->tasks[i].loop_left);
		free(s->tasks[i].timer_next);
	}
	if (s->resources)
		for (int i = 0; i < s->workload->nr_res; i++)
			free(s->resources[i].waiters);
	for (int c = 0; c < EG_MAX_CPUS; c++)
		free(s->cpu[c].rq);
	free(s->resources);
	free(s->tasks);
	free(s->heap);
	free(s->perf_index.items);
	free(s->lat_rt.items);
	free(s->lat_cfs.items);
	free(s->resp_rt.items);
	free(s->resp_cfs.items);
	free(s);
}

int eg_sim_run(const struct eg_sim_config *cfg, struct eg_sim_result *res)
{
	struct sim *s;
	int r;

	memset(res, 0, sizeof(*res));
	if (!cfg->model || !cfg->engine || !cfg->workload || cfg->nr_script < 0 ||
	    cfg->nr_script > INT16_MAX || (cfg->nr_script && !cfg->script) ||
	    (cfg->kernel_uclamp && cfg->rt_default_min > EG_CAPACITY_SCALE))
		return -EINVAL;
	r = check_workload(cfg->workload, cfg->model);
	if (r < 0)
		return r;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->config = cfg;
	s->model = cfg->model;
	s->workload = cfg->workload;
	s->result = res;
	s->kernel_uclamp = cfg->kernel_uclamp;
	s->rt_default_min = cfg->rt_default_min;
	r = sim_setup(s);
	if (r == 0) {
		sim_loop(s);
		res->sim_ns = s->now;
		sim_finish(s);
		r = s->err ? s->err : find_stalls(s);
	}
	sim_free(s);
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
