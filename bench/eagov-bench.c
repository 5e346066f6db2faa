/* eagov-bench: runs every governor that ships on the simulated SoC, over
 * device x workload, and reports energy, performance and thermal figures
 * side by side. The governor code is the daemon's, unchanged. With --replay,
 * the governors run over a recorded event stream instead (bench/replay.h). */
#include <dirent.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "clairvoyant.h"
#include "config.h"
#include "log.h"
#include "policy_conf.h"
#include "record.h"
#include "replay.h"
#include "report_html.h"
#include "sim.h"
#include "util.h"
#include "workload.h"

#define MAX_ITEMS 64
/* Timeline of --html: a sample every 10 ms shows each governor's reaction
 * (rate limits are 1-20 ms); at most this many per run. */
#define HTML_SAMPLE_NS (10 * NSEC_PER_MSEC)
#define MAX_SAMPLES 2000

/* eagov's own fast ramp on top of schedutil: not a kernel governor, a
 * column that measures the feature against plain schedutil. */
#define GOV_SCHEDUTIL_RAMP "schedutil+ramp"

struct device {
	char path[EG_PATH_MAX];
	struct eg_model model;
	struct eg_policy_conf *pc;
};

struct job {
	int dev, wl, gov;
	struct eg_sim_result res;
	double wall_s;
	int err;
	char errmsg[400];
};

struct bench {
	struct device dev[MAX_ITEMS];
	int nr_dev;
	char wl_path[MAX_ITEMS][EG_PATH_MAX];
	int nr_wl;
	const char *gov[MAX_ITEMS];
	bool gov_hidden[MAX_ITEMS];  /* run for the reference only, not shown */
	int nr_gov;
	double ref_j[MAX_ITEMS][MAX_ITEMS];  /* clairvoyant, per device x workload; NAN = none */
	uint64_t duration_ns;
	uint64_t seed;
	int jobs;
	struct job *job;
	int nr_job;
	uint64_t sample_ns;          /* timeline sampling for --html, 0 = none */
	uint64_t max_sample_ns;      /* the coarsest actually used */
	int next;
	int done;
	pthread_mutex_t lock;
	bool progress;
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: eagov-bench [OPTION]...\n"
		"Run the governors on the simulated SoC and compare them.\n\n"
		"  -d, --device FILE|NAME   device file or name in conf/devices (repeatable;\n"
		"                           default: every shipped device)\n"
		"  -w, --workload FILE|DIR  rt-app workload file, or a folder of them\n"
		"                           (repeatable; default: bench/workloads)\n"
		"  -g, --governor NAME      frequency governor (repeatable; default: all)\n"
		"  -t, --duration S         simulated seconds per run (default: the workload's,\n"
		"                           10 s for workloads that run forever)\n"
		"  -s, --seed N             start-phase seed (default 0: no jitter)\n"
		"  -j, --jobs N             parallel runs (default: number of CPUs)\n"
		"      --csv                comma-separated values on stdout\n"
		"      --json               JSON on stdout\n"
		"      --html FILE          also write an HTML report (tables, charts,\n"
		"                           timelines) to FILE\n"
		"      --lava               LAVA test-case lines on stdout (energy, perf\n"
		"                           index, missed %%, per device.workload.governor)\n"
		"      --replay FILE        replay an eagovd --record recording against the\n"
		"                           governors instead of simulating (repeatable; one\n"
		"                           table each). --device gives the device model\n"
		"                           (default: the file named like the recording's\n"
		"                           model); its CPU count must match the recording's\n"
		"  -q, --quiet              no progress bar\n"
		"  -h, --help               this text\n"
		"      --version            version\n\n"
		"Figures, per device x workload x governor: energy (J), average power (W),\n"
		"perf index (LISA: slack / (period - run) per activation; mean and 5th\n"
		"percentile), share of activations that missed their period, wakeup\n"
		"latency p50/p99 for RT and CFS tasks, rt-app's governor efficiency\n"
		"(100 %% = as fast as performance, 0 %% = as slow as powersave), frequency\n"
		"transitions per second, peak temperature, time above the first trip.\n"
		"Kernel governors run without eagov's fast ramp and RT idle-latency limit,\n"
		"as in the kernel; \"" GOV_SCHEDUTIL_RAMP "\" is schedutil with the fast ramp.\n"
		"\"clairvoyant\" is the energy a scheduler knowing the future could meet\n"
		"the performance run's periodic deadlines with (see bench/clairvoyant.c);\n"
		"\"x ref\" is each governor's energy over it. \"-\": no samples.\n\n"
		"--replay: the recorded events drive each governor, its decisions a model of\n"
		"the device (transition latency included). Figures: average frequency per\n"
		"domain, transitions/s, time in state, fast-ramp decisions and an energy\n"
		"ESTIMATE: performance is not re-simulated, the recorded busy periods are\n"
		"costed at each governor's frequencies (optimistic for slower governors).\n");
}

static int add_device(struct bench *b, const char *arg)
{
	struct device *d;
	struct eg_error err = { 0 };
	char msg[600];
	int r;

	if (b->nr_dev >= MAX_ITEMS)
		return -E2BIG;
	d = &b->dev[b->nr_dev];
	r = eg_conf_find_device(arg, d->path, sizeof(d->path));
	if (r < 0)
		return eg_log_errno(r, "device '%s'", arg);
	d->pc = calloc(1, sizeof(*d->pc));
	if (!d->pc)
		return -ENOMEM;
	r = eg_conf_load_device(d->path, &d->model, d->pc, &err);
	if (r < 0) {
		eg_error_format(&err, msg, sizeof(msg));
		eg_err("%s", msg);
		free(d->pc);
		return r;
	}
	b->nr_dev++;
	return 0;
}

/* The source tree's copy when running from a build, else the installed one. */
static const char *shipped_dir(const char *source, const char *installed)
{
	return access(source, R_OK) == 0 ? source : installed;
}

static int cmp_str(const void *a, const void *b);

/* Every device file that ships (the .ini files of conf/devices), in name order. */
static int add_shipped_devices(struct bench *b)
{
	const char *dir = shipped_dir(EAGOV_SOURCE_ROOT "/conf/devices", EAGOV_DATADIR "/devices");
	char names[MAX_ITEMS][EG_PATH_MAX];
	struct dirent *de;
	int n = 0;
	DIR *d = opendir(dir);

	if (!d)
		return eg_log_errno(-errno, "device files in %s", dir);
	while ((de = readdir(d)) && n < MAX_ITEMS) {
		size_t len = strlen(de->d_name);

		if (len > 4 && strcmp(de->d_name + len - 4, ".ini") == 0)
			snprintf(names[n++], EG_PATH_MAX, "%s/%s", dir, de->d_name);
	}
	closedir(d);
	if (!n) {
		eg_err("no device file in %s", dir);
		return -ENOENT;
	}
	qsort(names, (size_t)n, EG_PATH_MAX, cmp_str);
	for (int i = 0; i < n; i++) {
		int r = add_device(b, names[i]);

		if (r < 0)
			return r;
	}
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

static int add_workloads(struct bench *b, const char *arg)
{
	DIR *dir = opendir(arg);
	struct dirent *de;
	int first = b->nr_wl;

	if (!dir) {
		if (errno != ENOTDIR)
			return eg_log_errno(-errno, "workload '%s'", arg);
		if (b->nr_wl >= MAX_ITEMS)
			return -E2BIG;
		eg_strlcpy(b->wl_path[b->nr_wl++], arg, EG_PATH_MAX);
		return 0;
	}
	while ((de = readdir(dir))) {
		size_t n = strlen(de->d_name);

		if (n < 6 || strcmp(de->d_name + n - 5, ".json") != 0)
			continue;
		if (b->nr_wl >= MAX_ITEMS)
			break;
		snprintf(b->wl_path[b->nr_wl++], EG_PATH_MAX, "%s/%s", arg, de->d_name);
	}
	closedir(dir);
	qsort(b->wl_path[first], (size_t)(b->nr_wl - first), EG_PATH_MAX, cmp_str);
	return 0;
}

/* The frequency policy behind a bench governor name, and whether eagov's
 * fast ramp goes with it. NULL for an unknown name. */
static const struct eg_freq_policy_ops *gov_ops(const char *name, bool *fast_ramp)
{
	*fast_ramp = eg_streq(name, GOV_SCHEDUTIL_RAMP);
	return eg_freq_policy_find(*fast_ramp ? "schedutil" : name);
}

/* The engine configuration of a bench governor on device d: the device's
 * balanced profile with its frequency policy replaced by gov's on every
 * domain, keeping its idle and thermal ones. */
static int gov_config(const struct device *d, const char *gov, struct eg_engine_config *ecfg,
		      struct eg_error *err)
{
	bool ramp;
	const struct eg_freq_policy_ops *ops = gov_ops(gov, &ramp);
	int r;

	if (!ops) {
		eg_error_set(err, "", 0, "unknown governor '%s'", gov);
		return -EINVAL;
	}
	r = eg_policy_conf_resolve(d->pc, &d->model, EG_PROFILE_BALANCED, ecfg, err);
	if (r < 0)
		return r;
	/* The fast ramp and the RT idle-latency limit are eagov's, not the
	 * kernel's: a kernel governor is measured without them, and the +ramp
	 * column adds the ramp alone. */
	ecfg->fast_ramp = ramp;
	ecfg->rt_idle_latency_us = 0;
	for (int i = 0; i < d->model.nr_pds; i++) {
		r = eg_engine_config_set_freq(ecfg, i, ops);
		if (r < 0) {
			eg_engine_config_free(ecfg);
			eg_error_set(err, "", 0, "out of memory");
			return r;
		}
	}
	return 0;
}

static void run_job(struct bench *b, struct job *j)
{
	struct device *d = &b->dev[j->dev];
	struct eg_engine_config ecfg;
	struct eg_sim_workload *w = NULL;
	struct eg_sim_config sc = { 0 };
	struct eg_error err = { 0 };
	struct timespec t0, t1;
	int r;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* The comparison is of frequency governors: each run replaces the
	 * device's frequency policy. */
	r = gov_config(d, b->gov[j->gov], &ecfg, &err);
	if (r < 0)
		goto fail;
	r = eg_sim_workload_load(b->wl_path[j->wl], &d->model, &w, &err);
	if (r < 0) {
		eg_engine_config_free(&ecfg);
		goto fail;
	}
	sc.model = &d->model;
	sc.engine = &ecfg;
	sc.workload = w;
	sc.seed = b->seed;
	/* The clairvoyant reference is computed from the performance run's
	 * jobs: performance meets every deadline that can be met. */
	sc.record_jobs = eg_streq(b->gov[j->gov], "performance");
	sc.duration_ns = b->duration_ns;
	if (!sc.duration_ns && !w->duration_ns)
		sc.duration_ns = 10 * NSEC_PER_SEC;
	if (b->sample_ns) {
		uint64_t dur = sc.duration_ns ? sc.duration_ns : w->duration_ns;

		/* Samples cost memory for every job until the report is
		 * written: a long run is sampled more coarsely, at most
		 * MAX_SAMPLES per run. */
		sc.sample_ns = EG_MAX(b->sample_ns, dur / MAX_SAMPLES);
		pthread_mutex_lock(&b->lock);
		b->max_sample_ns = EG_MAX(b->max_sample_ns, sc.sample_ns);
		pthread_mutex_unlock(&b->lock);
	}
	r = eg_sim_run(&sc, &j->res);
	eg_sim_workload_free(w);
	eg_engine_config_free(&ecfg);
	if (r < 0) {
		snprintf(j->errmsg, sizeof(j->errmsg), "simulation failed: %s", strerror(-r));
		j->err = r;
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	j->wall_s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	return;
fail:
	eg_error_format(&err, j->errmsg, sizeof(j->errmsg));
	j->err = r;
}

static void progress(struct bench *b)
{
	int width = 40, filled = b->nr_job ? b->done * width / b->nr_job : width;

	fprintf(stderr, "\r[%.*s%*s] %d/%d", filled, "########################################",
		width - filled, "", b->done, b->nr_job);
	if (b->done == b->nr_job)
		fputc('\n', stderr);
	fflush(stderr);
}

static void *worker(void *arg)
{
	struct bench *b = arg;

	for (;;) {
		int i;

		pthread_mutex_lock(&b->lock);
		i = b->next < b->nr_job ? b->next++ : -1;
		pthread_mutex_unlock(&b->lock);
		if (i < 0)
			return NULL;
		run_job(b, &b->job[i]);
		pthread_mutex_lock(&b->lock);
		b->done++;
		if (b->progress)
			progress(b);
		pthread_mutex_unlock(&b->lock);
	}
}

static struct job *find_job(struct bench *b, int dev, int wl, const char *gov)
{
	for (int i = 0; i < b->nr_job; i++)
		if (b->job[i].dev == dev && b->job[i].wl == wl &&
		    eg_streq(b->gov[b->job[i].gov], gov))
			return &b->job[i];
	return NULL;
}

/* rt-app's governor efficiency: (T_powersave - T_gov) / (T_powersave -
 * T_performance), with T the time the activations took to do their work. */
static double gov_efficiency(struct bench *b, const struct job *j)
{
	const struct job *ps = find_job(b, j->dev, j->wl, "powersave");
	const struct job *pf = find_job(b, j->dev, j->wl, "performance");
	double tps, tpf;

	if (!ps || !pf || ps->err || pf->err)
		return NAN;
	tps = (double)ps->res.busy_span_ns / (double)EG_MAX(ps->res.activations, 1);
	tpf = (double)pf->res.busy_span_ns / (double)EG_MAX(pf->res.activations, 1);
	if (tps - tpf < 1.0)
		return NAN;
	return 100.0 * (tps - (double)j->res.busy_span_ns / (double)EG_MAX(j->res.activations, 1)) /
	       (tps - tpf);
}

/* The work a run did, percent of the performance run's (the reference's). */
static double work_pct(struct bench *b, const struct job *j)
{
	const struct job *pf = find_job(b, j->dev, j->wl, "performance");
	const struct eg_model *m = &b->dev[j->dev].model;
	double mine = 0, ref = 0;

	if (!pf || pf->err)
		return NAN;
	for (int i = 0; i < m->nr_pds; i++) {
		mine += (double)j->res.pd[i].work;
		ref += (double)pf->res.pd[i].work;
	}
	return ref > 0 ? 100.0 * mine / ref : NAN;
}

static void fill_row(struct bench *b, const struct job *j, struct eg_bench_row *r)
{
	const struct eg_sim_result *s = &j->res;
	double secs = (double)s->sim_ns / 1e9;
	uint64_t tr = 0;
	int32_t peak = INT32_MIN;
	uint64_t above = 0;
	const struct eg_model *m = &b->dev[j->dev].model;

	for (int i = 0; i < m->nr_pds; i++)
		tr += s->pd[i].transitions;
	for (int z = 0; z < m->nr_zones; z++) {
		peak = EG_MAX(peak, s->peak_temp_mc[z]);
		above = EG_MAX(above, s->above_trip_ns[z]);
	}
	r->energy = s->energy_j;
	r->xref = b->ref_j[j->dev][j->wl] > 0 ? s->energy_j / b->ref_j[j->dev][j->wl] : NAN;
	r->work_pct = work_pct(b, j);
	r->power = secs > 0 ? s->energy_j / secs : 0;
	/* No sample is not a zero: NAN prints as "-" (table), empty (CSV) or
	 * null (JSON). */
	r->pi_mean = s->activations ? s->perf_index_mean : NAN;
	r->pi_p5 = s->activations ? s->perf_index_p5 : NAN;
	r->missed_pct = s->activations ? 100.0 * (double)s->missed / (double)s->activations : NAN;
	r->rt50 = s->lat_rt_n ? s->lat_rt_p50_us : NAN;
	r->rt99 = s->lat_rt_n ? s->lat_rt_p99_us : NAN;
	r->cfs50 = s->lat_cfs_n ? s->lat_cfs_p50_us : NAN;
	r->cfs99 = s->lat_cfs_n ? s->lat_cfs_p99_us : NAN;
	r->eff = gov_efficiency(b, j);
	r->trans = secs > 0 ? (double)tr / secs : 0;
	r->peak = m->nr_zones ? peak / 1000.0 : NAN;
	r->above = (double)above / 1e9;
}

static const char *wl_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* One table cell: the number, or "-" when there is none. */
static void cell(double v, int width, int prec)
{
	if (isnan(v))
		printf(" %*s", width, "-");
	else
		printf(" %*.*f", width, prec, v);
}

static void print_table(struct bench *b)
{
	static const int rest_width[] = { 7, 7, 6, 8, 8, 8, 8, 6, 7, 6, 6, 6 };

	for (int d = 0; d < b->nr_dev; d++) {
		for (int w = 0; w < b->nr_wl; w++) {
			double ref = b->ref_j[d][w];

			printf("\n%s / %s\n", b->dev[d].model.name, wl_name(b->wl_path[w]));
			printf("  %-14s %9s %6s %6s %7s %7s %7s %6s %8s %8s %8s %8s %6s %7s %6s %6s %6s\n",
			       "governor", "energy J", "x ref", "work%", "avg W", "perf", "perf p5",
			       "miss%", "rt p50", "rt p99", "cfs p50", "cfs p99", "eff%",
			       "trans/s", "peakC", "hot s", "done s");
			for (int g = 0; g < b->nr_gov; g++) {
				struct job *j = find_job(b, d, w, b->gov[g]);
				struct eg_bench_row r;

				if (!j || b->gov_hidden[g])
					continue;
				if (j->err) {
					printf("  %-14s error: %s\n", b->gov[g], j->errmsg);
					continue;
				}
				fill_row(b, j, &r);
				printf("  %-14s", b->gov[g]);
				cell(r.energy, 9, 3);
				cell(r.xref, 6, 2);
				cell(r.work_pct, 6, 1);
				cell(r.power, 7, 3);
				cell(r.pi_mean, 7, 3);
				cell(r.pi_p5, 7, 3);
				cell(r.missed_pct, 6, 1);
				cell(r.rt50, 8, 0);
				cell(r.rt99, 8, 0);
				cell(r.cfs50, 8, 0);
				cell(r.cfs99, 8, 0);
				cell(r.eff, 6, 1);
				cell(r.trans, 7, 1);
				cell(r.peak, 6, 1);
				cell(r.above, 6, 2);
				cell(j->res.completion_ns ? (double)j->res.completion_ns / 1e9 : NAN, 6, 2);
				putchar('\n');
			}
			printf("  %-14s", "clairvoyant");
			cell(ref, 9, 3);
			cell(isnan(ref) ? NAN : 1.0, 6, 2);
			cell(isnan(ref) ? NAN : 100.0, 6, 1);
			{
				const struct job *pf = find_job(b, d, w, "performance");
				double secs = pf && !pf->err ? (double)pf->res.sim_ns / 1e9 : 0;

				cell(secs > 0 ? ref / secs : NAN, 7, 3);
			}
			/* The reference has energy only: the other columns' widths. */
			for (size_t k = 0; k < ARRAY_SIZE(rest_width); k++)
				cell(NAN, rest_width[k], 0);
			putchar('\n');
		}
	}
	printf("\nLatencies in us; perf is LISA's perf index (1 = finished at once, <0 = late);\n"
	       "done s: when the last task ended (finite work only).\n"
	       "x ref: energy over the clairvoyant reference's (each activation at its\n"
	       "cheapest sufficient OPP, other work at the most efficient one; a lower\n"
	       "bound, see bench/clairvoyant.c). work%%: work done, percent of the\n"
	       "performance run's (the reference's); below 100 a governor did less (missed\n"
	       "periods, unfinished loops) and its energy does not compare. \"-\": no sample.\n");
}

/* A CSV field: empty when there is no number. */
static void csv_num(int prec, double v)
{
	if (!isnan(v))
		printf("%.*f", prec, v);
	putchar(',');
}

static void print_csv(struct bench *b)
{
	printf("device,workload,governor,energy_j,clairvoyant_j,energy_x_ref,work_pct,avg_power_w,"
	       "perf_index_mean,perf_index_p5,missed_pct,lat_rt_p50_us,lat_rt_p99_us,"
	       "lat_cfs_p50_us,lat_cfs_p99_us,gov_efficiency_pct,transitions_per_s,peak_temp_c,"
	       "above_trip_s,completion_s,error\n");
	for (int i = 0; i < b->nr_job; i++) {
		struct job *j = &b->job[i];
		struct eg_bench_row r;

		if (b->gov_hidden[j->gov])
			continue;
		if (j->err)
			r = (struct eg_bench_row){ NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN,
					  NAN, NAN, NAN };
		else
			fill_row(b, j, &r);
		printf("%s,%s,%s,", b->dev[j->dev].model.name, wl_name(b->wl_path[j->wl]),
		       b->gov[j->gov]);
		csv_num(6, r.energy);
		csv_num(6, b->ref_j[j->dev][j->wl]);
		csv_num(4, r.xref);
		csv_num(1, r.work_pct);
		csv_num(6, r.power);
		csv_num(4, r.pi_mean);
		csv_num(4, r.pi_p5);
		csv_num(2, r.missed_pct);
		csv_num(1, r.rt50);
		csv_num(1, r.rt99);
		csv_num(1, r.cfs50);
		csv_num(1, r.cfs99);
		csv_num(2, r.eff);
		csv_num(2, r.trans);
		csv_num(2, r.peak);
		csv_num(3, r.above);
		csv_num(3, !j->err && j->res.completion_ns ? (double)j->res.completion_ns / 1e9 : NAN);
		printf("%s\n", j->err ? "yes" : "");
	}
}

/* LAVA test-case names take [A-Za-z0-9._-] only: anything else becomes '_',
 * and the workload's ".json" goes. */
static void lava_name(char *out, size_t len, const char *dev, const char *wl, const char *gov,
		      const char *metric)
{
	char wlb[EG_PATH_MAX];
	size_t n;

	eg_strlcpy(wlb, wl, sizeof(wlb));
	n = strlen(wlb);
	if (n > 5 && eg_streq(wlb + n - 5, ".json"))
		wlb[n - 5] = '\0';
	snprintf(out, len, "%s.%s.%s.%s", dev, wlb, gov, metric);
	for (char *c = out; *c; c++)
		if (!((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
		      (*c >= '0' && *c <= '9') || *c == '.' || *c == '_' || *c == '-'))
			*c = '_';
}

/* One LAVA result. A failed run is RESULT=fail without a measurement; a
 * figure without samples (no activation) is RESULT=skip. This is the signal
 * lava-test-case itself prints, so it reads the same inside LAVA. */
static void lava_case(const char *name, bool failed, double v, const char *units)
{
	if (failed)
		printf("<LAVA_SIGNAL_TESTCASE TEST_CASE_ID=%s RESULT=fail>\n", name);
	else if (isnan(v))
		printf("<LAVA_SIGNAL_TESTCASE TEST_CASE_ID=%s RESULT=skip>\n", name);
	else
		printf("<LAVA_SIGNAL_TESTCASE TEST_CASE_ID=%s RESULT=pass MEASUREMENT=%.6g "
		       "UNITS=%s>\n", name, v, units);
}

static void print_lava(struct bench *b)
{
	char name[EG_PATH_MAX + 3 * EG_NAME_MAX];

	for (int i = 0; i < b->nr_job; i++) {
		struct job *j = &b->job[i];
		const char *dev = b->dev[j->dev].model.name, *wl = wl_name(b->wl_path[j->wl]);
		const char *gov = b->gov[j->gov];
		struct eg_bench_row r = { 0 };

		if (b->gov_hidden[j->gov])
			continue;
		if (!j->err)
			fill_row(b, j, &r);
		lava_name(name, sizeof(name), dev, wl, gov, "energy");
		lava_case(name, j->err, r.energy, "J");
		lava_name(name, sizeof(name), dev, wl, gov, "perf_index");
		lava_case(name, j->err, r.pi_mean, "index");
		lava_name(name, sizeof(name), dev, wl, gov, "missed");
		lava_case(name, j->err, r.missed_pct, "%");
	}
	for (int d = 0; d < b->nr_dev; d++)
		for (int w = 0; w < b->nr_wl; w++) {
			lava_name(name, sizeof(name), b->dev[d].model.name,
				  wl_name(b->wl_path[w]), "clairvoyant", "energy");
			{
				const struct job *pf = find_job(b, d, w, "performance");

				/* No reference because its run failed is a failure;
				 * because the workload has no periodic job, a skip. */
				lava_case(name, !pf || pf->err, b->ref_j[d][w], "J");
			}
		}
}

static void json_num(const char *key, double v, bool last)
{
	if (isnan(v))
		printf("\"%s\": null%s", key, last ? "" : ", ");
	else
		printf("\"%s\": %.6g%s", key, v, last ? "" : ", ");
}

/* "time_in_state": {"little": {"533000": 12.5, ...}, ...}: percent of the
 * simulated time each domain spent at each OPP. */
static void json_time_in_state(const struct eg_model *m, const struct eg_sim_result *res)
{
	printf("\"time_in_state\": {");
	for (int i = 0; i < m->nr_pds; i++) {
		const struct eg_pd *pd = &m->pds[i];
		uint64_t total = 0;

		for (int o = 0; o < pd->nr_opps; o++)
			total += res->pd[i].time_in_opp_ns[o];
		printf("%s\"%s\": {", i ? ", " : "", pd->name);
		for (int o = 0; o < pd->nr_opps; o++)
			printf("%s\"%u\": %.3f", o ? ", " : "", pd->opps[o].khz,
			       total ? 100.0 * (double)res->pd[i].time_in_opp_ns[o] / (double)total : 0.0);
		printf("}");
	}
	printf("}, ");
}

static void print_json(struct bench *b)
{
	bool first = true;

	printf("{\"results\": [");
	for (int i = 0; i < b->nr_job; i++) {
		struct job *j = &b->job[i];
		struct eg_bench_row r = { 0 };

		if (b->gov_hidden[j->gov])
			continue;
		printf("%s\n  {\"device\": \"%s\", \"workload\": \"%s\", \"governor\": \"%s\", ",
		       first ? "" : ",", b->dev[j->dev].model.name, wl_name(b->wl_path[j->wl]),
		       b->gov[j->gov]);
		if (j->err) {
			printf("\"error\": \"see stderr\"}");
			first = false;
			continue;
		}
		fill_row(b, j, &r);
		json_num("energy_j", r.energy, false);
		json_num("clairvoyant_j", b->ref_j[j->dev][j->wl], false);
		json_num("energy_x_ref", r.xref, false);
		json_num("work_pct", r.work_pct, false);
		json_num("avg_power_w", r.power, false);
		json_num("perf_index_mean", r.pi_mean, false);
		json_num("perf_index_p5", r.pi_p5, false);
		json_num("missed_pct", r.missed_pct, false);
		json_num("lat_rt_p50_us", r.rt50, false);
		json_num("lat_rt_p99_us", r.rt99, false);
		json_num("lat_cfs_p50_us", r.cfs50, false);
		json_num("lat_cfs_p99_us", r.cfs99, false);
		json_num("gov_efficiency_pct", r.eff, false);
		json_num("transitions_per_s", r.trans, false);
		json_num("peak_temp_c", r.peak, false);
		json_num("above_trip_s", r.above, false);
		json_num("busy_j", j->res.busy_j, false);
		json_num("idle_j", j->res.idle_j, false);
		json_num("domain_j", j->res.domain_j, false);
		json_num("sim_s", (double)j->res.sim_ns / 1e9, false);
		/* When the last task ended: finite work only, null otherwise. */
		json_num("completion_s",
			 j->res.completion_ns ? (double)j->res.completion_ns / 1e9 : NAN, false);
		json_time_in_state(&b->dev[j->dev].model, &j->res);
		json_num("events", (double)j->res.events, true);
		printf("}");
		first = false;
	}
	printf("\n]}\n");
}

/* The HTML report: the visible governors' runs per device x workload, in
 * the table's order. */
static int write_html(struct bench *b, const char *path, double wall_s, double sim_s, double ev,
		      int nth)
{
	const char *devs[MAX_ITEMS], *wls[MAX_ITEMS], *govs[MAX_ITEMS];
	struct eg_html_case *cases = calloc((size_t)(b->nr_dev * b->nr_wl), sizeof(*cases));
	struct eg_html_run *runs = calloc((size_t)b->nr_job, sizeof(*runs));
	struct eg_html_params p = {
		.devices = devs, .nr_devices = b->nr_dev,
		.workloads = wls, .nr_workloads = b->nr_wl,
		.governors = govs,
		.duration_s = (double)b->duration_ns / 1e9,
		.seed = b->seed,
		.version = EAGOV_VERSION,
		.sample_ms = (double)b->sample_ns / 1e6,
		.max_sample_ms = (double)b->max_sample_ns / 1e6,
		.nr_runs = b->nr_job, .jobs = nth,
		.sim_s = sim_s, .wall_s = wall_s, .events = ev,
	};
	int nc = 0, nr = 0, r;

	if (!cases || !runs) {
		free(cases);
		free(runs);
		return -ENOMEM;
	}
	for (int d = 0; d < b->nr_dev; d++)
		devs[d] = b->dev[d].model.name;
	for (int w = 0; w < b->nr_wl; w++)
		wls[w] = wl_name(b->wl_path[w]);
	for (int g = 0; g < b->nr_gov; g++)
		if (!b->gov_hidden[g])
			govs[p.nr_governors++] = b->gov[g];
	for (int d = 0; d < b->nr_dev; d++) {
		for (int w = 0; w < b->nr_wl; w++) {
			struct eg_html_case *c = &cases[nc++];
			const struct job *pf = find_job(b, d, w, "performance");
			double secs = pf && !pf->err ? (double)pf->res.sim_ns / 1e9 : 0;

			c->model = &b->dev[d].model;
			c->workload = wl_name(b->wl_path[w]);
			c->ref_j = b->ref_j[d][w];
			c->ref_w = secs > 0 ? c->ref_j / secs : NAN;
			c->runs = &runs[nr];
			for (int g = 0; g < b->nr_gov; g++) {
				struct job *j = find_job(b, d, w, b->gov[g]);
				struct eg_html_run *hr = &runs[nr];

				if (!j || b->gov_hidden[g])
					continue;
				hr->governor = b->gov[g];
				if (j->err)
					hr->error = j->errmsg;
				else
					fill_row(b, j, &hr->row);
				hr->res = &j->res;
				nr++;
				c->nr_runs++;
			}
		}
	}
	r = eg_html_report_file(path, &p, cases, nc);
	if (r < 0)
		eg_log_errno(r, "--html: writing '%s'", path);
	free(cases);
	free(runs);
	return r;
}

/* ------------------------------------------------------------ --replay */

enum out_fmt { FMT_TABLE, FMT_CSV, FMT_JSON };

/* One recording replayed against every governor asked for. */
struct replay_case {
	const char *path;
	struct eg_record_info info;
	struct device *dev;
	size_t nr_events;
	int err;                     /* loading or device: no rows at all */
	char errmsg[600];
	struct eg_replay_result *res;   /* per governor */
	int *gov_err;
	char (*gov_msg)[400];
};

static void replay_one(struct bench *b, struct replay_case *rc, struct device *given)
{
	_cleanup_free_ struct eg_event *evs = NULL;
	char path[EG_PATH_MAX];
	int r;

	r = eg_record_load(rc->path, &evs, &rc->nr_events, &rc->info, rc->errmsg,
			   sizeof(rc->errmsg));
	if (r < 0) {
		rc->err = r;
		return;
	}
	if (given) {
		rc->dev = given;
	} else {
		/* Without --device, the device file named like the model the
		 * recording was made on. */
		if (eg_replay_find_device(&rc->info, path, sizeof(path)) < 0 ||
		    add_device(b, path) < 0) {
			snprintf(rc->errmsg, sizeof(rc->errmsg),
				 "%s: recorded on '%s', which names no device file: give --device",
				 rc->path, rc->info.model);
			rc->err = -ENOENT;
			return;
		}
		rc->dev = &b->dev[b->nr_dev - 1];
	}
	r = eg_replay_check(&rc->info, &rc->dev->model, rc->errmsg, sizeof(rc->errmsg));
	if (r < 0) {
		rc->err = r;
		return;
	}
	for (int g = 0; g < b->nr_gov; g++) {
		struct eg_engine_config ecfg;
		struct eg_error err = { 0 };

		r = gov_config(rc->dev, b->gov[g], &ecfg, &err);
		if (r < 0) {
			eg_error_format(&err, rc->gov_msg[g], sizeof(rc->gov_msg[g]));
			rc->gov_err[g] = r;
			continue;
		}
		r = eg_replay_run(&rc->dev->model, &ecfg, evs, rc->nr_events, &rc->res[g],
				  rc->gov_msg[g], sizeof(rc->gov_msg[g]));
		eg_engine_config_free(&ecfg);
		if (r < 0)
			rc->gov_err[g] = r;
	}
}

static double replay_trans(const struct eg_model *m, const struct eg_replay_result *r)
{
	uint64_t tr = 0;

	for (int i = 0; i < m->nr_pds; i++)
		tr += r->pd[i].transitions;
	return r->span_ns ? (double)tr * 1e9 / (double)r->span_ns : 0;
}

static void replay_table(struct bench *b, const struct replay_case *rc)
{
	const struct eg_model *m = &rc->dev->model;

	printf("\nreplay of %s (recorded on %s, %d CPUs, %zu events) on %s\n", rc->path,
	       rc->info.model[0] ? rc->info.model : "?", rc->info.nr_cpus, rc->nr_events,
	       m->name);
	printf("  %-14s %9s %8s %7s %7s %6s", "governor", "energy J", "busy J", "avg W",
	       "trans/s", "urgent");
	for (int p = 0; p < m->nr_pds; p++) {
		char h[EG_NAME_MAX + 8];

		snprintf(h, sizeof(h), "%.12s MHz", m->pds[p].name);
		printf(" %16s", h);
	}
	putchar('\n');
	for (int g = 0; g < b->nr_gov; g++) {
		const struct eg_replay_result *r = &rc->res[g];
		double secs = (double)r->span_ns / 1e9;

		if (rc->gov_err[g]) {
			printf("  %-14s error: %s\n", b->gov[g], rc->gov_msg[g]);
			continue;
		}
		printf("  %-14s", b->gov[g]);
		cell(r->energy_j, 9, 3);
		cell(r->busy_j, 8, 3);
		cell(secs > 0 ? r->energy_j / secs : NAN, 7, 3);
		cell(replay_trans(m, r), 7, 1);
		printf(" %6" PRIu64, r->urgent);
		for (int p = 0; p < m->nr_pds; p++)
			cell(r->pd[p].avg_khz / 1000.0, 16, 0);
		putchar('\n');
	}
	printf("  time in state, %% of the replayed span (MHz:%%, states under 0.05 %% left out):\n");
	for (int g = 0; g < b->nr_gov; g++) {
		const struct eg_replay_result *r = &rc->res[g];

		if (rc->gov_err[g])
			continue;
		printf("  %-14s", b->gov[g]);
		for (int p = 0; p < m->nr_pds; p++) {
			printf(" %s", m->pds[p].name);
			for (int o = 0; o < m->pds[p].nr_opps; o++) {
				double pct = r->span_ns ? 100.0 * (double)r->pd[p].time_in_opp_ns[o] /
							  (double)r->span_ns : 0;

				if (pct >= 0.05)
					printf(" %u:%.1f", m->pds[p].opps[o].khz / 1000, pct);
			}
			if (p + 1 < m->nr_pds)
				printf(" |");
		}
		putchar('\n');
	}
	{
		const struct eg_replay_result *r = NULL;

		for (int g = 0; g < b->nr_gov && !r; g++)
			if (!rc->gov_err[g])
				r = &rc->res[g];
		if (r)
			printf("  replayed %.3f s: %" PRIu64 " recorded events, %" PRIu64
			       " not replayed (timer ticks, frequency reports, power source,\n"
			       "  unknown CPU / zone), %" PRIu64 " refused by the engine\n",
			       (double)r->span_ns / 1e9, r->events, r->dropped, r->engine_errors);
	}
}

static void replay_note(void)
{
	printf("\nEnergy is an ESTIMATE: performance is not re-simulated. The recorded busy\n"
	       "periods took the time they took on the real machine; the energy is what they\n"
	       "would cost at each governor's frequencies on this device model (busy power at\n"
	       "the OPP in force, the shallowest idle state's power otherwise, domain power\n"
	       "while any CPU of it is busy), an optimistic proxy for slower governors.\n"
	       "urgent: fast-ramp decisions. MHz: time-weighted average frequency.\n");
}

static void replay_csv_head(void)
{
	printf("recording,recorded_on,device,governor,domain,avg_mhz,domain_transitions_per_s,"
	       "time_in_state,domain_energy_j,energy_j,busy_j,idle_j,domain_j,avg_power_w,"
	       "transitions_per_s,urgent,decisions,span_s,events,error\n");
}

/* A CSV field that may hold a comma or a quote: quoted, quotes doubled. */
static void csv_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"')
			putchar('"');
		putchar(*s);
	}
	printf("\",");
}

static void replay_csv(struct bench *b, const struct replay_case *rc)
{
	const struct eg_model *m = rc->dev ? &rc->dev->model : NULL;

	if (rc->err) {
		csv_str(rc->path);
		csv_str(rc->info.model);
		printf(",,,,,,,,,,,,,,,,,yes\n");
		return;
	}
	for (int g = 0; g < b->nr_gov; g++) {
		const struct eg_replay_result *r = &rc->res[g];
		double secs = (double)r->span_ns / 1e9;

		for (int p = 0; p < m->nr_pds; p++) {
			const struct eg_pd *pd = &m->pds[p];

			csv_str(rc->path);
			csv_str(rc->info.model);
			csv_str(m->name);
			printf("%s,%s,", b->gov[g], pd->name);
			if (rc->gov_err[g]) {
				printf(",,,,,,,,,,,,,,yes\n");
				continue;
			}
			csv_num(1, r->pd[p].avg_khz / 1000.0);
			csv_num(2, secs > 0 ? (double)r->pd[p].transitions / secs : 0);
			for (int o = 0, first = 1; o < pd->nr_opps; o++) {
				if (!r->pd[p].time_in_opp_ns[o])
					continue;
				printf("%s%u:%.2f", first ? "" : ";", pd->opps[o].khz / 1000,
				       100.0 * (double)r->pd[p].time_in_opp_ns[o] /
					       (double)r->span_ns);
				first = 0;
			}
			putchar(',');
			csv_num(6, r->pd[p].energy_j);
			csv_num(6, r->energy_j);
			csv_num(6, r->busy_j);
			csv_num(6, r->idle_j);
			csv_num(6, r->domain_j);
			csv_num(6, secs > 0 ? r->energy_j / secs : NAN);
			csv_num(2, replay_trans(m, r));
			printf("%" PRIu64 ",%" PRIu64 ",", r->urgent, r->decisions);
			csv_num(3, secs);
			printf("%" PRIu64 ",\n", r->events);
		}
	}
}

static void json_str(const char *key, const char *v, bool last)
{
	printf("\"%s\": \"", key);
	for (; *v; v++) {
		if (*v == '"' || *v == '\\')
			printf("\\%c", *v);
		else if ((unsigned char)*v < 0x20)
			printf("\\u%04x", *v);
		else
			putchar(*v);
	}
	printf("\"%s", last ? "" : ", ");
}

static void replay_json(struct bench *b, const struct replay_case *rc, bool first)
{
	const struct eg_model *m = rc->dev ? &rc->dev->model : NULL;

	printf("%s\n  {", first ? "" : ",");
	json_str("recording", rc->path, false);
	json_str("recorded_on", rc->info.model, false);
	json_num("recorded_cpus", rc->err ? NAN : rc->info.nr_cpus, false);
	if (rc->err) {
		json_str("error", rc->errmsg, true);
		printf("}");
		return;
	}
	json_str("device", m->name, false);
	json_num("recorded_events", (double)rc->nr_events, false);
	printf("\"results\": [");
	for (int g = 0; g < b->nr_gov; g++) {
		const struct eg_replay_result *r = &rc->res[g];
		double secs = (double)r->span_ns / 1e9;

		printf("%s\n    {", g ? "," : "");
		json_str("governor", b->gov[g], false);
		if (rc->gov_err[g]) {
			json_str("error", rc->gov_msg[g], true);
			printf("}");
			continue;
		}
		json_num("energy_j", r->energy_j, false);
		json_num("busy_j", r->busy_j, false);
		json_num("idle_j", r->idle_j, false);
		json_num("domain_j", r->domain_j, false);
		json_num("avg_power_w", secs > 0 ? r->energy_j / secs : NAN, false);
		json_num("transitions_per_s", replay_trans(m, r), false);
		json_num("urgent", (double)r->urgent, false);
		json_num("decisions", (double)r->decisions, false);
		json_num("span_s", secs, false);
		json_num("events", (double)r->events, false);
		json_num("dropped", (double)r->dropped, false);
		json_num("engine_errors", (double)r->engine_errors, false);
		printf("\"domains\": [");
		for (int p = 0; p < m->nr_pds; p++) {
			const struct eg_pd *pd = &m->pds[p];
			bool f = true;

			printf("%s{", p ? ", " : "");
			json_str("name", pd->name, false);
			json_num("avg_mhz", r->pd[p].avg_khz / 1000.0, false);
			json_num("transitions_per_s",
				 secs > 0 ? (double)r->pd[p].transitions / secs : 0, false);
			json_num("energy_j", r->pd[p].energy_j, false);
			printf("\"time_in_state_pct\": {");
			for (int o = 0; o < pd->nr_opps; o++) {
				if (!r->pd[p].time_in_opp_ns[o])
					continue;
				printf("%s\"%u\": %.4g", f ? "" : ", ", pd->opps[o].khz / 1000,
				       100.0 * (double)r->pd[p].time_in_opp_ns[o] /
					       (double)r->span_ns);
				f = false;
			}
			printf("}}");
		}
		printf("]}");
	}
	printf("\n  ]}");
}

static int replay_main(struct bench *b, char **files, int nfiles, enum out_fmt fmt)
{
	struct device *given = b->nr_dev ? &b->dev[0] : NULL;
	struct replay_case *rc = calloc((size_t)nfiles, sizeof(*rc));
	int failed = 0, tables = 0;

	if (!rc)
		return 1;
	for (int i = 0; i < nfiles && !failed; i++) {
		rc[i].path = files[i];
		rc[i].res = calloc((size_t)b->nr_gov, sizeof(*rc[i].res));
		rc[i].gov_err = calloc((size_t)b->nr_gov, sizeof(*rc[i].gov_err));
		rc[i].gov_msg = calloc((size_t)b->nr_gov, sizeof(*rc[i].gov_msg));
		if (!rc[i].res || !rc[i].gov_err || !rc[i].gov_msg) {
			failed++;
			break;
		}
		replay_one(b, &rc[i], given);
	}
	for (int i = 0; i < nfiles && rc[i].path; i++) {
		if (rc[i].err) {
			eg_err("--replay %s", rc[i].errmsg);
			failed++;
			continue;
		}
		for (int g = 0; g < b->nr_gov; g++)
			if (rc[i].gov_err[g]) {
				eg_err("--replay %s / %s: %s", rc[i].path, b->gov[g],
				       rc[i].gov_msg[g]);
				failed++;
			}
	}
	if (fmt == FMT_CSV)
		replay_csv_head();
	else if (fmt == FMT_JSON)
		printf("{\"replays\": [");
	for (int i = 0; i < nfiles && rc[i].path; i++) {
		if (fmt == FMT_CSV)
			replay_csv(b, &rc[i]);
		else if (fmt == FMT_JSON)
			replay_json(b, &rc[i], i == 0);
		else if (!rc[i].err && ++tables)
			replay_table(b, &rc[i]);
	}
	if (fmt == FMT_JSON)
		printf("\n]}\n");
	else if (fmt == FMT_TABLE && tables)
		replay_note();
	for (int i = 0; i < nfiles; i++) {
		free(rc[i].res);
		free(rc[i].gov_err);
		free(rc[i].gov_msg);
	}
	free(rc);
	for (int d = 0; d < b->nr_dev; d++)
		free(b->dev[d].pc);
	return failed ? 1 : 0;
}

int main(int argc, char **argv)
{
	enum { OPT_CSV = 256, OPT_JSON, OPT_LAVA, OPT_HTML, OPT_VERSION, OPT_REPLAY };
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "workload", required_argument, NULL, 'w' },
		{ "governor", required_argument, NULL, 'g' },
		{ "duration", required_argument, NULL, 't' },
		{ "seed", required_argument, NULL, 's' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "csv", no_argument, NULL, OPT_CSV },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "lava", no_argument, NULL, OPT_LAVA },
		{ "html", required_argument, NULL, OPT_HTML },
		{ "replay", required_argument, NULL, OPT_REPLAY },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	static struct bench bench;
	struct bench *b = &bench;
	bool csv = false, json = false, lava = false, quiet = false;
	const char *html = NULL;
	char *replay[MAX_ITEMS];
	int nr_replay = 0;
	bool sim_only = false;   /* an option that only the simulator runs use */
	pthread_t th[64];
	int nth;
	int c;
	int failed = 0;
	struct timespec t0, t1;

	b->jobs = (int)sysconf(_SC_NPROCESSORS_ONLN);
	while ((c = getopt_long(argc, argv, "d:w:g:t:s:j:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (add_device(b, optarg) < 0)
				return 1;
			break;
		case 'w':
			sim_only = true;
			if (add_workloads(b, optarg) < 0)
				return 1;
			break;
		case 'g': {
			bool ramp;
			const struct eg_freq_policy_ops *ops = gov_ops(optarg, &ramp);

			if (!ops) {
				eg_err("unknown governor '%s'; known:", optarg);
				for (int i = 0; eg_freq_policies[i]; i++)
					eg_err("  %s", eg_freq_policies[i]->name);
				eg_err("  %s", GOV_SCHEDUTIL_RAMP);
				return 1;
			}
			if (b->nr_gov < MAX_ITEMS)
				b->gov[b->nr_gov++] = ramp ? GOV_SCHEDUTIL_RAMP : ops->name;
			break;
		}
		case 't': {
			char *end;
			double s = strtod(optarg, &end);

			sim_only = true;
			if (*end || !(s > 0) || s > 86400) {
				eg_err("--duration: '%s' is not a number of seconds in (0, 86400]",
				       optarg);
				return 1;
			}
			b->duration_ns = (uint64_t)(s * 1e9);
			break;
		}
		case 's':
			sim_only = true;
			b->seed = strtoull(optarg, NULL, 10);
			break;
		case 'j':
			b->jobs = atoi(optarg);
			if (b->jobs < 1 || b->jobs > 64) {
				eg_err("--jobs: between 1 and 64");
				return 1;
			}
			break;
		case OPT_CSV:
			csv = true;
			break;
		case OPT_JSON:
			json = true;
			break;
		case OPT_LAVA:
			sim_only = true;
			lava = true;
			break;
		case OPT_REPLAY:
			if (nr_replay >= MAX_ITEMS) {
				eg_err("--replay: at most %d recordings", MAX_ITEMS);
				return 1;
			}
			replay[nr_replay++] = optarg;
			break;
		case OPT_HTML:
			sim_only = true;
			html = optarg;
			b->sample_ns = HTML_SAMPLE_NS;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case OPT_VERSION:
			printf("eagov-bench %s\n", EAGOV_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		eg_err("unexpected argument '%s'", argv[optind]);
		return 2;
	}
	if (!b->nr_gov) {
		for (int i = 0; eg_freq_policies[i] && b->nr_gov < MAX_ITEMS - 1; i++)
			b->gov[b->nr_gov++] = eg_freq_policies[i]->name;
		b->gov[b->nr_gov++] = GOV_SCHEDUTIL_RAMP;
	}
	if (nr_replay) {
		if (sim_only) {
			eg_err("--replay: --workload, --duration, --seed, --html and --lava apply "
			       "to simulated runs only");
			return 2;
		}
		if (b->nr_dev > 1) {
			eg_err("--replay: give one --device (the model of the recorded machine)");
			return 2;
		}
		return replay_main(b, replay, nr_replay,
				   csv ? FMT_CSV : json ? FMT_JSON : FMT_TABLE);
	}
	if (!b->nr_dev && add_shipped_devices(b) < 0)
		return 1;
	if (!b->nr_wl && add_workloads(b, shipped_dir(EAGOV_SOURCE_ROOT "/bench/workloads",
						     EAGOV_DATADIR "/workloads")) < 0)
		return 1;
	/* The reference needs the performance run's jobs: run it unseen when
	 * it was not asked for. */
	{
		bool have = false;

		for (int g = 0; g < b->nr_gov; g++)
			have = have || eg_streq(b->gov[g], "performance");
		if (!have && b->nr_gov < MAX_ITEMS) {
			b->gov_hidden[b->nr_gov] = true;
			b->gov[b->nr_gov++] = "performance";
		}
	}
	b->nr_job = b->nr_dev * b->nr_wl * b->nr_gov;
	b->job = calloc((size_t)b->nr_job, sizeof(*b->job));
	if (!b->job)
		return 1;
	for (int d = 0, i = 0; d < b->nr_dev; d++)
		for (int w = 0; w < b->nr_wl; w++)
			for (int g = 0; g < b->nr_gov; g++, i++)
				b->job[i] = (struct job){ .dev = d, .wl = w, .gov = g };
	b->progress = !quiet && isatty(STDERR_FILENO);
	pthread_mutex_init(&b->lock, NULL);
	nth = EG_MIN(b->jobs, b->nr_job);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < nth; i++)
		pthread_create(&th[i], NULL, worker, b);
	for (int i = 0; i < nth; i++)
		pthread_join(th[i], NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	for (int i = 0; i < b->nr_job; i++) {
		if (b->job[i].err) {
			eg_err("%s / %s / %s: %s", b->dev[b->job[i].dev].model.name,
			       wl_name(b->wl_path[b->job[i].wl]), b->gov[b->job[i].gov],
			       b->job[i].errmsg);
			failed++;
		}
	}
	for (int d = 0; d < b->nr_dev; d++) {
		for (int w = 0; w < b->nr_wl; w++) {
			const struct job *pf = find_job(b, d, w, "performance");

			uint64_t work[EG_MAX_PDS] = { 0 };
			uint64_t all = 0;

			b->ref_j[d][w] = NAN;
			if (!pf || pf->err)
				continue;
			for (int i = 0; i < b->dev[d].model.nr_pds; i++) {
				work[i] = pf->res.pd[i].work;
				all += work[i];
			}
			/* No work at all, no reference: idle power alone would
			 * be no yardstick. */
			if (!all && !pf->res.nr_jobs)
				continue;
			if (eg_clairvoyant_energy_all(&b->dev[d].model, pf->res.jobs,
						      pf->res.nr_jobs, work, pf->res.sim_ns, NULL,
						      &b->ref_j[d][w]) < 0) {
				eg_err("%s / %s: the performance run's jobs name an unknown domain",
				       b->dev[d].model.name, wl_name(b->wl_path[w]));
				b->ref_j[d][w] = NAN;
			}
		}
	}
	if (lava)
		print_lava(b);
	else if (csv)
		print_csv(b);
	else if (json)
		print_json(b);
	else
		print_table(b);
	{
		double wall = (double)(t1.tv_sec - t0.tv_sec) +
			      (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
		double sim = 0, ev = 0;

		for (int i = 0; i < b->nr_job; i++) {
			sim += (double)b->job[i].res.sim_ns / 1e9;
			ev += (double)b->job[i].res.events;
		}
		fprintf(stderr, "%d runs, %.1f simulated s, %.0f events in %.2f s wall (%d jobs)\n",
			b->nr_job, sim, ev, wall, nth);
		if (html && write_html(b, html, wall, sim, ev, nth) < 0)
			failed++;
	}
	for (int i = 0; i < b->nr_job; i++)
		eg_sim_result_free(&b->job[i].res);
	free(b->job);
	for (int d = 0; d < b->nr_dev; d++)
		free(b->dev[d].pc);
	return failed ? 1 : 0;
}
