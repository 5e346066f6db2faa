/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Event sources: everything that turns the machine into eg_events — the
 * scheduler (bpf, perf, poll, replay), thermal zones (sysfs, netlink, hwmon)
 * and device changes (udev). One ops table per source; the daemon waits on
 * their fds and timeouts in one epoll loop and feeds what they read to the
 * engine. Time is CLOCK_MONOTONIC ns, the clock perf and BPF stamp with. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "model.h"
#include "sysfs_io.h"
#include "util.h"

enum eg_source_kind {
	EG_SOURCE_SCHED = 0, /* exactly one of these runs */
	EG_SOURCE_THERMAL,
	EG_SOURCE_DEVICE,
};

/* The most threads a daemon asks a source to ignore (ignore_tids). */
#define EG_SOURCE_MAX_SELF (EG_MAX_CPUS + 1)

struct eg_source_opts {
	const struct eg_model *model;
	const struct eg_sysfs *fs; /* root prefix ("" = the machine) */
	uint32_t poll_interval_ms; /* poll / sampling sources */
	uint32_t util_rate_ms;	   /* bpf: per-CPU utilization updates at most this often */
	const char *replay_path;   /* replay: the recording */
	bool replay_realtime;	   /* replay: pace by timestamps (else as fast as read) */
	/* The daemon's own threads (at most EG_SOURCE_MAX_SELF): their
	 * wakeups are neither returned nor wake anyone. The daemon runs at
	 * SCHED_FIFO, as the kernel's schedutil worker runs above fair tasks,
	 * and that worker does not count in the frequency it picks; each of
	 * the daemon's own wakeups would otherwise be an RT wakeup ramping
	 * its CPU for the daemon itself, and waking it once more. Their
	 * switches still count, as a normal task's (prio 120): that CPU time
	 * is real, but a realtime one would have schedutil run the CPU at
	 * its top for the daemon. */
	const int32_t *ignore_tids;
	int nr_ignore_tids;
};

struct eg_source; /* each implementation defines its own */

struct eg_source_ops {
	const char *name;
	enum eg_source_kind kind;
	/* Can this source run here? 0, or -errno with a sentence in why
	 * (e.g. "tracefs not mounted and not root"). Cheap, no side effects. */
	int (*probe)(const struct eg_source_opts *o, char *why, size_t len);
	int (*open)(struct eg_source **out, const struct eg_source_opts *o);
	/* An fd that becomes readable when events are there, or -1. */
	int (*fd)(const struct eg_source *s);
	/* When read() wants to be called even without fd readiness
	 * (interval sources, batching), or EG_NEVER. */
	uint64_t (*next_timeout)(const struct eg_source *s);
	/* Read what is available at now: up to max events, in time order.
	 * Returns the count (0 = nothing), -EAGAIN when there is more to read
	 * right away after these max, or another -errno on failure.
	 * -ENODATA: the source has ended (replay at end of file). */
	int (*read)(struct eg_source *s, uint64_t now, struct eg_event *ev, int max);
	void (*close)(struct eg_source *s);
	/* Optional. The change of a CPU's utilization (0..1024) the active
	 * policies care about (eg_engine_util_threshold), and the level under
	 * which none does (eg_engine_util_floor): a source that aggregates may
	 * hold back smaller changes, or any under the floor, until its
	 * heartbeat or a sync. */
	void (*set_util_threshold)(struct eg_source *s, uint32_t util, uint32_t floor);
	/* Optional. A timer policy is about to sample: let the next read()
	 * bring every CPU's utilization up to date, whatever it holds back. */
	void (*sync)(struct eg_source *s);
	/* Optional. The util of a CPU fully busy now (0..1024,
	 * eg_engine_cpu_util_scale: its capacity at its domain's current
	 * frequency), which moves with the frequency: a source that measures
	 * busy time turns it into util with this before comparing with the
	 * threshold and floor. Until told, a busy fraction counts as util
	 * (it moves at least as much). */
	void (*set_cpu_util_scale)(struct eg_source *s, int cpu, uint32_t scale);
	/* Optional. Hand the RT wakeup records' wakeups to per-CPU readers:
	 * fds[cpu] (cpu < nr_cpus) becomes an fd that turns readable, per
	 * record, when an RT or deadline wakeup traced on that CPU is
	 * waiting, so that a reader pinned there is woken without an
	 * inter-processor interrupt; -1 where the source has none. From then
	 * on those records no longer make fd() readable. read() still returns
	 * them, in order with the rest, whoever calls it. Returns 0, or
	 * -EOPNOTSUPP when the source has no such records (nothing changed). */
	int (*rt_wake_fds)(struct eg_source *s, int *fds, int nr_cpus);
	/* read() is cheap and worth calling at every wakeup of the loop,
	 * whatever woke it: the source keeps records it did not wake the loop
	 * for, and the engine is best fed them whenever it runs. */
	bool read_at_wakeups;
};

/* The sources that ship; NULL-terminated, in auto-selection order for the
 * scheduler kind (bpf, perf, poll). A source whose build option is off is
 * still listed and its probe says so. */
extern const struct eg_source_ops *const eg_sources[];

const struct eg_source_ops *eg_source_find(const char *name);

/* Pick the scheduler source: name "auto" tries bpf, perf, poll in order
 * (replay is never automatic). *why gets one sentence naming the choice
 * and, for every source passed over, its reason. Returns 0 or -errno (the
 * named source cannot run here: why says why). */
int eg_source_select(const char *name, const struct eg_source_opts *o,
		     const struct eg_source_ops **out, char *why, size_t len);
