// SPDX-License-Identifier: GPL-2.0-or-later
/* Discovery against fake sysfs (umockdev, run under umockdev-wrapper): the
 * HiKey960 (two cpufreq-dt policies with tables, cpu_capacity, PSCI idle
 * states, debugfs Energy Model, thermal zones, device tree), a table-less
 * intel_pstate-like machine, a machine without cpufreq, identity, and the
 * merge with a device-file model. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <umockdev.h>

#include "discover.h"
#include "log.h"
#include "model.h"

struct fixture {
	UMockdevTestbed *tb;
	enum eg_log_level saved_level;
	char *root; /* testbed root: <root>/sys, <root>/proc */
};

static char logbuf[16384];

static void log_sink(void *user, enum eg_log_level level, const char *msg)
{
	size_t off = strlen(logbuf);

	(void)user;
	(void)level;
	snprintf(logbuf + off, sizeof(logbuf) - off, "%s\n", msg);
}

static void mkdirs(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) && errno != EEXIST)
			fail_msg("mkdir %s: %s", path, strerror(errno));
		*p = '/';
	}
}

/* Write len bytes at <root>/<rel>, creating directories. */
static void wbin(struct fixture *fx, const char *rel, const char *data, size_t len)
{
	char path[1024];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", fx->root, rel);
	mkdirs(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static void wfile(struct fixture *fx, const char *rel, const char *text)
{
	wbin(fx, rel, text, strlen(text));
}

static void wfilef(struct fixture *fx, const char *text, const char *relfmt, ...) EG_PRINTF(3, 4);
static void wfilef(struct fixture *fx, const char *text, const char *relfmt, ...)
{
	char rel[512];
	va_list ap;

	va_start(ap, relfmt);
	vsnprintf(rel, sizeof(rel), relfmt, ap);
	va_end(ap);
	wfile(fx, rel, text);
}

static void add_cpu(struct fixture *fx, int cpu)
{
	char desc[128];

	snprintf(desc, sizeof(desc), "P: /devices/system/cpu/cpu%d\nE: SUBSYSTEM=cpu\n", cpu);
	assert_true(umockdev_testbed_add_from_string(fx->tb, desc, NULL));
}

/* cpuN/cpufreq -> ../cpufreq/<policy>, as the kernel links it. */
static void link_policy(struct fixture *fx, int cpu, const char *policy)
{
	char path[1024], target[128];

	snprintf(path, sizeof(path), "%s/sys/devices/system/cpu/cpu%d/cpufreq", fx->root, cpu);
	snprintf(target, sizeof(target), "../cpufreq/%s", policy);
	mkdirs(path);
	assert_int_equal(symlink(target, path), 0);
}

static void add_policy(struct fixture *fx, const char *policy, int first, int last,
		       const char *freqs, const char *min, const char *max, const char *driver)
{
	char rel[256], cpus[64] = "";

	for (int c = first; c <= last; c++) {
		size_t off = strlen(cpus);

		snprintf(cpus + off, sizeof(cpus) - off, "%d%s", c, c == last ? "\n" : " ");
		link_policy(fx, c, policy);
	}
	snprintf(rel, sizeof(rel), "sys/devices/system/cpu/cpufreq/%s/", policy);
	wfilef(fx, cpus, "%srelated_cpus", rel);
	wfilef(fx, cpus, "%saffected_cpus", rel);
	if (freqs)
		wfilef(fx, freqs, "%sscaling_available_frequencies", rel);
	wfilef(fx, min, "%scpuinfo_min_freq", rel);
	wfilef(fx, max, "%scpuinfo_max_freq", rel);
	wfilef(fx, driver, "%sscaling_driver", rel);
}

static void add_idle_state(struct fixture *fx, int cpu, int k, const char *name,
			   const char *latency, const char *residency)
{
	wfile(fx, "sys/devices/system/cpu/cpuidle/current_driver", "psci_idle\n");
	wfilef(fx, name, "sys/devices/system/cpu/cpu%d/cpuidle/state%d/name", cpu, k);
	wfilef(fx, latency, "sys/devices/system/cpu/cpu%d/cpuidle/state%d/latency", cpu, k);
	wfilef(fx, residency, "sys/devices/system/cpu/cpu%d/cpuidle/state%d/residency", cpu, k);
}

/* Little-cluster power per OPP in uW, as the kernel's EM derives it from the
 * device tree: P = C * V[mV]^2 * f[MHz] / 10^6 with C = 110 (A53):
 *   533 MHz @ 700 mV:  110 * 490000  * 533  / 10^6 = 28728
 *   999 MHz @ 800 mV:  110 * 640000  * 999  / 10^6 = 70329
 *  1402 MHz @ 900 mV:  110 * 810000  * 1402 / 10^6 = 124918
 *  1709 MHz @ 1000 mV: 110 * 1000000 * 1709 / 10^6 = 187990
 *  1844 MHz @ 1100 mV: 110 * 1210000 * 1844 / 10^6 = 245436 */
static const uint32_t little_khz[] = { 533000, 999000, 1402000, 1709000, 1844000 };
static const uint64_t little_uw[] = { 28728, 70329, 124918, 187990, 245436 };
static const uint32_t big_khz[] = { 903000, 1421000, 1805000, 2112000, 2362000 };

/* add_device returns the new syspath, ours to free. */
static void add_zone(gchar *syspath)
{
	assert_non_null(syspath);
	g_free(syspath);
}

static void hikey960(struct fixture *fx)
{
	char rel[256], val[32];
	gchar *zone0, *cdev[3];

	for (int c = 0; c < 8; c++)
		add_cpu(fx, c);
	add_policy(fx, "policy0", 0, 3, "533000 999000 1402000 1709000 1844000 \n", "533000\n",
		   "1844000\n", "cpufreq-dt\n");
	add_policy(fx, "policy4", 4, 7, "903000 1421000 1805000 2112000 2362000 \n", "903000\n",
		   "2362000\n", "cpufreq-dt\n");
	/* clock-latency 300 us in the device tree = 300000 ns in sysfs. */
	wfile(fx, "sys/devices/system/cpu/cpufreq/policy0/cpuinfo_transition_latency", "300000\n");
	wfile(fx, "sys/devices/system/cpu/cpufreq/policy4/cpuinfo_transition_latency", "300000\n");
	for (int c = 0; c < 8; c++) {
		bool little = c < 4;

		/* The kernel's topology code: raw = capacity-dmips-mhz * max MHz,
		 * normalized to the largest: A53 592 * 1844 = 1091648, A73
		 * 1024 * 2362 = 2418688; 1091648 * 1024 / 2418688 = 462.17 -> 462. */
		wfilef(fx, little ? "462\n" : "1024\n", "sys/devices/system/cpu/cpu%d/cpu_capacity",
		       c);
		/* PSCI idle: WFI, then cpu-sleep with the DT's exit latency and
		 * min residency (A53 650/1500 us, A73 550/1500 us). */
		add_idle_state(fx, c, 0, "WFI\n", "1\n", "1\n");
		add_idle_state(fx, c, 1, "cpu-sleep\n", little ? "650\n" : "550\n", "1500\n");
	}
	/* Energy Model in debugfs: the little domain in uW (flags bit 0), the
	 * big one artificial (bit 2), whose abstract power must be ignored. */
	wfile(fx, "sys/kernel/debug/energy_model/cpu0/cpus", "0-3\n");
	wfile(fx, "sys/kernel/debug/energy_model/cpu0/flags", "0x1\n");
	for (size_t i = 0; i < ARRAY_SIZE(little_khz); i++) {
		snprintf(rel, sizeof(rel), "sys/kernel/debug/energy_model/cpu0/ps:%u/",
			 little_khz[i]);
		snprintf(val, sizeof(val), "%u\n", little_khz[i]);
		wfilef(fx, val, "%sfrequency", rel);
		snprintf(val, sizeof(val), "%" PRIu64 "\n", little_uw[i]);
		wfilef(fx, val, "%spower", rel);
	}
	wfile(fx, "sys/kernel/debug/energy_model/cpu4/cpus", "4-7\n");
	wfile(fx, "sys/kernel/debug/energy_model/cpu4/flags", "0x4\n");
	wfile(fx, "sys/kernel/debug/energy_model/cpu4/ps:903000/frequency", "903000\n");
	wfile(fx, "sys/kernel/debug/energy_model/cpu4/ps:903000/power", "77\n");
	/* Thermal: cls0 with its passive trips listed 75 C first, so discovery
	 * must sort them; zones 0, 2, 10 so udev's path order (0, 10, 2) must
	 * be put in numeric order. */
	zone0 = umockdev_testbed_add_device(
		fx->tb, "thermal", "thermal_zone0", NULL, "type", "cls0\n", "trip_point_0_temp",
		"75000\n", "trip_point_0_type", "passive\n", "trip_point_0_hyst", "2000\n",
		"trip_point_1_temp", "65000\n", "trip_point_1_type", "passive\n",
		"trip_point_1_hyst", "1000\n", "sustainable_power", "4500\n", "cdev0_weight", "0\n",
		"cdev1_weight", "512\n", "cdev3_weight", "512\n", NULL, NULL);
	assert_non_null(zone0);
	/* Cooling: cdev0 -> little (weight 0, the kernel's "no preference"),
	 * cdev1 and cdev3 (a gap at 2, as after an unbind) -> big (512, the
	 * DT's contribution), the second link being the other trip's; cdev4 a
	 * fan, not a CPU domain. */
	cdev[0] = umockdev_testbed_add_device(fx->tb, "thermal", "cooling_device0", NULL, "type",
					      "cpufreq-cpu0\n", NULL, NULL);
	cdev[1] = umockdev_testbed_add_device(fx->tb, "thermal", "cooling_device1", NULL, "type",
					      "cpufreq-cpu4\n", NULL, NULL);
	cdev[2] = umockdev_testbed_add_device(fx->tb, "thermal", "cooling_device2", NULL, "type",
					      "fan\n", NULL, NULL);
	for (int i = 0; i < 3; i++)
		assert_non_null(cdev[i]);
	/* Relative targets, as the kernel's: an absolute "/sys/..." link
	 * would be resolved by the kernel against the real /sys. */
	umockdev_testbed_set_attribute_link(fx->tb, zone0, "cdev0", "../cooling_device0");
	umockdev_testbed_set_attribute_link(fx->tb, zone0, "cdev1", "../cooling_device1");
	umockdev_testbed_set_attribute_link(fx->tb, zone0, "cdev3", "../cooling_device1");
	umockdev_testbed_set_attribute_link(fx->tb, zone0, "cdev4", "../cooling_device2");
	for (int i = 0; i < 3; i++)
		g_free(cdev[i]);
	g_free(zone0);
	add_zone(umockdev_testbed_add_device(fx->tb, "thermal", "thermal_zone10", NULL, "type",
					     "soc\n", "trip_point_0_temp", "105000\n",
					     "trip_point_0_type", "critical\n", NULL, NULL));
	add_zone(umockdev_testbed_add_device(fx->tb, "thermal", "thermal_zone2", NULL, "type",
					     "gpu\n", NULL, NULL));
	wbin(fx, "proc/device-tree/compatible", "hisilicon,hi3660-hikey960\0hisilicon,hi3660\0",
	     sizeof("hisilicon,hi3660-hikey960\0hisilicon,hi3660\0") - 1);
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	fx->tb = umockdev_testbed_new();
	assert_non_null(fx->tb);
	fx->root = umockdev_testbed_get_root_dir(fx->tb);
	logbuf[0] = '\0';
	eg_log_set_sink(log_sink, NULL);
	fx->saved_level = eg_log_get_level();
	eg_log_set_level(EG_LOG_DEBUG);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	eg_log_set_sink(NULL, NULL);
	eg_log_set_level(fx->saved_level);
	g_free(fx->root);
	g_object_unref(fx->tb);
	free(fx);
	return 0;
}

static void assert_cpus(const struct eg_pd *pd, int first, int last)
{
	for (int c = 0; c < EG_MAX_CPUS; c++)
		assert_int_equal(eg_cpumask_test(&pd->cpus, c), c >= first && c <= last);
	assert_int_equal(pd->nr_cpus, last - first + 1);
	assert_int_equal(pd->first_cpu, first);
}

static void test_hikey960(void **state)
{
	struct fixture *fx = *state;
	static struct eg_model m;
	struct eg_error err = { 0 };
	const struct eg_pd *l, *b;
	const struct eg_zone *z;

	hikey960(fx);
	assert_int_equal(eg_discover_model(&m, &err), 0);
	assert_int_equal(m.nr_pds, 2);
	assert_int_equal(m.nr_cpus, 8);
	l = &m.pds[0];
	b = &m.pds[1];
	assert_cpus(l, 0, 3);
	assert_cpus(b, 4, 7);
	assert_string_equal(l->sysfs_policy, "policy0");
	assert_string_equal(b->sysfs_policy, "policy4");
	assert_string_equal(l->name, "policy0");
	assert_string_equal(l->cpufreq_driver, "cpufreq-dt");
	assert_int_equal(l->origin, EG_ORIGIN_SYSFS);
	assert_false(eg_discover_pd_synthetic(l));
	assert_int_equal(l->transition_latency_ns, 300000);
	assert_int_equal(l->cpuinfo_min_khz, 533000);
	assert_int_equal(b->cpuinfo_max_khz, 2362000);
	assert_int_equal(l->nr_opps, 5);
	assert_int_equal(b->nr_opps, 5);
	for (int i = 0; i < 5; i++) {
		assert_int_equal(l->opps[i].khz, little_khz[i]);
		assert_int_equal(b->opps[i].khz, big_khz[i]);
		assert_int_equal(l->opps[i].power_uw, little_uw[i]);
		assert_int_equal(l->opps[i].power_origin, EG_ORIGIN_SYSFS);
		/* Artificial EM: power not taken. */
		assert_int_equal(b->opps[i].power_uw, 0);
	}
	assert_int_equal(l->max_cap, 462);
	assert_int_equal(b->max_cap, 1024);
	assert_int_equal(m.cpu_cap[3], 462);
	assert_int_equal(m.cpu_cap[4], 1024);
	/* perf at the lowest little OPP: 462 * 533000 / 1844000 = 133.5 -> 133;
	 * cost = 10 * 28728 / 133 = 2160. */
	assert_int_equal(l->opps[0].perf, 133);
	assert_int_equal(l->opps[0].cost, 2160);
	assert_int_equal(l->nr_cpu_idle, 2);
	assert_string_equal(l->cpu_idle[0].name, "WFI");
	assert_string_equal(l->cpu_idle[1].name, "cpu-sleep");
	assert_int_equal(l->cpu_idle[1].exit_us, 650);
	assert_int_equal(l->cpu_idle[1].residency_us, 1500);
	assert_int_equal(b->cpu_idle[1].exit_us, 550);
	assert_int_equal(m.nr_zones, 3);
	z = &m.zones[0];
	assert_string_equal(z->name, "cls0");
	assert_string_equal(z->sensor, "thermal_zone0");
	assert_int_equal(z->nr_trips, 2);
	assert_int_equal(z->trips[0].temp_mc, 65000);
	assert_int_equal(z->trips[0].hyst_mc, 1000);
	assert_int_equal(z->trips[0].type, EG_TRIP_PASSIVE);
	assert_int_equal(z->trips[1].temp_mc, 75000);
	assert_int_equal(z->trips[1].hyst_mc, 2000);
	assert_int_equal(z->sustainable_power_mw, 4500);
	assert_int_equal(z->origin, EG_ORIGIN_SYSFS);
	assert_int_equal(z->nr_cooled, 2);
	assert_int_equal(z->cooled[0].pd, 0);
	assert_int_equal(z->cooled[0].weight, 1024);
	assert_int_equal(z->cooled[1].pd, 1);
	assert_int_equal(z->cooled[1].weight, 512);
	assert_string_equal(m.zones[1].sensor, "thermal_zone2");
	assert_int_equal(m.zones[1].nr_trips, 0);
	assert_string_equal(m.zones[2].sensor, "thermal_zone10");
	assert_int_equal(m.zones[2].trips[0].type, EG_TRIP_CRITICAL);
	assert_int_equal(m.nr_compatible, 2);
	assert_string_equal(m.compatible[0], "hisilicon,hi3660-hikey960");
	assert_string_equal(m.compatible[1], "hisilicon,hi3660");
	assert_string_equal(m.name, "hisilicon,hi3660-hikey960");
	assert_string_equal(m.source, "sysfs");
	assert_non_null(strstr(logbuf, "abstract power scale"));
}

/* Per-CPU policies without a frequency table, as intel_pstate on a hybrid
 * part; no cpu_capacity (x86); an idle state out of order. */
static void test_range_driver(void **state)
{
	struct fixture *fx = *state;
	static struct eg_model m;
	struct eg_error err = { 0 };

	add_cpu(fx, 0);
	add_cpu(fx, 1);
	add_policy(fx, "policy0", 0, 0, NULL, "800000\n", "3500000\n", "intel_pstate\n");
	add_policy(fx, "policy1", 1, 1, NULL, "100000\n", "10000000\n", "intel_pstate\n");
	add_idle_state(fx, 0, 0, "POLL\n", "0\n", "0\n");
	add_idle_state(fx, 0, 1, "C1\n", "2\n", "2\n");
	add_idle_state(fx, 0, 2, "C1E\n", "1\n", "20\n"); /* exit 1 < 2: dropped */
	add_idle_state(fx, 0, 3, "C6\n", "170\n", "600\n");
	assert_int_equal(eg_discover_model(&m, &err), 0);
	assert_int_equal(m.nr_pds, 2);
	assert_string_equal(m.pds[0].name, "policy0" EG_DISCOVER_RANGE_SUFFIX);
	assert_string_equal(m.pds[0].sysfs_policy, "policy0");
	assert_string_equal(m.pds[0].cpufreq_driver, "intel_pstate");
	assert_true(eg_discover_pd_synthetic(&m.pds[0]));
	/* 800000, 900000, ..., 3400000 (27 points on the 100 MHz grid below
	 * the top) and the top 3500000: 28. */
	assert_int_equal(m.pds[0].nr_opps, 28);
	assert_int_equal(m.pds[0].opps[0].khz, 800000);
	assert_int_equal(m.pds[0].opps[1].khz, 900000);
	assert_int_equal(m.pds[0].opps[27].khz, 3500000);
	/* 100000..10000000 at 100 MHz needs 9900000 / 100000 + 2 = 101 > 64
	 * points; 200 MHz needs 49 + 2 = 51: points 100000 + k * 200000 for
	 * k = 0..49 (< 10000000) and the top: 51. */
	assert_int_equal(m.pds[1].nr_opps, 51);
	assert_int_equal(m.pds[1].opps[1].khz, 300000);
	assert_int_equal(m.pds[1].opps[49].khz, 9900000);
	assert_int_equal(m.pds[1].opps[50].khz, 10000000);
	/* No cpu_capacity: finalize's default, both 1024. */
	assert_int_equal(m.pds[0].max_cap, 1024);
	assert_int_equal(m.pds[1].max_cap, 1024);
	assert_int_equal(m.pds[0].nr_cpu_idle, 3);
	assert_string_equal(m.pds[0].cpu_idle[1].name, "C1");
	assert_string_equal(m.pds[0].cpu_idle[2].name, "C6");
	assert_int_equal(m.pds[0].cpu_idle[2].exit_us, 170);
	assert_int_equal(m.pds[1].nr_cpu_idle, 0);
	assert_int_equal(m.nr_zones, 0);
	assert_non_null(strstr(logbuf, "no frequency table"));
	assert_non_null(strstr(logbuf, "C1E"));
}

/* The CI VM: CPUs, haltpoll idle states, no cpufreq. */
static void no_cpufreq_machine(struct fixture *fx, const char *cpuinfo)
{
	for (int c = 0; c < 2; c++) {
		add_cpu(fx, c);
		add_idle_state(fx, c, 0, "poll\n", "0\n", "0\n");
		add_idle_state(fx, c, 1, "haltpoll\n", "1\n", "1\n");
	}
	wfile(fx, "proc/cpuinfo", cpuinfo);
}

static void test_no_cpufreq(void **state)
{
	struct fixture *fx = *state;
	static struct eg_model m;
	struct eg_error err = { 0 };

	no_cpufreq_machine(fx, "processor\t: 0\ncpu MHz\t\t: 2399.998\n\n"
			       "processor\t: 1\ncpu MHz\t\t: 2400.000\n\n");
	assert_int_equal(eg_discover_model(&m, &err), -ENODEV);
	assert_non_null(strstr(err.msg, "no cpufreq"));
	assert_non_null(strstr(err.msg, "no frequency control"));
	assert_non_null(strstr(logbuf, "no cpufreq"));

	assert_int_equal(eg_discover_cpus_only(&m, &err), 0);
	assert_int_equal(m.nr_pds, 1);
	assert_cpus(&m.pds[0], 0, 1);
	assert_string_equal(m.pds[0].name, EG_DISCOVER_NOFREQ_NAME);
	assert_true(eg_discover_pd_synthetic(&m.pds[0]));
	assert_string_equal(m.pds[0].sysfs_policy, "");
	/* The highest "cpu MHz": 2400.000 MHz = 2400000 kHz. */
	assert_int_equal(m.pds[0].nr_opps, 1);
	assert_int_equal(m.pds[0].opps[0].khz, 2400000);
	assert_int_equal(m.pds[0].max_cap, 1024);
	assert_int_equal(m.pds[0].nr_cpu_idle, 2);
	assert_string_equal(m.pds[0].cpu_idle[1].name, "haltpoll");
}

static void test_no_cpufreq_no_mhz(void **state)
{
	struct fixture *fx = *state;
	static struct eg_model m;
	struct eg_error err = { 0 };

	/* arm64 /proc/cpuinfo has no "cpu MHz". */
	no_cpufreq_machine(fx, "processor\t: 0\nBogoMIPS\t: 3.84\n\nprocessor\t: 1\n"
			       "BogoMIPS\t: 3.84\n");
	assert_int_equal(eg_discover_cpus_only(&m, &err), 0);
	assert_int_equal(m.pds[0].opps[0].khz, 1000000);
	assert_non_null(strstr(logbuf, "nominal"));
}

/* A partial cpufreq: cpu1 without a policy is an error naming it. */
static void test_some_cpus_without_cpufreq(void **state)
{
	struct fixture *fx = *state;
	static struct eg_model m;
	struct eg_error err = { 0 };

	add_cpu(fx, 0);
	add_cpu(fx, 1);
	add_policy(fx, "policy0", 0, 0, "1000000 2000000 \n", "1000000\n", "2000000\n",
		   "cpufreq-dt\n");
	assert_int_equal(eg_discover_model(&m, &err), -ENODEV);
	assert_non_null(strstr(err.msg, "CPUs 1 have no cpufreq policy"));
}

static void test_identity(void **state)
{
	struct fixture *fx = *state;
	char compat[4][EG_NAME_MAX], dmi[EG_NAME_MAX];
	int n = -1;
	/* The middle string is 60 characters, over EG_NAME_MAX - 1 = 47. */
	static const char dt[] = "vendor,board-a\0"
				 "vendor,an-extremely-long-compatible-string-for-a-board-xxxxxx\0"
				 "vendor,soc\0";

	/* Only the /sys/firmware copy, to exercise the fallback. umockdev
	 * redirects /proc only for files present in the testbed, so on a
	 * device-tree machine the real /proc/device-tree/compatible would win:
	 * there the fixture goes to /proc instead (the primary path). */
	if (access("/proc/device-tree/compatible", F_OK) == 0)
		wbin(fx, "proc/device-tree/compatible", dt, sizeof(dt) - 1);
	else
		wbin(fx, "sys/firmware/devicetree/base/compatible", dt, sizeof(dt) - 1);
	wfile(fx, "sys/class/dmi/id/product_name", "Test Board 9000\n");
	assert_int_equal(eg_discover_identity(compat, 4, &n, dmi, sizeof(dmi)), 0);
	assert_int_equal(n, 2);
	assert_string_equal(compat[0], "vendor,board-a");
	assert_string_equal(compat[1], "vendor,soc");
	assert_string_equal(dmi, "Test Board 9000");
	assert_non_null(strstr(logbuf, "skipped"));

	/* max bounds the list. */
	assert_int_equal(eg_discover_identity(compat, 1, &n, dmi, sizeof(dmi)), 0);
	assert_int_equal(n, 1);
}

/* A device file for the HiKey960, built by hand as conf.c would: domains in
 * the other order (big first) so indices differ from discovery's. */
static void hikey_file(struct eg_model *f)
{
	struct eg_pd *big, *little;
	struct eg_zone *z;

	eg_model_init(f);
	eg_strlcpy(f->name, "hikey960", sizeof(f->name));
	eg_strlcpy(f->source, "hikey960.ini", sizeof(f->source));
	f->nr_compatible = 1;
	eg_strlcpy(f->compatible[0], "hisilicon,hi3660-hikey960", EG_NAME_MAX);
	f->nr_pds = 2;
	big = &f->pds[0];
	little = &f->pds[1];
	eg_strlcpy(big->name, "big", sizeof(big->name));
	big->src_line = 20;
	for (int c = 4; c < 8; c++)
		eg_cpumask_set(&big->cpus, c);
	big->capacity_dmips_mhz = 1024;
	eg_strlcpy(little->name, "little", sizeof(little->name));
	little->src_line = 10;
	for (int c = 0; c < 4; c++)
		eg_cpumask_set(&little->cpus, c);
	/* 500 rather than the DT's 592, so the result tells dmips from the
	 * kernel's cpu_capacity: 500 * 1844 * 1024 / (1024 * 2362) = 390.4 -> 390. */
	little->capacity_dmips_mhz = 500;
	little->nr_opps = 5;
	for (int i = 0; i < 5; i++) {
		little->opps[i].khz = little_khz[i];
		little->opps[i].power_uw = 1000 * (uint64_t)(i + 1);
		little->opps[i].power_origin = EG_ORIGIN_FILE;
	}
	/* The file leaves the top OPP's power out: discovery's EM fills it. */
	little->opps[4].power_uw = 0;
	little->opps[4].power_origin = EG_ORIGIN_NONE;
	little->nr_cpu_idle = 1;
	eg_strlcpy(little->cpu_idle[0].name, "cpu-off", EG_NAME_MAX);
	little->cpu_idle[0].exit_us = 700;
	little->cpu_idle[0].residency_us = 1600;
	little->cpu_idle[0].power_uw = 10;
	little->nr_cluster_idle = 1;
	eg_strlcpy(little->cluster_idle[0].name, "cluster-off", EG_NAME_MAX);
	little->cluster_idle[0].exit_us = 1600;
	little->cluster_idle[0].residency_us = 3500;

	f->nr_zones = 2;
	z = &f->zones[0];
	eg_strlcpy(z->name, "cls0", sizeof(z->name));
	eg_strlcpy(z->sensor, "thermal_zone0", sizeof(z->sensor));
	z->nr_trips = 2;
	z->trips[0] = (struct eg_trip){ .temp_mc = 60000, .type = EG_TRIP_PASSIVE };
	z->trips[1] = (struct eg_trip){ .temp_mc = 70000, .type = EG_TRIP_PASSIVE };
	z->sustainable_power_mw = 3000;
	z->nr_cooled = 1;
	z->cooled[0] = (struct eg_cooled){ .pd = 0, .weight = 512 }; /* file's big */
	z->origin = EG_ORIGIN_FILE;
	z = &f->zones[1];
	eg_strlcpy(z->name, "board", sizeof(z->name));
	eg_strlcpy(z->sensor, "hwmon:board/temp1", sizeof(z->sensor));
	z->origin = EG_ORIGIN_FILE;
}

static void test_merge(void **state)
{
	struct fixture *fx = *state;
	static struct eg_model m, f;
	struct eg_error err = { 0 };
	const struct eg_pd *l, *b;

	hikey960(fx);
	assert_int_equal(eg_discover_model(&m, &err), 0);
	hikey_file(&f);
	assert_int_equal(eg_model_merge(&m, &f, &err), 0);
	assert_int_equal(m.nr_pds, 2);
	/* Discovery's order stays: pds[0] is policy0 (little). */
	l = &m.pds[0];
	b = &m.pds[1];
	assert_string_equal(l->name, "little");
	assert_string_equal(b->name, "big");
	assert_string_equal(l->sysfs_policy, "policy0");
	assert_string_equal(l->cpufreq_driver, "cpufreq-dt");
	assert_int_equal(l->transition_latency_ns, 300000);
	assert_int_equal(l->origin, EG_ORIGIN_FILE);
	assert_int_equal(b->origin, EG_ORIGIN_SYSFS);
	/* File power overrides the EM's, except where the file has none. */
	for (int i = 0; i < 4; i++) {
		assert_int_equal(l->opps[i].power_uw, 1000 * (uint64_t)(i + 1));
		assert_int_equal(l->opps[i].power_origin, EG_ORIGIN_FILE);
	}
	assert_int_equal(l->opps[4].power_uw, little_uw[4]);
	assert_int_equal(l->opps[4].power_origin, EG_ORIGIN_SYSFS);
	/* big: no OPPs in the file, discovery's table. */
	assert_int_equal(b->nr_opps, 5);
	assert_int_equal(b->opps[4].khz, 2362000);
	/* Capacity from the file's dmips (see hikey_file): 390, big 1024. */
	assert_int_equal(l->max_cap, 390);
	assert_int_equal(b->max_cap, 1024);
	assert_int_equal(m.cpu_cap[0], 390);
	/* Idle: the file's for little, discovery's for big. */
	assert_int_equal(l->nr_cpu_idle, 1);
	assert_string_equal(l->cpu_idle[0].name, "cpu-off");
	assert_int_equal(l->nr_cluster_idle, 1);
	assert_int_equal(b->nr_cpu_idle, 2);
	assert_string_equal(b->cpu_idle[1].name, "cpu-sleep");
	/* Zones: cls0 replaced (trips 60/70 C, 3000 mW), its cooled domain
	 * renumbered from the file's 0 (big) to discovery's 1; gpu and soc kept;
	 * the board zone added. */
	assert_int_equal(m.nr_zones, 4);
	assert_string_equal(m.zones[0].sensor, "thermal_zone0");
	assert_int_equal(m.zones[0].trips[0].temp_mc, 60000);
	assert_int_equal(m.zones[0].sustainable_power_mw, 3000);
	assert_int_equal(m.zones[0].origin, EG_ORIGIN_FILE);
	assert_int_equal(m.zones[0].cooled[0].pd, 1);
	assert_int_equal(m.zones[0].cooled[0].weight, 512);
	assert_string_equal(m.zones[1].name, "gpu");
	assert_string_equal(m.zones[2].name, "soc");
	assert_string_equal(m.zones[3].sensor, "hwmon:board/temp1");
	assert_string_equal(m.name, "hikey960");
	assert_string_equal(m.source, "hikey960.ini");
	assert_int_equal(m.nr_compatible, 1);
}

static void test_merge_warns_unknown_opp(void **state)
{
	struct fixture *fx = *state;
	static struct eg_model m, f;
	struct eg_error err = { 0 };

	hikey960(fx);
	assert_int_equal(eg_discover_model(&m, &err), 0);
	hikey_file(&f);
	f.pds[1].opps[2].khz = 1400000; /* kernel has 1402000 */
	assert_int_equal(eg_model_merge(&m, &f, &err), 0);
	assert_int_equal(m.pds[0].opps[2].khz, 1400000);
	assert_non_null(strstr(logbuf, "1400000 kHz is not in policy0's frequency table"));
}

static void test_merge_cpu_mismatch(void **state)
{
	struct fixture *fx = *state;
	static struct eg_model m, f;
	struct eg_error err = { 0 };

	hikey960(fx);
	assert_int_equal(eg_discover_model(&m, &err), 0);
	hikey_file(&f);
	eg_cpumask_clear(&f.pds[0].cpus, 6); /* big: 4-5,7 */
	eg_cpumask_clear(&f.pds[0].cpus, 7); /* big: 4-5 */
	assert_int_equal(eg_model_merge(&m, &f, &err), -EINVAL);
	assert_string_equal(err.file, "hikey960.ini");
	assert_int_equal(err.line, 20);
	assert_non_null(strstr(err.msg, "domain big has CPUs 4-5 but this machine's policy4 has "
					"CPUs 4-7"));

	/* CPUs the machine does not have. */
	hikey_file(&f);
	memset(&f.pds[0].cpus, 0, sizeof(f.pds[0].cpus));
	eg_cpumask_set(&f.pds[0].cpus, 8);
	eg_cpumask_set(&f.pds[0].cpus, 9);
	assert_int_equal(eg_model_merge(&m, &f, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "domain big has CPUs 8-9 but this machine has CPUs 0-7 "
					"only"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_hikey960, setup, teardown),
		cmocka_unit_test_setup_teardown(test_range_driver, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_cpufreq, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_cpufreq_no_mhz, setup, teardown),
		cmocka_unit_test_setup_teardown(test_some_cpus_without_cpufreq, setup, teardown),
		cmocka_unit_test_setup_teardown(test_identity, setup, teardown),
		cmocka_unit_test_setup_teardown(test_merge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_merge_warns_unknown_opp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_merge_cpu_mismatch, setup, teardown),
	};

	const char *preload = getenv("LD_PRELOAD");

	/* umockdev_in_mock_environment() answers false under umockdev-wrapper
	 * in umockdev 0.17 (checked on Debian 12), so look at LD_PRELOAD. */
	if (!preload || !strstr(preload, "umockdev-preload")) {
		fprintf(stderr, "not under umockdev-wrapper: skipped\n");
		return 77;
	}
	return cmocka_run_group_tests_name("discover", tests, NULL, NULL);
}
