/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The harness of eagovd's end-to-end tests: the real binary (argv[1]) run
 * against a fake HiKey960 sysfs tree in a temp dir (--sysfs-root), with the
 * poll source reading the tree's cpuidle residency. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct CMUnitTest;

#define CPU_DIR "/sys/devices/system/cpu"
#define POL0 CPU_DIR "/cpufreq/policy0/"
#define POL4 CPU_DIR "/cpufreq/policy4/"
/* policy0's setspeed is left out of tree comparisons (userspace_policy4). */
#define SKIP_SETSPEED0 "policy0/scaling_setspeed"

/* One test's tree and daemon. */
struct ctx {
	char root[256];
	char state[320], out[320], err[320], conf[320];
	pid_t pid;
};

extern const char *eagovd;
/* Extra environment ("K=V", NULL-terminated) for the next spawn. */
extern char *const *spawn_env;

/* The tree: files relative to the root. */
void mkdir_p(char *path);
void put(const struct ctx *c, const char *rel, const char *val);
/* The file's content without its trailing newline; "" when unreadable. */
char *get(const struct ctx *c, const char *rel, char *buf, size_t len);
bool exists(const struct ctx *c, const char *rel);
void rm_rf(const struct ctx *c, const char *rel);
/* eagov.conf with the control socket inside the tree plus extra lines. */
void write_conf(const struct ctx *c, const char *extra);
void tree_create(struct ctx *c);
void tree_destroy(struct ctx *c);
/* cmocka setup / teardown: a fresh tree per test. */
int setup(void **state);
int teardown(void **state);
/* policy4 under userspace at 1421000, so its setspeed must come back. */
void userspace_policy4(const struct ctx *c);

/* Every regular file under /sys and /dev as "path=content\n" (malloc'd),
 * leaving out paths containing exclude or exclude2 (either may be NULL). */
char *snapshot(const struct ctx *c, const char *exclude, const char *exclude2);
/* Equal snapshots, else the first line that differs is printed. */
void assert_same(const char *a, const char *b);

/* eagovd --sysfs-root --state-file --config --source poll, then extra. */
void spawn(struct ctx *c, const char *const *extra);
void sleep_ms(int ms);
bool alive(const struct ctx *c);
/* The exit status, or -1 on a signal or when still running at timeout_ms. */
int wait_exit(struct ctx *c, int timeout_ms);
/* The daemon exits with want; otherwise its stderr is shown. */
void expect_exit(struct ctx *c, int want);
/* eagovd --restore --state-file; its exit status. */
int run_restore(const struct ctx *c);
/* Lines of a file containing a and b (b may be NULL). */
int count_lines(const char *path, const char *a, const char *b);
/* Both policies under userspace and policy0 at an OPP: up and writing. */
bool wait_writes(const struct ctx *c, int timeout_ms);
/* Wait up to timeout_ms for a line of path containing a: the daemon's pace
 * is that of the machine (several times slower under an emulator), so never
 * a fixed sleep. */
bool wait_line(const char *path, const char *a, int timeout_ms);

/* main() of a test program: argv[1] is eagovd; EAGOV_TEST_FILTER, when
 * set, runs only the tests whose name matches it. */
int harness_main(int argc, char **argv, const struct CMUnitTest *tests, size_t n);
