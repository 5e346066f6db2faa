/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The HTML report's parts, private to bench/: the page and its tables
 * (report_html.c) and the SVG charts (report_svg.c) share the escaping,
 * the number format and the timeline width declared here. */
#pragma once

#include <stdio.h>

#include "report_html.h"

/* Timeline plot width (px). One bucket per pixel column of the plot: more
 * points than pixels would only grow the file. The page states it too. */
#define TL_W 360

/* s as HTML text or attribute value (NULL writes nothing). */
void eg_html_esc(FILE *f, const char *s);
/* v with prec decimals, a dash for NAN. */
void eg_html_num(FILE *f, double v, int prec);

/* A case's energy bar chart, one bar per governor with the references. */
void eg_html_energy_chart(FILE *f, const struct eg_html_case *c);
/* A case's perf-index bar chart, mean and p5 per governor. */
void eg_html_perf_chart(FILE *f, const struct eg_html_case *c);
/* A case's timelines: legend, then one panel per governor with samples. */
void eg_html_timelines(FILE *f, const struct eg_html_case *c);
