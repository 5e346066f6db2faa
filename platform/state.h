/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Saved original state: before eagov writes any knob, the knob's original
 * value is recorded here and the whole set is written atomically to a state
 * file, so a clean exit, the next start after a crash, or an admin can put
 * the machine back exactly as it was (eg_state_restore_file).
 *
 * File format (text, one entry a line, UTF-8 free):
 *     # eagov state v1            comment lines start with '#', ignored
 *     /sys/devices/system/cpu/cpufreq/policy0/scaling_governor=schedutil
 * i.e. "<absolute path>=<value>", split at the FIRST '=' (paths with '=' are
 * refused), value = the file's content without its trailing newline (may be
 * empty). Paths include any test root prefix, so restore needs no context.
 *
 * A second kind of record, a task's utilization clamp (platform/uclamp.h):
 *     task-uclamp:1234:567890=0,1024
 * keyed by pid and the task's start time, so a recycled pid is never touched;
 * a task that has exited by restore time is skipped without a word. */
#pragma once

#include <stdbool.h>

#include "model.h"

#define EG_STATE_DEFAULT_PATH "/run/eagov/state"
#define EG_STATE_VALUE_MAX 128

struct eg_state_entry {
	char path[EG_PATH_MAX];
	char value[EG_STATE_VALUE_MAX];
};

struct eg_state {
	char file[EG_PATH_MAX];
	int nr, cap;
	struct eg_state_entry *e;
};

/* file NULL = EG_STATE_DEFAULT_PATH. No I/O. */
int eg_state_init(struct eg_state *st, const char *file);
void eg_state_free(struct eg_state *st);
/* Remember path's original value. A path already recorded keeps its first
 * (original) value and the call returns 0. -EINVAL for '=' or '\n' in path or
 * value. */
int eg_state_add(struct eg_state *st, const char *path, const char *value);
/* Read path's current value and eg_state_add it; -errno if unreadable. */
int eg_state_record(struct eg_state *st, const char *path);
const char *eg_state_get(const struct eg_state *st, const char *path);
/* Forget path's record (its original is back in force); 0 or -ENOENT. The
 * caller saves the file. */
int eg_state_remove(struct eg_state *st, const char *path);
/* Write all entries to st->file atomically (temp file, fsync, rename, fsync
 * of the folder); creates the file's folder (one level) if missing. */
int eg_state_save(const struct eg_state *st);

/* True when a state file exists (a previous run did not restore). */
bool eg_state_file_exists(const char *file);
/* Write every saved value back, then remove the file. Order:
 *   1. energy_performance_preference (intel_pstate refuses EPP changes under
 *      the performance governor, so before the governor goes back),
 *   2. scaling_governor (setspeed needs userspace back first),
 *   3. scaling_min_freq / scaling_max_freq of one policy as a pair: max
 *      first when the saved min is above the current max, else min first,
 *      so no intermediate state has min > max (older kernels: EINVAL),
 *   4. everything else, in file order; task clamps through uclamp.h.
 * Entries that fail are logged and skipped; the rest are still written.
 * Entries whose path vanished (ENOENT, ENODEV) are dropped; other failures
 * (EACCES, EBUSY, ...) are kept: the file is rewritten with just those so a
 * later call can try again. Returns 0 (also when there is no file: calling
 * it twice is harmless) or the first error met. */
int eg_state_restore_file(const char *file);
