// SPDX-License-Identifier: GPL-2.0-or-later
/* Energy lower bound.
 *
 * Claim: a run that does W units of work (capacity x ns, the simulator's
 * RUN work) in T ns on model m uses at least
 *
 *     B(W, T) = T x sum over CPUs c of floor(pd(c))  +  W x min_work_cost
 *
 * whatever the schedule: placement, frequencies, idle states and their
 * transitions, thermal caps.
 *
 * Why. Split the energy into the CPUs' time, instant by instant. A CPU
 * that does not run work is idle, entering or leaving an idle state, or in
 * a cluster-off domain; the simulator charges it at least the power of one
 * of its idle states, or (cluster off) its share of the cluster state's
 * power, and transitions cost nothing negative. floor(pd) is the least of
 * those: the cheapest CPU idle state, the cheapest cluster state / n (n =
 * the domain's CPUs), and, so that the bound never counts running as
 * cheaper than the floor, the cheapest busy power. A CPU that runs at OPP o
 * draws its busy power P_busy(o) and, with the domain on, the domain power
 * P_pd(o) is drawn once for the <= n CPUs running: each running CPU carries
 * at least P_pd(o) / n of it. Running at o for t ns does perf(o) x t work,
 * so each unit of work costs at least
 *
 *     cost(pd, o) = (P_busy(o) + P_pd(o) / n - floor(pd)) / perf(o)  >= 0
 *
 * above the floor that CPU-time would have cost anyway. Summing over all
 * CPU-time: E >= T x sum floor + sum over work units of cost >= B(W, T),
 * with min_work_cost the least cost over every domain and OPP.
 *
 * Static power is part of what a running CPU draws (its own, and the
 * domain's share); a leaving CPU or cluster is charged its idle state's
 * power, >= the floor. The other terms (domain power of an idle domain not
 * in a cluster state, entry and exit energy) are >= 0 and only add to E:
 * the bound stays true, only looser, as long as the terms above stay what
 * the simulator charges at least. It is loose where the work cannot all go
 * to the cheapest domain and OPP (capacity, affinity, deadlines) and where
 * domain power is shared by fewer than n CPUs; it ignores every constraint
 * a real schedule has, which is what makes it a bound. A run that does less
 * work than another (work% under 100) gets the bound of the work it did.
 */
#include <math.h>

#include "bound.h"

/* uW x ns = 1e-15 J. */
#define UW_NS_TO_J 1e-15

/* What one running CPU of pd draws at opp at least: its busy and static
 * power and its share of the domain's (domain and domain static power, the
 * domain being on while a CPU runs), shared by all n CPUs at best. */
static double running_power(const struct eg_pd *pd, const struct eg_opp *opp)
{
	int n = pd->nr_cpus > 0 ? pd->nr_cpus : 1;

	return (double)(opp->power_uw + opp->static_uw) +
	       (double)(opp->pd_power_uw + opp->pd_static_uw) / n;
}

/* Least power a CPU of pd draws at any instant, as above. */
static double cpu_floor(const struct eg_pd *pd)
{
	double f = INFINITY;
	int n = pd->nr_cpus > 0 ? pd->nr_cpus : 1;

	for (int i = 0; i < pd->nr_cpu_idle; i++)
		f = fmin(f, (double)pd->cpu_idle[i].power_uw);
	for (int i = 0; i < pd->nr_cluster_idle; i++)
		f = fmin(f, (double)pd->cluster_idle[i].power_uw / n);
	for (int o = 0; o < pd->nr_opps; o++)
		f = fmin(f, running_power(pd, &pd->opps[o]));
	/* No idle state and no OPP: nothing is known to be drawn. */
	return isinf(f) ? 0 : f;
}

void eg_bound_terms_of(const struct eg_model *m, struct eg_bound_terms *t)
{
	t->min_work_cost = INFINITY;
	t->min_pd = t->min_opp = -1;
	for (int p = 0; p < m->nr_pds; p++) {
		const struct eg_pd *pd = &m->pds[p];

		t->cpu_floor_uw[p] = cpu_floor(pd);
		for (int o = 0; o < pd->nr_opps; o++) {
			const struct eg_opp *opp = &pd->opps[o];
			double cost;

			if (!opp->perf)
				continue;
			cost = (running_power(pd, opp) - t->cpu_floor_uw[p]) / opp->perf;
			if (cost < t->min_work_cost) {
				t->min_work_cost = cost;
				t->min_pd = p;
				t->min_opp = o;
			}
		}
	}
	/* No OPP can run work: only a run without work exists. */
	if (t->min_pd < 0)
		t->min_work_cost = 0;
}

double eg_bound_energy(const struct eg_model *m, uint64_t work, uint64_t sim_ns)
{
	struct eg_bound_terms t;
	double floor_uw = 0;

	eg_bound_terms_of(m, &t);
	for (int p = 0; p < m->nr_pds; p++)
		floor_uw += t.cpu_floor_uw[p] * m->pds[p].nr_cpus;
	return (floor_uw * (double)sim_ns + t.min_work_cost * (double)work) * UW_NS_TO_J;
}
