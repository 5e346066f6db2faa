// SPDX-License-Identifier: GPL-2.0-or-later
/* Poll source: per-CPU busy time from cpuidle residency or /proc/stat. */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <linux/magic.h>

#include "parse.h"
#include "log.h"
#include "sched_poll.h"

static void close_cpu(struct eg_poll_cpu *c)
{
	for (int k = 0; k < EG_MAX_IDLE_STATES; k++) {
		if (c->fd[k] >= 0)
			close(c->fd[k]);
		c->fd[k] = -1;
	}
	c->nr_states = 0;
}

static int open_cpu(struct eg_sched_poll *p, int cpu)
{
	struct eg_poll_cpu *c = &p->cpu[cpu];
	char path[EG_PATH_MAX];

	close_cpu(c);
	for (int k = 0; k < EG_MAX_IDLE_STATES; k++) {
		int n = snprintf(path, sizeof(path), "%s/cpu%d/cpuidle/state%d/time", p->cpu_dir,
				 cpu, k);
		int fd;

		if (n < 0 || (size_t)n >= sizeof(path))
			break;
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			break;
		c->fd[k] = fd;
		c->nr_states = k + 1;
	}
	if (c->nr_states) {
		struct statfs sfs;

		c->not_sysfs = !(fstatfs(c->fd[0], &sfs) == 0 && sfs.f_type == SYSFS_MAGIC);
	}
	return c->nr_states ? 0 : -ENOENT;
}

/* Total idle us of one CPU over its states; -errno when a file is gone
 * (a removed sysfs node reads -ENODEV: the CPU went offline). */
static int read_idle_us(struct eg_poll_cpu *c, uint64_t *sum)
{
	char buf[32];

	*sum = 0;
	for (int k = 0; k < c->nr_states; k++) {
		ssize_t n = pread(c->fd[k], buf, sizeof(buf) - 1, 0);
		uint64_t v;

		if (n < 0)
			return -errno;
		if (n == 0)
			return -ENODATA;
		/* A removed sysfs node reads -ENODEV; a removed fixture file
		 * still reads, so look at its link count. */
		if (c->not_sysfs) {
			struct stat st;

			if (fstat(c->fd[k], &st) < 0 || st.st_nlink == 0)
				return -ENODEV;
		}
		buf[n] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		if (eg_parse_u64(buf, 0, UINT64_MAX, &v) < 0)
			return -EINVAL;
		*sum += v;
	}
	return 0;
}

/* Fill the scratch arrays from /proc/stat; 0 or -errno. The file stays
 * open and is read into a buffer made at open: no allocation, no path
 * lookup per sample, only the cpu lines at its start. */
static int read_proc_stat(struct eg_sched_poll *p)
{
	char *line, *next;
	ssize_t n;

	memset(p->proc_seen, 0, (size_t)p->nr_cpus * sizeof(*p->proc_seen));
	if (p->proc_fd < 0) {
		p->proc_fd = open(p->proc_stat, O_RDONLY | O_CLOEXEC);
		if (p->proc_fd < 0)
			return -errno;
	}
	n = pread(p->proc_fd, p->proc_buf, p->proc_buf_len - 1, 0);
	if (n < 0)
		return -errno;
	p->proc_buf[n] = '\0';
	/* Whole lines only: one cut by the buffer's end is not one. */
	for (line = p->proc_buf; (next = strchr(line, '\n')); line = next) {
		uint64_t v[8] = { 0 };
		char *field, *save = NULL;
		int cpu, nr = 0;

		*next++ = '\0';
		if (strncmp(line, "cpu", 3) != 0)
			break; /* the cpu lines come first; skip the long intr line */
		field = strtok_r(line + 3, " ", &save);
		/* Also skips the aggregate "cpu " line (no number after cpu). */
		if (line[3] == ' ' || !field || eg_parse_int(field, 0, p->nr_cpus - 1, &cpu) < 0)
			continue;
		while (nr < 8 && (field = strtok_r(NULL, " ", &save)) &&
		       eg_parse_u64(field, 0, UINT64_MAX, &v[nr]) == 0)
			nr++;
		if (nr < 4)
			continue;
		/* user nice system idle iowait irq softirq steal; guest time is
		 * already inside user and nice. Idle = idle + iowait. */
		p->proc_idle[cpu] = v[3] + v[4];
		p->proc_total[cpu] = 0;
		for (int i = 0; i < 8; i++)
			p->proc_total[cpu] += v[i];
		p->proc_seen[cpu] = true;
	}
	return 0;
}

uint64_t eg_sched_poll_resolution_ns(const struct eg_sched_poll *p, int cpu)
{
	if (cpu >= 0 && cpu < p->nr_cpus && p->cpu[cpu].use_cpuidle)
		return NSEC_PER_USEC;
	return p->proc_unit_ns;
}

void eg_sched_poll_close(struct eg_sched_poll *p)
{
	for (int cpu = 0; p->cpu && cpu < p->nr_cpus; cpu++)
		close_cpu(&p->cpu[cpu]);
	free(p->cpu);
	free(p->proc_idle);
	free(p->proc_total);
	free(p->proc_seen);
	free(p->proc_buf);
	if (p->proc_fd >= 0)
		close(p->proc_fd);
	p->proc_fd = -1;
	p->proc_buf = NULL;
	p->cpu = NULL;
	p->proc_idle = p->proc_total = NULL;
	p->proc_seen = NULL;
	p->nr_cpus = 0;
}

int eg_sched_poll_open(struct eg_sched_poll *p, const struct eg_sysfs *fs, int nr_cpus)
{
	int r, nr_cpuidle = 0;
	bool proc_ok;

	memset(p, 0, sizeof(*p));
	p->proc_fd = -1;
	if (nr_cpus <= 0 || nr_cpus > EG_MAX_CPUS)
		return -EINVAL;
	r = eg_sysfs_path(fs, p->cpu_dir, sizeof(p->cpu_dir), "/sys/devices/system/cpu");
	if (r == 0)
		r = eg_sysfs_path(fs, p->proc_stat, sizeof(p->proc_stat), "/proc/stat");
	if (r < 0)
		return r;
	p->nr_cpus = nr_cpus;
	p->proc_unit_ns = sysconf(_SC_CLK_TCK) > 0 ? NSEC_PER_SEC / (uint64_t)sysconf(_SC_CLK_TCK) :
						     10 * NSEC_PER_MSEC;
	p->cpu = calloc((size_t)nr_cpus, sizeof(*p->cpu));
	p->proc_idle = calloc((size_t)nr_cpus, sizeof(*p->proc_idle));
	p->proc_total = calloc((size_t)nr_cpus, sizeof(*p->proc_total));
	p->proc_seen = calloc((size_t)nr_cpus, sizeof(*p->proc_seen));
	/* The "cpu" line and one per CPU, each at most 11 numbers of 20
	 * digits and their spaces: 256 bytes a line is room to spare. */
	p->proc_buf_len = ((size_t)nr_cpus + 1) * 256 + 1;
	p->proc_buf = malloc(p->proc_buf_len);
	if (!p->cpu || !p->proc_idle || !p->proc_total || !p->proc_seen || !p->proc_buf) {
		eg_sched_poll_close(p);
		return -ENOMEM;
	}
	for (int cpu = 0; cpu < nr_cpus; cpu++) {
		struct eg_poll_cpu *c = &p->cpu[cpu];

		for (int k = 0; k < EG_MAX_IDLE_STATES; k++)
			c->fd[k] = -1;
		c->use_cpuidle = open_cpu(p, cpu) == 0;
		nr_cpuidle += c->use_cpuidle;
	}
	proc_ok = read_proc_stat(p) == 0;
	if (!nr_cpuidle && !proc_ok) {
		eg_sched_poll_close(p);
		return eg_warn_errno(-ENODEV, "poll source: neither cpuidle nor /proc/stat");
	}
	if (nr_cpuidle < nr_cpus)
		eg_info("poll source: %d of %d CPUs have cpuidle; the others use /proc/stat "
			"(10 ms resolution)",
			nr_cpuidle, nr_cpus);
	return 0;
}

static void set_baseline(struct eg_sched_poll *p, int cpu, uint64_t now_ns, uint64_t idle_us)
{
	struct eg_poll_cpu *c = &p->cpu[cpu];

	if (!c->primed)
		c->proc_idle_carry_ns = 0;
	c->primed = true;
	c->last_ns = now_ns;
	c->last_idle_us = idle_us;
	c->proc_valid = p->proc_seen[cpu];
	c->last_proc_idle = p->proc_idle[cpu];
	c->last_proc_total = p->proc_total[cpu];
}

/* Busy ns over the window from /proc/stat since the baseline: the window
 * less the idle and iowait time the CPU accrued in it. A tickless kernel
 * (the common case) accounts those at idle entry and exit, exact to their
 * USER_HZ unit, while the busy fields are sampled at the tick: a periodic
 * task in phase with the tick is missed or counted twice for as long as it
 * runs (a 30 % task read as 22 % on this project's VM, 37 % in eagovd's
 * live test), and a ratio of busy ticks to all ticks carries that error.
 * A window can see up to one unit more idle than it lasted (the counter's
 * rounding): the excess is carried to the next window, so that the sum over
 * windows is exact. Returns false when it cannot tell (no data, or no tick
 * of any kind elapsed: the window grows). */
static bool proc_busy(struct eg_sched_poll *p, int cpu, uint64_t window, uint64_t *busy)
{
	struct eg_poll_cpu *c = &p->cpu[cpu];
	uint64_t idle_ns;

	if (!c->proc_valid || !p->proc_seen[cpu] || p->proc_total[cpu] <= c->last_proc_total)
		return false;
	/* iowait may step backwards on some kernels: the idle delta is
	 * clamped at 0. */
	idle_ns = p->proc_idle[cpu] > c->last_proc_idle ?
			  (p->proc_idle[cpu] - c->last_proc_idle) * p->proc_unit_ns :
			  0;
	idle_ns += c->proc_idle_carry_ns;
	c->proc_idle_carry_ns = idle_ns > window ? idle_ns - window : 0;
	*busy = window - EG_MIN(idle_ns, window);
	return true;
}

int eg_sched_poll_sample(struct eg_sched_poll *p, uint64_t now_ns, struct eg_event *ev, int max)
{
	int nr = 0;

	read_proc_stat(p);
	for (int cpu = 0; cpu < p->nr_cpus && nr < max; cpu++) {
		struct eg_poll_cpu *c = &p->cpu[cpu];
		uint64_t idle_us = 0, window, busy;

		if (c->use_cpuidle) {
			if (!c->nr_states && open_cpu(p, cpu) < 0) {
				c->primed = false;
				continue;
			}
			if (read_idle_us(c, &idle_us) < 0) {
				/* Offline: its files are gone. Start over when back. */
				close_cpu(c);
				c->primed = false;
				continue;
			}
		} else if (!p->proc_seen[cpu]) {
			c->primed = false;
			continue;
		}
		if (!c->primed || now_ns <= c->last_ns || idle_us < c->last_idle_us) {
			set_baseline(p, cpu, now_ns, idle_us);
			continue;
		}
		window = now_ns - c->last_ns;
		if (c->use_cpuidle && idle_us > c->last_idle_us) {
			uint64_t idle_ns = (idle_us - c->last_idle_us) * NSEC_PER_USEC;

			busy = window > idle_ns ? window - idle_ns : 0;
		} else if (!proc_busy(p, cpu, window, &busy)) {
			/* No idle exit in the window and no /proc/stat tick to
			 * tell busy from asleep: with /proc/stat, wait for its
			 * next tick (the window grows); without it, all that is
			 * known is that the CPU never left idle nor entered it,
			 * and a CPU that was asleep throughout would have been
			 * woken by its tick unless tickless: report it busy,
			 * the reading that cannot starve a running task. */
			if (c->use_cpuidle && (!c->proc_valid || !p->proc_seen[cpu])) {
				busy = window;
			} else {
				continue;
			}
		}
		ev[nr] = (struct eg_event){
			.ts = now_ns,
			.type = EG_EV_BUSY_SAMPLE,
			.cpu = (int16_t)cpu,
			.busy = { .busy_ns = busy, .window_ns = window, .no_switches = true },
		};
		nr++;
		set_baseline(p, cpu, now_ns, idle_us);
	}
	return nr;
}
