// SPDX-License-Identifier: GPL-2.0-or-later
/* eagov-bench --replay's output formats: a table per recording, CSV with a
 * row per governor x domain, JSON (see output.h). */
#include <errno.h>
#include <inttypes.h>
#include <math.h>

#include "output.h"
#include "util.h"

static double replay_trans(const struct eg_model *m, const struct eg_replay_result *r)
{
	uint64_t tr = 0;

	for (int i = 0; i < m->nr_pds; i++)
		tr += r->pd[i].transitions;
	return r->span_ns ? (double)tr * 1e9 / (double)r->span_ns : 0;
}

static double time_in_opp_pct(const struct eg_replay_result *r, int p, int o)
{
	return r->span_ns ? 100.0 * (double)r->pd[p].time_in_opp_ns[o] / (double)r->span_ns : 0;
}

static void table_figures(FILE *out, const struct bench *b, const struct bench_replay_case *rc)
{
	const struct eg_model *m = &rc->dev->model;

	fprintf(out, "  %-14s %9s %8s %7s %7s %6s", "governor", "energy J", "busy J", "avg W",
		"trans/s", "urgent");
	for (int p = 0; p < m->nr_pds; p++) {
		char h[EG_NAME_MAX + 8];

		snprintf(h, sizeof(h), "%.12s MHz", m->pds[p].name);
		fprintf(out, " %16s", h);
	}
	fputc('\n', out);
	for (int g = 0; g < b->nr_gov; g++) {
		const struct eg_replay_result *r = &rc->res[g];
		double secs = (double)r->span_ns / 1e9;

		if (rc->gov_err[g]) {
			fprintf(out, "  %-14s error: %s\n", b->gov[g], rc->gov_msg[g]);
			continue;
		}
		fprintf(out, "  %-14s", b->gov[g]);
		bench_table_cell(out, r->energy_j, 9, 3);
		bench_table_cell(out, r->busy_j, 8, 3);
		bench_table_cell(out, secs > 0 ? r->energy_j / secs : NAN, 7, 3);
		bench_table_cell(out, replay_trans(m, r), 7, 1);
		fprintf(out, " %6" PRIu64, r->urgent);
		for (int p = 0; p < m->nr_pds; p++)
			bench_table_cell(out, r->pd[p].avg_khz / 1000.0, 16, 0);
		fputc('\n', out);
	}
}

static void table_time_in_state(FILE *out, const struct bench *b,
				const struct bench_replay_case *rc)
{
	const struct eg_model *m = &rc->dev->model;

	fprintf(out, "  time in state, %% of the replayed span (MHz:%%, states under 0.05 %% left "
		     "out):\n");
	for (int g = 0; g < b->nr_gov; g++) {
		const struct eg_replay_result *r = &rc->res[g];

		if (rc->gov_err[g])
			continue;
		fprintf(out, "  %-14s", b->gov[g]);
		for (int p = 0; p < m->nr_pds; p++) {
			fprintf(out, " %s", m->pds[p].name);
			for (int o = 0; o < m->pds[p].nr_opps; o++) {
				double pct = time_in_opp_pct(r, p, o);

				if (pct >= 0.05)
					fprintf(out, " %u:%.1f", m->pds[p].opps[o].khz / 1000, pct);
			}
			if (p + 1 < m->nr_pds)
				fputs(" |", out);
		}
		fputc('\n', out);
	}
}

static void replay_table(FILE *out, const struct bench *b, const struct bench_replay_case *rc)
{
	const struct eg_replay_result *r = NULL;

	fprintf(out, "\nreplay of %s (recorded on %s, %d CPUs, %zu events) on %s\n", rc->path,
		rc->info.model[0] ? rc->info.model : "?", rc->info.nr_cpus, rc->nr_events,
		rc->dev->model.name);
	table_figures(out, b, rc);
	table_time_in_state(out, b, rc);
	/* The counts are the stream's, the same for every governor: the first
	 * that ran gives them. */
	for (int g = 0; g < b->nr_gov && !r; g++)
		if (!rc->gov_err[g])
			r = &rc->res[g];
	if (r)
		fprintf(out,
			"  replayed %.3f s: %" PRIu64 " recorded events, %" PRIu64
			" not replayed (timer ticks, frequency reports, power source,\n"
			"  unknown CPU / zone), %" PRIu64 " refused by the engine\n",
			(double)r->span_ns / 1e9, r->events, r->dropped, r->engine_errors);
}

static void replay_note(FILE *out)
{
	fputs("\nEnergy is an ESTIMATE: performance is not re-simulated. The recorded busy\n"
	      "periods took the time they took on the real machine; the energy is what they\n"
	      "would cost at each governor's frequencies on this device model (busy power at\n"
	      "the OPP in force, the shallowest idle state's power otherwise, domain power\n"
	      "while any CPU of it is busy), an optimistic proxy for slower governors.\n"
	      "urgent: fast-ramp decisions. MHz: time-weighted average frequency.\n",
	      out);
}

static void replay_csv_head(FILE *out)
{
	fputs("recording,recorded_on,device,governor,domain,avg_mhz,domain_transitions_per_s,"
	      "time_in_state,domain_energy_j,energy_j,busy_j,idle_j,domain_j,avg_power_w,"
	      "transitions_per_s,urgent,decisions,span_s,events,error\n",
	      out);
}

/* time_in_state: "MHz:percent" of the states the domain was in, ';'
 * separated (no comma, quote or line break: no quoting needed). */
static void csv_time_in_state(FILE *out, const struct eg_pd *pd, const struct eg_replay_result *r,
			      int p)
{
	bool first = true;

	for (int o = 0; o < pd->nr_opps; o++) {
		if (!r->pd[p].time_in_opp_ns[o])
			continue;
		fprintf(out, "%s%u:%.2f", first ? "" : ";", pd->opps[o].khz / 1000,
			time_in_opp_pct(r, p, o));
		first = false;
	}
	fputc(',', out);
}

static void replay_csv(FILE *out, const struct bench *b, const struct bench_replay_case *rc)
{
	const struct eg_model *m = rc->err ? NULL : &rc->dev->model;

	if (rc->err) {
		bench_csv_text(out, rc->path);
		bench_csv_text(out, rc->info.model);
		fputs(",,,,,,,,,,,,,,,,,yes\n", out);
		return;
	}
	for (int g = 0; g < b->nr_gov; g++) {
		const struct eg_replay_result *r = &rc->res[g];
		double secs = (double)r->span_ns / 1e9;

		for (int p = 0; p < m->nr_pds; p++) {
			const struct eg_pd *pd = &m->pds[p];

			bench_csv_text(out, rc->path);
			bench_csv_text(out, rc->info.model);
			bench_csv_text(out, m->name);
			bench_csv_text(out, b->gov[g]);
			bench_csv_text(out, pd->name);
			if (rc->gov_err[g]) {
				fputs(",,,,,,,,,,,,,,yes\n", out);
				continue;
			}
			bench_csv_num(out, 1, r->pd[p].avg_khz / 1000.0);
			bench_csv_num(out, 2, secs > 0 ? (double)r->pd[p].transitions / secs : 0);
			csv_time_in_state(out, pd, r, p);
			bench_csv_num(out, 6, r->pd[p].energy_j);
			bench_csv_num(out, 6, r->energy_j);
			bench_csv_num(out, 6, r->busy_j);
			bench_csv_num(out, 6, r->idle_j);
			bench_csv_num(out, 6, r->domain_j);
			bench_csv_num(out, 6, secs > 0 ? r->energy_j / secs : NAN);
			bench_csv_num(out, 2, replay_trans(m, r));
			fprintf(out, "%" PRIu64 ",%" PRIu64 ",", r->urgent, r->decisions);
			bench_csv_num(out, 3, secs);
			fprintf(out, "%" PRIu64 ",\n", r->events);
		}
	}
}

static void json_domain(struct json_object *o, const struct eg_pd *pd,
			const struct eg_replay_result *r, int p, bool *oom)
{
	double secs = (double)r->span_ns / 1e9;
	struct json_object *tis;

	bench_json_text(o, "name", pd->name, oom);
	bench_json_num(o, "avg_mhz", r->pd[p].avg_khz / 1000.0, 6, false, oom);
	bench_json_num(o, "transitions_per_s", secs > 0 ? (double)r->pd[p].transitions / secs : 0,
		       6, false, oom);
	bench_json_num(o, "energy_j", r->pd[p].energy_j, 6, false, oom);
	tis = bench_json_add(o, "time_in_state_pct", json_object_new_object(), oom);
	for (int k = 0; k < pd->nr_opps; k++) {
		char mhz[16];

		if (!r->pd[p].time_in_opp_ns[k])
			continue;
		snprintf(mhz, sizeof(mhz), "%u", pd->opps[k].khz / 1000);
		bench_json_num(tis, mhz, time_in_opp_pct(r, p, k), 4, false, oom);
	}
}

static void json_governor(struct json_object *o, const struct bench *b,
			  const struct bench_replay_case *rc, int g, bool *oom)
{
	const struct eg_model *m = &rc->dev->model;
	const struct eg_replay_result *r = &rc->res[g];
	double secs = (double)r->span_ns / 1e9;
	struct json_object *domains;

	bench_json_text(o, "governor", b->gov[g], oom);
	if (rc->gov_err[g]) {
		bench_json_text(o, "error", rc->gov_msg[g], oom);
		return;
	}
	bench_json_num(o, "energy_j", r->energy_j, 6, false, oom);
	bench_json_num(o, "busy_j", r->busy_j, 6, false, oom);
	bench_json_num(o, "idle_j", r->idle_j, 6, false, oom);
	bench_json_num(o, "domain_j", r->domain_j, 6, false, oom);
	bench_json_num(o, "avg_power_w", secs > 0 ? r->energy_j / secs : NAN, 6, false, oom);
	bench_json_num(o, "transitions_per_s", replay_trans(m, r), 6, false, oom);
	bench_json_int(o, "urgent", (int64_t)r->urgent, oom);
	bench_json_int(o, "decisions", (int64_t)r->decisions, oom);
	bench_json_num(o, "span_s", secs, 6, false, oom);
	bench_json_int(o, "events", (int64_t)r->events, oom);
	bench_json_int(o, "dropped", (int64_t)r->dropped, oom);
	bench_json_int(o, "engine_errors", (int64_t)r->engine_errors, oom);
	domains = bench_json_add(o, "domains", json_object_new_array(), oom);
	for (int p = 0; p < m->nr_pds; p++)
		json_domain(bench_json_add(domains, NULL, json_object_new_object(), oom),
			    &m->pds[p], r, p, oom);
}

static void replay_json(struct json_object *o, const struct bench *b,
			const struct bench_replay_case *rc, bool *oom)
{
	struct json_object *results;

	bench_json_text(o, "recording", rc->path, oom);
	bench_json_text(o, "recorded_on", rc->info.model, oom);
	if (rc->err) {
		bench_json_num(o, "recorded_cpus", NAN, 6, false, oom);
		bench_json_text(o, "error", rc->errmsg, oom);
		return;
	}
	bench_json_int(o, "recorded_cpus", rc->info.nr_cpus, oom);
	bench_json_text(o, "device", rc->dev->model.name, oom);
	bench_json_int(o, "recorded_events", (int64_t)rc->nr_events, oom);
	results = bench_json_add(o, "results", json_object_new_array(), oom);
	for (int g = 0; g < b->nr_gov; g++)
		json_governor(bench_json_add(results, NULL, json_object_new_object(), oom), b, rc,
			      g, oom);
}

int bench_print_replay(FILE *out, const struct bench *b, const struct bench_replay_case *cases,
		       int n, enum bench_format fmt)
{
	struct json_object *doc, *replays;
	bool oom = false;
	int tables = 0;

	switch (fmt) {
	case BENCH_TABLE:
		for (int i = 0; i < n; i++) {
			if (!cases[i].err) {
				replay_table(out, b, &cases[i]);
				tables++;
			}
		}
		if (tables)
			replay_note(out);
		break;
	case BENCH_CSV:
		replay_csv_head(out);
		for (int i = 0; i < n; i++)
			replay_csv(out, b, &cases[i]);
		break;
	case BENCH_JSON:
		doc = json_object_new_object();
		replays = bench_json_add(doc, "replays", json_object_new_array(), &oom);
		for (int i = 0; i < n && !oom; i++)
			replay_json(bench_json_add(replays, NULL, json_object_new_object(), &oom),
				    b, &cases[i], &oom);
		return bench_json_write(out, doc, oom);
	case BENCH_LAVA:
		return -EINVAL;
	}
	return ferror(out) ? -EIO : 0;
}
