// SPDX-License-Identifier: GPL-2.0-or-later
/* The engine's util limits as a CPU's busy fraction at its current
 * frequency (eg_util_busy_limit, eg_engine_cpu_busy_limits), by hand: what
 * the bpf source compares its busy averages with. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "engine.h"
#include "policy.h"
#include "util.h"

/* The conversion alone: limit x 1024 / cap x 1024 / freq_scale, down. */
static void test_conversion(void **unused)
{
	(void)unused;
	/* At the top OPP of a capacity-1024 CPU a busy fraction is util. */
	assert_int_equal(eg_util_busy_limit(29, 1024, 1024), 29);
	assert_int_equal(eg_util_busy_limit(232, 1024, 1024), 232);
	/* 533 of 1844 MHz is freq_scale 295: a fully busy CPU there has util
	 * 295, so 29 of util is 29 x 1024 / 295 = 100.7 of busy fraction and
	 * the floor 232 is 805.3: rounded down. */
	assert_int_equal(eg_util_busy_limit(29, 1024, 295), 100);
	assert_int_equal(eg_util_busy_limit(232, 1024, 295), 805);
	/* Capacity counts as frequency does: 13 on a capacity-462 CPU at its
	 * top is 28.8; at 295 as well, 104 is 800.2. */
	assert_int_equal(eg_util_busy_limit(13, 462, 1024), 28);
	assert_int_equal(eg_util_busy_limit(104, 462, 295), 800);
	/* Reachable only when fully busy: 512 at half speed is 1024 exactly;
	 * one more is out of reach (1025, never). */
	assert_int_equal(eg_util_busy_limit(512, 1024, 512), 1024);
	assert_int_equal(eg_util_busy_limit(513, 1024, 512), EG_BUSY_NEVER);
	/* A capacity-462 CPU at 295 reaches util 133 at most: 200 never. */
	assert_int_equal(eg_util_busy_limit(200, 462, 295), EG_BUSY_NEVER);
	/* 1024 says nothing matters, at any frequency; a floor of 0 stays 0. */
	assert_int_equal(eg_util_busy_limit(1024, 1024, 1024), EG_BUSY_NEVER);
	assert_int_equal(eg_util_busy_limit(1024, 462, 295), EG_BUSY_NEVER);
	assert_int_equal(eg_util_busy_limit(0, 462, 295), 0);
	/* Unknown capacity or frequency: the util itself, which a busy
	 * fraction reaches first (it moves at least as much as util). */
	assert_int_equal(eg_util_busy_limit(29, 0, 295), 29);
	assert_int_equal(eg_util_busy_limit(29, 1024, 0), 29);
	/* A boost past the top counts as the top, as the signals count it. */
	assert_int_equal(eg_util_busy_limit(29, 2048, 4096), 29);
}

/* The figures' fake VM tree: one domain of two capacity-1024 CPUs with the
 * HiKey960 little OPPs; with one_opp, a second domain (CPU 2) that has a
 * single 1000 MHz OPP. */
static void vm_model(struct eg_model *m, bool one_opp)
{
	static const uint32_t lf[] = { 533000, 999000, 1402000, 1709000, 1844000 };
	struct eg_error err;

	eg_model_init(m);
	snprintf(m->name, sizeof(m->name), "vm");
	m->nr_pds = one_opp ? 2 : 1;
	for (int d = 0; d < m->nr_pds; d++) {
		struct eg_pd *pd = &m->pds[d];

		snprintf(pd->name, sizeof(pd->name), d ? "one" : "policy0");
		eg_cpumask_parse(d ? "2" : "0-1", &pd->cpus);
		pd->capacity_dmips_mhz = 1024;
		pd->dyn_power_coeff = 100;
		pd->transition_latency_ns = 300000;
		pd->nr_opps = d ? 1 : 5;
		for (int i = 0; i < pd->nr_opps; i++) {
			pd->opps[i].khz = d ? 1000000 : lf[i];
			pd->opps[i].mv = 700 + 100 * (uint32_t)i;
		}
	}
	assert_int_equal(eg_model_finalize(m, &err), 0);
}

static void set_freq(struct eg_engine *e, int pd, uint32_t khz, uint64_t ts)
{
	struct eg_event ev = { .ts = ts, .type = EG_EV_FREQ, .cpu = -1 };
	struct eg_decisions out = { 0 };

	ev.freq.pd = (int16_t)pd;
	ev.freq.khz = khz;
	assert_int_equal(eg_engine_event(e, &ev, &out), 0);
}

static void assert_limits(const struct eg_engine *e, int cpu, uint32_t rise, uint32_t floor)
{
	uint32_t r, f;

	eg_engine_cpu_busy_limits(e, cpu, &r, &f);
	assert_int_equal(r, rise);
	assert_int_equal(f, floor);
}

/* The engine's limits follow the domain's frequency: schedutil on the VM
 * tree says 29 and 232 of util (README), which at 533 MHz are 100 and 805
 * of busy fraction. */
static void test_engine_follows_frequency(void **unused)
{
	struct eg_engine_config cfg;
	struct eg_engine *e;
	struct eg_model m;

	(void)unused;
	vm_model(&m, false);
	assert_int_equal(eg_engine_config_simple(&cfg, &m, "schedutil", NULL, NULL), 0);
	assert_int_equal(eg_engine_new(&e, &m, &cfg, 0), 0);
	assert_int_equal(eg_engine_util_threshold(e), 29);
	assert_int_equal(eg_engine_util_floor(e), 232);
	/* Until told, the engine takes the top frequency. */
	assert_limits(e, 0, 29, 232);
	assert_limits(e, 1, 29, 232);
	set_freq(e, 0, 533000, 1000);
	assert_limits(e, 0, 100, 805);
	assert_limits(e, 1, 100, 805);
	/* 999 MHz: freq_scale 554; 29 x 1024 / 554 = 53.6, 232 -> 428.8. */
	set_freq(e, 0, 999000, 2000);
	assert_limits(e, 1, 53, 428);
	set_freq(e, 0, 1844000, 3000);
	assert_limits(e, 0, 29, 232);
	/* Outside the model: never. */
	assert_limits(e, 2, EG_BUSY_NEVER, EG_BUSY_NEVER);
	assert_limits(e, -1, EG_BUSY_NEVER, EG_BUSY_NEVER);
	eg_engine_free(e);
	eg_engine_config_free(&cfg);

	/* A policy to which no change matters: never, at any frequency. */
	assert_int_equal(eg_engine_config_simple(&cfg, &m, "performance", NULL, NULL), 0);
	assert_int_equal(eg_engine_new(&e, &m, &cfg, 0), 0);
	assert_limits(e, 0, EG_BUSY_NEVER, EG_BUSY_NEVER);
	set_freq(e, 0, 533000, 1000);
	assert_limits(e, 0, EG_BUSY_NEVER, EG_BUSY_NEVER);
	eg_engine_free(e);
	eg_engine_config_free(&cfg);
}

/* A domain with a single OPP runs at its top: its CPUs' limits are the
 * engine's (set by the other domain) over their capacity only, 1000 of
 * 1844 MHz being capacity 555: 29 -> 53.5, 232 -> 428.1; reporting that
 * one frequency changes nothing. */
static void test_single_opp_domain(void **unused)
{
	struct eg_engine_config cfg;
	struct eg_engine *e;
	struct eg_model m;

	(void)unused;
	vm_model(&m, true);
	assert_int_equal(m.cpu_cap[2], 555);
	assert_int_equal(eg_engine_config_simple(&cfg, &m, "schedutil", NULL, NULL), 0);
	assert_int_equal(eg_engine_new(&e, &m, &cfg, 0), 0);
	assert_int_equal(eg_engine_util_threshold(e), 29);
	assert_int_equal(eg_engine_util_floor(e), 232);
	assert_limits(e, 2, 53, 428);
	set_freq(e, 1, 1000000, 1000);
	assert_limits(e, 2, 53, 428);
	/* The other domain's frequency is not this one's. */
	set_freq(e, 0, 533000, 2000);
	assert_limits(e, 2, 53, 428);
	assert_limits(e, 0, 100, 805);
	eg_engine_free(e);
	eg_engine_config_free(&cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conversion),
		cmocka_unit_test(test_engine_follows_frequency),
		cmocka_unit_test(test_single_opp_domain),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
