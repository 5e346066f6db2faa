/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The one logging module of eagov. Everything that reports goes through here:
 * to stderr (with a level prefix understood by journald) or to a caller-set
 * sink. Error helpers return the -errno they are given, systemd style:
 *     return eg_log_errno(r, "open %s", path);
 * Governors never log: they are pure and return errors instead. */
#pragma once

#include <stdarg.h>

#include "util.h"

enum eg_log_level {
	EG_LOG_ERR = 3,
	EG_LOG_WARNING = 4,
	EG_LOG_NOTICE = 5,
	EG_LOG_INFO = 6,
	EG_LOG_DEBUG = 7,
};

/* A sink receives each message that passes the level filter. */
typedef void (*eg_log_sink_fn)(void *user, enum eg_log_level level, const char *msg);

void eg_log_set_level(enum eg_log_level level);
enum eg_log_level eg_log_get_level(void);
/* Parse "err", "warning", "notice", "info", "debug"; -EINVAL otherwise. */
int eg_log_level_from_string(const char *s, enum eg_log_level *out);
/* Prefix each line with <N> for journald (set when stderr is the journal). */
void eg_log_set_journal_prefix(bool on);
/* NULL restores stderr. */
void eg_log_set_sink(eg_log_sink_fn fn, void *user);

void eg_logv(enum eg_log_level level, const char *fmt, va_list ap) EG_PRINTF(2, 0);
void eg_log(enum eg_log_level level, const char *fmt, ...) EG_PRINTF(2, 3);
/* Logs "<message>: <strerror(-err)>" and returns err (a negative errno). */
int eg_log_errno_full(enum eg_log_level level, int err, const char *fmt, ...) EG_PRINTF(3, 4);

#define eg_err(...) eg_log(EG_LOG_ERR, __VA_ARGS__)
#define eg_warn(...) eg_log(EG_LOG_WARNING, __VA_ARGS__)
#define eg_notice(...) eg_log(EG_LOG_NOTICE, __VA_ARGS__)
#define eg_info(...) eg_log(EG_LOG_INFO, __VA_ARGS__)
#define eg_debug(...) eg_log(EG_LOG_DEBUG, __VA_ARGS__)
#define eg_log_errno(err, ...) eg_log_errno_full(EG_LOG_ERR, (err), __VA_ARGS__)
#define eg_warn_errno(err, ...) eg_log_errno_full(EG_LOG_WARNING, (err), __VA_ARGS__)
