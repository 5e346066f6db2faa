/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The energy lower bound of eagov-bench: from the machine model alone, the
 * least energy in which any schedule can do a given amount of work in a
 * given time. No schedule, governor or placement beats it (see bound.c). */
#pragma once

#include <stdint.h>

#include "model.h"

/* The model's terms of the bound, exposed for the bench's tests and docs.
 * Powers in uW, work in capacity x ns (a CPU at perf c does c per ns). */
struct eg_bound_terms {
	/* Least power one CPU of domain p draws at any instant, running or
	 * not. */
	double cpu_floor_uw[EG_MAX_PDS];
	/* Least energy above the floor per unit of work, over every domain
	 * and OPP: uW x ns per capacity x ns. */
	double min_work_cost;
	int min_pd, min_opp; /* where it is reached; -1 when no OPP can run */
};

/* Fill t from m. */
void eg_bound_terms_of(const struct eg_model *m, struct eg_bound_terms *t);

/* Least energy (J) of `work` (capacity x ns) done in `sim_ns` on model m. */
double eg_bound_energy(const struct eg_model *m, uint64_t work, uint64_t sim_ns);
