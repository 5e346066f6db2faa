// SPDX-License-Identifier: GPL-2.0-or-later
/* The INI reader on its own: the line each callback sees, what it refuses
 * before inih runs (long lines, binary bytes, empty files, files too big),
 * indented continuation lines, a callback's error stopping the run at its
 * line, and the value helpers' grammar and messages. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "ini_reader.h"
#include "util.h"

static char tmpdir[] = "/tmp/eagov-ini-XXXXXX";

static int setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static const char *write_n(const char *text, size_t len)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/t.ini", tmpdir);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	return path;
}

static const char *write_text(const char *text)
{
	return write_n(text, strlen(text));
}

/* What the callbacks saw: one entry per call, "L<line> [kind|arg]" or
 * "L<line> key=value". */
struct seen {
	char calls[16][96];
	int n;
	int fail_line; /* fail the callback on this line (0: never) */
	int fail_rc;
	bool fail_silently; /* return fail_rc without eg_ini_error() */
};

static int record(struct eg_ini *ini, bool section, const char *a, const char *b)
{
	struct seen *s = eg_ini_user(ini);

	if (s->n < (int)ARRAY_SIZE(s->calls) && section)
		snprintf(s->calls[s->n++], sizeof(s->calls[0]), "L%d [%s|%s]", eg_ini_line(ini), a,
			 b);
	else if (s->n < (int)ARRAY_SIZE(s->calls))
		snprintf(s->calls[s->n++], sizeof(s->calls[0]), "L%d %s=%s", eg_ini_line(ini), a,
			 b);
	if (eg_ini_line(ini) != s->fail_line)
		return 0;
	if (s->fail_silently)
		return s->fail_rc;
	return eg_ini_error(ini, s->fail_rc, "callback refuses '%s'", a);
}

static int on_section(struct eg_ini *ini, const char *kind, const char *arg)
{
	return record(ini, true, kind, arg);
}

static int on_key(struct eg_ini *ini, const char *key, const char *value)
{
	return record(ini, false, key, value);
}

static int run(const char *path, struct seen *s, struct eg_error *err)
{
	return eg_ini_run(path, on_section, on_key, s, err);
}

static void expect_error(const struct eg_error *err, int line, const char *what)
{
	if (err->line != line || !strstr(err->msg, what))
		fail_msg("error at %d '%s', expected line %d and '%s'", err->line, err->msg, line,
			 what);
	assert_non_null(strstr(err->file, "/t.ini"));
}

static void test_lines_and_values(void **state)
{
	struct seen s = { 0 };
	struct eg_error err;

	(void)state;
	assert_int_equal(run(write_text("; comment\n"
					"\n"
					"[device]\n"
					"name = Test ; inline comment\n"
					"  # indented comment\n"
					"[profile  power-saver   big ]\r\n"
					"empty =\n"
					"last = no newline"),
			     &s, &err),
			 0);
	assert_int_equal(s.n, 5);
	assert_string_equal(s.calls[0], "L3 [device|]");
	assert_string_equal(s.calls[1], "L4 name=Test");
	assert_string_equal(s.calls[2], "L6 [profile|power-saver   big]");
	assert_string_equal(s.calls[3], "L7 empty=");
	assert_string_equal(s.calls[4], "L8 last=no newline");
	assert_int_equal(err.line, 0);
	assert_string_equal(err.msg, "");
}

static void test_long_line(void **state)
{
	char text[EG_INI_LINE_MAX + 64];
	struct seen s = { 0 };
	struct eg_error err;
	int n;

	(void)state;
	/* Exactly the limit passes, a CR before the newline not counted. */
	n = snprintf(text, sizeof(text), "[a]\nk = ");
	memset(text + n, 'v', EG_INI_LINE_MAX - 4);
	strcpy(text + n + EG_INI_LINE_MAX - 4, "\r\n");
	assert_int_equal(run(write_text(text), &s, &err), 0);
	assert_int_equal(s.n, 2);
	/* One more character is refused before any callback runs. */
	n = snprintf(text, sizeof(text), "[a]\n\nk = ");
	memset(text + n, 'v', EG_INI_LINE_MAX - 3);
	text[n + EG_INI_LINE_MAX - 3] = '\0';
	s.n = 0;
	assert_int_equal(run(write_text(text), &s, &err), -E2BIG);
	expect_error(&err, 3, "limit is 190");
	assert_int_equal(s.n, 0);
}

static void test_binary(void **state)
{
	struct seen s = { 0 };
	struct eg_error err;

	(void)state;
	assert_int_equal(run(write_n("[a]\nk = v\0w\n", 12), &s, &err), -EINVAL);
	expect_error(&err, 2, "binary content (byte 0x00)");
	assert_int_equal(run(write_text("[a]\n\nk = \x7f\n"), &s, &err), -EINVAL);
	expect_error(&err, 3, "byte 0x7f");
	assert_int_equal(run(write_text("[a]\nk = \x1b[0m\n"), &s, &err), -EINVAL);
	expect_error(&err, 2, "byte 0x1b");
	assert_int_equal(s.n, 0);
	/* Tabs and UTF-8 are text. */
	assert_int_equal(run(write_text("[a]\nk =\tv\t\nname = Caf\xc3\xa9\n"), &s, &err), 0);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.calls[2], "L3 name=Caf\xc3\xa9");
}

static void test_continuation_refused(void **state)
{
	struct seen s = { 0 };
	struct eg_error err;

	(void)state;
	assert_int_equal(run(write_text("[a]\nk = 1\n\tmore = 2\nz = 3\n"), &s, &err), -EINVAL);
	expect_error(&err, 3, "continuation lines are not supported");
	/* The lines before were handled, the ones after were not. */
	assert_int_equal(s.n, 2);
	assert_int_equal(run(write_text("[a]\n  [b]\n"), &s, &err), -EINVAL);
	expect_error(&err, 2, "indented line");
}

static void test_empty_and_file_errors(void **state)
{
	struct seen s = { 0 };
	struct eg_error err;
	char path[300];
	char *big;
	FILE *f;

	(void)state;
	assert_int_equal(run(write_text(""), &s, &err), -ENODATA);
	expect_error(&err, 0, "empty");
	assert_int_equal(run(write_text("; only\n\n  # comments\r\n"), &s, &err), -ENODATA);
	expect_error(&err, 0, "empty");

	snprintf(path, sizeof(path), "%s/missing.ini", tmpdir);
	assert_int_equal(run(path, &s, &err), -ENOENT);
	assert_string_equal(err.file, path);
	assert_non_null(strstr(err.msg, "cannot open"));
	assert_int_equal(run(tmpdir, &s, &err), -EISDIR);
	assert_non_null(strstr(err.msg, "is a directory"));

	/* One byte over the limit, otherwise valid text. */
	big = malloc(EG_INI_FILE_MAX + 1);
	assert_non_null(big);
	memset(big, '\n', EG_INI_FILE_MAX + 1);
	memcpy(big, "[a]\n", 4);
	snprintf(path, sizeof(path), "%s/big.ini", tmpdir);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(big, 1, EG_INI_FILE_MAX + 1, f), EG_INI_FILE_MAX + 1);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(run(path, &s, &err), -EFBIG);
	assert_non_null(strstr(err.msg, "larger than"));
	/* At the limit it is read. */
	assert_int_equal(truncate(path, EG_INI_FILE_MAX), 0);
	s.n = 0;
	assert_int_equal(run(path, &s, &err), 0);
	assert_int_equal(s.n, 1);
	free(big);
	/* err may be NULL. */
	assert_int_equal(eg_ini_run(tmpdir, on_section, on_key, &s, NULL), -EISDIR);
}

static void test_callback_error_stops(void **state)
{
	static const char text[] = "[a]\nk = 1\n[bad]\nk = 2\n[c]\n";
	struct seen s = { .fail_line = 3, .fail_rc = -ERANGE };
	struct eg_error err;

	(void)state;
	/* A section callback's error: its code, its line, nothing after. */
	assert_int_equal(run(write_text(text), &s, &err), -ERANGE);
	expect_error(&err, 3, "callback refuses 'bad'");
	assert_int_equal(s.n, 3);
	/* A key callback's error, the same. */
	s = (struct seen){ .fail_line = 2, .fail_rc = -EINVAL };
	assert_int_equal(run(write_text(text), &s, &err), -EINVAL);
	expect_error(&err, 2, "callback refuses 'k'");
	assert_int_equal(s.n, 2);
	/* A callback failing without a message still stops, with its code. */
	s = (struct seen){ .fail_line = 4, .fail_rc = -ENOSPC, .fail_silently = true };
	assert_int_equal(run(write_text(text), &s, &err), -ENOSPC);
	expect_error(&err, 4, strerror(ENOSPC));
	assert_int_equal(s.n, 4);
	s = (struct seen){ .fail_line = 3, .fail_rc = -ENOSPC, .fail_silently = true };
	assert_int_equal(run(write_text(text), &s, &err), -ENOSPC);
	expect_error(&err, 3, strerror(ENOSPC));
	assert_int_equal(s.n, 3);
}

static void test_syntax_error_first(void **state)
{
	struct seen s = { .fail_line = 4, .fail_rc = -EINVAL };
	struct eg_error err;

	(void)state;
	/* inih goes on after a line it cannot parse; the earlier error wins
	 * over a callback's later one. */
	assert_int_equal(run(write_text("[a]\njust words\nk = 1\nz = 2\n"), &s, &err), -EINVAL);
	expect_error(&err, 2, "syntax error");
	assert_int_equal(run(write_text("[a\n"), &s, &err), -EINVAL);
	expect_error(&err, 1, "syntax error");
}

static void test_token(void **state)
{
	char text[] = "  12 \t ab~  -  ";
	char *rest = text;

	(void)state;
	assert_string_equal(eg_ini_token(&rest), "12");
	assert_string_equal(eg_ini_token(&rest), "ab~");
	assert_string_equal(eg_ini_token(&rest), "-");
	assert_null(eg_ini_token(&rest));
	assert_null(eg_ini_token(&rest));
}

/* --- value helpers, driven from a key callback: "helper = tokens" --- */

struct values {
	uint64_t u64;
	uint32_t u32;
	int milli;
	double dbl;
	bool est;
	char name[8];
	struct eg_ini_seen seen;
};

static int values_section(struct eg_ini *ini, const char *kind, const char *arg)
{
	(void)ini;
	(void)kind;
	(void)arg;
	return 0;
}

static int values_key(struct eg_ini *ini, const char *key, const char *value)
{
	struct values *v = eg_ini_user(ini);
	char buf[EG_INI_LINE_MAX + 1];
	char *rest = buf;
	int rc;

	eg_strlcpy(buf, value, sizeof(buf));
	v->est = false;
	if (eg_streq(key, "u64"))
		rc = eg_ini_u64(ini, eg_ini_token(&rest), "u64", 5, 1000, &v->u64, &v->est);
	else if (eg_streq(key, "u32"))
		rc = eg_ini_u32(ini, eg_ini_token(&rest), "u32", 1, 100, &v->u32);
	else if (eg_streq(key, "dash"))
		rc = eg_ini_u64_or_dash(ini, eg_ini_token(&rest), "dash", 100, &v->u64, &v->est);
	else if (eg_streq(key, "milli"))
		rc = eg_ini_milli(ini, eg_ini_token(&rest), "milli", -40000, 85000, &v->milli);
	else if (eg_streq(key, "double"))
		rc = eg_ini_pos_double(ini, eg_ini_token(&rest), "double", 1000.0, &v->dbl,
				       &v->est);
	else if (eg_streq(key, "name"))
		return eg_ini_name(ini, value, "name", v->name, sizeof(v->name));
	else if (eg_streq(key, "once"))
		return eg_ini_once(ini, &v->seen, value);
	else
		return eg_ini_unknown_key(ini, "v", key);
	return rc < 0 ? rc : eg_ini_no_more(ini, rest, key);
}

/* Parse "[v]\nLINE\n": 0 or the error, whose message must hold what. */
static int value(struct values *v, const char *line, const char *what)
{
	char text[256];
	struct eg_error err;
	int rc;

	snprintf(text, sizeof(text), "[v]\n%s\n", line);
	rc = eg_ini_run(write_text(text), values_section, values_key, v, &err);
	if (rc < 0 && (err.line != 2 || !what || !strstr(err.msg, what)))
		fail_msg("'%s': error at %d '%s', expected '%s'", line, err.line, err.msg,
			 what ? what : "(success)");
	if (rc == 0 && what)
		fail_msg("'%s' passed, expected '%s'", line, what);
	return rc;
}

static void test_values(void **state)
{
	struct values v = { 0 };

	(void)state;
	assert_int_equal(value(&v, "u64 = 12", NULL), 0);
	assert_int_equal(v.u64, 12);
	assert_false(v.est);
	assert_int_equal(value(&v, "u64 = 30~", NULL), 0);
	assert_int_equal(v.u64, 30);
	assert_true(v.est);
	assert_int_equal(value(&v, "u64 =", "u64 is missing"), -EINVAL);
	assert_int_equal(value(&v, "u64 = 0x10", "u64: '0x10' is not a number"), -EINVAL);
	assert_int_equal(value(&v, "u64 = +7", "'+7' is not a number"), -EINVAL);
	assert_int_equal(value(&v, "u64 = 4", "u64 4 is out of range [5, 1000]"), -ERANGE);
	assert_int_equal(value(&v, "u64 = 99999999999999999999", "out of range"), -ERANGE);
	assert_int_equal(value(&v, "u64 = 12 13", "u64: unexpected '13' at the end"), -EINVAL);
	assert_int_equal(value(&v, "u32 = 7~", "cannot be marked as an estimate"), -EINVAL);
	assert_int_equal(value(&v, "u32 = 100", NULL), 0);
	assert_int_equal(v.u32, 100);

	v.u64 = 9;
	assert_int_equal(value(&v, "dash = -", NULL), 0);
	assert_int_equal(v.u64, 0);
	assert_int_equal(value(&v, "dash = 0~", NULL), 0);
	assert_true(v.est);
	assert_int_equal(value(&v, "dash = -1", "'-1' is not a number"), -EINVAL);

	assert_int_equal(value(&v, "milli = -2.5", NULL), 0);
	assert_int_equal(v.milli, -2500);
	assert_int_equal(value(&v, "milli = 60.125", NULL), 0);
	assert_int_equal(v.milli, 60125);
	assert_int_equal(value(&v, "milli = 1.2345", "at most 3 decimals"), -EINVAL);
	assert_int_equal(value(&v, "milli = 6O", "'6O' is not a decimal number"), -EINVAL);
	assert_int_equal(value(&v, "milli = 90", "milli 90 is out of range [-40.000, 85.000]"),
			 -ERANGE);

	assert_int_equal(value(&v, "double = 11.11~", NULL), 0);
	assert_true(v.dbl == 11.11);
	assert_true(v.est);
	assert_int_equal(value(&v, "double = 6.", NULL), 0);
	assert_true(v.dbl == 6.0);
	assert_int_equal(value(&v, "double = .5", "'.5' is not a decimal number"), -EINVAL);
	assert_int_equal(value(&v, "double = -1", "not a decimal number"), -EINVAL);
	assert_int_equal(value(&v, "double = 1e3", "not a decimal number"), -EINVAL);
	assert_int_equal(value(&v, "double = 1.2.3", "not a decimal number"), -EINVAL);
	assert_int_equal(value(&v, "double = 0.0", "double 0.0 is out of range (0, 1000]"),
			 -ERANGE);
	assert_int_equal(value(&v, "double = 1000.5", "out of range"), -ERANGE);

	assert_int_equal(value(&v, "name = abcdefg", NULL), 0);
	assert_string_equal(v.name, "abcdefg");
	assert_int_equal(value(&v, "name = abcdefgh", "name 'abcdefgh' is longer than 7"), -EINVAL);
	assert_int_equal(value(&v, "name =", "name is empty"), -EINVAL);
	assert_int_equal(value(&v, "colour = red", "unknown key 'colour' in [v]"), -EINVAL);
}

static void test_once(void **state)
{
	struct values v = { 0 };
	struct eg_error err;

	(void)state;
	assert_int_equal(eg_ini_run(write_text("[v]\nonce = a\nonce = b\nonce = a\n"),
				    values_section, values_key, &v, &err),
			 -EINVAL);
	assert_int_equal(err.line, 4);
	assert_non_null(strstr(err.msg, "'a' given twice"));
	assert_int_equal(v.seen.n, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines_and_values),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_binary),
		cmocka_unit_test(test_continuation_refused),
		cmocka_unit_test(test_empty_and_file_errors),
		cmocka_unit_test(test_callback_error_stops),
		cmocka_unit_test(test_syntax_error_first),
		cmocka_unit_test(test_token),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_once),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
