/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eagov.conf: the daemon-wide settings ([daemon] section: device, profile
 * and its AC/battery switching, event source, log level, paths, polling). */
#pragma once

#include <stdint.h>

#include "error.h"
#include "log.h"
#include "policy_conf.h"
#include "util.h"

enum eg_source_choice {
	EG_SOURCE_CHOICE_AUTO = 0,
	EG_SOURCE_CHOICE_BPF,
	EG_SOURCE_CHOICE_PERF,
	EG_SOURCE_CHOICE_POLL,
};

const char *eg_source_choice_name(enum eg_source_choice s);
int eg_source_choice_from_string(const char *s, enum eg_source_choice *out);

struct eg_daemon_conf {
	char device[EG_PATH_MAX]; /* "auto", a NAME or a PATH */
	enum eg_profile profile;  /* at start-up */
	int profile_on_ac;	  /* enum eg_profile, or -1: leave alone */
	int profile_on_battery;	  /* enum eg_profile, or -1 */
	enum eg_source_choice source;
	enum eg_log_level log_level;
	char state_dir[EG_PATH_MAX];
	char control_socket[EG_PATH_MAX];
	/* Where the chosen profile is kept across restarts; "" when the key is
	 * absent (the daemon picks: /var/lib/eagov, none in a dry run). */
	char persist_dir[EG_PATH_MAX];
	/* The power-profiles D-Bus API: "system", "none" or a D-Bus address;
	 * "" when the key is absent (the daemon picks: system, none in a dry
	 * run or on a fake tree). */
	char dbus[EG_PATH_MAX];
	uint32_t poll_interval_ms; /* poll source sampling period */
	/* SCHED_FIFO priority eagovd asks for at start when it runs as a
	 * normal task; 0 leaves its scheduling class alone. */
	uint32_t rt_priority;
	/* SCHED_FIFO priority of the per-CPU fast-path threads, which take
	 * RT wakeups where they are traced; 0: no such threads (the loop
	 * takes them). */
	uint32_t fast_path_priority;
	char file[EG_PATH_MAX]; /* where it was read from, "" for defaults */
};

#define EG_DAEMON_POLL_MS_DEFAULT 10
#define EG_DAEMON_POLL_MS_MIN 1
#define EG_DAEMON_POLL_MS_MAX 10000
#define EG_DAEMON_RT_PRIO_DEFAULT 1
#define EG_DAEMON_RT_PRIO_MAX 99
#define EG_DAEMON_FAST_PRIO_DEFAULT 99

/* The defaults: device auto, profile balanced, no AC/battery switching,
 * source auto, log notice, /run/eagov, /run/eagov/control, 10 ms,
 * SCHED_FIFO 1, fast-path threads at SCHED_FIFO 99. */
void eg_daemon_conf_init(struct eg_daemon_conf *c);
/* Parse eagov.conf ([daemon] section). Keys not in the file keep the values
 * *c had; on error *c is untouched. */
int eg_conf_load_daemon(const char *path, struct eg_daemon_conf *c, struct eg_error *err);
