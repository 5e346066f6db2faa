/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The hwmon source: model zones whose sensor is "hwmon:CHIP/FEATURE" (CHIP a
 * libsensors chip name such as coretemp or coretemp-isa-0000, FEATURE such
 * as temp1) read through libsensors on the zone's interval as EG_EV_TEMP. */
#pragma once

#include <stddef.h>

#include "source.h"

#define EG_HWMON_PREFIX "hwmon:"

/* Split "hwmon:CHIP/FEATURE" into chip and feature; -EINVAL when sensor is
 * not of that form (either part empty), -ENAMETOOLONG when a part does not
 * fit. */
int eg_hwmon_parse_sensor(const char *sensor, char *chip, size_t chip_len, char *feature,
			  size_t feature_len);

extern const struct eg_source_ops eg_source_hwmon;
