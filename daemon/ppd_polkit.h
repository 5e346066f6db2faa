/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Asking polkit whether a bus peer may perform an action (the actions eagov
 * ships in data/dbus/org.eagov.policy), the way power-profiles-daemon asks
 * it: CheckAuthorization with subject system-bus-name, no interaction. */
#pragma once

#include <systemd/sd-bus.h>

#define EG_POLKIT_SWITCH_PROFILE "org.eagov.switch-profile"
#define EG_POLKIT_HOLD_PROFILE "org.eagov.hold-profile"
/* How long a switch may wait for polkit's answer; the daemon's loop waits
 * with it, so it is short. */
#define EG_POLKIT_TIMEOUT_USEC (2 * 1000 * 1000ULL)

/* 1 when polkit authorizes `sender` (a unique bus name) for action, 0 when
 * it does not, -ENOENT when polkit is not on the bus, other -errno. */
int eg_polkit_check(sd_bus *bus, const char *sender, const char *action);
