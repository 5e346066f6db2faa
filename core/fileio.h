/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Whole-file reads, the one way eagov reads a file into memory: device
 * files, eagov.conf, rt-app workloads, recordings, sysfs and procfs values.
 * Bounded, so a wrong path (a device node, a huge log) cannot eat memory. */
#pragma once

#include <stddef.h>

/* Read all of path into a new NUL-terminated buffer (*out, free() it) of
 * *len bytes (len may be NULL). Returns 0, -errno from open/read, -EISDIR for
 * a directory, -EFBIG when the file holds more than max bytes. Works on
 * files whose size stat cannot tell (sysfs, procfs, pipes). */
int eg_read_file(const char *path, size_t max, char **out, size_t *len);

/* Read a small file into buf (always terminated). Returns the number of
 * bytes kept, -EFBIG when the content does not fit in len - 1 bytes, or
 * -errno. With strip, trailing whitespace (the newline) is removed. */
int eg_read_small(const char *path, char *buf, size_t len, int strip);
