// SPDX-License-Identifier: GPL-2.0-or-later
/* eagov-bench's HTML report, its charts: energy and perf-index bar charts and
 * per-governor timelines, drawn here as inline SVG so the page needs nothing
 * but a browser. */
#include <math.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "report_internal.h"
#include "util.h"

/* One colour per domain, the same in every chart of the page; zones get
 * their own set so a temperature is never mistaken for a domain. */
static const char *const pd_colour[] = { "#1f6fb4", "#e4572e", "#2a9d5c", "#8e5cc4",
					 "#c79a00", "#17a2b8", "#d63384", "#6c757d" };
static const char *const zone_colour[] = { "#444444", "#a0522d", "#6b8e23", "#b8860b" };

#define PD_COLOUR(i) pd_colour[(size_t)(i) % ARRAY_SIZE(pd_colour)]
#define ZONE_COLOUR(i) zone_colour[(size_t)(i) % ARRAY_SIZE(zone_colour)]

/* Timeline panel geometry (px), beside TL_W in report_internal.h. */
#define TL_ML 46
#define TL_MR 12
#define TL_TOP 24
#define TL_H 64
#define TL_GAP 24
#define TL_BOTTOM 34
#define TL_PLOTS 3

/* Bar chart geometry (px). */
#define BC_LABEL 118
#define BC_BAR 300
#define BC_RIGHT 70
#define BC_TOP 30
#define BC_ROW 20
#define BC_BOTTOM 40

/* A tick step of 1, 2 or 5 x 10^k giving about n ticks over range. */
static double nice_step(double range, int n)
{
	double raw = range / n, mag, r;

	if (!(raw > 0))
		return 1;
	mag = pow(10, floor(log10(raw)));
	r = raw / mag;
	return (r <= 1 ? 1 : r <= 2 ? 2 : r <= 5 ? 5 : 10) * mag;
}

/* Decimals that show a tick step exactly enough. */
static int step_prec(double step)
{
	return step >= 1 ? 0 : (int)ceil(-log10(step));
}

/* Horizontal axis of a bar chart from lo to hi, with its label. */
static void bar_axis(FILE *f, double lo, double hi, int y, const char *label)
{
	double step = nice_step(hi - lo, 5);
	int prec = step_prec(step);

	for (double v = ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-6; v += step) {
		double x = BC_LABEL + (v - lo) / (hi - lo) * BC_BAR;

		fprintf(f,
			"<line class=\"grid\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>"
			"<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%.*f</text>\n",
			x, BC_TOP - 4, x, y, x, y + 13, prec, fabs(v) < step * 1e-6 ? 0.0 : v);
	}
	fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
		BC_LABEL + BC_BAR / 2, y + 30, label);
}

static int nr_ok(const struct eg_html_case *c)
{
	int n = 0;

	for (int i = 0; i < c->nr_runs; i++)
		n += !c->runs[i].error;
	return n;
}

static void svg_open(FILE *f, int w, int h, const char *title)
{
	fprintf(f,
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		"viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"",
		w, h, w, h);
	eg_html_esc(f, title);
	fputs("\">\n", f);
}

/* A reference's dashed line across the energy chart, in its colour, and its
 * legend at legend_x in the title's row: labels at the lines would overlap
 * each other and the title when the references are close or small. */
static void ref_line(FILE *f, const char *name, double energy, double hi, int n, const char *colour,
		     int legend_x)
{
	double x;

	if (isnan(energy))
		return;
	x = BC_LABEL + energy / hi * BC_BAR;
	fprintf(f,
		"<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" "
		"stroke-width=\"2\" stroke-dasharray=\"5,3\"/>"
		"<text x=\"%d\" y=\"16\" fill=\"%s\" style=\"fill:%s\">- - %s %.3f J</text>\n",
		x, BC_TOP - 6, x, BC_TOP + n * BC_ROW + 4, colour, legend_x, colour, colour, name,
		energy);
}

void eg_html_energy_chart(FILE *f, const struct eg_html_case *c)
{
	int n = nr_ok(c), h = BC_TOP + EG_MAX(n, 1) * BC_ROW + BC_BOTTOM, row = 0;
	double hi = fmax(isnan(c->bound_j) ? 0 : c->bound_j, isnan(c->oracle_j) ? 0 : c->oracle_j);

	for (int i = 0; i < c->nr_runs; i++)
		if (!c->runs[i].error && !isnan(c->runs[i].row.energy))
			hi = fmax(hi, c->runs[i].row.energy);
	if (!(hi > 0))
		hi = 1;
	hi = ceil(hi / nice_step(hi, 5)) * nice_step(hi, 5);
	svg_open(f, BC_LABEL + BC_BAR + BC_RIGHT, h, "energy per governor");
	fputs("<text class=\"t\" x=\"4\" y=\"16\">Energy per governor</text>\n", f);
	bar_axis(f, 0, hi, BC_TOP + n * BC_ROW + 4, "energy (J)");
	for (int i = 0; i < c->nr_runs; i++) {
		const struct eg_html_run *r = &c->runs[i];
		int y = BC_TOP + row * BC_ROW;
		double w;

		if (r->error)
			continue;
		row++;
		w = isnan(r->row.energy) ? 0 : r->row.energy / hi * BC_BAR;
		fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", BC_LABEL - 6, y + 14);
		eg_html_esc(f, r->governor);
		fprintf(f,
			"</text><rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
			"fill=\"#5b8cc0\"/><text x=\"%.1f\" y=\"%d\">",
			BC_LABEL, y + 3, w, BC_ROW - 6, BC_LABEL + w + 4, y + 14);
		eg_html_num(f, r->row.energy, 3);
		fputs("</text>\n", f);
	}
	ref_line(f, "bound", c->bound_j, hi, n, "#b00020", 190);
	ref_line(f, "oracle", c->oracle_j, hi, n, "#1b7a3a", 330);
	fputs("</svg>\n", f);
}

void eg_html_perf_chart(FILE *f, const struct eg_html_case *c)
{
	int n = nr_ok(c), h, row = 0;
	double lo = 0, hi = 1, step;
	bool any = false;

	for (int i = 0; i < c->nr_runs; i++) {
		const struct eg_bench_row *r = &c->runs[i].row;

		if (c->runs[i].error || isnan(r->pi_mean))
			continue;
		any = true;
		lo = fmin(lo, fmin(r->pi_mean, isnan(r->pi_p5) ? 0 : r->pi_p5));
		hi = fmax(hi, r->pi_mean);
	}
	step = nice_step(hi - lo, 5);
	lo = floor(lo / step) * step;
	h = any ? BC_TOP + EG_MAX(n, 1) * BC_ROW + BC_BOTTOM : BC_TOP + 26;
	svg_open(f, BC_LABEL + BC_BAR + BC_RIGHT, h, "perf index per governor");
	fputs("<text class=\"t\" x=\"4\" y=\"16\">Perf index per governor</text>\n", f);
	if (!any) {
		fprintf(f,
			"<text x=\"%d\" y=\"%d\">no periodic task: no perf index</text>\n</svg>\n",
			BC_LABEL, BC_TOP + 14);
		return;
	}
	fputs("<text x=\"200\" y=\"16\">bar: mean, <tspan style=\"fill:#000\">&#9670;</tspan>: "
	      "5th percentile</text>\n",
	      f);
	bar_axis(f, lo, hi, BC_TOP + n * BC_ROW + 4, "perf index (1 = done at once, &lt;0 = late)");
	for (int i = 0; i < c->nr_runs; i++) {
		const struct eg_html_run *r = &c->runs[i];
		int y = BC_TOP + row * BC_ROW;
		double x0 = BC_LABEL + (0 - lo) / (hi - lo) * BC_BAR, x1;

		if (r->error)
			continue;
		row++;
		fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", BC_LABEL - 6, y + 14);
		eg_html_esc(f, r->governor);
		fputs("</text>", f);
		if (isnan(r->row.pi_mean)) {
			fputs("\n", f);
			continue;
		}
		x1 = BC_LABEL + (r->row.pi_mean - lo) / (hi - lo) * BC_BAR;
		fprintf(f, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>",
			fmin(x0, x1), y + 3, fabs(x1 - x0), BC_ROW - 6,
			r->row.pi_mean < 0 ? "#d9534f" : "#5fa37a");
		if (!isnan(r->row.pi_p5)) {
			double xp = BC_LABEL + (r->row.pi_p5 - lo) / (hi - lo) * BC_BAR;

			fprintf(f, "<path d=\"M%.1f %dl5 5l-5 5l-5 -5z\" fill=\"#000\"/>", xp,
				y + 5);
		}
		fprintf(f, "<text x=\"%d\" y=\"%d\">", BC_LABEL + BC_BAR + 6, y + 14);
		eg_html_num(f, r->row.pi_mean, 3);
		fputs("</text>\n", f);
	}
	{
		double x0 = BC_LABEL + (0 - lo) / (hi - lo) * BC_BAR;

		fprintf(f, "<line class=\"ax\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>\n", x0,
			BC_TOP - 2, x0, BC_TOP + n * BC_ROW + 4);
	}
	fputs("</svg>\n", f);
}

/* Bucket of sample time t: one per pixel column of the plot. */
static int bucket(uint64_t t, uint64_t span)
{
	int b = span ? (int)((double)t / (double)span * TL_W) : 0;

	return EG_CLAMP(b, 0, TL_W - 1);
}

/* A series reduced to one value per bucket; has[] false where no sample fell. */
struct series {
	double v[TL_W];
	bool has[TL_W];
};

enum reduce {
	R_MAX,
	R_MIN,
	R_LAST
};

static void reduce_in(struct series *s, int b, double v, enum reduce how)
{
	if (!s->has[b] || how == R_LAST || (how == R_MAX && v > s->v[b]) ||
	    (how == R_MIN && v < s->v[b]))
		s->v[b] = v;
	s->has[b] = true;
}

static int ypx(double v, double lo, double hi, int top)
{
	double r = hi > lo ? (v - lo) / (hi - lo) : 0;

	r = EG_CLAMP(r, 0.0, 1.0);
	return top + TL_H - (int)lround(r * TL_H);
}

/* Step line: horizontal runs joined by vertical moves, a point only where
 * the value changes; gaps (no value) lift the pen. */
static void step_path(FILE *f, const struct series *s, double lo, double hi, int top,
		      const char *colour, bool dashed)
{
	int prev = -1;
	bool pen = false, any = false;

	for (int b = 0; b < TL_W; b++)
		any = any || s->has[b];
	if (!any)
		return;
	fprintf(f, "<path fill=\"none\" stroke=\"%s\" stroke-width=\"%s\"%s d=\"", colour,
		dashed ? "1.5" : "1.3", dashed ? " stroke-dasharray=\"4,3\"" : "");
	for (int b = 0; b < TL_W; b++) {
		int y;

		if (!s->has[b]) {
			if (pen)
				fprintf(f, "H%d", TL_ML + b);
			pen = false;
			continue;
		}
		y = ypx(s->v[b], lo, hi, top);
		if (!pen)
			fprintf(f, "M%d %d", TL_ML + b, y);
		else if (y != prev)
			fprintf(f, "H%dV%d", TL_ML + b, y);
		pen = true;
		prev = y;
	}
	if (pen)
		fprintf(f, "H%d", TL_ML + TL_W);
	fputs("\"/>\n", f);
}

/* Polyline through bucket centres, keeping only the ends of flat runs. */
static void line_path(FILE *f, const struct series *s, double lo, double hi, int top,
		      const char *colour)
{
	int y[TL_W], idx[TL_W], n = 0;

	for (int b = 0; b < TL_W; b++)
		if (s->has[b]) {
			idx[n] = b;
			y[n++] = ypx(s->v[b], lo, hi, top);
		}
	if (!n)
		return;
	fprintf(f,
		"<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.2\" "
		"stroke-linejoin=\"round\" points=\"",
		colour);
	for (int i = 0; i < n; i++) {
		if (i > 0 && i + 1 < n && y[i] == y[i - 1] && y[i] == y[i + 1])
			continue;
		fprintf(f, "%s%d,%d", i ? " " : "", TL_ML + idx[i], y[i]);
	}
	fputs("\"/>\n", f);
}

/* Frame, horizontal grid and y tick labels of one plot of a panel. */
static void plot_frame(FILE *f, int top, double lo, double hi, double step, const char *label)
{
	int prec = step_prec(step);

	fprintf(f, "<text x=\"%d\" y=\"%d\">%s</text>\n", TL_ML, top - 5, label);
	for (double v = ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-6; v += step) {
		int y = ypx(v, lo, hi, top);

		fprintf(f,
			"<line class=\"grid\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
			"<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.*f</text>\n",
			TL_ML, y, TL_ML + TL_W, y, TL_ML - 4, y + 4, prec,
			fabs(v) < step * 1e-6 ? 0.0 : v);
	}
	fprintf(f, "<rect class=\"ax\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>\n", TL_ML,
		top, TL_W, TL_H);
}

/* The temperature range shared by a case's panels: the samples, and the
 * first trip so the margin to it shows even on a cool run. */
static void temp_range(const struct eg_html_case *c, double *lo, double *hi)
{
	const struct eg_model *m = c->model;
	double a = INFINITY, b = -INFINITY;

	for (int i = 0; i < c->nr_runs; i++) {
		const struct eg_sim_result *r = c->runs[i].res;

		if (c->runs[i].error || !r)
			continue;
		for (int k = 0; k < r->nr_samples; k++)
			for (int z = 0; z < m->nr_zones; z++) {
				a = fmin(a, r->samples[k].temp_mc[z] / 1000.0);
				b = fmax(b, r->samples[k].temp_mc[z] / 1000.0);
			}
	}
	for (int z = 0; z < m->nr_zones; z++)
		if (m->zones[z].nr_trips)
			b = fmax(b, m->zones[z].trips[0].temp_mc / 1000.0);
	if (!isfinite(a)) {
		a = 20;
		b = 80;
	}
	*lo = floor(a / 5) * 5;
	*hi = ceil((b + 1) / 5) * 5;
	if (*hi - *lo < 10)
		*hi = *lo + 10;
}

static void write_panel(FILE *f, const struct eg_html_case *c, const struct eg_html_run *r,
			double tlo, double thi)
{
	const struct eg_model *m = c->model;
	const struct eg_sim_result *res = r->res;
	int h = TL_TOP + TL_PLOTS * (TL_H + TL_GAP) - TL_GAP + TL_BOTTOM;
	uint64_t span = res->sim_ns ? res->sim_ns : res->samples[res->nr_samples - 1].t + 1;
	double fmax_mhz = 0, step;
	struct series *s = malloc(sizeof(*s));
	int top[TL_PLOTS];

	if (!s)
		return;
	for (int i = 0; i < TL_PLOTS; i++)
		top[i] = TL_TOP + 14 + i * (TL_H + TL_GAP);
	for (int d = 0; d < m->nr_pds; d++)
		fmax_mhz = fmax(fmax_mhz, eg_pd_max_khz(&m->pds[d]) / 1000.0);
	svg_open(f, TL_ML + TL_W + TL_MR, h + 14, r->governor);
	fputs("<text class=\"t\" x=\"4\" y=\"16\">", f);
	eg_html_esc(f, r->governor);
	fputs("</text>", f);
	fprintf(f, "<text x=\"%d\" y=\"16\" text-anchor=\"end\">", TL_ML + TL_W);
	eg_html_num(f, r->row.energy, 3);
	fputs(" J, perf ", f);
	eg_html_num(f, r->row.pi_mean, 3);
	fputs("</text>\n", f);

	step = nice_step(fmax_mhz, 3);
	plot_frame(f, top[0], 0, fmax_mhz, step, "frequency (MHz)");
	for (int d = 0; d < m->nr_pds; d++) {
		bool capped = false;

		memset(s, 0, sizeof(*s));
		for (int k = 0; k < res->nr_samples; k++)
			reduce_in(s, bucket(res->samples[k].t, span),
				  res->samples[k].khz[d] / 1000.0, R_MAX);
		step_path(f, s, 0, fmax_mhz, top[0], PD_COLOUR(d), false);
		/* The cap over the spans it is set, the most restrictive one
		 * of each column: that is the ceiling the governor saw. */
		memset(s, 0, sizeof(*s));
		for (int k = 0; k < res->nr_samples; k++) {
			uint32_t cap = res->samples[k].cap_khz[d];

			if (cap && cap < eg_pd_max_khz(&m->pds[d])) {
				reduce_in(s, bucket(res->samples[k].t, span), cap / 1000.0, R_MIN);
				capped = true;
			}
		}
		if (capped)
			step_path(f, s, 0, fmax_mhz, top[0], PD_COLOUR(d), true);
	}

	plot_frame(f, top[1], 0, 1024, 256,
		   "utilization (max over the domain's CPUs, 0&ndash;1024)");
	for (int d = 0; d < m->nr_pds; d++) {
		memset(s, 0, sizeof(*s));
		for (int k = 0; k < res->nr_samples; k++)
			reduce_in(s, bucket(res->samples[k].t, span), res->samples[k].util[d],
				  R_MAX);
		line_path(f, s, 0, 1024, top[1], PD_COLOUR(d));
	}

	plot_frame(f, top[2], tlo, thi, nice_step(thi - tlo, 3), "temperature (&deg;C)");
	for (int z = 0; z < m->nr_zones; z++) {
		const struct eg_zone *zn = &m->zones[z];

		for (int t = 0; t < zn->nr_trips; t++) {
			double tc = zn->trips[t].temp_mc / 1000.0;
			int y;

			if (tc < tlo || tc > thi)
				continue;
			y = ypx(tc, tlo, thi, top[2]);
			/* Trips are often a few degrees apart: labels alternate
			 * between the right and the middle so they do not overlap. */
			fprintf(f,
				"<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" "
				"stroke-dasharray=\"6,3\"/><text x=\"%d\" y=\"%d\" "
				"text-anchor=\"end\" style=\"fill:%s\">%s %g&deg;C</text>\n",
				TL_ML, y, TL_ML + TL_W, y, ZONE_COLOUR(z),
				t % 2 ? TL_ML + TL_W / 2 : TL_ML + TL_W - 3, y - 3, ZONE_COLOUR(z),
				eg_trip_type_name(zn->trips[t].type), tc);
		}
		memset(s, 0, sizeof(*s));
		for (int k = 0; k < res->nr_samples; k++)
			reduce_in(s, bucket(res->samples[k].t, span),
				  res->samples[k].temp_mc[z] / 1000.0, R_LAST);
		line_path(f, s, tlo, thi, top[2], ZONE_COLOUR(z));
	}

	/* Time axis under the last plot, grid through all three. */
	{
		double secs = (double)span / 1e9, ts = nice_step(secs, 6);
		int yb = top[TL_PLOTS - 1] + TL_H;

		for (double v = 0; v <= secs + ts * 1e-6; v += ts) {
			int x = TL_ML + (int)lround(v / secs * TL_W);

			for (int i = 0; i < TL_PLOTS; i++)
				fprintf(f,
					"<line class=\"grid\" x1=\"%d\" y1=\"%d\" x2=\"%d\" "
					"y2=\"%d\"/>",
					x, top[i], x, top[i] + TL_H);
			fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%.*f</text>\n",
				x, yb + 13, step_prec(ts), v);
		}
		fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">time (s)</text>\n",
			TL_ML + TL_W / 2, yb + 28);
	}
	fputs("</svg>\n", f);
	free(s);
}

static void write_legend(FILE *f, const struct eg_model *m)
{
	fputs("<div class=\"legend\">", f);
	for (int d = 0; d < m->nr_pds; d++) {
		fprintf(f, "<span class=\"it\"><span class=\"sw\" style=\"background:%s\"></span>",
			PD_COLOUR(d));
		eg_html_esc(f, m->pds[d].name);
		fprintf(f, " (%d CPU%s, up to %u MHz)</span>", m->pds[d].nr_cpus,
			m->pds[d].nr_cpus == 1 ? "" : "s", eg_pd_max_khz(&m->pds[d]) / 1000);
	}
	fputs("<span class=\"it\"><span class=\"dash\" style=\"border-color:#666\"></span>"
	      "thermal cap (in the domain's colour)</span>",
	      f);
	for (int z = 0; z < m->nr_zones; z++) {
		fprintf(f,
			"<span class=\"it\"><span class=\"sw\" style=\"background:%s\"></span>"
			"zone ",
			ZONE_COLOUR(z));
		eg_html_esc(f, m->zones[z].name);
		fputs(" (trips dashed)</span>", f);
	}
	fputs("</div>\n", f);
}

void eg_html_timelines(FILE *f, const struct eg_html_case *c)
{
	double tlo, thi;

	fputs("<h3>Timelines</h3>\n", f);
	write_legend(f, c->model);
	temp_range(c, &tlo, &thi);
	fputs("<div class=\"panels\">\n", f);
	for (int i = 0; i < c->nr_runs; i++) {
		const struct eg_html_run *r = &c->runs[i];

		if (!r->error && r->res && r->res->nr_samples)
			write_panel(f, c, r, tlo, thi);
	}
	fputs("</div>\n", f);
}
