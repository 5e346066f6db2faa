/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eagovd's control socket, server side: a non-blocking AF_UNIX listener that
 * answers status / monitor / set / boost requests (control_proto.h) through
 * callbacks into the daemon, with per-request peer-credential checks. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "control_proto.h"

struct json_object;

/* At most this many clients at once; one more is told so and closed. Bounds
 * the memory a local user can make the daemon hold. */
#define EG_CONTROL_MAX_CLIENTS 16
/* A client that sends no complete request for this long (nothing at all, or
 * only part of a line) is dropped, so silent connections cannot hold every
 * slot. A monitor subscriber waits for pushes and is never idle. */
#define EG_CONTROL_IDLE_TIMEOUT_MS 30000
/* The group that may read status and change settings (besides root). */
#define EG_CONTROL_GROUP "eagov"

/* Callbacks into the daemon; user is the pointer given to eg_control_open.
 * Each returns 0 or -errno; on error, err (when set) is sent to the client,
 * else strerror. Nothing is expected to change on error. */
struct eg_control_ops {
	/* Fill out (an empty JSON object) with the status schema documented in
	 * control_proto.h ("ok" is added by the server). */
	int (*status)(void *user, struct json_object *out);
	/* Switch the frequency policy of domain pd (index into the status
	 * "domains" array; -1 = every domain) to the governor name. */
	int (*set_governor)(void *user, const char *name, int pd, char *err, size_t len);
	/* Switch the active profile. */
	int (*set_profile)(void *user, const char *profile, char *err, size_t len);
	/* Boost the task pid for ms milliseconds. */
	int (*boost)(void *user, int32_t pid, uint32_t ms, char *err, size_t len);
	/* An app's hint about task pid for ms milliseconds, from a peer of
	 * uid; privileged: root or the eagov group (any task), else only the
	 * peer's own tasks. Served for every peer. */
	int (*hint)(void *user, int32_t pid, enum eg_hint_type type, uint32_t ms, uid_t uid,
		    bool privileged, char *err, size_t len);
};

struct eg_control;

/* Create the socket at path (its parent directory is created 0755 if
 * missing), mode 0666 so that every user may connect to send hints, group
 * `group` (NULL: EG_CONTROL_GROUP) when that group exists (else logged). A
 * stale socket file is replaced; a live one (another daemon answers) gives
 * -EADDRINUSE. ops and user are borrowed. */
int eg_control_open(struct eg_control **c, const char *path, const char *group,
		    const struct eg_control_ops *ops, void *user);
/* One pollable fd (an internal epoll set of the listener and the clients):
 * readable when eg_control_dispatch has work. */
int eg_control_fd(const struct eg_control *c);
/* Accept new clients and serve every request that is ready, without
 * blocking. now is CLOCK_MONOTONIC ns (monitor schedules start from it). */
int eg_control_dispatch(struct eg_control *c, uint64_t now);
/* Replace EG_CONTROL_IDLE_TIMEOUT_MS (ns > 0) for clients accepted from now
 * on and the deadlines restarted by their next request. */
void eg_control_set_idle_timeout(struct eg_control *c, uint64_t ns);
/* Push a status update to each monitor subscriber whose interval is due, and
 * drop each other client idle past the timeout (logged). */
void eg_control_tick(struct eg_control *c, uint64_t now);
/* The earliest time eg_control_tick has something to do (a push or an idle
 * client to drop), or EG_NEVER. */
uint64_t eg_control_next_tick(const struct eg_control *c);
/* Number of connected clients (for tests and the daemon's STATUS line). */
int eg_control_nr_clients(const struct eg_control *c);
/* Close every client and the listener, and unlink the socket. NULL is fine. */
void eg_control_close(struct eg_control *c);

/* The permission rule, pure so it can be tested for any peer: root always;
 * otherwise a peer whose primary gid or one of its n supplementary groups is
 * eagov_gid ((gid_t)-1: no such group, so nobody but root). That group may
 * change settings too, so is_change follows the same rule; it is a
 * parameter so that a stricter rule for changes is a one-line edit. */
bool eg_control_allowed(uid_t uid, gid_t gid, const gid_t *groups, int n, gid_t eagov_gid,
			bool is_change);
