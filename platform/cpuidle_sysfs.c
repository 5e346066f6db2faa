// SPDX-License-Identifier: GPL-2.0-or-later
/* cpuidle sink: resume-latency QoS, state disable, global latency fd. */
#include <fcntl.h>
#include <stdio.h>

#include "cpuidle_sysfs.h"
#include "log.h"

#define CPU_DIR "/sys/devices/system/cpu"

static int probe_cpu(struct eg_cpuidle_cpu *c, const struct eg_sysfs *fs, int cpu,
		     struct eg_state *st)
{
	char path[EG_PATH_MAX];
	int r;

	r = eg_sysfs_path(fs, path, sizeof(path), CPU_DIR "/cpu%d/power/pm_qos_resume_latency_us",
			  cpu);
	if (r < 0)
		return r;
	if (eg_state_record(st, path) == 0) {
		c->has_qos = true;
		eg_attr_init(&c->qos, path);
		eg_attr_open(&c->qos);
	}
	for (int k = 0; k < EG_MAX_IDLE_STATES; k++) {
		r = eg_sysfs_path(fs, path, sizeof(path), CPU_DIR "/cpu%d/cpuidle/state%d/disable",
				  cpu, k);
		if (r < 0 || eg_state_record(st, path) < 0)
			break;
		eg_attr_init(&c->disable[k], path);
		eg_attr_open(&c->disable[k]);
		c->nr_states = k + 1;
	}
	c->present = c->has_qos || c->nr_states > 0;
	return 0;
}

int eg_cpuidle_open(struct eg_cpuidle *ci, const struct eg_sysfs *fs, int nr_cpus,
		    struct eg_state *st)
{
	int r, nr_present = 0;

	memset(ci, 0, sizeof(*ci));
	ci->dma_fd = -1;
	r = eg_sysfs_path(fs, ci->dma_path, sizeof(ci->dma_path), "/dev/cpu_dma_latency");
	if (r < 0)
		return r;
	if (nr_cpus <= 0 || nr_cpus > EG_MAX_CPUS)
		return -EINVAL;
	ci->cpu = calloc((size_t)nr_cpus, sizeof(*ci->cpu));
	if (!ci->cpu)
		return -ENOMEM;
	ci->nr_cpus = nr_cpus;
	for (int cpu = 0; cpu < nr_cpus; cpu++) {
		struct eg_cpuidle_cpu *c = &ci->cpu[cpu];

		eg_attr_init(&c->qos, "");
		for (int k = 0; k < EG_MAX_IDLE_STATES; k++)
			eg_attr_init(&c->disable[k], "");
		probe_cpu(c, fs, cpu, st);
		if (c->present)
			nr_present++;
		else
			eg_info("cpu%d: no cpuidle controls (offline or no driver)", cpu);
	}
	if (!nr_present)
		return -ENODEV;
	/* The fds are open, but nothing was written yet: save first. */
	return eg_state_save(st);
}

static int set_latency(struct eg_cpuidle_cpu *c, uint32_t us, uint64_t now_ns)
{
	char buf[16];

	if (!c->has_qos)
		return -ENODEV;
	snprintf(buf, sizeof(buf), "%u\n", EG_MIN(us, (uint32_t)INT32_MAX));
	return eg_attr_set(&c->qos, buf, now_ns);
}

static int set_disable(struct eg_cpuidle_cpu *c, uint32_t mask, uint64_t now_ns)
{
	int first = 0;

	if (!c->nr_states)
		return -ENODEV;
	for (int k = 0; k < c->nr_states; k++) {
		int r = eg_attr_set(&c->disable[k], (mask >> k) & 1 ? "1\n" : "0\n", now_ns);

		if (r < 0 && !first)
			first = r;
	}
	return first;
}

int eg_cpuidle_apply(struct eg_cpuidle *ci, const struct eg_decision *d, uint64_t now_ns)
{
	struct eg_cpuidle_cpu *c;

	if (d->type != EG_DEC_IDLE_LATENCY && d->type != EG_DEC_IDLE_DISABLE)
		return -EINVAL;
	if (d->target < 0 || d->target >= ci->nr_cpus)
		return -EINVAL;
	c = &ci->cpu[d->target];
	if (!c->present)
		return -ENODEV;
	if (d->type == EG_DEC_IDLE_LATENCY)
		return set_latency(c, d->value, now_ns);
	return set_disable(c, d->value, now_ns);
}

int eg_cpuidle_retry(struct eg_cpuidle *ci, uint64_t now_ns)
{
	int first = 0, r;

	for (int cpu = 0; cpu < ci->nr_cpus; cpu++) {
		struct eg_cpuidle_cpu *c = &ci->cpu[cpu];

		r = eg_attr_retry(&c->qos, now_ns);
		if (r < 0 && r != -EAGAIN && !first)
			first = r;
		for (int k = 0; k < c->nr_states; k++) {
			r = eg_attr_retry(&c->disable[k], now_ns);
			if (r < 0 && r != -EAGAIN && !first)
				first = r;
		}
	}
	return first;
}

uint64_t eg_cpuidle_next_retry(const struct eg_cpuidle *ci)
{
	uint64_t t = 0;

	for (int cpu = 0; cpu < ci->nr_cpus; cpu++) {
		const struct eg_cpuidle_cpu *c = &ci->cpu[cpu];

		t = eg_deadline_min(t, eg_attr_next_retry(&c->qos));
		for (int k = 0; k < c->nr_states; k++)
			t = eg_deadline_min(t, eg_attr_next_retry(&c->disable[k]));
	}
	return t;
}

int eg_cpuidle_set_global_latency(struct eg_cpuidle *ci, int32_t us)
{
	ssize_t n;

	if (us < 0) {
		if (ci->dma_fd >= 0)
			close(ci->dma_fd);
		ci->dma_fd = -1;
		return 0;
	}
	if (ci->dma_fd < 0) {
		ci->dma_fd = open(ci->dma_path, O_WRONLY | O_CLOEXEC);
		if (ci->dma_fd < 0)
			return eg_warn_errno(-errno, "cannot open %s", ci->dma_path);
	}
	/* The device takes a native s32 (4 raw bytes); a new write replaces
	 * this fd's request. */
	n = pwrite(ci->dma_fd, &us, sizeof(us), 0);
	if (n < 0 && errno == ESPIPE)
		n = write(ci->dma_fd, &us, sizeof(us));
	if (n < 0)
		return eg_warn_errno(-errno, "write %d to %s", us, ci->dma_path);
	if (n != sizeof(us))
		return -EIO;
	return 0;
}

void eg_cpuidle_close(struct eg_cpuidle *ci)
{
	eg_cpuidle_set_global_latency(ci, -1);
	for (int cpu = 0; ci->cpu && cpu < ci->nr_cpus; cpu++) {
		eg_attr_close(&ci->cpu[cpu].qos);
		for (int k = 0; k < EG_MAX_IDLE_STATES; k++)
			eg_attr_close(&ci->cpu[cpu].disable[k]);
	}
	free(ci->cpu);
	ci->cpu = NULL;
	ci->nr_cpus = 0;
}
