// SPDX-License-Identifier: GPL-2.0-or-later
/* Where a waking task runs and when tasks move between CPUs: the kernel's
 * energy-aware placement (find_energy_efficient_cpu) on devices with an
 * energy model and CPUs of different capacities, capacity-aware placement
 * when a CPU is overutilized, RT placement by uclamp when the simulated
 * kernel has it, the CFS-like spread on symmetric devices, and
 * the balancing the tick does (misfit migration, idle CPUs pulling waiting
 * tasks). Utilization comes from the engine's PELT signals. */

#include "sim_internal.h"
#include "util.h"

/* util fits cap with the kernel's 20 % headroom: util * 1280 <= cap * 1024. */
static inline bool util_fits(uint32_t util, uint32_t cap)
{
	return (uint64_t)util * SIM_FITS_MARGIN <= (uint64_t)cap * EG_CAPACITY_SCALE;
}

/* CPU k's capacity under its domain's frequency cap (thermal, profile):
 * what a uclamp_min asks of it is measured against this. */
static uint32_t cpu_actual_cap(const struct sim *s, int k)
{
	const struct eg_pd *pd = cpu_pd(s, k);
	uint32_t cap_khz = s->pd[pd->id].cap_khz, top = eg_pd_max_khz(pd);

	if (!cap_khz || cap_khz >= top)
		return s->model->cpu_cap[k];
	return (uint32_t)((uint64_t)s->model->cpu_cap[k] * cap_khz / top);
}

/* The kernel's util_fits_cpu(): does utilization util, under the clamp
 * (umin, umax), fit CPU k? 1: it fits; -1: it fits but the CPU cannot give
 * the performance umin asks for; 0: it does not fit. util itself is not
 * clamped: it fits with the 20 % margin, or because umax caps it at or
 * below the CPU's capacity (no margin; except a umax of 1024 on a CPU of
 * capacity 1024, which caps nothing). With no clamp (0, 1024) this is
 * util_fits(). */
static int util_fits_cpu(const struct sim *s, uint32_t util, uint32_t umin, uint32_t umax, int k)
{
	uint32_t cap = s->model->cpu_cap[k];
	bool fits = util_fits(util, cap);

	if (!s->uclamp_used)
		return fits;
	if (!fits && umax < EG_CAPACITY_SCALE && umax <= cap)
		fits = true;
	if (!fits)
		return 0;
	umin = EG_MIN(umin, umax);
	if (util < umin && umin > cpu_actual_cap(s, k))
		return -1;
	return 1;
}

/* A PELT average brought forward over time it was not updated for: its
 * entity is taken to have been idle since (the blocked-load decay the
 * kernel does for idle CPUs and sleeping tasks). */
static uint32_t decayed(const struct eg_pelt *p, uint64_t now)
{
	uint64_t periods;

	if (now <= p->last_update_ns || !p->util_avg)
		return p->util_avg;
	periods = (now - p->last_update_ns) / (EG_PELT_PERIOD_US * 1024ULL);
	return periods ? (uint32_t)eg_pelt_decay(p->util_avg, periods) : p->util_avg;
}

/* Utilizations from the engine's PELT signals, decayed over the time an
 * idle CPU or a sleeping task was not updated. */
static uint32_t sim_task_util(const struct sim *s, const struct sim_task *t)
{
	const struct eg_task *et = eg_signals_task(s->sig, t->pid);
	uint32_t util, est;

	if (!et)
		return 0;
	util = t->state == TASK_RUNNING ? et->avg.util_avg : decayed(&et->avg, s->now);
	est = EG_MAX(et->util_est_ewma, et->util_est_enqueued);
	return EG_MIN(EG_MAX(util, est), (uint32_t)EG_CAPACITY_SCALE);
}

static inline uint32_t sim_cpu_util(const struct sim *s, int cpu)
{
	const struct eg_signals *sig = s->sig;
	const struct eg_cpu_signals *c;
	uint32_t util;

	if (!sig)
		return 0;
	c = &sig->cpu[cpu];
	if (s->cpu[cpu].curr >= 0)
		util = EG_MAX(c->cfs.util_avg, c->util_est) + c->rt.util_avg;
	else
		util = EG_MAX(decayed(&c->cfs, s->now), c->util_est) + decayed(&c->rt, s->now);
	return EG_MIN(util, s->model->cpu_cap[cpu]);
}

/* The kernel's cpu_overutilized(): CPU k's utilization util does not fit
 * it under its run queue's clamp (a CPU whose tasks are capped at or below
 * its capacity is not overutilized, however busy). */
static bool cpu_overutilized(const struct sim *s, int k, uint32_t util)
{
	uint32_t umin = 0, umax = EG_CAPACITY_SCALE;

	if (s->uclamp_used)
		sim_rq_uclamp(s, k, &umin, &umax);
	return util_fits_cpu(s, util, umin, umax, k) == 0;
}

/* Some online CPU is overutilized. */
static bool sim_overutilized(const struct sim *s)
{
	for (int k = 0; k < s->model->nr_cpus; k++)
		if (s->cpu[k].online && cpu_overutilized(s, k, sim_cpu_util(s, k)))
			return true;
	return false;
}

/* Does the task fit CPU k on its own clamp (the kernel's task_fits_cpu())? */
static int task_fits_cpu(const struct sim *s, const struct sim_task *t, uint32_t p, int k)
{
	return util_fits_cpu(s, p, t->uclamp_min, t->uclamp_max, k);
}

/* The performance a CPU asks of its domain (the kernel's
 * sugov_effective_cpu_perf() as the energy model uses it): its utilization
 * with 25 % headroom, capped by the clamp's max, raised to its min. */
static uint32_t perf_need(uint32_t util, uint32_t umin, uint32_t umax)
{
	uint32_t need = (uint32_t)((uint64_t)util * SIM_FITS_MARGIN / EG_CAPACITY_SCALE);

	if (umax < EG_CAPACITY_SCALE)
		need = EG_MIN(need, umax);
	return EG_MAX(need, umin);
}

/* Energy the domain's CPUs spend per unit of time (arbitrary unit: uW x
 * capacity / capacity) at utilizations summing to sum, its busiest CPU
 * asking for performance need, as the energy model estimates it: the OPP
 * is the lowest efficient one whose capacity covers need; energy is that
 * OPP's power times sum over its capacity. */
static uint64_t pd_energy(const struct eg_pd *pd, uint32_t need, uint64_t sum)
{
	const struct eg_opp *opp = &pd->opps[pd->nr_opps - 1];

	for (int i = 0; i < pd->nr_opps; i++) {
		if (pd->opps[i].inefficient || pd->opps[i].perf < need)
			continue;
		opp = &pd->opps[i];
		break;
	}
	return opp->power_uw * sum / EG_MAX(opp->perf, 1U);
}

/* One domain as find_energy_efficient_cpu sees it before the task comes:
 * each CPU's utilization without the task (capped at the CPU's capacity)
 * and the performance it asks for under its run queue's clamp. */
struct pd_view {
	const struct eg_pd *pd;
	int first, last; /* its CPUs: s->pd_cpu[first .. last) */
	uint32_t need[EG_MAX_CPUS];
	uint32_t need_max;
	uint64_t sum;
};

/* What the domain's energy grows by when the task (util p, clamp of t)
 * joins CPU k, whose utilization without it is util_k. The task's clamp
 * joins k's run queue's (alone on an idle one) for k's performance. */
static uint64_t pd_energy_delta(const struct sim *s, const struct pd_view *v,
				const struct sim_task *t, int k, uint32_t util_k, uint32_t p)
{
	const struct eg_pd *pd = v->pd;
	uint32_t without = EG_MIN(util_k, pd->max_cap), with = EG_MIN(util_k + p, pd->max_cap);
	uint32_t umin, umax, need = 0;

	/* No clamp: with the task k asks for at least what it did. */
	if (!s->uclamp_used)
		return pd_energy(pd, EG_MAX(v->need_max, perf_need(with, 0, EG_CAPACITY_SCALE)),
				 v->sum - without + with) -
		       pd_energy(pd, v->need_max, v->sum);
	if (sim_rq_uclamp(s, k, &umin, &umax)) {
		umin = EG_MAX(umin, t->uclamp_min);
		umax = EG_MAX(umax, t->uclamp_max);
	} else {
		umin = t->uclamp_min;
		umax = t->uclamp_max;
	}
	for (int n = v->first; n < v->last; n++)
		if (s->pd_cpu[n] != k)
			need = EG_MAX(need, v->need[s->pd_cpu[n]]);
	need = EG_MAX(need, perf_need(with, umin, umax));
	return pd_energy(pd, need, v->sum - without + with) - pd_energy(pd, v->need_max, v->sum);
}

/* CPUs of different capacities (the kernel's sched_asym_cpucap_active). */
static bool model_asym(const struct eg_model *m)
{
	for (int k = 1; k < m->nr_cpus; k++)
		if (m->cpu_pd[k] >= 0 && m->cpu_pd[0] >= 0 && m->cpu_cap[k] != m->cpu_cap[0])
			return true;
	return false;
}

bool sim_eas_capable(const struct eg_model *m)
{
	if (!model_asym(m))
		return false;
	for (int i = 0; i < m->nr_pds; i++)
		for (int j = 0; j < m->pds[i].nr_opps; j++)
			if (!m->pds[i].opps[j].power_uw)
				return false;
	return true;
}

/* Is fit a (strictly) better kind of fit than best? 1 beats -1 beats 0. */
static inline bool fits_better(int fit, int best)
{
	return best == 0 ? fit != 0 : fit > best;
}

/* find_energy_efficient_cpu: per domain, the candidate is the allowed CPU
 * where the task (of util p, under its clamp and the CPU's run queue's)
 * fits best, then with the most spare capacity; the task goes to the
 * candidate that fully fits where the estimated energy grows least (or, if
 * it fully fits nowhere, to the one of the highest capacity), staying on
 * its previous CPU unless the candidate fits better or saves energy.
 * util[] is each CPU's utilization without the task. -1 when it fits
 * nowhere. */
static int select_energy(const struct sim *s, const struct sim_task *t, const uint32_t *util,
			 uint32_t p)
{
	int prev = t->cpu, best = -1, best_fits = 0, prev_fits = 0;
	uint64_t best_delta = UINT64_MAX, prev_delta = UINT64_MAX;
	struct pd_view v;

	for (int i = 0; i < s->model->nr_pds; i++) {
		const struct eg_pd *pd = &s->model->pds[i];
		int cand = -1, cand_fits = 0;
		int64_t cand_spare = -1;

		v.pd = pd;
		v.first = s->pd_cpu_start[i];
		v.last = s->pd_cpu_start[i + 1];
		v.need_max = 0;
		v.sum = 0;
		for (int n = v.first; n < v.last; n++) {
			int k = s->pd_cpu[n];
			uint32_t cap = s->model->cpu_cap[k], u = EG_MIN(util[k], pd->max_cap);
			uint32_t rmin = 0, rmax = EG_CAPACITY_SCALE;
			uint32_t tmin = t->uclamp_min, tmax = t->uclamp_max;
			int64_t spare;
			int fit;

			v.need[k] = 0;
			if (!s->cpu[k].online)
				continue;
			/* An idle run queue's kept max caps its blocked util. */
			if (s->uclamp_used)
				sim_rq_uclamp(s, k, &rmin, &rmax);
			v.need[k] = perf_need(u, rmin, rmax);
			v.sum += u;
			v.need_max = EG_MAX(v.need_max, v.need[k]);
			if (!task_allowed(t, k))
				continue;
			/* The fit takes the run queue's clamp as well, unless
			 * the CPU runs nothing (the task's alone then). */
			if (s->uclamp_used && sim_rq_uclamp(s, k, &rmin, &rmax)) {
				tmin = EG_MAX(tmin, rmin);
				tmax = EG_MAX(tmax, rmax);
			}
			fit = util_fits_cpu(s, util[k] + p, tmin, tmax, k);
			if (!fit)
				continue;
			if (k == prev) {
				prev_fits = fit;
				continue;
			}
			spare = (int64_t)cap - util[k] - p;
			spare = spare < 0 ? 0 : spare;
			if (fits_better(fit, cand_fits) || (fit == cand_fits && spare > cand_spare))
				cand_spare = spare, cand = k, cand_fits = fit;
		}
		if (prev_fits && s->model->cpu_pd[prev] == i)
			prev_delta = pd_energy_delta(s, &v, t, prev, util[prev], p);
		if (cand < 0)
			continue;
		/* Among candidates that fit only in part, the biggest. */
		if (cand_fits < 0 &&
		    (best_fits > 0 ||
		     (best >= 0 && cpu_actual_cap(s, cand) <= cpu_actual_cap(s, best))))
			continue;
		{
			uint64_t delta = pd_energy_delta(s, &v, t, cand, util[cand], p);

			if (cand_fits > 0 && best_fits > 0 && delta >= best_delta)
				continue;
			best_delta = delta, best = cand, best_fits = cand_fits;
		}
	}
	if (best < 0)
		return prev_fits ? prev : -1;
	if (!prev_fits || best_fits > prev_fits || (best_fits > 0 && best_delta < prev_delta) ||
	    (best_fits < 0 && cpu_actual_cap(s, best) > cpu_actual_cap(s, prev)))
		return best;
	return prev;
}

/* May the task run on CPU k at once: online, allowed, idle, nothing queued? */
static inline bool cpu_free_for(const struct sim *s, const struct sim_task *t, int k)
{
	return s->cpu[k].online && task_allowed(t, k) && !cpu_active(s, k) && s->cpu[k].nr_rq == 0;
}

/* The allowed CPU with the fewest queued tasks (lowest CPU id on ties). */
static int select_least_queued(const struct sim *s, const struct sim_task *t)
{
	int best = -1;

	for (int k = 0; k < s->model->nr_cpus; k++) {
		if (!s->cpu[k].online || !task_allowed(t, k))
			continue;
		if (best < 0 || s->cpu[k].nr_rq < s->cpu[best].nr_rq)
			best = k;
	}
	return best;
}

/* select_idle_capacity: the previous CPU if idle and the task fits it
 * (under its clamp), else the first idle CPU (by id) where it fits, else
 * among idle CPUs one where it fits but for its uclamp_min, of the highest
 * capacity, else the idle CPU of the highest capacity, else the least
 * queued CPU. */
static int select_capacity(const struct sim *s, const struct sim_task *t)
{
	uint32_t p = sim_task_util(s, t);
	int best = -1, best_fits = 0;

	if (t->cpu >= 0 && cpu_free_for(s, t, t->cpu) && task_fits_cpu(s, t, p, t->cpu) > 0)
		return t->cpu;
	for (int k = 0; k < s->model->nr_cpus; k++) {
		int fit;

		if (!cpu_free_for(s, t, k))
			continue;
		fit = task_fits_cpu(s, t, p, k);
		if (fit > 0)
			return k;
		/* The capacity under the frequency cap counts for a uclamp_min
		 * (the kernel's get_actual_cpu_capacity), the CPU's own else. */
		if (best < 0 || fit < best_fits ||
		    (fit == best_fits && fit < 0 &&
		     cpu_actual_cap(s, k) > cpu_actual_cap(s, best)) ||
		    (fit == best_fits && fit == 0 &&
		     s->model->cpu_cap[k] > s->model->cpu_cap[best]))
			best = k, best_fits = fit;
	}
	return best >= 0 ? best : select_least_queued(s, t);
}

/* The kernel's rt_task_fits_capacity(): CPU k's original capacity covers
 * the task's uclamp_min, taken no higher than its uclamp_max. */
static inline bool rt_fits_cpu(const struct sim *s, const struct sim_task *t, int k)
{
	return s->model->cpu_cap[k] >= EG_MIN(t->uclamp_min, t->uclamp_max);
}

/* May the task start on CPU k at once, and, if fit, does it fit k as an RT
 * task by its clamp? */
static inline bool spread_ok(const struct sim *s, const struct sim_task *t, int k, bool fit)
{
	return cpu_free_for(s, t, k) && (!fit || rt_fits_cpu(s, t, k));
}

/* The spread over the free CPUs (those the RT task fits if fit): its
 * previous CPU; else one of the previous CPU's domain; else the one with
 * the highest capacity; -1 when none is free. */
static int spread_free(const struct sim *s, const struct sim_task *t, bool fit)
{
	int prev = t->cpu;
	int best = -1;

	if (prev >= 0 && spread_ok(s, t, prev, fit))
		return prev;
	if (prev >= 0) {
		int pd = s->model->cpu_pd[prev];

		for (int n = s->pd_cpu_start[pd]; n < s->pd_cpu_start[pd + 1]; n++)
			if (spread_ok(s, t, s->pd_cpu[n], fit))
				return s->pd_cpu[n];
	}
	for (int k = 0; k < s->model->nr_cpus; k++) {
		if (!spread_ok(s, t, k, fit))
			continue;
		if (best < 0 || s->model->cpu_cap[k] > s->model->cpu_cap[best])
			best = k;
	}
	return best;
}

/* The CFS-like spread: its previous CPU if idle; else an idle CPU of the
 * previous CPU's domain; else the idle CPU with the highest capacity; else
 * the least queued CPU. */
static int select_spread(const struct sim *s, const struct sim_task *t)
{
	int best = spread_free(s, t, false);

	return best >= 0 ? best : select_least_queued(s, t);
}

/* May the RT task t preempt what CPU k runs (idle, CFS, a lower RT)? The
 * kernel's cpupri: the CPU's priority is its highest runnable task's. */
static bool rt_lower_prio_cpu(const struct sim *s, const struct sim_task *t, int k)
{
	const struct sim_cpu *c = &s->cpu[k];

	if (c->curr >= 0 && !task_before(t, &s->tasks[c->curr]))
		return false;
	for (int i = 0; i < c->nr_rq; i++)
		if (!task_before(t, &s->tasks[c->rq[i]]))
			return false;
	return true;
}

/* RT placement under uclamp on CPUs of different capacities
 * (select_task_rq_rt and find_lowest_rq with cpupri_find_fitness): the
 * spread over the CPUs the task fits; else, none of them free, the fitting
 * CPU running only lower-priority work (it is preempted) with the fewest
 * queued, its previous CPU first; else, nowhere to fit, the spread over
 * every CPU, as the kernel's search without the fitness. */
static int select_rt_fit(const struct sim *s, const struct sim_task *t)
{
	int prev = t->cpu, best = spread_free(s, t, true);

	if (best >= 0)
		return best;
	if (prev >= 0 && s->cpu[prev].online && task_allowed(t, prev) && rt_fits_cpu(s, t, prev) &&
	    rt_lower_prio_cpu(s, t, prev))
		return prev;
	for (int k = 0; k < s->model->nr_cpus; k++) {
		if (!s->cpu[k].online || !task_allowed(t, k) || !rt_fits_cpu(s, t, k) ||
		    !rt_lower_prio_cpu(s, t, k))
			continue;
		if (best < 0 || s->cpu[k].nr_rq < s->cpu[best].nr_rq)
			best = k;
	}
	return best >= 0 ? best : select_spread(s, t);
}

int sim_select_cpu(const struct sim *s, const struct sim_task *t)
{
	uint32_t util[EG_MAX_CPUS];
	uint32_t p;
	int cpu;

	/* Under uclamp the kernel places RT tasks by capacity. */
	if (s->kernel_uclamp && s->asym && task_class(t) == CLASS_RT)
		return select_rt_fit(s, t);
	/* RT and deadline tasks, and a task's first wakeup (the kernel's fork
	 * balance), spread; so does everything on a symmetric device. */
	if (!s->eas || task_class(t) != CLASS_FAIR || t->cpu < 0)
		return select_spread(s, t);
	for (int k = 0; k < s->model->nr_cpus; k++) {
		util[k] = s->cpu[k].online ? sim_cpu_util(s, k) : 0;
		if (s->cpu[k].online && cpu_overutilized(s, k, util[k]))
			return select_capacity(s, t);
	}
	/* The task's blocked util still counts on the CPU it last ran on: take
	 * it off, as the kernel's cpu_util_without(). */
	p = sim_task_util(s, t);
	util[t->cpu] -= EG_MIN(util[t->cpu], p);
	cpu = select_energy(s, t, util, p);
	return cpu >= 0 ? cpu : select_capacity(s, t);
}

/* --- balancing at the tick --- */

/* The running CFS task of cpu no longer fits it (under its clamp: a task
 * capped at or below the CPU's capacity fits; one whose uclamp_min the CPU
 * cannot give does not): move it to the idle allowed CPU of the highest
 * capacity above cpu's, if there is one. */
static void misfit_migrate(struct sim *s, int cpu)
{
	int task = s->cpu[cpu].curr, dest = -1;
	const struct sim_task *t;
	uint32_t cap = s->model->cpu_cap[cpu];

	if (task < 0)
		return;
	t = &s->tasks[task];
	if (task_class(t) != CLASS_FAIR || task_fits_cpu(s, t, sim_task_util(s, t), cpu) > 0)
		return;
	for (int k = 0; k < s->model->nr_cpus; k++) {
		uint32_t kc = s->model->cpu_cap[k];

		if (kc > cap && cpu_free_for(s, t, k) && (dest < 0 || kc > s->model->cpu_cap[dest]))
			dest = k;
	}
	if (dest >= 0)
		sim_move_running(s, task, dest);
}

/* Periodic balancing, run at every tick. On an energy-aware device that no
 * CPU overutilizes, the placement stands (the kernel skips balancing then).
 * Otherwise misfit tasks move up, then idle CPUs (biggest first, lowest id
 * among equals) pull a waiting task from the longest queue. Nothing to do
 * (no task waits, no task runs below the biggest capacity) is checked
 * first: it is the common case and cheaper than the utilizations. */
void sim_balance_tick(struct sim *s)
{
	uint32_t top = s->model->cpu_cap[s->balance_order[0]];
	bool waiting = false, misfit_possible = false;

	for (int k = 0; k < s->model->nr_cpus; k++) {
		waiting |= s->cpu[k].nr_rq > 0;
		misfit_possible |= s->cpu[k].curr >= 0 && s->model->cpu_cap[k] < top;
	}
	if (!waiting && !(s->eas && misfit_possible))
		return;
	if (s->eas) {
		if (!sim_overutilized(s))
			return;
		for (int k = 0; k < s->model->nr_cpus; k++)
			if (s->cpu[k].online)
				misfit_migrate(s, k);
		waiting = false;
		for (int k = 0; k < s->model->nr_cpus; k++)
			waiting |= s->cpu[k].nr_rq > 0;
	}
	if (!waiting)
		return;
	for (int n = 0; n < s->model->nr_cpus; n++) {
		int k = s->balance_order[n];

		if (s->cpu[k].online && s->cpu[k].curr < 0 && !cpu_active(s, k))
			sim_idle_pull(s, k);
	}
}

void sim_placement_init(struct sim *s)
{
	int n = 0, cpu;

	for (int i = 0; i < s->model->nr_pds; i++) {
		s->pd_cpu_start[i] = n;
		eg_for_each_cpu (cpu, &s->model->pds[i].cpus)
			s->pd_cpu[n++] = cpu;
	}
	s->pd_cpu_start[s->model->nr_pds] = n;
	for (int i = 0; i < s->model->nr_pds; i++)
		for (int k = 0; k < s->model->pds[i].nr_cpu_idle; k++)
			s->cpu_idle_uw[i][k] = (double)s->model->pds[i].cpu_idle[k].power_uw;
	n = 0;

	s->eas = sim_eas_capable(s->model);
	s->asym = model_asym(s->model);
	for (int k = 0; k < s->model->nr_cpus; k++)
		s->balance_order[n++] = k;
	/* Insertion sort: biggest capacity first, stable in CPU id. */
	for (int i = 1; i < n; i++) {
		int k = s->balance_order[i], j = i - 1;

		while (j >= 0 && s->model->cpu_cap[s->balance_order[j]] < s->model->cpu_cap[k]) {
			s->balance_order[j + 1] = s->balance_order[j];
			j--;
		}
		s->balance_order[j + 1] = k;
	}
}
