/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A fake sysfs tree of a HiKey960 (two cpufreq policies, 8 CPUs with three
 * cpuidle states and a resume-latency QoS file) in a temp dir, used as the
 * sysfs_io root prefix by the actuation and poll-source tests. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "log.h"
#include "model.h"

#define FX_NR_CPUS 8
#define FX_NR_STATES 3

struct fx {
	char root[256];
	char state[300]; /* state file path inside root */
};

/* Build the tree; hwp = no userspace governor, EPP files instead. */
void fx_create(struct fx *f, bool hwp);
void fx_destroy(struct fx *f);
/* Write (creating parent folders) / read a file under the root. */
void fx_write(const struct fx *f, const char *rel, const char *val);
/* Returns buf, trailing newline stripped; "" plus a failed assert if unreadable. */
char *fx_read(const struct fx *f, const char *rel, char *buf, size_t len);
void fx_rm(const struct fx *f, const char *rel); /* rm -rf */
void fx_mkdir(const struct fx *f, const char *rel);
bool fx_exists(const struct fx *f, const char *rel);
/* The HiKey960's two domains with their sysfs policies (no OPP table). */
void fx_model(struct eg_model *m);

/* Captured log lines, for "logged once" assertions. */
struct fx_log {
	int nr;
	char msg[256][256];
	int level[256];
};
void fx_log_capture(struct fx_log *l, enum eg_log_level level);
void fx_log_release(void);
/* Number of captured lines containing all of the given substrings (b may be NULL). */
int fx_log_count(const struct fx_log *l, const char *a, const char *b);
