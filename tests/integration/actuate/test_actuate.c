// SPDX-License-Identifier: GPL-2.0-or-later
/* Actuation against a fake HiKey960 sysfs tree: state saved before the first
 * write, exact writes, held requests, caps, HWP mapping, back-off on
 * failures, hot-unplug, and restore (ordered, partial, stale file at start). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cpufreq_sysfs.h"
#include "cpuidle_sysfs.h"
#include "fixture.h"
#include "state.h"

#define POL0 "/sys/devices/system/cpu/cpufreq/policy0/"
#define POL4 "/sys/devices/system/cpu/cpufreq/policy4/"
#define CPU(n) "/sys/devices/system/cpu/cpu" #n "/"
#define MS NSEC_PER_MSEC

struct ctx {
	struct fx fx;
	struct eg_sysfs fs;
	struct eg_model m;
	struct eg_state st;
	struct eg_cpufreq cf;
	struct eg_cpuidle ci;
	struct fx_log log;
	char buf[256];
};

static int setup_common(void **state, bool hwp)
{
	struct ctx *c = calloc(1, sizeof(*c));

	assert_non_null(c);
	fx_create(&c->fx, hwp);
	assert_int_equal(eg_sysfs_init(&c->fs, c->fx.root), 0);
	fx_model(&c->m);
	assert_int_equal(eg_state_init(&c->st, c->fx.state), 0);
	c->ci.dma_fd = -1;
	/* Tests that never open the cpufreq sink still close it. */
	for (int i = 0; i < EG_MAX_PDS; i++) {
		c->cf.pd[i].governor.fd = c->cf.pd[i].setspeed.fd = -1;
		c->cf.pd[i].min.fd = c->cf.pd[i].max.fd = c->cf.pd[i].epp.fd = -1;
	}
	*state = c;
	return 0;
}

static int setup(void **state)
{
	return setup_common(state, false);
}

static int setup_hwp(void **state)
{
	return setup_common(state, true);
}

static int teardown(void **state)
{
	struct ctx *c = *state;

	fx_log_release();
	eg_cpufreq_close(&c->cf);
	eg_cpuidle_close(&c->ci);
	eg_state_free(&c->st);
	fx_destroy(&c->fx);
	free(c);
	return 0;
}

static const char *rd(struct ctx *c, const char *rel)
{
	return fx_read(&c->fx, rel, c->buf, sizeof(c->buf));
}

static int apply(struct ctx *c, int type, int target, uint32_t value, uint64_t now)
{
	struct eg_decision d = {
		.ts = now, .type = (uint16_t)type, .target = target, .value = value
	};

	if (type == EG_DEC_SET_FREQ || type == EG_DEC_SET_CAP)
		return eg_cpufreq_apply(&c->cf, &d, now);
	return eg_cpuidle_apply(&c->ci, &d, now);
}

/* Is "root+rel=value" a line of the state file? */
static bool state_has(struct ctx *c, const char *rel, const char *value)
{
	char line[600], want[600];
	FILE *f = fopen(c->fx.state, "r");
	bool found = false;

	assert_non_null(f);
	snprintf(want, sizeof(want), "%s%s=%s\n", c->fx.root, rel, value);
	while (fgets(line, sizeof(line), f))
		found |= strcmp(line, want) == 0;
	fclose(f);
	return found;
}

static void test_open_saves_originals(void **state)
{
	struct ctx *c = *state;

	assert_false(eg_state_file_exists(c->fx.state));
	assert_int_equal(eg_cpufreq_open(&c->cf, &c->fs, &c->m, &c->st, 0), 0);
	assert_true(eg_state_file_exists(c->fx.state));
	assert_true(state_has(c, POL0 "scaling_governor", "schedutil"));
	assert_true(state_has(c, POL0 "scaling_min_freq", "533000"));
	assert_true(state_has(c, POL0 "scaling_max_freq", "1844000"));
	assert_true(state_has(c, POL4 "scaling_governor", "schedutil"));
	assert_true(state_has(c, POL4 "scaling_min_freq", "903000"));
	assert_true(state_has(c, POL4 "scaling_max_freq", "2362000"));
	/* The originals were saved, then the governor was switched. */
	assert_int_equal(c->cf.pd[0].mode, EG_CPUFREQ_USERSPACE);
	assert_string_equal(rd(c, POL0 "scaling_governor"), "userspace");
	assert_string_equal(rd(c, POL4 "scaling_governor"), "userspace");

	assert_int_equal(eg_cpuidle_open(&c->ci, &c->fs, FX_NR_CPUS, &c->st), 0);
	assert_int_equal(c->ci.cpu[7].nr_states, FX_NR_STATES);
	assert_true(state_has(c, CPU(7) "power/pm_qos_resume_latency_us", "0"));
	assert_true(state_has(c, CPU(7) "cpuidle/state2/disable", "0"));
	/* The cpufreq entries survive the second save. */
	assert_true(state_has(c, POL4 "scaling_max_freq", "2362000"));
}

static void test_set_freq_exact(void **state)
{
	struct ctx *c = *state;

	assert_int_equal(eg_cpufreq_open(&c->cf, &c->fs, &c->m, &c->st, 0), 0);
	/* "<unsupported>" (13 chars), then 1402000, then 999000: a write
	 * that did not truncate would leave "999000" + trailing digits. */
	assert_int_equal(apply(c, EG_DEC_SET_FREQ, 0, 1402000, 1), 0);
	assert_string_equal(rd(c, POL0 "scaling_setspeed"), "1402000");
	assert_int_equal(apply(c, EG_DEC_SET_FREQ, 0, 999000, 2), 0);
	assert_string_equal(rd(c, POL0 "scaling_setspeed"), "999000");
	assert_int_equal(apply(c, EG_DEC_SET_FREQ, 1, 2362000, 3), 0);
	assert_string_equal(rd(c, POL4 "scaling_setspeed"), "2362000");
	/* The other domain is untouched. */
	assert_string_equal(rd(c, POL0 "scaling_setspeed"), "999000");
	/* Unchanged requests are not rewritten. */
	assert_int_equal(c->cf.pd[0].setspeed.nr_writes, 2);
	assert_int_equal(apply(c, EG_DEC_SET_FREQ, 0, 999000, 4), 0);
	assert_int_equal(c->cf.pd[0].setspeed.nr_writes, 2);
	assert_int_equal(apply(c, EG_DEC_SET_FREQ, 2, 999000, 4), -EINVAL);
}

/* Held requests (the daemon's batch): nothing is written until the flush,
 * a later request replaces a held one unwritten, an urgent one is written
 * at once and cancels what was held, and a held value already in the file
 * costs no write. */
static void test_hold_and_flush(void **state)
{
	struct ctx *c = *state;
	struct eg_decision d = { .ts = 1, .type = EG_DEC_SET_FREQ, .target = 0, .value = 1402000 };

	assert_int_equal(eg_cpufreq_open(&c->cf, &c->fs, &c->m, &c->st, 0), 0);
	assert_int_equal(eg_cpufreq_hold(&c->cf, &d, 1), 0);
	d.value = 999000;
	assert_int_equal(eg_cpufreq_hold(&c->cf, &d, 2), 0);
	assert_int_equal(c->cf.pd[0].setspeed.nr_writes, 0);
	assert_int_equal(eg_cpufreq_flush(&c->cf, 3), 0);
	assert_string_equal(rd(c, POL0 "scaling_setspeed"), "999000");
	assert_int_equal(c->cf.pd[0].setspeed.nr_writes, 1);
	/* Held, then replaced by an urgent request: one write, the urgent. */
	d.value = 1402000;
	assert_int_equal(eg_cpufreq_hold(&c->cf, &d, 4), 0);
	d.value = 1844000;
	d.flags = EG_DEC_URGENT;
	assert_int_equal(eg_cpufreq_hold(&c->cf, &d, 5), 0);
	assert_string_equal(rd(c, POL0 "scaling_setspeed"), "1844000");
	assert_int_equal(c->cf.pd[0].setspeed.nr_writes, 2);
	assert_int_equal(eg_cpufreq_flush(&c->cf, 6), 0);
	assert_int_equal(c->cf.pd[0].setspeed.nr_writes, 2);
	/* Held back to the value in the file: nothing to write. */
	d.flags = 0;
	d.value = 999000;
	assert_int_equal(eg_cpufreq_hold(&c->cf, &d, 7), 0);
	d.value = 1844000;
	assert_int_equal(eg_cpufreq_hold(&c->cf, &d, 8), 0);
	assert_int_equal(eg_cpufreq_flush(&c->cf, 9), 0);
	assert_int_equal(c->cf.pd[0].setspeed.nr_writes, 2);
	assert_string_equal(rd(c, POL0 "scaling_setspeed"), "1844000");
	/* Caps are never held. */
	d.type = EG_DEC_SET_CAP;
	d.value = 1402000;
	assert_int_equal(eg_cpufreq_hold(&c->cf, &d, 10), 0);
	assert_string_equal(rd(c, POL0 "scaling_max_freq"), "1402000");
}

static void test_set_cap(void **state)
{
	struct ctx *c = *state;

	assert_int_equal(eg_cpufreq_open(&c->cf, &c->fs, &c->m, &c->st, 0), 0);
	assert_int_equal(apply(c, EG_DEC_SET_CAP, 1, 1421000, 1), 0);
	assert_string_equal(rd(c, POL4 "scaling_max_freq"), "1421000");
	/* Above the original max (2362000): clamped to it. */
	assert_int_equal(apply(c, EG_DEC_SET_CAP, 1, 9999999, 2), 0);
	assert_string_equal(rd(c, POL4 "scaling_max_freq"), "2362000");
	/* Below cpuinfo_min (903000): clamped up to it. */
	assert_int_equal(apply(c, EG_DEC_SET_CAP, 1, 100, 3), 0);
	assert_string_equal(rd(c, POL4 "scaling_max_freq"), "903000");
	/* 0 lifts the cap: the original max. */
	assert_int_equal(apply(c, EG_DEC_SET_CAP, 1, 0, 4), 0);
	assert_string_equal(rd(c, POL4 "scaling_max_freq"), "2362000");
	/* Userspace mode never writes min. */
	assert_string_equal(rd(c, POL4 "scaling_min_freq"), "903000");
	assert_string_equal(rd(c, POL0 "scaling_max_freq"), "1844000");
}

static void test_cpuidle_writes(void **state)
{
	struct ctx *c = *state;
	int32_t v = 0;
	char path[512];
	FILE *f;

	assert_int_equal(eg_cpuidle_open(&c->ci, &c->fs, FX_NR_CPUS, &c->st), 0);
	/* mask 0b101: states 0 and 2 disabled, 1 enabled. */
	assert_int_equal(apply(c, EG_DEC_IDLE_DISABLE, 2, 0x5, 1), 0);
	assert_string_equal(rd(c, CPU(2) "cpuidle/state0/disable"), "1");
	assert_string_equal(rd(c, CPU(2) "cpuidle/state1/disable"), "0");
	assert_string_equal(rd(c, CPU(2) "cpuidle/state2/disable"), "1");
	assert_string_equal(rd(c, CPU(3) "cpuidle/state0/disable"), "0");
	assert_int_equal(apply(c, EG_DEC_IDLE_LATENCY, 2, 50, 2), 0);
	assert_string_equal(rd(c, CPU(2) "power/pm_qos_resume_latency_us"), "50");
	/* 0 = no constraint = "0" for the kernel too. */
	assert_int_equal(apply(c, EG_DEC_IDLE_LATENCY, 2, 0, 3), 0);
	assert_string_equal(rd(c, CPU(2) "power/pm_qos_resume_latency_us"), "0");
	/* The file takes an s32: UINT32_MAX clamps to INT32_MAX = 2147483647. */
	assert_int_equal(apply(c, EG_DEC_IDLE_LATENCY, 2, UINT32_MAX, 4), 0);
	assert_string_equal(rd(c, CPU(2) "power/pm_qos_resume_latency_us"), "2147483647");
	assert_int_equal(apply(c, EG_DEC_IDLE_LATENCY, 8, 5, 5), -EINVAL);

	/* Global request: 4 raw bytes of a native s32, held until closed. */
	assert_int_equal(eg_cpuidle_set_global_latency(&c->ci, 25), 0);
	assert_true(c->ci.dma_fd >= 0);
	snprintf(path, sizeof(path), "%s/dev/cpu_dma_latency", c->fx.root);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fread(&v, 1, sizeof(v), f), 4);
	assert_int_equal(fgetc(f), EOF);
	fclose(f);
	assert_int_equal(v, 25);
	assert_int_equal(eg_cpuidle_set_global_latency(&c->ci, -1), 0);
	assert_int_equal(c->ci.dma_fd, -1);
}

static void test_restore_all(void **state)
{
	struct ctx *c = *state;

	fx_write(&c->fx, CPU(3) "power/pm_qos_resume_latency_us", "n/a\n");
	assert_int_equal(eg_cpufreq_open(&c->cf, &c->fs, &c->m, &c->st, 0), 0);
	assert_int_equal(eg_cpuidle_open(&c->ci, &c->fs, FX_NR_CPUS, &c->st), 0);
	assert_int_equal(apply(c, EG_DEC_SET_FREQ, 0, 999000, 1), 0);
	assert_int_equal(apply(c, EG_DEC_SET_CAP, 1, 1421000, 1), 0);
	assert_int_equal(apply(c, EG_DEC_IDLE_DISABLE, 5, 0x6, 1), 0);
	assert_int_equal(apply(c, EG_DEC_IDLE_LATENCY, 3, 100, 1), 0);
	assert_string_equal(rd(c, CPU(5) "cpuidle/state2/disable"), "1");
	eg_cpufreq_close(&c->cf);
	eg_cpuidle_close(&c->ci);

	assert_int_equal(eg_state_restore_file(c->fx.state), 0);
	assert_string_equal(rd(c, POL0 "scaling_governor"), "schedutil");
	assert_string_equal(rd(c, POL4 "scaling_governor"), "schedutil");
	assert_string_equal(rd(c, POL4 "scaling_max_freq"), "2362000");
	assert_string_equal(rd(c, POL4 "scaling_min_freq"), "903000");
	assert_string_equal(rd(c, CPU(5) "cpuidle/state1/disable"), "0");
	assert_string_equal(rd(c, CPU(5) "cpuidle/state2/disable"), "0");
	assert_string_equal(rd(c, CPU(3) "power/pm_qos_resume_latency_us"), "n/a");
	assert_false(eg_state_file_exists(c->fx.state));
	/* Idempotent: no file, nothing to do. */
	assert_int_equal(eg_state_restore_file(c->fx.state), 0);
}

static void test_stale_state_restored_at_start(void **state)
{
	struct ctx *c = *state;

	assert_int_equal(eg_cpufreq_open(&c->cf, &c->fs, &c->m, &c->st, 0), 0);
	assert_int_equal(apply(c, EG_DEC_SET_CAP, 0, 999000, 1), 0);
	/* Crash: no restore. The machine is left in eagov's settings. */
	eg_cpufreq_close(&c->cf);
	eg_state_free(&c->st);
	assert_string_equal(rd(c, POL0 "scaling_governor"), "userspace");

	/* Next start: the daemon restores the stale file before opening. */
	assert_true(eg_state_file_exists(c->fx.state));
	assert_int_equal(eg_state_restore_file(c->fx.state), 0);
	assert_string_equal(rd(c, POL0 "scaling_governor"), "schedutil");
	assert_string_equal(rd(c, POL0 "scaling_max_freq"), "1844000");
	eg_state_init(&c->st, c->fx.state);
	assert_int_equal(eg_cpufreq_open(&c->cf, &c->fs, &c->m, &c->st, 2), 0);
	/* So the new state file holds the true originals, not eagov's own. */
	assert_true(state_has(c, POL0 "scaling_governor", "schedutil"));
	assert_true(state_has(c, POL0 "scaling_max_freq", "1844000"));
}

/* Saved min 1800000 above the current max 1000000: max must go first; saved
 * max 700000 below the current min 999000: min must go first. */
static void test_restore_order(void **state)
{
	struct ctx *c = *state;
	char text[2048];
	int a, b;

	fx_write(&c->fx, POL0 "scaling_min_freq", "533000\n");
	fx_write(&c->fx, POL0 "scaling_max_freq", "1000000\n");
	fx_write(&c->fx, POL4 "scaling_min_freq", "999000\n");
	fx_write(&c->fx, POL4 "scaling_max_freq", "2362000\n");
	fx_write(&c->fx, POL0 "energy_performance_preference", "performance\n");
	snprintf(text, sizeof(text),
		 "# eagov state v1\n"
		 "%1$s" POL0 "scaling_min_freq=1800000\n"
		 "%1$s" POL0 "scaling_max_freq=1844000\n"
		 "%1$s" POL4 "scaling_max_freq=700000\n"
		 "%1$s" POL4 "scaling_min_freq=600000\n"
		 "%1$s" POL0 "scaling_governor=ondemand\n"
		 "%1$s" POL0 "energy_performance_preference=balance_power\n",
		 c->fx.root);
	fx_write(&c->fx, "/run/eagov/state", text);

	fx_log_capture(&c->log, EG_LOG_DEBUG);
	assert_int_equal(eg_state_restore_file(c->fx.state), 0);
	assert_int_equal(c->log.nr >= 6, true);
	/* Line order of the debug "restore" messages is the write order. */
	assert_non_null(strstr(c->log.msg[0], "energy_performance_preference"));
	assert_non_null(strstr(c->log.msg[1], "scaling_governor"));
	a = b = -1;
	for (int i = 0; i < c->log.nr; i++) {
		if (strstr(c->log.msg[i], "policy0/scaling_max_freq"))
			a = i;
		if (strstr(c->log.msg[i], "policy0/scaling_min_freq"))
			b = i;
	}
	assert_true(a >= 0 && b >= 0 && a < b);
	a = b = -1;
	for (int i = 0; i < c->log.nr; i++) {
		if (strstr(c->log.msg[i], "policy4/scaling_min_freq"))
			a = i;
		if (strstr(c->log.msg[i], "policy4/scaling_max_freq"))
			b = i;
	}
	assert_true(a >= 0 && b >= 0 && a < b);
	assert_string_equal(rd(c, POL0 "scaling_min_freq"), "1800000");
	assert_string_equal(rd(c, POL4 "scaling_max_freq"), "700000");
}

/* One path vanished (ENOENT: dropped), one is a directory (EISDIR: kept for a
 * later try), the rest are restored anyway. */
static void test_restore_partial(void **state)
{
	struct ctx *c = *state;
	char text[2048];

	fx_mkdir(&c->fx, CPU(1) "power/pm_qos_resume_latency_us.d");
	snprintf(text, sizeof(text),
		 "%1$s" CPU(9) "cpuidle/state0/disable=0\n"
			       "%1$s" CPU(1) "power/pm_qos_resume_latency_us.d=0\n"
					     "%1$s" POL0 "scaling_governor=ondemand\n",
		 c->fx.root);
	fx_write(&c->fx, "/run/eagov/state", text);
	fx_log_capture(&c->log, EG_LOG_WARNING);
	assert_int_equal(eg_state_restore_file(c->fx.state), -ENOENT);
	assert_string_equal(rd(c, POL0 "scaling_governor"), "ondemand");
	assert_int_equal(fx_log_count(&c->log, "cpu9/cpuidle/state0/disable", NULL), 1);
	/* Only the EISDIR entry is left, for a later attempt. */
	snprintf(text, sizeof(text),
		 "# eagov state v1: path=original value\n"
		 "%s" CPU(1) "power/pm_qos_resume_latency_us.d=0",
		 c->fx.root);
	assert_string_equal(rd(c, "/run/eagov/state"), text);
	/* Once it is a file again, a second call finishes and removes it. */
	fx_rm(&c->fx, CPU(1) "power/pm_qos_resume_latency_us.d");
	fx_write(&c->fx, CPU(1) "power/pm_qos_resume_latency_us.d", "7\n");
	assert_int_equal(eg_state_restore_file(c->fx.state), 0);
	assert_string_equal(rd(c, CPU(1) "power/pm_qos_resume_latency_us.d"), "0");
	assert_false(eg_state_file_exists(c->fx.state));
}

static void test_write_failure_backoff(void **state)
{
	struct ctx *c = *state;
	struct eg_attr *a;
	uint64_t t, backoff;
	int r;

	/* Root ignores file modes, so chmod 0444 cannot make a write fail in
	 * CI. A directory in the attribute's place fails open(O_WRONLY) with
	 * EISDIR for root and non-root alike. */
	fx_rm(&c->fx, POL4 "scaling_setspeed");
	fx_mkdir(&c->fx, POL4 "scaling_setspeed");
	fx_log_capture(&c->log, EG_LOG_INFO);
	assert_int_equal(eg_cpufreq_open(&c->cf, &c->fs, &c->m, &c->st, 0), 0);
	a = &c->cf.pd[1].setspeed;

	assert_int_equal(apply(c, EG_DEC_SET_FREQ, 1, 1421000, 0), -EISDIR);
	assert_int_equal(a->nr_failures, 1);
	assert_int_equal(eg_cpufreq_next_retry(&c->cf), EG_ATTR_BACKOFF_MIN_NS);
	/* In back-off: the newer request is kept but not attempted. */
	assert_int_equal(apply(c, EG_DEC_SET_FREQ, 1, 1805000, 1 * MS), -EAGAIN);
	assert_int_equal(a->nr_failures, 1);
	/* The other domain is not held up. */
	assert_int_equal(apply(c, EG_DEC_SET_FREQ, 0, 999000, 1 * MS), 0);
	assert_string_equal(rd(c, POL0 "scaling_setspeed"), "999000");

	/* Deadlines: 10 ms, then +20, +40, ... doubling up to 10 s. */
	t = EG_ATTR_BACKOFF_MIN_NS;
	backoff = EG_ATTR_BACKOFF_MIN_NS;
	for (int i = 2; i <= 14; i++) {
		assert_int_equal(eg_cpufreq_retry(&c->cf, t - 1), 0);
		assert_int_equal(a->nr_failures, i - 1);
		r = eg_cpufreq_retry(&c->cf, t);
		assert_int_equal(r, -EISDIR);
		assert_int_equal(a->nr_failures, i);
		backoff = EG_MIN(backoff * 2, EG_ATTR_BACKOFF_MAX_NS);
		t += backoff;
		assert_int_equal(eg_cpufreq_next_retry(&c->cf), t);
	}
	/* 10 ms * 2^10 > 10 s: the back-off has reached its ceiling. */
	assert_int_equal(a->backoff_ns, EG_ATTR_BACKOFF_MAX_NS);
	/* 14 failed attempts, one warning. */
	assert_int_equal(fx_log_count(&c->log, POL4 "scaling_setspeed", "failed"), 1);

	/* The knob comes back: the latest request is written. */
	fx_rm(&c->fx, POL4 "scaling_setspeed");
	fx_write(&c->fx, POL4 "scaling_setspeed", "<unsupported>\n");
	assert_int_equal(eg_cpufreq_retry(&c->cf, t), 0);
	assert_string_equal(rd(c, POL4 "scaling_setspeed"), "1805000");
	assert_int_equal(a->nr_failures, 0);
	assert_int_equal(eg_cpufreq_next_retry(&c->cf), 0);
	assert_int_equal(fx_log_count(&c->log, POL4 "scaling_setspeed", "written again"), 1);
}

static void test_hotunplug(void **state)
{
	struct ctx *c = *state;
	int r;

	assert_int_equal(eg_cpufreq_open(&c->cf, &c->fs, &c->m, &c->st, 0), 0);
	assert_int_equal(eg_cpuidle_open(&c->ci, &c->fs, FX_NR_CPUS, &c->st), 0);
	/* CPU 5 and the big policy go away with their files (the fds stay
	 * open, as they would in the daemon). */
	fx_rm(&c->fx, CPU(5));
	fx_rm(&c->fx, POL4);
	fx_log_capture(&c->log, EG_LOG_WARNING);
	for (int cpu = 0; cpu < FX_NR_CPUS; cpu++) {
		r = apply(c, EG_DEC_IDLE_LATENCY, cpu, 20, 1);
		assert_int_equal(r, cpu == 5 ? -ENODEV : 0);
	}
	assert_string_equal(rd(c, CPU(4) "power/pm_qos_resume_latency_us"), "20");
	assert_string_equal(rd(c, CPU(6) "power/pm_qos_resume_latency_us"), "20");
	assert_int_equal(apply(c, EG_DEC_SET_FREQ, 1, 1421000, 1), -ENODEV);
	assert_int_equal(apply(c, EG_DEC_SET_FREQ, 0, 1402000, 1), 0);
	assert_string_equal(rd(c, POL0 "scaling_setspeed"), "1402000");
	assert_int_equal(fx_log_count(&c->log, CPU(5), NULL), 1);
	eg_cpufreq_close(&c->cf);
	eg_cpuidle_close(&c->ci);

	/* Restore does what it can: the vanished paths are reported (first
	 * error) and dropped, everything else goes back. */
	assert_int_equal(eg_state_restore_file(c->fx.state), -ENOENT);
	assert_string_equal(rd(c, POL0 "scaling_governor"), "schedutil");
	assert_string_equal(rd(c, CPU(6) "power/pm_qos_resume_latency_us"), "0");
	assert_false(eg_state_file_exists(c->fx.state));
}

static void test_hwp_mapping(void **state)
{
	struct ctx *c = *state;

	assert_int_equal(eg_cpufreq_open(&c->cf, &c->fs, &c->m, &c->st, 0), 0);
	assert_int_equal(c->cf.pd[0].mode, EG_CPUFREQ_HWP);
	assert_true(c->cf.pd[0].has_epp);
	assert_true(state_has(c, POL0 "energy_performance_preference", "balance_performance"));
	assert_true(state_has(c, POL0 "scaling_governor", "performance"));
	assert_string_equal(rd(c, POL0 "scaling_governor"), "powersave");
	assert_false(fx_exists(&c->fx, POL0 "scaling_setspeed"));

	/* policy0 range 533000..1844000, width 1311000. 999000: quarter
	 * (999000-533000)*4/1311000 = 1.42 -> 1 = balance_power. */
	assert_int_equal(apply(c, EG_DEC_SET_FREQ, 0, 999000, 1), 0);
	assert_string_equal(rd(c, POL0 "scaling_min_freq"), "999000");
	assert_string_equal(rd(c, POL0 "energy_performance_preference"), "balance_power");
	assert_string_equal(rd(c, POL0 "scaling_max_freq"), "1844000");
	/* The top: performance; the bottom: power. */
	assert_int_equal(apply(c, EG_DEC_SET_FREQ, 0, 1844000, 2), 0);
	assert_string_equal(rd(c, POL0 "energy_performance_preference"), "performance");
	assert_int_equal(apply(c, EG_DEC_SET_FREQ, 0, 533000, 3), 0);
	assert_string_equal(rd(c, POL0 "energy_performance_preference"), "power");
	assert_string_equal(rd(c, POL0 "scaling_min_freq"), "533000");
	/* 1500000: (1500000-533000)*4/1311000 = 2.95 -> 2. */
	assert_int_equal(apply(c, EG_DEC_SET_FREQ, 0, 1500000, 4), 0);
	assert_string_equal(rd(c, POL0 "energy_performance_preference"), "balance_performance");
	/* A cap below the floor pulls the floor down to it. */
	assert_int_equal(apply(c, EG_DEC_SET_CAP, 0, 700000, 5), 0);
	assert_string_equal(rd(c, POL0 "scaling_max_freq"), "700000");
	assert_string_equal(rd(c, POL0 "scaling_min_freq"), "700000");
	/* Cap lifted: the floor asked for comes back. */
	assert_int_equal(apply(c, EG_DEC_SET_CAP, 0, 0, 6), 0);
	assert_string_equal(rd(c, POL0 "scaling_max_freq"), "1844000");
	assert_string_equal(rd(c, POL0 "scaling_min_freq"), "1500000");

	eg_cpufreq_close(&c->cf);
	assert_int_equal(eg_state_restore_file(c->fx.state), 0);
	assert_string_equal(rd(c, POL0 "scaling_governor"), "performance");
	assert_string_equal(rd(c, POL0 "energy_performance_preference"), "balance_performance");
	assert_string_equal(rd(c, POL0 "scaling_min_freq"), "533000");
	assert_string_equal(rd(c, POL0 "scaling_max_freq"), "1844000");
}

static void test_epp_quarters(void **state)
{
	(void)state;
	/* Range 0..1000: quarters end at 250, 500, 750. */
	assert_string_equal(eg_cpufreq_epp_for(0, 0, 1000), "power");
	assert_string_equal(eg_cpufreq_epp_for(249, 0, 1000), "power");
	assert_string_equal(eg_cpufreq_epp_for(250, 0, 1000), "balance_power");
	assert_string_equal(eg_cpufreq_epp_for(500, 0, 1000), "balance_performance");
	assert_string_equal(eg_cpufreq_epp_for(750, 0, 1000), "performance");
	assert_string_equal(eg_cpufreq_epp_for(999, 0, 1000), "performance");
	assert_string_equal(eg_cpufreq_epp_for(5, 10, 10), "performance");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_saves_originals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set_freq_exact, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hold_and_flush, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cpuidle_writes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restore_all, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale_state_restored_at_start, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_restore_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restore_partial, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_failure_backoff, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hotunplug, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hwp_mapping, setup_hwp, teardown),
		cmocka_unit_test(test_epp_quarters),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
