// SPDX-License-Identifier: GPL-2.0-or-later
/* The INI reader: inih does the syntax; a line reader of ours feeds it from
 * memory, after the whole file was checked, so lines are bounded, binary input
 * is refused, indented continuation lines are refused and every callback knows
 * its line. Value helpers turn tokens into numbers with core/parse.h. */
#include <ctype.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "ini_reader.h"
#include "parse.h"
#include "util.h"

struct eg_ini {
	const char *path;
	const char *buf;
	size_t len, pos;
	int line;    /* line last handed to inih (1-based) */
	int rc;	     /* first error, 0 if none */
	int rc_line; /* its line */
	struct eg_error *err;
	eg_ini_section_fn on_section;
	eg_ini_key_fn on_key;
	void *user;
};

static int error_at(struct eg_ini *ini, int rc, int line, const char *fmt, va_list ap)
	EG_PRINTF(4, 0);

static int error_at(struct eg_ini *ini, int rc, int line, const char *fmt, va_list ap)
{
	if (ini->rc)
		return ini->rc;
	eg_error_vset(ini->err, ini->path, line, fmt, ap);
	ini->rc = rc;
	ini->rc_line = line;
	return rc;
}

static int error_line(struct eg_ini *ini, int rc, int line, const char *fmt, ...) EG_PRINTF(4, 5);

static int error_line(struct eg_ini *ini, int rc, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rc = error_at(ini, rc, line, fmt, ap);
	va_end(ap);
	return rc;
}

int eg_ini_error(struct eg_ini *ini, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rc = error_at(ini, rc, ini->line, fmt, ap);
	va_end(ap);
	return rc;
}

void *eg_ini_user(const struct eg_ini *ini)
{
	return ini->user;
}

int eg_ini_line(const struct eg_ini *ini)
{
	return ini->line;
}

int eg_ini_rc(const struct eg_ini *ini)
{
	return ini->rc;
}

/* ---------------------------------------------------------------------- */
/* Reading: whole file into memory, checked, then handed to inih by lines. */

static int read_text(struct eg_ini *ini, char **buf)
{
	int rc = eg_read_file(ini->path, EG_INI_FILE_MAX, buf, &ini->len);

	switch (rc) {
	case 0:
		ini->buf = *buf;
		return 0;
	case -EISDIR:
		return error_line(ini, rc, 0, "is a directory");
	case -EFBIG:
		return error_line(ini, rc, 0, "larger than %d bytes: not a configuration file",
				  EG_INI_FILE_MAX);
	case -ENOMEM:
		return error_line(ini, rc, 0, "out of memory");
	default:
		return error_line(ini, rc, 0, "cannot open: %s", strerror(-rc));
	}
}

/* Refuse what is not text (NUL and other control bytes) and lines longer than
 * EG_INI_LINE_MAX, each with its line; -ENODATA when nothing but blanks and
 * comments. */
static int check_text(struct eg_ini *ini)
{
	bool content = false;
	size_t start = 0;
	int line = 1;

	for (size_t i = 0; i <= ini->len; i++) {
		unsigned char c = i < ini->len ? (unsigned char)ini->buf[i] : '\n';

		if (c == '\n') {
			size_t end = i;
			const char *p = ini->buf + start;

			if (end > start && ini->buf[end - 1] == '\r')
				end--;
			if (end - start > EG_INI_LINE_MAX)
				return error_line(ini, -E2BIG, line,
						  "line is %zu characters long, the limit is %d",
						  end - start, EG_INI_LINE_MAX);
			while (p < ini->buf + end && (*p == ' ' || *p == '\t'))
				p++;
			if (p < ini->buf + end && *p != ';' && *p != '#')
				content = true;
			line++;
			start = i + 1;
			continue;
		}
		if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f)
			return error_line(ini, -EINVAL, line,
					  "binary content (byte 0x%02x): not a text file", c);
	}
	if (!content)
		return error_line(ini, -ENODATA, 0, "file is empty (no section, no key)");
	return 0;
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
		*--e = '\0';
	return s;
}

/* The callbacks fail through eg_ini_error(); one that forgets still stops
 * the run, with the code it returned. */
static int callback_result(struct eg_ini *ini, int rc)
{
	if (rc < 0 && !ini->rc)
		return eg_ini_error(ini, rc, "%s", strerror(-rc));
	return rc < 0 ? ini->rc : 0;
}

/* A section header seen by the line reader: "[kind arg]". Handled here rather
 * than in the key handler so empty sections are checked too and every
 * section knows its line. */
static int reader_section(struct eg_ini *ini, const char *raw)
{
	char name[EG_INI_LINE_MAX + 1];
	const char *close = strchr(raw, ']');
	char *kind, *arg;

	if (!close)
		return 0; /* inih reports the syntax error */
	memcpy(name, raw + 1, (size_t)(close - raw - 1));
	name[close - raw - 1] = '\0';
	kind = trim(name);
	arg = kind + strcspn(kind, " \t");
	if (*arg) {
		*arg++ = '\0';
		arg = trim(arg);
	}
	return callback_result(ini, ini->on_section(ini, kind, arg));
}

static char *line_reader(char *str, int num, void *stream)
{
	struct eg_ini *ini = stream;
	size_t start = ini->pos, end, n;
	const char *p;

	if (ini->rc || ini->pos >= ini->len)
		return NULL;
	end = start;
	while (end < ini->len && ini->buf[end] != '\n')
		end++;
	n = end - start + (end < ini->len ? 1 : 0);
	ini->pos = start + n;
	ini->line++;
	if (n + 1 > (size_t)num) {
		eg_ini_error(ini, -E2BIG, "line too long for the INI parser (%d bytes)", num);
		return NULL;
	}
	memcpy(str, ini->buf + start, n);
	str[n] = '\0';

	/* inih takes an indented line after a key as a continuation of its
	 * value; there are no multi-line values, so such a line is a mistake. */
	p = str;
	if (*p == ' ' || *p == '\t') {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p && *p != ';' && *p != '#' && *p != '\r' && *p != '\n') {
			eg_ini_error(ini, -EINVAL,
				     "indented line: continuation lines are not supported");
			return NULL;
		}
	}
	if (*p == '[' && reader_section(ini, p) < 0)
		return NULL;
	return str;
}

static int key_handler(void *user, const char *section, const char *name, const char *value)
{
	struct eg_ini *ini = user;

	(void)section; /* the line reader already reported it */
	if (ini->rc)
		return 0;
	return callback_result(ini, ini->on_key(ini, name, value ? value : "")) < 0 ? 0 : 1;
}

int eg_ini_run(const char *path, eg_ini_section_fn on_section, eg_ini_key_fn on_key, void *user,
	       struct eg_error *err)
{
	_cleanup_free_ char *buf = NULL;
	struct eg_error dummy;
	struct eg_ini ini = {
		.path = path,
		.err = err ? err : &dummy,
		.on_section = on_section,
		.on_key = on_key,
		.user = user,
	};
	int ret;

	memset(ini.err, 0, sizeof(*ini.err));
	if (read_text(&ini, &buf) < 0 || check_text(&ini) < 0)
		return ini.rc;
	ret = ini_parse_stream(line_reader, &ini, key_handler, &ini);
	if (ret == -2)
		return -ENOMEM;
	/* inih flags lines it cannot parse and goes on; the reader stops at the
	 * first error of ours, so an earlier inih line is the first overall. */
	if (ret > 0 && (!ini.rc || ret < ini.rc_line)) {
		ini.rc = 0;
		return error_line(&ini, -EINVAL, ret,
				  "syntax error: expected [section], key = value or a comment");
	}
	return ini.rc;
}

/* ---------------------------------------------------------------------- */
/* Values. */

char *eg_ini_token(char **rest)
{
	char *p = *rest, *tok;

	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p) {
		*rest = p;
		return NULL;
	}
	tok = p;
	while (*p && *p != ' ' && *p != '\t')
		p++;
	if (*p)
		*p++ = '\0';
	*rest = p;
	return tok;
}

/* Strip a trailing estimate marker '~'; refuse it where no estimate is
 * allowed (est == NULL). */
static int take_marker(struct eg_ini *ini, char *tok, const char *what, bool *est)
{
	size_t n = strlen(tok);

	if (n && tok[n - 1] == '~') {
		if (!est)
			return eg_ini_error(ini, -EINVAL,
					    "%s cannot be marked as an estimate ('~')", what);
		tok[n - 1] = '\0';
		*est = true;
	}
	return 0;
}

int eg_ini_u64(struct eg_ini *ini, char *tok, const char *what, uint64_t min, uint64_t max,
	       uint64_t *out, bool *est)
{
	int rc;

	if (!tok)
		return eg_ini_error(ini, -EINVAL, "%s is missing", what);
	if (take_marker(ini, tok, what, est) < 0)
		return ini->rc;
	rc = eg_parse_u64(tok, min, max, out);
	if (rc == -EINVAL)
		return eg_ini_error(ini, rc, "%s: '%s' is not a number", what, tok);
	if (rc < 0)
		return eg_ini_error(ini, rc, "%s %s is out of range [%llu, %llu]", what, tok,
				    (unsigned long long)min, (unsigned long long)max);
	return 0;
}

int eg_ini_u32(struct eg_ini *ini, char *tok, const char *what, uint32_t min, uint32_t max,
	       uint32_t *out)
{
	uint64_t v;
	int rc = eg_ini_u64(ini, tok, what, min, max, &v, NULL);

	if (rc < 0)
		return rc;
	*out = (uint32_t)v;
	return 0;
}

int eg_ini_u64_or_dash(struct eg_ini *ini, char *tok, const char *what, uint64_t max, uint64_t *out,
		       bool *est)
{
	if (tok && eg_streq(tok, "-")) {
		*out = 0;
		return 0;
	}
	return eg_ini_u64(ini, tok, what, 0, max, out, est);
}

int eg_ini_milli(struct eg_ini *ini, const char *tok, const char *what, int min_m, int max_m,
		 int *out)
{
	int rc;

	if (!tok)
		return eg_ini_error(ini, -EINVAL, "%s is missing", what);
	rc = eg_parse_milli(tok, min_m, max_m, out);
	if (rc == -EINVAL)
		return eg_ini_error(ini, rc,
				    "%s: '%s' is not a decimal number (at most 3 decimals)", what,
				    tok);
	if (rc < 0)
		return eg_ini_error(ini, rc, "%s %s is out of range [%d.%03d, %d.%03d]", what, tok,
				    min_m / 1000, abs(min_m % 1000), max_m / 1000,
				    abs(max_m % 1000));
	return 0;
}

int eg_ini_pos_double(struct eg_ini *ini, char *tok, const char *what, double max, double *out,
		      bool *est)
{
	double v = 0.0;
	int rc;

	if (!tok)
		return eg_ini_error(ini, -EINVAL, "%s is missing", what);
	if (take_marker(ini, tok, what, est) < 0)
		return ini->rc;
	/* A digit first: no sign, no bare leading point. */
	rc = isdigit((unsigned char)tok[0]) ? eg_parse_double(tok, 0.0, max, &v) : -EINVAL;
	if (rc == -EINVAL)
		return eg_ini_error(ini, rc, "%s: '%s' is not a decimal number", what, tok);
	if (rc < 0 || !(v > 0.0))
		return eg_ini_error(ini, -ERANGE, "%s %s is out of range (0, %g]", what, tok, max);
	*out = v;
	return 0;
}

int eg_ini_name(struct eg_ini *ini, const char *value, const char *what, char *dst, size_t size)
{
	if (!value[0])
		return eg_ini_error(ini, -EINVAL, "%s is empty", what);
	if (eg_strlcpy(dst, value, size) < 0)
		return eg_ini_error(ini, -EINVAL, "%s '%s' is longer than %zu characters", what,
				    value, size - 1);
	return 0;
}

int eg_ini_no_more(struct eg_ini *ini, char *rest, const char *what)
{
	char *tok = eg_ini_token(&rest);

	if (tok)
		return eg_ini_error(ini, -EINVAL, "%s: unexpected '%s' at the end", what, tok);
	return 0;
}

int eg_ini_unknown_key(struct eg_ini *ini, const char *section, const char *key)
{
	return eg_ini_error(ini, -EINVAL, "unknown key '%s' in [%s]", key, section);
}

int eg_ini_once(struct eg_ini *ini, struct eg_ini_seen *seen, const char *key)
{
	for (int i = 0; i < seen->n; i++)
		if (eg_streq(seen->names[i], key))
			return eg_ini_error(ini, -EINVAL, "'%s' given twice in this section", key);
	if (seen->n < (int)ARRAY_SIZE(seen->names))
		eg_strlcpy(seen->names[seen->n++], key, EG_INI_KEY_MAX);
	return 0;
}
