/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eagov-bench's job matrix: the devices, workloads and governors asked for,
 * one simulation per device x workload x governor run on worker threads, the
 * two references (the energy lower bound and the oracle's search), and the
 * figures each output format prints. */
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "policy_conf.h"
#include "record.h"
#include "replay.h"
#include "report_html.h"
#include "rtapp.h"
#include "sim.h"

#define BENCH_MAX_ITEMS 64
#define BENCH_GOV_SPEC_MAX 160
#define BENCH_MAX_JOBS 64

/* eagov's own fast ramp on top of schedutil: not a kernel governor, a
 * column that measures the feature against plain schedutil. */
#define BENCH_GOV_SCHEDUTIL_RAMP "schedutil+ramp"

struct bench_device {
	char path[EG_PATH_MAX];
	struct eg_model model;
	struct eg_policy_conf *pc;
};

struct bench_job {
	int dev, wl, gov;
	struct eg_sim_result res;
	double wall_s;
	int err;
	char errmsg[400];
};

/* The oracle of a device x workload (oracle.h): its best run, as a job. */
struct bench_oracle {
	struct bench_job job; /* gov = -1; err set when the search failed */
	int opp[EG_MAX_PDS];  /* the OPP index each domain is held at */
	int runs;	      /* simulations the search made */
	double sim_s, events; /* their simulated time and events */
	bool valid;	      /* searched (a performance run exists) */
};

struct bench {
	struct bench_device dev[BENCH_MAX_ITEMS];
	int nr_dev;
	char wl_path[BENCH_MAX_ITEMS][EG_PATH_MAX];
	int nr_wl;
	const char *gov[BENCH_MAX_ITEMS];
	/* "NAME:tunable=value,..." columns keep their spelling here. */
	char gov_spec[BENCH_MAX_ITEMS][BENCH_GOV_SPEC_MAX];
	bool gov_hidden[BENCH_MAX_ITEMS]; /* run for the reference only, not shown */
	int nr_gov;
	uint64_t duration_ns; /* 0: each workload's own */
	uint64_t seed;
	int jobs;		       /* worker threads */
	bool progress;		       /* progress bar on stderr */
	bool no_oracle;		       /* skip the oracle's search */
	struct eg_rtapp_options rtapp; /* how workload files are read */
	int nr_stalled_runs;	       /* runs of the last bench_run that stalled */
	uint64_t sample_ns;	       /* timeline sampling for --html, 0 = none */
	uint64_t max_sample_ns;	       /* the coarsest actually used */
	/* The simulated kernel has uclamp, RT tasks' default uclamp_min
	 * (eg_sim_config.kernel_uclamp, rt_default_min). */
	bool kernel_uclamp;
	uint32_t rt_default_min;
	struct bench_job *job;
	int nr_job;
	/* The oracle of each device x workload, [dev * nr_wl + wl]. */
	struct bench_oracle *oracle;
	int oracle_runs; /* simulations all searches made */
	/* Totals of the last bench_run, for the summary line and the report. */
	int nr_threads;
	double wall_s, sim_s, events;
	/* Work queue of bench_run's workers. */
	int next, end, done, total;
	pthread_mutex_t lock;
};

/* Add a device file, or a device named in conf/devices. 0 or -errno (logged). */
int bench_add_device(struct bench *b, const char *arg);
/* Every device file that ships, in name order, but the held-out ones: the
 * default matrix. */
int bench_add_shipped_devices(struct bench *b);
/* The held-out devices: shipped files that no policy was tuned on, whose
 * figures are reported apart (bench/matrix.c lists them). */
int bench_add_held_out_devices(struct bench *b);
/* Whether a device file (a path or a name, with or without .ini) is one of
 * the held-out devices. */
bool bench_device_held_out(const char *path);
/* An rt-app workload file, or every .json file of a folder in name order. */
int bench_add_workloads(struct bench *b, const char *arg);
/* The shipped workloads (the source tree's when running from a build). */
int bench_add_shipped_workloads(struct bench *b);
/* Add a governor by bench name (a frequency policy or
 * BENCH_GOV_SCHEDUTIL_RAMP). -EINVAL for an unknown one, -E2BIG when full. */
int bench_add_governor(struct bench *b, const char *name);
/* Every frequency policy that ships, then BENCH_GOV_SCHEDUTIL_RAMP. */
void bench_add_all_governors(struct bench *b);

/* The engine configuration of a bench governor on device d: the device's
 * balanced profile with its frequency policy replaced by gov's on every
 * domain, keeping its idle and thermal ones. Free with
 * eg_engine_config_free. 0, -EINVAL (unknown governor) or -ENOMEM, with err. */
int bench_gov_config(const struct bench_device *d, const char *gov, struct eg_engine_config *ecfg,
		     struct eg_error *err);

/* Run the matrix: every device x workload x governor (plus a hidden
 * performance run for the references when none was asked for) on b->jobs
 * threads, then each device x workload's oracle search on as many. Failed
 * runs and searches are logged and counted in *failed. 0 or -ENOMEM. */
int bench_run(struct bench *b, int *failed);
/* The results and the device configurations. */
void bench_free(struct bench *b);

/* One simulation of device dev on the loaded workload w with engine
 * configuration ecfg, for b's duration and seed (no samples). 0 or -errno;
 * res is the caller's to free in either case. */
int bench_simulate(const struct bench *b, int dev, const struct eg_sim_workload *w,
		   const struct eg_engine_config *ecfg, struct eg_sim_result *res);

/* The oracle of device dev x workload wl, NULL when there is none (no
 * performance run, or the search failed). */
const struct bench_oracle *bench_find_oracle(const struct bench *b, int dev, int wl);
/* The lower bound (bound.h) for the work run j did in its time. */
double bench_bound(const struct bench *b, const struct bench_job *j);

/* The run of governor gov on device dev x workload wl; NULL if none. */
const struct bench_job *bench_find_job(const struct bench *b, int dev, int wl, const char *gov);
/* The figures of a successful run, as every output format shows them. */
void bench_fill_row(const struct bench *b, const struct bench_job *j, struct eg_bench_row *r);
/* A workload's name: its file name without the folder. */
const char *bench_wl_name(const char *path);

/* --replay: one recording replayed against every governor asked for. */
struct bench_replay_case {
	const char *path;
	struct eg_record_info info;
	struct bench_device *dev;
	size_t nr_events;
	int err; /* loading or device: no rows at all */
	char errmsg[600];
	struct eg_replay_result *res; /* per governor */
	int *gov_err;
	char (*gov_msg)[400];
};

/* Replay cases[i].path for i < n against b's governors on b's one device
 * (or, without one, the device the recording names). Fills the cases'
 * results; failures are in err / gov_err and logged. The number of failures,
 * or -ENOMEM. */
int bench_replay(struct bench *b, struct bench_replay_case *cases, int n);
/* The per-governor arrays bench_replay allocated. */
void bench_replay_free(struct bench_replay_case *cases, int n);
