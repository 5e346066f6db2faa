// SPDX-License-Identifier: GPL-2.0-or-later
/* eagovd's service-facing options end to end on the fake HiKey960 tree
 * (daemon_harness.h), through the real eagovctl ($EAGOVCTL): get and list,
 * a boost of a dead pid refused, --state-dir with --restore, a dry run kept
 * off the service's control socket, --control-socket, and the profile saved
 * in --persist-dir and restored at the next start. */
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "daemon_harness.h"

static const char *eagovctl;

/* Run argv (NULL-terminated) with its stdout in out and stderr in err; the
 * exit status, -1 on a signal. */
static int run_tool(const char *const *argv, char *out, size_t out_len, char *err, size_t err_len)
{
	char out_path[] = "/tmp/eagov-svc-out-XXXXXX", err_path[] = "/tmp/eagov-svc-err-XXXXXX";
	int fo = mkstemp(out_path), fe = mkstemp(err_path), st;
	ssize_t n;
	pid_t pid;

	assert_true(fo >= 0 && fe >= 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(fo, STDOUT_FILENO);
		dup2(fe, STDERR_FILENO);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	n = pread(fo, out, out_len - 1, 0);
	out[n > 0 ? n : 0] = '\0';
	n = pread(fe, err, err_len - 1, 0);
	err[n > 0 ? n : 0] = '\0';
	close(fo);
	close(fe);
	unlink(out_path);
	unlink(err_path);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* eagovctl --socket SOCK args...; the exit status. */
static int ctl(const char *sock, char *out, size_t len, const char *a, const char *b,
	       const char *c3, const char *d4)
{
	const char *argv[] = { eagovctl, "--socket", sock, a, b, c3, d4, NULL };
	char err[1024];
	int r = run_tool(argv, out, len, err, sizeof(err));

	if (r != 0)
		print_message("eagovctl: %s", err);
	return r;
}

static void wait_socket(const char *sock)
{
	char out[4096];

	for (int t = 0; t < 5000; t += 20) {
		if (access(sock, F_OK) == 0 &&
		    ctl(sock, out, sizeof(out), "get", "profile", NULL, NULL) == 0)
			return;
		sleep_ms(20);
	}
	fail_msg("no control socket at %s", sock);
}

static void tree_sock(const struct ctx *c, char *buf, size_t len)
{
	snprintf(buf, len, "%s/run/eagov/control", c->root);
}

/* get profile / governor and list profiles / governors / devices. */
static void test_get_list(void **state)
{
	struct ctx *c = *state;
	const char *args[] = { "--dry-run", "--device", "hikey960", NULL };
	char sock[400], out[4096];

	tree_sock(c, sock, sizeof(sock));
	spawn(c, args);
	wait_socket(sock);
	assert_int_equal(ctl(sock, out, sizeof(out), "get", "profile", NULL, NULL), 0);
	assert_string_equal(out, "balanced\n");
	assert_int_equal(ctl(sock, out, sizeof(out), "set", "governor", "big", "ondemand"), 0);
	assert_int_equal(ctl(sock, out, sizeof(out), "get", "governor", NULL, NULL), 0);
	assert_non_null(strstr(out, "big ondemand\n"));
	assert_non_null(strstr(out, "little "));
	assert_int_equal(ctl(sock, out, sizeof(out), "get", "governor", "--domain", "big"), 0);
	assert_string_equal(out, "ondemand\n");
	assert_int_equal(ctl(sock, out, sizeof(out), "get", "governor", "--domain", "1"), 0);
	assert_string_equal(out, "ondemand\n");
	assert_int_equal(ctl(sock, out, sizeof(out), "get", "governor", "--domain", "huge"), 1);
	assert_int_equal(ctl(sock, out, sizeof(out), "list", "profiles", NULL, NULL), 0);
	assert_string_equal(out, "power-saver\nbalanced\nperformance\n");
	assert_int_equal(ctl(sock, out, sizeof(out), "list", "governors", NULL, NULL), 0);
	assert_non_null(strstr(out, "schedutil\n"));
	assert_non_null(strstr(out, "ondemand\n"));
	assert_int_equal(ctl(sock, out, sizeof(out), "list", "devices", NULL, NULL), 0);
	assert_string_equal(out, "little 0-3\nbig 4-7\n");
	assert_int_equal(ctl(sock, out, sizeof(out), "list", "zones", NULL, NULL), 2);
	assert_int_equal(ctl(sock, out, sizeof(out), "get", "profile", "--domain", "big"), 2);
	kill(c->pid, SIGTERM);
	expect_exit(c, 0);
}

/* A boost of a pid with no process is an error (reply and exit status);
 * a live one is taken. */
static void test_boost_dead_pid(void **state)
{
	struct ctx *c = *state;
	const char *args[] = { "--dry-run", "--device", "hikey960", NULL };
	char sock[400], out[1024], err[1024], pid[32];
	pid_t dead = fork();

	assert_true(dead >= 0);
	if (dead == 0)
		_exit(0);
	assert_int_equal(waitpid(dead, NULL, 0), dead);
	tree_sock(c, sock, sizeof(sock));
	spawn(c, args);
	wait_socket(sock);
	snprintf(pid, sizeof(pid), "%d", (int)dead);
	{
		const char *argv[] = { eagovctl, "--socket", sock,  "boost", "--pid",
				       pid,	 "--ms",     "500", NULL };
		char want[64];

		assert_int_equal(run_tool(argv, out, sizeof(out), err, sizeof(err)), 1);
		snprintf(want, sizeof(want), "no process %d", (int)dead);
		assert_non_null(strstr(err, want));
	}
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	{
		const char *argv[] = { eagovctl, "--socket", sock,  "boost", "--pid",
				       pid,	 "--ms",     "500", NULL };

		assert_int_equal(run_tool(argv, out, sizeof(out), err, sizeof(err)), 0);
	}
	kill(c->pid, SIGTERM);
	expect_exit(c, 0);
}

/* --state-dir: the state file goes there while writing, and eagovd
 * --restore --state-dir puts the tree back from it after a SIGKILL. */
static void test_state_dir(void **state)
{
	struct ctx *c = *state;
	char dir[400], file[420], out[1024], err[2048], *before, *after;
	const char *argv[] = { eagovd,	   "--sysfs-root", c->root, "--config",
			       c->conf,	   "--source",	   "poll",  "--device",
			       "hikey960", "--state-dir",  dir,	    NULL };

	snprintf(dir, sizeof(dir), "%s/other-state", c->root);
	snprintf(file, sizeof(file), "%s/state", dir);
	userspace_policy4(c);
	before = snapshot(c, SKIP_SETSPEED0, "other-state");
	c->pid = fork();
	assert_true(c->pid >= 0);
	if (c->pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
		execv(eagovd, (char *const *)argv);
		_exit(127);
	}
	assert_true(wait_writes(c, 5000));
	assert_int_equal(access(file, F_OK), 0);
	assert_false(exists(c, "/run/eagov/state"));
	kill(c->pid, SIGKILL);
	assert_int_equal(wait_exit(c, 5000), -1);
	{
		const char *restore[] = { eagovd, "--restore", "--state-dir", dir, NULL };

		assert_int_equal(run_tool(restore, out, sizeof(out), err, sizeof(err)), 0);
	}
	assert_int_equal(access(file, F_OK), -1);
	after = snapshot(c, SKIP_SETSPEED0, "other-state");
	assert_same(before, after);
	free(before);
	free(after);
}

/* A dry run whose eagov.conf names the service's socket does not go near
 * it: its socket is under $XDG_RUNTIME_DIR. --control-socket moves it
 * anywhere, or none. */
static void test_dry_run_socket(void **state)
{
	struct ctx *c = *state;
	const char *args[] = { "--dry-run", "--device", "hikey960", NULL };
	char xdg[400], env[420], sock[440], mine[400], out[1024];
	char *envs[] = { env, NULL };

	put(c, "/eagov.conf", "[daemon]\ncontrol_socket = /run/eagov/control\n");
	snprintf(xdg, sizeof(xdg), "%s/xdg", c->root);
	mkdir_p(xdg);
	snprintf(env, sizeof(env), "XDG_RUNTIME_DIR=%s", xdg);
	snprintf(sock, sizeof(sock), "%s/eagov-dry-run/control", xdg);
	spawn_env = envs;
	spawn(c, args);
	spawn_env = NULL;
	wait_socket(sock);
	assert_int_equal(ctl(sock, out, sizeof(out), "get", "profile", NULL, NULL), 0);
	kill(c->pid, SIGTERM);
	expect_exit(c, 0);
	assert_int_equal(access(sock, F_OK), -1);

	snprintf(mine, sizeof(mine), "%s/mine.sock", c->root);
	{
		const char *a2[] = { "--dry-run",	 "--device", "hikey960",
				     "--control-socket", mine,	     NULL };

		spawn(c, a2);
		wait_socket(mine);
		kill(c->pid, SIGTERM);
		expect_exit(c, 0);
	}
	{
		const char *a3[] = { "--dry-run", "--device",	"hikey960", "--control-socket",
				     "none",	  "--duration", "0.5",	    NULL };

		spawn(c, a3);
		expect_exit(c, 0);
		assert_int_equal(access("none", F_OK), -1);
		assert_int_equal(count_lines(c->err, "control socket", NULL), 0);
	}
}

/* eagovctl set profile is saved in --persist-dir and comes back at the next
 * start; --profile wins over it; a file that is not a profile is ignored. */
static void test_persist(void **state)
{
	struct ctx *c = *state;
	char dir[400], sock[400], out[1024], saved[64];
	const char *args[] = { "--dry-run", "--device", "hikey960", "--persist-dir", dir, NULL };
	const char *forced[] = { "--dry-run", "--device",  "hikey960", "--persist-dir",
				 dir,	      "--profile", "balanced", NULL };

	/* The parent exists, as /var/lib does; eagovd makes the last part. */
	snprintf(dir, sizeof(dir), "%s/var/lib", c->root);
	mkdir_p(dir);
	snprintf(dir, sizeof(dir), "%s/var/lib/eagov", c->root);
	tree_sock(c, sock, sizeof(sock));
	spawn(c, args);
	wait_socket(sock);
	assert_int_equal(ctl(sock, out, sizeof(out), "set", "profile", "performance", NULL), 0);
	assert_string_equal(get(c, "/var/lib/eagov/profile", saved, sizeof(saved)), "performance");
	kill(c->pid, SIGTERM);
	expect_exit(c, 0);

	spawn(c, args);
	wait_socket(sock);
	assert_int_equal(ctl(sock, out, sizeof(out), "get", "profile", NULL, NULL), 0);
	assert_string_equal(out, "performance\n");
	kill(c->pid, SIGTERM);
	expect_exit(c, 0);

	spawn(c, forced);
	wait_socket(sock);
	assert_int_equal(ctl(sock, out, sizeof(out), "get", "profile", NULL, NULL), 0);
	assert_string_equal(out, "balanced\n");
	kill(c->pid, SIGTERM);
	expect_exit(c, 0);

	put(c, "/var/lib/eagov/profile", "turbo\n");
	spawn(c, args);
	wait_socket(sock);
	assert_int_equal(ctl(sock, out, sizeof(out), "get", "profile", NULL, NULL), 0);
	assert_string_equal(out, "balanced\n");
	assert_int_equal(count_lines(c->err, "'turbo' is not", "ignored"), 1);
	kill(c->pid, SIGTERM);
	expect_exit(c, 0);

	/* Without --persist-dir a trial run (dry run, fake tree) saves nothing. */
	rm_rf(c, "/var/lib/eagov");
	{
		const char *plain[] = { "--dry-run", "--device", "hikey960", NULL };

		spawn(c, plain);
		wait_socket(sock);
		assert_int_equal(ctl(sock, out, sizeof(out), "set", "profile", "performance", NULL),
				 0);
		kill(c->pid, SIGTERM);
		expect_exit(c, 0);
		assert_false(exists(c, "/var/lib/eagov"));
	}
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_get_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_boost_dead_pid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_dir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dry_run_socket, setup, teardown),
		cmocka_unit_test_setup_teardown(test_persist, setup, teardown),
	};

	eagovctl = getenv("EAGOVCTL");
	if (!eagovctl) {
		fprintf(stderr, "EAGOVCTL not set: run through meson test\n");
		return 1;
	}
	return harness_main(argc, argv, tests, sizeof(tests) / sizeof(tests[0]));
}
