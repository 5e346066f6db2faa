/* The `perf` scheduler source (design in sched_perf.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "sched_perf.h"
#include "source.h"

/* The libraries' headers come with their meson dependencies (pkg-config
 * puts them under traceevent/ and tracefs/); a build that found the
 * libraries but does not pass them to this file gets the stub. */
#if defined(__has_include)
#if __has_include(<tracefs.h>) && __has_include(<event-parse.h>)
#define EG_PERF_HEADERS 1
#endif
#endif
#ifndef EG_PERF_HEADERS
#define EG_PERF_HEADERS 0
#endif

#if HAVE_PERF && EG_PERF_HEADERS

#include <linux/perf_event.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>

#include <event-parse.h>
#include <tracefs.h>

#include "sched_poll.h"

enum tp_kind { TP_SWITCH, TP_WAKEUP, TP_WAKEUP_NEW, TP_MIGRATE, TP_EXIT, TP__MAX };

static const char *const tp_names[TP__MAX] = {
	"sched_switch", "sched_wakeup", "sched_wakeup_new", "sched_migrate_task",
	"sched_process_exit",
};

enum fld {
	F_PREV_PID, F_PREV_PRIO, F_PREV_STATE, F_NEXT_PID, F_NEXT_PRIO,   /* switch */
	F_PID, F_PRIO, F_TARGET_CPU,                                      /* wakeup, exit */
	F_ORIG_CPU, F_DEST_CPU,                                           /* migrate */
	F__MAX,
};

static const char *const fld_names[F__MAX] = {
	"prev_pid", "prev_prio", "prev_state", "next_pid", "next_prio",
	"pid", "prio", "target_cpu", "orig_cpu", "dest_cpu",
};

struct tp {
	int id;                 /* -1 when the kernel lacks it */
	struct tep_format_field *f[F__MAX];
};

/* Pids woken to (or preempted on, or migrated while queued to) a CPU since
 * it last ran them, with the time they became runnable there: enough to
 * mirror the signals module's repair of a lost switch out of idle. */
#define RUNNABLE_SLOTS 8

struct waiting {
	int32_t pid;
	uint64_t since;         /* when it became runnable on the CPU */
};

struct track {
	int32_t curr;           /* pid the stream has running, 0 = idle */
	uint64_t since;         /* when curr started, or the CPU went idle */
	uint64_t busy;          /* stream busy time since open, up to since */
	struct waiting runnable[RUNNABLE_SLOTS];
	int nr_runnable;
	/* Reconciliation, cumulative since the poll baseline. */
	bool base_set;
	uint64_t base_busy;     /* stream busy at the baseline */
	uint64_t poll_busy;     /* residency busy since the baseline */
	uint64_t corr;          /* corrections sent */
	uint64_t last_corr;     /* time of the last correction (or baseline) */
	uint64_t lossy_until;   /* reconcile fast until then (a recent correction) */
};

struct ring {
	int cpu;
	bool rt;                /* the CPU's RT wakeup ring (sched_perf.h) */
	int owner;              /* fd[owner] owns the buffer: TP_SWITCH, TP_WAKEUP (rt) */
	int fd[TP__MAX];
	void *base;
	size_t mmap_len, data_len;
	uint64_t head, tail;    /* head snapshot at the read, our cursor */
	bool have;              /* peek holds the next event of this ring */
	struct eg_event peek;
	uint32_t peek_size;
};

struct eg_source {
	int nr_cpus;
	int epfd;
	struct tep_handle *tep;
	struct tp tp[TP__MAX];
	struct ring *rings;     /* per CPU its main ring, then its RT ring if any */
	int nr_rings;
	bool rt_on;             /* RT wakeups have their own rings (filters work) */
	struct track *trk;
	uint8_t *scratch;       /* one wrapped record, contiguous */
	uint64_t flush_ns;
	uint64_t last_read;
	bool started, pending;
	/* Reconciliation. */
	bool have_poll;
	struct eg_sched_poll poll;
	struct eg_event *poll_ev;
	uint64_t next_reconcile;
	uint64_t last_emitted;
	/* Lost records. */
	uint64_t lost, lost_logged_at;
};

#define SCRATCH_LEN 65536   /* a perf record's size is a u16 */
#define LOST_LOG_NS (10 * NSEC_PER_SEC)

static long page_size(void)
{
	long p = sysconf(_SC_PAGESIZE);

	return p > 0 ? p : 4096;
}

static uint64_t read_field(const struct tp *t, enum fld f, void *data, bool *ok)
{
	unsigned long long v = 0;

	if (!t->f[f] || tep_read_number_field(t->f[f], data, &v) < 0) {
		*ok = false;
		return 0;
	}
	return v;
}

/* ---- Stream bookkeeping (mirrors what signals.c will count). */

/* A pid already listed keeps its time: signals.c does not re-enqueue a
 * task it has as runnable. */
static void runnable_add(struct track *k, int32_t pid, uint64_t ts)
{
	for (int i = 0; i < k->nr_runnable; i++)
		if (k->runnable[i].pid == pid)
			return;
	if (k->nr_runnable == RUNNABLE_SLOTS) {
		/* Oldest out: a wakeup that old has long been run. */
		memmove(k->runnable, k->runnable + 1, sizeof(k->runnable[0]) * (RUNNABLE_SLOTS - 1));
		k->nr_runnable--;
	}
	k->runnable[k->nr_runnable].pid = pid;
	k->runnable[k->nr_runnable].since = ts;
	k->nr_runnable++;
}

/* Drop pid from the list; *since (when not NULL) gets when it became
 * runnable. False when it was not listed. */
static bool runnable_take(struct track *k, int32_t pid, uint64_t *since)
{
	for (int i = 0; i < k->nr_runnable; i++)
		if (k->runnable[i].pid == pid) {
			if (since)
				*since = k->runnable[i].since;
			k->runnable[i] = k->runnable[--k->nr_runnable];
			return true;
		}
	return false;
}

static void track_event(struct eg_source *s, const struct eg_event *ev)
{
	struct track *k;
	uint64_t woke, from;
	bool queued;

	switch (ev->type) {
	case EG_EV_SWITCH:
		k = &s->trk[ev->cpu];
		if (k->curr != ev->sw.prev_pid && k->curr == 0 && ev->sw.prev_pid > 0 &&
		    runnable_take(k, ev->sw.prev_pid, &woke)) {
			/* Lost switch out of idle: signals.c runs prev from
			 * when it could first run, max(its wakeup, the CPU
			 * going idle); the same span here, so that the
			 * corrections carry only what neither side saw. */
			from = EG_MAX(woke, k->since);
			if (ev->ts > from)
				k->busy += ev->ts - from;
		}
		if (k->curr != 0 && ev->ts > k->since)
			k->busy += ev->ts - k->since;
		if (ev->sw.prev_pid > 0 && ev->sw.prev_runnable)
			runnable_add(k, ev->sw.prev_pid, ev->ts);
		if (ev->sw.next_pid > 0)
			runnable_take(k, ev->sw.next_pid, NULL);
		else
			/* As signals.c: a CPU does not go idle with a task
			 * runnable on it, so what is still queued is stale. */
			k->nr_runnable = 0;
		k->curr = ev->sw.next_pid > 0 ? ev->sw.next_pid : 0;
		k->since = ev->ts;
		break;
	case EG_EV_WAKEUP:
		if (ev->wakeup.target_cpu >= 0 && ev->wakeup.target_cpu < s->nr_cpus) {
			k = &s->trk[ev->wakeup.target_cpu];
			if (ev->wakeup.pid != k->curr)
				runnable_add(k, ev->wakeup.pid, ev->ts);
		}
		break;
	case EG_EV_MIGRATE:
		/* A queued task moves its wait along: signals.c has it
		 * runnable on dest from the migration on. */
		queued = ev->migrate.orig_cpu >= 0 && ev->migrate.orig_cpu < s->nr_cpus &&
			 runnable_take(&s->trk[ev->migrate.orig_cpu], ev->migrate.pid, NULL);
		if (queued && ev->migrate.dest_cpu >= 0 && ev->migrate.dest_cpu < s->nr_cpus) {
			k = &s->trk[ev->migrate.dest_cpu];
			if (ev->migrate.pid != k->curr)
				runnable_add(k, ev->migrate.pid, ev->ts);
		}
		break;
	default:
		break;
	}
}

static uint64_t track_busy_at(const struct track *k, uint64_t now)
{
	return k->busy + (k->curr != 0 && now > k->since ? now - k->since : 0);
}

/* ---- Decoding. */

static bool decode(struct eg_source *s, int cpu, uint64_t ts, void *raw, uint32_t raw_len,
		   struct eg_event *ev)
{
	unsigned short type;
	const struct tp *t = NULL;
	int kind;
	bool ok = true;

	if (raw_len < 2 || cpu < 0 || cpu >= s->nr_cpus)
		return false;
	memcpy(&type, raw, sizeof(type));   /* common_type leads every record */
	for (kind = 0; kind < TP__MAX; kind++)
		if (s->tp[kind].id == type) {
			t = &s->tp[kind];
			break;
		}
	if (!t)
		return false;
	memset(ev, 0, sizeof(*ev));
	ev->ts = ts;
	ev->cpu = (int16_t)cpu;
	switch (kind) {
	case TP_SWITCH:
		ev->type = EG_EV_SWITCH;
		ev->sw.prev_pid = (int32_t)read_field(t, F_PREV_PID, raw, &ok);
		ev->sw.prev_prio = (int16_t)read_field(t, F_PREV_PRIO, raw, &ok);
		ev->sw.prev_runnable = eg_perf_prev_runnable(read_field(t, F_PREV_STATE, raw, &ok));
		ev->sw.next_pid = (int32_t)read_field(t, F_NEXT_PID, raw, &ok);
		ev->sw.next_prio = (int16_t)read_field(t, F_NEXT_PRIO, raw, &ok);
		/* Tracepoints carry no uclamp: the defaults. */
		ev->sw.util_min = 0;
		ev->sw.util_max = 1024;
		break;
	case TP_WAKEUP:
	case TP_WAKEUP_NEW:
		ev->type = EG_EV_WAKEUP;
		ev->wakeup.pid = (int32_t)read_field(t, F_PID, raw, &ok);
		ev->wakeup.prio = (int16_t)read_field(t, F_PRIO, raw, &ok);
		ev->wakeup.target_cpu = (int16_t)read_field(t, F_TARGET_CPU, raw, &ok);
		ev->wakeup.flags = kind == TP_WAKEUP_NEW ? EG_WAKE_NEW : 0;
		break;
	case TP_MIGRATE:
		ev->type = EG_EV_MIGRATE;
		ev->migrate.pid = (int32_t)read_field(t, F_PID, raw, &ok);
		ev->migrate.prio = (int16_t)read_field(t, F_PRIO, raw, &ok);
		ev->migrate.orig_cpu = (int16_t)read_field(t, F_ORIG_CPU, raw, &ok);
		ev->migrate.dest_cpu = (int16_t)read_field(t, F_DEST_CPU, raw, &ok);
		break;
	case TP_EXIT:
		ev->type = EG_EV_EXIT;
		ev->exit.pid = (int32_t)read_field(t, F_PID, raw, &ok);
		break;
	}
	return ok;
}

/* Make the next event of r available in r->peek (false: the ring is empty
 * up to the head snapshot). Records that are not events are consumed. */
static bool ring_peek(struct eg_source *s, struct ring *r)
{
	const uint8_t *data = (const uint8_t *)r->base + page_size();

	while (!r->have && r->tail < r->head) {
		struct perf_event_header hdr;
		uint64_t off = r->tail % r->data_len;
		const uint8_t *rec;

		if (off + sizeof(hdr) <= r->data_len) {
			memcpy(&hdr, data + off, sizeof(hdr));
		} else {
			size_t first = r->data_len - off;

			memcpy(&hdr, data + off, first);
			memcpy((uint8_t *)&hdr + first, data, sizeof(hdr) - first);
		}
		if (hdr.size < sizeof(hdr) || r->tail + hdr.size > r->head) {
			/* Cannot happen with a sane kernel; drop the rest. */
			r->tail = r->head;
			break;
		}
		if (off + hdr.size <= r->data_len) {
			rec = data + off;
		} else {
			size_t first = r->data_len - off;

			memcpy(s->scratch, data + off, first);
			memcpy(s->scratch + first, data, hdr.size - first);
			rec = s->scratch;
		}
		if (hdr.type == PERF_RECORD_SAMPLE) {
			/* TIME, CPU, RAW in that order after the header. */
			uint64_t ts;
			uint32_t cpu, raw_len;

			if (hdr.size >= sizeof(hdr) + 8 + 8 + 4) {
				memcpy(&ts, rec + sizeof(hdr), 8);
				memcpy(&cpu, rec + sizeof(hdr) + 8, 4);
				memcpy(&raw_len, rec + sizeof(hdr) + 16, 4);
				if (sizeof(hdr) + 20 + (size_t)raw_len <= hdr.size) {
					/* Aligned copy for libtraceevent's reads. */
					uint8_t raw[512];

					if (raw_len <= sizeof(raw)) {
						memcpy(raw, rec + sizeof(hdr) + 20, raw_len);
						r->have = decode(s, (int)cpu, ts, raw, raw_len,
								 &r->peek);
					}
				}
			}
		} else if (hdr.type == PERF_RECORD_LOST && hdr.size >= sizeof(hdr) + 16) {
			uint64_t lost;

			memcpy(&lost, rec + sizeof(hdr) + 8, 8);
			s->lost += lost;
		}
		if (r->have)
			r->peek_size = hdr.size;
		else
			r->tail += hdr.size;
	}
	return r->have;
}

static void ring_commit(struct ring *r)
{
	struct perf_event_mmap_page *meta = r->base;

	__atomic_store_n(&meta->data_tail, r->tail, __ATOMIC_RELEASE);
}

/* ---- Reconciliation. */

static int reconcile(struct eg_source *s, uint64_t now, struct eg_event *ev, int max)
{
	int n, k = 0;

	n = eg_sched_poll_sample(&s->poll, now, s->poll_ev, s->nr_cpus);
	for (int cpu = 0; cpu < s->nr_cpus; cpu++) {
		struct track *t = &s->trk[cpu];

		if (!t->base_set) {
			/* The first sample is the poll's baseline for every CPU;
			 * a CPU that came online later starts with its first
			 * window (handled below). */
			t->base_set = true;
			t->base_busy = track_busy_at(t, now);
			t->last_corr = now;
		}
	}
	for (int i = 0; i < n; i++) {
		const struct eg_event *p = &s->poll_ev[i];
		struct track *t;
		uint64_t stream, resid, inprog = 0;

		if (p->cpu < 0 || p->cpu >= s->nr_cpus)
			continue;
		t = &s->trk[p->cpu];
		t->poll_busy += p->busy.busy_ns;
		stream = track_busy_at(t, now) - t->base_busy + t->corr;
		/* An idle period in progress is not in the residency yet. */
		if (t->curr == 0 && now > t->since)
			inprog = now - t->since;
		resid = t->poll_busy > inprog ? t->poll_busy - inprog : 0;
		if (resid > stream + EG_PERF_RECONCILE_MIN_NS && k < max) {
			struct eg_event *c = &ev[k++];

			memset(c, 0, sizeof(*c));
			c->type = EG_EV_BUSY_SAMPLE;
			c->ts = EG_MAX(now, s->last_emitted);
			c->cpu = p->cpu;
			c->busy.busy_ns = resid - stream;
			c->busy.window_ns = EG_MAX(c->ts - t->last_corr, c->busy.busy_ns);
			c->busy.correction = true;
			t->corr += c->busy.busy_ns;
			t->last_corr = c->ts;
			t->lossy_until = now + EG_PERF_LOSSY_HOLD_MS * NSEC_PER_MSEC;
			eg_debug("perf: cpu%d busy %.1f ms short of cpuidle residency, corrected",
				 p->cpu, (double)c->busy.busy_ns / 1e6);
		}
	}
	return k;
}

/* When to reconcile next: soon while some CPU is losing events (each
 * correction lands in PELT at once and the average decays until the next
 * one, see sched_perf.h), at the slow pace when the stream is complete. */
static uint64_t reconcile_period(const struct eg_source *s, uint64_t now)
{
	for (int cpu = 0; cpu < s->nr_cpus; cpu++)
		if (s->trk[cpu].lossy_until > now)
			return EG_PERF_RECONCILE_FAST_MS * NSEC_PER_MSEC;
	return EG_PERF_RECONCILE_MS * NSEC_PER_MSEC;
}

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
	FILE *f = fopen("/proc/sys/kernel/perf_event_paranoid", "re");
	int paranoid = 2;
	bool root = geteuid() == 0;

	if (!f) {
		snprintf(why, len, "kernel without perf events (no perf_event_paranoid)");
		return -ENODEV;
	}
	if (fscanf(f, "%d", &paranoid) != 1)
		paranoid = 2;
	fclose(f);
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
		return 0;   /* open mounts tracefs there */
	snprintf(why, len, root ? "no tracefs (no /sys/kernel/tracing)" :
		 "tracefs not mounted and not root");
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
	if (g->rt && ioctl(r, PERF_EVENT_IOC_SET_FILTER, "prio < 100") < 0)
		return -errno;
	g->data_len = data_len;
	g->mmap_len = data_len + (size_t)page_size();
	g->base = mmap(NULL, g->mmap_len, PROT_READ | PROT_WRITE, MAP_SHARED, r, 0);
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
		if (ioctl(r, PERF_EVENT_IOC_SET_FILTER, "prio < 100") < 0)
			return -errno;
		if (ioctl(r, PERF_EVENT_IOC_SET_OUTPUT, g->fd[owner]) < 0)
			return eg_log_errno(-errno, "perf: redirect sched_wakeup_new to cpu%d's "
					    "RT ring", cpu);
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
	const char *dir = tracefs_tracing_dir();   /* mounts tracefs when needed */

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
	size_t data_len = (size_t)EG_PERF_RING_PAGES * (size_t)page_size();
	size_t rt_len = (size_t)EG_PERF_RT_RING_PAGES * (size_t)page_size();
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
	s->flush_ns = (uint64_t)(o->poll_interval_ms ? o->poll_interval_ms :
				 EG_PERF_DEFAULT_FLUSH_MS) * NSEC_PER_MSEC;
	s->rings = calloc((size_t)s->nr_cpus * 2, sizeof(*s->rings));
	s->trk = calloc((size_t)s->nr_cpus, sizeof(*s->trk));
	s->poll_ev = calloc((size_t)s->nr_cpus, sizeof(*s->poll_ev));
	s->scratch = malloc(SCRATCH_LEN);
	if (!s->rings || !s->trk || !s->poll_ev || !s->scratch) {
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
			/* An offline (or absent) CPU: nothing runs there. */
			eg_info("perf: cpu%d skipped (offline?)", cpu);
			continue;
		}
		s->nr_rings++;   /* perf_close frees what it holds */
		if (r < 0)
			goto fail;
		if (s->rt_on) {
			struct ring *t = &s->rings[s->nr_rings];

			r = ring_open(s, t, cpu, TP_WAKEUP, rt_len, 0);
			if (r < 0 && first) {
				/* The filters are what keeps each wakeup in one
				 * ring: without them, all go the batched way. */
				eg_warn("perf: no RT wakeup ring (%s); RT wakeups wait for "
					"the batch", strerror(-r));
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
	eg_info("perf: tracing %d CPUs, %zu KiB ring each%s", s->nr_rings - (s->rt_on ?
		s->nr_rings / 2 : 0), data_len / 1024,
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
	t = s->last_read + s->flush_ns;
	if (s->have_poll)
		t = EG_MIN(t, s->next_reconcile);
	return t;
}

static int perf_read(struct eg_source *s, uint64_t now, struct eg_event *ev, int max)
{
	struct epoll_event ee[16];
	int k = 0;
	bool drained = true;

	/* Clear the readiness the kernel reported; every ring is read anyway. */
	while (epoll_wait(s->epfd, ee, (int)ARRAY_SIZE(ee), 0) == (int)ARRAY_SIZE(ee))
		;
	if (!s->started) {
		s->started = true;
		s->next_reconcile = now;
		s->lost_logged_at = now;
	}
	s->last_read = now;
	for (int i = 0; i < s->nr_rings; i++) {
		struct perf_event_mmap_page *meta = s->rings[i].base;

		s->rings[i].head = __atomic_load_n(&meta->data_head, __ATOMIC_ACQUIRE);
	}
	while (k < max) {
		struct ring *best = NULL;

		for (int i = 0; i < s->nr_rings; i++) {
			struct ring *g = &s->rings[i];

			if (ring_peek(s, g) && (!best || g->peek.ts < best->peek.ts))
				best = g;
		}
		if (!best)
			break;
		ev[k] = best->peek;
		track_event(s, &ev[k]);
		s->last_emitted = EG_MAX(s->last_emitted, ev[k].ts);
		k++;
		best->have = false;
		best->tail += best->peek_size;
	}
	for (int i = 0; i < s->nr_rings; i++) {
		if (ring_peek(s, &s->rings[i]))
			drained = false;
		ring_commit(&s->rings[i]);
	}
	s->pending = !drained;
	/* Reconcile only on a drained stream, so the stream's busy time is
	 * up to date and the samples come after every event read. */
	if (drained && s->have_poll && now >= s->next_reconcile && k < max) {
		k += reconcile(s, now, ev + k, max - k);
		s->next_reconcile = now + reconcile_period(s, now);
	}
	if (s->lost && now - s->lost_logged_at >= LOST_LOG_NS) {
		eg_warn("perf: %llu records lost in the last %llu s (rings full); busy time is "
			"reconciled with cpuidle residency", (unsigned long long)s->lost,
			(unsigned long long)((now - s->lost_logged_at) / NSEC_PER_SEC));
		s->lost = 0;
		s->lost_logged_at = now;
	}
	/* The array is full and the rings are not: the contract's -EAGAIN
	 * (the max events are in ev), so the caller reads again at once. */
	return drained ? k : -EAGAIN;
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
