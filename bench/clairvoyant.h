/* Clairvoyant energy reference for eagov-bench: from the jobs a simulation
 * recorded (release, deadline, work, domain), the energy with which a
 * scheduler knowing the future could have met every deadline. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "model.h"
#include "sim.h"

/* Per-job choice, exposed for the bench's reporting and for checks. */
struct eg_clairvoyant_job {
	int opp;           /* OPP index chosen in the job's domain */
	double energy_j;   /* the job's energy over its window, domain power included */
	bool feasible;     /* some OPP finishes the work within the window */
};

/* Energy (J) of the reference for `nr_jobs` jobs over `sim_ns` of simulated
 * time on model m. per_job may be NULL, else it has nr_jobs entries.
 * Returns 0, or -EINVAL for a job naming no domain of m. */
int eg_clairvoyant_energy(const struct eg_model *m, const struct eg_sim_job *jobs, int nr_jobs,
			  uint64_t sim_ns, struct eg_clairvoyant_job *per_job, double *energy_j);

/* The same, with the work of non-periodic tasks as well: pd_work[p] is all
 * the RUN work the run did on domain p (struct eg_sim_pd_result.work); what
 * the jobs do not account for is costed at the domain's most
 * energy-efficient OPP, in CPU time that would otherwise be idle. */
int eg_clairvoyant_energy_all(const struct eg_model *m, const struct eg_sim_job *jobs,
			      int nr_jobs, const uint64_t *pd_work, uint64_t sim_ns,
			      struct eg_clairvoyant_job *per_job, double *energy_j);
