// SPDX-License-Identifier: GPL-2.0-or-later
/* The `perf` scheduler source: its ops and the events and rings they open
 * (design in sched_perf.h). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "log.h"
#include "parse.h"
#include "sched_perf.h"
#include "sched_perf_priv.h"

#if HAVE_PERF && EG_PERF_HEADERS

#include <linux/perf_event.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>

#include <tracefs.h>

static const char *const tp_names[TP__MAX] = {
	"sched_switch",	      "sched_wakeup",	    "sched_wakeup_new",
	"sched_migrate_task", "sched_process_exit",
};

static const char *const fld_names[F__MAX] = {
	"prev_pid", "prev_prio", "prev_state", "next_pid", "next_prio",
	"pid",	    "prio",	 "target_cpu", "orig_cpu", "dest_cpu",
};

#define SCRATCH_LEN 65536 /* a perf record's size is a u16 */
#define LOST_LOG_NS (10 * NSEC_PER_SEC)

/* ---- Ops. */

/* A software counter on this thread: the cheapest event any kernel with
 * perf events grants at perf_event_paranoid 2. */
static bool perf_syscall_works(void)
{
	struct perf_event_attr a;
	long fd;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = PERF_TYPE_SOFTWARE;
	a.config = PERF_COUNT_SW_DUMMY;
	a.disabled = 1;
	fd = syscall(SYS_perf_event_open, &a, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
	if (fd >= 0) {
		close((int)fd);
		return true;
	}
	return errno != ENOSYS;
}

static int perf_probe(const struct eg_source_opts *o EG_UNUSED, char *why, size_t len)
{
	char buf[32];
	int paranoid = 2;
	bool root = geteuid() == 0;

	if (eg_read_small("/proc/sys/kernel/perf_event_paranoid", buf, sizeof(buf), 1) < 0) {
		snprintf(why, len, "kernel without perf events (no perf_event_paranoid)");
		return -ENODEV;
	}
	if (eg_parse_int(buf, INT_MIN, INT_MAX, &paranoid) < 0)
		paranoid = 2;
	/* Raw tracepoint data of every task needs CAP_PERFMON or paranoid -1. */
	if (!root && paranoid > -1) {
		snprintf(why, len, "not root and perf_event_paranoid is %d (needs -1)", paranoid);
		return -EPERM;
	}
	/* perf_event_paranoid can exist while the syscall does not: user-mode
	 * emulators (qemu-user) answer ENOSYS, and so would every open. */
	if (!perf_syscall_works()) {
		snprintf(why, len, "perf_event_open not implemented here (emulator?)");
		return -ENOSYS;
	}
	if (access("/sys/kernel/tracing/events/sched/sched_switch/format", R_OK) == 0 ||
	    access("/sys/kernel/debug/tracing/events/sched/sched_switch/format", R_OK) == 0)
		return 0;
	if (root && access("/sys/kernel/tracing", F_OK) == 0)
		return 0; /* open mounts tracefs there */
	snprintf(why, len,
		 root ? "no tracefs (no /sys/kernel/tracing)" : "tracefs not mounted and not root");
	return -ENODEV;
}

/* watermark > 0: wake the reader when that many bytes are in the ring;
 * 0: wake it on every record (the RT wakeup rings). */
static int perf_open_event(int id, int cpu, uint32_t watermark)
{
	struct perf_event_attr a;
	long fd;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = PERF_TYPE_TRACEPOINT;
	a.config = (uint64_t)id;
	a.sample_period = 1;
	a.sample_type = PERF_SAMPLE_TIME | PERF_SAMPLE_CPU | PERF_SAMPLE_RAW;
	a.disabled = 1;
	a.use_clockid = 1;
	a.clockid = CLOCK_MONOTONIC;
	/* Main rings: wake the reader when a quarter of the ring is used,
	 * batches of hundreds of records per wakeup under load; next_timeout
	 * bounds the delay when the load is light. RT rings: every record. */
	if (watermark) {
		a.watermark = 1;
		a.wakeup_watermark = watermark;
	} else {
		a.wakeup_events = 1;
	}
	fd = syscall(SYS_perf_event_open, &a, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);
	return fd < 0 ? -errno : (int)fd;
}

static void ring_free(struct ring *g)
{
	if (g->base)
		munmap(g->base, g->mmap_len);
	g->base = NULL;
	for (int k = TP__MAX - 1; k >= 0; k--) {
		if (g->fd[k] >= 0)
			close(g->fd[k]);
		g->fd[k] = -1;
	}
}

/* The RT rings' filter on event fd: RT and deadline wakeups (prio < 100:
 * 0-98 RT, -1 deadline), less the daemon's own threads (eg_source_opts)
 * and, with stoppers, the per-CPU stopper threads (migration/N), which the
 * kernel's own governors do not ramp for either; a kernel whose filters
 * lack globs gets it without that clause. A filter can be set once. The
 * merge drops the daemon's wakeups anyway: where the filter cannot take
 * its pids (over a page), they cost a wakeup, not a ramp. */
static int rt_filter(const struct eg_source *s, int fd, bool stoppers)
{
	size_t cap = 96 + (size_t)s->nr_self * 24, len;
	char *f = malloc(cap);
	int r = -EINVAL;

	if (!f)
		return -ENOMEM;
	for (int self = s->nr_self > 0; self >= 0 && r < 0; self--)
		for (int glob = stoppers; glob >= 0 && r < 0; glob--) {
			len = (size_t)snprintf(f, cap, "prio < 100%s",
					       glob ? " && !(comm ~ \"migration/*\")" : "");
			for (int j = 0; self && j < s->nr_self; j++)
				len += (size_t)snprintf(f + len, cap - len, " && pid != %d",
							(int)s->self[j]);
			r = ioctl(fd, PERF_EVENT_IOC_SET_FILTER, f) < 0 ? -errno : 0;
		}
	free(f);
	return r;
}

/* Open the buffer-owning event of kind owner on cpu and map its ring.
 * The RT ring (owner TP_WAKEUP, watermark 0) also gets sched_wakeup_new
 * redirected into it, and both events the filter that keeps RT and
 * deadline tasks only (prio < 100: 0-98 RT, -1 deadline). */
static int ring_open(struct eg_source *s, struct ring *g, int cpu, int owner, size_t data_len,
		     uint32_t watermark)
{
	int r;

	memset(g, 0, sizeof(*g));
	g->cpu = cpu;
	g->owner = owner;
	g->rt = owner != TP_SWITCH;
	for (int k = 0; k < TP__MAX; k++)
		g->fd[k] = -1;
	r = perf_open_event(s->tp[owner].id, cpu, watermark);
	if (r < 0) {
		if (r != -ENODEV && r != -EINVAL)
			eg_log_errno(r, "perf: perf_event_open %s on cpu%d", tp_names[owner], cpu);
		return r;
	}
	g->fd[owner] = r;
	if (g->rt && (r = rt_filter(s, g->fd[owner], true)) < 0)
		return r;
	g->data_len = data_len;
	g->mmap_len = data_len + (size_t)eg_perf_page_size();
	g->base = mmap(NULL, g->mmap_len, PROT_READ | PROT_WRITE, MAP_SHARED, g->fd[owner], 0);
	if (g->base == MAP_FAILED) {
		g->base = NULL;
		return eg_log_errno(-errno, "perf: mmap of cpu%d's %s ring", cpu,
				    g->rt ? "RT wakeup" : "main");
	}
	if (g->rt && s->tp[TP_WAKEUP_NEW].id >= 0) {
		r = perf_open_event(s->tp[TP_WAKEUP_NEW].id, cpu, 0);
		if (r < 0)
			return eg_log_errno(r, "perf: perf_event_open sched_wakeup_new on cpu%d",
					    cpu);
		g->fd[TP_WAKEUP_NEW] = r;
		r = rt_filter(s, r, false);
		if (r < 0)
			return r;
		if (ioctl(g->fd[TP_WAKEUP_NEW], PERF_EVENT_IOC_SET_OUTPUT, g->fd[owner]) < 0)
			return eg_log_errno(-errno,
					    "perf: redirect sched_wakeup_new to cpu%d's "
					    "RT ring",
					    cpu);
	}
	return 0;
}

/* The main ring's other events, redirected into its buffer; wake_filter
 * (when not NULL) on the wakeups leaves the RT ones to the RT ring. */
static int ring_add_events(struct eg_source *s, struct ring *g, int cpu, const char *wake_filter)
{
	for (int k = 1; k < TP__MAX; k++) {
		int r;

		if (s->tp[k].id < 0)
			continue;
		r = perf_open_event(s->tp[k].id, cpu, (uint32_t)(g->data_len / 4));
		if (r < 0)
			return eg_log_errno(r, "perf: perf_event_open %s on cpu%d", tp_names[k],
					    cpu);
		g->fd[k] = r;
		if (wake_filter && (k == TP_WAKEUP || k == TP_WAKEUP_NEW) &&
		    ioctl(r, PERF_EVENT_IOC_SET_FILTER, wake_filter) < 0)
			return eg_log_errno(-errno, "perf: filter %s on cpu%d", tp_names[k], cpu);
		if (ioctl(r, PERF_EVENT_IOC_SET_OUTPUT, g->fd[TP_SWITCH]) < 0)
			return eg_log_errno(-errno, "perf: redirect %s to cpu%d's ring",
					    tp_names[k], cpu);
	}
	return 0;
}

static void perf_close(struct eg_source *s);

static int perf_setup_tep(struct eg_source *s)
{
	static const char *const systems[] = { "sched", NULL };
	static const int want[TP__MAX][F__MAX + 1] = {
		[TP_SWITCH] = { F_PREV_PID, F_PREV_PRIO, F_PREV_STATE, F_NEXT_PID, F_NEXT_PRIO,
				-1 },
		[TP_WAKEUP] = { F_PID, F_PRIO, F_TARGET_CPU, -1 },
		[TP_WAKEUP_NEW] = { F_PID, F_PRIO, F_TARGET_CPU, -1 },
		[TP_MIGRATE] = { F_PID, F_PRIO, F_ORIG_CPU, F_DEST_CPU, -1 },
		[TP_EXIT] = { F_PID, F_PRIO, -1 },
	};
	const char *dir = tracefs_tracing_dir(); /* mounts tracefs when needed */

	if (!dir)
		return eg_log_errno(-ENODEV, "perf: tracefs is not mounted and cannot be");
	s->tep = tracefs_local_events_system(dir, systems);
	if (!s->tep)
		return eg_log_errno(-ENODEV, "perf: cannot load the sched event formats from %s",
				    dir);
	for (int k = 0; k < TP__MAX; k++) {
		struct tep_event *e = tep_find_event_by_name(s->tep, "sched", tp_names[k]);

		s->tp[k].id = -1;
		if (!e) {
			if (k == TP_SWITCH)
				return eg_log_errno(-ENODEV, "perf: no sched:sched_switch");
			eg_warn("perf: this kernel has no sched:%s; going on without it",
				tp_names[k]);
			continue;
		}
		for (int i = 0; want[k][i] >= 0; i++) {
			int f = want[k][i];

			s->tp[k].f[f] = tep_find_field(e, fld_names[f]);
			if (!s->tp[k].f[f])
				return eg_log_errno(-EPROTO, "perf: sched:%s has no field %s",
						    tp_names[k], fld_names[f]);
		}
		s->tp[k].id = e->id;
	}
	return 0;
}

static int perf_open(struct eg_source **out, const struct eg_source_opts *o)
{
	struct eg_sysfs real = { .root = "" };
	size_t data_len = (size_t)EG_PERF_RING_PAGES * (size_t)eg_perf_page_size();
	size_t rt_len = (size_t)EG_PERF_RT_RING_PAGES * (size_t)eg_perf_page_size();
	struct eg_source *s;
	int r;

	*out = NULL;
	if (!o->model || o->model->nr_cpus <= 0)
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->nr_cpus = o->model->nr_cpus;
	s->epfd = -1;
	s->flush_ns =
		(uint64_t)(o->poll_interval_ms ? o->poll_interval_ms : EG_PERF_DEFAULT_FLUSH_MS) *
		NSEC_PER_MSEC;
	s->rings = calloc((size_t)s->nr_cpus * 2, sizeof(*s->rings));
	s->trk = calloc((size_t)s->nr_cpus, sizeof(*s->trk));
	s->poll_ev = calloc((size_t)s->nr_cpus, sizeof(*s->poll_ev));
	s->scratch = malloc(SCRATCH_LEN);
	s->cpu_seen = calloc((size_t)s->nr_cpus, sizeof(*s->cpu_seen));
	s->cpu_pending = calloc((size_t)s->nr_cpus, sizeof(*s->cpu_pending));
	s->busy_prev = calloc((size_t)s->nr_cpus, sizeof(*s->busy_prev));
	s->cur_flush_ns = s->flush_ns;
	s->util_threshold = 32;
	s->nr_self = EG_MAX(0, EG_MIN(o->nr_ignore_tids, EG_SOURCE_MAX_SELF));
	if (s->nr_self)
		memcpy(s->self, o->ignore_tids, (size_t)s->nr_self * sizeof(*s->self));
	if (!s->rings || !s->trk || !s->poll_ev || !s->scratch || !s->cpu_seen || !s->cpu_pending ||
	    !s->busy_prev) {
		r = -ENOMEM;
		goto fail;
	}
	r = perf_setup_tep(s);
	if (r < 0)
		goto fail;
	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (s->epfd < 0) {
		r = eg_log_errno(-errno, "perf: epoll_create1");
		goto fail;
	}
	s->rt_on = s->tp[TP_WAKEUP].id >= 0;
	for (int cpu = 0; cpu < s->nr_cpus; cpu++) {
		struct ring *g = &s->rings[s->nr_rings];
		bool first = s->nr_rings == 0;

		r = ring_open(s, g, cpu, TP_SWITCH, data_len, (uint32_t)(data_len / 4));
		if ((r == -ENODEV || r == -EINVAL) && g->fd[TP_SWITCH] < 0) {
			/* An offline (or absent) CPU: nothing runs there, and
			 * the merge never waits for it. */
			eg_info("perf: cpu%d skipped (offline?)", cpu);
			s->cpu_seen[cpu] = UINT64_MAX;
			continue;
		}
		s->nr_rings++; /* perf_close frees what it holds */
		if (r < 0)
			goto fail;
		if (s->rt_on) {
			struct ring *t = &s->rings[s->nr_rings];

			r = ring_open(s, t, cpu, TP_WAKEUP, rt_len, 0);
			if (r < 0 && first) {
				/* The filters are what keeps each wakeup in one
				 * ring: without them, all go the batched way. */
				eg_warn("perf: no RT wakeup ring (%s); RT wakeups wait for "
					"the batch",
					strerror(-r));
				ring_free(t);
				s->rt_on = false;
			} else {
				s->nr_rings++;
				if (r < 0) {
					r = eg_log_errno(r, "perf: RT wakeup ring on cpu%d", cpu);
					goto fail;
				}
			}
		}
		r = ring_add_events(s, g, cpu, s->rt_on ? "prio >= 100" : NULL);
		if (r < 0)
			goto fail;
	}
	for (int i = 0; i < s->nr_rings; i++) {
		struct ring *g = &s->rings[i];
		struct epoll_event ee = { .events = EPOLLIN, .data.u32 = (uint32_t)i };

		if (g->fd[g->owner] < 0 || !g->base)
			continue;
		if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, g->fd[g->owner], &ee) < 0) {
			r = eg_log_errno(-errno, "perf: epoll_ctl");
			goto fail;
		}
	}
	if (s->nr_rings == 0) {
		r = eg_log_errno(-ENODEV, "perf: no CPU could be traced");
		goto fail;
	}
	r = eg_sched_poll_open(&s->poll, o->fs ? o->fs : &real, s->nr_cpus);
	s->have_poll = r == 0;
	if (!s->have_poll)
		eg_warn("perf: no cpuidle residency or /proc/stat: busy time not reconciled");
	for (int i = 0; i < s->nr_rings; i++)
		for (int k = 0; k < TP__MAX; k++)
			if (s->rings[i].fd[k] >= 0 &&
			    ioctl(s->rings[i].fd[k], PERF_EVENT_IOC_ENABLE, 0) < 0) {
				r = eg_log_errno(-errno, "perf: enable %s on cpu%d%s", tp_names[k],
						 s->rings[i].cpu, s->rings[i].rt ? " (RT)" : "");
				goto fail;
			}
	eg_info("perf: tracing %d CPUs, %zu KiB ring each%s",
		s->nr_rings - (s->rt_on ? s->nr_rings / 2 : 0), data_len / 1024,
		s->rt_on ? ", RT wakeups in their own rings (woken per record)" : "");
	*out = s;
	return 0;
fail:
	perf_close(s);
	return r;
}

static int perf_fd(const struct eg_source *s)
{
	return s->epfd;
}

static uint64_t perf_next_timeout(const struct eg_source *s)
{
	uint64_t t;

	if (!s->started || s->pending)
		return 0;
	t = s->last_read + s->cur_flush_ns;
	if (s->have_poll)
		t = EG_MIN(t, s->next_reconcile);
	return t;
}

/* The flush period after a read at now: back to flush_ns when some CPU's
 * stream was busy for the threshold's share of the time since the last
 * read, else twice the last one up to EG_PERF_IDLE_FLUSH_MAX_MS. The rings
 * still wake the reader when a quarter full, and RT wakeups at once. */
static void perf_adapt(struct eg_source *s, uint64_t now)
{
	uint64_t span = now - s->last_read, idle_max;
	bool busy = false;

	for (int cpu = 0; cpu < s->nr_cpus; cpu++) {
		const struct track *t = &s->trk[cpu];
		uint64_t b = t->busy + (t->curr != 0 && now > t->since ? now - t->since : 0);

		if (span && s->util_threshold < EG_CAPACITY_SCALE &&
		    (b - EG_MIN(b, s->busy_prev[cpu])) * EG_CAPACITY_SCALE >=
			    span * s->util_threshold)
			busy = true;
		s->busy_prev[cpu] = b;
	}
	idle_max = EG_MAX(s->flush_ns, (uint64_t)EG_PERF_IDLE_FLUSH_MAX_MS * NSEC_PER_MSEC);
	/* After a sync (period 0) the doubling starts again from flush_ns:
	 * from 0 it would stay 0, and every loop turn would read. */
	s->cur_flush_ns = busy ? s->flush_ns :
				 EG_MIN(EG_MAX(s->cur_flush_ns, s->flush_ns) * 2, idle_max);
}

static void perf_set_util_threshold(struct eg_source *s, uint32_t util, uint32_t floor)
{
	/* Idle is under both: a busier CPU may cross a boundary at any time. */
	if (s && util)
		s->util_threshold = EG_MIN(EG_MAX(util, floor), EG_CAPACITY_SCALE);
}

static void perf_sync(struct eg_source *s)
{
	if (s)
		s->cur_flush_ns = 0;
}

static int perf_read(struct eg_source *s, uint64_t now, struct eg_event *ev, int max)
{
	struct epoll_event ee[16];
	enum eg_perf_merge_end end;
	int k;

	/* Clear the readiness the kernel reported; every ring is read anyway. */
	while (epoll_wait(s->epfd, ee, (int)ARRAY_SIZE(ee), 0) == (int)ARRAY_SIZE(ee))
		;
	if (!s->started) {
		s->started = true;
		s->next_reconcile = now;
		s->lost_logged_at = now;
	}
	k = eg_perf_merge(s, ev, max, &end);
	s->pending = end == EG_PERF_FULL;
	if (!s->pending)
		perf_adapt(s, now);
	s->last_read = now;
	/* Reconcile only once the rings are read, so the samples come after
	 * every event read. Records held for order (at most the hold's worth
	 * per CPU) may be missing from the stream's busy time then: a deficit
	 * that small is under EG_PERF_RECONCILE_MIN_NS, and what a correction
	 * took too much is a surplus the cumulative comparison absorbs. */
	if (end != EG_PERF_FULL && s->have_poll && now >= s->next_reconcile && k < max) {
		/* After every event read; with records held, not after them:
		 * at the stream's time, not the read's. */
		uint64_t stamp = end == EG_PERF_HELD ? s->last_emitted :
						       EG_MAX(now, s->last_emitted);

		k += eg_perf_reconcile(s, now, stamp, ev + k, max - k);
		s->last_emitted = stamp;
		s->next_reconcile = now + eg_perf_reconcile_period(s, now);
	}
	if ((s->lost || s->restamped) && now - s->lost_logged_at >= LOST_LOG_NS) {
		if (s->lost)
			eg_warn("perf: %llu records lost in the last %llu s (rings full); busy "
				"time is reconciled with cpuidle residency",
				(unsigned long long)s->lost,
				(unsigned long long)((now - s->lost_logged_at) / NSEC_PER_SEC));
		if (s->restamped)
			eg_info("perf: %llu records arrived after later ones of another CPU "
				"(more than %llu us late); stamped in order",
				(unsigned long long)s->restamped,
				(unsigned long long)(EG_PERF_ORDER_HOLD_NS / NSEC_PER_USEC));
		s->lost = s->restamped = 0;
		s->lost_logged_at = now;
	}
	/* The array is full and the rings are not: the contract's -EAGAIN
	 * (the max events are in ev), so the caller reads again at once. */
	return end == EG_PERF_FULL ? -EAGAIN : k;
}

/* Each CPU's RT ring fd to its own reader; the rings leave the source's
 * epoll set, so the main reader no longer wakes for them (read() still
 * merges them with the main rings). */
static int perf_rt_wake_fds(struct eg_source *s, int *fds, int nr_cpus)
{
	if (!s || !s->rt_on)
		return -EOPNOTSUPP;
	for (int cpu = 0; cpu < nr_cpus; cpu++)
		fds[cpu] = -1;
	for (int i = 0; i < s->nr_rings; i++) {
		struct ring *g = &s->rings[i];

		if (!g->rt || g->fd[g->owner] < 0 || !g->base)
			continue;
		if (epoll_ctl(s->epfd, EPOLL_CTL_DEL, g->fd[g->owner], NULL) < 0 && errno != ENOENT)
			return eg_log_errno(-errno, "perf: epoll_ctl (cpu%d's RT ring)", g->cpu);
		if (g->cpu < nr_cpus)
			fds[g->cpu] = g->fd[g->owner];
	}
	return 0;
}

static void perf_close(struct eg_source *s)
{
	if (!s)
		return;
	for (int i = 0; s->rings && i < s->nr_rings; i++)
		ring_free(&s->rings[i]);
	if (s->epfd >= 0)
		close(s->epfd);
	if (s->have_poll)
		eg_sched_poll_close(&s->poll);
	if (s->tep)
		tep_free(s->tep);
	free(s->rings);
	free(s->trk);
	free(s->poll_ev);
	free(s->scratch);
	free(s->cpu_seen);
	free(s->cpu_pending);
	free(s->busy_prev);
	free(s);
}

const struct eg_source_ops eg_source_perf = {
	.name = "perf",
	.kind = EG_SOURCE_SCHED,
	.probe = perf_probe,
	.open = perf_open,
	.fd = perf_fd,
	.next_timeout = perf_next_timeout,
	.read = perf_read,
	.close = perf_close,
	.set_util_threshold = perf_set_util_threshold,
	.sync = perf_sync,
	.rt_wake_fds = perf_rt_wake_fds,
};

#else /* !HAVE_PERF || !EG_PERF_HEADERS */

static int perf_probe(const struct eg_source_opts *o EG_UNUSED, char *why, size_t len)
{
	snprintf(why, len, "built without libtraceevent / libtracefs (meson -Dperf)");
	return -EOPNOTSUPP;
}

const struct eg_source_ops eg_source_perf = {
	.name = "perf",
	.kind = EG_SOURCE_SCHED,
	.probe = perf_probe,
};

#endif
