// SPDX-License-Identifier: GPL-2.0-or-later
/* The power-profiles D-Bus API over sd-bus: both objects share one vtable,
 * holds live in ppd_holds.c, the daemon is reached through eg_ppd_ops. */
#include "ppd_dbus.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "config.h"
#include "log.h"
#include "ppd_holds.h"
#include "ppd_polkit.h"
#include "util.h"

/* The current name first; power-profiles-daemon before 0.20 and the
 * powerprofilesctl of Debian 12 know only the legacy one. */
enum {
	OBJ_UPOWER,
	OBJ_LEGACY,
	NR_OBJECTS
};

static const struct {
	const char *name; /* bus name and interface */
	const char *path;
} objects[NR_OBJECTS] = {
	[OBJ_UPOWER] = { "org.freedesktop.UPower.PowerProfiles",
			 "/org/freedesktop/UPower/PowerProfiles" },
	[OBJ_LEGACY] = { "net.hadess.PowerProfiles", "/net/hadess/PowerProfiles" },
};

/* Bounds the dispatches of one eg_ppd_process() call so a flood of requests
 * cannot starve the daemon's governors; the fd stays readable for the rest. */
#define PROCESS_BATCH 64

/* A bus-side watch on one hold's requester: sd_bus_track follows the name
 * (NameOwnerChanged, and the race of a holder leaving before the match is in
 * place) and calls holder_vanished when it leaves the bus. */
struct watch {
	uint32_t cookie;
	sd_bus_track *track;
};

struct eg_ppd {
	sd_bus *bus;
	sd_event *event;
	sd_bus_slot *vtable_slot[NR_OBJECTS];
	sd_bus_slot *hints_slot;
	bool polkit_absent_logged; /* "polkit is not on the bus", once */
	const struct eg_ppd_ops *ops;
	void *userdata;
	struct eg_ppd_holds holds;
	struct watch watch[EG_PPD_MAX_HOLDS];
	int nr_watches;
	/* ActiveProfile as clients last saw it, so a notify that changes
	 * nothing sends nothing. */
	enum eg_profile announced;
};

static bool profile_available(const struct eg_ppd *p, enum eg_profile profile)
{
	return !p->ops->profile_available || p->ops->profile_available(p->userdata, profile);
}

static const char *nonnull(const char *s)
{
	return s ? s : "";
}

/* --- emitting --- */

static void emit_changed(struct eg_ppd *p, char **names)
{
	for (int i = 0; i < NR_OBJECTS; i++) {
		int r = sd_bus_emit_properties_changed_strv(p->bus, objects[i].path,
							    objects[i].name, names);
		if (r < 0)
			eg_warn_errno(r, "ppd: PropertiesChanged on %s", objects[i].path);
	}
}

/* Emit ActiveProfile when it differs from what clients saw, and
 * ActiveProfileHolds when the holds changed. */
static void emit_state(struct eg_ppd *p, bool holds_changed)
{
	char *names[3] = { NULL };
	enum eg_profile now = p->ops->get_profile(p->userdata);
	int n = 0;

	if (now != p->announced) {
		p->announced = now;
		names[n++] = (char *)"ActiveProfile";
	}
	if (holds_changed)
		names[n++] = (char *)"ActiveProfileHolds";
	if (n)
		emit_changed(p, names);
}

/* ProfileReleased goes to the holder only, on the interface it held through,
 * as power-profiles-daemon sends it. */
static void send_released(struct eg_ppd *p, const struct eg_ppd_hold *hold)
{
	const int obj = hold->via;
	sd_bus_message *m = NULL;
	int r;

	r = sd_bus_message_new_signal(p->bus, &m, objects[obj].path, objects[obj].name,
				      "ProfileReleased");
	if (r >= 0)
		r = sd_bus_message_set_destination(m, hold->requester);
	if (r >= 0)
		r = sd_bus_message_append(m, "u", hold->cookie);
	if (r >= 0)
		r = sd_bus_send(p->bus, m, NULL);
	if (r < 0)
		eg_warn_errno(r, "ppd: ProfileReleased %u to %s", hold->cookie, hold->requester);
	sd_bus_message_unref(m);
}

/* --- holds and their watches --- */

static void unwatch(struct eg_ppd *p, uint32_t cookie)
{
	for (int i = 0; i < p->nr_watches; i++) {
		if (p->watch[i].cookie != cookie)
			continue;
		sd_bus_track_unref(p->watch[i].track);
		p->watch[i] = p->watch[--p->nr_watches];
		return;
	}
}

static void unwatch_all(struct eg_ppd *p)
{
	for (int i = 0; i < p->nr_watches; i++)
		sd_bus_track_unref(p->watch[i].track);
	p->nr_watches = 0;
}

/* Make the daemon run the profile the holds call for. A failure leaves the
 * daemon where it was; the next change of holds tries again. */
static void apply_effective(struct eg_ppd *p)
{
	enum eg_profile want = eg_ppd_holds_effective(&p->holds);
	int r;

	if (want == p->ops->get_profile(p->userdata))
		return;
	r = p->ops->set_profile(p->userdata, want, EG_PPD_REASON_HOLD);
	if (r < 0)
		eg_warn_errno(r, "ppd: switching to %s for the holds", eg_profile_name(want));
}

static void release_hold(struct eg_ppd *p, uint32_t cookie, bool tell_holder)
{
	const struct eg_ppd_hold *hold = eg_ppd_holds_find(&p->holds, cookie);

	if (!hold)
		return;
	eg_info("ppd: hold %u (%s by %s) released", cookie, eg_profile_name(hold->profile),
		hold->application_id);
	if (tell_holder)
		send_released(p, hold);
	unwatch(p, cookie);
	eg_ppd_holds_remove(&p->holds, cookie);
	apply_effective(p);
	emit_state(p, true);
}

/* The user's explicit choice outranks every program's hold: drop them all,
 * telling each holder. */
static bool release_all_holds(struct eg_ppd *p, enum eg_profile chosen)
{
	bool had = p->holds.nr > 0;

	for (int i = 0; i < p->holds.nr; i++)
		send_released(p, &p->holds.hold[i]);
	unwatch_all(p);
	eg_ppd_holds_manual(&p->holds, chosen);
	return had;
}

static int holder_vanished(sd_bus_track *track, void *userdata)
{
	struct eg_ppd *p = userdata;

	for (int i = 0; i < p->nr_watches; i++) {
		if (p->watch[i].track == track) {
			/* Nobody left to tell. */
			release_hold(p, p->watch[i].cookie, false);
			break;
		}
	}
	return 0;
}

/* --- authorization --- */

/* The caller as the bus daemon vouches for it (no /proc look-up, which the
 * peer could race); *creds holds the strings peer points to. */
static int query_peer(sd_bus_message *m, struct eg_ppd_peer *peer, sd_bus_creds **creds)
{
	const uint64_t mask = SD_BUS_CREDS_UNIQUE_NAME | SD_BUS_CREDS_EUID | SD_BUS_CREDS_EGID |
			      SD_BUS_CREDS_SUPPLEMENTARY_GIDS | SD_BUS_CREDS_PID;
	int r;

	*peer = (struct eg_ppd_peer){ .gid = (gid_t)-1 };
	*creds = NULL;
	r = sd_bus_query_sender_creds(m, mask, creds);
	if (r >= 0)
		r = sd_bus_creds_get_euid(*creds, &peer->uid);
	if (r < 0)
		return r;
	sd_bus_creds_get_unique_name(*creds, &peer->name);
	sd_bus_creds_get_egid(*creds, &peer->gid);
	sd_bus_creds_get_pid(*creds, &peer->pid);
	r = sd_bus_creds_get_supplementary_gids(*creds, &peer->groups);
	peer->nr_groups = r > 0 ? r : 0;
	if (!peer->name)
		peer->name = sd_bus_message_get_sender(m);
	return 0;
}

/* A switch the daemon's rule refuses goes to polkit. */
static int ask_polkit(struct eg_ppd *p, const struct eg_ppd_peer *peer)
{
	int r;

	if (!peer->name)
		return -EPERM;
	r = eg_polkit_check(p->bus, peer->name, EG_POLKIT_SWITCH_PROFILE);
	if (r == -ENOENT) {
		if (!p->polkit_absent_logged)
			eg_notice("ppd: polkit is not on the bus: root and the eagov group "
				  "may switch profile, nobody else");
		p->polkit_absent_logged = true;
		return -EPERM;
	}
	if (r < 0) {
		eg_warn_errno(r, "ppd: asking polkit about %s", peer->name);
		return -EPERM;
	}
	eg_info("ppd: polkit %s %s (uid %u) to switch profile", r ? "allows" : "does not allow",
		peer->name, (unsigned)peer->uid);
	return r ? 0 : -EPERM;
}

static int authorize(struct eg_ppd *p, sd_bus_message *m, enum eg_ppd_action action,
		     sd_bus_error *error)
{
	struct eg_ppd_peer peer;
	sd_bus_creds *creds = NULL;
	int r;

	/* A uid we cannot learn means no. */
	r = query_peer(m, &peer, &creds);
	if (r < 0) {
		sd_bus_creds_unref(creds);
		return sd_bus_error_setf(error, SD_BUS_ERROR_ACCESS_DENIED,
					 "Cannot identify the caller: %s", strerror(-r));
	}
	if (p->ops->authorize)
		r = p->ops->authorize(p->userdata, action, &peer);
	else
		r = (action == EG_PPD_ACTION_HOLD || peer.uid == 0) ? 0 : -EPERM;
	if (r < 0 && action == EG_PPD_ACTION_SWITCH)
		r = ask_polkit(p, &peer);
	sd_bus_creds_unref(creds);
	if (r < 0)
		return sd_bus_error_setf(error, SD_BUS_ERROR_ACCESS_DENIED, "Not authorized to %s",
					 action == EG_PPD_ACTION_SWITCH ? "switch profile" :
									  "hold a profile");
	return 0;
}

/* --- properties --- */

static int get_active_profile(sd_bus *bus EG_UNUSED, const char *path EG_UNUSED,
			      const char *interface EG_UNUSED, const char *property EG_UNUSED,
			      sd_bus_message *reply, void *userdata, sd_bus_error *error EG_UNUSED)
{
	struct eg_ppd *p = userdata;

	return sd_bus_message_append(reply, "s", eg_profile_name(p->ops->get_profile(p->userdata)));
}

static int set_active_profile(sd_bus *bus, const char *path EG_UNUSED,
			      const char *interface EG_UNUSED, const char *property EG_UNUSED,
			      sd_bus_message *value, void *userdata, sd_bus_error *error)
{
	struct eg_ppd *p = userdata;
	enum eg_profile profile;
	const char *name;
	bool had_holds;
	int r;

	r = authorize(p, sd_bus_get_current_message(bus), EG_PPD_ACTION_SWITCH, error);
	if (r < 0)
		return r;
	r = sd_bus_message_read(value, "s", &name);
	if (r < 0)
		return r;
	if (eg_profile_from_string(name, &profile) < 0)
		return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
					 "Invalid profile name '%s'", name);
	if (!profile_available(p, profile))
		return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
					 "Cannot switch to unavailable profile '%s'", name);
	/* Choosing the profile already active changes nothing, holds
	 * included, as with power-profiles-daemon. */
	if (profile == p->ops->get_profile(p->userdata))
		return 0;

	r = p->ops->set_profile(p->userdata, profile, EG_PPD_REASON_USER);
	if (r < 0)
		return sd_bus_error_setf(error, SD_BUS_ERROR_FAILED, "Cannot switch to '%s': %s",
					 name, strerror(-r));
	eg_info("ppd: profile %s chosen by %s", name,
		nonnull(sd_bus_message_get_sender(sd_bus_get_current_message(bus))));
	had_holds = release_all_holds(p, profile);
	emit_state(p, had_holds);
	return 0;
}

static int get_degraded(sd_bus *bus EG_UNUSED, const char *path EG_UNUSED,
			const char *interface EG_UNUSED, const char *property EG_UNUSED,
			sd_bus_message *reply, void *userdata, sd_bus_error *error EG_UNUSED)
{
	struct eg_ppd *p = userdata;
	const char *reason = NULL;

	if (p->ops->performance_degraded)
		reason = p->ops->performance_degraded(p->userdata);
	return sd_bus_message_append(reply, "s", nonnull(reason));
}

static int get_inhibited(sd_bus *bus EG_UNUSED, const char *path EG_UNUSED,
			 const char *interface EG_UNUSED, const char *property EG_UNUSED,
			 sd_bus_message *reply, void *userdata EG_UNUSED,
			 sd_bus_error *error EG_UNUSED)
{
	return sd_bus_message_append(reply, "s", "");
}

static int get_profiles(sd_bus *bus EG_UNUSED, const char *path EG_UNUSED,
			const char *interface EG_UNUSED, const char *property EG_UNUSED,
			sd_bus_message *reply, void *userdata, sd_bus_error *error EG_UNUSED)
{
	struct eg_ppd *p = userdata;
	const char *cpu_driver = p->ops->cpu_driver ? p->ops->cpu_driver(p->userdata) : NULL;
	int r;

	r = sd_bus_message_open_container(reply, 'a', "a{sv}");
	if (r < 0)
		return r;
	/* Lowest power first: powerprofilesctl prints the list reversed. */
	for (int i = 0; i < EG_PROFILE__MAX; i++) {
		if (!profile_available(p, (enum eg_profile)i))
			continue;
		r = sd_bus_message_open_container(reply, 'a', "{sv}");
		if (r >= 0)
			r = sd_bus_message_append(reply, "{sv}{sv}", "Profile", "s",
						  eg_profile_name((enum eg_profile)i), "Driver",
						  "s", EG_PPD_DRIVER);
		if (r >= 0 && cpu_driver && *cpu_driver)
			r = sd_bus_message_append(reply, "{sv}", "CpuDriver", "s", cpu_driver);
		if (r >= 0)
			r = sd_bus_message_close_container(reply);
		if (r < 0)
			return r;
	}
	return sd_bus_message_close_container(reply);
}

static int get_actions(sd_bus *bus EG_UNUSED, const char *path EG_UNUSED,
		       const char *interface EG_UNUSED, const char *property EG_UNUSED,
		       sd_bus_message *reply, void *userdata EG_UNUSED,
		       sd_bus_error *error EG_UNUSED)
{
	/* eagov has no per-device actions (power-profiles-daemon's trickle
	 * charging and the like): an empty list. */
	return sd_bus_message_append(reply, "as", 0);
}

static int get_holds(sd_bus *bus EG_UNUSED, const char *path EG_UNUSED,
		     const char *interface EG_UNUSED, const char *property EG_UNUSED,
		     sd_bus_message *reply, void *userdata, sd_bus_error *error EG_UNUSED)
{
	struct eg_ppd *p = userdata;
	int r;

	r = sd_bus_message_open_container(reply, 'a', "a{sv}");
	if (r < 0)
		return r;
	for (int i = 0; i < p->holds.nr; i++) {
		const struct eg_ppd_hold *hold = &p->holds.hold[i];

		r = sd_bus_message_append(reply, "a{sv}", 3, "ApplicationId", "s",
					  hold->application_id, "Profile", "s",
					  eg_profile_name(hold->profile), "Reason", "s",
					  hold->reason);
		if (r < 0)
			return r;
	}
	return sd_bus_message_close_container(reply);
}

static int get_version(sd_bus *bus EG_UNUSED, const char *path EG_UNUSED,
		       const char *interface EG_UNUSED, const char *property EG_UNUSED,
		       sd_bus_message *reply, void *userdata EG_UNUSED,
		       sd_bus_error *error EG_UNUSED)
{
	return sd_bus_message_append(reply, "s", EAGOV_VERSION);
}

/* --- methods --- */

static int object_of(sd_bus_message *m)
{
	return eg_streq(sd_bus_message_get_interface(m), objects[OBJ_LEGACY].name) ? OBJ_LEGACY :
										     OBJ_UPOWER;
}

static int method_hold(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	struct eg_ppd *p = userdata;
	const char *name, *reason, *app_id, *sender = sd_bus_message_get_sender(m);
	enum eg_profile profile, before;
	sd_bus_track *track = NULL;
	uint32_t cookie;
	int r;

	r = authorize(p, m, EG_PPD_ACTION_HOLD, error);
	if (r < 0)
		return r;
	r = sd_bus_message_read(m, "sss", &name, &reason, &app_id);
	if (r < 0)
		return r;
	if (eg_profile_from_string(name, &profile) < 0 ||
	    (profile != EG_PROFILE_PERFORMANCE && profile != EG_PROFILE_POWER_SAVER))
		return sd_bus_error_set(
			error, SD_BUS_ERROR_INVALID_ARGS,
			"Only profiles 'performance' and 'power-saver' can be a hold profile");
	if (!profile_available(p, profile))
		return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
					 "Cannot hold profile '%s' as it is not available", name);
	if (!sender)
		return sd_bus_error_set(error, SD_BUS_ERROR_INVALID_ARGS, "No sender");

	/* Watch the holder before taking the hold: adding the sender fails
	 * when it has left the bus already, and then no hold may outlive it. */
	r = sd_bus_track_new(p->bus, &track, holder_vanished, p);
	if (r >= 0)
		r = sd_bus_track_add_sender(track, m);
	if (r < 0) {
		sd_bus_track_unref(track);
		return sd_bus_error_setf(error, SD_BUS_ERROR_FAILED, "Cannot watch %s: %s", sender,
					 strerror(-r));
	}
	before = p->ops->get_profile(p->userdata);
	r = eg_ppd_holds_add(&p->holds, before, profile, reason, app_id, sender, object_of(m),
			     &cookie);
	if (r < 0) {
		sd_bus_track_unref(track);
		if (r == -ENOSPC)
			return sd_bus_error_setf(error, SD_BUS_ERROR_LIMITS_EXCEEDED,
						 "At most %d profile holds", EG_PPD_MAX_HOLDS);
		if (r == -E2BIG)
			return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
						 "Reason or application id over %d bytes",
						 EG_PPD_TEXT_MAX - 1);
		return r;
	}
	p->watch[p->nr_watches++] = (struct watch){ .cookie = cookie, .track = track };

	profile = eg_ppd_holds_effective(&p->holds);
	if (profile != before) {
		r = p->ops->set_profile(p->userdata, profile, EG_PPD_REASON_HOLD);
		if (r < 0) {
			unwatch(p, cookie);
			eg_ppd_holds_remove(&p->holds, cookie);
			return sd_bus_error_setf(error, SD_BUS_ERROR_FAILED,
						 "Cannot switch to '%s': %s",
						 eg_profile_name(profile), strerror(-r));
		}
	}
	eg_info("ppd: hold %u: %s by %s (%s), reason '%s'", cookie, name, app_id, sender, reason);
	r = sd_bus_reply_method_return(m, "u", cookie);
	emit_state(p, true);
	return r;
}

static int method_release(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	struct eg_ppd *p = userdata;
	uint32_t cookie;
	int r;

	r = sd_bus_message_read(m, "u", &cookie);
	if (r < 0)
		return r;
	/* Anyone may release any hold, as with power-profiles-daemon: a hold
	 * only ever asks for a profile, so releasing one grants nothing. */
	if (!eg_ppd_holds_find(&p->holds, cookie))
		return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "No hold with cookie %u",
					 cookie);
	r = sd_bus_reply_method_return(m, NULL);
	release_hold(p, cookie, true);
	return r;
}

static const sd_bus_vtable ppd_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_WRITABLE_PROPERTY("ActiveProfile", "s", get_active_profile, set_active_profile, 0,
				 SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE | SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_PROPERTY("PerformanceDegraded", "s", get_degraded, 0,
			SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	/* Deprecated upstream in favour of PerformanceDegraded, always "";
	 * older desktop shells still read it. */
	SD_BUS_PROPERTY("PerformanceInhibited", "s", get_inhibited, 0,
			SD_BUS_VTABLE_PROPERTY_CONST | SD_BUS_VTABLE_DEPRECATED),
	SD_BUS_PROPERTY("Profiles", "aa{sv}", get_profiles, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	SD_BUS_PROPERTY("Actions", "as", get_actions, 0, SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("ActiveProfileHolds", "aa{sv}", get_holds, 0,
			SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	SD_BUS_PROPERTY("Version", "s", get_version, 0, SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_METHOD_WITH_NAMES(
		"HoldProfile", "sss",
		SD_BUS_PARAM(profile) SD_BUS_PARAM(reason) SD_BUS_PARAM(application_id), "u",
		SD_BUS_PARAM(cookie), method_hold, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_NAMES("ReleaseProfile", "u", SD_BUS_PARAM(cookie), "", , method_release,
				 SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_SIGNAL_WITH_NAMES("ProfileReleased", "u", SD_BUS_PARAM(cookie), 0),
	SD_BUS_VTABLE_END,
};

/* --- eagov's hints --- */

static int method_hint(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	struct eg_ppd *p = userdata;
	struct eg_ppd_peer peer;
	sd_bus_creds *creds = NULL;
	const char *type, *name;
	uint32_t pid, ms;
	char err[256] = "";
	int r;

	r = sd_bus_message_read(m, "usu", &pid, &type, &ms);
	if (r < 0)
		return r;
	if (!p->ops->hint)
		return sd_bus_error_set(error, SD_BUS_ERROR_NOT_SUPPORTED, "No hints here");
	r = query_peer(m, &peer, &creds);
	if (r < 0) {
		sd_bus_creds_unref(creds);
		return sd_bus_error_setf(error, SD_BUS_ERROR_ACCESS_DENIED,
					 "Cannot identify the caller: %s", strerror(-r));
	}
	r = p->ops->hint(p->userdata, pid, type, ms, &peer, err, sizeof(err));
	eg_info("ppd: hint %s for pid %u, %u ms, from %s (uid %u): %s", type, pid, ms,
		nonnull(peer.name), (unsigned)peer.uid, r < 0 ? "refused" : "done");
	sd_bus_creds_unref(creds);
	if (r >= 0)
		return sd_bus_reply_method_return(m, NULL);
	switch (r) {
	case -EPERM:
	case -EACCES:
		name = SD_BUS_ERROR_ACCESS_DENIED;
		break;
	case -EINVAL:
	case -ESRCH:
		name = SD_BUS_ERROR_INVALID_ARGS;
		break;
	case -EBUSY:
		name = SD_BUS_ERROR_LIMITS_EXCEEDED;
		break;
	case -EOPNOTSUPP:
		name = SD_BUS_ERROR_NOT_SUPPORTED;
		break;
	default:
		name = SD_BUS_ERROR_FAILED;
		break;
	}
	return sd_bus_error_setf(error, name, "%s", err[0] ? err : strerror(-r));
}

static const sd_bus_vtable hints_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_METHOD_WITH_NAMES("Hint", "usu",
				 SD_BUS_PARAM(pid) SD_BUS_PARAM(type) SD_BUS_PARAM(ms), "", ,
				 method_hint, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_VTABLE_END,
};

/* --- life cycle --- */

static int bus_connect(const char *address, sd_bus **out)
{
	sd_bus *bus = NULL;
	int r;

	if (!address)
		return sd_bus_open_system(out);
	r = sd_bus_new(&bus);
	if (r >= 0)
		r = sd_bus_set_address(bus, address);
	if (r >= 0)
		r = sd_bus_set_bus_client(bus, 1);
	if (r >= 0)
		r = sd_bus_start(bus);
	if (r < 0) {
		sd_bus_unref(bus);
		return r;
	}
	*out = bus;
	return 0;
}

int eg_ppd_new(struct eg_ppd **out, const char *address, const struct eg_ppd_ops *ops,
	       void *userdata)
{
	struct eg_ppd *p;
	int r;

	if (!ops || !ops->get_profile || !ops->set_profile)
		return -EINVAL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->ops = ops;
	p->userdata = userdata;
	p->announced = ops->get_profile(userdata);
	eg_ppd_holds_init(&p->holds, p->announced);

	r = sd_event_new(&p->event);
	if (r < 0)
		goto fail;
	r = bus_connect(address, &p->bus);
	if (r < 0) {
		/* The caller says whether that is fatal, and logs it so. */
		eg_log_errno_full(EG_LOG_INFO, r, "ppd: connecting to %s",
				  address ? address : "the system bus");
		goto fail;
	}
	r = sd_bus_attach_event(p->bus, p->event, SD_EVENT_PRIORITY_NORMAL);
	if (r < 0)
		goto fail;
	/* Objects first, names last: a client that sees a name appear finds
	 * the object behind it. */
	for (int i = 0; i < NR_OBJECTS; i++) {
		r = sd_bus_add_object_vtable(p->bus, &p->vtable_slot[i], objects[i].path,
					     objects[i].name, ppd_vtable, p);
		if (r < 0) {
			eg_log_errno(r, "ppd: registering %s", objects[i].path);
			goto fail;
		}
	}
	r = sd_bus_add_object_vtable(p->bus, &p->hints_slot, EG_HINTS_PATH, EG_HINTS_INTERFACE,
				     hints_vtable, p);
	if (r < 0) {
		eg_log_errno(r, "ppd: registering %s", EG_HINTS_PATH);
		goto fail;
	}
	for (int i = 0; i < NR_OBJECTS; i++) {
		r = sd_bus_request_name(p->bus, objects[i].name, 0);
		if (r < 0) {
			eg_log_errno_full(EG_LOG_INFO, r, "ppd: owning %s%s", objects[i].name,
					  r == -EEXIST ? " (another power profiles daemon runs)" :
							 "");
			goto fail;
		}
	}
	/* eagov's own name is a convenience: an older bus policy that does not
	 * let eagovd own it still leaves the hints reachable through the
	 * power-profiles names. */
	r = sd_bus_request_name(p->bus, EG_HINTS_NAME, 0);
	if (r < 0)
		eg_log_errno_full(EG_LOG_INFO, r, "ppd: owning %s; hints are served under %s",
				  EG_HINTS_NAME, objects[OBJ_UPOWER].name);
	/* The synchronous calls above may have read requests into sd-bus's
	 * queue already; a first pass arms the event set for them, or the fd
	 * would not turn readable until more arrives. */
	r = eg_ppd_process(p);
	if (r < 0)
		goto fail;
	*out = p;
	return 0;
fail:
	eg_ppd_free(p);
	return r;
}

int eg_ppd_fd(const struct eg_ppd *p)
{
	return sd_event_get_fd(p->event);
}

int eg_ppd_process(struct eg_ppd *p)
{
	for (int i = 0; i < PROCESS_BATCH; i++) {
		int r = sd_event_run(p->event, 0);

		if (r < 0)
			return r;
		if (r == 0)
			break;
	}
	if (!sd_bus_is_open(p->bus))
		return -ECONNRESET;
	return 0;
}

void eg_ppd_notify_profile_changed(struct eg_ppd *p, bool manual)
{
	enum eg_profile now = p->ops->get_profile(p->userdata);
	bool had_holds = false;

	if (manual)
		had_holds = release_all_holds(p, now);
	else if (p->holds.nr == 0)
		eg_ppd_holds_set_base(&p->holds, now);
	emit_state(p, had_holds);
}

void eg_ppd_notify_degraded_changed(struct eg_ppd *p)
{
	char *names[] = { (char *)"PerformanceDegraded", NULL };

	emit_changed(p, names);
}

void eg_ppd_notify_profiles_changed(struct eg_ppd *p)
{
	char *names[] = { (char *)"Profiles", NULL };

	emit_changed(p, names);
}

enum eg_profile eg_ppd_automatic_profile(struct eg_ppd *p, enum eg_profile wanted)
{
	eg_ppd_holds_set_base(&p->holds, wanted);
	return eg_ppd_holds_effective(&p->holds);
}

int eg_ppd_nr_holds(const struct eg_ppd *p)
{
	return p->holds.nr;
}

void eg_ppd_free(struct eg_ppd *p)
{
	if (!p)
		return;
	unwatch_all(p);
	eg_ppd_holds_clear(&p->holds);
	for (int i = 0; i < NR_OBJECTS; i++)
		sd_bus_slot_unref(p->vtable_slot[i]);
	sd_bus_slot_unref(p->hints_slot);
	if (p->bus) {
		sd_bus_detach_event(p->bus);
		sd_bus_flush_close_unref(p->bus);
	}
	sd_event_unref(p->event);
	free(p);
}
