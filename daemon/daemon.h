/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eagovd's run mode: builds the model, engine, sinks and event sources from
 * the command line and eagov.conf, then runs the epoll loop (sources, timer,
 * signals, control socket) until SIGTERM / SIGINT / --duration, and leaves
 * the machine as it found it. Also --restore and the device-file choice. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* What the command line asked of a run. Strings are borrowed (argv). */
struct eg_daemon_opts {
	const char *device;	/* --device FILE|NAME, NULL: eagov.conf, match, discovery */
	const char *config;	/* --config FILE, NULL: the default (may be missing) */
	const char *profile;	/* --profile, NULL: eagov.conf's */
	const char *source;	/* --source auto|bpf|perf|poll|replay:FILE, NULL: eagov.conf's */
	const char *record;	/* --record FILE */
	const char *state_file; /* --state-file, NULL: the state dir + "/state" */
	const char *sysfs_root; /* --sysfs-root DIR, NULL: the machine */
	const char *log_level;	/* --log-level, NULL: eagov.conf's (or debug with -v) */
	const char *control_socket; /* --control-socket PATH|none, NULL: eagov.conf's */
	const char *state_dir;	    /* --state-dir DIR, NULL: eagov.conf's state_dir */
	const char *persist_dir;    /* --persist-dir DIR|none, NULL: eagov.conf's */
	const char *dbus;	    /* --dbus system|none|ADDRESS, NULL: eagov.conf's */
	bool verbose;		    /* -v: info level (twice: debug) */
	int nr_verbose;
	bool dry_run;
	double duration_s; /* > 0: stop after this many seconds */
};

/* Run the daemon; returns the process exit status (0 after a clean stop). */
int eg_daemon_run(const struct eg_daemon_opts *o);

/* --restore: write back the originals saved in the state file (NULL: the
 * default) and remove it. Returns the exit status. */
int eg_daemon_restore(const char *state_file);

/* The device file for an explicit --device argument (arg != NULL), or the
 * one matching this machine (arg NULL; -ENOENT when none). 0 or -errno. */
int eg_daemon_pick_device(const char *arg, char *path, size_t len);
