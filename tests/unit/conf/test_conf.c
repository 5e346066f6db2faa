// SPDX-License-Identifier: GPL-2.0-or-later
/* Device files and eagov.conf: every rejection the parser promises, with its
 * error code and the line it points at; nothing half-applied on error; the
 * estimate marker; policy sections to settings; the shipped files (finding
 * and matching them: test_devfind.c). Bad files are written by the tests. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "conf.h"
#include "config.h"
#include "util.h"

static char tmpdir[] = "/tmp/eagov-conf-XXXXXX";
static struct eg_model *m;
static struct eg_policy_conf *pc;

static int setup(void **state)
{
	(void)state;
	assert_non_null(mkdtemp(tmpdir));
	m = malloc(sizeof(*m));
	pc = malloc(sizeof(*pc));
	assert_non_null(m);
	assert_non_null(pc);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	free(m);
	free(pc);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void write_file(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static const char *tmp_path(const char *name)
{
	static char p[256];

	snprintf(p, sizeof(p), "%s/%s", tmpdir, name);
	return p;
}

static int load_n(const char *text, size_t len, struct eg_error *err)
{
	const char *p = tmp_path("dev.ini");

	write_file(p, text, len);
	eg_model_init(m);
	eg_policy_conf_init(pc, "");
	return eg_conf_load_device(p, m, pc, err);
}

static int load(const char *text, struct eg_error *err)
{
	return load_n(text, strlen(text), err);
}

/* The error names the file and the line, and says the expected thing. */
static void expect(const struct eg_error *err, int line, const char *what)
{
	char buf[512], at[32];

	eg_error_format(err, buf, sizeof(buf));
	snprintf(at, sizeof(at), "dev.ini:%d: ", line);
	if (!strstr(buf, at) || !strstr(buf, what))
		fail_msg("error '%s' does not contain '%s' and '%s'", buf, at, what);
	assert_int_equal(err->line, line);
}

/* A valid file; the rejection tests change one thing in it. Lines numbered. */
#define HEAD                                 \
	"[device]\n"		     /* 1 */ \
	"name = Test\n"		     /* 2 */ \
	"[domain a]\n"		     /* 3 */ \
	"cpus = 0-1\n"		     /* 4 */ \
	"opp = 500000 800 100000\n"  /* 5 */ \
	"opp = 1000000 900 300000\n" /* 6 */

static void test_valid_minimal(void **state)
{
	struct eg_error err;

	(void)state;
	assert_int_equal(load(HEAD "cpu_idle = wfi 1 1 1 1000\n"
				   "cpu_idle = off 100 200 500 0~ ; power gated\n"
				   "[zone z]\ncools = a:1024\ntrip = 60.5 passive 1.25\n"
				   "rc_resistance = 10~\nrc_capacitance = 2\n",
			      &err),
			 0);
	assert_string_equal(m->name, "Test");
	assert_int_equal(m->nr_pds, 1);
	assert_int_equal(m->nr_cpus, 2);
	assert_int_equal(m->pds[0].src_line, 3);
	assert_int_equal(m->pds[0].opps[1].src_line, 6);
	assert_int_equal(m->pds[0].opps[1].power_uw, 300000);
	assert_int_equal(m->pds[0].cpu_idle[1].src_line, 8);
	/* The '~' marker: only the second idle state is an estimate. */
	assert_false(m->pds[0].cpu_idle[0].power_estimated);
	assert_true(m->pds[0].cpu_idle[1].power_estimated);
	assert_int_equal(m->pds[0].cpu_idle[0].power_uw, 1000);
	assert_int_equal(m->zones[0].trips[0].temp_mc, 60500);
	assert_int_equal(m->zones[0].trips[0].hyst_mc, 1250);
	assert_int_equal(m->zones[0].trips[0].src_line, 11);
	assert_int_equal(m->zones[0].cooled[0].pd, 0);
	assert_true(m->zones[0].rc_estimated);
	assert_true(m->zones[0].rc_resistance == 10.0);
	assert_string_equal(m->source, tmp_path("dev.ini"));
}

static void test_rc_not_estimated(void **state)
{
	struct eg_error err;

	(void)state;
	assert_int_equal(load(HEAD "[zone z]\nrc_resistance = 10\nrc_capacitance = 2\n", &err), 0);
	assert_false(m->zones[0].rc_estimated);
	/* Kernel defaults when the file says nothing. */
	assert_int_equal(m->zones[0].polling_ms, 1000);
	assert_int_equal(m->zones[0].ambient_mc, 25000);
}

/* '~' on an OPP's power or domain power marks that OPP's power as an
 * estimate; OPPs without it are not. */
static void test_opp_power_estimated(void **state)
{
	struct eg_error err;

	(void)state;
	assert_int_equal(load("[device]\nname = Test\n[domain a]\ncpus = 0-1\n"
			      "opp = 500000 800 100000~\nopp = 1000000 900 300000 20000~\n"
			      "opp = 1500000 1000 500000\n",
			      &err),
			 0);
	assert_true(m->pds[0].opps[0].power_estimated);
	assert_int_equal(m->pds[0].opps[0].power_uw, 100000);
	assert_true(m->pds[0].opps[1].power_estimated);
	assert_int_equal(m->pds[0].opps[1].pd_power_uw, 20000);
	assert_false(m->pds[0].opps[2].power_estimated);
}

static void test_marker_not_allowed(void **state)
{
	struct eg_error err;

	(void)state;
	assert_int_equal(load(HEAD "capacity_dmips_mhz = 500~\n", &err), -EINVAL);
	expect(&err, 7, "cannot be marked as an estimate");
}

/* static_power = CPU_uW DOMAIN_uW: leakage at the top OPP (900 mV here),
 * scaled as V^3: at 800 mV, (800 / 900)^3 = 0.70233. */
static void test_static_power(void **state)
{
	struct eg_error err;

	(void)state;
	assert_int_equal(load(HEAD "static_power = 100000~ 50000\n", &err), 0);
	assert_int_equal(m->pds[0].cpu_static_uw, 100000);
	assert_int_equal(m->pds[0].pd_static_uw, 50000);
	assert_true(m->pds[0].static_estimated);
	assert_int_equal(m->pds[0].static_src_line, 7);
	assert_int_equal(m->pds[0].opps[1].static_uw, 100000);
	assert_int_equal(m->pds[0].opps[0].static_uw, 70233);
	assert_int_equal(m->pds[0].opps[0].pd_static_uw, 35117);
	assert_int_equal(load(HEAD "static_power = 100000\n", &err), -EINVAL);
	expect(&err, 7, "static power of the domain (uW) is missing");
	assert_int_equal(load(HEAD "static_power = 1e5 0\n", &err), -EINVAL);
	expect(&err, 7, "'1e5' is not a number");
	assert_int_equal(load(HEAD "static_power = 100000 200000000\n", &err), -ERANGE);
	expect(&err, 7, "static power of the domain");
	assert_int_equal(load(HEAD "static_power = 1 2 3\n", &err), -EINVAL);
	expect(&err, 7, "static_power");
	assert_int_equal(load(HEAD "static_power = 1 2\nstatic_power = 1 2\n", &err), -EINVAL);
	expect(&err, 8, "given twice");
}

/* The kernel's idle driver adds WFI as state 0: a file whose first CPU
 * state is something else is refused, at that line. */
static void test_first_idle_state_wfi(void **state)
{
	struct eg_error err;

	(void)state;
	assert_int_equal(load(HEAD "cpu_idle = cpu-sleep 100 200 500 0\n", &err), -EINVAL);
	expect(&err, 7, "the first CPU idle state must be 'wfi'");
	assert_int_equal(load(HEAD "cpu_idle = WFI 1 1 1 10\ncluster_idle = off 1 2 3 0\n", &err),
			 0);
	assert_int_equal(load(HEAD "cpu_idle = poll 0 0 0 10\n", &err), 0);
	/* Break-even energy of the deeper state: (10 - 0) uW x 500 us. */
	assert_int_equal(load(HEAD "cpu_idle = wfi 1 1 1 10\ncpu_idle = off 1 2 500 0\n", &err), 0);
	assert_true(fabs(m->pds[0].cpu_idle[1].transition_uj - 0.005) < 1e-12);
}

static void test_unknown_section(void **state)
{
	struct eg_error err;

	(void)state;
	assert_int_equal(load(HEAD "\n[domian b]\ncpus = 2\n", &err), -EINVAL);
	expect(&err, 8, "unknown section [domian b]");
	/* Empty sections are checked too. */
	assert_int_equal(load(HEAD "[bogus]\n", &err), -EINVAL);
	expect(&err, 7, "unknown section");
}

static void test_unknown_key(void **state)
{
	struct eg_error err;

	(void)state;
	assert_int_equal(load(HEAD "colour = red\n", &err), -EINVAL);
	expect(&err, 7, "unknown key 'colour'");
}

static void test_bad_number(void **state)
{
	struct eg_error err;

	(void)state;
	assert_int_equal(load(HEAD "opp = 15x0000 950\n", &err), -EINVAL);
	expect(&err, 7, "'15x0000' is not a number");
	assert_int_equal(load(HEAD "transition_latency_us = -5\n", &err), -EINVAL);
	expect(&err, 7, "is not a number");
	assert_int_equal(load(HEAD "[zone z]\ntrip = 6O passive\n", &err), -EINVAL);
	expect(&err, 8, "not a decimal number");
	assert_int_equal(load(HEAD "[zone z]\nrc_resistance = 1e3\n", &err), -EINVAL);
	expect(&err, 8, "not a decimal number");
}

static void test_number_out_of_range(void **state)
{
	struct eg_error err;

	(void)state;
	assert_int_equal(load(HEAD "capacity_dmips_mhz = 100001\n", &err), -ERANGE);
	expect(&err, 7, "out of range [1, 100000]");
	/* A voltage in V, not mV, would be 0.9: a voltage of 9000 mV is a typo. */
	assert_int_equal(load(HEAD "opp = 1500000 9000\n", &err), -ERANGE);
	expect(&err, 7, "OPP voltage (mV) 9000 is out of range");
	assert_int_equal(load(HEAD "[zone z]\ntrip = 250 critical\n", &err), -ERANGE);
	expect(&err, 8, "out of range");
	assert_int_equal(load(HEAD "[domain b]\ncpus = 2-300\n", &err), -ERANGE);
	expect(&err, 8, "must be below 256");
}

static void test_opps_not_increasing(void **state)
{
	struct eg_error err;

	(void)state;
	assert_int_equal(load(HEAD "opp = 1000000 950\n", &err), -EINVAL);
	expect(&err, 7, "not strictly increasing");
}

static void test_cpu_in_two_domains(void **state)
{
	struct eg_error err;

	(void)state;
	assert_int_equal(load(HEAD "[domain b]\n"  /* 7 */
				   "opp = 100 -\n" /* 8 */
				   "cpus = 1-2\n", /* 9 */
			      &err),
			 -EINVAL);
	expect(&err, 9, "CPU 1 is in two domains (a and b)");
}

static void test_cpu_in_no_domain(void **state)
{
	struct eg_error err;

	(void)state;
	/* [device] cpus = 3 but only CPUs 0-1 in a domain: points at that line. */
	assert_int_equal(load("[device]\nname = T\ncpus = 3\n[domain a]\ncpus = 0-1\n"
			      "opp = 100 -\n",
			      &err),
			 -EINVAL);
	expect(&err, 3, "CPU 2 is in no domain");
	/* A gap without [device] cpus: points at [device]. */
	assert_int_equal(load("\n[device]\nname = T\n[domain a]\ncpus = 0,2\nopp = 100 -\n", &err),
			 -EINVAL);
	expect(&err, 2, "CPU 1 is in no domain");
}

static void test_domain_without_opp(void **state)
{
	struct eg_error err;

	(void)state;
	assert_int_equal(load(HEAD "[domain b]\ncpus = 2\n", &err), -EINVAL);
	expect(&err, 7, "domain b has no OPP");
}

static void test_trips_out_of_order(void **state)
{
	struct eg_error err;

	(void)state;
	assert_int_equal(load(HEAD "[zone z]\n"		  /* 7 */
				   "trip = 75 passive\n"  /* 8 */
				   "trip = 65 passive\n", /* 9 */
			      &err),
			 -EINVAL);
	expect(&err, 9, "trips out of order");
}

static void test_idle_deeper_but_faster(void **state)
{
	struct eg_error err;

	(void)state;
	assert_int_equal(load(HEAD "cluster_idle = ret 100 900 2000 10\n" /* 7 */
				   "cluster_idle = off 100 800 3000 0\n", /* 8 */
			      &err),
			 -EINVAL);
	expect(&err, 8, "'off' is deeper than 'ret'");
}

static void test_empty_file(void **state)
{
	struct eg_error err;

	(void)state;
	assert_int_equal(load("", &err), -ENODATA);
	assert_int_equal(err.line, 0);
	assert_non_null(strstr(err.msg, "empty"));
	/* Comments and blanks only: still empty. */
	assert_int_equal(load("; nothing\n\n   # here\n", &err), -ENODATA);
	assert_non_null(strstr(err.msg, "empty"));
}

static void test_binary_file(void **state)
{
	static const char bin[] = "[device]\nname = T\n\x7f"
				  "ELF\0\0\x01\n";
	struct eg_error err;

	(void)state;
	assert_int_equal(load_n(bin, sizeof(bin) - 1, &err), -EINVAL);
	expect(&err, 3, "binary content");
	assert_int_equal(load_n("[device]\nna\0me = T\n", 19, &err), -EINVAL);
	expect(&err, 2, "binary content (byte 0x00)");
}

static void test_line_too_long(void **state)
{
	char text[1024];
	struct eg_error err;
	int n;

	(void)state;
	/* A line of exactly EG_CONF_LINE_MAX characters passes (it is a comment),
	 * one more does not. */
	n = snprintf(text, sizeof(text), HEAD ";");
	memset(text + n, 'x', EG_CONF_LINE_MAX - 1);
	strcpy(text + n + EG_CONF_LINE_MAX - 1, "\n");
	assert_int_equal(load(text, &err), 0);
	n = snprintf(text, sizeof(text), HEAD "\n;");
	memset(text + n, 'x', EG_CONF_LINE_MAX);
	strcpy(text + n + EG_CONF_LINE_MAX, "\n");
	assert_int_equal(load(text, &err), -E2BIG);
	expect(&err, 8, "limit is 190");
}

static void test_missing_file(void **state)
{
	struct eg_error err;
	char buf[512];
	const char *p = tmp_path("no-such.ini");

	(void)state;
	assert_int_equal(eg_conf_load_device(p, m, pc, &err), -ENOENT);
	eg_error_format(&err, buf, sizeof(buf));
	assert_non_null(strstr(buf, p));
}

static void test_syntax_errors(void **state)
{
	struct eg_error err;

	(void)state;
	assert_int_equal(load(HEAD "just words\n", &err), -EINVAL);
	expect(&err, 7, "syntax error");
	/* inih would glue an indented line to the previous value. */
	assert_int_equal(load(HEAD "  opp = 1500000 950\n", &err), -EINVAL);
	expect(&err, 7, "continuation");
	assert_int_equal(load("name = T\n", &err), -EINVAL);
	expect(&err, 1, "outside of any section");
	assert_int_equal(load(HEAD "[device]\n", &err), -EINVAL);
	expect(&err, 7, "[device] given twice");
	assert_int_equal(load(HEAD "[domain a]\n", &err), -EINVAL);
	expect(&err, 7, "defined twice");
	assert_int_equal(load("[device]\n[domain a]\ncpus = 0\nopp = 100 -\n", &err), -EINVAL);
	expect(&err, 1, "has no name");
	assert_int_equal(load(HEAD "[zone z]\ncools = b:1024\n", &err), -EINVAL);
	expect(&err, 8, "unknown domain 'b'");
}

static void test_nothing_half_applied(void **state)
{
	struct eg_model *before = malloc(sizeof(*before));
	struct eg_policy_conf *pc_before = malloc(sizeof(*pc_before));
	struct eg_error err;

	(void)state;
	assert_non_null(before);
	assert_non_null(pc_before);
	assert_int_equal(load(HEAD "[policy]\nfreq = schedutil\n", &err), 0);
	memcpy(before, m, sizeof(*m));
	memcpy(pc_before, pc, sizeof(*pc));
	/* The domain and its OPPs parse fine before the error on line 9. */
	write_file(
		tmp_path("bad.ini"),
		"[device]\nname = Other\n[domain x]\ncpus = 0-3\n"
		"opp = 100 -\n[policy]\nfreq = schedutil\nidle = menu\nthermal = nope\n",
		strlen("[device]\nname = Other\n[domain x]\ncpus = 0-3\n"
		       "opp = 100 -\n[policy]\nfreq = schedutil\nidle = menu\nthermal = nope\n"));
	assert_int_equal(eg_conf_load_device(tmp_path("bad.ini"), m, pc, &err), -EINVAL);
	assert_int_equal(err.line, 9);
	assert_memory_equal(m, before, sizeof(*m));
	assert_memory_equal(pc, pc_before, sizeof(*pc));
	free(before);
	free(pc_before);
}

static void test_policy_sections(void **state)
{
	struct eg_error err;
	const struct eg_setting *s;

	(void)state;
	assert_int_equal(load(HEAD "[domain b]\ncpus = 2-3\nopp = 100 -\n" /* 7-9 */
				   "[policy]\n"				   /* 10 */
				   "freq = schedutil\n"			   /* 11 */
				   "[policy b]\n"			   /* 12 */
				   "freq = performance\n"		   /* 13 */
				   "[schedutil]\n"			   /* 14 */
				   "rate_limit_us = 500\n"		   /* 15 */
				   "[schedutil a]\n"			   /* 16 */
				   "headroom_pct = 130\n"		   /* 17 */
				   "[profile power-saver]\n"		   /* 18 */
				   "freq = powersave\n"			   /* 19 */
				   "schedutil.rate_limit_us = 2000\n"	   /* 20 */
				   "[profile performance b]\n"		   /* 21 */
				   "schedutil.headroom_pct = 150\n",	   /* 22 */
			      &err),
			 0);
	assert_int_equal(pc->nr_settings, 7);
	s = &pc->settings[0];
	assert_int_equal(s->profile, -1);
	assert_int_equal(s->pd, -1);
	assert_string_equal(s->policy, "");
	assert_string_equal(s->key, "freq");
	assert_int_equal(s->line, 11);
	s = &pc->settings[1];
	assert_int_equal(s->pd, 1);
	assert_string_equal(s->value, "performance");
	s = &pc->settings[2];
	assert_string_equal(s->policy, "schedutil");
	assert_int_equal(s->pd, -1);
	s = &pc->settings[3];
	assert_string_equal(s->policy, "schedutil");
	assert_int_equal(s->pd, 0);
	assert_int_equal(s->line, 17);
	s = &pc->settings[4];
	assert_int_equal(s->profile, EG_PROFILE_POWER_SAVER);
	assert_string_equal(s->policy, "");
	s = &pc->settings[5];
	assert_int_equal(s->profile, EG_PROFILE_POWER_SAVER);
	assert_string_equal(s->policy, "schedutil");
	assert_string_equal(s->key, "rate_limit_us");
	assert_string_equal(s->value, "2000");
	s = &pc->settings[6];
	assert_int_equal(s->profile, EG_PROFILE_PERFORMANCE);
	assert_int_equal(s->pd, 1);
	assert_string_equal(pc->file, tmp_path("dev.ini"));
}

static void test_policy_errors(void **state)
{
	struct eg_error err;

	(void)state;
	assert_int_equal(load(HEAD "[policy]\nfreq = turbo\n", &err), -EINVAL);
	expect(&err, 8, "unknown freq policy 'turbo'");
	assert_int_equal(load(HEAD "[schedutil]\nrate_limit = 5\n", &err), -EINVAL);
	expect(&err, 8, "schedutil has no tunable 'rate_limit'");
	assert_int_equal(load(HEAD "[schedutil]\nheadroom_pct = 99\n", &err), -ERANGE);
	expect(&err, 8, "out of range");
	assert_int_equal(load(HEAD "[policy]\nmax_freq_pct = 5\n", &err), -ERANGE);
	expect(&err, 8, "max_freq_pct");
	assert_int_equal(load(HEAD "[policy]\nfast_ramp = maybe\n", &err), -EINVAL);
	expect(&err, 8, "not a boolean");
	assert_int_equal(load(HEAD "[policy a]\nidle = menu\n", &err), -EINVAL);
	expect(&err, 8, "cannot be set per domain");
	assert_int_equal(load(HEAD "[policy zz]\nfreq = schedutil\n", &err), -EINVAL);
	expect(&err, 7, "unknown domain 'zz'");
	assert_int_equal(load(HEAD "[profile turbo]\n", &err), -EINVAL);
	expect(&err, 7, "profile must be");
	assert_int_equal(load(HEAD "[profile balanced]\nfoo.bar = 1\n", &err), -EINVAL);
	expect(&err, 8, "unknown policy 'foo'");
	assert_int_equal(load(HEAD "[menu a]\n", &err), -EINVAL);
	expect(&err, 7, "only frequency policies");
}

/* --- the shipped files --- */

/* The source tree, from the test environment (a packaged build compiles in
 * no source path). */
static const char *source_root(void)
{
	const char *r = getenv("EAGOV_SOURCE_ROOT");

	assert_non_null(r);
	return r;
}

static void shipped(const char *name, char *path, size_t len)
{
	snprintf(path, len, "%s/conf/devices/%s.ini", source_root(), name);
}

static void test_shipped_hikey960(void **state)
{
	char path[512];
	struct eg_error err;
	const struct eg_pd *l, *b;

	(void)state;
	shipped("hikey960", path, sizeof(path));
	if (eg_conf_load_device(path, m, pc, &err) < 0)
		fail_msg("%s:%d: %s", err.file, err.line, err.msg);
	assert_string_equal(m->name, "HiKey960");
	assert_int_equal(m->nr_pds, 2);
	l = &m->pds[0];
	b = &m->pds[1];
	/* 592 * 1844000 vs 1024 * 2362000 -> 462 (see test_model). */
	assert_int_equal(l->max_cap, 462);
	assert_int_equal(b->max_cap, 1024);
	assert_int_equal(l->transition_latency_ns, 300000);
	/* 110 * 700^2 * 533 / 10^6 = 28728 uW */
	assert_int_equal(l->opps[0].power_uw, 28728);
	/* EAS cluster cost 12 x 489 uW per unit = 5868 uW */
	assert_int_equal(l->opps[0].pd_power_uw, 5868);
	/* Every idle power in the file is an estimate. */
	for (int d = 0; d < 2; d++) {
		for (int i = 0; i < m->pds[d].nr_cpu_idle; i++)
			assert_true(m->pds[d].cpu_idle[i].power_estimated);
		for (int i = 0; i < m->pds[d].nr_cluster_idle; i++)
			assert_true(m->pds[d].cluster_idle[i].power_estimated);
	}
	assert_int_equal(m->nr_zones, 1);
	assert_int_equal(m->zones[0].sustainable_power_mw, 4500);
	assert_int_equal(m->zones[0].trips[1].temp_mc, 75000);
	assert_true(m->zones[0].rc_estimated);
	/* R = (75 - 25) / 4.5 = 11.11 C/W: the sustainable power settles at the
	 * control trip. */
	assert_true(m->zones[0].rc_resistance > 11.1 && m->zones[0].rc_resistance < 11.12);
	assert_int_equal(m->zones[0].cooled[1].pd, 1);
	assert_int_equal(m->zones[0].cooled[1].weight, 512);
}

static void test_shipped_others(void **state)
{
	static const char *const names[] = { "juno-r0", "hikey620", "mt8173", "sdm845" };
	char path[512];
	struct eg_error err;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		shipped(names[i], path, sizeof(path));
		if (eg_conf_load_device(path, m, pc, &err) < 0)
			fail_msg("%s:%d: %s", err.file, err.line, err.msg);
		if (eg_streq(names[i], "juno-r0")) {
			/* 578 * 850000 * 1024 / (1024 * 1100000) = 446.6 -> 446 */
			assert_int_equal(m->pds[1].max_cap, 446);
			/* EAS A57 cost 168 read as mW */
			assert_int_equal(m->pds[0].opps[0].power_uw, 168000);
		} else if (eg_streq(names[i], "mt8173")) {
			/* 740 * 1703000 * 1024 / (1024 * 2106000) = 598.4 -> 598 */
			assert_int_equal(m->nr_pds, 2);
			assert_int_equal(m->pds[0].max_cap, 598);
			assert_int_equal(m->pds[1].max_cap, 1024);
			/* 263 * 859^2 * 507 / 10^6 = 98389.8 uW; 530 * 1125^2 * 2106
			 * / 10^6 = 1412665.3 uW */
			assert_int_equal(m->pds[0].opps[0].power_uw / 1000, 98);
			assert_int_equal(m->pds[1].opps[7].power_uw / 1000, 1412);
			/* No clock-latency in the device tree: unknown. No cluster
			 * state; every idle and domain power an estimate. */
			assert_int_equal(m->pds[0].transition_latency_ns, 0);
			for (int d = 0; d < 2; d++) {
				assert_int_equal(m->pds[d].nr_cluster_idle, 0);
				assert_int_equal(m->pds[d].nr_cpu_idle, 2);
				assert_int_equal(m->pds[d].cpu_idle[1].exit_us, 680);
				assert_int_equal(m->pds[d].cpu_idle[1].residency_us, 1088);
				for (int k = 0; k < m->pds[d].nr_cpu_idle; k++)
					assert_true(m->pds[d].cpu_idle[k].power_estimated);
				assert_true(m->pds[d].static_estimated);
			}
			/* The DT's 3072 : 1024 cooling contributions as 1024 : 341. */
			assert_int_equal(m->nr_zones, 1);
			assert_int_equal(m->zones[0].sustainable_power_mw, 1500);
			assert_int_equal(m->zones[0].trips[1].temp_mc, 85000);
			assert_int_equal(m->zones[0].cooled[0].weight, 1024);
			assert_int_equal(m->zones[0].cooled[1].weight, 341);
		} else if (eg_streq(names[i], "sdm845")) {
			/* 607 * 1766400 * 1024 / (1024 * 2803200) = 382.5 -> 382 */
			assert_int_equal(m->pds[0].max_cap, 382);
			assert_int_equal(m->pds[0].nr_opps, 18);
			assert_int_equal(m->pds[1].nr_opps, 24);
			/* EAS costs read as mW, no voltages: the file's powers. */
			assert_int_equal(m->pds[1].opps[23].power_uw, 1298000);
			assert_int_equal(m->pds[1].opps[23].pd_power_uw, 170000);
			/* Noise in the measured table: 576 MHz costs more than
			 * 652.8 MHz, so it is inefficient. */
			assert_true(m->pds[0].opps[3].inefficient);
			/* Three CPU states, no cluster state (the cluster spans both
			 * domains); two zones, no sustainable power. */
			for (int d = 0; d < 2; d++) {
				assert_int_equal(m->pds[d].nr_cpu_idle, 3);
				assert_int_equal(m->pds[d].nr_cluster_idle, 0);
			}
			assert_int_equal(m->pds[1].cpu_idle[2].exit_us, 1061);
			assert_int_equal(m->nr_zones, 2);
			assert_int_equal(m->zones[1].sustainable_power_mw, 0);
			assert_int_equal(m->zones[1].trips[1].temp_mc, 95000);
		} else {
			/* one domain for both clusters (one shared OPP table) */
			assert_int_equal(m->nr_pds, 1);
			assert_int_equal(m->pds[0].nr_cpus, 8);
			/* 311 * 1040^2 * 208 / 10^6 = 69966 uW. At 432 MHz, same
			 * voltage: 145315 uW. cost = 10 * P / perf: perf 1024 *
			 * 208 / 1200 = 177 -> 3952; 1024 * 432 / 1200 = 368 ->
			 * 3948: the 208 MHz OPP costs more, so it is inefficient. */
			assert_int_equal(m->pds[0].opps[0].power_uw, 69966);
			assert_true(m->pds[0].opps[0].inefficient);
			assert_false(m->pds[0].opps[1].inefficient);
		}
	}
}

/* --- eagov.conf --- */

static void test_daemon_shipped_and_defaults(void **state)
{
	struct eg_daemon_conf c;
	struct eg_error err;
	char path[512];

	(void)state;
	eg_daemon_conf_init(&c);
	assert_string_equal(c.device, "auto");
	assert_int_equal(c.poll_interval_ms, 10);
	assert_int_equal(c.rt_priority, 1);
	assert_int_equal(c.fast_path_priority, 99);
	snprintf(path, sizeof(path), "%s/conf/eagov.conf", source_root());
	if (eg_conf_load_daemon(path, &c, &err) < 0)
		fail_msg("%s:%d: %s", err.file, err.line, err.msg);
	assert_int_equal(c.profile, EG_PROFILE_BALANCED);
	assert_int_equal(c.profile_on_ac, -1);
	assert_int_equal(c.source, EG_SOURCE_CHOICE_AUTO);
	assert_string_equal(c.control_socket, "/run/eagov/control");
	assert_string_equal(c.file, path);
}

static int load_daemon(const char *text, struct eg_daemon_conf *c, struct eg_error *err)
{
	write_file(tmp_path("eagov.conf"), text, strlen(text));
	return eg_conf_load_daemon(tmp_path("eagov.conf"), c, err);
}

static void test_daemon_values_and_errors(void **state)
{
	struct eg_daemon_conf c, before;
	struct eg_error err;

	(void)state;
	eg_daemon_conf_init(&c);
	assert_int_equal(
		load_daemon("[daemon]\ndevice = hikey960\nprofile = power-saver\n"
			    "profile_on_battery = power-saver\nprofile_on_ac = performance\n"
			    "source = poll\nlog_level = debug\npoll_interval_ms = 50\n",
			    &c, &err),
		0);
	assert_string_equal(c.device, "hikey960");
	assert_int_equal(c.profile, EG_PROFILE_POWER_SAVER);
	assert_int_equal(c.profile_on_ac, EG_PROFILE_PERFORMANCE);
	assert_int_equal(c.source, EG_SOURCE_CHOICE_POLL);
	assert_int_equal(c.log_level, EG_LOG_DEBUG);
	assert_int_equal(c.poll_interval_ms, 50);
	assert_int_equal(load_daemon("[daemon]\nrt_priority = 0\n", &c, &err), 0);
	assert_int_equal(c.rt_priority, 0);
	assert_int_equal(load_daemon("[daemon]\nrt_priority = 100\n", &c, &err), -ERANGE);
	assert_int_equal(c.rt_priority, 0);
	assert_int_equal(load_daemon("[daemon]\nfast_path_priority = 0\n", &c, &err), 0);
	assert_int_equal(c.fast_path_priority, 0);
	assert_int_equal(load_daemon("[daemon]\nfast_path_priority = 100\n", &c, &err), -ERANGE);
	assert_int_equal(err.line, 2);
	assert_int_equal(c.fast_path_priority, 0);

	before = c;
	assert_int_equal(load_daemon("[daemon]\nprofile = performance\npoll_interval_ms = 0\n", &c,
				     &err),
			 -ERANGE);
	assert_int_equal(err.line, 3);
	assert_memory_equal(&c, &before, sizeof(c)); /* nothing half-applied */
	assert_int_equal(load_daemon("[daemon]\nsource = dtrace\n", &c, &err), -EINVAL);
	assert_int_equal(err.line, 2);
	assert_int_equal(load_daemon("[daemon]\nstate_dir = run/eagov\n", &c, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "absolute path"));
	assert_int_equal(load_daemon("[daemon]\n\ncolor = yes\n", &c, &err), -EINVAL);
	assert_int_equal(err.line, 3);
	assert_int_equal(load_daemon("[device]\nname = x\n", &c, &err), -EINVAL);
	assert_int_equal(err.line, 1);
	assert_int_equal(load_daemon("; nothing\n", &c, &err), -ENODATA);
	assert_memory_equal(&c, &before, sizeof(c));
}

static void test_first_section(void **state)
{
	char sec[64];

	(void)state;
	write_file(tmp_path("x.conf"), "; hi\n  [daemon]\nx = 1\n", 22);
	assert_int_equal(eg_conf_first_section(tmp_path("x.conf"), sec, sizeof(sec)), 0);
	assert_string_equal(sec, "daemon");
	write_file(tmp_path("x.conf"), "; hi\n", 5);
	assert_int_equal(eg_conf_first_section(tmp_path("x.conf"), sec, sizeof(sec)), 0);
	assert_string_equal(sec, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_minimal),
		cmocka_unit_test(test_rc_not_estimated),
		cmocka_unit_test(test_opp_power_estimated),
		cmocka_unit_test(test_marker_not_allowed),
		cmocka_unit_test(test_static_power),
		cmocka_unit_test(test_first_idle_state_wfi),
		cmocka_unit_test(test_unknown_section),
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_bad_number),
		cmocka_unit_test(test_number_out_of_range),
		cmocka_unit_test(test_opps_not_increasing),
		cmocka_unit_test(test_cpu_in_two_domains),
		cmocka_unit_test(test_cpu_in_no_domain),
		cmocka_unit_test(test_domain_without_opp),
		cmocka_unit_test(test_trips_out_of_order),
		cmocka_unit_test(test_idle_deeper_but_faster),
		cmocka_unit_test(test_empty_file),
		cmocka_unit_test(test_binary_file),
		cmocka_unit_test(test_line_too_long),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_nothing_half_applied),
		cmocka_unit_test(test_policy_sections),
		cmocka_unit_test(test_policy_errors),
		cmocka_unit_test(test_shipped_hikey960),
		cmocka_unit_test(test_shipped_others),
		cmocka_unit_test(test_daemon_shipped_and_defaults),
		cmocka_unit_test(test_daemon_values_and_errors),
		cmocka_unit_test(test_first_section),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
