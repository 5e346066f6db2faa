/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Errors found in input (device files, eagov.conf, workloads, discovery):
 * where they are (file and line) and what is wrong, in one value that a
 * parser fills and a caller prints. */
#pragma once

#include <stdarg.h>
#include <stddef.h>

#include "util.h"

/* An error found in input: where and what. file is "" when not from a file. */
struct eg_error {
	char file[EG_PATH_MAX];
	int line; /* 0 when not tied to a line */
	char msg[256];
};

/* Fill *e (nothing when e is NULL). */
void eg_error_set(struct eg_error *e, const char *file, int line, const char *fmt, ...)
	EG_PRINTF(4, 5);
void eg_error_vset(struct eg_error *e, const char *file, int line, const char *fmt, va_list ap)
	EG_PRINTF(4, 0);
/* "file:line: msg", "file: msg" or "msg". */
void eg_error_format(const struct eg_error *e, char *buf, size_t len);
