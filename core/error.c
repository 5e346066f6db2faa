// SPDX-License-Identifier: GPL-2.0-or-later
/* Input errors: filling and formatting struct eg_error. */
#include <stdarg.h>
#include <stdio.h>

#include "error.h"

void eg_error_vset(struct eg_error *e, const char *file, int line, const char *fmt, va_list ap)
{
	if (!e)
		return;
	eg_strlcpy(e->file, file ? file : "", sizeof(e->file));
	e->line = line;
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
}

void eg_error_set(struct eg_error *e, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	eg_error_vset(e, file, line, fmt, ap);
	va_end(ap);
}

void eg_error_format(const struct eg_error *e, char *buf, size_t len)
{
	if (e->file[0] && e->line > 0)
		snprintf(buf, len, "%s:%d: %s", e->file, e->line, e->msg);
	else if (e->file[0])
		snprintf(buf, len, "%s: %s", e->file, e->msg);
	else
		snprintf(buf, len, "%s", e->msg);
}
