/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The bounded INI reader behind device files and eagov.conf: a file is read
 * whole, refused unless it is short-lined text, then handed to inih line by
 * line, so every callback knows its line and every error names file:line. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* Longest line accepted, without its newline. Debian's inih hands its reader
 * a 200-byte buffer (line, "\r\n" and NUL must fit), so the limit sits below
 * that with a margin; shipped files keep to 100 columns anyway. */
#define EG_INI_LINE_MAX 190
/* Largest file read: configuration files are a few KiB; anything bigger is
 * not one. */
#define EG_INI_FILE_MAX (1024 * 1024)

/* One run over one file; only the callbacks below see it. */
struct eg_ini;

/* "[kind arg]": kind is the first word of the header, arg the rest, trimmed
 * ("" when there is none). Called for every header, empty sections too. */
typedef int (*eg_ini_section_fn)(struct eg_ini *ini, const char *kind, const char *arg);
/* "key = value" (value "" when empty, comments after " ;" removed). */
typedef int (*eg_ini_key_fn)(struct eg_ini *ini, const char *key, const char *value);

/* Parse path, calling on_section and on_key in file order. A callback fails
 * by returning eg_ini_error(...); the run stops at the first error. Returns
 * 0, or the first error with *err (may be NULL) saying file:line and what:
 * -ENOENT (and other open errors), -EISDIR, -EFBIG larger than
 * EG_INI_FILE_MAX, -E2BIG a line longer than EG_INI_LINE_MAX, -ENODATA
 * nothing but blanks and comments, -EINVAL binary bytes, an indented
 * (continuation) line, a syntax error, or what the callbacks say. */
int eg_ini_run(const char *path, eg_ini_section_fn on_section, eg_ini_key_fn on_key, void *user,
	       struct eg_error *err);

/* The user pointer given to eg_ini_run(). */
void *eg_ini_user(const struct eg_ini *ini);
/* The line being handled (1-based). */
int eg_ini_line(const struct eg_ini *ini);
/* The first error of the run so far, 0 if none. */
int eg_ini_rc(const struct eg_ini *ini);

/* Record an error at the current line and return rc; when an error is
 * already recorded, keep that one and return it. */
int eg_ini_error(struct eg_ini *ini, int rc, const char *fmt, ...) EG_PRINTF(3, 4);

/* --- values: each reports "what" at the current line and returns 0 or the
 * recorded error --- */

/* Split the first blank-separated token off *rest, NULL when none is left. */
char *eg_ini_token(char **rest);

/* Unsigned decimal in [min, max]; tok NULL is "missing". With est, a trailing
 * '~' marks an estimate (sets *est); without, '~' is refused. */
int eg_ini_u64(struct eg_ini *ini, char *tok, const char *what, uint64_t min, uint64_t max,
	       uint64_t *out, bool *est);
int eg_ini_u32(struct eg_ini *ini, char *tok, const char *what, uint32_t min, uint32_t max,
	       uint32_t *out);
/* "-" (unknown: 0) or an unsigned decimal in [0, max]. */
int eg_ini_u64_or_dash(struct eg_ini *ini, char *tok, const char *what, uint64_t max, uint64_t *out,
		       bool *est);
/* Signed decimal with up to three decimals, in thousandths ("-2.5" -> -2500);
 * min_m and max_m in thousandths too. */
int eg_ini_milli(struct eg_ini *ini, const char *tok, const char *what, int min_m, int max_m,
		 int *out);
/* Positive decimal ("6.5", no sign, no leading point) in (0, max]; '~' as in
 * eg_ini_u64(). */
int eg_ini_pos_double(struct eg_ini *ini, char *tok, const char *what, double max, double *out,
		      bool *est);
/* Copy a non-empty name that fits in size bytes. */
int eg_ini_name(struct eg_ini *ini, const char *value, const char *what, char *dst, size_t size);
/* Refuse anything left after the last expected token. */
int eg_ini_no_more(struct eg_ini *ini, char *rest, const char *what);
/* "unknown key 'KEY' in [SECTION]". */
int eg_ini_unknown_key(struct eg_ini *ini, const char *section, const char *key);

/* Keys a section may give only once: the ones seen since it began. Clear
 * (n = 0) at each section. */
#define EG_INI_KEY_MAX 48
struct eg_ini_seen {
	char names[24][EG_INI_KEY_MAX];
	int n;
};

/* Refuse key when it was seen already in this section, else remember it. */
int eg_ini_once(struct eg_ini *ini, struct eg_ini_seen *seen, const char *key);
