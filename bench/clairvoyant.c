/* Clairvoyant energy reference.
 *
 * Input: the jobs the performance run recorded. A job is one activation of a
 * periodic task: released at `release`, it must do `work` capacity-ns (ns of
 * work at capacity 1024) on a CPU of domain `pd` before `deadline` (its next
 * period). The simulator counts that work as capacity x ns (a CPU of
 * capacity c does c units of it per ns, platform/sim/sim.c), so a job takes
 * work / perf(opp) ns at an OPP. Knowing every job in advance, the reference picks for each job
 * alone the OPP of its domain that costs least over the job's window
 * W = deadline - release:
 *
 *     run(opp) = work / perf(opp)                              (ns)
 *     E(opp)   = (P_busy(opp) + P_pd(opp) / n) * run(opp) + P_idle * (W - run(opp))
 *
 * over the OPPs with run(opp) <= W (if none fits, the highest OPP, and the
 * job is marked infeasible). P_busy is one CPU's busy power at the OPP,
 * P_pd the domain (cluster) power while a CPU of it runs, shared by its n
 * CPUs (the domain is on at least total busy time / n, when every CPU's
 * work overlaps: a lower bound on what it costs), and P_idle the power of
 * the domain's deepest CPU idle state (knowing when the next activation
 * comes, a CPU can always sleep as deep as the gap allows; gaps here are
 * milliseconds, longer than any state's residency).
 * The total is the sum of E over jobs, plus, per domain, the CPU time not
 * covered by any job window (nr_cpus x simulated time - sum of windows)
 * at the power of the deepest CPU idle state: knowing the future, an idle
 * CPU with nothing to come sits in its deepest state.
 *
 * Limits, stated so the figure is read right:
 * - jobs are costed one by one, as if each had a CPU of its own: two jobs
 *   contending for one CPU, or sharing one domain's frequency, are not
 *   modelled, nor is the domain power shared between CPUs busy at once. The
 *   figure is a lower-bound-style reference, not a schedule one can replay.
 * - work of non-periodic tasks (CFS background tasks, finite batches) has no
 *   deadline: eg_clairvoyant_energy_all() costs it at the domain's most
 *   energy-efficient OPP (least (P_busy + P_pd - P_idle_deepest) / perf),
 *   in CPU time that was otherwise counted idle. eg_clairvoyant_energy()
 *   leaves it out.
 * - cluster idle states, wakeup costs and frequency transition costs are
 *   ignored, and the thermal cap is not applied.
 */
#include <errno.h>
#include <math.h>

#include "clairvoyant.h"
#include "util.h"

/* uW x ns = 1e-15 J. */
#define UW_NS_TO_J 1e-15

static int pd_index(const struct eg_model *m, int id)
{
	for (int i = 0; i < m->nr_pds; i++)
		if (m->pds[i].id == id)
			return i;
	return -1;
}

static double cpu_idle_power(const struct eg_pd *pd, bool deepest)
{
	if (!pd->nr_cpu_idle)
		return 0;
	return (double)pd->cpu_idle[deepest ? pd->nr_cpu_idle - 1 : 0].power_uw;
}

/* One CPU busy at opp: its power and its share of the domain's. */
static double busy_power(const struct eg_pd *pd, const struct eg_opp *opp)
{
	return (double)opp->power_uw + (double)opp->pd_power_uw / EG_MAX(pd->nr_cpus, 1);
}

/* The cheapest OPP for one job, as above. */
static void cost_job(const struct eg_pd *pd, const struct eg_sim_job *j, uint64_t sim_ns,
		     struct eg_clairvoyant_job *out)
{
	double window = (double)(j->deadline - j->release);
	/* Idle inside the window is counted up to the end of the simulation
	 * only, as the governors' energy is. */
	double idle_window = j->deadline > sim_ns && sim_ns > j->release ?
				     (double)(sim_ns - j->release) : window;
	double p_idle = cpu_idle_power(pd, true);
	double best = INFINITY;
	int best_opp = -1;

	for (int o = 0; o < pd->nr_opps; o++) {
		const struct eg_opp *opp = &pd->opps[o];
		double run, e;

		if (!opp->perf)
			continue;
		run = (double)j->work / (double)opp->perf;
		if (run > window)
			continue;
		e = busy_power(pd, opp) * run + p_idle * fmax(idle_window - run, 0);
		if (e < best) {
			best = e;
			best_opp = o;
		}
	}
	out->feasible = best_opp >= 0;
	if (best_opp < 0) {
		const struct eg_opp *opp = &pd->opps[pd->nr_opps - 1];
		double run = opp->perf ? (double)j->work / (double)opp->perf :
					 0;

		best_opp = pd->nr_opps - 1;
		best = busy_power(pd, opp) * run;
	}
	out->opp = best_opp;
	out->energy_j = best * UW_NS_TO_J;
}

/* Energy of `work` without a deadline on domain pd, in CPU time that would
 * otherwise idle in the deepest state: the OPP with the least extra energy
 * per unit of work. Returns the extra energy (uW x ns) and the busy time. */
static double cost_free_work(const struct eg_pd *pd, double work, double *busy_ns)
{
	double p_idle = cpu_idle_power(pd, true);
	double best = INFINITY;
	int best_opp = -1;

	for (int o = 0; o < pd->nr_opps; o++) {
		const struct eg_opp *opp = &pd->opps[o];
		double per_work;

		if (!opp->perf)
			continue;
		per_work = (busy_power(pd, opp) - p_idle) / opp->perf;
		if (per_work < best) {
			best = per_work;
			best_opp = o;
		}
	}
	if (best_opp < 0) {
		*busy_ns = 0;
		return 0;
	}
	*busy_ns = work / pd->opps[best_opp].perf;
	return best * work;
}

int eg_clairvoyant_energy(const struct eg_model *m, const struct eg_sim_job *jobs, int nr_jobs,
			  uint64_t sim_ns, struct eg_clairvoyant_job *per_job, double *energy_j)
{
	return eg_clairvoyant_energy_all(m, jobs, nr_jobs, NULL, sim_ns, per_job, energy_j);
}

int eg_clairvoyant_energy_all(const struct eg_model *m, const struct eg_sim_job *jobs,
			      int nr_jobs, const uint64_t *pd_work, uint64_t sim_ns,
			      struct eg_clairvoyant_job *per_job, double *energy_j)
{
	double covered_ns[EG_MAX_PDS] = { 0 };
	double job_work[EG_MAX_PDS] = { 0 };
	double total = 0;

	for (int i = 0; i < nr_jobs; i++) {
		const struct eg_sim_job *j = &jobs[i];
		struct eg_clairvoyant_job c;
		int p = pd_index(m, j->pd);

		if (p < 0 || !m->pds[p].nr_opps || j->deadline < j->release)
			return -EINVAL;
		cost_job(&m->pds[p], j, sim_ns, &c);
		total += c.energy_j;
		job_work[p] += (double)j->work;
		if (j->release < sim_ns)
			covered_ns[p] += (double)(EG_MIN(j->deadline, sim_ns) - j->release);
		if (per_job)
			per_job[i] = c;
	}
	for (int p = 0; p < m->nr_pds; p++) {
		const struct eg_pd *pd = &m->pds[p];
		double free_ns = (double)pd->nr_cpus * (double)sim_ns - covered_ns[p];

		free_ns = fmax(free_ns, 0);
		if (pd_work && (double)pd_work[p] > job_work[p]) {
			double busy_ns, extra;

			extra = cost_free_work(pd, (double)pd_work[p] - job_work[p], &busy_ns);

			/* Work that does not fit in the free time still
			 * costs its energy; only the idle it displaces is
			 * bounded by the free time. */
			if (busy_ns > free_ns)
				extra += cpu_idle_power(pd, true) * (busy_ns - free_ns);
			total += extra * UW_NS_TO_J;
		}
		total += cpu_idle_power(pd, true) * free_ns * UW_NS_TO_J;
	}
	*energy_j = total;
	return 0;
}
