// SPDX-License-Identifier: GPL-2.0-or-later
/* Apps' hints: checked (type, duration, the task's existence and owner),
 * applied as a task clamp decision through the sink (which saves the
 * original first, or prints it in a dry run), and ended on time. */
#include <errno.h>
#include <grp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "hints.h"
#include "log.h"
#include "run.h"
#include "uclamp.h"
#include "util.h"

/* launch: the task runs as if it used every CPU's full capacity, so it is
 *         placed on a big CPU at its top frequency while the app starts;
 * interaction: half the scale as a floor, and the engine's boost (the
 *         task's wakeups ramp its domain at once);
 * sustained: no floor, and a ceiling where the biggest domain, all its CPUs
 *         busy, stays within the sustainable power of a zone that cools it
 *         (sustained_max), so a long load holds its pace without heating
 *         into a thermal cap; 3/4 of the scale without such a zone;
 * background: a ceiling at 1/4 of the scale: the task stays on little CPUs
 *         at low frequency. */
static const struct hint_effect effects[EG_HINT__MAX] = {
	[EG_HINT_LAUNCH] = { 1024, 1024, false },
	[EG_HINT_INTERACTION] = { 512, 1024, true },
	[EG_HINT_SUSTAINED] = { 0, 768, false },
	[EG_HINT_BACKGROUND] = { 0, 256, false },
};

const struct hint_effect *daemon_hint_effect(enum eg_hint_type type)
{
	return (unsigned)type < EG_HINT__MAX ? &effects[type] : NULL;
}

/* The sustainable power (mW) of a zone cooling domain pd; 0 when none says. */
static uint32_t zone_budget_mw(const struct eg_model *m, int pd)
{
	for (int z = 0; z < m->nr_zones; z++)
		for (int k = 0; k < m->zones[z].nr_cooled; k++)
			if (m->zones[z].cooled[k].pd == pd && m->zones[z].sustainable_power_mw)
				return m->zones[z].sustainable_power_mw;
	return 0;
}

uint32_t daemon_hint_sustained_max(const struct eg_model *m)
{
	const struct eg_pd *big = NULL;
	uint32_t budget_mw, perf = 0;
	int pd = -1;

	for (int i = 0; m && i < m->nr_pds; i++) {
		if (!big || m->pds[i].max_cap > big->max_cap) {
			big = &m->pds[i];
			pd = i;
		}
	}
	budget_mw = big ? zone_budget_mw(m, pd) : 0;
	if (!budget_mw || !big->nr_opps || !big->opps[0].power_uw)
		return effects[EG_HINT_SUSTAINED].uclamp_max;
	/* Busy and static power of every CPU, and the domain's, at each
	 * OPP: the highest OPP within the budget. */
	for (int o = 0; o < big->nr_opps; o++) {
		const struct eg_opp *op = &big->opps[o];
		uint64_t uw = (uint64_t)big->nr_cpus * (op->power_uw + op->static_uw) +
			      op->pd_power_uw + op->pd_static_uw;

		if (uw <= (uint64_t)budget_mw * 1000)
			perf = op->perf;
	}
	/* schedutil asks for 1.25 x util: a ceiling of 4/5 of the OPP's
	 * capacity keeps the request at that OPP. The lowest OPP when even it
	 * does not fit. */
	if (!perf)
		perf = big->opps[0].perf;
	return EG_MAX(perf * 4 / 5, 1U);
}

static uint64_t hint_now(const struct daemon *d)
{
	return EG_MAX(daemon_now_ns(), d->last_event_ns);
}

static struct hint_slot *find_slot(struct daemon *d, pid_t pid, uint64_t start)
{
	struct hint_slot *free_slot = NULL;

	for (int i = 0; i < EG_MAX_HINTS; i++) {
		struct hint_slot *h = &d->hints.h[i];

		if (h->pid == pid && h->start == start)
			return h;
		if (!h->pid && !free_slot)
			free_slot = h;
	}
	return free_slot;
}

static int apply_error(int r, int32_t pid, char *err, size_t len)
{
	switch (r) {
	case -ESRCH:
		snprintf(err, len, "no process %d", (int)pid);
		break;
	case -EOPNOTSUPP:
		snprintf(err, len,
			 "this kernel cannot clamp a task's utilization "
			 "(CONFIG_UCLAMP_TASK)");
		break;
	case -EPERM:
		snprintf(err, len, "eagovd may not clamp process %d (it needs CAP_SYS_NICE)",
			 (int)pid);
		break;
	default:
		snprintf(err, len, "cannot clamp process %d: %s", (int)pid, strerror(-r));
		break;
	}
	return r;
}

int daemon_hint(struct daemon *d, int32_t pid, enum eg_hint_type type, uint32_t ms, uid_t uid,
		bool privileged, char *err, size_t len)
{
	const struct hint_effect *fx = daemon_hint_effect(type);
	uint64_t now = hint_now(d), start;
	struct eg_decision x = { .ts = now, .type = EG_DEC_TASK_UCLAMP };
	struct hint_slot *slot;
	uid_t ruid, euid;
	uint32_t max;
	char why[32];
	int r;

	if (!fx) {
		snprintf(err, len, "unknown hint type %d", (int)type);
		return -EINVAL;
	}
	if (ms < EG_CTL_HINT_MIN_MS || ms > EG_CTL_HINT_MAX_MS) {
		snprintf(err, len, "a hint lasts %d to %d ms, not %u", EG_CTL_HINT_MIN_MS,
			 EG_CTL_HINT_MAX_MS, (unsigned)ms);
		return -EINVAL;
	}
	if (pid <= 0 || eg_task_start_time(pid, &start) < 0) {
		snprintf(err, len, "no process %d", (int)pid);
		return -ESRCH;
	}
	/* The kernel's own rule for changing a task's scheduling: the
	 * caller is the task's real or effective user. */
	if (!privileged) {
		r = eg_task_owner(pid, &ruid, &euid);
		if (r < 0)
			return apply_error(r, pid, err, len);
		if (uid != ruid && uid != euid) {
			snprintf(err, len, "permission denied: process %d belongs to another user",
				 (int)pid);
			return -EPERM;
		}
	}
	slot = find_slot(d, pid, start);
	if (!slot) {
		snprintf(err, len, "%d hints in force already; try again later", EG_MAX_HINTS);
		return -EBUSY;
	}
	max = type == EG_HINT_SUSTAINED ? daemon_hint_sustained_max(d->model) : fx->uclamp_max;
	x.target = pid;
	x.value = eg_uclamp_pack(fx->uclamp_min, max);
	snprintf(why, sizeof(why), "hint %s", eg_hint_type_name(type));
	r = daemon_sink_apply_labelled(d, &x, why, now);
	if (r < 0)
		return apply_error(r, pid, err, len);
	if (fx->boost) {
		struct eg_event ev = { .ts = now, .type = EG_EV_BOOST, .cpu = -1 };

		ev.boost.pid = pid;
		ev.boost.ms = EG_MIN(ms, (uint32_t)EG_CTL_BOOST_MAX_MS);
		daemon_feed(d, &ev, now);
	}
	*slot = (struct hint_slot){
		.pid = pid, .start = start, .end_ns = now + ms * NSEC_PER_MSEC, .type = type
	};
	eg_info("hint %s for pid %d, %u ms: uclamp %u..%u%s", eg_hint_type_name(type), (int)pid,
		(unsigned)ms, (unsigned)fx->uclamp_min, (unsigned)max,
		fx->boost ? " and boost" : "");
	return 0;
}

int daemon_ppd_hint(void *userdata, uint32_t pid, const char *type, uint32_t ms,
		    const struct eg_ppd_peer *peer, char *err, size_t len)
{
	enum eg_hint_type t;
	struct group *g;
	bool privileged;

	if (eg_hint_type_from_string(type, &t) < 0) {
		snprintf(err, len,
			 "unknown hint type '%s' (launch, interaction, sustained, "
			 "background)",
			 type);
		return -EINVAL;
	}
	if (pid == 0 || pid > INT32_MAX) {
		snprintf(err, len, "no process %u", (unsigned)pid);
		return -ESRCH;
	}
	g = getgrnam(EG_CONTROL_GROUP);
	privileged = eg_control_allowed(peer->uid, peer->gid, peer->groups, peer->nr_groups,
					g ? g->gr_gid : (gid_t)-1, true);
	return daemon_hint(userdata, (int32_t)pid, t, ms, peer->uid, privileged, err, len);
}

uint64_t daemon_hints_next(const struct daemon *d)
{
	uint64_t t = EG_NEVER;

	for (int i = 0; i < EG_MAX_HINTS; i++)
		if (d->hints.h[i].pid)
			t = EG_MIN(t, d->hints.h[i].end_ns);
	return t;
}

void daemon_hints_expire(struct daemon *d, uint64_t now)
{
	for (int i = 0; i < EG_MAX_HINTS; i++) {
		struct hint_slot *h = &d->hints.h[i];
		struct eg_decision x = { .ts = now, .type = EG_DEC_TASK_UCLAMP };
		uint64_t start;
		char why[40];
		int r;

		if (!h->pid || h->end_ns > now)
			continue;
		/* A task gone, or its pid now another task's: nothing to undo. */
		if (eg_task_start_time(h->pid, &start) == 0 && start == h->start) {
			x.target = h->pid;
			x.value = eg_uclamp_pack(0, EG_UCLAMP_SCALE);
			snprintf(why, sizeof(why), "hint %s ended", eg_hint_type_name(h->type));
			r = daemon_sink_apply_labelled(d, &x, why, now);
			if (r < 0 && r != -ESRCH)
				eg_warn_errno(r, "hint %s for pid %d: cannot put its clamp back",
					      eg_hint_type_name(h->type), (int)h->pid);
		}
		eg_debug("hint %s for pid %d ended", eg_hint_type_name(h->type), (int)h->pid);
		h->pid = 0;
	}
}
