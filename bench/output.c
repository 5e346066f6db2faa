// SPDX-License-Identifier: GPL-2.0-or-later
/* eagov-bench's output formats for the simulated matrix, and the CSV and
 * JSON field writers the replay's output shares (see output.h). */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "log.h"
#include "output.h"
#include "util.h"

void bench_csv_text(FILE *out, const char *s)
{
	if (!s[strcspn(s, ",\"\r\n")]) {
		fprintf(out, "%s,", s);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputs("\",", out);
}

void bench_csv_num(FILE *out, int prec, double v)
{
	if (isfinite(v))
		fprintf(out, "%.*f", prec, v);
	fputc(',', out);
}

struct json_object *bench_json_add(struct json_object *o, const char *key, struct json_object *v,
				   bool *oom)
{
	int r;

	if (!o || !v) {
		json_object_put(v);
		*oom = true;
		return NULL;
	}
	r = key ? json_object_object_add(o, key, v) : json_object_array_add(o, v);
	if (r < 0) {
		json_object_put(v);
		*oom = true;
		return NULL;
	}
	return v;
}

void bench_json_num(struct json_object *o, const char *key, double v, int prec, bool fixed,
		    bool *oom)
{
	char text[64];
	struct json_object *n;

	if (!o) {
		*oom = true;
		return;
	}
	if (!isfinite(v)) {
		if (json_object_object_add(o, key, NULL) < 0)
			*oom = true;
		return;
	}
	/* The text is kept as printed, so the file reads the same precision
	 * whatever json-c's default double format is. */
	if (fixed)
		snprintf(text, sizeof(text), "%.*f", prec, v);
	else
		snprintf(text, sizeof(text), "%.*g", prec, v);
	n = json_object_new_double_s(v, text);
	bench_json_add(o, key, n, oom);
}

void bench_json_int(struct json_object *o, const char *key, int64_t v, bool *oom)
{
	bench_json_add(o, key, json_object_new_int64(v), oom);
}

void bench_json_text(struct json_object *o, const char *key, const char *s, bool *oom)
{
	bench_json_add(o, key, json_object_new_string(s), oom);
}

int bench_json_write(FILE *out, struct json_object *doc, bool oom)
{
	const char *s = NULL;
	int r = 0;

	if (doc && !oom)
		s = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY |
								JSON_C_TO_STRING_SPACED |
								JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!s)
		r = -ENOMEM;
	else if (fprintf(out, "%s\n", s) < 0)
		r = -EIO;
	json_object_put(doc);
	return r;
}

static int out_status(FILE *out)
{
	return ferror(out) ? -EIO : 0;
}

void bench_table_cell(FILE *out, double v, int width, int prec)
{
	if (isnan(v))
		fprintf(out, " %*s", width, "-");
	else
		fprintf(out, " %*.*f", width, prec, v);
}

static double completion_s(const struct bench_job *j)
{
	return !j->err && j->res.completion_ns ? (double)j->res.completion_ns / 1e9 : NAN;
}

/* The lower bound for the performance run's work, NAN without that run:
 * the bound row of a device x workload. */
static double case_bound(const struct bench *b, int d, int w)
{
	const struct bench_job *pf = bench_find_job(b, d, w, "performance");

	return pf && !pf->err ? bench_bound(b, pf) : NAN;
}

/* Average power of energy_j over the performance run's time. */
static double case_power(const struct bench *b, int d, int w, double energy_j)
{
	const struct bench_job *pf = bench_find_job(b, d, w, "performance");
	double secs = pf && !pf->err ? (double)pf->res.sim_ns / 1e9 : 0;

	return secs > 0 ? energy_j / secs : NAN;
}

static double oracle_energy(const struct bench *b, int d, int w)
{
	const struct bench_oracle *o = bench_find_oracle(b, d, w);

	return o ? o->job.res.energy_j : NAN;
}

/* Stalled tasks of a run (sim.h), 0 for none: a stall is a result. */
static void stall_cell(FILE *out, const struct bench_job *j)
{
	fprintf(out, " %5d", j->res.nr_stalled);
}

static void table_row(FILE *out, const struct bench *b, const struct bench_job *j, const char *name)
{
	struct eg_bench_row r;

	bench_fill_row(b, j, &r);
	fprintf(out, "  %-14s", name);
	bench_table_cell(out, r.energy, 9, 3);
	bench_table_cell(out, r.x_bound, 7, 2);
	bench_table_cell(out, r.x_oracle, 8, 2);
	bench_table_cell(out, r.work_pct, 6, 1);
	bench_table_cell(out, r.power, 7, 3);
	bench_table_cell(out, r.pi_mean, 7, 3);
	bench_table_cell(out, r.pi_p5, 7, 3);
	bench_table_cell(out, r.missed_pct, 6, 1);
	bench_table_cell(out, r.rt50, 8, 0);
	bench_table_cell(out, r.rt99, 8, 0);
	bench_table_cell(out, r.cfs50, 8, 0);
	bench_table_cell(out, r.cfs99, 8, 0);
	bench_table_cell(out, r.resp_rt50, 8, 0);
	bench_table_cell(out, r.resp_rt99, 8, 0);
	bench_table_cell(out, r.resp_cfs50, 9, 0);
	bench_table_cell(out, r.resp_cfs99, 9, 0);
	bench_table_cell(out, r.eff, 6, 1);
	bench_table_cell(out, r.trans, 7, 1);
	bench_table_cell(out, r.peak, 6, 1);
	bench_table_cell(out, r.above, 6, 2);
	bench_table_cell(out, completion_s(j), 6, 2);
	stall_cell(out, j);
	fputc('\n', out);
	if (j->res.nr_stalled)
		fprintf(out, "  %-14s %s%s\n", "",
			j->res.deadlock ? "deadlock: " : "stalled: ", j->res.stalled);
}

/* The OPPs the oracle holds each domain at, as "little 533 MHz, big 903 MHz". */
static void oracle_opps(FILE *out, const struct bench *b, const struct bench_oracle *o)
{
	const struct eg_model *m = &b->dev[o->job.dev].model;

	for (int p = 0; p < m->nr_pds; p++)
		fprintf(out, "%s%s %u MHz", p ? ", " : "", m->pds[p].name,
			m->pds[p].opps[o->opp[p]].khz / 1000);
}

static void table_case(FILE *out, const struct bench *b, int d, int w)
{
	/* The bound has energy only: the other columns' widths. */
	static const int rest_width[] = { 7, 7, 6, 8, 8, 8, 8, 8, 8, 9, 9, 6, 7, 6, 6, 6, 5 };
	const struct bench_oracle *o = bench_find_oracle(b, d, w);
	double bound = case_bound(b, d, w), oracle = oracle_energy(b, d, w);

	fprintf(out, "\n%s / %s\n", b->dev[d].model.name, bench_wl_name(b->wl_path[w]));
	fprintf(out,
		"  %-14s %9s %7s %8s %6s %7s %7s %7s %6s %8s %8s %8s %8s %8s %8s %9s %9s "
		"%6s %7s %6s %6s %6s %5s\n",
		"governor", "energy J", "x bound", "x oracle", "work%", "avg W", "perf", "perf p5",
		"miss%", "lat rt50", "lat rt99", "lat cfs50", "lat cfs99", "rsp rt50", "rsp rt99",
		"rsp cfs50", "rsp cfs99", "eff%", "trans/s", "peakC", "hot s", "done s", "stall");
	for (int g = 0; g < b->nr_gov; g++) {
		const struct bench_job *j = bench_find_job(b, d, w, b->gov[g]);

		if (!j || b->gov_hidden[g])
			continue;
		if (j->err)
			fprintf(out, "  %-14s error: %s\n", b->gov[g], j->errmsg);
		else
			table_row(out, b, j, b->gov[g]);
	}
	if (o)
		table_row(out, b, &o->job, "oracle");
	else
		fprintf(out, "  %-14s -\n", "oracle");
	fprintf(out, "  %-14s", "bound");
	bench_table_cell(out, bound, 9, 3);
	bench_table_cell(out, isnan(bound) ? NAN : 1.0, 7, 2);
	bench_table_cell(out, oracle > 0 ? bound / oracle : NAN, 8, 2);
	bench_table_cell(out, isnan(bound) ? NAN : 100.0, 6, 1);
	bench_table_cell(out, case_power(b, d, w, bound), 7, 3);
	for (size_t k = 0; k < ARRAY_SIZE(rest_width); k++)
		bench_table_cell(out, NAN, rest_width[k], 0);
	fputc('\n', out);
	if (o) {
		fputs("  oracle at: ", out);
		oracle_opps(out, b, o);
		fprintf(out, " (%d runs)\n", o->runs);
	}
}

int bench_print_table(FILE *out, const struct bench *b)
{
	for (int d = 0; d < b->nr_dev; d++)
		for (int w = 0; w < b->nr_wl; w++)
			table_case(out, b, d, w);
	fprintf(out,
		"\nlat: wakeup latency, from becoming runnable to running (idle exit plus queueing);\n"
		"rsp: response time per activation, from its release to the end of its work;\n"
		"both in us, p50/p99 per class. perf: LISA's perf index, slack / (period - run),\n"
		"slack from the end of the work to the end of its period, run = the activation's\n"
		"work at the calibration CPU's top OPP (1 = finished at once; above 1 on a CPU\n"
		"faster than the calibration one; <0 = late).\n"
		"done s: when the last task ended (finite work only).\n"
		"oracle: the least energy the simulator reached with one fixed OPP per domain,\n"
		"missing no more activations and doing no less work than performance (see\n"
		"bench/oracle.c). bound: no schedule does the performance run's work with less\n"
		"energy (all CPUs at their least idle power, the work at the cheapest energy per\n"
		"unit of any domain and OPP; see bench/bound.c). x bound: energy over the bound\n"
		"for the work that run did; x oracle: energy over the oracle's. work%%: work\n"
		"done, percent of the performance run's (every task's, forked ones included;\n"
		"run and runtime events, runtime as a run of its length); below 100 a governor\n"
		"did less (missed periods, unfinished loops) and its energy does not compare.\n"
		"stall: tasks waiting for good at the end (deadlock, a suspend nothing resumes,\n"
		"never on a CPU), named below the row: not a valid result. \"-\": no sample.\n");
	return out_status(out);
}

/* The figures of job j, all NAN for a failed run. */
static void job_row(const struct bench *b, const struct bench_job *j, struct eg_bench_row *r)
{
	if (!j->err) {
		bench_fill_row(b, j, r);
		return;
	}
	*r = (struct eg_bench_row){
		.energy = NAN,
		.power = NAN,
		.pi_mean = NAN,
		.pi_p5 = NAN,
		.missed_pct = NAN,
		.rt50 = NAN,
		.rt99 = NAN,
		.cfs50 = NAN,
		.cfs99 = NAN,
		.resp_rt50 = NAN,
		.resp_rt99 = NAN,
		.resp_cfs50 = NAN,
		.resp_cfs99 = NAN,
		.eff = NAN,
		.trans = NAN,
		.peak = NAN,
		.above = NAN,
		.bound_j = NAN,
		.oracle_j = NAN,
		.x_bound = NAN,
		.x_oracle = NAN,
		.work_pct = NAN,
	};
}

int bench_print_csv(FILE *out, const struct bench *b)
{
	fputs("device,workload,governor,energy_j,bound_j,oracle_j,x_bound,x_oracle,work_pct,"
	      "avg_power_w,"
	      "perf_index_mean,perf_index_p5,missed_pct,lat_rt_p50_us,lat_rt_p99_us,"
	      "lat_cfs_p50_us,lat_cfs_p99_us,resp_rt_p50_us,resp_rt_p99_us,resp_cfs_p50_us,"
	      "resp_cfs_p99_us,gov_efficiency_pct,transitions_per_s,peak_temp_c,"
	      "above_trip_s,completion_s,stalled_tasks,stall_s,stalled,error\n",
	      out);
	for (int i = 0; i < b->nr_job; i++) {
		const struct bench_job *j = &b->job[i];
		struct eg_bench_row r;

		if (b->gov_hidden[j->gov])
			continue;
		job_row(b, j, &r);
		bench_csv_text(out, b->dev[j->dev].model.name);
		bench_csv_text(out, bench_wl_name(b->wl_path[j->wl]));
		bench_csv_text(out, b->gov[j->gov]);
		bench_csv_num(out, 6, r.energy);
		bench_csv_num(out, 6, r.bound_j);
		bench_csv_num(out, 6, r.oracle_j);
		bench_csv_num(out, 4, r.x_bound);
		bench_csv_num(out, 4, r.x_oracle);
		bench_csv_num(out, 1, r.work_pct);
		bench_csv_num(out, 6, r.power);
		bench_csv_num(out, 4, r.pi_mean);
		bench_csv_num(out, 4, r.pi_p5);
		bench_csv_num(out, 2, r.missed_pct);
		bench_csv_num(out, 1, r.rt50);
		bench_csv_num(out, 1, r.rt99);
		bench_csv_num(out, 1, r.cfs50);
		bench_csv_num(out, 1, r.cfs99);
		bench_csv_num(out, 1, r.resp_rt50);
		bench_csv_num(out, 1, r.resp_rt99);
		bench_csv_num(out, 1, r.resp_cfs50);
		bench_csv_num(out, 1, r.resp_cfs99);
		bench_csv_num(out, 2, r.eff);
		bench_csv_num(out, 2, r.trans);
		bench_csv_num(out, 2, r.peak);
		bench_csv_num(out, 3, r.above);
		bench_csv_num(out, 3, completion_s(j));
		bench_csv_num(out, 0, j->err ? NAN : j->res.nr_stalled);
		bench_csv_num(out, 3, j->err ? NAN : (double)j->res.stall_ns / 1e9);
		bench_csv_text(out, j->err ? "" : j->res.stalled);
		fprintf(out, "%s\n", j->err ? "yes" : "");
	}
	return out_status(out);
}

/* LAVA test-case names take [A-Za-z0-9._-] only: anything else becomes '_',
 * and the workload's ".json" goes. */
static void lava_name(char *name, size_t len, const char *dev, const char *wl, const char *gov,
		      const char *metric)
{
	char wl_base[EG_PATH_MAX];
	size_t n;

	eg_strlcpy(wl_base, wl, sizeof(wl_base));
	n = strlen(wl_base);
	if (n > 5 && eg_streq(wl_base + n - 5, ".json"))
		wl_base[n - 5] = '\0';
	snprintf(name, len, "%s.%s.%s.%s", dev, wl_base, gov, metric);
	for (char *c = name; *c; c++)
		if (!((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
		      (*c >= '0' && *c <= '9') || *c == '.' || *c == '_' || *c == '-'))
			*c = '_';
}

/* One LAVA result. A failed run is RESULT=fail without a measurement; a
 * figure without samples (no activation) is RESULT=skip. This is the signal
 * lava-test-case itself prints, so it reads the same inside LAVA. */
static void lava_case(FILE *out, const char *dev, const char *wl, const char *gov,
		      const char *metric, bool failed, double v, const char *units)
{
	char name[EG_PATH_MAX + 3 * EG_NAME_MAX];

	lava_name(name, sizeof(name), dev, wl, gov, metric);
	if (failed)
		fprintf(out, "<LAVA_SIGNAL_TESTCASE TEST_CASE_ID=%s RESULT=fail>\n", name);
	else if (isnan(v))
		fprintf(out, "<LAVA_SIGNAL_TESTCASE TEST_CASE_ID=%s RESULT=skip>\n", name);
	else
		fprintf(out,
			"<LAVA_SIGNAL_TESTCASE TEST_CASE_ID=%s RESULT=pass MEASUREMENT=%.6g "
			"UNITS=%s>\n",
			name, v, units);
}

int bench_print_lava(FILE *out, const struct bench *b)
{
	for (int i = 0; i < b->nr_job; i++) {
		const struct bench_job *j = &b->job[i];
		const char *dev = b->dev[j->dev].model.name, *wl = bench_wl_name(b->wl_path[j->wl]);
		const char *gov = b->gov[j->gov];
		struct eg_bench_row r = { 0 };

		if (b->gov_hidden[j->gov])
			continue;
		if (!j->err)
			bench_fill_row(b, j, &r);
		lava_case(out, dev, wl, gov, "energy", j->err, r.energy, "J");
		lava_case(out, dev, wl, gov, "perf_index", j->err, r.pi_mean, "index");
		lava_case(out, dev, wl, gov, "missed", j->err, r.missed_pct, "%");
	}
	for (int d = 0; d < b->nr_dev; d++) {
		for (int w = 0; w < b->nr_wl; w++) {
			const char *dev = b->dev[d].model.name, *wl = bench_wl_name(b->wl_path[w]);
			double bound = case_bound(b, d, w);
			bool no_oracle = !bench_find_oracle(b, d, w);

			/* No reference because its run or search failed is a
			 * failure; a search not asked for (--no-oracle), a skip. */
			lava_case(out, dev, wl, "bound", "energy", isnan(bound), bound, "J");
			lava_case(out, dev, wl, "oracle", "energy", !b->no_oracle && no_oracle,
				  oracle_energy(b, d, w), "J");
		}
	}
	return out_status(out);
}

/* "time_in_state": {"little": {"533000": 12.5, ...}, ...}: percent of the
 * simulated time each domain spent at each OPP. */
static void json_time_in_state(struct json_object *parent, const struct eg_model *m,
			       const struct eg_sim_result *res, bool *oom)
{
	struct json_object *tis =
		bench_json_add(parent, "time_in_state", json_object_new_object(), oom);

	for (int i = 0; i < m->nr_pds; i++) {
		const struct eg_pd *pd = &m->pds[i];
		const uint64_t *ns = res->pd[i].time_in_opp_ns;
		struct json_object *p;
		uint64_t total = 0;

		p = bench_json_add(tis, pd->name, json_object_new_object(), oom);
		for (int o = 0; o < pd->nr_opps; o++)
			total += ns[o];
		for (int o = 0; o < pd->nr_opps; o++) {
			char khz[16];

			snprintf(khz, sizeof(khz), "%u", pd->opps[o].khz);
			bench_json_num(p, khz, total ? 100.0 * (double)ns[o] / (double)total : 0.0,
				       3, true, oom);
		}
	}
}

/* "domains": {"little": {"energy_j": 0.41, "work": 1.2e9, "transitions": 40}, ...}:
 * what each domain spent (its CPUs' busy and idle energy and its own) and
 * the RUN work its CPUs did (capacity x s), so a run's energy can be read
 * per domain and per unit of work. */
static void json_domains(struct json_object *parent, const struct eg_model *m,
			 const struct eg_sim_result *res, bool *oom)
{
	struct json_object *all = bench_json_add(parent, "domains", json_object_new_object(), oom);

	for (int i = 0; i < m->nr_pds; i++) {
		struct json_object *p =
			bench_json_add(all, m->pds[i].name, json_object_new_object(), oom);

		bench_json_num(p, "energy_j", res->pd[i].energy_j, 6, true, oom);
		bench_json_num(p, "work", (double)res->pd[i].work / 1e9, 6, true, oom);
		bench_json_add(p, "transitions",
			       json_object_new_int64((int64_t)res->pd[i].transitions), oom);
	}
}

static void json_result(struct json_object *o, const struct bench *b, const struct bench_job *j,
			bool *oom)
{
	struct eg_bench_row r;

	bench_json_text(o, "device", b->dev[j->dev].model.name, oom);
	bench_json_text(o, "workload", bench_wl_name(b->wl_path[j->wl]), oom);
	bench_json_text(o, "governor", b->gov[j->gov], oom);
	if (j->err) {
		bench_json_text(o, "error", "see stderr", oom);
		return;
	}
	bench_fill_row(b, j, &r);
	bench_json_num(o, "energy_j", r.energy, 6, false, oom);
	bench_json_num(o, "bound_j", r.bound_j, 6, false, oom);
	bench_json_num(o, "oracle_j", r.oracle_j, 6, false, oom);
	bench_json_num(o, "x_bound", r.x_bound, 6, false, oom);
	bench_json_num(o, "x_oracle", r.x_oracle, 6, false, oom);
	bench_json_num(o, "work_pct", r.work_pct, 6, false, oom);
	bench_json_num(o, "avg_power_w", r.power, 6, false, oom);
	bench_json_num(o, "perf_index_mean", r.pi_mean, 6, false, oom);
	bench_json_num(o, "perf_index_p5", r.pi_p5, 6, false, oom);
	bench_json_num(o, "missed_pct", r.missed_pct, 6, false, oom);
	bench_json_num(o, "lat_rt_p50_us", r.rt50, 6, false, oom);
	bench_json_num(o, "lat_rt_p99_us", r.rt99, 6, false, oom);
	bench_json_num(o, "lat_cfs_p50_us", r.cfs50, 6, false, oom);
	bench_json_num(o, "lat_cfs_p99_us", r.cfs99, 6, false, oom);
	bench_json_num(o, "resp_rt_p50_us", r.resp_rt50, 6, false, oom);
	bench_json_num(o, "resp_rt_p99_us", r.resp_rt99, 6, false, oom);
	bench_json_num(o, "resp_cfs_p50_us", r.resp_cfs50, 6, false, oom);
	bench_json_num(o, "resp_cfs_p99_us", r.resp_cfs99, 6, false, oom);
	bench_json_num(o, "gov_efficiency_pct", r.eff, 6, false, oom);
	bench_json_num(o, "transitions_per_s", r.trans, 6, false, oom);
	bench_json_num(o, "peak_temp_c", r.peak, 6, false, oom);
	bench_json_num(o, "above_trip_s", r.above, 6, false, oom);
	bench_json_num(o, "busy_j", j->res.busy_j, 6, false, oom);
	bench_json_num(o, "idle_j", j->res.idle_j, 6, false, oom);
	bench_json_num(o, "domain_j", j->res.domain_j, 6, false, oom);
	bench_json_num(o, "sim_s", (double)j->res.sim_ns / 1e9, 6, false, oom);
	/* When the last task ended: finite work only, null otherwise. */
	bench_json_num(o, "completion_s", completion_s(j), 6, false, oom);
	/* Tasks waiting for good at the end of the run: not a valid result. */
	bench_json_int(o, "stalled_tasks", j->res.nr_stalled, oom);
	bench_json_add(o, "deadlock", json_object_new_boolean(j->res.deadlock), oom);
	bench_json_num(o, "stall_s", (double)j->res.stall_ns / 1e9, 6, false, oom);
	bench_json_text(o, "stalled", j->res.stalled, oom);
	json_time_in_state(o, &b->dev[j->dev].model, &j->res, oom);
	json_domains(o, &b->dev[j->dev].model, &j->res, oom);
	bench_json_int(o, "events", (int64_t)j->res.events, oom);
}

/* The references of device d x workload w: the bound for the performance
 * run's work, and the oracle with the OPPs it holds and its search's cost. */
static void json_reference(struct json_object *o, const struct bench *b, int d, int w, bool *oom)
{
	const struct bench_oracle *orc = bench_find_oracle(b, d, w);
	const struct eg_model *m = &b->dev[d].model;
	struct json_object *opps;

	if (!o)
		return;
	bench_json_text(o, "device", m->name, oom);
	bench_json_text(o, "workload", bench_wl_name(b->wl_path[w]), oom);
	bench_json_num(o, "bound_j", case_bound(b, d, w), 6, false, oom);
	bench_json_num(o, "oracle_j", oracle_energy(b, d, w), 6, false, oom);
	if (!orc)
		return;
	bench_json_num(o, "oracle_missed_pct",
		       orc->job.res.activations ? 100.0 * (double)orc->job.res.missed /
							  (double)orc->job.res.activations :
						  NAN,
		       6, false, oom);
	opps = bench_json_add(o, "oracle_khz", json_object_new_object(), oom);
	for (int p = 0; p < m->nr_pds && opps; p++)
		bench_json_int(opps, m->pds[p].name, m->pds[p].opps[orc->opp[p]].khz, oom);
	bench_json_int(o, "oracle_runs", orc->runs, oom);
}

int bench_print_json(FILE *out, const struct bench *b)
{
	struct json_object *doc = json_object_new_object();
	bool oom = false;
	struct json_object *results = bench_json_add(doc, "results", json_object_new_array(), &oom);
	struct json_object *refs;

	for (int i = 0; i < b->nr_job && !oom; i++) {
		const struct bench_job *j = &b->job[i];
		struct json_object *o;

		if (b->gov_hidden[j->gov])
			continue;
		o = bench_json_add(results, NULL, json_object_new_object(), &oom);
		json_result(o, b, j, &oom);
	}
	refs = bench_json_add(doc, "references", json_object_new_array(), &oom);
	for (int d = 0; d < b->nr_dev && !oom; d++) {
		for (int w = 0; w < b->nr_wl && !oom; w++) {
			struct json_object *ref = json_object_new_object();

			json_reference(bench_json_add(refs, NULL, ref, &oom), b, d, w, &oom);
		}
	}
	return bench_json_write(out, doc, oom);
}

int bench_print(FILE *out, const struct bench *b, enum bench_format fmt)
{
	switch (fmt) {
	case BENCH_CSV:
		return bench_print_csv(out, b);
	case BENCH_JSON:
		return bench_print_json(out, b);
	case BENCH_LAVA:
		return bench_print_lava(out, b);
	case BENCH_TABLE:
		break;
	}
	return bench_print_table(out, b);
}

int bench_write_html(const struct bench *b, const char *path)
{
	const char *devs[BENCH_MAX_ITEMS], *wls[BENCH_MAX_ITEMS], *govs[BENCH_MAX_ITEMS];
	struct eg_html_case *cases = calloc((size_t)(b->nr_dev * b->nr_wl), sizeof(*cases));
	struct eg_html_run *runs = calloc((size_t)b->nr_job, sizeof(*runs));
	struct eg_html_params p = {
		.devices = devs,
		.nr_devices = b->nr_dev,
		.workloads = wls,
		.nr_workloads = b->nr_wl,
		.governors = govs,
		.duration_s = (double)b->duration_ns / 1e9,
		.seed = b->seed,
		.version = EAGOV_VERSION,
		.sample_ms = (double)b->sample_ns / 1e6,
		.max_sample_ms = (double)b->max_sample_ns / 1e6,
		.nr_runs = b->nr_job,
		.jobs = b->nr_threads,
		.sim_s = b->sim_s,
		.wall_s = b->wall_s,
		.events = b->events,
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
		wls[w] = bench_wl_name(b->wl_path[w]);
	for (int g = 0; g < b->nr_gov; g++)
		if (!b->gov_hidden[g])
			govs[p.nr_governors++] = b->gov[g];
	/* The visible governors' runs per device x workload, in the table's
	 * order. */
	for (int d = 0; d < b->nr_dev; d++) {
		for (int w = 0; w < b->nr_wl; w++) {
			struct eg_html_case *c = &cases[nc++];

			c->model = &b->dev[d].model;
			c->workload = bench_wl_name(b->wl_path[w]);
			c->bound_j = case_bound(b, d, w);
			c->bound_w = case_power(b, d, w, c->bound_j);
			c->oracle_j = oracle_energy(b, d, w);
			c->oracle_w = case_power(b, d, w, c->oracle_j);
			c->runs = &runs[nr];
			for (int g = 0; g < b->nr_gov; g++) {
				const struct bench_job *j = bench_find_job(b, d, w, b->gov[g]);
				struct eg_html_run *hr = &runs[nr];

				if (!j || b->gov_hidden[g])
					continue;
				hr->governor = b->gov[g];
				if (j->err)
					hr->error = j->errmsg;
				else
					bench_fill_row(b, j, &hr->row);
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
