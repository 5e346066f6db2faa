/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Small helpers shared by every part of eagov: sizes, time units, clamps,
 * and scope-bound cleanup in the style of systemd (_cleanup_free_ ...).
 * Header-only; nothing here does I/O. */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Room for a path in fixed-size records (model source, sensors, errors). */
#define EG_PATH_MAX 256

#define NSEC_PER_USEC 1000ULL
#define NSEC_PER_MSEC 1000000ULL
#define NSEC_PER_SEC 1000000000ULL
#define USEC_PER_SEC 1000000ULL

/* "Never" for times: no timer wanted, no timeout, no deadline. Every layer
 * uses this one value (governors' next timer, sources' next poll). */
#define EG_NEVER UINT64_MAX

#define EG_MIN(a, b) ((a) < (b) ? (a) : (b))
#define EG_MAX(a, b) ((a) > (b) ? (a) : (b))
#define EG_CLAMP(v, lo, hi) EG_MIN(EG_MAX((v), (lo)), (hi))

#define EG_UNUSED __attribute__((unused))
#define EG_PRINTF(f, a) __attribute__((format(printf, f, a)))

static inline void eg_freep(void *p)
{
	free(*(void **)p);
}

static inline void eg_closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _cleanup_free_ _cleanup_(eg_freep)
#define _cleanup_close_ _cleanup_(eg_closep)

/* Copy a string into a fixed buffer, always terminated; returns -ENAMETOOLONG
 * (and a truncated copy) when it did not fit. */
static inline int eg_strlcpy(char *dst, const char *src, size_t size)
{
	size_t n = strlen(src);

	if (size == 0)
		return -ENAMETOOLONG;
	if (n >= size) {
		memcpy(dst, src, size - 1);
		dst[size - 1] = '\0';
		return -ENAMETOOLONG;
	}
	memcpy(dst, src, n + 1);
	return 0;
}

static inline bool eg_streq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* Round-to-nearest integer division for unsigned 64-bit values. */
static inline uint64_t eg_div_round(uint64_t n, uint64_t d)
{
	return (n + d / 2) / d;
}
