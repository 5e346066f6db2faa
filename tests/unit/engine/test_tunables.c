// SPDX-License-Identifier: GPL-2.0-or-later
/* Tunables: the grammar policy files may use for each type (numbers with
 * blanks around them, no sign, no trailing bytes; booleans; frequency maps),
 * ranges, and the error sentences a user sees. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tunables.h"

struct tun {
	uint32_t rate;
	bool flag;
	struct eg_freq_map map;
};

static const struct eg_tunable tab[] = {
	{ "rate", EG_TUN_U32, offsetof(struct tun, rate), 10, 100000, "20", "us", "" },
	{ "flag", EG_TUN_BOOL, offsetof(struct tun, flag), 0, 0, "no", "", "" },
	{ "map", EG_TUN_FREQ_MAP, offsetof(struct tun, map), 1, 100, "90", "%", "" },
	EG_TUNABLE_END,
};

static int set(struct tun *t, const char *name, const char *value, char *err)
{
	return eg_tunables_set(tab, t, name, value, err, 128);
}

static void test_u32_grammar(void **unused)
{
	struct tun t;
	char err[128];

	(void)unused;
	eg_tunables_defaults(tab, &t);
	assert_int_equal(t.rate, 20);
	assert_int_equal(set(&t, "rate", "4096", err), 0);
	assert_int_equal(t.rate, 4096);
	/* Blanks around the number are the file's alignment, not the value. */
	assert_int_equal(set(&t, "rate", " \t 77\t ", err), 0);
	assert_int_equal(t.rate, 77);
	assert_int_equal(set(&t, "rate", "0010", err), 0);
	assert_int_equal(t.rate, 10);
	/* Not numbers: the value is left alone. */
	static const char *const bad[] = {
		"", " ", "+5", "-5", "12x", "1 2", "0x10", "1e3", "12.5"
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(set(&t, "rate", bad[i], err), -EINVAL);
		assert_int_equal(t.rate, 10);
		assert_non_null(strstr(err, "is not a non-negative integer"));
		assert_null(strstr(err, "too large"));
	}
	assert_int_equal(set(&t, "rate", "4294967296", err), -ERANGE);
	assert_string_equal(err, "rate: '4294967296' is not a non-negative integer (too large)");
	assert_int_equal(set(&t, "rate", "99999999999999999999999999999999999999", err), -ERANGE);
	assert_int_equal(set(&t, "rate", "9", err), -ERANGE);
	assert_string_equal(err, "rate: 9us is out of range [10, 100000]");
	assert_int_equal(set(&t, "rate", "100001", err), -ERANGE);
	assert_int_equal(t.rate, 10);
	assert_int_equal(set(&t, "nosuch", "1", err), -ENOENT);
	assert_string_equal(err, "unknown tunable 'nosuch'");
}

static void test_bool_and_map(void **unused)
{
	struct tun t;
	char err[128], buf[128];

	(void)unused;
	eg_tunables_defaults(tab, &t);
	assert_int_equal(set(&t, "flag", "Yes", err), 0);
	assert_true(t.flag);
	assert_int_equal(set(&t, "flag", "off", err), 0);
	assert_false(t.flag);
	assert_int_equal(set(&t, "flag", "2", err), -EINVAL);

	assert_int_equal(set(&t, "map", "85 1200000:90  1700000:95", err), 0);
	assert_int_equal(t.map.n, 3);
	assert_int_equal(eg_freq_map_lookup(&t.map, 1000000), 85);
	assert_int_equal(eg_freq_map_lookup(&t.map, 1200000), 90);
	assert_int_equal(eg_freq_map_lookup(&t.map, 2000000), 95);
	eg_tunables_format(eg_tunables_find(tab, "map"), &t, buf, sizeof(buf));
	assert_string_equal(buf, "85 1200000:90 1700000:95");
	assert_int_equal(set(&t, "map", "85 1700000:90 1200000:95", err), -EINVAL);
	assert_string_equal(err, "map: frequencies must be increasing kHz numbers");
	assert_int_equal(set(&t, "map", "85 +1200000:90", err), -EINVAL);
	assert_int_equal(set(&t, "map", "85 1200000:x", err), -EINVAL);
	assert_string_equal(err, "map: 'x' is not a number");
	assert_int_equal(set(&t, "map", "85 1200000:101", err), -ERANGE);
	assert_string_equal(err, "map: 101 is out of range [1, 100]");
	assert_int_equal(set(&t, "map", "1200000:90", err), -EINVAL);
	assert_int_equal(set(&t, "map", "  ", err), -EINVAL);
	assert_string_equal(err, "map: empty value");
	/* A refused value leaves the map as it was. */
	assert_int_equal(t.map.n, 3);
}

/* A policy's init copies the tunables it is given, or takes the defaults. */
static void test_init(void **unused)
{
	struct tun given, t;

	(void)unused;
	memset(&given, 0, sizeof(given));
	given.rate = 555;
	eg_tunables_init(tab, &t, &given, sizeof(t));
	assert_memory_equal(&t, &given, sizeof(t));
	eg_tunables_init(tab, &t, NULL, sizeof(t));
	assert_int_equal(t.rate, 20);
	assert_false(t.flag);
	assert_int_equal(t.map.n, 1);
	assert_int_equal(t.map.value[0], 90);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_u32_grammar),
		cmocka_unit_test(test_bool_and_map),
		cmocka_unit_test(test_init),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
