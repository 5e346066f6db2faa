/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the discovery files (discover.c: CPUs, frequency domains, idle states,
 * identity; discover_em.c: the debugfs Energy Model; discover_thermal.c:
 * thermal zones; model_merge.c: the merge with a device file) share: path formatting, error reporting, small reads. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "discover.h"
#include "util.h"

/* Format a path; -ENAMETOOLONG rather than a silently truncated one. */
int eg_discover_pathf(char *buf, size_t len, const char *fmt, ...) EG_PRINTF(3, 4);
/* Log, fill err and return r (a negative errno). */
int eg_discover_fail(struct eg_error *err, int r, const char *fmt, ...) EG_PRINTF(3, 4);
/* A one-value file without its trailing whitespace: 0 or -errno. */
int eg_discover_read_text(const char *path, char *buf, size_t len);

/* eg_model_finalize, logging what makes the model inconsistent. */
int eg_discover_finalize(struct eg_model *m, struct eg_error *err);

/* Power of each OPP from /sys/kernel/debug/energy_model, when readable. */
int eg_discover_em(struct eg_model *m, struct eg_error *err);
/* Thermal zones with their trips and the CPUs they cool (libudev). */
int eg_discover_zones(struct eg_model *m, struct eg_error *err);
