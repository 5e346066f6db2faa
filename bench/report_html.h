/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eagov-bench's HTML report: one self-contained page (inline CSS and SVG, no
 * script, no network) with the run parameters, and per device x workload the
 * figures table, energy and perf-index bar charts and per-governor timelines. */
#pragma once

#include <stdint.h>
#include <stdio.h>

#include "model.h"
#include "sim.h"

/* The figures of one run, as the terminal table shows them; NAN = none. */
struct eg_bench_row {
	double energy, power, pi_mean, pi_p5, missed_pct, rt50, rt99, cfs50, cfs99, eff, trans,
		peak, above;
	/* Response time per activation (release to end of work), per class. */
	double resp_rt50, resp_rt99, resp_cfs50, resp_cfs99;
	/* The references: the lower bound for the work this run did in its
	 * time, and the oracle of its device x workload; the energy over each. */
	double bound_j, oracle_j, x_bound, x_oracle;
	/* Work done, percent of the performance run's: under 100 the governor
	 * did less of it (missed periods, unfinished loops), so its energy and
	 * x oracle do not compare with the others'. */
	double work_pct;
};

/* One governor's run on a device x workload. */
struct eg_html_run {
	const char *governor;
	const char *error; /* non-NULL: the run failed, row and res unused */
	struct eg_bench_row row;
	const struct eg_sim_result *res; /* for the timeline (samples, sim_ns); may be NULL */
};

struct eg_html_case {
	const struct eg_model *model;
	const char *workload;
	/* The references' energy and average power; NAN = none. The bound is
	 * the one for the performance run's work. */
	double bound_j, bound_w, oracle_j, oracle_w;
	int nr_runs;
	const struct eg_html_run *runs;
};

struct eg_html_params {
	const char *const *devices;
	int nr_devices;
	const char *const *workloads;
	int nr_workloads;
	const char *const *governors;
	int nr_governors;
	double duration_s; /* 0: each workload's own */
	uint64_t seed;
	const char *version;
	double sample_ms, max_sample_ms; /* timeline sample period: base, coarsest used */
	int nr_runs, jobs;
	double sim_s, wall_s, events; /* totals, for the simulation speed */
};

/* Write the report to out. Returns 0 or -EIO. */
int eg_html_report(FILE *out, const struct eg_html_params *p, const struct eg_html_case *cases,
		   int nr_cases);
/* The same into the file at path (created or truncated). Returns 0 or -errno. */
int eg_html_report_file(const char *path, const struct eg_html_params *p,
			const struct eg_html_case *cases, int nr_cases);
