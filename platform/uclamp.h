/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Task utilization clamps (the scheduler's uclamp_min / uclamp_max, 0..1024)
 * set with sched_setattr(2) and read with sched_getattr(2), and the state-file
 * record that lets a clean stop or `eagovd --restore` put a task's original
 * clamp back without ever touching a recycled pid. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "state.h"

#define EG_UCLAMP_SCALE 1024U

/* State-file records of task clamps: "task-uclamp:PID:START=MIN,MAX", START
 * being the task's start time (/proc/PID/stat field 22, clock ticks since
 * boot), so a pid reused by another task never matches. */
#define EG_UCLAMP_STATE_PREFIX "task-uclamp:"

struct eg_uclamp {
	uint32_t min, max;
};

/* The task's requested clamp. 0, -ESRCH (no such task), -ENOSYS / -EINVAL
 * (a kernel without uclamp), -errno. */
int eg_uclamp_get(pid_t pid, struct eg_uclamp *out);
/* Set both clamps, the policy and its parameters kept (SCHED_FLAG_KEEP_ALL).
 * min <= max <= EG_UCLAMP_SCALE, else -EINVAL. -EPERM without CAP_SYS_NICE
 * for another user's task; -EOPNOTSUPP when the kernel has no uclamp. */
int eg_uclamp_set(pid_t pid, uint32_t min, uint32_t max);
/* Both clamps back to the kernel's defaults (as if never set). */
int eg_uclamp_reset(pid_t pid);

/* The task's start time from /proc/PID/stat (field 22). 0 or -ESRCH. */
int eg_task_start_time(pid_t pid, uint64_t *start);
/* The task's real and effective uid from /proc/PID/status. 0 or -ESRCH. */
int eg_task_owner(pid_t pid, uid_t *ruid, uid_t *euid);

/* The state-file key of a task ("task-uclamp:PID:START"). */
int eg_uclamp_state_key(pid_t pid, uint64_t start, char *buf, size_t len);
bool eg_uclamp_is_state_key(const char *path);
/* Record the task's clamp in st under its key (the first record wins: that
 * is the original) and save the file, before anything is changed. */
int eg_uclamp_save_original(struct eg_state *st, pid_t pid, uint64_t start);
/* The saved original of (pid, start) in *orig; -ENOENT when none. */
int eg_uclamp_saved(const struct eg_state *st, pid_t pid, uint64_t start, struct eg_uclamp *orig);
/* Put one record back. -ESRCH when that task has exited or its pid now
 * belongs to another task (nothing is written then), -EINVAL for a record
 * that does not parse, -errno from sched_setattr. */
int eg_uclamp_restore_entry(const char *key, const char *value);
