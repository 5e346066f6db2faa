// SPDX-License-Identifier: GPL-2.0-or-later
/* The util of a CPU fully busy at its domain's current frequency
 * (eg_engine_cpu_util_scale), by hand: what the bpf source turns its busy
 * fractions into util with, so that they compare with the engine's
 * threshold and floor. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "engine.h"
#include "util.h"

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

static struct eg_engine *engine(const struct eg_model *m, const char *freq,
				struct eg_engine_config *cfg)
{
	struct eg_engine *e;

	assert_int_equal(eg_engine_config_simple(cfg, m, freq, NULL, NULL), 0);
	assert_int_equal(eg_engine_new(&e, m, cfg, 0), 0);
	return e;
}

/* The scale follows the domain's frequency: 533 of 1844 MHz is the
 * signals' frequency scale 295 (533000 x 1024 / 1844000, down), so a fully
 * busy capacity-1024 CPU there has util 295, and one busy a third of the
 * time 98, under schedutil's floor (232) where it would be over it at the
 * top; 999 MHz is 554. */
static void test_follows_frequency(void **unused)
{
	struct eg_engine_config cfg;
	struct eg_engine *e;
	struct eg_model m;

	(void)unused;
	vm_model(&m, false);
	e = engine(&m, "schedutil", &cfg);
	/* Until told, the engine (and its signals) take the top frequency. */
	assert_int_equal(eg_engine_cpu_util_scale(e, 0), 1024);
	set_freq(e, 0, 533000, 1000);
	assert_int_equal(eg_engine_cpu_util_scale(e, 0), 295);
	assert_int_equal(eg_engine_cpu_util_scale(e, 1), 295);
	set_freq(e, 0, 999000, 2000);
	assert_int_equal(eg_engine_cpu_util_scale(e, 1), 554);
	set_freq(e, 0, 1844000, 3000);
	assert_int_equal(eg_engine_cpu_util_scale(e, 0), 1024);
	/* A boost past the top counts as the top, as the signals count it. */
	set_freq(e, 0, 2000000, 4000);
	assert_int_equal(eg_engine_cpu_util_scale(e, 0), 1024);
	/* Outside the model: 0, which a source takes as not told. */
	assert_int_equal(eg_engine_cpu_util_scale(e, 2), 0);
	assert_int_equal(eg_engine_cpu_util_scale(e, -1), 0);
	eg_engine_free(e);
	eg_engine_config_free(&cfg);

	/* Whatever the policy: the scale is the machine's, not a limit. */
	e = engine(&m, "performance", &cfg);
	set_freq(e, 0, 533000, 1000);
	assert_int_equal(eg_engine_cpu_util_scale(e, 0), 295);
	eg_engine_free(e);
	eg_engine_config_free(&cfg);
}

/* A domain with a single OPP runs at its top: its CPUs' scale is their
 * capacity, 1000 of 1844 MHz at equal capacity-dmips-mhz being 555;
 * reporting that one frequency changes nothing, nor does the other
 * domain's. */
static void test_single_opp_domain(void **unused)
{
	struct eg_engine_config cfg;
	struct eg_engine *e;
	struct eg_model m;

	(void)unused;
	vm_model(&m, true);
	assert_int_equal(m.cpu_cap[2], 555);
	e = engine(&m, "schedutil", &cfg);
	assert_int_equal(eg_engine_cpu_util_scale(e, 2), 555);
	set_freq(e, 1, 1000000, 1000);
	assert_int_equal(eg_engine_cpu_util_scale(e, 2), 555);
	set_freq(e, 0, 533000, 2000);
	assert_int_equal(eg_engine_cpu_util_scale(e, 2), 555);
	assert_int_equal(eg_engine_cpu_util_scale(e, 0), 295);
	eg_engine_free(e);
	eg_engine_config_free(&cfg);
}

/* Capacity and frequency both count: the domain told its frequency at
 * start (eg_engine_set_domain_state, as the daemon reads scaling_cur_freq)
 * scales from there; one told nothing (0: unknown) stays at its top. A
 * capacity-555 CPU reported at half its top is 555 x 512 / 1024 = 277. */
static void test_capacity_and_start(void **unused)
{
	struct eg_engine_config cfg;
	struct eg_engine *e;
	struct eg_model m;

	(void)unused;
	vm_model(&m, true);
	e = engine(&m, "schedutil", &cfg);
	eg_engine_set_domain_state(e, 0, 999000, 0, 0);
	eg_engine_set_domain_state(e, 1, 0, 0, 0);
	assert_int_equal(eg_engine_cpu_util_scale(e, 0), 554);
	assert_int_equal(eg_engine_cpu_util_scale(e, 2), 555);
	set_freq(e, 1, 500000, 1000);
	assert_int_equal(eg_engine_cpu_util_scale(e, 2), 277);
	eg_engine_free(e);
	eg_engine_config_free(&cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_follows_frequency),
		cmocka_unit_test(test_single_opp_domain),
		cmocka_unit_test(test_capacity_and_start),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
