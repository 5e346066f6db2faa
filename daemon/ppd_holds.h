/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Profile holds of the power-profiles API, as pure logic (no D-Bus): the set of
 * holds programs have taken, which profile wins while they last, and which
 * profile to return to when the last one goes. ppd_dbus.c drives it. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "policy_conf.h"

/* At most this many holds at once: any local user may take one, so the
 * number is bounded like the control socket's clients. */
#define EG_PPD_MAX_HOLDS 64
/* Longest reason or application id accepted, in bytes. */
#define EG_PPD_TEXT_MAX 1024

struct eg_ppd_hold {
	uint32_t cookie;
	enum eg_profile profile; /* EG_PROFILE_PERFORMANCE or EG_PROFILE_POWER_SAVER */
	char *reason;
	char *application_id;
	char *requester; /* the holder's unique bus name */
	int via;	 /* caller's tag: which interface it came through */
};

struct eg_ppd_holds {
	struct eg_ppd_hold hold[EG_PPD_MAX_HOLDS]; /* in the order taken */
	int nr;
	/* The profile chosen by hand or by the daemon itself, in force when
	 * nothing is held and restored when the last hold goes. */
	enum eg_profile base;
	uint32_t next_cookie;
};

void eg_ppd_holds_init(struct eg_ppd_holds *h, enum eg_profile base);
/* Free every hold's strings (no notification). */
void eg_ppd_holds_clear(struct eg_ppd_holds *h);

/* The profile that must be active: base when nothing is held, else
 * power-saver if any hold asks for it (saving power wins: a game must not
 * keep a laptop on performance that the battery monitor put to power-saver),
 * else performance. */
enum eg_profile eg_ppd_holds_effective(const struct eg_ppd_holds *h);

/* Take a hold. current is the profile active now: it becomes the one to
 * return to when this is the first hold. The cookie is never 0 and never one
 * in use. -EINVAL for a profile other than performance / power-saver,
 * -ENOSPC when EG_PPD_MAX_HOLDS are held, -E2BIG for an over-long text,
 * -ENOMEM. Nothing changes on error. */
int eg_ppd_holds_add(struct eg_ppd_holds *h, enum eg_profile current, enum eg_profile profile,
		     const char *reason, const char *application_id, const char *requester, int via,
		     uint32_t *cookie);
/* The hold with this cookie, or NULL. */
const struct eg_ppd_hold *eg_ppd_holds_find(const struct eg_ppd_holds *h, uint32_t cookie);
/* The first hold taken by requester, or NULL (to release all of a vanished
 * holder's holds, one by one). */
const struct eg_ppd_hold *eg_ppd_holds_find_requester(const struct eg_ppd_holds *h,
						      const char *requester);
/* Drop one hold; -ENOENT when no hold has this cookie. */
int eg_ppd_holds_remove(struct eg_ppd_holds *h, uint32_t cookie);
/* A profile chosen by hand: it becomes base and every hold is dropped, as
 * power-profiles-daemon does (the user's explicit choice outranks programs).
 * The caller tells the holders before calling this. */
void eg_ppd_holds_manual(struct eg_ppd_holds *h, enum eg_profile profile);
/* A profile the daemon chose by itself (power source changed): it becomes
 * base; holds stay and keep outranking it. */
void eg_ppd_holds_set_base(struct eg_ppd_holds *h, enum eg_profile profile);
