/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The thermal-netlink source: the kernel's "thermal" generic-netlink family
 * (groups "event" and "sampling") turned into EG_EV_TRIP and EG_EV_TEMP for
 * the model's thermal_zoneN zones. The message conversion is a pure function
 * over a netlink message so tests can feed it messages built with libnl. */
#pragma once

#include <linux/netlink.h>
#include <stdint.h>

#include "event.h"
#include "model.h"
#include "source.h"
#include "sysfs_io.h"

/* Kernel trip ids we map per zone; more than the model holds because a zone
 * may have trips the model dropped (eg_discover keeps EG_MAX_TRIPS). */
#define EG_TNL_MAX_KTRIPS 32

/* Kernel thermal zone id -> model zone, and kernel trip id -> model trip. */
struct eg_thermal_nl_map {
	int nr;
	struct {
		int tz_id;			/* kernel id (thermal_zone<id>) */
		int zone;			/* index in the model */
		int8_t trip[EG_TNL_MAX_KTRIPS]; /* model trip index, -1 unknown */
	} z[EG_MAX_ZONES];
	int model_trip_mc[EG_MAX_ZONES][EG_MAX_TRIPS]; /* per z[]: the model's trip temps */
};

/* Build the map for the model's thermal_zoneN zones. A kernel trip id is
 * matched to the model trip of the same temperature read from
 * thermal_zoneN/trip_point_<id>_temp under fs (NULL = the machine); when
 * that file is missing, trip id k is taken as model trip k (the model keeps
 * trips in increasing temperature and kernels list them that way, mostly). */
void eg_thermal_nl_map_init(struct eg_thermal_nl_map *m, const struct eg_model *model,
			    const struct eg_sysfs *fs);

/* Convert one message of the thermal family (id family) received at now.
 * Returns 1 when *ev was filled, 0 when the message is not one we map
 * (another command, another family, a zone not in the model), -EINVAL when
 * it is one of ours but malformed. */
int eg_thermal_nl_convert(const struct eg_thermal_nl_map *m, int family, struct nlmsghdr *nlh,
			  uint64_t now, struct eg_event *ev);

/* The numbers of the uapi we use (see thermal_netlink.c for their source). */
enum {
	EG_TNL_ATTR_TZ_ID = 2,
	EG_TNL_ATTR_TZ_TEMP = 3,
	EG_TNL_ATTR_TZ_TRIP_ID = 5,
	EG_TNL_ATTR_MAX_USED = 5,
	EG_TNL_CMD_SAMPLING_TEMP = 0,
	EG_TNL_EVENT_TZ_TRIP_UP = 5,
	EG_TNL_EVENT_TZ_TRIP_DOWN = 6,
};

extern const struct eg_source_ops eg_source_thermal_netlink;
