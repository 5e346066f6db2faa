/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The oracle of eagov-bench: the lowest energy the simulator itself reaches
 * on a device x workload with every domain held at one fixed OPP, missing no
 * more activations and doing no less work than the performance run. Found
 * by a coordinate descent over the domains' OPPs (see oracle.c). */
#pragma once

#include "bench.h"

/* The frequency policy of the oracle's runs: the domain stays at the
 * highest OPP at or below its "khz" tunable (0: the highest allowed), within
 * the limits and caps the engine passes. */
extern const struct eg_freq_policy_ops bench_oracle_freq;

/* The engine configuration of the oracle's run with domain p at OPP opp[p]:
 * bench_gov_config(d, "performance") with bench_oracle_freq on every domain.
 * Free with eg_engine_config_free. 0, -EINVAL or -ENOMEM, with err. */
int bench_oracle_config(const struct bench_device *d, const int *opp, struct eg_engine_config *ecfg,
			struct eg_error *err);

/* Search the oracle of o->job.dev x o->job.wl from its performance run pf
 * (which must have succeeded). Fills o; o->job.err and errmsg on failure. */
void bench_oracle_search(struct bench *b, const struct bench_job *pf, struct bench_oracle *o);
