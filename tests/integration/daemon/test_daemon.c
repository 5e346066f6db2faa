// SPDX-License-Identifier: GPL-2.0-or-later
/* eagovd end to end, running on a fake HiKey960 tree (daemon_harness.h):
 * dry runs, writes and their restore on SIGTERM, --restore after SIGKILL, a
 * knob that cannot be written, SIGHUP reloads (bad and good), a CPU
 * vanishing mid-run, the sd_notify messages, and idle control clients. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "daemon_harness.h"

/* ---------------------------------------------------------------- tests */

/* --dry-run: decisions on stdout, exit 0 at --duration, the tree untouched
 * and no state file. */
static void test_dry_run(void **state)
{
	struct ctx *c = *state;
	const char *args[] = { "--dry-run", "--device", "hikey960", "--duration", "1", NULL };
	char *before, *after;

	before = snapshot(c, NULL, NULL);
	spawn(c, args);
	expect_exit(c, 0);
	after = snapshot(c, NULL, NULL);
	assert_same(before, after);
	assert_false(exists(c, "/run/eagov/state"));
	/* engine start plus the poll source's samples decide for both
	 * domains; every line has the documented shape. */
	assert_true(count_lines(c->out, "pd=little set-freq ", NULL) >= 1);
	assert_true(count_lines(c->out, "pd=big set-freq ", NULL) >= 1);
	assert_int_equal(count_lines(c->out, "t=", NULL), count_lines(c->out, " (", NULL));
	free(before);
	free(after);
}

/* Start eagovd writing to the tree, policy4 under userspace first (see
 * userspace_policy4); the tree's snapshot before, without the excluded
 * paths. */
static char *spawn_writing(struct ctx *c, const char *exclude, const char *exclude2)
{
	const char *args[] = { "--device", "hikey960", NULL };
	char *before;

	userspace_policy4(c);
	before = snapshot(c, exclude, exclude2);
	spawn(c, args);
	assert_true(wait_writes(c, 5000));
	return before;
}

/* A run writes the governor and setspeed; SIGTERM puts every file back
 * (governor, min, max, setspeed, QoS, idle disables) and removes the state
 * file. */
static void test_sigterm_restores(void **state)
{
	struct ctx *c = *state;
	char *before = spawn_writing(c, SKIP_SETSPEED0, NULL), *after, buf[64];

	assert_true(exists(c, "/run/eagov/state"));
	assert_true(alive(c));
	/* The poll source reads the tree's frozen idle times (and no
	 * /proc/stat) as busy CPUs: policy4 is driven off its 1421000. */
	for (int t = 0;
	     t < 2000 && !strcmp(get(c, POL4 "scaling_setspeed", buf, sizeof(buf)), "1421000");
	     t += 10)
		sleep_ms(10);
	assert_string_not_equal(buf, "1421000");
	/* The control socket of eagov.conf is served while running. */
	assert_true(exists(c, "/run/eagov/control"));
	kill(c->pid, SIGTERM);
	expect_exit(c, 0);
	after = snapshot(c, SKIP_SETSPEED0, NULL);
	assert_same(before, after);
	assert_string_equal(get(c, POL4 "scaling_setspeed", buf, sizeof(buf)), "1421000");
	assert_false(exists(c, "/run/eagov/state"));
	assert_false(exists(c, "/run/eagov/control"));
	free(before);
	free(after);
}

/* SIGKILL leaves the state file; eagovd --restore restores from it. */
static void test_sigkill_then_restore(void **state)
{
	struct ctx *c = *state;
	char *before = spawn_writing(c, SKIP_SETSPEED0, NULL), *after, buf[64];

	kill(c->pid, SIGKILL);
	assert_int_equal(wait_exit(c, 5000), -1);
	assert_true(exists(c, "/run/eagov/state"));
	assert_string_equal(get(c, POL0 "scaling_governor", buf, sizeof(buf)), "userspace");
	assert_int_equal(run_restore(c), 0);
	after = snapshot(c, SKIP_SETSPEED0, NULL);
	assert_same(before, after);
	assert_false(exists(c, "/run/eagov/state"));
	/* A second --restore finds nothing and succeeds. */
	assert_int_equal(run_restore(c), 0);
	free(before);
	free(after);
}

/* policy4's setspeed cannot be written (a directory in its place: EISDIR
 * even for root): logged once, policy0 still driven, the loop keeps going
 * through the retries, SIGTERM still stops it cleanly. */
static void test_unwritable_knob(void **state)
{
	struct ctx *c = *state;
	const char *args[] = { "--device", "hikey960", NULL };

	rm_rf(c, POL4 "scaling_setspeed");
	mkdir_p(strcat(strcpy((char[512]){ 0 }, c->root), POL4 "scaling_setspeed"));
	spawn(c, args);
	assert_true(wait_writes(c, 5000));
	/* 1.5 s: back-off retries at 10, 30, 70, ... 1270 ms: 7 failed attempts. */
	sleep_ms(1500);
	assert_true(alive(c));
	assert_int_equal(count_lines(c->err, "policy4/scaling_setspeed", NULL), 1);
	kill(c->pid, SIGTERM);
	expect_exit(c, 0);
	assert_false(exists(c, "/run/eagov/state"));
}

/* Copy conf/devices/hikey960.ini to the tree with a [policy] freq override
 * appended (later lines win). */
static void device_copy(const struct ctx *c, const char *rel, const char *freq)
{
	const char *src = getenv("EAGOV_SOURCE_ROOT");
	char path[512], line[512], extra[128];
	FILE *in, *out;

	snprintf(path, sizeof(path), "%s/conf/devices/hikey960.ini", src ? src : ".");
	in = fopen(path, "r");
	assert_non_null(in);
	snprintf(path, sizeof(path), "%s%s", c->root, rel);
	out = fopen(path, "w");
	assert_non_null(out);
	while (fgets(line, sizeof(line), in))
		fputs(line, out);
	snprintf(extra, sizeof(extra), "\n[policy]\nfreq = %s\n", freq);
	fputs(extra, out);
	fclose(in);
	assert_int_equal(fclose(out), 0);
}

/* SIGHUP with a bad eagov.conf: file:line logged, the daemon keeps running
 * on the old configuration. SIGHUP with a good one pointing at another
 * device file (performance instead of powersave): the new policy decides
 * (big at its top OPP, 2362000, which powersave never asks for). */
static void test_sighup(void **state)
{
	struct ctx *c = *state;
	const char *args[] = { "--dry-run", NULL };
	char conf[600];

	device_copy(c, "/saver.ini", "powersave");
	device_copy(c, "/perf.ini", "performance");
	snprintf(conf, sizeof(conf), "device = %s/saver.ini\n", c->root);
	write_conf(c, conf);
	spawn(c, args);
	/* powersave: each domain at its lowest OPP only. */
	assert_true(wait_line(c->out, "pd=big set-freq 903000", 5000));
	assert_true(alive(c));
	assert_int_equal(count_lines(c->out, "pd=big set-freq 2362000", NULL), 0);

	/* Line 4 (after [daemon], control_socket and device) is the bad one. */
	snprintf(conf, sizeof(conf), "device = %s/perf.ini\nno_such_key = 1\n", c->root);
	write_conf(c, conf);
	kill(c->pid, SIGHUP);
	assert_true(wait_line(c->err, "reload rejected", 5000));
	assert_true(alive(c));
	assert_int_equal(count_lines(c->err, "eagov.conf:4", NULL), 1);
	assert_int_equal(count_lines(c->err, "reload rejected", NULL), 1);
	assert_int_equal(count_lines(c->out, "pd=big set-freq 2362000", NULL), 0);

	snprintf(conf, sizeof(conf), "device = %s/perf.ini\n", c->root);
	write_conf(c, conf);
	kill(c->pid, SIGHUP);
	assert_true(wait_line(c->out, "pd=big set-freq 2362000", 5000));
	assert_true(wait_line(c->out, "pd=little set-freq 1844000", 5000));
	assert_true(alive(c));
	kill(c->pid, SIGTERM);
	expect_exit(c, 0);
}

/* CPU 7 vanishes mid-run (its sysfs folder removed, as on hot-unplug): the
 * poll source stops sampling it, its QoS knob fails with ENOENT/ENODEV, the
 * loop goes on, and SIGTERM restores everything that is still there. */
static void test_cpu_offline(void **state)
{
	struct ctx *c = *state;
	char *before = spawn_writing(c, "/cpu7/", SKIP_SETSPEED0), *after;

	rm_rf(c, CPU_DIR "/cpu7");
	sleep_ms(500);
	assert_true(alive(c));
	kill(c->pid, SIGTERM);
	expect_exit(c, 0);
	after = snapshot(c, "/cpu7/", SKIP_SETSPEED0);
	assert_same(before, after);
	assert_false(exists(c, "/run/eagov/state"));
	free(before);
	free(after);
}

/* -------------------------------------------------------------- notify */

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* sd_notify: NOTIFY_SOCKET names a datagram socket the test binds. READY=1
 * and a STATUS= line arrive; with WATCHDOG_USEC=200000 (and WATCHDOG_PID
 * unset) eagovd pings every 100 ms (half the deadline), so at least two
 * WATCHDOG=1 arrive within 1 s of READY (about ten are expected; two is
 * what systemd needs to not kill it). */
static void test_sd_notify(void **state)
{
	struct ctx *c = *state;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char env_sock[400], env_wd[] = "WATCHDOG_USEC=200000";
	char *env[] = { env_sock, env_wd, NULL };
	const char *args[] = { "--dry-run", "--device", "hikey960", "--duration", "3", NULL };
	double ready_at = -1, end;
	bool status = false;
	int fd, wd = 0;

	assert_true(strlen(c->root) + sizeof("/notify") <= sizeof(sa.sun_path));
	memcpy(sa.sun_path, c->root, strlen(c->root));
	strcat(sa.sun_path, "/notify");
	snprintf(env_sock, sizeof(env_sock), "NOTIFY_SOCKET=%s", sa.sun_path);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	spawn_env = env;
	spawn(c, args);
	spawn_env = NULL;
	end = mono_s() + 5;
	while (mono_s() < end && (ready_at < 0 || mono_s() < ready_at + 1)) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		char msg[1024];
		ssize_t n;

		if (poll(&p, 1, 50) <= 0)
			continue;
		n = recv(fd, msg, sizeof(msg) - 1, 0);
		assert_true(n > 0);
		msg[n] = '\0';
		for (char *tok = strtok(msg, "\n"); tok; tok = strtok(NULL, "\n")) {
			if (!strcmp(tok, "READY=1") && ready_at < 0)
				ready_at = mono_s();
			else if (!strncmp(tok, "STATUS=", 7) && strlen(tok) > 7)
				status = true;
			else if (!strcmp(tok, "WATCHDOG=1") && ready_at >= 0 &&
				 mono_s() <= ready_at + 1)
				wd++;
		}
	}
	close(fd);
	assert_true(ready_at >= 0);
	assert_true(status);
	assert_true(wd >= 2);
	kill(c->pid, SIGTERM);
	expect_exit(c, 0);
}

/* A connection to the daemon's control socket; -1 when it is not there. */
static int control_connect(const struct ctx *c)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	char path[512];

	assert_true(fd >= 0);
	snprintf(path, sizeof(path), "%s/run/eagov/control", c->root);
	assert_true(strlen(path) < sizeof(sa.sun_path));
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The first line the daemon sends on fd within 2 s ("" on EOF or none). */
static void control_line(int fd, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	while (n + 1 < len) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (poll(&p, 1, 2000) != 1 || recv(fd, buf + n, 1, 0) != 1)
			break;
		if (buf[n] == '\n')
			break;
		n++;
	}
	buf[n] = '\0';
}

/* Sixteen clients that connect and say nothing fill every slot; with
 * EAGOVD_CONTROL_IDLE_TIMEOUT_MS=300 they are dropped (logged) and a new
 * client is served. */
static void test_control_idle_clients(void **state)
{
	struct ctx *c = *state;
	char env_timeout[] = "EAGOVD_CONTROL_IDLE_TIMEOUT_MS=300";
	char *env[] = { env_timeout, NULL };
	const char *args[] = { "--dry-run", "--device", "hikey960", NULL };
	int fds[16], fd = -1;
	char line[4096];

	spawn_env = env;
	spawn(c, args);
	spawn_env = NULL;
	for (int t = 0; t < 5000 && fd < 0; t += 10) {
		fd = control_connect(c);
		if (fd < 0)
			sleep_ms(10);
	}
	assert_true(fd >= 0);
	fds[0] = fd;
	for (int i = 1; i < 16; i++) {
		fds[i] = control_connect(c);
		assert_true(fds[i] >= 0);
	}
	/* Every slot is taken: one more is told so. */
	fd = control_connect(c);
	assert_true(fd >= 0);
	control_line(fd, line, sizeof(line));
	assert_non_null(strstr(line, "too many clients"));
	close(fd);
	sleep_ms(800);
	assert_true(alive(c));
	fd = control_connect(c);
	assert_true(fd >= 0);
	assert_int_equal(send(fd, "{\"cmd\":\"status\"}\n", 18, MSG_NOSIGNAL), 18);
	control_line(fd, line, sizeof(line));
	assert_non_null(strstr(line, "\"ok\":true"));
	close(fd);
	for (int i = 0; i < 16; i++)
		close(fds[i]);
	kill(c->pid, SIGTERM);
	expect_exit(c, 0);
	assert_int_equal(count_lines(c->err, "sent no request for 300 ms; dropped", NULL), 16);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_dry_run, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sigterm_restores, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sigkill_then_restore, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unwritable_knob, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sighup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cpu_offline, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sd_notify, setup, teardown),
		cmocka_unit_test_setup_teardown(test_control_idle_clients, setup, teardown),
	};

	return harness_main(argc, argv, tests, sizeof(tests) / sizeof(tests[0]));
}
