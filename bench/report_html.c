// SPDX-License-Identifier: GPL-2.0-or-later
/* eagov-bench's HTML report: the page, its parameters, the figures table of
 * each case and the order of its parts; the charts come from report_svg.c. */
#include "report_html.h"

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "report_internal.h"
#include "util.h"

void eg_html_esc(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		default:
			fputc(*s, f);
		}
	}
}

void eg_html_num(FILE *f, double v, int prec)
{
	if (isnan(v))
		fputs("&ndash;", f);
	else
		fprintf(f, "%.*f", prec, v);
}

static const char css[] =
	"body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:24px;"
	"color:#222;background:#fff;max-width:1500px}\n"
	"h1{margin:0 0 8px}h2{margin:36px 0 8px;padding-top:12px;border-top:2px solid #ccc}\n"
	"h3{margin:18px 0 6px;font-size:1.05em}\n"
	"table{border-collapse:collapse;font-size:13px}\n"
	"th,td{padding:3px 7px;border-bottom:1px solid #e3e3e3;text-align:right;"
	"font-variant-numeric:tabular-nums}\n"
	"th{background:#f2f4f7;vertical-align:bottom}\n"
	"td:first-child,th:first-child{text-align:left}\n"
	"td.best{background:#d6f0d6;font-weight:600}\n"
	"tr.ref td{color:#8b1a1a;font-style:italic}\n"
	"td.err{color:#b00020;text-align:left}\n"
	".params td{text-align:left}.params td:first-child{font-weight:600}\n"
	".charts{display:flex;flex-wrap:wrap;gap:24px;margin:12px 0}\n"
	".panels{display:grid;grid-template-columns:repeat(auto-fill,424px);gap:10px}\n"
	".panels svg,.charts svg{background:#fff;border:1px solid #e3e3e3}\n"
	".legend{font-size:13px;margin:6px 0}\n"
	".legend span.it{margin-right:16px;white-space:nowrap}\n"
	".sw{display:inline-block;width:22px;height:4px;vertical-align:middle;margin-right:5px}\n"
	".dash{display:inline-block;width:22px;height:0;border-top:2px dashed;"
	"vertical-align:middle;margin-right:5px}\n"
	".howto{background:#f7f7fa;border-left:4px solid #1f6fb4;padding:8px 14px;"
	"font-size:14px;max-width:1100px}\n"
	"svg text{font-family:system-ui,sans-serif;font-size:11px;fill:#333}\n"
	"svg .t{font-size:13px;font-weight:600}\n"
	"svg .grid{stroke:#e6e6e6;stroke-width:1}\n"
	"svg .ax{stroke:#888;stroke-width:1;fill:none}\n"
	"nav ul{columns:3;font-size:14px}\n";

static void write_header(FILE *f, const struct eg_html_params *p)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<title>eagov-bench report</title>\n<style>\n",
	      f);
	fputs(css, f);
	fputs("</style>\n</head>\n<body>\n<h1>eagov-bench report</h1>\n"
	      "<table class=\"params\">\n",
	      f);
	fputs("<tr><td>devices</td><td>", f);
	for (int i = 0; i < p->nr_devices; i++) {
		eg_html_esc(f, p->devices[i]);
		fputs(i + 1 < p->nr_devices ? ", " : "", f);
	}
	fputs("</td></tr>\n<tr><td>workloads</td><td>", f);
	for (int i = 0; i < p->nr_workloads; i++) {
		eg_html_esc(f, p->workloads[i]);
		fputs(i + 1 < p->nr_workloads ? ", " : "", f);
	}
	fputs("</td></tr>\n<tr><td>governors</td><td>", f);
	for (int i = 0; i < p->nr_governors; i++) {
		eg_html_esc(f, p->governors[i]);
		fputs(i + 1 < p->nr_governors ? ", " : "", f);
	}
	fputs("</td></tr>\n<tr><td>duration</td><td>", f);
	if (p->duration_s > 0)
		fprintf(f, "%g s simulated per run", p->duration_s);
	else
		fputs("each workload's own (10 s for those that run forever)", f);
	fprintf(f, "</td></tr>\n<tr><td>seed</td><td>%llu</td></tr>\n",
		(unsigned long long)p->seed);
	fputs("<tr><td>eagov version</td><td>", f);
	eg_html_esc(f, p->version);
	fprintf(f,
		"</td></tr>\n<tr><td>simulation</td><td>%d runs, %.1f simulated s, %.0f events "
		"in %.2f s wall on %d threads: %.0fx real time, %.2g events/s</td></tr>\n",
		p->nr_runs, p->sim_s, p->events, p->wall_s, p->jobs,
		p->wall_s > 0 ? p->sim_s / p->wall_s : 0,
		p->wall_s > 0 ? p->events / p->wall_s : 0);
	fprintf(f,
		"<tr><td>timeline samples</td><td>every %g ms (coarser for long runs, up to "
		"%g ms), drawn as at most %d points per series</td></tr>\n</table>\n",
		p->sample_ms, p->max_sample_ms, TL_W);
	fputs("<div class=\"howto\"><p><b>How to read this.</b> Each device &times; workload has "
	      "a table, two bar charts and one timeline panel per governor. "
	      "<b>Perf index</b> (LISA): per activation of a periodic task, slack / (period &minus; "
	      "run time), where slack is the time left before the next period when the work is "
	      "done; 1 = finished at once, 0 = finished just in time, &lt; 0 = late. The table "
	      "gives its mean and 5th percentile (the bad tail); <b>miss %</b> is the share of "
	      "activations that overran their period. <b>Efficiency</b> (rt-app's governor "
	      "efficiency): 100 % = the activations took as long as under performance, 0 % = as "
	      "long as under powersave. Two references bracket the energy: the "
	      "<b>bound</b> is a lower bound no schedule beats (the least idle power of every "
	      "CPU for the whole run plus the run's work at the cheapest energy per unit of work "
	      "of any domain and OPP, see bench/bound.c), computed for the work each run did; "
	      "the <b>oracle</b> is the least energy the simulator reached with one fixed OPP "
	      "per domain, missing no more activations and doing no less work than "
	      "performance (a coordinate descent over the OPPs, see bench/oracle.c). "
	      "<b>x bound</b> and <b>x oracle</b> are a governor's energy over each. "
	      "Latencies are wakeup-to-run in &micro;s (the idle exit plus the time queued "
	      "behind other tasks); <b>resp</b> is the response time per activation of a "
	      "periodic task, from its release to the end of its work. <b>perf</b> is LISA's "
	      "perf index: the slack (end of work to end of period) over period minus run, "
	      "run being the activation's work at the calibration CPU's top OPP, so above 1 "
	      "on a faster CPU. "
	      "<b>hot s</b> is the time above the zone's first trip. A green cell is the best "
	      "value of its column; &ndash; means no sample.</p>"
	      "<p>Timelines: frequency of each domain (step line; the thermal cap dashed in the "
	      "same colour when one is set), the highest utilization among the domain's CPUs "
	      "(0&ndash;1024), and each zone's temperature with its trip points dashed. Each pixel "
	      "column shows the highest frequency and utilization and the last temperature of "
	      "the samples it covers.</p></div>\n",
	      f);
}

/* Columns of the table: which way is better (-1 lower, +1 higher, 0 none). */
struct col {
	const char *head;
	size_t off;
	int prec;
	int better;
};

#define COL(h, field, prec, better)                                   \
	{                                                             \
		h, offsetof(struct eg_bench_row, field), prec, better \
	}

static const struct col cols[] = {
	COL("energy J", energy, 3, -1),
	COL("x bound", x_bound, 2, -1),
	COL("x oracle", x_oracle, 2, -1),
	COL("work %", work_pct, 1, 1),
	COL("avg W", power, 3, -1),
	COL("perf", pi_mean, 3, 1),
	COL("perf p5", pi_p5, 3, 1),
	COL("miss %", missed_pct, 1, -1),
	COL("rt p50 &micro;s", rt50, 0, -1),
	COL("rt p99 &micro;s", rt99, 0, -1),
	COL("cfs p50 &micro;s", cfs50, 0, -1),
	COL("cfs p99 &micro;s", cfs99, 0, -1),
	COL("rt resp p50 &micro;s", resp_rt50, 0, -1),
	COL("rt resp p99 &micro;s", resp_rt99, 0, -1),
	COL("cfs resp p50 &micro;s", resp_cfs50, 0, -1),
	COL("cfs resp p99 &micro;s", resp_cfs99, 0, -1),
	COL("eff %", eff, 1, 1),
	/* Fewer transitions: less switching overhead and latency. */
	COL("trans/s", trans, 1, -1),
	COL("peak &deg;C", peak, 1, -1),
	COL("hot s", above, 2, -1),
};

static double col_val(const struct eg_bench_row *r, const struct col *c)
{
	return *(const double *)((const char *)r + c->off);
}

/* A reference's row: energy, its ratios to both references, power. */
static void ref_row(FILE *f, const char *name, double energy, double power,
		    const struct eg_html_case *c)
{
	fprintf(f, "<tr class=\"ref\"><td>%s</td>", name);
	for (size_t k = 0; k < ARRAY_SIZE(cols); k++) {
		double v = NAN;

		if (cols[k].off == offsetof(struct eg_bench_row, energy))
			v = energy;
		else if (cols[k].off == offsetof(struct eg_bench_row, x_bound))
			v = c->bound_j > 0 ? energy / c->bound_j : NAN;
		else if (cols[k].off == offsetof(struct eg_bench_row, x_oracle))
			v = c->oracle_j > 0 ? energy / c->oracle_j : NAN;
		else if (cols[k].off == offsetof(struct eg_bench_row, power))
			v = power;
		fputs("<td>", f);
		eg_html_num(f, v, cols[k].prec);
		fputs("</td>", f);
	}
	fputs("</tr>\n", f);
}

static void write_table(FILE *f, const struct eg_html_case *c)
{
	double best[ARRAY_SIZE(cols)];
	bool mark[ARRAY_SIZE(cols)];

	for (size_t k = 0; k < ARRAY_SIZE(cols); k++) {
		double lo = INFINITY, hi = -INFINITY;

		/* Compare as printed: two governors equal to the shown digits
		 * are both best. */
		for (int i = 0; i < c->nr_runs; i++) {
			double v = col_val(&c->runs[i].row, &cols[k]), sc = pow(10, cols[k].prec);

			if (c->runs[i].error || isnan(v))
				continue;
			v = round(v * sc) / sc;
			lo = fmin(lo, v);
			hi = fmax(hi, v);
		}
		best[k] = cols[k].better < 0 ? lo : hi;
		/* All equal is no best: highlighting every row says nothing. */
		mark[k] = cols[k].better && isfinite(lo) && hi > lo;
	}
	fputs("<table>\n<tr><th>governor</th>", f);
	for (size_t k = 0; k < ARRAY_SIZE(cols); k++)
		fprintf(f, "<th>%s</th>", cols[k].head);
	fputs("</tr>\n", f);
	for (int i = 0; i < c->nr_runs; i++) {
		const struct eg_html_run *r = &c->runs[i];

		fputs("<tr><td>", f);
		eg_html_esc(f, r->governor);
		fputs("</td>", f);
		if (r->error) {
			fprintf(f, "<td class=\"err\" colspan=\"%zu\">error: ", ARRAY_SIZE(cols));
			eg_html_esc(f, r->error);
			fputs("</td></tr>\n", f);
			continue;
		}
		for (size_t k = 0; k < ARRAY_SIZE(cols); k++) {
			double v = col_val(&r->row, &cols[k]), sc = pow(10, cols[k].prec);

			fputs(mark[k] && !isnan(v) && round(v * sc) / sc == best[k] ?
				      "<td class=\"best\">" :
				      "<td>",
			      f);
			eg_html_num(f, v, cols[k].prec);
			fputs("</td>", f);
		}
		fputs("</tr>\n", f);
	}
	ref_row(f, "bound", c->bound_j, c->bound_w, c);
	ref_row(f, "oracle", c->oracle_j, c->oracle_w, c);
	fputs("</table>\n", f);
}

static void write_case(FILE *f, const struct eg_html_case *c, int idx)
{
	bool any = false;

	fprintf(f, "<h2 id=\"c%d\">", idx);
	eg_html_esc(f, c->model->name);
	fputs(" / ", f);
	eg_html_esc(f, c->workload);
	fputs("</h2>\n", f);
	write_table(f, c);
	fputs("<div class=\"charts\">\n", f);
	eg_html_energy_chart(f, c);
	eg_html_perf_chart(f, c);
	fputs("</div>\n", f);
	for (int i = 0; i < c->nr_runs; i++)
		any = any || (!c->runs[i].error && c->runs[i].res && c->runs[i].res->nr_samples);
	if (!any)
		return;
	eg_html_timelines(f, c);
}

int eg_html_report(FILE *out, const struct eg_html_params *p, const struct eg_html_case *cases,
		   int nr_cases)
{
	write_header(out, p);
	fputs("<nav><ul>\n", out);
	for (int i = 0; i < nr_cases; i++) {
		fprintf(out, "<li><a href=\"#c%d\">", i);
		eg_html_esc(out, cases[i].model->name);
		fputs(" / ", out);
		eg_html_esc(out, cases[i].workload);
		fputs("</a></li>\n", out);
	}
	fputs("</ul></nav>\n", out);
	for (int i = 0; i < nr_cases; i++)
		write_case(out, &cases[i], i);
	fputs("</body>\n</html>\n", out);
	return ferror(out) ? -EIO : 0;
}

int eg_html_report_file(const char *path, const struct eg_html_params *p,
			const struct eg_html_case *cases, int nr_cases)
{
	FILE *f = fopen(path, "w");
	int r;

	if (!f)
		return -errno;
	r = eg_html_report(f, p, cases, nr_cases);
	if (fclose(f) != 0 && !r)
		r = -errno;
	return r;
}
