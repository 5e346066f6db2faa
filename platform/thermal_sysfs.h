/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The thermal-sysfs source: reads each model zone's thermal_zoneN/temp at the
 * zone's polling interval (its passive interval while at or above the first
 * passive trip, as the kernel polls) and emits EG_EV_TEMP. Also the helper
 * that maps a model zone's sensor name to the kernel's thermal zone id. */
#pragma once

#include "model.h"
#include "source.h"

/* Default interval for a zone whose polling_ms is 0: the kernel then relies on
 * interrupts we do not get, so poll at the engine's default of one second. */
#define EG_THERMAL_DEFAULT_POLL_MS 1000U

/* The kernel id N of a sensor named exactly "thermal_zoneN", or -1. */
int eg_thermal_zone_id(const char *sensor);

/* The interval (ns) at which zone z is read when its last reading was
 * temp_mc: passive_ms at or above the first passive trip (when passive_ms is
 * set), polling_ms otherwise (EG_THERMAL_DEFAULT_POLL_MS when 0). */
uint64_t eg_thermal_zone_interval_ns(const struct eg_zone *z, int temp_mc);

extern const struct eg_source_ops eg_source_thermal_sysfs;
