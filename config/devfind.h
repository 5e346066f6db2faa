/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Finding device files: a --device argument resolved to a path, and the
 * file that claims this machine (device-tree compatible, DMI product, vendor
 * and board, each exact or a wildcard) among the device directories. */
#pragma once

#include <stddef.h>

#include "model.h"

/* The most device files looked at when matching the machine. */
#define EG_CONF_MAX_CANDIDATES 128
/* The most device directories searched. */
#define EG_CONF_MAX_DIRS 4

/* What identifies a machine to the device files. Any member may be absent
 * (nr_compatible 0, NULL or "" strings). */
struct eg_machine_ident {
	const char *const *compatible; /* device tree list, most specific first */
	int nr_compatible;
	const char *dmi_product; /* /sys/class/dmi/id/product_name */
	const char *dmi_vendor;	 /* .../sys_vendor */
	const char *dmi_board;	 /* .../board_name */
};

/* The machine's DMI strings, "" where the firmware gives none. */
#define EG_DMI_MAX 128

struct eg_dmi {
	char product[EG_DMI_MAX];
	char vendor[EG_DMI_MAX];
	char board[EG_DMI_MAX];
};

/* The device directories in search order: $EAGOV_DEVICE_DIR (when set),
 * EAGOV_SYSCONFDIR/devices (the administrator's files), EAGOV_DATADIR/devices
 * (the shipped ones) and, in a development build only, the source tree's
 * conf/devices. Returns how many were stored in dirs. */
int eg_conf_device_dirs(const char *dirs[EG_CONF_MAX_DIRS]);

/* Resolve a --device argument to a file: used as a path when it contains '/'
 * or ends in ".ini", otherwise NAME.ini is looked up in the given directories
 * (eg_conf_find_device: eg_conf_device_dirs()), the first one holding it wins.
 * -ENOENT when nothing exists, -ENAMETOOLONG when path is too small. */
int eg_conf_find_device_in(const char *const *dirs, int nr_dirs, const char *name_or_path,
			   char *path, size_t len);
int eg_conf_find_device(const char *name_or_path, char *path, size_t len);

/* Find the device file for a machine among the given directories
 * (eg_conf_match_machine: eg_conf_device_dirs()). A file name found in an
 * earlier directory hides the same name later, so /etc overrides /usr/share.
 * Keys of a file's [device] may be fnmatch(3) patterns. Ranking, best first:
 *  1. a compatible string matched exactly, the machine's most specific first;
 *  2. a compatible string matched by a wildcard, in the same order;
 *  3. DMI: every DMI key the file gives (dmi, dmi_vendor, dmi_board) matches;
 *     all of them exact beats any wildcard, then more keys beat fewer.
 * Ties go to the earlier directory, then the name sorting first.
 * -ENOENT when no file matches. */
int eg_conf_match_machine_in(const char *const *dirs, int nr_dirs,
			     const struct eg_machine_ident *id, char *path, size_t len);
int eg_conf_match_machine(const struct eg_machine_ident *id, char *path, size_t len);

/* eg_conf_match_machine() with the DMI product name only (dmi may be NULL). */
int eg_conf_match_device(const char *const *compatible, int n, const char *dmi, char *path,
			 size_t len);

/* Read the DMI strings under root/sys/class/dmi/id (root "" for this
 * machine); a missing file leaves its string empty. 0 or -errno on a read
 * error other than a missing file. */
int eg_conf_read_dmi(const char *root, struct eg_dmi *dmi);

/* Name of the first [section] of a file ("" when it has none), for tools that
 * take either kind of file. */
int eg_conf_first_section(const char *path, char *buf, size_t len);
