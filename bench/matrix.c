// SPDX-License-Identifier: GPL-2.0-or-later
/* eagov-bench's job matrix: what to run, running it on worker threads, the
 * references (lower bound, oracle search) and the figures of each run (see
 * bench.h). */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "config.h"
#include "bound.h"
#include "conf.h"
#include "log.h"
#include "oracle.h"
#include "util.h"
#include "workload.h"

/* Samples cost memory for every job until the report is written: a long run
 * is sampled more coarsely, at most this many per run. */
#define MAX_SAMPLES 2000

int bench_add_device(struct bench *b, const char *arg)
{
	struct bench_device *d;
	struct eg_error err = { 0 };
	char msg[600];
	int r;

	if (b->nr_dev >= BENCH_MAX_ITEMS)
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
		d->pc = NULL;
		return r;
	}
	b->nr_dev++;
	return 0;
}

#if EAGOV_DEVELOPMENT
#define SOURCE_DIR(sub) EAGOV_SOURCE_ROOT sub
#else
#define SOURCE_DIR(sub) NULL
#endif

/* The source tree's copy when running from a development build, else the
 * installed one. */
static const char *shipped_dir(const char *source, const char *installed)
{
	return source && access(source, R_OK) == 0 ? source : installed;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n > k && strcmp(s + n - k, suffix) == 0;
}

/* The files of dir ending in suffix into paths[first..max), in name order.
 * The number added, or -errno when dir cannot be read (ENOTDIR: not a
 * folder, not logged). */
static int list_dir(const char *dir, const char *suffix, char (*paths)[EG_PATH_MAX], int first,
		    int max)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = first;

	if (!d)
		return -errno;
	while ((de = readdir(d)) && n < max) {
		int len;

		if (!has_suffix(de->d_name, suffix))
			continue;
		/* A path that does not fit is skipped, not cut short. */
		len = snprintf(paths[n], EG_PATH_MAX, "%s/%s", dir, de->d_name);
		if (len > 0 && len < EG_PATH_MAX)
			n++;
	}
	closedir(d);
	qsort(paths[first], (size_t)(n - first), EG_PATH_MAX, cmp_str);
	return n - first;
}

/* Shipped devices no policy was tuned on. The default matrix (no --device)
 * leaves them out, so that its figures stay those the policies were developed
 * against, and a policy's robustness is reported on them apart
 * (--held-out). A methodology choice, not a property of the machine: the
 * daemon matches and loads these files like any other. */
static const char *const held_out_devices[] = { "mt8173", "sdm845" };

bool bench_device_held_out(const char *path)
{
	const char *base = strrchr(path, '/');
	size_t n;

	base = base ? base + 1 : path;
	n = strlen(base);
	if (has_suffix(base, ".ini"))
		n -= strlen(".ini");
	for (size_t i = 0; i < ARRAY_SIZE(held_out_devices); i++)
		if (strlen(held_out_devices[i]) == n && !strncmp(base, held_out_devices[i], n))
			return true;
	return false;
}

int bench_add_shipped_devices(struct bench *b)
{
	const char *dir = shipped_dir(SOURCE_DIR("/conf/devices"), EAGOV_DATADIR "/devices");
	char(*names)[EG_PATH_MAX] = calloc(BENCH_MAX_ITEMS, EG_PATH_MAX);
	int n, added = 0, r = 0;

	if (!names)
		return -ENOMEM;
	n = list_dir(dir, ".ini", names, 0, BENCH_MAX_ITEMS);
	if (n < 0)
		r = eg_log_errno(n, "device files in %s", dir);
	for (int i = 0; i < n && r == 0; i++) {
		if (bench_device_held_out(names[i]))
			continue;
		r = bench_add_device(b, names[i]);
		added++;
	}
	if (r == 0 && !added) {
		eg_err("no device file in %s", dir);
		r = -ENOENT;
	}
	free(names);
	return r;
}

int bench_add_held_out_devices(struct bench *b)
{
	const char *dir = shipped_dir(SOURCE_DIR("/conf/devices"), EAGOV_DATADIR "/devices");
	char path[EG_PATH_MAX];

	for (size_t i = 0; i < ARRAY_SIZE(held_out_devices); i++) {
		int r;

		snprintf(path, sizeof(path), "%s/%s.ini", dir, held_out_devices[i]);
		r = bench_add_device(b, path);
		if (r < 0)
			return r;
	}
	return 0;
}

int bench_add_workloads(struct bench *b, const char *arg)
{
	int n = list_dir(arg, ".json", b->wl_path, b->nr_wl, BENCH_MAX_ITEMS);

	if (n == -ENOTDIR) {
		if (b->nr_wl >= BENCH_MAX_ITEMS)
			return -E2BIG;
		eg_strlcpy(b->wl_path[b->nr_wl++], arg, EG_PATH_MAX);
		return 0;
	}
	if (n < 0)
		return eg_log_errno(n, "workload '%s'", arg);
	b->nr_wl += n;
	return 0;
}

int bench_add_shipped_workloads(struct bench *b)
{
	return bench_add_workloads(b, shipped_dir(SOURCE_DIR("/bench/workloads"),
						  EAGOV_DATADIR "/workloads"));
}

/* The frequency policy behind a bench governor name ("NAME" or
 * "NAME:tunable=value,..."), and whether eagov's fast ramp goes with it.
 * NULL for an unknown name. */
static const struct eg_freq_policy_ops *gov_ops(const char *name, bool *fast_ramp)
{
	char base[EG_NAME_MAX];
	size_t n = strcspn(name, ":");

	if (n >= sizeof(base))
		return NULL;
	memcpy(base, name, n);
	base[n] = '\0';
	*fast_ramp = eg_streq(base, BENCH_GOV_SCHEDUTIL_RAMP);
	return eg_freq_policy_find(*fast_ramp ? "schedutil" : base);
}

#define THERMAL_PREFIX "thermal."

/* Apply "thermal.NAME=VALUE" to every zone whose thermal policy has that
 * tunable; -ENOENT when none has it. With no configuration (the check at
 * option time), only whether some thermal policy knows it. */
static int gov_thermal_tunable(struct eg_engine_config *ecfg, int nr_zones, const char *name,
			       const char *value, char *why, size_t whylen)
{
	if (!ecfg) {
		for (int i = 0; eg_thermal_policies[i]; i++)
			if (eg_tunables_find(eg_thermal_policies[i]->tunables, name))
				return 0;
		snprintf(why, whylen, "no thermal policy has a tunable '%s'", name);
		return -ENOENT;
	}
	for (int z = 0; z < nr_zones; z++) {
		const struct eg_thermal_policy_ops *t = ecfg->thermal[z];
		int r;

		if (!t || !ecfg->thermal_tun[z] || !eg_tunables_find(t->tunables, name))
			continue;
		r = eg_tunables_set(t->tunables, ecfg->thermal_tun[z], name, value, why, whylen);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Apply the "tunable=value,..." part of a governor column to tun, a
 * domain's tunables of ops, and its "thermal.tunable=value" items to the
 * zones' thermal policies (ecfg, nr_zones; NULL at option time). 0, or
 * -errno with err saying what is wrong. */
static int gov_tunables(const struct eg_freq_policy_ops *ops, const char *spec, void *tun,
			struct eg_engine_config *ecfg, int nr_zones, struct eg_error *err)
{
	const char *p = strchr(spec, ':');
	char buf[BENCH_GOV_SPEC_MAX], *save = NULL, *item;

	if (!p)
		return 0;
	if (strlen(p + 1) >= sizeof(buf)) {
		eg_error_set(err, "", 0, "governor '%s': too long", spec);
		return -E2BIG;
	}
	strcpy(buf, p + 1);
	for (item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(item, '='), why[160];
		int r;

		if (!eq) {
			eg_error_set(err, "", 0, "governor '%s': '%s' is not tunable=value", spec,
				     item);
			return -EINVAL;
		}
		*eq = '\0';
		/* One call does the frequency policy's items (tun given), the
		 * other the thermal ones. */
		if (!strncmp(item, THERMAL_PREFIX, strlen(THERMAL_PREFIX)))
			r = tun ? 0 :
				  gov_thermal_tunable(ecfg, nr_zones, item + strlen(THERMAL_PREFIX),
						      eq + 1, why, sizeof(why));
		else
			r = tun ? eg_tunables_set(ops->tunables, tun, item, eq + 1, why,
						  sizeof(why)) :
				  0;
		if (r < 0) {
			eg_error_set(err, "", 0, "governor '%s': %s", spec, why);
			return r;
		}
	}
	return 0;
}

int bench_add_governor(struct bench *b, const char *name)
{
	bool ramp;
	const struct eg_freq_policy_ops *ops = gov_ops(name, &ramp);
	struct eg_error err = { 0 };
	void *tun;
	int r;

	if (!ops)
		return -EINVAL;
	if (b->nr_gov >= BENCH_MAX_ITEMS)
		return -E2BIG;
	if (!strchr(name, ':')) {
		/* The static name, not the caller's string: it outlives the
		 * options. */
		b->gov[b->nr_gov++] = ramp ? BENCH_GOV_SCHEDUTIL_RAMP : ops->name;
		return 0;
	}
	if (strlen(name) >= BENCH_GOV_SPEC_MAX)
		return eg_log_errno(-E2BIG, "governor '%s': longer than %d characters", name,
				    BENCH_GOV_SPEC_MAX - 1);
	/* Check the tunables now, so a typo fails before any run. */
	tun = calloc(1, ops->tunables_size ? ops->tunables_size : 1);
	if (!tun)
		return -ENOMEM;
	eg_tunables_defaults(ops->tunables, tun);
	r = gov_tunables(ops, name, tun, NULL, 0, &err);
	if (r >= 0)
		r = gov_tunables(ops, name, NULL, NULL, 0, &err);
	free(tun);
	if (r < 0) {
		eg_err("%s", err.msg);
		return -EINVAL;
	}
	strcpy(b->gov_spec[b->nr_gov], name);
	b->gov[b->nr_gov] = b->gov_spec[b->nr_gov];
	b->nr_gov++;
	return 0;
}

void bench_add_all_governors(struct bench *b)
{
	for (int i = 0; eg_freq_policies[i] && b->nr_gov < BENCH_MAX_ITEMS - 1; i++)
		b->gov[b->nr_gov++] = eg_freq_policies[i]->name;
	b->gov[b->nr_gov++] = BENCH_GOV_SCHEDUTIL_RAMP;
}

int bench_gov_config(const struct bench_device *d, const char *gov, struct eg_engine_config *ecfg,
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
		r = gov_tunables(ops, gov, ecfg->freq_tun[i], NULL, 0, err);
		if (r < 0) {
			eg_engine_config_free(ecfg);
			return r;
		}
	}
	/* The policy's own thermal settings under the device file's, as
	 * eagovd has them, and a column's "thermal.NAME=VALUE" over both. */
	r = eg_policy_conf_thermal_tunables(d->pc, &d->model, EG_PROFILE_BALANCED, ecfg, err);
	if (r >= 0)
		r = gov_tunables(ops, gov, NULL, ecfg, d->model.nr_zones, err);
	if (r < 0) {
		eg_engine_config_free(ecfg);
		return r;
	}
	return 0;
}

static double elapsed_s(const struct timespec *t0, const struct timespec *t1)
{
	return (double)(t1->tv_sec - t0->tv_sec) + (double)(t1->tv_nsec - t0->tv_nsec) / 1e9;
}

/* The simulation's configuration for b's duration and seed. */
static void sim_config(const struct bench *b, int dev, const struct eg_sim_workload *w,
		       const struct eg_engine_config *ecfg, struct eg_sim_config *sc)
{
	*sc = (struct eg_sim_config){ .model = &b->dev[dev].model,
				      .engine = ecfg,
				      .workload = w,
				      .seed = b->seed,
				      .duration_ns = b->duration_ns,
				      .kernel_uclamp = b->kernel_uclamp,
				      .rt_default_min = b->rt_default_min };
	if (!sc->duration_ns && !w->duration_ns)
		sc->duration_ns = 10 * NSEC_PER_SEC;
}

int bench_simulate(const struct bench *b, int dev, const struct eg_sim_workload *w,
		   const struct eg_engine_config *ecfg, struct eg_sim_result *res)
{
	struct eg_sim_config sc;

	sim_config(b, dev, w, ecfg, &sc);
	return eg_sim_run(&sc, res);
}

static void run_job(struct bench *b, struct bench_job *j)
{
	struct bench_device *d = &b->dev[j->dev];
	struct eg_engine_config ecfg;
	struct eg_sim_workload *w = NULL;
	struct eg_sim_config sc;
	struct eg_error err = { 0 };
	struct timespec t0, t1;
	int r;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* The comparison is of frequency governors: each run replaces the
	 * device's frequency policy. */
	r = bench_gov_config(d, b->gov[j->gov], &ecfg, &err);
	if (r < 0)
		goto fail;
	r = eg_sim_workload_load_opts(b->wl_path[j->wl], &d->model, &b->rtapp, &w, &err);
	if (r < 0) {
		eg_engine_config_free(&ecfg);
		goto fail;
	}
	sim_config(b, j->dev, w, &ecfg, &sc);
	/* The oracle's search allows one activation per task in flight at the
	 * end of the run: the performance run's activations say how big. */
	sc.record_jobs = eg_streq(b->gov[j->gov], "performance");
	if (b->sample_ns) {
		uint64_t dur = sc.duration_ns ? sc.duration_ns : w->duration_ns;

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
	j->wall_s = elapsed_s(&t0, &t1);
	return;
fail:
	eg_error_format(&err, j->errmsg, sizeof(j->errmsg));
	j->err = r;
}

/* The performance run of a device x workload, NULL when it is missing or
 * failed: the yardstick of several figures. */
static const struct bench_job *performance_run(const struct bench *b, int dev, int wl)
{
	const struct bench_job *pf = bench_find_job(b, dev, wl, "performance");

	return pf && !pf->err ? pf : NULL;
}

/* Work item i of the queue: the governor runs first, then one oracle search
 * per device x workload (after every governor run has ended: bench_run
 * runs the two phases one after the other). */
static void run_item(struct bench *b, int i)
{
	struct bench_oracle *o;
	const struct bench_job *pf;
	struct timespec t0, t1;

	if (i < b->nr_job) {
		run_job(b, &b->job[i]);
		return;
	}
	o = &b->oracle[i - b->nr_job];
	pf = performance_run(b, o->job.dev, o->job.wl);
	if (!pf || b->no_oracle)
		return;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	bench_oracle_search(b, pf, o);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	o->job.wall_s = elapsed_s(&t0, &t1);
	o->valid = true;
}

static void progress(const struct bench *b)
{
	int width = 40, filled = b->total ? b->done * width / b->total : width;

	fprintf(stderr, "\r[%.*s%*s] %d/%d", filled, "########################################",
		width - filled, "", b->done, b->total);
	if (b->done == b->total)
		fputc('\n', stderr);
	fflush(stderr);
}

/* Items up to b->end are taken from the queue. */
static void *worker(void *arg)
{
	struct bench *b = arg;

	for (;;) {
		int i;

		pthread_mutex_lock(&b->lock);
		i = b->next < b->end ? b->next++ : -1;
		pthread_mutex_unlock(&b->lock);
		if (i < 0)
			return NULL;
		run_item(b, i);
		pthread_mutex_lock(&b->lock);
		b->done++;
		if (b->progress)
			progress(b);
		pthread_mutex_unlock(&b->lock);
	}
}

const struct bench_job *bench_find_job(const struct bench *b, int dev, int wl, const char *gov)
{
	for (int i = 0; i < b->nr_job; i++)
		if (b->job[i].dev == dev && b->job[i].wl == wl &&
		    eg_streq(b->gov[b->job[i].gov], gov))
			return &b->job[i];
	return NULL;
}

const struct bench_oracle *bench_find_oracle(const struct bench *b, int dev, int wl)
{
	const struct bench_oracle *o;

	if (!b->oracle || dev < 0 || dev >= b->nr_dev || wl < 0 || wl >= b->nr_wl)
		return NULL;
	o = &b->oracle[dev * b->nr_wl + wl];
	return o->valid && !o->job.err ? o : NULL;
}

double bench_bound(const struct bench *b, const struct bench_job *j)
{
	const struct eg_model *m = &b->dev[j->dev].model;
	uint64_t work = 0;

	if (j->err)
		return NAN;
	for (int p = 0; p < m->nr_pds; p++)
		work += j->res.pd[p].work;
	return eg_bound_energy(m, work, j->res.sim_ns);
}

/* Run queue items [b->next, end) on the worker threads. */
static void run_queue(struct bench *b, int end)
{
	pthread_t th[BENCH_MAX_JOBS];

	b->end = end;
	b->nr_threads = EG_MIN(EG_CLAMP(b->jobs, 1, BENCH_MAX_JOBS), EG_MAX(end - b->next, 1));
	for (int i = 0; i < b->nr_threads; i++)
		pthread_create(&th[i], NULL, worker, b);
	for (int i = 0; i < b->nr_threads; i++)
		pthread_join(th[i], NULL);
}

/* A file read with rt-app's old meaning of suspend (rtapp.h) does not run so
 * on a current rt-app: say so, once per file. A file that does not load is
 * left to its runs to report. */
static void tell_suspend_meaning(const struct bench *b, int wl)
{
	struct eg_rtapp_workload *rw = NULL;
	struct eg_error err = { 0 };

	if (eg_rtapp_load_opts(b->wl_path[wl], &b->rtapp, &rw, &err) < 0)
		return;
	if (rw->suspend_guessed)
		eg_notice("%s: its suspends name conditions that resumes target: read as rt-app "
			  "before May 2025 ran it (a suspend waits on the condition it names; "
			  "--rtapp-suspend=self for today's rt-app)",
			  bench_wl_name(b->wl_path[wl]));
	eg_rtapp_free(rw);
}

int bench_run(struct bench *b, int *failed)
{
	struct timespec t0, t1;
	int nr_cases = b->nr_dev * b->nr_wl;
	bool have_performance = false;

	/* The references need the performance run: run it unseen when it was
	 * not asked for. */
	for (int g = 0; g < b->nr_gov; g++)
		have_performance = have_performance || eg_streq(b->gov[g], "performance");
	if (!have_performance && b->nr_gov < BENCH_MAX_ITEMS) {
		b->gov_hidden[b->nr_gov] = true;
		b->gov[b->nr_gov++] = "performance";
	}
	b->nr_job = b->nr_dev * b->nr_wl * b->nr_gov;
	b->job = calloc((size_t)b->nr_job, sizeof(*b->job));
	b->oracle = calloc((size_t)EG_MAX(nr_cases, 1), sizeof(*b->oracle));
	if (!b->job || !b->oracle) {
		free(b->job);
		free(b->oracle);
		b->job = NULL;
		b->oracle = NULL;
		return -ENOMEM;
	}
	for (int d = 0, i = 0; d < b->nr_dev; d++)
		for (int w = 0; w < b->nr_wl; w++, i++)
			b->oracle[i].job = (struct bench_job){ .dev = d, .wl = w, .gov = -1 };
	for (int d = 0, i = 0; d < b->nr_dev; d++)
		for (int w = 0; w < b->nr_wl; w++)
			for (int g = 0; g < b->nr_gov; g++, i++)
				b->job[i] = (struct bench_job){ .dev = d, .wl = w, .gov = g };
	for (int w = 0; w < b->nr_wl; w++)
		tell_suspend_meaning(b, w);
	pthread_mutex_init(&b->lock, NULL);
	b->total = b->nr_job + nr_cases;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* The searches start from the performance runs: governors first. */
	run_queue(b, b->nr_job);
	run_queue(b, b->nr_job + nr_cases);
	b->nr_threads = EG_MIN(EG_CLAMP(b->jobs, 1, BENCH_MAX_JOBS), b->total);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	pthread_mutex_destroy(&b->lock);
	b->wall_s = elapsed_s(&t0, &t1);
	for (int i = 0; i < b->nr_job; i++) {
		const struct bench_job *j = &b->job[i];

		b->sim_s += (double)j->res.sim_ns / 1e9;
		b->events += (double)j->res.events;
		if (j->err) {
			eg_err("%s / %s / %s: %s", b->dev[j->dev].model.name,
			       bench_wl_name(b->wl_path[j->wl]), b->gov[j->gov], j->errmsg);
			(*failed)++;
		} else if (j->res.nr_stalled) {
			eg_warn("%s / %s / %s: %s, %d task%s waiting for good from %.3f s to the "
				"end (%.3f s): %s",
				b->dev[j->dev].model.name, bench_wl_name(b->wl_path[j->wl]),
				b->gov[j->gov], j->res.deadlock ? "deadlock" : "stalled",
				j->res.nr_stalled, j->res.nr_stalled == 1 ? "" : "s",
				(double)(j->res.sim_ns - j->res.stall_ns) / 1e9,
				(double)j->res.sim_ns / 1e9, j->res.stalled);
			b->nr_stalled_runs++;
		}
	}
	for (int i = 0; i < nr_cases; i++) {
		const struct bench_oracle *o = &b->oracle[i];

		b->oracle_runs += o->runs;
		b->sim_s += o->sim_s;
		b->events += o->events;
		if (o->job.err) {
			eg_err("%s / %s / oracle: %s", b->dev[o->job.dev].model.name,
			       bench_wl_name(b->wl_path[o->job.wl]), o->job.errmsg);
			(*failed)++;
		}
	}
	return 0;
}

void bench_free(struct bench *b)
{
	for (int i = 0; i < b->nr_job; i++)
		eg_sim_result_free(&b->job[i].res);
	for (int i = 0; b->oracle && i < b->nr_dev * b->nr_wl; i++)
		eg_sim_result_free(&b->oracle[i].job.res);
	free(b->job);
	free(b->oracle);
	b->job = NULL;
	b->oracle = NULL;
	b->nr_job = 0;
	for (int d = 0; d < b->nr_dev; d++) {
		free(b->dev[d].pc);
		b->dev[d].pc = NULL;
	}
}

/* Time per activation a run took to do its work. */
static double activation_time(const struct bench_job *j)
{
	return (double)j->res.busy_span_ns / (double)EG_MAX(j->res.activations, 1);
}

/* rt-app's governor efficiency: (T_powersave - T_gov) / (T_powersave -
 * T_performance), with T the time the activations took to do their work. */
static double gov_efficiency(const struct bench *b, const struct bench_job *j)
{
	const struct bench_job *ps = bench_find_job(b, j->dev, j->wl, "powersave");
	const struct bench_job *pf = performance_run(b, j->dev, j->wl);
	double tps, tpf;

	if (!ps || !pf || ps->err)
		return NAN;
	tps = activation_time(ps);
	tpf = activation_time(pf);
	if (tps - tpf < 1.0)
		return NAN;
	return 100.0 * (tps - activation_time(j)) / (tps - tpf);
}

/* The work a run did, percent of the performance run's (the reference's):
 * every task's, forked ones included, RUN and RUNTIME. */
static double work_pct(const struct bench *b, const struct bench_job *j)
{
	const struct bench_job *pf = performance_run(b, j->dev, j->wl);
	const struct eg_model *m = &b->dev[j->dev].model;
	double mine = 0, ref = 0;

	if (!pf)
		return NAN;
	for (int i = 0; i < m->nr_pds; i++) {
		mine += (double)j->res.pd[i].work;
		ref += (double)pf->res.pd[i].work;
	}
	/* RUNTIME work, as calibrated work: the busy time at the calibration
	 * CPU's full capacity, what a RUN of that length would be. */
	mine += (double)j->res.runtime_ns * j->res.calib_capacity;
	ref += (double)pf->res.runtime_ns * pf->res.calib_capacity;
	return ref > 0 ? 100.0 * mine / ref : NAN;
}

void bench_fill_row(const struct bench *b, const struct bench_job *j, struct eg_bench_row *r)
{
	const struct eg_sim_result *s = &j->res;
	const struct eg_model *m = &b->dev[j->dev].model;
	double secs = (double)s->sim_ns / 1e9;
	const struct bench_oracle *o = bench_find_oracle(b, j->dev, j->wl);
	uint64_t tr = 0, above = 0;
	int32_t peak = INT32_MIN;

	for (int i = 0; i < m->nr_pds; i++)
		tr += s->pd[i].transitions;
	for (int z = 0; z < m->nr_zones; z++) {
		peak = EG_MAX(peak, s->peak_temp_mc[z]);
		above = EG_MAX(above, s->above_trip_ns[z]);
	}
	r->energy = s->energy_j;
	r->bound_j = bench_bound(b, j);
	r->oracle_j = o ? o->job.res.energy_j : NAN;
	r->x_bound = r->bound_j > 0 ? s->energy_j / r->bound_j : NAN;
	r->x_oracle = r->oracle_j > 0 ? s->energy_j / r->oracle_j : NAN;
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
	r->resp_rt50 = s->resp_rt_n ? s->resp_rt_p50_us : NAN;
	r->resp_rt99 = s->resp_rt_n ? s->resp_rt_p99_us : NAN;
	r->resp_cfs50 = s->resp_cfs_n ? s->resp_cfs_p50_us : NAN;
	r->resp_cfs99 = s->resp_cfs_n ? s->resp_cfs_p99_us : NAN;
	r->eff = gov_efficiency(b, j);
	r->trans = secs > 0 ? (double)tr / secs : 0;
	r->peak = m->nr_zones ? peak / 1000.0 : NAN;
	r->above = (double)above / 1e9;
}

const char *bench_wl_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}
