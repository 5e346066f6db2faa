/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Private to the `perf` source's three files: sched_perf.c (the ops, opening
 * the events and rings), sched_perf_ring.c (decoding and the time-ordered
 * merge of the rings) and sched_perf_track.c (the stream's busy-time mirror
 * and its reconciliation with cpuidle residency). Design in sched_perf.h. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <unistd.h>

#include "config.h"
#include "source.h"

/* The libraries' headers come with their meson dependencies (pkg-config
 * puts them under traceevent/ and tracefs/); a build that found the
 * libraries but does not pass them to these files gets the stub. */
#if defined(__has_include)
#if __has_include(<tracefs.h>) && __has_include(<event-parse.h>)
#define EG_PERF_HEADERS 1
#endif
#endif
#ifndef EG_PERF_HEADERS
#define EG_PERF_HEADERS 0
#endif

#if HAVE_PERF && EG_PERF_HEADERS

#include <event-parse.h>

#include "sched_poll.h"

enum tp_kind {
	TP_SWITCH,
	TP_WAKEUP,
	TP_WAKEUP_NEW,
	TP_MIGRATE,
	TP_EXIT,
	TP__MAX
};

enum fld {
	F_PREV_PID,
	F_PREV_PRIO,
	F_PREV_STATE,
	F_NEXT_PID,
	F_NEXT_PRIO, /* switch */
	F_PID,
	F_PRIO,
	F_TARGET_CPU, /* wakeup, exit */
	F_ORIG_CPU,
	F_DEST_CPU, /* migrate */
	F__MAX,
};

struct tp {
	int id; /* -1 when the kernel lacks it */
	struct tep_format_field *f[F__MAX];
};

/* Pids woken to (or preempted on, or migrated while queued to) a CPU since
 * it last ran them, with the time they became runnable there: enough to
 * mirror the signals module's repair of a lost switch out of idle. */
#define RUNNABLE_SLOTS 8

struct waiting {
	int32_t pid;
	uint64_t since; /* when it became runnable on the CPU */
};

struct track {
	int32_t curr;	/* pid the stream has running, 0 = idle */
	uint64_t since; /* when curr started, or the CPU went idle */
	uint64_t busy;	/* stream busy time since open, up to since */
	struct waiting runnable[RUNNABLE_SLOTS];
	int nr_runnable;
	/* Reconciliation, cumulative since the poll baseline. */
	bool base_set;
	uint64_t base_busy;   /* stream busy at the baseline */
	uint64_t poll_busy;   /* residency busy since the baseline */
	uint64_t corr;	      /* corrections sent */
	uint64_t last_corr;   /* time of the last correction (or baseline) */
	uint64_t lossy_until; /* reconcile fast until then (a recent correction) */
};

struct ring {
	int cpu;
	bool rt;   /* the CPU's RT wakeup ring (sched_perf.h) */
	int owner; /* fd[owner] owns the buffer: TP_SWITCH, TP_WAKEUP (rt) */
	int fd[TP__MAX];
	void *base;
	size_t mmap_len, data_len;
	uint64_t head, tail; /* head snapshot at the read, our cursor */
	bool have;	     /* peek holds the next event of this ring */
	struct eg_event peek;
	uint32_t peek_size;
};

struct eg_source {
	int nr_cpus;
	int epfd;
	struct tep_handle *tep;
	struct tp tp[TP__MAX];
	struct ring *rings; /* per CPU its main ring, then its RT ring if any */
	int nr_rings;
	bool rt_on; /* RT wakeups have their own rings (filters work) */
	struct track *trk;
	uint8_t *scratch; /* one wrapped record, contiguous */
	uint64_t flush_ns;
	uint64_t cur_flush_ns; /* flush_ns, or longer while the machine is idle */
	uint32_t util_threshold;
	uint64_t *busy_prev; /* per CPU: stream busy time at the last read */
	uint64_t last_read;
	bool started, pending;
	/* Reconciliation. */
	bool have_poll;
	struct eg_sched_poll poll;
	struct eg_event *poll_ev;
	uint64_t next_reconcile;
	uint64_t last_emitted;
	/* Ordered merge (sched_perf_ring.c). */
	uint64_t *cpu_seen; /* per CPU: its rings are complete up to this time */
	bool *cpu_pending;  /* per CPU: a record waits in its rings */
	/* The daemon's own threads (ignore_tasks): their wakeups are
	 * dropped, in the RT rings' filter where it takes them and at the
	 * merge in any case. */
	int32_t self[EG_SOURCE_MAX_SELF];
	int nr_self;
	/* Lost records, and records stamped later to keep the order. */
	uint64_t lost, restamped, lost_logged_at;
};

/* How a merge ended: the rings are empty up to their heads, the caller's
 * array is full, or the oldest record waits for the other CPUs' rings. */
enum eg_perf_merge_end {
	EG_PERF_DRAINED,
	EG_PERF_FULL,
	EG_PERF_HELD
};

static inline long eg_perf_page_size(void)
{
	long p = sysconf(_SC_PAGESIZE);

	return p > 0 ? p : 4096;
}

static inline bool eg_perf_is_self(const struct eg_source *s, int32_t pid)
{
	for (int i = 0; i < s->nr_self; i++)
		if (s->self[i] == pid)
			return true;
	return false;
}

/* The daemon's own threads run at SCHED_FIFO, and a switch to an RT task
 * has schedutil run its CPU at the top: were the daemon's own switches
 * told as they are, every wakeup of it would ramp its CPU for itself.
 * They are told at the default normal priority (nice 0, prio 120), so
 * that their CPU time counts as load like any task's, as the kernel
 * leaves its schedutil worker out of the frequency it picks. */
static inline void eg_perf_self_as_normal(const struct eg_source *s, struct eg_event *ev)
{
	if (ev->type == EG_EV_SWITCH) {
		if (eg_perf_is_self(s, ev->sw.prev_pid))
			ev->sw.prev_prio = 120;
		if (eg_perf_is_self(s, ev->sw.next_pid))
			ev->sw.next_prio = 120;
	} else if (ev->type == EG_EV_MIGRATE && eg_perf_is_self(s, ev->migrate.pid)) {
		ev->migrate.prio = 120;
	}
}

/* sched_perf_ring.c: up to max records of every ring into ev, in time
 * order; the rings' tails are published (the kernel may reuse the space). */
int eg_perf_merge(struct eg_source *s, struct eg_event *ev, int max, enum eg_perf_merge_end *end);

/* sched_perf_track.c: follow one emitted event; reconcile the stream's busy
 * time at now with cpuidle residency (busy samples stamped stamp into ev,
 * at most max) and the period until the next reconciliation. */
void eg_perf_track_event(struct eg_source *s, const struct eg_event *ev);
int eg_perf_reconcile(struct eg_source *s, uint64_t now, uint64_t stamp, struct eg_event *ev,
		      int max);
uint64_t eg_perf_reconcile_period(const struct eg_source *s, uint64_t now);

#endif
