/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Small, careful sysfs I/O: paths under a root prefix ("" = the real machine,
 * a temp dir in tests), whole-file reads, truncating writes, and eg_attr, a
 * kept-open attribute whose failed writes are logged once and retried with
 * exponential back-off on the caller's clock. No globals: pass the structs. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "model.h"
#include "util.h"

/* Where the machine's files live: root is prepended to every absolute path
 * (/sys/..., /proc/stat, /dev/cpu_dma_latency). "" means the real machine. */
struct eg_sysfs {
	char root[EG_PATH_MAX];
};

/* root may be NULL or "" (real machine); a trailing '/' is dropped. */
int eg_sysfs_init(struct eg_sysfs *fs, const char *root);
/* buf = root + formatted absolute path; -ENAMETOOLONG if it does not fit. */
int eg_sysfs_path(const struct eg_sysfs *fs, char *buf, size_t len, const char *fmt, ...)
	EG_PRINTF(4, 5);

/* A sysfs attribute by eg_read_small (core/fileio.h): trailing whitespace and the
 * newline are stripped. Returns the length kept, or -errno (-EFBIG when the
 * value does not fit in buf). */
int eg_sysfs_read(const char *path, char *buf, size_t len);
/* Read one unsigned decimal number; -EINVAL if the file holds anything else. */
int eg_sysfs_read_u32(const char *path, uint32_t *out);
int eg_sysfs_read_u64(const char *path, uint64_t *out);
/* Write val with O_WRONLY|O_TRUNC (fixtures keep no leftover digits; real
 * sysfs ignores O_TRUNC). One write call, as sysfs needs. 0 or -errno. */
int eg_sysfs_write(const char *path, const char *val);
bool eg_sysfs_exists(const char *path);

#define EG_ATTR_VAL_MAX 64
/* Back-off between retries of a failed write: starts at 10 ms because the
 * common transient failure (EBUSY while a driver is mid-transition) clears
 * within a few ms; doubles per failure and stops at 10 s so a hot-unplugged
 * CPU's knob is probed rarely, not spun on. */
#define EG_ATTR_BACKOFF_MIN_NS (10 * NSEC_PER_MSEC)
#define EG_ATTR_BACKOFF_MAX_NS (10 * NSEC_PER_SEC)
#define EG_ATTR_MAX_LOGGED 4

/* An attribute written repeatedly through a kept-open fd. Writes are
 * pwrite() at offset 0: on sysfs each write replaces the value; on anything
 * else (a fixture on tmpfs) the file is then cut to the value, and a file whose
 * link count dropped to 0 fails with -ENODEV, as a removed sysfs node does
 * (that is how a fixture models a hot-unplugged CPU). After a failure the fd
 * is closed and reopened on the next attempt (a re-plugged CPU is a new node).
 * Unchanged values are not rewritten. */
struct eg_attr {
	char path[EG_PATH_MAX];
	int fd;	       /* -1 when closed */
	bool truncate; /* not sysfs: cut the file to the value written */
	bool have_last, have_pending;
	char last[EG_ATTR_VAL_MAX];    /* last value written successfully */
	char pending[EG_ATTR_VAL_MAX]; /* value still to write (after a failure) */
	int err;		       /* -errno of the last failed attempt, 0 */
	uint64_t backoff_ns;	       /* 0 when healthy */
	uint64_t retry_ns;	       /* no attempt before this time */
	unsigned int nr_failures;      /* failed attempts since the last success */
	unsigned int nr_writes;	       /* successful writes (for tests and stats) */
	int nr_logged;
	int logged[EG_ATTR_MAX_LOGGED]; /* errnos already logged for this path */
};

/* Set up a closed attribute for path (no I/O). */
int eg_attr_init(struct eg_attr *a, const char *path);
/* Open the fd now. On failure the attribute stays usable: the next write
 * reopens. 0 or -errno. */
int eg_attr_open(struct eg_attr *a);
/* Write val at time now_ns. Returns 0 when written (or already the value),
 * -EAGAIN when a previous failure's back-off has not elapsed (val is kept
 * and written by eg_attr_retry), or the -errno of this failed attempt (also
 * kept for retry). A failure is logged once per path and errno. */
int eg_attr_set(struct eg_attr *a, const char *val, uint64_t now_ns);
/* Keep val as the value to write at the next eg_attr_retry, without
 * writing it now; a later eg_attr_set or eg_attr_hold replaces it unwritten,
 * and the value already in the file cancels it. 0, -EAGAIN while a failed
 * write waits for its back-off (val is written after it), -EINVAL. */
int eg_attr_hold(struct eg_attr *a, const char *val, uint64_t now_ns);
/* Write the pending value if its back-off has elapsed; 0 when nothing is
 * pending or it was written, else as eg_attr_set. */
int eg_attr_retry(struct eg_attr *a, uint64_t now_ns);
/* When the next retry is due, 0 when nothing is pending. */
static inline uint64_t eg_attr_next_retry(const struct eg_attr *a)
{
	return a->have_pending ? a->retry_ns : 0;
}
void eg_attr_close(struct eg_attr *a);

/* Earliest of two retry deadlines where 0 means none. */
static inline uint64_t eg_deadline_min(uint64_t a, uint64_t b)
{
	if (!a)
		return b;
	if (!b)
		return a;
	return EG_MIN(a, b);
}
