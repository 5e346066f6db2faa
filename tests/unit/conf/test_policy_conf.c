// SPDX-License-Identifier: GPL-2.0-or-later
/* governors/policy_conf.c without files: profile names, validation of
 * settings against the tunable tables, and resolution into an engine
 * configuration with its precedence (global < domain < profile <
 * profile+domain, later lines over earlier). Uses schedutil's tunables
 * rate_limit_us (0..1000000, default 0) and headroom_pct (100..200,
 * default 125). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "policy_conf.h"
#include "tunables.h"
#include "util.h"

static struct eg_model *m;
static struct eg_policy_conf *pc;

static int setup(void **state)
{
	struct eg_pd *pd;

	(void)state;
	m = malloc(sizeof(*m));
	pc = malloc(sizeof(*pc));
	assert_non_null(m);
	assert_non_null(pc);
	eg_model_init(m);
	for (int i = 0; i < 2; i++) {
		pd = &m->pds[m->nr_pds++];
		snprintf(pd->name, sizeof(pd->name), "pd%d", i);
		eg_cpumask_set(&pd->cpus, i);
		pd->opps[pd->nr_opps++].khz = 1000000;
	}
	m->zones[m->nr_zones++].nr_cooled = 0;
	assert_int_equal(eg_model_finalize(m, NULL), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(m);
	free(pc);
	return 0;
}

static void add(int profile, int pd, const char *policy, const char *key, const char *value,
		int line)
{
	struct eg_setting s = { .profile = profile, .pd = pd, .line = line };

	eg_strlcpy(s.policy, policy, sizeof(s.policy));
	eg_strlcpy(s.key, key, sizeof(s.key));
	eg_strlcpy(s.value, value, sizeof(s.value));
	assert_int_equal(eg_policy_conf_add(pc, &s), 0);
}

static uint32_t tun_u32(const struct eg_freq_policy_ops *ops, const void *tun, const char *name)
{
	const struct eg_tunable *t = eg_tunables_find(ops->tunables, name);
	char buf[32];

	assert_non_null(t);
	eg_tunables_format(t, tun, buf, sizeof(buf));
	return (uint32_t)strtoul(buf, NULL, 10);
}

static void test_profile_names(void **state)
{
	enum eg_profile p;

	(void)state;
	for (int i = 0; i < EG_PROFILE__MAX; i++) {
		assert_int_equal(eg_profile_from_string(eg_profile_name((enum eg_profile)i), &p),
				 0);
		assert_int_equal(p, i);
	}
	assert_string_equal(eg_profile_name(EG_PROFILE_POWER_SAVER), "power-saver");
	assert_int_equal(eg_profile_from_string("Balanced", &p), -EINVAL);
	assert_string_equal(eg_profile_name(EG_PROFILE__MAX), "?");
}

static void test_add_full(void **state)
{
	(void)state;
	eg_policy_conf_init(pc, "f.ini");
	for (int i = 0; i < EG_MAX_SETTINGS; i++)
		add(-1, -1, "", "freq", "schedutil", i + 1);
	{
		struct eg_setting s = { .profile = -1, .pd = -1 };

		assert_int_equal(eg_policy_conf_add(pc, &s), -ENOSPC);
	}
}

static void test_defaults(void **state)
{
	struct eg_engine_config cfg;
	struct eg_error err;

	(void)state;
	eg_policy_conf_init(pc, "f.ini");
	assert_int_equal(eg_policy_conf_resolve(pc, m, EG_PROFILE_BALANCED, &cfg, &err), 0);
	assert_string_equal(cfg.freq[0]->name, "schedutil");
	assert_string_equal(cfg.freq[1]->name, "schedutil");
	assert_string_equal(cfg.idle->name, "menu");
	assert_string_equal(cfg.thermal[0]->name, "step_wise");
	assert_true(cfg.fast_ramp);
	assert_int_equal(cfg.rt_idle_latency_us, 0);
	assert_int_equal(cfg.max_freq_pct, 100);
	/* Tunables allocated and at their defaults. */
	assert_non_null(cfg.freq_tun[0]);
	assert_int_equal(tun_u32(cfg.freq[0], cfg.freq_tun[0], "headroom_pct"), 125);
	assert_non_null(cfg.idle_tun);
	assert_non_null(cfg.thermal_tun[0]);
	assert_null(cfg.freq_tun[2]); /* no third domain */
	eg_engine_config_free(&cfg);
	assert_null(cfg.freq_tun[0]);
}

static void test_precedence(void **state)
{
	struct eg_engine_config cfg;
	struct eg_error err;

	(void)state;
	eg_policy_conf_init(pc, "f.ini");
	/* Written most specific first to show that file order does not decide
	 * between levels, only within one. */
	add(EG_PROFILE_POWER_SAVER, 1, "schedutil", "headroom_pct", "105", 1);
	add(EG_PROFILE_POWER_SAVER, -1, "schedutil", "headroom_pct", "110", 2);
	add(-1, 1, "schedutil", "headroom_pct", "140", 3);
	add(-1, -1, "schedutil", "headroom_pct", "130", 4);
	add(-1, -1, "schedutil", "headroom_pct", "135", 5); /* later line wins */
	add(-1, -1, "schedutil", "rate_limit_us", "700", 6);
	add(-1, -1, "", "max_freq_pct", "90", 7);
	add(EG_PROFILE_POWER_SAVER, -1, "", "max_freq_pct", "60", 8);
	add(-1, 0, "", "freq", "performance", 9);
	add(EG_PROFILE_PERFORMANCE, -1, "", "fast_ramp", "no", 10);
	assert_int_equal(eg_policy_conf_validate(pc, m, &err), 0);

	/* balanced: global 135 (line 5 over 4) on pd0, domain 140 on pd1; pd0
	 * runs performance (line 9). */
	assert_int_equal(eg_policy_conf_resolve(pc, m, EG_PROFILE_BALANCED, &cfg, &err), 0);
	assert_string_equal(cfg.freq[0]->name, "performance");
	assert_string_equal(cfg.freq[1]->name, "schedutil");
	assert_int_equal(tun_u32(cfg.freq[1], cfg.freq_tun[1], "headroom_pct"), 140);
	assert_int_equal(tun_u32(cfg.freq[1], cfg.freq_tun[1], "rate_limit_us"), 700);
	assert_int_equal(cfg.max_freq_pct, 90);
	assert_true(cfg.fast_ramp);
	eg_engine_config_free(&cfg);

	/* power-saver: profile+domain 105 on pd1 beats profile 110 and domain
	 * 140; max_freq_pct 60 from the profile. */
	assert_int_equal(eg_policy_conf_resolve(pc, m, EG_PROFILE_POWER_SAVER, &cfg, &err), 0);
	assert_int_equal(tun_u32(cfg.freq[1], cfg.freq_tun[1], "headroom_pct"), 105);
	assert_int_equal(cfg.max_freq_pct, 60);
	eg_engine_config_free(&cfg);

	/* Same settings with pd0 back on schedutil: profile 110 beats global. */
	add(-1, 0, "", "freq", "schedutil", 11);
	assert_int_equal(eg_policy_conf_resolve(pc, m, EG_PROFILE_POWER_SAVER, &cfg, &err), 0);
	assert_string_equal(cfg.freq[0]->name, "schedutil");
	assert_int_equal(tun_u32(cfg.freq[0], cfg.freq_tun[0], "headroom_pct"), 110);
	eg_engine_config_free(&cfg);

	assert_int_equal(eg_policy_conf_resolve(pc, m, EG_PROFILE_PERFORMANCE, &cfg, &err), 0);
	assert_false(cfg.fast_ramp);
	assert_int_equal(tun_u32(cfg.freq[0], cfg.freq_tun[0], "headroom_pct"), 135);
	eg_engine_config_free(&cfg);
}

static void test_validate_errors(void **state)
{
	struct eg_error err;

	(void)state;
	eg_policy_conf_init(pc, "f.ini");
	add(-1, -1, "schedutil", "headroom_pct", "99", 42);
	assert_int_equal(eg_policy_conf_validate(pc, m, &err), -ERANGE);
	assert_int_equal(err.line, 42);
	assert_string_equal(err.file, "f.ini");

	eg_policy_conf_init(pc, "f.ini");
	add(-1, -1, "schedutil", "nope", "1", 7);
	assert_int_equal(eg_policy_conf_validate(pc, m, &err), -EINVAL);
	assert_int_equal(err.line, 7);
	assert_non_null(strstr(err.msg, "no tunable 'nope'"));

	eg_policy_conf_init(pc, "f.ini");
	add(-1, -1, "warp", "x", "1", 3);
	assert_int_equal(eg_policy_conf_validate(pc, m, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "unknown policy 'warp'"));

	eg_policy_conf_init(pc, "f.ini");
	add(-1, -1, "", "idle", "schedutil", 4); /* a freq policy as idle policy */
	assert_int_equal(eg_policy_conf_validate(pc, m, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "unknown idle policy 'schedutil'"));

	eg_policy_conf_init(pc, "f.ini");
	add(-1, 2, "", "freq", "schedutil", 5); /* only 2 domains */
	assert_int_equal(eg_policy_conf_validate(pc, m, &err), -EINVAL);
	assert_int_equal(err.line, 5);

	eg_policy_conf_init(pc, "f.ini");
	add(-1, 0, "", "max_freq_pct", "50", 6);
	assert_int_equal(eg_policy_conf_validate(pc, m, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "per domain"));

	eg_policy_conf_init(pc, "f.ini");
	add(-1, -1, "", "rt_idle_latency_us", "1000001", 8);
	assert_int_equal(eg_policy_conf_validate(pc, m, &err), -ERANGE);
	assert_int_equal(err.line, 8);
}

static void test_resolve_refuses_invalid(void **state)
{
	struct eg_engine_config cfg;
	struct eg_error err;

	(void)state;
	eg_policy_conf_init(pc, "f.ini");
	add(-1, -1, "", "thermal", "nope", 9);
	assert_int_equal(eg_policy_conf_resolve(pc, m, EG_PROFILE_BALANCED, &cfg, &err), -EINVAL);
	assert_int_equal(err.line, 9);
	assert_null(cfg.freq_tun[0]);
	assert_int_equal(eg_policy_conf_resolve(pc, m, EG_PROFILE__MAX, &cfg, &err), -EINVAL);
}

static bool thermal_bool(const struct eg_engine_config *cfg, int z, const char *name)
{
	const struct eg_tunable *t = eg_tunables_find(cfg->thermal[z]->tunables, name);
	char buf[16];

	assert_non_null(t);
	eg_tunables_format(t, cfg->thermal_tun[z], buf, sizeof(buf));
	return eg_streq(buf, "yes");
}

/* A frequency policy's thermal settings (eagov: deadline_first) reach the
 * zones whose thermal policy has them, under the file's own settings, and
 * again when a governor override replaces the file's policy. */
static void test_thermal_presets(void **state)
{
	struct eg_engine_config cfg;
	struct eg_error err;

	(void)state;
	assert_non_null(eg_freq_policy_find("eagov")->thermal_tunables);
	eg_policy_conf_init(pc, "f.ini");
	add(-1, -1, "", "thermal", "power_allocator", 3);
	assert_int_equal(eg_policy_conf_resolve(pc, m, EG_PROFILE_BALANCED, &cfg, &err), 0);
	assert_false(thermal_bool(&cfg, 0, "deadline_first"));
	/* The daemon's override path: the new policy's presets apply. */
	assert_int_equal(eg_engine_config_set_freq(&cfg, 1, eg_freq_policy_find("eagov")), 0);
	assert_int_equal(eg_policy_conf_thermal_tunables(pc, m, EG_PROFILE_BALANCED, &cfg, &err),
			 0);
	assert_true(thermal_bool(&cfg, 0, "deadline_first"));
	eg_engine_config_free(&cfg);

	add(-1, -1, "", "freq", "eagov", 4);
	assert_int_equal(eg_policy_conf_resolve(pc, m, EG_PROFILE_BALANCED, &cfg, &err), 0);
	assert_true(thermal_bool(&cfg, 0, "deadline_first"));
	eg_engine_config_free(&cfg);

	/* The file names it: the file wins over the policy's preset. */
	add(-1, -1, "power_allocator", "deadline_first", "no", 5);
	assert_int_equal(eg_policy_conf_resolve(pc, m, EG_PROFILE_BALANCED, &cfg, &err), 0);
	assert_false(thermal_bool(&cfg, 0, "deadline_first"));
	eg_engine_config_free(&cfg);

	/* A thermal policy without the setting is left alone. */
	eg_policy_conf_init(pc, "f.ini");
	add(-1, -1, "", "freq", "eagov", 4);
	assert_int_equal(eg_policy_conf_resolve(pc, m, EG_PROFILE_BALANCED, &cfg, &err), 0);
	assert_string_equal(cfg.thermal[0]->name, "step_wise");
	eg_engine_config_free(&cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_profile_names),
		cmocka_unit_test(test_add_full),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_precedence),
		cmocka_unit_test(test_validate_errors),
		cmocka_unit_test(test_resolve_refuses_invalid),
		cmocka_unit_test(test_thermal_presets),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
