// SPDX-License-Identifier: GPL-2.0-or-later
/* The HTML report: one chart per expected place, escaped names, the figures
 * passed in, best-value highlighting, and timelines reduced to pixels. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "report_html.h"
#include "util.h"

static struct eg_model model;

/* Two domains and one zone with two trips, as much of a model as the
 * report reads. */
static void make_model(void)
{
	memset(&model, 0, sizeof(model));
	snprintf(model.name, sizeof(model.name), "TestSoC");
	model.nr_pds = 2;
	snprintf(model.pds[0].name, EG_NAME_MAX, "little");
	model.pds[0].nr_cpus = 4;
	model.pds[0].nr_opps = 2;
	model.pds[0].opps[0].khz = 500000;
	model.pds[0].opps[1].khz = 1000000;
	snprintf(model.pds[1].name, EG_NAME_MAX, "big");
	model.pds[1].nr_cpus = 2;
	model.pds[1].nr_opps = 2;
	model.pds[1].opps[0].khz = 1000000;
	model.pds[1].opps[1].khz = 2000000;
	model.nr_zones = 1;
	snprintf(model.zones[0].name, EG_NAME_MAX, "soc");
	model.zones[0].nr_trips = 2;
	model.zones[0].trips[0] = (struct eg_trip){ .temp_mc = 45000, .type = EG_TRIP_PASSIVE };
	model.zones[0].trips[1] = (struct eg_trip){ .temp_mc = 100000, .type = EG_TRIP_CRITICAL };
}

/* n samples over 1 s; alternate = every other sample at the low OPP and
 * util 0, the rest at the top OPP and util 1024. */
static void make_result(struct eg_sim_result *r, int n, bool alternate)
{
	memset(r, 0, sizeof(*r));
	r->sim_ns = NSEC_PER_SEC;
	r->nr_samples = n;
	r->samples = calloc((size_t)n, sizeof(*r->samples));
	assert_non_null(r->samples);
	for (int k = 0; k < n; k++) {
		struct eg_sim_sample *s = &r->samples[k];
		bool hi = alternate ? k % 2 : k >= n / 2;

		s->t = (uint64_t)k * NSEC_PER_SEC / (uint64_t)n;
		for (int d = 0; d < 2; d++) {
			s->khz[d] = model.pds[d].opps[hi].khz;
			s->util[d] = hi ? 1024 : 0;
		}
		s->temp_mc[0] = 30000 + k * 10;
	}
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static int count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* Writes the report for one case to a temp file and returns its text. */
static char *render(const struct eg_html_run *runs, int nr_runs, double bound_j, double oracle_j)
{
	static const char *const devs[] = { "TestSoC" }, *const wls[] = { "a<b&c.json" };
	static const char *const govs[] = { "performance", "powersave" };
	struct eg_html_case c = {
		.model = &model,
		.workload = "a<b&c.json",
		.bound_j = bound_j,
		.bound_w = bound_j,
		.oracle_j = oracle_j,
		.oracle_w = oracle_j,
		.nr_runs = nr_runs,
		.runs = runs,
	};
	struct eg_html_params p = {
		.devices = devs,
		.nr_devices = 1,
		.workloads = wls,
		.nr_workloads = 1,
		.governors = govs,
		.nr_governors = 2,
		.duration_s = 1,
		.seed = 7,
		.version = "test",
		.sample_ms = 10,
		.nr_runs = nr_runs,
		.jobs = 1,
		.sim_s = 2,
		.wall_s = 0.5,
		.events = 1000,
	};
	char path[] = "/tmp/test_report_html.XXXXXX";
	int fd = mkstemp(path);
	char *text;

	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(eg_html_report_file(path, &p, &c, 1), 0);
	text = slurp(path);
	unlink(path);
	return text;
}

static struct eg_bench_row row(double energy, double x_bound, double x_oracle, double pi_mean,
			       double pi_p5)
{
	return (struct eg_bench_row){ .energy = energy,
				      .x_bound = x_bound,
				      .x_oracle = x_oracle,
				      .power = energy,
				      .pi_mean = pi_mean,
				      .pi_p5 = pi_p5,
				      .missed_pct = 0,
				      .rt50 = NAN,
				      .rt99 = NAN,
				      .cfs50 = NAN,
				      .cfs99 = NAN,
				      .eff = NAN,
				      .trans = 1,
				      .peak = 40,
				      .above = 0 };
}

static void test_two_governors(void **state)
{
	struct eg_sim_result res[2];
	struct eg_html_run runs[2];
	char *t;

	(void)state;
	make_model();
	make_result(&res[0], 100, false);
	make_result(&res[1], 100, false);
	/* bound 0.25 J, oracle 0.5 J: x bound = 2.5 / 0.25 = 10 and 0.125 /
	 * 0.25 = 0.5, x oracle 5 and 0.25. */
	runs[0] = (struct eg_html_run){ .governor = "performance",
					.res = &res[0],
					.row = row(2.5, 10, 5, 0.75, 0.5) };
	runs[1] = (struct eg_html_run){ .governor = "powersave",
					.res = &res[1],
					.row = row(0.125, 0.5, 0.25, -0.5, -1.25) };
	t = render(runs, 2, 0.25, 0.5);

	assert_true(strncmp(t, "<!DOCTYPE html>", 15) == 0);
	assert_non_null(strstr(t, "</html>\n"));
	/* Self-contained: no script, nothing fetched. */
	assert_null(strstr(t, "<script"));
	assert_null(strstr(t, "src="));
	assert_null(strstr(t, "href=\"http"));
	/* Energy and perf bar charts, plus one timeline panel per governor
	 * with samples: 2 + 2. */
	assert_int_equal(count(t, "<svg"), 4);
	assert_int_equal(count(t, "</svg>"), 4);
	/* The workload name escaped everywhere (header, nav, title). */
	assert_null(strstr(t, "a<b&c"));
	assert_int_equal(count(t, "a&lt;b&amp;c.json"), 3);
	assert_non_null(strstr(t, "<td>performance</td>"));
	assert_non_null(strstr(t, "<td>powersave</td>"));
	/* Energy: powersave's 0.125 is the lower, best; its x bound 0.50 and
	 * x oracle 0.25 too. */
	assert_non_null(strstr(t, "<td class=\"best\">0.125</td><td class=\"best\">0.50</td>"
				  "<td class=\"best\">0.25</td>"));
	assert_non_null(strstr(t, "<td>2.500</td><td>10.00</td><td>5.00</td>"));
	/* Perf index: performance's 0.750 and p5 0.500 are the higher. */
	assert_non_null(strstr(t, "<td class=\"best\">0.750</td><td class=\"best\">0.500</td>"));
	assert_non_null(strstr(t, "<td>-0.500</td><td>-1.250</td>"));
	/* Columns equal for both (peak 40.0) are not highlighted. */
	assert_null(strstr(t, "<td class=\"best\">40.0</td>"));
	assert_non_null(strstr(t, "<td>40.0</td>"));
	/* The references: their lines in the energy chart and their table
	 * rows, each with its ratio to both. */
	assert_non_null(strstr(t, "bound 0.250 J"));
	assert_non_null(strstr(t, "oracle 0.500 J"));
	assert_non_null(strstr(t, "<tr class=\"ref\"><td>bound</td><td>0.250</td>"
				  "<td>1.00</td><td>0.50</td>"));
	assert_non_null(strstr(t, "<tr class=\"ref\"><td>oracle</td><td>0.500</td>"
				  "<td>2.00</td><td>1.00</td>"));
	/* The zone's passive trip at 45 C is in the temperature range (30 to
	 * 31 C sampled, range stretched to the first trip); the critical one
	 * at 100 C is not drawn. One per panel. */
	assert_int_equal(count(t, "passive 45&deg;C"), 2);
	assert_null(strstr(t, "critical 100"));
	free(t);
	eg_sim_result_free(&res[0]);
	eg_sim_result_free(&res[1]);
}

static void test_failed_run(void **state)
{
	struct eg_sim_result res;
	struct eg_html_run runs[2];
	char *t;

	(void)state;
	make_model();
	make_result(&res, 10, false);
	runs[0] = (struct eg_html_run){ .governor = "performance",
					.res = &res,
					.row = row(1, NAN, NAN, NAN, NAN) };
	runs[1] = (struct eg_html_run){ .governor = "powersave", .error = "x<y & z" };
	t = render(runs, 2, NAN, NAN);
	/* Two bar charts and one panel: the failed run has none. */
	assert_int_equal(count(t, "<svg"), 3);
	assert_non_null(strstr(t, "error: x&lt;y &amp; z"));
	/* No activation: the perf chart says so rather than drawing zeros. */
	assert_non_null(strstr(t, "no periodic task: no perf index"));
	/* No reference: no line, and a dash in their rows. */
	assert_null(strstr(t, "bound 0"));
	assert_null(strstr(t, "oracle 0"));
	assert_non_null(strstr(t, "<td>bound</td><td>&ndash;</td>"));
	assert_non_null(strstr(t, "<td>oracle</td><td>&ndash;</td>"));
	free(t);
	eg_sim_result_free(&res);
}

/* 20000 samples alternating between the OPPs and util 0 / 1024 on two
 * domains. Unreduced, the util polylines alone would be 2 x 20000 points of
 * ~8 characters (320 kB); reduced to one max per pixel column (400) every
 * column holds both values, so each series is flat and the whole page stays
 * near its fixed part (~10 kB). */
static void test_downsampled(void **state)
{
	struct eg_sim_result res;
	struct eg_html_run run;
	char *t;

	(void)state;
	make_model();
	make_result(&res, 20000, true);
	run = (struct eg_html_run){ .governor = "performance",
				    .res = &res,
				    .row = row(1, NAN, NAN, NAN, NAN) };
	t = render(&run, 1, NAN, NAN);
	assert_int_equal(count(t, "<svg"), 3);
	assert_true(strlen(t) < 40000);
	free(t);
	eg_sim_result_free(&res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_governors),
		cmocka_unit_test(test_failed_run),
		cmocka_unit_test(test_downsampled),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
