// SPDX-License-Identifier: GPL-2.0-or-later
/* Machine model discovery from sysfs and procfs: the CPUs, their frequency
 * domains (libcpupower), capacities, idle states (libcpuidle plus the
 * residency files), the machine's identity, and the pseudo domain of a
 * machine without cpufreq. The Energy Model and the thermal zones have their
 * own files (discover_em.c, discover_thermal.c). */
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cpufreq.h>
#include <cpuidle.h>

#include "discover_priv.h"
#include "fileio.h"
#include "log.h"
#include "parse.h"
#include "sysfs_io.h"
#include "util.h"

#define CPU_DIR "/sys/devices/system/cpu"
#define CPUINFO "/proc/cpuinfo"

/* Kernel's CPUFREQ_ETERNAL: "latency unknown", printed as (unsigned)-1. */
#define CPUFREQ_ETERNAL_NS 4294967295UL
/* A pseudo domain's OPP when /proc/cpuinfo has no "cpu MHz" (see header). */
#define NOFREQ_NOMINAL_KHZ 1000000U

int eg_discover_pathf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int eg_discover_fail(struct eg_error *err, int r, const char *fmt, ...)
{
	char msg[sizeof(err->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	eg_error_set(err, "", 0, "%s", msg);
	return eg_log_errno(r, "%s", msg);
}

int eg_discover_read_text(const char *path, char *buf, size_t len)
{
	int r = eg_read_small(path, buf, len, 1);

	return r < 0 ? r : 0;
}

/* The CPUs the kernel shows (cpuN directories: present CPUs, online or not;
 * "possible" would include never-present ones on many VMs). */
static int scan_cpus(eg_cpumask_t *cpus, struct eg_error *err)
{
	struct dirent *e;
	DIR *d;
	int n = 0;

	memset(cpus, 0, sizeof(*cpus));
	d = opendir(CPU_DIR);
	if (!d)
		return eg_discover_fail(err, -errno, "cannot list %s", CPU_DIR);
	while ((e = readdir(d))) {
		const char *p = e->d_name;
		int cpu;

		if (strncmp(p, "cpu", 3) || !isdigit((unsigned char)p[3]))
			continue;
		if (eg_parse_int(p + 3, INT_MIN, INT_MAX, &cpu) || cpu < 0)
			continue;
		if (cpu >= EG_MAX_CPUS) {
			closedir(d);
			return eg_discover_fail(err, -E2BIG,
						"CPU %d is beyond eagov's limit of %d CPUs", cpu,
						EG_MAX_CPUS);
		}
		eg_cpumask_set(cpus, cpu);
		n++;
	}
	closedir(d);
	if (n == 0)
		return eg_discover_fail(err, -ENODEV, "no CPU found under %s", CPU_DIR);
	return 0;
}

static bool str_ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcmp(s + a - b, suffix) == 0;
}

bool eg_discover_pd_synthetic(const struct eg_pd *pd)
{
	return str_ends_with(pd->name, EG_DISCOVER_RANGE_SUFFIX) ||
	       eg_streq(pd->name, EG_DISCOVER_NOFREQ_NAME);
}

/* "policyN" from the cpuN/cpufreq symlink; a kernel without the symlink
 * (or a fixture with a plain directory) gets policy<first CPU>, the name the
 * kernel gives a policy. */
static void policy_name(int cpu, const struct eg_pd *pd, char *buf, size_t len)
{
	char path[EG_PATH_MAX], link[EG_PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), CPU_DIR "/cpu%d/cpufreq", cpu);
	n = readlink(path, link, sizeof(link) - 1);
	if (n > 0) {
		const char *base;

		link[n] = '\0';
		base = strrchr(link, '/');
		base = base ? base + 1 : link;
		if (!strncmp(base, "policy", 6) && !eg_strlcpy(buf, base, len))
			return;
	}
	snprintf(buf, len, "policy%d", pd->first_cpu);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* OPPs from the driver's table: sorted (acpi-cpufreq lists them high to
 * low), duplicates dropped. Returns how many, or -E2BIG. */
static int opps_from_table(struct eg_pd *pd, int cpu, struct eg_error *err)
{
	struct cpufreq_available_frequencies *list, *f;
	uint32_t khz[EG_MAX_OPPS];
	int n = 0;

	list = cpufreq_get_available_frequencies((unsigned int)cpu);
	if (!list)
		return 0;
	for (f = list; f; f = f->next) {
		if (!f->frequency || f->frequency > UINT32_MAX)
			continue;
		if (n == EG_MAX_OPPS) {
			cpufreq_put_available_frequencies(list);
			return eg_discover_fail(err, -E2BIG, "%s lists more than %d frequencies",
						pd->name, EG_MAX_OPPS);
		}
		khz[n++] = (uint32_t)f->frequency;
	}
	cpufreq_put_available_frequencies(list);
	qsort(khz, (size_t)n, sizeof(khz[0]), cmp_u32);
	pd->nr_opps = 0;
	for (int i = 0; i < n; i++) {
		if (pd->nr_opps && pd->opps[pd->nr_opps - 1].khz == khz[i])
			continue;
		memset(&pd->opps[pd->nr_opps], 0, sizeof(pd->opps[0]));
		pd->opps[pd->nr_opps++].khz = khz[i];
	}
	return pd->nr_opps;
}

/* OPPs every step from cpuinfo_min to cpuinfo_max (both included) for
 * drivers without a table; see EG_DISCOVER_RANGE_STEP_KHZ. */
static void opps_from_range(struct eg_pd *pd)
{
	uint32_t lo = pd->cpuinfo_min_khz, hi = pd->cpuinfo_max_khz;
	uint32_t step = EG_DISCOVER_RANGE_STEP_KHZ;

	/* (hi - lo) / step + 2 points at most (the top one may be off-grid). */
	while ((hi - lo) / step + 2 > EG_MAX_OPPS)
		step += EG_DISCOVER_RANGE_STEP_KHZ;
	pd->nr_opps = 0;
	for (uint32_t f = lo; f < hi; f += step) {
		memset(&pd->opps[pd->nr_opps], 0, sizeof(pd->opps[0]));
		pd->opps[pd->nr_opps++].khz = f;
	}
	memset(&pd->opps[pd->nr_opps], 0, sizeof(pd->opps[0]));
	pd->opps[pd->nr_opps++].khz = hi;
}

/* cpu_capacity of the domain's first CPU into max_cap; absent (x86) is fine. */
static int read_capacity(struct eg_pd *pd, struct eg_error *err)
{
	char path[EG_PATH_MAX];
	uint64_t first = 0;
	int cpu, r;

	eg_for_each_cpu (cpu, &pd->cpus) {
		uint64_t cap;

		snprintf(path, sizeof(path), CPU_DIR "/cpu%d/cpu_capacity", cpu);
		r = eg_sysfs_read_u64(path, &cap);
		if (r == -ENOENT)
			return 0;
		if (r)
			return eg_discover_fail(err, r, "cannot read %s", path);
		if (cap == 0 || cap > EG_CAPACITY_SCALE)
			return eg_discover_fail(err, -EINVAL,
						"%s: capacity %" PRIu64 " out of 1..%u", path, cap,
						EG_CAPACITY_SCALE);
		if (!first) {
			first = cap;
			pd->max_cap = (uint32_t)cap;
		} else if (cap != first) {
			/* Same policy means same core type; differing values are
			 * a firmware oddity, the first CPU speaks for the domain. */
			eg_warn("%s: cpu%d capacity %" PRIu64 " differs from cpu%d's %" PRIu64
				", using %" PRIu64,
				pd->name, cpu, cap, pd->first_cpu, first, first);
		}
	}
	return 0;
}

/* The cpuidle states of one CPU (shallow to deep). */
static int read_idle_states(struct eg_pd *pd, int cpu, struct eg_error *err)
{
	unsigned int count = cpuidle_state_count((unsigned int)cpu);
	char path[EG_PATH_MAX];

	pd->nr_cpu_idle = 0;
	if (count > EG_MAX_IDLE_STATES) {
		eg_warn("cpu%d has %u idle states, keeping the first %d", cpu, count,
			EG_MAX_IDLE_STATES);
		count = EG_MAX_IDLE_STATES;
	}
	for (unsigned int k = 0; k < count; k++) {
		struct eg_idle_state *st = &pd->cpu_idle[pd->nr_cpu_idle];
		uint64_t residency;
		char *name;
		int r;

		memset(st, 0, sizeof(*st));
		name = cpuidle_state_name((unsigned int)cpu, k);
		if (!name)
			return eg_discover_fail(
				err, -EIO, "cannot read the name of cpu%d idle state %u", cpu, k);
		if (eg_strlcpy(st->name, name, sizeof(st->name)))
			eg_warn("cpu%d idle state name '%s' truncated", cpu, name);
		free(name);
		/* libcpupower returns 0 both for failure and for a real 0 us
		 * (POLL); the name read above proves the state exists. */
		st->exit_us = (uint32_t)EG_MIN(cpuidle_state_latency((unsigned int)cpu, k),
					       (unsigned long)UINT32_MAX);
		/* libcpupower 6.1 has no residency getter. */
		snprintf(path, sizeof(path), CPU_DIR "/cpu%d/cpuidle/state%u/residency", cpu, k);
		r = eg_sysfs_read_u64(path, &residency);
		if (r)
			return eg_discover_fail(err, r, "cannot read %s", path);
		st->residency_us = (uint32_t)EG_MIN(residency, (uint64_t)UINT32_MAX);
		if (pd->nr_cpu_idle > 0) {
			const struct eg_idle_state *prev = &pd->cpu_idle[pd->nr_cpu_idle - 1];

			/* The model orders states by cost (deeper = longer exit and
			 * residency); a state that breaks the order cannot be placed
			 * in it, so it is left out rather than failing discovery. */
			if (st->exit_us < prev->exit_us || st->residency_us < prev->residency_us) {
				eg_warn("cpu%d idle state %s (%u/%u us) is shallower than %s, ignored",
					cpu, st->name, st->exit_us, st->residency_us, prev->name);
				continue;
			}
		}
		pd->nr_cpu_idle++;
	}
	return 0;
}

/* One domain from the cpufreq policy of cpu (whose CPUs are already set). */
static int fill_domain(struct eg_pd *pd, int cpu, struct eg_error *err)
{
	unsigned long lo = 0, hi = 0, lat;
	char *driver;
	int c, r;

	pd->first_cpu = -1;
	eg_for_each_cpu (c, &pd->cpus) {
		pd->first_cpu = c;
		break;
	}
	pd->nr_cpus = eg_cpumask_weight(&pd->cpus);
	pd->origin = EG_ORIGIN_SYSFS;
	policy_name(cpu, pd, pd->sysfs_policy, sizeof(pd->sysfs_policy));
	eg_strlcpy(pd->name, pd->sysfs_policy, sizeof(pd->name));

	driver = cpufreq_get_driver((unsigned int)cpu);
	if (driver) {
		eg_strlcpy(pd->cpufreq_driver, driver, sizeof(pd->cpufreq_driver));
		cpufreq_put_driver(driver);
	} else {
		eg_warn("%s: cannot read scaling_driver", pd->name);
	}
	if (cpufreq_get_hardware_limits((unsigned int)cpu, &lo, &hi) || !lo || !hi || lo > hi ||
	    hi > UINT32_MAX)
		return eg_discover_fail(err, -EIO,
					"%s: cannot read valid cpuinfo_min_freq/cpuinfo_max_freq "
					"(%lu..%lu kHz)",
					pd->name, lo, hi);
	pd->cpuinfo_min_khz = (uint32_t)lo;
	pd->cpuinfo_max_khz = (uint32_t)hi;
	lat = cpufreq_get_transition_latency((unsigned int)cpu);
	/* 0 is libcpupower's failure value and ETERNAL the kernel's "unknown":
	 * both leave the latency unknown (0) for the governors' defaults. */
	pd->transition_latency_ns = (lat == CPUFREQ_ETERNAL_NS || lat > UINT32_MAX) ? 0 :
										      (uint32_t)lat;

	r = opps_from_table(pd, cpu, err);
	if (r < 0)
		return r;
	if (r == 0) {
		opps_from_range(pd);
		if (strlen(pd->name) + strlen(EG_DISCOVER_RANGE_SUFFIX) < sizeof(pd->name))
			strcat(pd->name, EG_DISCOVER_RANGE_SUFFIX);
		eg_notice("%s (%s): no frequency table, %d OPPs made from %u..%u kHz", pd->name,
			  pd->cpufreq_driver, pd->nr_opps, pd->cpuinfo_min_khz,
			  pd->cpuinfo_max_khz);
	}
	r = read_capacity(pd, err);
	if (r)
		return r;
	return read_idle_states(pd, pd->first_cpu, err);
}

static int discover_domains(struct eg_model *m, const eg_cpumask_t *cpus, struct eg_error *err)
{
	eg_cpumask_t covered = { { 0 } }, missing = { { 0 } };
	char a[128], b[128];
	int cpu, r;

	eg_for_each_cpu (cpu, cpus) {
		struct cpufreq_affected_cpus *rel, *x;
		struct eg_pd *pd;

		if (eg_cpumask_test(&covered, cpu))
			continue;
		rel = cpufreq_get_related_cpus((unsigned int)cpu);
		if (!rel) {
			eg_cpumask_set(&missing, cpu);
			continue;
		}
		if (m->nr_pds == EG_MAX_PDS) {
			cpufreq_put_related_cpus(rel);
			return eg_discover_fail(err, -E2BIG,
						"more than %d cpufreq policies (per-CPU policies "
						"on a large machine?): beyond eagov's model",
						EG_MAX_PDS);
		}
		pd = &m->pds[m->nr_pds++];
		memset(pd, 0, sizeof(*pd));
		for (x = rel; x; x = x->next) {
			if (x->cpu >= EG_MAX_CPUS) {
				cpufreq_put_related_cpus(rel);
				return eg_discover_fail(err, -E2BIG,
							"cpu%d: related CPU %u beyond %d", cpu,
							x->cpu, EG_MAX_CPUS);
			}
			eg_cpumask_set(&pd->cpus, (int)x->cpu);
			eg_cpumask_set(&covered, (int)x->cpu);
		}
		cpufreq_put_related_cpus(rel);
		eg_cpumask_set(&pd->cpus, cpu);
		eg_cpumask_set(&covered, cpu);
		r = fill_domain(pd, cpu, err);
		if (r)
			return r;
	}
	if (m->nr_pds == 0) {
		/* Expected on VMs and some boards: the caller decides what to do
		 * (eg_discover_cpus_only() for idle-only or poll-only use), so
		 * this is information, not an error. */
		eg_error_set(err, "", 0,
			     "no cpufreq on this machine (no %s/cpu0/cpufreq): "
			     "no frequency control",
			     CPU_DIR);
		eg_info("%s", err ? err->msg : "no cpufreq on this machine");
		return -ENODEV;
	}
	eg_cpumask_format(&missing, a, sizeof(a));
	eg_cpumask_format(&covered, b, sizeof(b));
	if (eg_cpumask_weight(&missing))
		return eg_discover_fail(err, -ENODEV,
					"CPUs %s have no cpufreq policy while CPUs %s do", a, b);
	return 0;
}

static int split_compatible(const char *buf, size_t len, char compatible[][EG_NAME_MAX], int max,
			    int *n)
{
	size_t off = 0;

	while (off < len) {
		const char *s = buf + off;
		size_t sl = strnlen(s, len - off);

		off += sl + 1;
		if (sl == 0)
			continue;
		if (sl >= EG_NAME_MAX) {
			eg_warn("compatible string '%.*s' longer than %d, skipped", (int)sl, s,
				EG_NAME_MAX - 1);
			continue;
		}
		if (*n == max)
			break;
		memcpy(compatible[*n], s, sl);
		compatible[*n][sl] = '\0';
		(*n)++;
	}
	return 0;
}

int eg_discover_identity(char compatible[][EG_NAME_MAX], int max, int *n, char *dmi, size_t dmilen)
{
	static const char *const dt_paths[] = {
		"/proc/device-tree/compatible",
		"/sys/firmware/devicetree/base/compatible",
	};
	const char *dmi_path = "/sys/class/dmi/id/product_name";
	char buf[4096];
	int r = -ENOENT;

	*n = 0;
	if (dmilen)
		dmi[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(dt_paths) && r == -ENOENT; i++) {
		r = eg_read_small(dt_paths[i], buf, sizeof(buf), 0);
		if (r >= 0) {
			split_compatible(buf, (size_t)r, compatible, max, n);
			r = 0;
		} else if (r != -ENOENT) {
			return eg_log_errno(r, "cannot read %s", dt_paths[i]);
		}
	}
	if (dmilen) {
		r = eg_discover_read_text(dmi_path, buf, sizeof(buf));
		if (r == 0) {
			if (eg_strlcpy(dmi, buf, dmilen))
				eg_warn("DMI product name '%s' truncated", buf);
		} else if (r != -ENOENT) {
			return eg_log_errno(r, "cannot read %s", dmi_path);
		}
	}
	return 0;
}

/* Identity, zones and the final checks: the end shared by both discovery
 * entry points. */
static int discover_finish(struct eg_model *m, struct eg_error *err)
{
	char dmi[EG_NAME_MAX];
	int r;

	r = eg_discover_identity(m->compatible, EG_MAX_IDS, &m->nr_compatible, dmi, sizeof(dmi));
	if (r)
		return eg_discover_fail(err, r, "cannot read the machine's identity");
	m->nr_dmi = 0;
	if (dmi[0]) {
		memcpy(m->dmi[0], dmi, sizeof(dmi));
		m->nr_dmi = 1;
	}
	if (m->nr_dmi)
		eg_strlcpy(m->name, m->dmi[0], sizeof(m->name));
	else if (m->nr_compatible)
		eg_strlcpy(m->name, m->compatible[0], sizeof(m->name));
	else
		eg_strlcpy(m->name, "sysfs", sizeof(m->name));
	r = eg_discover_zones(m, err);
	if (r)
		return r;
	return eg_discover_finalize(m, err);
}

int eg_discover_finalize(struct eg_model *m, struct eg_error *err)
{
	char msg[sizeof(err->msg) + EG_PATH_MAX + 16];
	struct eg_error local;
	int r;

	if (!err)
		err = &local;
	r = eg_model_finalize(m, err);
	if (r) {
		eg_error_format(err, msg, sizeof(msg));
		eg_err("discovered model is inconsistent: %s", msg);
	}
	return r;
}

int eg_discover_model(struct eg_model *m, struct eg_error *err)
{
	eg_cpumask_t cpus;
	int r;

	eg_model_init(m);
	eg_strlcpy(m->source, "sysfs", sizeof(m->source));
	r = scan_cpus(&cpus, err);
	if (r)
		return r;
	r = discover_domains(m, &cpus, err);
	if (r)
		return r;
	r = eg_discover_em(m, err);
	if (r)
		return r;
	return discover_finish(m, err);
}

/* Highest "cpu MHz" of /proc/cpuinfo in kHz; -ENOENT when there is none. */
static int cpuinfo_max_khz(uint32_t *khz)
{
	char *line = NULL;
	size_t cap = 0;
	double best = 0;
	FILE *f;

	f = fopen(CPUINFO, "re");
	if (!f)
		return -errno;
	errno = 0;
	while (getline(&line, &cap, f) > 0) {
		char *colon, *v;
		double mhz;

		if (strncmp(line, "cpu MHz", 7) || !(colon = strchr(line, ':')))
			continue;
		for (v = colon + 1; isspace((unsigned char)*v); v++)
			;
		v[strcspn(v, " \t\n")] = '\0';
		if (eg_parse_double(v, 0, 1e7, &mhz) == 0 && mhz > best)
			best = mhz;
	}
	if (ferror(f)) {
		int r = errno ? -errno : -EIO;

		free(line);
		fclose(f);
		return r;
	}
	free(line);
	fclose(f);
	if (best < 1.0 || best * 1000.0 > (double)UINT32_MAX)
		return -ENOENT;
	*khz = (uint32_t)(best * 1000.0 + 0.5);
	return 0;
}

int eg_discover_cpus_only(struct eg_model *m, struct eg_error *err)
{
	eg_cpumask_t cpus;
	struct eg_pd *pd;
	uint32_t khz = 0;
	int cpu, r;

	eg_model_init(m);
	eg_strlcpy(m->source, "sysfs", sizeof(m->source));
	r = scan_cpus(&cpus, err);
	if (r)
		return r;
	pd = &m->pds[m->nr_pds++];
	pd->cpus = cpus;
	pd->nr_cpus = eg_cpumask_weight(&cpus);
	pd->origin = EG_ORIGIN_SYSFS;
	eg_strlcpy(pd->name, EG_DISCOVER_NOFREQ_NAME, sizeof(pd->name));
	eg_for_each_cpu (cpu, &cpus) {
		pd->first_cpu = cpu;
		break;
	}
	r = cpuinfo_max_khz(&khz);
	if (r == -ENOENT) {
		khz = NOFREQ_NOMINAL_KHZ;
		eg_notice("no 'cpu MHz' in %s: nominal %u kHz for the no-cpufreq domain", CPUINFO,
			  khz);
	} else if (r) {
		return eg_discover_fail(err, r, "cannot read %s", CPUINFO);
	}
	pd->nr_opps = 1;
	pd->opps[0].khz = khz;
	pd->cpuinfo_min_khz = pd->cpuinfo_max_khz = khz;
	eg_notice("no cpufreq: one pseudo domain '%s' of %d CPUs with one OPP of %u kHz", pd->name,
		  pd->nr_cpus, khz);
	r = read_capacity(pd, err);
	if (r)
		return r;
	r = read_idle_states(pd, pd->first_cpu, err);
	if (r)
		return r;
	return discover_finish(m, err);
}
