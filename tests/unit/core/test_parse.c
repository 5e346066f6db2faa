// SPDX-License-Identifier: GPL-2.0-or-later
/* The shared number parser and the whole-file reader: the edge cases every
 * parser in eagov relies on them for. */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include <cmocka.h>

#include "fileio.h"
#include "parse.h"

static void test_u64(void **state)
{
	uint64_t v = 7;

	(void)state;
	assert_int_equal(eg_parse_u64("0", 0, 10, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(eg_parse_u64("18446744073709551615", 0, UINT64_MAX, &v), 0);
	assert_true(v == UINT64_MAX);
	v = 7;
	assert_int_equal(eg_parse_u64("18446744073709551616", 0, UINT64_MAX, &v), -ERANGE);
	assert_int_equal(eg_parse_u64("99999999999999999999999", 0, UINT64_MAX, &v), -ERANGE);
	assert_int_equal(eg_parse_u64("11", 0, 10, &v), -ERANGE);
	assert_int_equal(eg_parse_u64("4", 5, 10, &v), -ERANGE);
	assert_int_equal(v, 7);
	/* What strtoull would take and we must not. */
	const char *bad[] = { "", " 1", "1 ", "-1", "+1", "0x10", "1e3", "12a", "1.0", "nan" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(eg_parse_u64(bad[i], 0, UINT64_MAX, &v), -EINVAL);
	assert_int_equal(eg_parse_u64(NULL, 0, 1, &v), -EINVAL);
	assert_int_equal(v, 7);
}

static void test_u32_int(void **state)
{
	uint32_t u = 1;
	int i = 1;

	(void)state;
	assert_int_equal(eg_parse_u32("4294967295", 0, UINT32_MAX, &u), 0);
	assert_true(u == UINT32_MAX);
	assert_int_equal(eg_parse_u32("4294967296", 0, UINT32_MAX, &u), -ERANGE);
	assert_int_equal(eg_parse_int("-2147483648", INT_MIN, INT_MAX, &i), 0);
	assert_int_equal(i, INT_MIN);
	assert_int_equal(eg_parse_int("2147483648", INT_MIN, INT_MAX, &i), -ERANGE);
	assert_int_equal(eg_parse_int("+12", 0, 100, &i), 0);
	assert_int_equal(i, 12);
	assert_int_equal(eg_parse_int("-", -5, 5, &i), -EINVAL);
	assert_int_equal(eg_parse_int("--1", -5, 5, &i), -EINVAL);
	assert_int_equal(eg_parse_int("-6", -5, 5, &i), -ERANGE);
	int64_t l;
	assert_int_equal(eg_parse_i64("-9223372036854775808", INT64_MIN, INT64_MAX, &l), 0);
	assert_true(l == INT64_MIN);
	assert_int_equal(eg_parse_i64("9223372036854775808", INT64_MIN, INT64_MAX, &l), -ERANGE);
}

static void test_u64_prefix(void **state)
{
	const char *s = "12-300,x";
	uint64_t v = 7;

	(void)state;
	assert_int_equal(eg_parse_u64_prefix(&s, &v), 0);
	assert_int_equal(v, 12);
	assert_string_equal(s, "-300,x");
	s++;
	assert_int_equal(eg_parse_u64_prefix(&s, &v), 0);
	assert_int_equal(v, 300);
	assert_string_equal(s, ",x");
	/* No digit: -EINVAL, nothing moved or written. */
	v = 7;
	assert_int_equal(eg_parse_u64_prefix(&s, &v), -EINVAL);
	assert_string_equal(s, ",x");
	s = "-1";
	assert_int_equal(eg_parse_u64_prefix(&s, &v), -EINVAL);
	s = "";
	assert_int_equal(eg_parse_u64_prefix(&s, &v), -EINVAL);
	assert_int_equal(v, 7);
	/* Overflow: -ERANGE, past the digits. */
	s = "18446744073709551616 rest";
	assert_int_equal(eg_parse_u64_prefix(&s, &v), -ERANGE);
	assert_string_equal(s, " rest");
	assert_int_equal(v, 7);
	s = "18446744073709551615";
	assert_int_equal(eg_parse_u64_prefix(&s, &v), 0);
	assert_true(v == UINT64_MAX);
}

/* Configuration decimals come out as the compiler (and strtod) round them:
 * summing digit * 0.1^k would miss some by an ulp. */
static void test_double_exact(void **state)
{
	static const struct {
		const char *text;
		double value;
	} cases[] = {
		{ "11.11", 11.11 },
		{ "1.8", 1.8 },
		{ "15.03", 15.03 },
		{ "1.33", 1.33 },
		{ "0.1", 0.1 },
		{ "0.3", 0.3 },
		{ "2.675", 2.675 },
		{ "123.456", 123.456 },
		{ "-0.7", -0.7 },
		{ "9007199254740.991", 9007199254740.991 },
		{ "0.0000000000000000000001", 1e-22 },
	};
	double d;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(eg_parse_double(cases[i].text, -1e9, 1e15, &d), 0);
		if (d != cases[i].value)
			fail_msg("'%s' gave %.17g, expected %.17g", cases[i].text, d,
				 cases[i].value);
	}
	/* Beyond the exact range the value is still close. */
	assert_int_equal(eg_parse_double("123456789012345678901.5", 0, 1e30, &d), 0);
	d = (d - 123456789012345678901.5) / d;
	assert_true(d > -1e-15 && d < 1e-15);
}

static void test_double(void **state)
{
	double d = 1.0;

	(void)state;
	assert_int_equal(eg_parse_double("6.5", 0, 10, &d), 0);
	assert_true(d == 6.5);
	assert_int_equal(eg_parse_double("-0.25", -1, 1, &d), 0);
	assert_true(d == -0.25);
	assert_int_equal(eg_parse_double(".5", 0, 1, &d), 0);
	assert_true(d == 0.5);
	assert_int_equal(eg_parse_double("3.", 0, 10, &d), 0);
	assert_true(d == 3.0);
	d = 2.0;
	const char *bad[] = { "", ".", "-", "1e3", "inf", "nan", "0x1p3", "1,5", "1.2.3", " 1" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(eg_parse_double(bad[i], -1e9, 1e9, &d), -EINVAL);
	assert_int_equal(eg_parse_double("10.5", 0, 10, &d), -ERANGE);
	/* 400 digits overflow a double to inf: a range error, not a value. */
	char big[402];
	memset(big, '9', 400);
	big[400] = '\0';
	assert_int_equal(eg_parse_double(big, 0, 1e308, &d), -ERANGE);
	assert_true(d == 2.0);
}

static void test_milli(void **state)
{
	int v = 3;

	(void)state;
	assert_int_equal(eg_parse_milli("65", 0, 200000, &v), 0);
	assert_int_equal(v, 65000);
	assert_int_equal(eg_parse_milli("-2.5", -10000, 0, &v), 0);
	assert_int_equal(v, -2500);
	assert_int_equal(eg_parse_milli("0.125", 0, 1000, &v), 0);
	assert_int_equal(v, 125);
	assert_int_equal(eg_parse_milli("0.1255", 0, 1000, &v), -EINVAL);
	assert_int_equal(eg_parse_milli("1.", 0, 1000, &v), -EINVAL);
	assert_int_equal(eg_parse_milli("99999999999", 0, 1000, &v), -ERANGE);
	assert_int_equal(eg_parse_milli("99999999999x", 0, 1000, &v), -EINVAL);
	assert_int_equal(eg_parse_milli("2", 0, 1000, &v), -ERANGE);
	assert_int_equal(v, 125);
}

static void test_read_file(void **state)
{
	char path[] = "/tmp/eg-test-fileio-XXXXXX";
	int fd = mkstemp(path);
	char *buf = NULL;
	size_t len = 0;
	char small[8];

	(void)state;
	assert_true(fd >= 0);
	/* Larger than the first 4 KiB chunk, so the buffer must grow. */
	char data[10000];
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (char)('a' + i % 26);
	assert_int_equal(write(fd, data, sizeof(data)), (ssize_t)sizeof(data));
	close(fd);
	assert_int_equal(eg_read_file(path, 1 << 20, &buf, &len), 0);
	assert_int_equal(len, sizeof(data));
	assert_memory_equal(buf, data, sizeof(data));
	assert_int_equal(buf[len], '\0');
	free(buf);
	buf = NULL;
	assert_int_equal(eg_read_file(path, sizeof(data), &buf, &len), 0);
	free(buf);
	buf = NULL;
	assert_int_equal(eg_read_file(path, sizeof(data) - 1, &buf, &len), -EFBIG);
	assert_null(buf);
	assert_int_equal(eg_read_file("/nonexistent/eagov", 100, &buf, NULL), -ENOENT);
	assert_int_equal(eg_read_file("/tmp", 100, &buf, NULL), -EISDIR);
	assert_int_equal(eg_read_small(path, small, sizeof(small), 1), -EFBIG);

	fd = open(path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "1234567\n", 8), 8);
	close(fd);
	/* "1234567\n" needs 9 bytes with its NUL: does not fit in 8. */
	assert_int_equal(eg_read_small(path, small, sizeof(small), 1), -EFBIG);
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_int_equal(write(fd, "123456\n", 7), 7);
	close(fd);
	assert_int_equal(eg_read_small(path, small, sizeof(small), 1), 6);
	assert_string_equal(small, "123456");
	assert_int_equal(eg_read_small(path, small, sizeof(small), 0), 7);
	assert_string_equal(small, "123456\n");
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_u64),	     cmocka_unit_test(test_u32_int),
		cmocka_unit_test(test_u64_prefix),   cmocka_unit_test(test_double),
		cmocka_unit_test(test_double_exact), cmocka_unit_test(test_milli),
		cmocka_unit_test(test_read_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
