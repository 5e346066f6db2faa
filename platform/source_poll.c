// SPDX-License-Identifier: GPL-2.0-or-later
/* The `poll` scheduler source: eg_sched_poll (sched_poll.h) behind the source
 * ops. No fd; read() is due every poll_interval_ms (EG_POLL_DEFAULT_MS when
 * the caller passes 0) after the previous read and emits one BUSY_SAMPLE per
 * CPU whose window closed. While the machine is idle (every CPU's busy
 * fraction under the threshold the engine asks for) the interval doubles
 * at each read up to EG_POLL_IDLE_MAX_MS, and the first busy read brings it
 * back: an idle machine costs about one read a second. */
#include <stdio.h>

#include "log.h"
#include "sched_poll.h"
#include "source.h"

/* 10 ms: the kernel's default schedutil rate limit is of that order, and
 * cpuidle residency is exact at any interval; /proc/stat-only machines should
 * configure >= 100 ms (see sched_poll.h). */
#define EG_POLL_DEFAULT_MS 10
/* The longest interval while idle; also how late the first busy read can
 * be after the machine leaves idle. */
#define EG_POLL_IDLE_MAX_MS 1000

struct eg_source {
	struct eg_sched_poll p;
	uint64_t interval_ns; /* while busy */
	uint64_t cur_ns;      /* in force: interval_ns, or more while idle */
	uint64_t last;	      /* caller time of the last read */
	uint32_t util_threshold;
	bool started;
};

static int poll_probe(const struct eg_source_opts *o, char *why, size_t len)
{
	struct eg_sysfs real = { .root = "" };
	const struct eg_sysfs *fs = o->fs ? o->fs : &real;
	char path[EG_PATH_MAX];

	if (eg_sysfs_path(fs, path, sizeof(path),
			  "/sys/devices/system/cpu/cpu0/cpuidle/state0/time") == 0 &&
	    access(path, R_OK) == 0)
		return 0;
	if (eg_sysfs_path(fs, path, sizeof(path), "/proc/stat") == 0 && access(path, R_OK) == 0)
		return 0;
	snprintf(why, len, "neither cpu0 cpuidle residency nor /proc/stat is readable");
	return -ENODEV;
}

static int poll_open(struct eg_source **out, const struct eg_source_opts *o)
{
	struct eg_sysfs real = { .root = "" };
	struct eg_source *s;
	int r;

	*out = NULL;
	if (!o->model || o->model->nr_cpus <= 0)
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	r = eg_sched_poll_open(&s->p, o->fs ? o->fs : &real, o->model->nr_cpus);
	if (r < 0) {
		free(s);
		return eg_log_errno(r, "poll: no cpuidle residency and no /proc/stat");
	}
	s->interval_ns =
		(uint64_t)(o->poll_interval_ms ? o->poll_interval_ms : EG_POLL_DEFAULT_MS) *
		NSEC_PER_MSEC;
	s->cur_ns = s->interval_ns;
	s->util_threshold = 32;
	*out = s;
	return 0;
}

static int poll_fd(const struct eg_source *s EG_UNUSED)
{
	return -1;
}

static uint64_t poll_next_timeout(const struct eg_source *s)
{
	/* The first read sets the baselines: due at once. */
	return s->started ? s->last + s->cur_ns : 0;
}

/* The next interval after a read that gave ev[0..n): back to the base one
 * when some CPU was busier than the threshold, else twice the last. */
static void poll_adapt(struct eg_source *s, const struct eg_event *ev, int n)
{
	uint64_t idle_max = EG_MAX(s->interval_ns, (uint64_t)EG_POLL_IDLE_MAX_MS * NSEC_PER_MSEC);

	for (int i = 0; i < n; i++) {
		const struct eg_event *e = &ev[i];

		if (s->util_threshold < EG_CAPACITY_SCALE && e->type == EG_EV_BUSY_SAMPLE &&
		    e->busy.window_ns &&
		    e->busy.busy_ns * EG_CAPACITY_SCALE >= e->busy.window_ns * s->util_threshold) {
			s->cur_ns = s->interval_ns;
			return;
		}
	}
	s->cur_ns = EG_MIN(s->cur_ns * 2, idle_max);
}

static int poll_read(struct eg_source *s, uint64_t now, struct eg_event *ev, int max)
{
	int n;

	s->started = true;
	s->last = now;
	n = eg_sched_poll_sample(&s->p, now, ev, max);
	/* The read a sync asked for is done: from here the interval is an
	 * interval again (from 0 it would stay 0, a read every loop turn). */
	if (s->cur_ns == 0)
		s->cur_ns = s->interval_ns;
	if (n > 0) /* a read that set baselines says nothing of the load */
		poll_adapt(s, ev, n);
	return n;
}

static void poll_set_util_threshold(struct eg_source *s, uint32_t util, uint32_t floor)
{
	/* Idle is under both: a busier CPU may cross a boundary at any time. */
	if (s && util)
		s->util_threshold = EG_MIN(EG_MAX(util, floor), EG_CAPACITY_SCALE);
}

static void poll_sync(struct eg_source *s)
{
	if (s)
		s->cur_ns = 0;
}

static void poll_close(struct eg_source *s)
{
	if (!s)
		return;
	eg_sched_poll_close(&s->p);
	free(s);
}

const struct eg_source_ops eg_source_poll = {
	.name = "poll",
	.kind = EG_SOURCE_SCHED,
	.probe = poll_probe,
	.open = poll_open,
	.fd = poll_fd,
	.next_timeout = poll_next_timeout,
	.read = poll_read,
	.close = poll_close,
	.set_util_threshold = poll_set_util_threshold,
	.sync = poll_sync,
};
