// SPDX-License-Identifier: GPL-2.0-or-later
/* The logging module: level filter, stderr or caller sink. */
#include <stdio.h>

#include "log.h"

/* Process-wide logging configuration; set once at start-up by a main(). */
static enum eg_log_level log_level = EG_LOG_NOTICE;
static bool log_journal_prefix;
static eg_log_sink_fn log_sink;
static void *log_sink_user;

void eg_log_set_level(enum eg_log_level level)
{
	log_level = level;
}

enum eg_log_level eg_log_get_level(void)
{
	return log_level;
}

int eg_log_level_from_string(const char *s, enum eg_log_level *out)
{
	static const struct {
		const char *name;
		enum eg_log_level level;
	} names[] = {
		{ "err", EG_LOG_ERR },	     { "error", EG_LOG_ERR }, { "warning", EG_LOG_WARNING },
		{ "notice", EG_LOG_NOTICE }, { "info", EG_LOG_INFO }, { "debug", EG_LOG_DEBUG },
	};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (eg_streq(s, names[i].name)) {
			*out = names[i].level;
			return 0;
		}
	}
	return -EINVAL;
}

void eg_log_set_journal_prefix(bool on)
{
	log_journal_prefix = on;
}

void eg_log_set_sink(eg_log_sink_fn fn, void *user)
{
	log_sink = fn;
	log_sink_user = user;
}

void eg_logv(enum eg_log_level level, const char *fmt, va_list ap)
{
	static const char *const tag[] = {
		[EG_LOG_ERR] = "error: ", [EG_LOG_WARNING] = "warning: ", [EG_LOG_NOTICE] = "",
		[EG_LOG_INFO] = "",	  [EG_LOG_DEBUG] = "debug: ",
	};
	char buf[1024];

	if (level > log_level)
		return;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	if (log_sink) {
		log_sink(log_sink_user, level, buf);
		return;
	}
	if (log_journal_prefix)
		fprintf(stderr, "<%d>%s\n", (int)level, buf);
	else
		fprintf(stderr, "%s%s\n", tag[level], buf);
}

void eg_log(enum eg_log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	eg_logv(level, fmt, ap);
	va_end(ap);
}

int eg_log_errno_full(enum eg_log_level level, int err, const char *fmt, ...)
{
	char buf[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	eg_log(level, "%s: %s", buf, strerror(err < 0 ? -err : err));
	return err;
}
