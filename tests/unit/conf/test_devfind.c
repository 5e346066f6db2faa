// SPDX-License-Identifier: GPL-2.0-or-later
/* Finding and matching device files: the search order ($EAGOV_DEVICE_DIR,
 * /etc before /usr/share, a file name in an earlier directory hiding a later
 * one), compatible strings exact and wildcard, DMI product / vendor / board
 * and their ranking, reading the DMI strings. Directories are temporary. */
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

#include "conf.h"
#include "config.h"
#include "util.h"

static char tmpdir[] = "/tmp/eagov-devfind-XXXXXX";
/* Stand-ins for /etc/eagov/devices and /usr/share/eagov/devices. */
static char etc_dir[300], usr_dir[300];

static int setup(void **state)
{
	(void)state;
	assert_non_null(mkdtemp(tmpdir));
	snprintf(etc_dir, sizeof(etc_dir), "%s/etc", tmpdir);
	snprintf(usr_dir, sizeof(usr_dir), "%s/usr", tmpdir);
	assert_int_equal(mkdir(etc_dir, 0755), 0);
	assert_int_equal(mkdir(usr_dir, 0755), 0);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Write dir/name with a [device] section holding the given lines. */
static void device_file(const char *dir, const char *name, const char *lines)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "[device]\nname = %s\n%s", name, lines);
	assert_int_equal(fclose(f), 0);
}

static void remove_file(const char *dir, const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_int_equal(unlink(path), 0);
}

/* The file name (after the last '/') of the match for id in the two dirs,
 * "" when nothing matches. */
static const char *match(const struct eg_machine_ident *id)
{
	static char path[512];
	const char *dirs[] = { etc_dir, usr_dir };
	int r = eg_conf_match_machine_in(dirs, 2, id, path, sizeof(path));

	if (r == -ENOENT)
		return "";
	assert_int_equal(r, 0);
	return strrchr(path, '/') + 1;
}

static const char *shipped_dir(void)
{
	static char dir[400];
	const char *root = getenv("EAGOV_SOURCE_ROOT");

	assert_non_null(root);
	snprintf(dir, sizeof(dir), "%s/conf/devices", root);
	return dir;
}

static void test_find_device(void **state)
{
	char path[512], expect_path[512];
	const char *dirs[] = { etc_dir, usr_dir };

	(void)state;
	setenv("EAGOV_DEVICE_DIR", shipped_dir(), 1);
	assert_int_equal(eg_conf_find_device("hikey960", path, sizeof(path)), 0);
	snprintf(expect_path, sizeof(expect_path), "%s/hikey960.ini", shipped_dir());
	assert_string_equal(path, expect_path);
	assert_int_equal(eg_conf_find_device("no-such-board", path, sizeof(path)), -ENOENT);
	/* A path is a path. */
	assert_int_equal(eg_conf_find_device(expect_path, path, sizeof(path)), 0);
	assert_string_equal(path, expect_path);
	assert_int_equal(eg_conf_find_device("missing.ini", path, sizeof(path)), -ENOENT);
	assert_int_equal(eg_conf_find_device("hikey960", path, 8), -ENAMETOOLONG);
	unsetenv("EAGOV_DEVICE_DIR");

	/* The administrator's directory comes before the shipped one. */
	device_file(usr_dir, "board.ini", "");
	assert_int_equal(eg_conf_find_device_in(dirs, 2, "board", path, sizeof(path)), 0);
	snprintf(expect_path, sizeof(expect_path), "%s/board.ini", usr_dir);
	assert_string_equal(path, expect_path);
	device_file(etc_dir, "board.ini", "");
	assert_int_equal(eg_conf_find_device_in(dirs, 2, "board", path, sizeof(path)), 0);
	snprintf(expect_path, sizeof(expect_path), "%s/board.ini", etc_dir);
	assert_string_equal(path, expect_path);
	remove_file(etc_dir, "board.ini");
	remove_file(usr_dir, "board.ini");
}

static void test_device_dirs(void **state)
{
	const char *dirs[EG_CONF_MAX_DIRS];
	int n;

	(void)state;
	unsetenv("EAGOV_DEVICE_DIR");
	n = eg_conf_device_dirs(dirs);
	assert_true(n >= 2);
	assert_string_equal(dirs[0], EAGOV_SYSCONFDIR "/devices");
	assert_string_equal(dirs[1], EAGOV_DATADIR "/devices");
	assert_int_equal(n, EAGOV_DEVELOPMENT ? 3 : 2);
	setenv("EAGOV_DEVICE_DIR", "/nonexistent", 1);
	assert_int_equal(eg_conf_device_dirs(dirs), n + 1);
	assert_string_equal(dirs[0], "/nonexistent");
	unsetenv("EAGOV_DEVICE_DIR");
}

static void test_match_shipped(void **state)
{
	const char *hikey960[] = { "hisilicon,hi3660-hikey960", "hisilicon,hi3660" };
	const char *hikey[] = { "vendor,unknown-board", "hisilicon,hi6220" };
	const char *juno[] = { "arm,juno", "arm,vexpress" };
	/* A Chromebook on the SoC: the board strings first, then the SoC's. */
	const char *elm[] = { "google,elm-rev8", "google,elm", "mediatek,mt8173" };
	const char *c630[] = { "lenovo,yoga-c630", "qcom,sdm845" };
	const char *other[] = { "acme,rocket" };
	char path[512];

	(void)state;
	setenv("EAGOV_DEVICE_DIR", shipped_dir(), 1);
	assert_int_equal(eg_conf_match_device(hikey960, 2, NULL, path, sizeof(path)), 0);
	assert_non_null(strstr(path, "/hikey960.ini"));
	assert_int_equal(eg_conf_match_device(hikey, 2, NULL, path, sizeof(path)), 0);
	assert_non_null(strstr(path, "/hikey620.ini"));
	assert_int_equal(eg_conf_match_device(juno, 2, NULL, path, sizeof(path)), 0);
	assert_non_null(strstr(path, "/juno-r0.ini"));
	assert_int_equal(eg_conf_match_device(elm, 3, NULL, path, sizeof(path)), 0);
	assert_non_null(strstr(path, "/mt8173.ini"));
	assert_int_equal(eg_conf_match_device(c630, 2, NULL, path, sizeof(path)), 0);
	assert_non_null(strstr(path, "/sdm845.ini"));
	assert_int_equal(eg_conf_match_device(other, 1, NULL, path, sizeof(path)), -ENOENT);
	assert_int_equal(eg_conf_match_device(NULL, 0, "No Such PC", path, sizeof(path)), -ENOENT);
	unsetenv("EAGOV_DEVICE_DIR");
}

static void test_compatible_order(void **state)
{
	const char *hikey960[] = { "hisilicon,hi3660-hikey960", "hisilicon,hi3660" };
	struct eg_machine_ident id = { .compatible = hikey960, .nr_compatible = 2 };

	(void)state;
	/* A file claiming only the SoC sorts first, but the board string comes
	 * first in DT order, so the board file wins. */
	device_file(usr_dir, "aaa.ini", "compatible = hisilicon,hi3660\n");
	device_file(usr_dir, "board.ini", "compatible = foo,bar hisilicon,hi3660-hikey960\n");
	assert_string_equal(match(&id), "board.ini");
	id.compatible = hikey960 + 1;
	id.nr_compatible = 1;
	assert_string_equal(match(&id), "aaa.ini");
	remove_file(usr_dir, "aaa.ini");
	remove_file(usr_dir, "board.ini");
}

static void test_exact_beats_wildcard(void **state)
{
	const char *hikey960[] = { "hisilicon,hi3660-hikey960", "hisilicon,hi3660" };
	const char *hi3670[] = { "hisilicon,hi3670-hikey970", "hisilicon,hi3670" };
	const char *rk[] = { "rockchip,rk3399" };
	struct eg_machine_ident id = { .compatible = hikey960, .nr_compatible = 2 };

	(void)state;
	/* The wildcard file sorts first and matches the most specific string,
	 * yet an exact match of the less specific one wins. */
	device_file(usr_dir, "a-family.ini", "compatible = hisilicon,hi36*\n");
	device_file(usr_dir, "soc.ini", "compatible = hisilicon,hi3660\n");
	assert_string_equal(match(&id), "soc.ini");
	/* Only the wildcard claims this one. */
	id.compatible = hi3670;
	assert_string_equal(match(&id), "a-family.ini");
	/* A pattern is anchored: no partial match. */
	id.compatible = rk;
	id.nr_compatible = 1;
	assert_string_equal(match(&id), "");
	/* ? and [] are patterns too. */
	device_file(usr_dir, "rk.ini", "compatible = rockchip,rk33[0-9]?\n");
	assert_string_equal(match(&id), "rk.ini");
	remove_file(usr_dir, "a-family.ini");
	remove_file(usr_dir, "soc.ini");
	remove_file(usr_dir, "rk.ini");
}

static void test_dmi_vendor_board(void **state)
{
	const char *dt[] = { "acme,rocket" };
	struct eg_machine_ident id = {
		.dmi_product = "Laptop 14",
		.dmi_vendor = "ACME Corp",
		.dmi_board = "RK-14",
	};

	(void)state;
	device_file(usr_dir, "a-vendor.ini", "dmi_vendor = ACME Corp\n");
	device_file(usr_dir, "b-board.ini", "dmi_vendor = ACME Corp\ndmi_board = RK-14\n");
	device_file(usr_dir, "c-other.ini", "dmi_vendor = ACME Corp\ndmi_board = RK-15\n");
	/* Vendor and board both matching beat the vendor alone. */
	assert_string_equal(match(&id), "b-board.ini");
	/* Every key a file gives must match: a board mismatch rules it out. */
	id.dmi_board = "RK-16";
	assert_string_equal(match(&id), "a-vendor.ini");
	/* No board on this machine: only the vendor-only file can match. */
	id.dmi_board = NULL;
	assert_string_equal(match(&id), "a-vendor.ini");
	id.dmi_vendor = "Other Inc.";
	assert_string_equal(match(&id), "");
	/* An exact product name beats a wildcard that names more keys. */
	id.dmi_vendor = "ACME Corp";
	id.dmi_board = "RK-14";
	device_file(usr_dir, "d-wild.ini",
		    "dmi = Laptop*\ndmi_vendor = ACME*\ndmi_board = RK-1?\n");
	device_file(usr_dir, "e-product.ini", "dmi = Desktop 1\ndmi = Laptop 14\n");
	assert_string_equal(match(&id), "b-board.ini");
	remove_file(usr_dir, "b-board.ini");
	assert_string_equal(match(&id), "a-vendor.ini");
	remove_file(usr_dir, "a-vendor.ini");
	assert_string_equal(match(&id), "e-product.ini");
	remove_file(usr_dir, "e-product.ini");
	assert_string_equal(match(&id), "d-wild.ini");
	/* Any compatible match beats DMI. */
	device_file(usr_dir, "z-dt.ini", "compatible = acme,rock*\n");
	id.compatible = dt;
	id.nr_compatible = 1;
	assert_string_equal(match(&id), "z-dt.ini");
	remove_file(usr_dir, "z-dt.ini");
	remove_file(usr_dir, "d-wild.ini");
	remove_file(usr_dir, "c-other.ini");
}

static void test_etc_shadows_usr(void **state)
{
	const char *dt[] = { "acme,rocket" };
	struct eg_machine_ident id = { .compatible = dt, .nr_compatible = 1 };
	char path[512], expect_path[512];
	const char *dirs[] = { etc_dir, usr_dir };

	(void)state;
	device_file(usr_dir, "rocket.ini", "compatible = acme,rocket\n");
	assert_int_equal(eg_conf_match_machine_in(dirs, 2, &id, path, sizeof(path)), 0);
	snprintf(expect_path, sizeof(expect_path), "%s/rocket.ini", usr_dir);
	assert_string_equal(path, expect_path);
	/* The administrator's copy of the same name hides the shipped one, even
	 * when it claims another machine. */
	device_file(etc_dir, "rocket.ini", "compatible = acme,other\n");
	assert_int_equal(eg_conf_match_machine_in(dirs, 2, &id, path, sizeof(path)), -ENOENT);
	device_file(etc_dir, "rocket.ini", "compatible = acme,rocket\n");
	assert_int_equal(eg_conf_match_machine_in(dirs, 2, &id, path, sizeof(path)), 0);
	snprintf(expect_path, sizeof(expect_path), "%s/rocket.ini", etc_dir);
	assert_string_equal(path, expect_path);
	/* Equal rank in both directories: /etc wins over a file sorting first. */
	device_file(usr_dir, "a-rocket.ini", "compatible = acme,rocket\n");
	assert_int_equal(eg_conf_match_machine_in(dirs, 2, &id, path, sizeof(path)), 0);
	assert_string_equal(path, expect_path);
	remove_file(etc_dir, "rocket.ini");
	remove_file(usr_dir, "rocket.ini");
	remove_file(usr_dir, "a-rocket.ini");
}

static void test_new_keys_load(void **state)
{
	struct eg_model *m = malloc(sizeof(*m));
	struct eg_policy_conf *pc = malloc(sizeof(*pc));
	struct eg_error err;
	char path[512];
	FILE *f;

	(void)state;
	assert_non_null(m);
	assert_non_null(pc);
	snprintf(path, sizeof(path), "%s/keys.ini", usr_dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("[device]\nname = K\ncompatible = acme,rk*\ndmi_vendor = ACME*\n"
	      "dmi_board = RK-14\n[domain c]\ncpus = 0\ncapacity_dmips_mhz = 1024\n"
	      "opp = 1000000 900 100000\n",
	      f);
	assert_int_equal(fclose(f), 0);
	if (eg_conf_load_device(path, m, pc, &err) < 0)
		fail_msg("%s:%d: %s", err.file, err.line, err.msg);
	/* Given twice is an error, like every single-valued key. */
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("[device]\nname = K\ndmi_board = A\ndmi_board = B\n", f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(eg_conf_load_device(path, m, pc, &err), -EINVAL);
	assert_int_equal(err.line, 4);
	unlink(path);
	free(m);
	free(pc);
}

static void write_dmi(const char *root, const char *name, const char *value)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/sys/class/dmi/id/%s", root, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(value, f);
	assert_int_equal(fclose(f), 0);
}

static void test_read_dmi(void **state)
{
	char root[400], cmd[600], longer[EG_DMI_MAX + 10];
	struct eg_dmi dmi;

	(void)state;
	snprintf(root, sizeof(root), "%s/root", tmpdir);
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s/sys/class/dmi/id'", root);
	assert_int_equal(system(cmd), 0);
	write_dmi(root, "sys_vendor", "ACME Corp\n");
	write_dmi(root, "board_name", "RK-14\n");
	/* No product_name: left empty. */
	assert_int_equal(eg_conf_read_dmi(root, &dmi), 0);
	assert_string_equal(dmi.vendor, "ACME Corp");
	assert_string_equal(dmi.board, "RK-14");
	assert_string_equal(dmi.product, "");
	write_dmi(root, "product_name", "Laptop 14\n");
	assert_int_equal(eg_conf_read_dmi(root, &dmi), 0);
	assert_string_equal(dmi.product, "Laptop 14");
	/* Longer than any device file may name: read as absent, not an error. */
	memset(longer, 'x', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	write_dmi(root, "board_name", longer);
	assert_int_equal(eg_conf_read_dmi(root, &dmi), 0);
	assert_string_equal(dmi.board, "");
	assert_string_equal(dmi.vendor, "ACME Corp");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find_device),
		cmocka_unit_test(test_device_dirs),
		cmocka_unit_test(test_match_shipped),
		cmocka_unit_test(test_compatible_order),
		cmocka_unit_test(test_exact_beats_wildcard),
		cmocka_unit_test(test_dmi_vendor_board),
		cmocka_unit_test(test_etc_shadows_usr),
		cmocka_unit_test(test_new_keys_load),
		cmocka_unit_test(test_read_dmi),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
