/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The udev device source: a libudev monitor on the cpu, thermal and
 * power_supply subsystems. CPU online / offline -> EG_EV_CPU_ONLINE/OFFLINE,
 * a mains (or USB) supply's online change -> EG_EV_POWER_SOURCE (emitted once
 * at open with the initial state too), thermal zones added or removed ->
 * logged (the engine has no event for them). */
#pragma once

#include <stdbool.h>

#include "source.h"

struct udev;

/* AC state now: true when any Mains or USB power supply is online; a
 * machine with no such supply and no battery (a desktop or server) is on AC.
 * 0 or -errno. */
int eg_udev_read_on_ac(struct udev *udev, bool *on_ac);

extern const struct eg_source_ops eg_source_udev;
