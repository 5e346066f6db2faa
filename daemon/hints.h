/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Apps' hints (launch, interaction, sustained, background) about one of their
 * tasks, taken from any user for the tasks they own, carried out as the
 * task's utilization clamp (and for an interaction the engine's boost) until
 * the hint's time is up. Private to eagovd. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "control_proto.h"
#include "ppd_dbus.h"

/* Hints in force at once; one more is refused until one ends. */
#define EG_MAX_HINTS 64

struct hint_slot {
	pid_t pid;	/* 0: free */
	uint64_t start; /* the task's start time: the pid's identity */
	uint64_t end_ns;
	enum eg_hint_type type;
};

struct daemon_hints {
	struct hint_slot h[EG_MAX_HINTS];
};

struct daemon;

/* What each type does: a clamp for the duration, and whether the engine's
 * boost (eagovctl boost) goes with it. */
struct hint_effect {
	uint32_t uclamp_min, uclamp_max;
	bool boost;
};
const struct hint_effect *daemon_hint_effect(enum eg_hint_type type);
/* The sustained hint's uclamp_max on this machine: 4/5 of the capacity of
 * the highest OPP at which every CPU of the biggest domain, busy, stays
 * within the sustainable power of a zone cooling it (static power
 * included); the table's 768 when no zone gives a sustainable power. */
struct eg_model;
uint32_t daemon_hint_sustained_max(const struct eg_model *m);

/* Take a hint from a caller of uid (privileged: root or the eagov group, who
 * may hint any task). 0, or -errno with a message for the caller in err and
 * nothing changed: -ESRCH no such task, -EPERM another user's task, -EINVAL
 * a type or duration out of range, -EBUSY too many hints, -EOPNOTSUPP a
 * kernel without uclamp. A hint on a task that has one replaces it. */
int daemon_hint(struct daemon *d, int32_t pid, enum eg_hint_type type, uint32_t ms, uid_t uid,
		bool privileged, char *err, size_t len);
/* When the next hint ends (EG_NEVER: none), and ending those that are due:
 * each task's original clamp comes back. */
uint64_t daemon_hints_next(const struct daemon *d);
/* eg_ppd_ops.hint: the same over D-Bus, privileged as for a profile switch. */
int daemon_ppd_hint(void *userdata, uint32_t pid, const char *type, uint32_t ms,
		    const struct eg_ppd_peer *peer, char *err, size_t len);
void daemon_hints_expire(struct daemon *d, uint64_t now);
