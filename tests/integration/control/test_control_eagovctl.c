// SPDX-License-Identifier: GPL-2.0-or-later
/* eagovctl end to end: the binary (path in $EAGOVCTL) run against the
 * in-process server, its output and exit codes for each command, and its
 * monitor mode. */
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "control.h"
#include "control_fixture.h"
#include "control_proto.h"

/* Run eagovctl with args while serving; its stdout in out, exit code back. */
static int run_ctl(struct fx *fx, char *out, size_t len, ...)
{
	const char *exe = getenv("EAGOVCTL");
	const char *argv[16];
	int p[2], status = -1, n = 0;
	size_t got = 0;
	va_list ap;
	pid_t pid;

	assert_non_null(exe);
	argv[n++] = exe;
	argv[n++] = "--socket";
	argv[n++] = fx->path;
	va_start(ap, len);
	while ((argv[n] = va_arg(ap, const char *)) != NULL)
		n++;
	va_end(ap);
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(p[1], STDOUT_FILENO);
		execv(exe, (char *const *)argv);
		_exit(127);
	}
	close(p[1]);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	for (int i = 0; i < 5000; i++) {
		ssize_t r;

		assert_int_equal(eg_control_dispatch(fx->c, fx->now), 0);
		while ((r = read(p[0], out + got, len - 1 - got)) > 0)
			got += (size_t)r;
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		usleep(1000);
	}
	while (read(p[0], out + got, len - 1 - got) > 0)
		got = strlen(out);
	out[got] = '\0';
	close(p[0]);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void test_eagovctl(void **state)
{
	struct fx *fx = *state;
	char out[8192];
	struct json_object *o, *v;

	memset(out, 0, sizeof(out));
	assert_int_equal(run_ctl(fx, out, sizeof(out), "status", NULL), 0);
	/* The table: header, both domains with MHz values (1402000 kHz ->
	 * 1402 MHz, 2362000 -> 2362, range 533-2362), the zone at 45.2 C. */
	assert_non_null(strstr(out, "DOMAIN"));
	assert_non_null(strstr(out, "profile: balanced"));
	assert_non_null(strstr(out, "dry run"));
	assert_non_null(strstr(out, "little"));
	assert_non_null(strstr(out, "1402"));
	assert_non_null(strstr(out, "533-2362"));
	assert_non_null(strstr(out, "soc-thermal"));
	assert_non_null(strstr(out, "45.2 C"));

	memset(out, 0, sizeof(out));
	assert_int_equal(run_ctl(fx, out, sizeof(out), "status", "--json", NULL), 0);
	o = json_tokener_parse(out);
	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, "domains", &v));
	assert_int_equal(json_object_array_length(v), 2);
	assert_int_equal(fx_path_int(o, "domains", 0, "util"), 412);
	json_object_put(o);

	assert_int_equal(run_ctl(fx, out, sizeof(out), "set", "governor", "ondemand", "--domain",
				 "big", NULL),
			 0);
	assert_string_equal(fx->f.gov, "ondemand");
	assert_int_equal(fx->f.gov_pd, 1);
	/* eagovctl(1)'s form: set governor DOMAIN NAME */
	assert_int_equal(
		run_ctl(fx, out, sizeof(out), "set", "governor", "little", "interactive", NULL), 0);
	assert_string_equal(fx->f.gov, "interactive");
	assert_int_equal(fx->f.gov_pd, 0);
	assert_int_equal(run_ctl(fx, out, sizeof(out), "set", "profile", "performance", NULL), 0);
	assert_string_equal(fx->f.prof, "performance");
	assert_int_equal(run_ctl(fx, out, sizeof(out), "boost", "--pid", "77", "--ms", "300", NULL),
			 0);
	assert_int_equal(fx->f.pid, 77);
	assert_int_equal(fx->f.ms, 300);
	assert_int_equal(run_ctl(fx, out, sizeof(out), "hint", "--pid", "78", "--type", "sustained",
				 "--ms", "60000", NULL),
			 0);
	assert_int_equal(fx->f.pid, 78);
	assert_int_equal(fx->f.ms, 60000);
	assert_int_equal(fx->f.hint_type, EG_HINT_SUSTAINED);

	/* Refused by the daemon: 1. Usage errors: 2, with nothing sent. */
	assert_int_equal(run_ctl(fx, out, sizeof(out), "set", "governor", "nosuch", NULL), 1);
	assert_int_equal(run_ctl(fx, out, sizeof(out), "boost", "--pid", "77", NULL), 2);
	assert_int_equal(run_ctl(fx, out, sizeof(out), "boost", "--pid", "x", "--ms", "5", NULL),
			 2);
	assert_int_equal(run_ctl(fx, out, sizeof(out), "frobnicate", NULL), 2);
	assert_int_equal(run_ctl(fx, out, sizeof(out), "hint", "--pid", "78", "--ms", "5", NULL),
			 2);
	assert_int_equal(run_ctl(fx, out, sizeof(out), "hint", "--pid", "78", "--type", "turbo",
				 "--ms", "5", NULL),
			 2);
	assert_int_equal(run_ctl(fx, out, sizeof(out), "hint", "--pid", "78", "--type", "launch",
				 "--ms", "60001", NULL),
			 2);
	assert_int_equal(run_ctl(fx, out, sizeof(out), "boost", "--pid", "78", "--type", "launch",
				 "--ms", "5", NULL),
			 2);
	assert_int_equal(run_ctl(fx, out, sizeof(out), "status", "--interval", "100", NULL), 2);
	/* Only the accepted calls above reached the daemon: one boost, two
	 * governor switches (ondemand on big, interactive on little). */
	assert_int_equal(fx->f.nr_boost, 1);
	assert_int_equal(fx->f.nr_hint, 1);
	assert_int_equal(fx->f.nr_gov, 2);

	/* No daemon: 1. */
	{
		char saved[96];

		memcpy(saved, fx->path, sizeof(saved));
		snprintf(fx->path, sizeof(fx->path), "%s/nothing-here", fx->dir);
		assert_int_equal(run_ctl(fx, out, sizeof(out), "status", NULL), 1);
		memcpy(fx->path, saved, sizeof(saved));
	}
}

/* eagovctl monitor through a pipe: plain lines per update. */
static void test_eagovctl_monitor(void **state)
{
	struct fx *fx = *state;
	const char *exe = getenv("EAGOVCTL");
	int p[2], status;
	char out[8192] = "";
	size_t got = 0;
	int lines = 0;
	pid_t pid;

	assert_non_null(exe);
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(p[1], STDOUT_FILENO);
		execl(exe, exe, "--socket", fx->path, "monitor", "--interval", "100", (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	/* Serve until three updates (3 lines each: 2 domains + 1 zone) came. */
	for (int i = 0; i < 3000 && lines < 9; i++) {
		ssize_t r;

		fx->now += 10 * MS;
		assert_int_equal(eg_control_dispatch(fx->c, fx->now), 0);
		eg_control_tick(fx->c, fx->now);
		while ((r = read(p[0], out + got, sizeof(out) - 1 - got)) > 0)
			got += (size_t)r;
		out[got] = '\0';
		lines = 0;
		for (char *s = out; (s = strchr(s, '\n')); s++)
			lines++;
		usleep(1000);
	}
	kill(pid, SIGTERM);
	waitpid(pid, &status, 0);
	close(p[0]);
	assert_true(lines >= 9);
	assert_non_null(strstr(out, "domain=big governor=schedutil util=1024 cur_khz=2362000"));
	assert_non_null(strstr(out, "zone=soc-thermal temp_mc=45200"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_eagovctl, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_eagovctl_monitor, fx_setup, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
