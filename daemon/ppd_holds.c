// SPDX-License-Identifier: GPL-2.0-or-later
/* Profile holds: the hold list, the winner, the profile to return to. */
#include "ppd_holds.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void eg_ppd_holds_init(struct eg_ppd_holds *h, enum eg_profile base)
{
	memset(h, 0, sizeof(*h));
	h->base = base;
	h->next_cookie = 1;
}

static void hold_free(struct eg_ppd_hold *hold)
{
	free(hold->reason);
	free(hold->application_id);
	free(hold->requester);
	memset(hold, 0, sizeof(*hold));
}

void eg_ppd_holds_clear(struct eg_ppd_holds *h)
{
	for (int i = 0; i < h->nr; i++)
		hold_free(&h->hold[i]);
	h->nr = 0;
}

enum eg_profile eg_ppd_holds_effective(const struct eg_ppd_holds *h)
{
	enum eg_profile p = h->base;

	for (int i = 0; i < h->nr; i++) {
		if (h->hold[i].profile == EG_PROFILE_POWER_SAVER)
			return EG_PROFILE_POWER_SAVER;
		p = h->hold[i].profile;
	}
	return p;
}

static int index_of(const struct eg_ppd_holds *h, uint32_t cookie)
{
	for (int i = 0; i < h->nr; i++)
		if (h->hold[i].cookie == cookie)
			return i;
	return -1;
}

/* Cookies count up; after a wrap (four billion holds) skip 0, which clients
 * read as "no hold", and any cookie still held. */
static uint32_t next_cookie(struct eg_ppd_holds *h)
{
	uint32_t c;

	do {
		c = h->next_cookie++;
	} while (c == 0 || index_of(h, c) >= 0);
	return c;
}

int eg_ppd_holds_add(struct eg_ppd_holds *h, enum eg_profile current, enum eg_profile profile,
		     const char *reason, const char *application_id, const char *requester, int via,
		     uint32_t *cookie)
{
	struct eg_ppd_hold hold = { .profile = profile, .via = via };

	if (profile != EG_PROFILE_PERFORMANCE && profile != EG_PROFILE_POWER_SAVER)
		return -EINVAL;
	if (h->nr >= EG_PPD_MAX_HOLDS)
		return -ENOSPC;
	if (strlen(reason) >= EG_PPD_TEXT_MAX || strlen(application_id) >= EG_PPD_TEXT_MAX ||
	    strlen(requester) >= EG_PPD_TEXT_MAX)
		return -E2BIG;
	hold.reason = strdup(reason);
	hold.application_id = strdup(application_id);
	hold.requester = strdup(requester);
	if (!hold.reason || !hold.application_id || !hold.requester) {
		hold_free(&hold);
		return -ENOMEM;
	}
	if (h->nr == 0)
		h->base = current;
	hold.cookie = next_cookie(h);
	h->hold[h->nr++] = hold;
	*cookie = hold.cookie;
	return 0;
}

const struct eg_ppd_hold *eg_ppd_holds_find(const struct eg_ppd_holds *h, uint32_t cookie)
{
	int i = index_of(h, cookie);

	return i < 0 ? NULL : &h->hold[i];
}

const struct eg_ppd_hold *eg_ppd_holds_find_requester(const struct eg_ppd_holds *h,
						      const char *requester)
{
	for (int i = 0; i < h->nr; i++)
		if (eg_streq(h->hold[i].requester, requester))
			return &h->hold[i];
	return NULL;
}

int eg_ppd_holds_remove(struct eg_ppd_holds *h, uint32_t cookie)
{
	int i = index_of(h, cookie);

	if (i < 0)
		return -ENOENT;
	hold_free(&h->hold[i]);
	/* Keep the order taken: ActiveProfileHolds lists them that way. */
	memmove(&h->hold[i], &h->hold[i + 1], (size_t)(h->nr - i - 1) * sizeof(h->hold[0]));
	h->nr--;
	memset(&h->hold[h->nr], 0, sizeof(h->hold[0]));
	return 0;
}

void eg_ppd_holds_manual(struct eg_ppd_holds *h, enum eg_profile profile)
{
	eg_ppd_holds_clear(h);
	h->base = profile;
}

void eg_ppd_holds_set_base(struct eg_ppd_holds *h, enum eg_profile profile)
{
	h->base = profile;
}
