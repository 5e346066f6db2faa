/* Finding device files: a --device argument resolved to a path, and the
 * file that claims this machine (device-tree compatible or DMI name) among
 * the device directories. */
#pragma once

#include <stddef.h>

/* The most device files looked at when matching the machine. */
#define EG_CONF_MAX_CANDIDATES 128

/* Resolve a --device argument to a file: used as a path when it contains '/'
 * or ends in ".ini", otherwise NAME.ini is looked up in $EAGOV_DEVICE_DIR,
 * EAGOV_DATADIR/devices and EAGOV_SOURCE_ROOT/conf/devices, in that order.
 * -ENOENT when nothing exists, -ENAMETOOLONG when path is too small. */
int eg_conf_find_device(const char *name_or_path, char *path, size_t len);

/* Find the device file for a machine: compatible is the device tree list (most
 * specific first), dmi the DMI product name (either may be absent: n = 0,
 * dmi NULL). The first compatible string any file lists wins, then DMI.
 * Directories are scanned in eg_conf_find_device() order; a file name found in
 * an earlier directory hides the same name later. -ENOENT when none matches. */
int eg_conf_match_device(const char *const *compatible, int n, const char *dmi, char *path,
			 size_t len);

/* Name of the first [section] of a file ("" when it has none), for tools that
 * take either kind of file. */
int eg_conf_first_section(const char *path, char *buf, size_t len);
