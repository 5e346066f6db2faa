/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The power-profiles D-Bus API (org.freedesktop.UPower.PowerProfiles and the
 * legacy net.hadess.PowerProfiles) served for eagovd, so desktop power-mode
 * switchers and powerprofilesctl drive eagov's profiles. No global state:
 * the daemon owns the profile, this module the bus side and the holds. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "policy_conf.h"

/* The Driver every profile reports in the Profiles property. */
#define EG_PPD_DRIVER "eagov"

/* Why ops->set_profile is called. A daemon that persists the user's choice
 * saves it for EG_PPD_REASON_USER only, as power-profiles-daemon does. */
enum eg_ppd_reason {
	EG_PPD_REASON_USER, /* a client set ActiveProfile */
	EG_PPD_REASON_HOLD, /* a hold started, or the last one ended */
};

/* What a peer asks to do, for ops->authorize. power-profiles-daemon maps them
 * to the polkit actions switch-profile (active local users) and hold-profile
 * (anyone); data/dbus/org.eagov.policy ships the same two for eagov. */
enum eg_ppd_action {
	EG_PPD_ACTION_SWITCH, /* set ActiveProfile */
	EG_PPD_ACTION_HOLD,   /* HoldProfile */
};

/* The caller of a method, as the bus daemon vouches for it. */
struct eg_ppd_peer {
	const char *name;    /* unique bus name */
	uid_t uid;	     /* effective uid */
	gid_t gid;	     /* effective gid, (gid_t)-1 when unknown */
	const gid_t *groups; /* supplementary groups, may be NULL */
	int nr_groups;
	pid_t pid; /* 0 when unknown */
};

/* Callbacks into the daemon; userdata is the pointer given to eg_ppd_new.
 * set_profile and authorize run only inside eg_ppd_process(); the getters
 * also inside eg_ppd_new() and eg_ppd_notify_*(). None may call back into
 * this module. */
struct eg_ppd_ops {
	/* The profile in force now. Required. */
	enum eg_profile (*get_profile)(void *userdata);
	/* Apply a profile; 0 or -errno, and nothing changed on error. The
	 * module emits PropertiesChanged itself for changes it asks for here.
	 * Required. */
	int (*set_profile)(void *userdata, enum eg_profile profile, enum eg_ppd_reason reason);
	/* Whether the daemon can run this profile (the device file defines it).
	 * NULL: all three are. */
	bool (*profile_available)(void *userdata, enum eg_profile profile);
	/* The cpufreq driver name ("intel_pstate", "cppc_cpufreq", ...) reported
	 * as each profile's CpuDriver; NULL or "": the key is left out. */
	const char *(*cpu_driver)(void *userdata);
	/* Why performance is degraded now, e.g. "high-operating-temperature";
	 * NULL or "": it is not. */
	const char *(*performance_degraded)(void *userdata);
	/* 0 when peer may do action, else -EPERM. NULL: root may switch,
	 * anyone may hold. A switch this refuses is then put to polkit
	 * (action org.eagov.switch-profile, subject the caller's bus name),
	 * whose answer decides; when polkit is not on the bus, the refusal
	 * stands (logged once). A refused caller gets
	 * org.freedesktop.DBus.Error.AccessDenied. */
	int (*authorize)(void *userdata, enum eg_ppd_action action, const struct eg_ppd_peer *peer);
	/* An app's hint (EG_HINTS_INTERFACE.Hint): task pid, type, duration.
	 * 0, or -errno with a message for the caller in err: -EPERM
	 * (AccessDenied), -EINVAL and -ESRCH (InvalidArgs), -EBUSY
	 * (LimitsExceeded), -EOPNOTSUPP (NotSupported), others (Failed). NULL:
	 * the method answers NotSupported. */
	int (*hint)(void *userdata, uint32_t pid, const char *type, uint32_t ms,
		    const struct eg_ppd_peer *peer, char *err, size_t len);
};

/* eagov's own interface, kept off the power-profiles objects so that their
 * interface stays exactly power-profiles-daemon's: bus name EG_HINTS_NAME
 * (owned when the bus policy allows it, else the method is reached through the
 * power-profiles names), object EG_HINTS_PATH, method Hint(u pid, s type,
 * u ms) -> (). */
#define EG_HINTS_NAME "org.eagov"
#define EG_HINTS_PATH "/org/eagov/Hints"
#define EG_HINTS_INTERFACE "org.eagov.Hints1"

struct eg_ppd;

/* Connect to the bus at address (a D-Bus address such as
 * "unix:path=/run/dbus/system_bus_socket"; NULL: the system bus), register
 * both objects and own both names. -EEXIST when another program owns either
 * name (power-profiles-daemon, tuned-ppd), -EACCES when the bus policy does
 * not allow eagov to own them, other -errno from the bus. ops and userdata are
 * borrowed and must outlive the object. */
int eg_ppd_new(struct eg_ppd **out, const char *address, const struct eg_ppd_ops *ops,
	       void *userdata);
/* One pollable fd (an sd-event epoll set holding the bus connection and its
 * timeouts): add it to the daemon's epoll set for EPOLLIN and call
 * eg_ppd_process() when it is readable. No timeout to track besides. */
int eg_ppd_fd(const struct eg_ppd *p);
/* Serve every request that is ready, without blocking; may be called at any
 * time, not only when the fd is readable. 0, or -ECONNRESET when the bus went
 * away (the object is then of no further use: free it). */
int eg_ppd_process(struct eg_ppd *p);

/* The eg_ppd_notify_*() calls send their signals at once, without serving
 * requests (so without calling set_profile or authorize): safe from inside the
 * daemon's own switching code. Should the bus socket be full, the rest goes
 * out at the next eg_ppd_process(). */

/* The daemon switched profile itself. manual: a user chose it through another
 * way in (the control socket); holds are then released (holders get
 * ProfileReleased), as for a change of ActiveProfile over D-Bus. Otherwise,
 * with no holds, the new profile is the one later holds return to (while holds
 * last, eg_ppd_automatic_profile() records that). Emits PropertiesChanged when
 * ActiveProfile differs from what clients last saw. */
void eg_ppd_notify_profile_changed(struct eg_ppd *p, bool manual);
/* ops->performance_degraded would now answer differently. */
void eg_ppd_notify_degraded_changed(struct eg_ppd *p);
/* ops->profile_available or ops->cpu_driver would now answer differently. */
void eg_ppd_notify_profiles_changed(struct eg_ppd *p);
/* The daemon wants to switch to `wanted` by itself (power source changed).
 * Returns the profile to apply now: wanted when nothing is held, else the
 * holds' winner (holds outrank automatic switching); wanted is restored when
 * the last hold goes. Apply the result, then call
 * eg_ppd_notify_profile_changed(p, false). */
enum eg_profile eg_ppd_automatic_profile(struct eg_ppd *p, enum eg_profile wanted);
/* Number of holds now (for status output). */
int eg_ppd_nr_holds(const struct eg_ppd *p);
/* Release the names and close the connection. NULL is fine. */
void eg_ppd_free(struct eg_ppd *p);
