// SPDX-License-Identifier: GPL-2.0-or-later
/* The machine model as readable, aligned tables (eagovd --show-model). */
#include <inttypes.h>
#include <stdio.h>

#include "model.h"
#include "util.h"

static const char *origin_name(enum eg_origin o)
{
	switch (o) {
	case EG_ORIGIN_FILE:
		return "file";
	case EG_ORIGIN_SYSFS:
		return "sysfs";
	case EG_ORIGIN_COMPUTED:
		return "computed";
	case EG_ORIGIN_NONE:
		break;
	}
	return "-";
}

/* uW as mW with three decimals ("28.728"), or "-" when unknown. */
static void fmt_mw(char *buf, size_t len, uint64_t uw, bool known)
{
	if (!known)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%" PRIu64 ".%03" PRIu64, uw / 1000, uw % 1000);
}

/* Millidegrees as "65.0" or "65.25": one decimal at least, three at most. */
static void fmt_temp(char *buf, size_t len, int mc)
{
	int a = mc < 0 ? -mc : mc;
	int frac = a % 1000;

	if (frac % 100 == 0)
		snprintf(buf, len, "%s%d.%d", mc < 0 ? "-" : "", a / 1000, frac / 100);
	else if (frac % 10 == 0)
		snprintf(buf, len, "%s%d.%02d", mc < 0 ? "-" : "", a / 1000, frac / 10);
	else
		snprintf(buf, len, "%s%d.%03d", mc < 0 ? "-" : "", a / 1000, frac);
}

/* Idle states with their break-even entry + exit energy (for cluster
 * states it depends on the domain power, shown at the top OPP). */
static void print_idle(const struct eg_pd *pd, bool cluster, FILE *out)
{
	const struct eg_idle_state *st = cluster ? pd->cluster_idle : pd->cpu_idle;
	int n = cluster ? pd->nr_cluster_idle : pd->nr_cpu_idle;
	char mw[32];

	if (!n)
		return;
	fprintf(out, "  %s idle states:\n", cluster ? "Cluster" : "CPU");
	fprintf(out, "    %-2s %-16s %9s %9s %13s %10s %14s\n", "#", "name", "entry us", "exit us",
		"residency us", "power mW", "entry+exit uJ");
	for (int i = 0; i < n; i++) {
		double e = cluster ? eg_pd_cluster_transition_uj(pd, i, pd->nr_opps - 1) :
				     st[i].transition_uj;

		fmt_mw(mw, sizeof(mw), st[i].power_uw, true);
		fprintf(out, "    %-2d %-16s %9u %9u %13u %10s %14.3f%s\n", i, st[i].name,
			st[i].entry_us, st[i].exit_us, st[i].residency_us, mw, e,
			st[i].power_estimated ? " (est.)" : "");
	}
}

/* Static power per OPP, when the model has any. */
static void print_static(const struct eg_pd *pd, FILE *out)
{
	if (!pd->cpu_static_uw && !pd->pd_static_uw)
		return;
	fprintf(out, "  static power%s (CPU / domain mW, scaled as V^3):",
		pd->static_estimated ? " (est.)" : "");
	for (int i = 0; i < pd->nr_opps; i++) {
		const struct eg_opp *o = &pd->opps[i];
		char c[32], d[32];

		fmt_mw(c, sizeof(c), o->static_uw, true);
		fmt_mw(d, sizeof(d), o->pd_static_uw, true);
		fprintf(out, "%s %u MHz %s / %s", i ? "," : "", o->khz / 1000, c, d);
	}
	fprintf(out, "\n");
}

static void print_pd(const struct eg_pd *pd, FILE *out)
{
	char cpus[128];
	bool any_pd_power = false;

	eg_cpumask_format(&pd->cpus, cpus, sizeof(cpus));
	fprintf(out, "Domain %d \"%s\": CPUs %s (%d), capacity %u", pd->id, pd->name, cpus,
		pd->nr_cpus, pd->max_cap);
	if (pd->capacity_dmips_mhz)
		fprintf(out, " (%u DMIPS/MHz)", pd->capacity_dmips_mhz);
	if (pd->transition_latency_ns)
		fprintf(out, "\n  transition latency %u us", pd->transition_latency_ns / 1000);
	else
		fprintf(out, "\n  transition latency unknown");
	if (pd->dyn_power_coeff)
		fprintf(out, ", dynamic power coefficient %u uW/MHz/V^2", pd->dyn_power_coeff);
	if (pd->cpufreq_driver[0])
		fprintf(out, ", driver %s", pd->cpufreq_driver);
	fprintf(out, "\n");

	for (int i = 0; i < pd->nr_opps; i++)
		any_pd_power = any_pd_power || pd->opps[i].pd_power_uw;
	fprintf(out, "  %9s %6s %11s %11s %6s %8s  %s\n", "kHz", "mV", "power mW",
		any_pd_power ? "domain mW" : "", "perf", "cost", "power from");
	for (int i = 0; i < pd->nr_opps; i++) {
		const struct eg_opp *o = &pd->opps[i];
		char mv[16], pw[32], dpw[32], cost[32];

		if (o->mv)
			snprintf(mv, sizeof(mv), "%u", o->mv);
		else
			snprintf(mv, sizeof(mv), "-");
		fmt_mw(pw, sizeof(pw), o->power_uw, o->power_uw != 0);
		if (any_pd_power)
			fmt_mw(dpw, sizeof(dpw), o->pd_power_uw, o->pd_power_uw != 0);
		else
			dpw[0] = '\0';
		if (o->cost)
			snprintf(cost, sizeof(cost), "%" PRIu64, o->cost);
		else
			snprintf(cost, sizeof(cost), "-");
		fprintf(out, "  %9u %6s %11s %11s %6u %8s  %-8s%s%s\n", o->khz, mv, pw, dpw,
			o->perf, cost, origin_name(o->power_origin),
			o->power_estimated ? " (est.)" : "", o->inefficient ? "  inefficient" : "");
	}
	print_static(pd, out);
	print_idle(pd, false, out);
	print_idle(pd, true, out);
}

static void print_zone(const struct eg_model *m, const struct eg_zone *z, FILE *out)
{
	char t[32], h[32];

	fprintf(out, "Zone %d \"%s\": sensor %s, polling %u ms, passive %u ms\n", z->id, z->name,
		z->sensor[0] ? z->sensor : "(simulated)", z->polling_ms, z->passive_ms);
	if (z->sustainable_power_mw)
		fprintf(out, "  sustainable power %u mW\n", z->sustainable_power_mw);
	else
		fprintf(out, "  sustainable power: not given (estimated by the thermal policy)\n");
	if (z->nr_trips) {
		fprintf(out, "  %-2s %9s %-9s %9s\n", "#", "temp C", "type", "hyst C");
		for (int i = 0; i < z->nr_trips; i++) {
			fmt_temp(t, sizeof(t), z->trips[i].temp_mc);
			fmt_temp(h, sizeof(h), z->trips[i].hyst_mc);
			fprintf(out, "  %-2d %9s %-9s %9s\n", i, t,
				eg_trip_type_name(z->trips[i].type), h);
		}
	}
	if (z->nr_cooled) {
		fprintf(out, "  cools:");
		for (int i = 0; i < z->nr_cooled; i++) {
			const struct eg_cooled *c = &z->cooled[i];
			bool known = c->pd >= 0 && c->pd < m->nr_pds;

			fprintf(out, " %s (weight %u)%s", known ? m->pds[c->pd].name : "?",
				c->weight, i + 1 < z->nr_cooled ? "," : "");
		}
		fprintf(out, "\n");
	}
	fmt_temp(t, sizeof(t), z->ambient_mc);
	if (z->rc_resistance > 0 && z->rc_capacitance > 0)
		fprintf(out, "  RC model: R %.2f C/W, C %.2f J/C, tau %.1f s, ambient %s C%s\n",
			z->rc_resistance, z->rc_capacitance, z->rc_resistance * z->rc_capacitance,
			t, z->rc_estimated ? " (est.)" : "");
	else
		fprintf(out, "  RC model: none, ambient %s C\n", t);
}

void eg_model_print(const struct eg_model *m, FILE *out)
{
	char cpus[128];

	eg_cpumask_format(&m->possible, cpus, sizeof(cpus));
	fprintf(out, "Device: %s\n", m->name[0] ? m->name : "(unnamed)");
	fprintf(out, "Source: %s\n", m->source[0] ? m->source : "-");
	if (m->nr_compatible) {
		fprintf(out, "Compatible:");
		for (int i = 0; i < m->nr_compatible; i++)
			fprintf(out, " %s", m->compatible[i]);
		fprintf(out, "\n");
	}
	fprintf(out, "CPUs: %d (%s), %d performance domain%s, %d thermal zone%s\n", m->nr_cpus,
		cpus, m->nr_pds, m->nr_pds == 1 ? "" : "s", m->nr_zones,
		m->nr_zones == 1 ? "" : "s");
	for (int i = 0; i < m->nr_pds; i++) {
		fprintf(out, "\n");
		print_pd(&m->pds[i], out);
	}
	for (int i = 0; i < m->nr_zones; i++) {
		fprintf(out, "\n");
		print_zone(m, &m->zones[i], out);
	}
}
