/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The running eagovd's state, shared by the parts of its run mode: start-up
 * and teardown (daemon.c), device choice (device.c), the decision sinks
 * (sink.c), the event loop (loop.c) and the control socket's answers
 * (control_ops.c). Private to eagovd. */
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "conf.h"
#include "control.h"
#include "cpufreq_sysfs.h"
#include "cpuidle_sysfs.h"
#include "daemon.h"
#include "engine.h"
#include "hints.h"
#include "model.h"
#include "policy_conf.h"
#include "ppd_dbus.h"
#include "record.h"
#include "source.h"
#include "state.h"
#include "stats.h"
#include "sysfs_io.h"

#define MAX_SOURCES 12
/* STATUS= is refreshed this often at most, at a wakeup the loop has anyway
 * (never a wakeup of its own): often enough for `systemctl status` to look
 * alive, rarely enough to cost nothing. */
#define STATUS_PERIOD_NS (5 * NSEC_PER_SEC)

/* epoll tags besides the sources' (their index in sources[]). */
enum {
	TAG_TIMER = 1000,
	TAG_SIGNAL,
	TAG_CONTROL,
	TAG_DBUS,
	TAG_FAST /* a fast-path thread failed */
};

/* A CPU's busy time at the previous status object: busy_pct's window. */
struct busy_snap {
	uint64_t busy_ns;
	uint64_t t_ns;
};

struct source_slot {
	const struct eg_source_ops *ops;
	struct eg_source *handle;
	int fd;
	bool open;
	/* The turn's now when it was last read, 0 after a sync: a source
	 * read at wakeups is not read twice in one turn. */
	uint64_t read_ns;
};

struct daemon;

/* Where decisions go: printed (a dry run) or written to sysfs. */
struct sink_ops {
	/* Open what decisions are written to; the state file is set up. */
	int (*open)(struct daemon *d, uint64_t now);
	/* Apply one decision: 0 when it took effect (written, or printed;
	 * a frequency request that is not urgent may be held for flush, a
	 * later one for its domain replacing it), -EAGAIN queued behind a
	 * back-off, -ENODEV no knob for it, -errno. */
	int (*apply)(struct daemon *d, const struct eg_decision *x, uint64_t now);
	/* After a batch of decisions: the loop's batch of events, or one
	 * apply outside it. */
	void (*flush)(struct daemon *d);
	/* The earliest queued write to retry, or EG_NEVER; then retry them. */
	uint64_t (*next_retry)(const struct daemon *d);
	void (*retry)(struct daemon *d, uint64_t now);
	/* The limits a domain had before eagovd (0: unknown), the engine's
	 * starting point after a rebuild once eagovd has written its own. */
	void (*original_limits)(const struct daemon *d, int pd, uint32_t *min_khz,
				uint32_t *max_khz);
	void (*close)(struct daemon *d);
};

extern const struct sink_ops eg_sink_dry_run, eg_sink_sysfs;
/* sink->apply, but a dry run's line ends with why instead of the reason. */
int daemon_sink_apply_labelled(struct daemon *d, const struct eg_decision *x, const char *why,
			       uint64_t now);

struct daemon {
	const struct eg_daemon_opts *opts;
	struct eg_daemon_conf conf;
	char config_path[EG_PATH_MAX];
	bool config_explicit;
	struct eg_sysfs sysfs;
	char device_path[EG_PATH_MAX]; /* "" = discovery alone */
	struct eg_model *model;
	struct eg_policy_conf *policy_conf;
	enum eg_profile profile;
	bool profile_from_cli;
	struct eg_engine_config engine_config;
	struct eg_engine *engine;

	const struct sink_ops *sink;
	bool in_batch;	       /* feeding the loop's batch: the sink flushes at its end */
	struct eg_state state; /* originals saved for the restore */
	bool state_in_use;
	struct eg_cpufreq cpufreq;
	struct eg_cpuidle cpuidle;
	bool cpufreq_open, cpuidle_open;

	char source_name[EG_NAME_MAX];
	char replay_path[EG_PATH_MAX];
	struct eg_source_opts source_opts;
	int nr_sources;
	struct source_slot sources[MAX_SOURCES];
	/* The scheduler source ended (a replay at its end): stop. */
	bool sched_ended;
	/* The engine's util threshold the sources were last told (0: none). */
	uint32_t util_threshold_sent;
	uint32_t util_floor_sent;
	/* And each CPU's util scale (0: none). */
	uint32_t util_scale_sent[EG_MAX_CPUS];

	int epoll_fd, timer_fd, signal_fd;
	/* What timer_fd is armed for (EG_NEVER: disarmed), while armed is
	 * true: set by the loop or a fast turn, cleared when it fires. */
	bool timer_armed;
	uint64_t timer_armed_ns;
	uint64_t start_ns;	  /* decision lines' time 0 */
	uint64_t last_event_ns;	  /* the latest time the engine was fed */
	uint64_t duration_end_ns; /* --duration: stop then; EG_NEVER */
	uint64_t next_status_ns;
	/* systemd's watchdog: period 0 and next EG_NEVER when it is off. */
	uint64_t watchdog_period_ns, next_watchdog_ns;
	unsigned int nr_engine_errors;
	struct eg_recorder *recorder;
	struct eg_control *control;
	/* Paths in force: the command line's, else eagov.conf's, else the
	 * defaults for this kind of run; "" (or "none") for none. */
	char control_path[EG_PATH_MAX];
	char state_dir[EG_PATH_MAX];
	char persist_dir[EG_PATH_MAX];
	char dbus_address[EG_PATH_MAX]; /* "system", "none" or an address */
	bool dbus_explicit;		/* asked for: a taken name is fatal */
	struct eg_ppd *ppd;		/* NULL: no D-Bus API */
	char cpu_driver[EG_NAME_MAX];	/* scaling_driver, "" in a dry run */
	/* The cap a domain's profile sets (0: none), and whether the cap in
	 * force is a thermal zone's, below it. */
	uint32_t profile_cap_khz[EG_MAX_PDS];
	bool thermal_capped[EG_MAX_PDS];
	bool degraded; /* any of them: PerformanceDegraded */
	/* The profile is a user's choice (control socket, D-Bus, or restored
	 * from persist_dir): a reload keeps it. */
	bool profile_chosen;
	/* Governor chosen over the control socket per domain ("" = the
	 * device file's); kept across engine rebuilds. */
	char governor_override[EG_MAX_PDS][EG_NAME_MAX];
	bool zone_temp_known[EG_MAX_ZONES];
	int zone_temp_mc[EG_MAX_ZONES];
	/* CPUs a source reported offline (hot-plug): a new engine starts with
	 * every CPU online, so engine_build tells it again. */
	bool cpu_offline[EG_MAX_CPUS];
	/* Events read in one loop turn, sorted before they are fed. */
	struct eg_event *event_batch;
	int nr_event_batch, event_batch_cap;
	struct eg_event *sort_tmp; /* the batch sort's scratch, event_batch_cap long */
	int sort_tmp_cap;
	struct eg_decisions decisions;
	struct run_stats stats;
	struct busy_snap busy_snap[EG_MAX_CPUS];
	struct daemon_hints hints; /* apps' hints in force */
	/* Everything above is the loop's: the main thread and the fast-path
	 * threads take turns under this lock (priority inheritance, so a
	 * fast-path thread waiting lends the holder its priority). */
	pthread_mutex_t lock;
	struct fastpath *fast;		       /* NULL: none (fastpath.c) */
	int32_t self_tids[EG_SOURCE_MAX_SELF]; /* source_opts.ignore_tids */
};

uint64_t daemon_now_ns(void);
void daemon_log_error(const char *what, const struct eg_error *err);

/* device.c: eagov.conf, the device file and the model. */
int daemon_load_conf(struct daemon *d, struct eg_daemon_conf *c);
int daemon_choose_device(struct daemon *d, const struct eg_daemon_conf *c, char *path, size_t len);
int daemon_load_model(struct daemon *d, const char *device, struct eg_model *m,
		      struct eg_policy_conf *pc);

/* daemon.c */
int daemon_engine_build(struct daemon *d, enum eg_profile p, uint64_t now);
void daemon_apply_decisions(struct daemon *d, uint64_t now, const struct eg_event *cause);
void daemon_update_status(struct daemon *d);
int daemon_reload(struct daemon *d);

/* loop.c */
int daemon_open_sources(struct daemon *d);
void daemon_close_sources(struct daemon *d);
/* Feed one event to the engine (building it first in a replay) and the
 * recorder, and apply the decisions. 0, or -errno when no engine could be
 * built. */
int daemon_feed(struct daemon *d, struct eg_event *ev, uint64_t now);
/* Append one event to --record's file, if any; a failed write stops it. */
void daemon_record(struct daemon *d, const struct eg_event *ev);
/* The loop; called and returning with the lock held. */
int daemon_loop(struct daemon *d);
/* A turn's common part after its fds were read, with the lock held (loop.c
 * and fastpath.c); control_ready (NULL: no) answers the control socket. */
int daemon_turn(struct daemon *d, uint64_t now, bool *control_ready);
/* Start a turn's batch with what the scheduler source has at now. */
int daemon_read_sched_source(struct daemon *d, uint64_t now);
/* The loop's timer set for the earliest deadline (after a fast turn, which
 * may have moved it while the loop sleeps). */
int daemon_arm_timer(struct daemon *d);

/* fastpath.c: one thread per CPU, pinned there at SCHED_FIFO
 * fast_path_priority, woken by the scheduler source's RT wakeup records
 * traced on that CPU (a local wakeup, no IPI to an idle CPU) and running a
 * turn at once. */
int daemon_lock_init(struct daemon *d);
void daemon_lock(struct daemon *d);
void daemon_unlock(struct daemon *d);
/* Before the scheduler source opens (one that has RT wakeup records of its
 * own): the threads, if fast_path_priority and the privileges allow. 0, or
 * -errno on a failure that leaves nothing usable. */
int daemon_fastpath_spawn(struct daemon *d);
/* Once it is open: hand them its records (or stop them if it has none). */
int daemon_fastpath_attach(struct daemon *d);
/* The daemon's own threads (the loop's and the fast path's) into tids, at
 * most EG_SOURCE_MAX_SELF; their count. */
int daemon_self_tids(const struct daemon *d, int32_t *tids);
/* Stop and join them; without the lock, before the sources close. */
void daemon_fastpath_stop(struct daemon *d);
/* The loop was woken by TAG_FAST: the error a thread stopped on. */
int daemon_fastpath_error(struct daemon *d);

/* profile.c: the profile switch shared by every way in, its persistence,
 * and the power-profiles D-Bus API's side in the daemon. */
enum profile_origin {
	PROFILE_USER,	   /* eagovctl set profile: saved, D-Bus holds released */
	PROFILE_AUTOMATIC, /* power source, eagov.conf: D-Bus holds outrank it */
	PROFILE_RELOAD,	   /* SIGHUP keeping the profile in force */
};
/* Resolve the control socket, state, persist and D-Bus settings for this run. */
int daemon_resolve_paths(struct daemon *d);
/* The saved choice, if any and valid, into *p; 0 when one was read. */
int daemon_load_saved_profile(struct daemon *d, enum eg_profile *p);
/* Rebuild the engine for p and tell D-Bus clients. 0 or -errno. */
int daemon_switch_profile(struct daemon *d, enum eg_profile p, enum profile_origin origin);
/* Follow the engine's caps after a batch of decisions (PerformanceDegraded). */
void daemon_note_decision(struct daemon *d, const struct eg_decision *x);
void daemon_degraded_update(struct daemon *d);
int daemon_open_dbus(struct daemon *d);
void daemon_dispatch_dbus(struct daemon *d);
void daemon_close_dbus(struct daemon *d);

/* control_ops.c */
int daemon_open_control(struct daemon *d);
