// SPDX-License-Identifier: GPL-2.0-or-later
/* eagov-bench's governor columns with tunables ("NAME:tunable=value,...",
 * "thermal.NAME=value" for the zones' policies): what is accepted, what is
 * refused before any run, that each column's engine gets its values, and
 * that an ablation column really runs differently. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bench.h"
#include "policy.h"

static struct bench *new_bench(void)
{
	struct bench *b = calloc(1, sizeof(*b));

	assert_non_null(b);
	b->jobs = 2;
	b->no_oracle = true;
	return b;
}

static void test_accepted_and_refused(void **unused)
{
	struct bench *b = new_bench();
	static const char *const bad[] = {
		"eagov:bogus=1",	 /* no such tunable */
		"eagov:rt_fill_pct=0",	 /* out of range (5..100) */
		"eagov:rt_fit",		 /* not tunable=value */
		"eagov:thermal.bogus=1", /* no thermal policy has it */
		"nosuch:rt_fit=no",	 /* no such governor */
		"schedutil:rt_fit=no",	 /* eagov's, not schedutil's */
	};

	(void)unused;
	assert_int_equal(bench_add_governor(b, "eagov:rt_fit=no"), 0);
	assert_int_equal(bench_add_governor(b, "eagov:thermal.efficient_split=yes,idle_drop=no"),
			 0);
	assert_int_equal(bench_add_governor(b, "schedutil:headroom_pct=110"), 0);
	assert_int_equal(b->nr_gov, 3);
	/* The column keeps its spelling. */
	assert_string_equal(b->gov[0], "eagov:rt_fit=no");
	assert_string_equal(b->gov[1], "eagov:thermal.efficient_split=yes,idle_drop=no");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (bench_add_governor(b, bad[i]) != -EINVAL)
			fail_msg("'%s' was accepted", bad[i]);
	assert_int_equal(b->nr_gov, 3);
	bench_free(b);
	free(b);
}

/* The formatted value of tunable name in tun of a policy's table. */
static void expect_tunable(const struct eg_tunable *table, const void *tun, const char *name,
			   const char *want)
{
	char buf[64];

	assert_non_null(tun);
	eg_tunables_format(eg_tunables_find(table, name), tun, buf, sizeof(buf));
	assert_string_equal(buf, want);
}

static void test_config_gets_values(void **unused)
{
	struct bench *b = new_bench();
	struct eg_engine_config ecfg;
	struct eg_error err = { 0 };
	const struct eg_freq_policy_ops *ea = eg_freq_policy_find("eagov");

	(void)unused;
	assert_non_null(ea);
	assert_int_equal(bench_add_device(b, "hikey960"), 0);
	assert_int_equal(bench_gov_config(&b->dev[0], "eagov:rt_fit=no,thermal.efficient_split=yes",
					  &ecfg, &err),
			 0);
	for (int pd = 0; pd < b->dev[0].model.nr_pds; pd++) {
		assert_ptr_equal(ecfg.freq[pd], ea);
		expect_tunable(ea->tunables, ecfg.freq_tun[pd], "rt_fit", "no");
		expect_tunable(ea->tunables, ecfg.freq_tun[pd], "idle_drop", "yes");
	}
	assert_non_null(ecfg.thermal[0]);
	expect_tunable(ecfg.thermal[0]->tunables, ecfg.thermal_tun[0], "efficient_split", "yes");
	eg_engine_config_free(&ecfg);

	/* The plain name: every default, and the thermal tunables eagov comes
	 * with, which a column can turn off; a kernel governor keeps the
	 * thermal policy's defaults. */
	assert_int_equal(bench_gov_config(&b->dev[0], "eagov", &ecfg, &err), 0);
	expect_tunable(ea->tunables, ecfg.freq_tun[0], "rt_fit", "yes");
	expect_tunable(ecfg.thermal[0]->tunables, ecfg.thermal_tun[0], "efficient_split", "no");
	expect_tunable(ecfg.thermal[0]->tunables, ecfg.thermal_tun[0], "deadline_first", "yes");
	eg_engine_config_free(&ecfg);
	assert_int_equal(
		bench_gov_config(&b->dev[0], "eagov:thermal.deadline_first=no", &ecfg, &err), 0);
	expect_tunable(ecfg.thermal[0]->tunables, ecfg.thermal_tun[0], "deadline_first", "no");
	eg_engine_config_free(&ecfg);
	assert_int_equal(bench_gov_config(&b->dev[0], "schedutil", &ecfg, &err), 0);
	expect_tunable(ecfg.thermal[0]->tunables, ecfg.thermal_tun[0], "deadline_first", "no");
	eg_engine_config_free(&ecfg);
	bench_free(b);
	free(b);
}

/* HiKey960 audio-playback: its RT mixer served by its history spends less
 * than the same mixer at the top OPP; the two columns are two runs. */
static void test_ablation_runs_differently(void **unused)
{
	struct bench *b = new_bench();
	const char *root = getenv("EAGOV_SOURCE_ROOT");
	char path[4096];
	int failed = 0;
	double e_on = -1, e_off = -1;

	(void)unused;
	assert_non_null(root);
	snprintf(path, sizeof(path), "%s/bench/workloads/audio-playback.json", root);
	assert_int_equal(bench_add_device(b, "hikey960"), 0);
	assert_int_equal(bench_add_workloads(b, path), 0);
	assert_int_equal(bench_add_governor(b, "eagov"), 0);
	assert_int_equal(bench_add_governor(b, "eagov:rt_fit=no"), 0);
	b->duration_ns = 2000000000ULL;
	assert_int_equal(bench_run(b, &failed), 0);
	assert_int_equal(failed, 0);
	for (int i = 0; i < b->nr_job; i++) {
		const struct bench_job *j = &b->job[i];

		if (!strcmp(b->gov[j->gov], "eagov"))
			e_on = j->res.energy_j;
		else if (!strcmp(b->gov[j->gov], "eagov:rt_fit=no"))
			e_off = j->res.energy_j;
	}
	assert_true(e_on > 0 && e_off > 0);
	if (!(e_on < e_off))
		fail_msg("rt_fit on %.4f J, off %.4f J", e_on, e_off);
	bench_free(b);
	free(b);
}

/* MT8173 under the thermal cap with the heavy RT DSP of thermal-rt.json
 * beside eight burners: the efficient split alone starves the little
 * cluster the DSP runs on and most of its 5 ms buffers come late; eagov's
 * deadline_first keeps the OPP they need (missing at most a handful at the
 * start, before the DSP has a history), and the zone peaks within 1 C of
 * its 85 C control trip. */
static void test_deadline_first_keeps_deadlines(void **unused)
{
	static const char *const govs[] = { "eagov", "eagov:thermal.deadline_first=no,"
						     "thermal.efficient_split=yes" };
	struct bench *b = new_bench();
	const char *root = getenv("EAGOV_SOURCE_ROOT");
	char path[4096];
	int failed = 0;
	double missed[2] = { -1, -1 };

	(void)unused;
	assert_non_null(root);
	snprintf(path, sizeof(path), "%s/bench/workloads/extra/thermal-rt.json", root);
	assert_int_equal(bench_add_device(b, "mt8173"), 0);
	assert_int_equal(bench_add_workloads(b, path), 0);
	for (int g = 0; g < 2; g++)
		assert_int_equal(bench_add_governor(b, govs[g]), 0);
	assert_int_equal(bench_run(b, &failed), 0);
	assert_int_equal(failed, 0);
	for (int i = 0; i < b->nr_job; i++) {
		const struct bench_job *j = &b->job[i];

		for (int g = 0; g < 2; g++) {
			if (strcmp(b->gov[j->gov], govs[g]))
				continue;
			assert_true(j->res.activations > 10000);
			missed[g] = 100.0 * (double)j->res.missed / (double)j->res.activations;
			if (g == 0)
				assert_in_range(j->res.peak_temp_mc[0], 84000, 86000);
		}
	}
	if (!(missed[0] >= 0 && missed[0] < 0.1 && missed[1] > 10))
		fail_msg("missed %%: deadline_first %.3f, efficient split alone %.3f", missed[0],
			 missed[1]);
	bench_free(b);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accepted_and_refused),
		cmocka_unit_test(test_config_gets_values),
		cmocka_unit_test(test_ablation_runs_differently),
		cmocka_unit_test(test_deadline_first_keeps_deadlines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
