/* Machine model discovery from sysfs / debugfs / procfs, and the merge with a
 * device file. libcpupower for cpufreq and cpuidle, libudev for thermal zones,
 * plain reads for what neither covers (cpu_capacity, state residency, the
 * Energy Model in debugfs, identity). */
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cpufreq.h>
#include <cpuidle.h>
#include <libudev.h>

#include "discover.h"
#include "log.h"
#include "util.h"

#define CPU_DIR "/sys/devices/system/cpu"
#define EM_DIR "/sys/kernel/debug/energy_model"
#define CPUINFO "/proc/cpuinfo"

/* Kernel's CPUFREQ_ETERNAL: "latency unknown", printed as (unsigned)-1. */
#define CPUFREQ_ETERNAL_NS 4294967295UL
/* A pseudo domain's OPP when /proc/cpuinfo has no "cpu MHz" (see header). */
#define NOFREQ_NOMINAL_KHZ 1000000U
/* Trips per zone we look at; the kernel has no fixed maximum, zones with more
 * than a dozen trips do not exist in practice, EG_MAX_TRIPS bounds the model. */
#define MAX_TRIP_PROBE 64
/* Energy Model flags (include/linux/energy_model.h): power in uW (5.19+; it
 * meant mW in 5.18, the only release with a flags file and mW), and an
 * artificial EM whose power values are abstract. */
#define EM_FLAG_MICROWATTS 0x1UL
#define EM_FLAG_ARTIFICIAL 0x4UL

/* Format a path; -ENAMETOOLONG rather than a silently truncated one. */
static int pathf(char *buf, size_t len, const char *fmt, ...) EG_PRINTF(3, 4);
static int pathf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* Read up to len-1 bytes of a file; *out_len gets the count. 0 or -errno. */
static int read_raw(const char *path, char *buf, size_t len, size_t *out_len)
{
	size_t off = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (off + 1 < len) {
		ssize_t n = read(fd, buf + off, len - 1 - off);

		if (n < 0) {
			int r = -errno;

			if (r == -EINTR)
				continue;
			close(fd);
			return r;
		}
		if (n == 0)
			break;
		off += (size_t)n;
	}
	close(fd);
	buf[off] = '\0';
	if (out_len)
		*out_len = off;
	return 0;
}

/* A one-value sysfs file as a string without the trailing newline. */
static int read_text(const char *path, char *buf, size_t len)
{
	size_t n;
	int r = read_raw(path, buf, len, &n);

	if (r)
		return r;
	while (n > 0 && isspace((unsigned char)buf[n - 1]))
		buf[--n] = '\0';
	return 0;
}

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;
	unsigned long long x;

	if (!*s || *s == '-')
		return -EINVAL;
	errno = 0;
	x = strtoull(s, &end, 0);
	if (errno)
		return -errno;
	if (end == s || *end)
		return -EINVAL;
	*v = x;
	return 0;
}

static int parse_int(const char *s, int *v)
{
	char *end;
	long x;

	if (!*s)
		return -EINVAL;
	errno = 0;
	x = strtol(s, &end, 10);
	if (errno)
		return -errno;
	if (end == s || *end || x < INT_MIN || x > INT_MAX)
		return -EINVAL;
	*v = (int)x;
	return 0;
}

static int read_u64(const char *path, uint64_t *v)
{
	char buf[64];
	int r = read_text(path, buf, sizeof(buf));

	if (r)
		return r;
	return parse_u64(buf, v);
}

/* Log, fill err and return r (a negative errno). */
static int fail(struct eg_error *err, int r, const char *fmt, ...) EG_PRINTF(3, 4);
static int fail(struct eg_error *err, int r, const char *fmt, ...)
{
	char msg[sizeof(err->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	eg_error_set(err, "", 0, "%s", msg);
	return eg_log_errno(r, "%s", msg);
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
		return fail(err, -errno, "cannot list %s", CPU_DIR);
	while ((e = readdir(d))) {
		const char *p = e->d_name;
		int cpu;

		if (strncmp(p, "cpu", 3) || !isdigit((unsigned char)p[3]))
			continue;
		if (parse_int(p + 3, &cpu) || cpu < 0)
			continue;
		if (cpu >= EG_MAX_CPUS) {
			closedir(d);
			return fail(err, -E2BIG, "CPU %d is beyond eagov's limit of %d CPUs", cpu,
				    EG_MAX_CPUS);
		}
		eg_cpumask_set(cpus, cpu);
		n++;
	}
	closedir(d);
	if (n == 0)
		return fail(err, -ENODEV, "no CPU found under %s", CPU_DIR);
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
			return fail(err, -E2BIG, "%s lists more than %d frequencies", pd->name,
				    EG_MAX_OPPS);
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

	eg_for_each_cpu(cpu, &pd->cpus) {
		uint64_t cap;

		snprintf(path, sizeof(path), CPU_DIR "/cpu%d/cpu_capacity", cpu);
		r = read_u64(path, &cap);
		if (r == -ENOENT)
			return 0;
		if (r)
			return fail(err, r, "cannot read %s", path);
		if (cap == 0 || cap > EG_CAPACITY_SCALE)
			return fail(err, -EINVAL, "%s: capacity %" PRIu64 " out of 1..%u", path,
				    cap, EG_CAPACITY_SCALE);
		if (!first) {
			first = cap;
			pd->max_cap = (uint32_t)cap;
		} else if (cap != first) {
			/* Same policy means same core type; differing values are
			 * a firmware oddity, the first CPU speaks for the domain. */
			eg_warn("%s: cpu%d capacity %" PRIu64 " differs from cpu%d's %" PRIu64
				", using %" PRIu64, pd->name, cpu, cap, pd->first_cpu, first,
				first);
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
			return fail(err, -EIO, "cannot read the name of cpu%d idle state %u", cpu, k);
		if (eg_strlcpy(st->name, name, sizeof(st->name)))
			eg_warn("cpu%d idle state name '%s' truncated", cpu, name);
		free(name);
		/* libcpupower returns 0 both for failure and for a real 0 us
		 * (POLL); the name read above proves the state exists. */
		st->exit_us = (uint32_t)EG_MIN(cpuidle_state_latency((unsigned int)cpu, k),
					       (unsigned long)UINT32_MAX);
		/* libcpupower 6.1 has no residency getter. */
		snprintf(path, sizeof(path), CPU_DIR "/cpu%d/cpuidle/state%u/residency", cpu, k);
		r = read_u64(path, &residency);
		if (r)
			return fail(err, r, "cannot read %s", path);
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
	eg_for_each_cpu(c, &pd->cpus) {
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
		return fail(err, -EIO, "%s: cannot read valid cpuinfo_min_freq/cpuinfo_max_freq "
			    "(%lu..%lu kHz)", pd->name, lo, hi);
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

	eg_for_each_cpu(cpu, cpus) {
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
			return fail(err, -E2BIG, "more than %d cpufreq policies (per-CPU policies "
				    "on a large machine?): beyond eagov's model", EG_MAX_PDS);
		}
		pd = &m->pds[m->nr_pds++];
		memset(pd, 0, sizeof(*pd));
		for (x = rel; x; x = x->next) {
			if (x->cpu >= EG_MAX_CPUS) {
				cpufreq_put_related_cpus(rel);
				return fail(err, -E2BIG, "cpu%d: related CPU %u beyond %d", cpu,
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
		eg_error_set(err, "", 0, "no cpufreq on this machine (no %s/cpu0/cpufreq): "
			     "no frequency control", CPU_DIR);
		eg_info("%s", err ? err->msg : "no cpufreq on this machine");
		return -ENODEV;
	}
	eg_cpumask_format(&missing, a, sizeof(a));
	eg_cpumask_format(&covered, b, sizeof(b));
	if (eg_cpumask_weight(&missing))
		return fail(err, -ENODEV, "CPUs %s have no cpufreq policy while CPUs %s do", a, b);
	return 0;
}

/* Per-OPP power from the kernel's Energy Model in debugfs. Optional: debugfs
 * is root-only and often unmounted, and only EAS platforms register CPUs. */
static int em_scale(const char *dir, const char *pdname, uint64_t *scale)
{
	char path[EG_PATH_MAX], buf[64];
	uint64_t flags;

	if (pathf(path, sizeof(path), "%s/flags", dir) == 0 && read_u64(path, &flags) == 0) {
		if (flags & EM_FLAG_ARTIFICIAL || !(flags & EM_FLAG_MICROWATTS)) {
			eg_info("energy model %s: abstract power scale (flags %#" PRIx64
				"), power not used", pdname, flags);
			return -EINVAL;
		}
		*scale = 1;
		return 0;
	}
	if (pathf(path, sizeof(path), "%s/units", dir) == 0 &&
	    read_text(path, buf, sizeof(buf)) == 0) {
		if (eg_streq(buf, "milliWatts")) {
			*scale = 1000;
			return 0;
		}
		eg_info("energy model %s: power in %s, not used", pdname, buf);
		return -EINVAL;
	}
	/* No flags and no units file: no kernel we know; newer ones speak uW. */
	eg_warn("energy model %s: no flags/units file, assuming microwatts", pdname);
	*scale = 1;
	return 0;
}

static int em_read_pd(struct eg_model *m, const char *pdname, struct eg_error *err)
{
	char dir[EG_PATH_MAX], path[EG_PATH_MAX], buf[128];
	struct eg_pd *pd = NULL;
	eg_cpumask_t cpus;
	struct dirent *e;
	uint64_t scale;
	int r, got = 0;
	DIR *d;

	if (pathf(dir, sizeof(dir), EM_DIR "/%s", pdname) ||
	    pathf(path, sizeof(path), "%s/cpus", dir))
		return fail(err, -ENAMETOOLONG, "energy model %s: path too long", pdname);
	r = read_text(path, buf, sizeof(buf));
	if (r == -ENOENT)
		return 0;  /* a device (GPU, ...) domain, not CPUs */
	if (r)
		return fail(err, r, "cannot read %s", path);
	if (eg_cpumask_parse(buf, &cpus))
		return fail(err, -EINVAL, "%s: bad CPU list '%s'", path, buf);
	for (int i = 0; i < m->nr_pds; i++)
		if (!memcmp(&m->pds[i].cpus, &cpus, sizeof(cpus)))
			pd = &m->pds[i];
	if (!pd) {
		eg_warn("energy model %s: CPUs %s match no cpufreq policy, ignored", pdname, buf);
		return 0;
	}
	if (em_scale(dir, pdname, &scale))
		return 0;
	d = opendir(dir);
	if (!d)
		return fail(err, -errno, "cannot list %s", dir);
	while ((e = readdir(d))) {
		uint64_t khz, power;
		int idx;

		if (strncmp(e->d_name, "ps:", 3))
			continue;
		r = pathf(path, sizeof(path), "%s/%s/frequency", dir, e->d_name);
		if (!r)
			r = read_u64(path, &khz);
		if (!r)
			r = pathf(path, sizeof(path), "%s/%s/power", dir, e->d_name);
		if (!r)
			r = read_u64(path, &power);
		if (r) {
			closedir(d);
			return fail(err, r, "cannot read %s", path);
		}
		idx = khz <= UINT32_MAX ? eg_pd_opp_index(pd, (uint32_t)khz) : -1;
		if (idx < 0) {
			eg_warn("energy model %s: %" PRIu64 " kHz is not an OPP of %s", pdname,
				khz, pd->name);
			continue;
		}
		pd->opps[idx].power_uw = power * scale;
		pd->opps[idx].power_origin = EG_ORIGIN_SYSFS;
		got++;
	}
	closedir(d);
	if (got < pd->nr_opps)
		eg_warn("energy model %s: power for %d of %d OPPs of %s", pdname, got,
			pd->nr_opps, pd->name);
	else
		eg_info("energy model %s: power of %s's %d OPPs", pdname, pd->name, got);
	return 0;
}

static int discover_em(struct eg_model *m, struct eg_error *err)
{
	struct dirent *e;
	DIR *d;
	int r = 0;

	d = opendir(EM_DIR);
	if (!d) {
		if (errno == ENOENT || errno == EACCES || errno == EPERM) {
			eg_info("no readable energy model at %s (%s): OPP power unknown", EM_DIR,
				strerror(errno));
			return 0;
		}
		return fail(err, -errno, "cannot list %s", EM_DIR);
	}
	while (!r && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		r = em_read_pd(m, e->d_name, err);
	}
	closedir(d);
	return r;
}

static int cmp_trip(const void *a, const void *b)
{
	const struct eg_trip *x = a, *y = b;

	return x->temp_mc < y->temp_mc ? -1 : x->temp_mc > y->temp_mc;
}

/* The CPU domains a zone cools: its cdevK links to cooling devices of type
 * "cpufreq-cpuN" (N = the policy's first CPU; "thermal-cpufreq-N" on kernels
 * before 5.8 numbered them by registration, taken here as a CPU too, which
 * matches the usual order), weight from cdevK_weight. Plain reads: libudev's
 * sysattr lookup does not follow the cdevK link to "cdevK/type". */
static int pd_of_cpu(const struct eg_model *m, int cpu)
{
	for (int i = 0; i < m->nr_pds; i++)
		if (eg_cpumask_test(&m->pds[i].cpus, cpu))
			return i;
	return -1;
}

static bool zone_cools(const struct eg_zone *z, int pd)
{
	for (int c = 0; c < z->nr_cooled; c++)
		if (z->cooled[c].pd == pd)
			return true;
	return false;
}

/* The CPU domains a zone cools: its cdevK links to cooling devices of type
 * "cpufreq-cpuN" (N = the policy's first CPU; "thermal-cpufreq-N" on kernels
 * before 5.8, numbered by registration, which follows CPU order on the
 * usual one-policy-per-cluster SoC: taken as a CPU too), weight from
 * cdevK_weight. Plain reads: libudev's sysattr lookup does not follow the
 * cdevK link to "cdevK/type". */
static void read_cooled(const struct eg_model *m, struct udev_device *dev, struct eg_zone *z)
{
	const char *syspath = udev_device_get_syspath(dev);
	char path[EG_PATH_MAX], buf[64];

	for (int k = 0; k < MAX_TRIP_PROBE && z->nr_cooled < EG_MAX_COOLED; k++) {
		uint64_t weight = 0;
		const char *num;
		int cpu, pd;

		if (pathf(path, sizeof(path), "%s/cdev%d/type", syspath, k))
			break;
		/* cdevK numbers come from an IDA: gaps after unbinds. */
		if (read_text(path, buf, sizeof(buf)))
			continue;
		if (!strncmp(buf, "cpufreq-cpu", 11))
			num = buf + 11;
		else if (!strncmp(buf, "thermal-cpufreq-", 16))
			num = buf + 16;
		else
			continue;
		if (parse_int(num, &cpu) || (pd = pd_of_cpu(m, cpu)) < 0)
			continue;
		/* One cdev link per trip: the same actor appears several times. */
		if (zone_cools(z, pd))
			continue;
		if (!pathf(path, sizeof(path), "%s/cdev%d_weight", syspath, k))
			read_u64(path, &weight);
		/* Weight 0 is the kernel's default, "no preference": IPA then
		 * shares equally, i.e. full contribution for each actor. */
		if (weight == 0 || weight > EG_CAPACITY_SCALE)
			weight = EG_CAPACITY_SCALE;
		z->cooled[z->nr_cooled++] = (struct eg_cooled){ .pd = pd,
								.weight = (uint32_t)weight };
	}
}

static void read_zone(const struct eg_model *m, struct udev_device *dev, struct eg_zone *z)
{
	const char *v;
	char attr[64];

	memset(z, 0, sizeof(*z));
	z->origin = EG_ORIGIN_SYSFS;
	eg_strlcpy(z->sensor, udev_device_get_sysname(dev), sizeof(z->sensor));
	v = udev_device_get_sysattr_value(dev, "type");
	if (!v || !*v)
		v = z->sensor;
	if (eg_strlcpy(z->name, v, sizeof(z->name)))
		eg_warn("%s: type '%s' truncated", z->sensor, v);
	for (int k = 0; k < MAX_TRIP_PROBE; k++) {
		struct eg_trip t = { 0 };
		const char *type;

		snprintf(attr, sizeof(attr), "trip_point_%d_temp", k);
		v = udev_device_get_sysattr_value(dev, attr);
		if (!v)
			break;
		snprintf(attr, sizeof(attr), "trip_point_%d_type", k);
		type = udev_device_get_sysattr_value(dev, attr);
		if (parse_int(v, &t.temp_mc) || !type || eg_trip_type_from_string(type, &t.type)) {
			eg_warn("%s: trip %d unreadable (temp '%s', type '%s'), ignored", z->sensor,
				k, v, type ? type : "");
			continue;
		}
		snprintf(attr, sizeof(attr), "trip_point_%d_hyst", k);
		v = udev_device_get_sysattr_value(dev, attr);
		if (v && parse_int(v, &t.hyst_mc))
			t.hyst_mc = 0;
		if (z->nr_trips == EG_MAX_TRIPS) {
			eg_warn("%s: more than %d trips, the rest ignored", z->sensor, EG_MAX_TRIPS);
			break;
		}
		z->trips[z->nr_trips++] = t;
	}
	/* The kernel numbers trips in firmware order (ACPI puts critical
	 * first); the model wants them by temperature. */
	qsort(z->trips, (size_t)z->nr_trips, sizeof(z->trips[0]), cmp_trip);
	v = udev_device_get_sysattr_value(dev, "sustainable_power");
	if (v) {
		uint64_t mw;

		if (!parse_u64(v, &mw) && mw <= UINT32_MAX)
			z->sustainable_power_mw = (uint32_t)mw;
	}
	read_cooled(m, dev, z);
}

struct zone_ref {
	int num;
	char syspath[EG_PATH_MAX];
};

static int cmp_zone_ref(const void *a, const void *b)
{
	const struct zone_ref *x = a, *y = b;

	return x->num < y->num ? -1 : x->num > y->num;
}

static int discover_zones(struct eg_model *m, struct eg_error *err)
{
	struct zone_ref refs[EG_MAX_ZONES * 8];
	struct udev_enumerate *en = NULL;
	struct udev_list_entry *l;
	struct udev *udev;
	int n = 0, r;

	udev = udev_new();
	if (!udev)
		return fail(err, -ENOMEM, "udev_new failed");
	en = udev_enumerate_new(udev);
	if (!en) {
		udev_unref(udev);
		return fail(err, -ENOMEM, "udev_enumerate_new failed");
	}
	r = udev_enumerate_add_match_subsystem(en, "thermal");
	if (!r)
		r = udev_enumerate_add_match_sysname(en, "thermal_zone*");
	if (!r)
		r = udev_enumerate_scan_devices(en);
	if (r < 0) {
		udev_enumerate_unref(en);
		udev_unref(udev);
		return fail(err, r, "cannot enumerate thermal zones");
	}
	udev_list_entry_foreach(l, udev_enumerate_get_list_entry(en)) {
		const char *path = udev_list_entry_get_name(l);
		const char *base = strrchr(path, '/');
		int num;

		base = base ? base + 1 : path;
		if (parse_int(base + strlen("thermal_zone"), &num))
			continue;
		if (n == (int)ARRAY_SIZE(refs))
			break;
		refs[n].num = num;
		if (eg_strlcpy(refs[n].syspath, path, sizeof(refs[n].syspath)))
			continue;
		n++;
	}
	udev_enumerate_unref(en);
	/* udev lists by path: thermal_zone10 before thermal_zone2. */
	qsort(refs, (size_t)n, sizeof(refs[0]), cmp_zone_ref);
	if (n > EG_MAX_ZONES)
		eg_warn("%d thermal zones, keeping the first %d", n, EG_MAX_ZONES);
	for (int i = 0; i < n && m->nr_zones < EG_MAX_ZONES; i++) {
		struct udev_device *dev = udev_device_new_from_syspath(udev, refs[i].syspath);

		if (!dev) {
			eg_warn("thermal zone %s vanished", refs[i].syspath);
			continue;
		}
		read_zone(m, dev, &m->zones[m->nr_zones]);
		m->nr_zones++;
		udev_device_unref(dev);
	}
	udev_unref(udev);
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

int eg_discover_identity(char compatible[][EG_NAME_MAX], int max, int *n, char *dmi,
			 size_t dmilen)
{
	static const char *const dt_paths[] = {
		"/proc/device-tree/compatible",
		"/sys/firmware/devicetree/base/compatible",
	};
	const char *dmi_path = "/sys/class/dmi/id/product_name";
	char buf[4096];
	size_t len;
	int r = -ENOENT;

	*n = 0;
	if (dmilen)
		dmi[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(dt_paths) && r == -ENOENT; i++) {
		r = read_raw(dt_paths[i], buf, sizeof(buf), &len);
		if (r == 0)
			split_compatible(buf, len, compatible, max, n);
		else if (r != -ENOENT)
			return eg_log_errno(r, "cannot read %s", dt_paths[i]);
	}
	if (dmilen) {
		r = read_text(dmi_path, buf, sizeof(buf));
		if (r == 0) {
			if (eg_strlcpy(dmi, buf, dmilen))
				eg_warn("DMI product name '%s' truncated", buf);
		} else if (r != -ENOENT) {
			return eg_log_errno(r, "cannot read %s", dmi_path);
		}
	}
	return 0;
}

/* Identity, zones: the parts shared by both discovery entry points. */
static int discover_common(struct eg_model *m, struct eg_error *err)
{
	char dmi[EG_NAME_MAX];
	int r;

	r = eg_discover_identity(m->compatible, EG_MAX_IDS, &m->nr_compatible, dmi, sizeof(dmi));
	if (r)
		return fail(err, r, "cannot read the machine's identity");
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
	return discover_zones(m, err);
}

static int finalize(struct eg_model *m, struct eg_error *err)
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
	r = discover_em(m, err);
	if (r)
		return r;
	r = discover_common(m, err);
	if (r)
		return r;
	return finalize(m, err);
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
		char *colon, *end;
		double mhz;

		if (strncmp(line, "cpu MHz", 7) || !(colon = strchr(line, ':')))
			continue;
		mhz = strtod(colon + 1, &end);
		if (end != colon + 1 && mhz > best)
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
	eg_for_each_cpu(cpu, &cpus) {
		pd->first_cpu = cpu;
		break;
	}
	r = cpuinfo_max_khz(&khz);
	if (r == -ENOENT) {
		khz = NOFREQ_NOMINAL_KHZ;
		eg_notice("no 'cpu MHz' in %s: nominal %u kHz for the no-cpufreq domain", CPUINFO,
			  khz);
	} else if (r) {
		return fail(err, r, "cannot read %s", CPUINFO);
	}
	pd->nr_opps = 1;
	pd->opps[0].khz = khz;
	pd->cpuinfo_min_khz = pd->cpuinfo_max_khz = khz;
	eg_notice("no cpufreq: one pseudo domain '%s' of %d CPUs with one OPP of %u kHz",
		  pd->name, pd->nr_cpus, khz);
	r = read_capacity(pd, err);
	if (r)
		return r;
	r = read_idle_states(pd, pd->first_cpu, err);
	if (r)
		return r;
	r = discover_common(m, err);
	if (r)
		return r;
	return finalize(m, err);
}

/* ---- merge ---- */

static void merge_pd(struct eg_pd *d, const struct eg_pd *f)
{
	bool synthetic = eg_discover_pd_synthetic(d);

	if (f->nr_opps) {
		struct eg_opp opps[EG_MAX_OPPS];

		for (int i = 0; i < f->nr_opps; i++) {
			int k = eg_pd_opp_index(d, f->opps[i].khz);

			opps[i] = f->opps[i];
			if (k < 0 && !synthetic)
				eg_warn("domain %s: device file OPP %u kHz is not in %s's frequency "
					"table", f->name, f->opps[i].khz, d->sysfs_policy);
			if (k >= 0 && !opps[i].power_uw && d->opps[k].power_uw) {
				opps[i].power_uw = d->opps[k].power_uw;
				opps[i].power_origin = d->opps[k].power_origin;
			}
		}
		memcpy(d->opps, opps, sizeof(opps[0]) * (size_t)f->nr_opps);
		d->nr_opps = f->nr_opps;
		d->origin = EG_ORIGIN_FILE;
	}
	/* A file domain with no OPPs keeps discovery's; if those are made up
	 * keep discovery's name, which marks them. */
	if (f->name[0] && !(synthetic && !f->nr_opps))
		memcpy(d->name, f->name, sizeof(d->name));
	if (f->nr_cpu_idle) {
		memcpy(d->cpu_idle, f->cpu_idle, sizeof(f->cpu_idle));
		d->nr_cpu_idle = f->nr_cpu_idle;
	}
	if (f->nr_cluster_idle) {
		memcpy(d->cluster_idle, f->cluster_idle, sizeof(f->cluster_idle));
		d->nr_cluster_idle = f->nr_cluster_idle;
	}
	if (f->capacity_dmips_mhz)
		d->capacity_dmips_mhz = f->capacity_dmips_mhz;
	if (f->dyn_power_coeff)
		d->dyn_power_coeff = f->dyn_power_coeff;
	if (f->transition_latency_ns)
		d->transition_latency_ns = f->transition_latency_ns;
	if (f->transition_delay_us)
		d->transition_delay_us = f->transition_delay_us;
	d->src_line = f->src_line;
}

static int match_pd(const struct eg_model *dst, const struct eg_model *file,
		    const struct eg_pd *f, struct eg_error *err)
{
	char fs[128], ds[128];
	int cpu;

	for (int j = 0; j < dst->nr_pds; j++)
		if (!memcmp(&dst->pds[j].cpus, &f->cpus, sizeof(f->cpus)))
			return j;
	eg_cpumask_format(&f->cpus, fs, sizeof(fs));
	for (int j = 0; j < dst->nr_pds; j++) {
		const struct eg_pd *d = &dst->pds[j];
		const char *label = d->sysfs_policy[0] ? d->sysfs_policy : d->name;

		eg_for_each_cpu(cpu, &f->cpus) {
			if (!eg_cpumask_test(&d->cpus, cpu))
				continue;
			eg_cpumask_format(&d->cpus, ds, sizeof(ds));
			eg_error_set(err, file->source, f->src_line,
				     "domain %s has CPUs %s but this machine's %s has CPUs %s",
				     f->name, fs, label, ds);
			return -EINVAL;
		}
	}
	eg_cpumask_format(&dst->possible, ds, sizeof(ds));
	eg_error_set(err, file->source, f->src_line,
		     "domain %s has CPUs %s but this machine has CPUs %s only", f->name, fs, ds);
	return -EINVAL;
}

int eg_model_merge(struct eg_model *dst, const struct eg_model *file, struct eg_error *err)
{
	int map[EG_MAX_PDS];

	if (file->nr_cpus && dst->nr_cpus && file->nr_cpus != dst->nr_cpus) {
		eg_error_set(err, file->source, 0, "the device file has %d CPUs, this machine %d",
			     file->nr_cpus, dst->nr_cpus);
		return -EINVAL;
	}
	for (int i = 0; i < file->nr_pds; i++) {
		map[i] = match_pd(dst, file, &file->pds[i], err);
		if (map[i] < 0)
			return map[i];
	}
	for (int i = 0; i < file->nr_pds; i++)
		merge_pd(&dst->pds[map[i]], &file->pds[i]);

	for (int i = 0; i < file->nr_zones; i++) {
		const struct eg_zone *fz = &file->zones[i];
		struct eg_zone z = *fz;
		int k;

		for (int c = 0; c < z.nr_cooled; c++) {
			if (z.cooled[c].pd < 0 || z.cooled[c].pd >= file->nr_pds) {
				eg_error_set(err, file->source, fz->src_line,
					     "zone %s cools an unknown domain", fz->name);
				return -EINVAL;
			}
			z.cooled[c].pd = map[z.cooled[c].pd];
		}
		for (k = 0; k < dst->nr_zones; k++) {
			const struct eg_zone *dz = &dst->zones[k];

			if (fz->sensor[0] ? eg_streq(fz->sensor, dz->sensor) :
					    eg_streq(fz->name, dz->name))
				break;
		}
		if (k == dst->nr_zones) {
			if (dst->nr_zones == EG_MAX_ZONES) {
				eg_error_set(err, file->source, fz->src_line,
					     "zone %s: more than %d zones", fz->name, EG_MAX_ZONES);
				return -E2BIG;
			}
			dst->nr_zones++;
		}
		dst->zones[k] = z;
	}

	if (file->name[0])
		memcpy(dst->name, file->name, sizeof(dst->name));
	if (file->source[0])
		memcpy(dst->source, file->source, sizeof(dst->source));
	if (file->nr_compatible) {
		memcpy(dst->compatible, file->compatible, sizeof(dst->compatible));
		dst->nr_compatible = file->nr_compatible;
	}
	if (file->nr_dmi) {
		memcpy(dst->dmi, file->dmi, sizeof(dst->dmi));
		dst->nr_dmi = file->nr_dmi;
	}
	return finalize(dst, err);
}
