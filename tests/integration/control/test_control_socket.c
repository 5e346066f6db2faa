// SPDX-License-Identifier: GPL-2.0-or-later
/* Control socket, who and how many: the peer credential check, the client
 * limit, the idle timeout of silent clients, and the socket file's life
 * (permissions, a live socket or a stray file already at the path). */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "control.h"
#include "control_fixture.h"
#include "control_proto.h"

static void test_allowed(void **state)
{
	const gid_t none[] = { 0 };
	const gid_t other[] = { 100, 27 };
	const gid_t member[] = { 100, 990, 27 };

	(void)state;
	for (int change = 0; change <= 1; change++) {
		/* root, whatever its groups and whether the group exists */
		assert_true(eg_control_allowed(0, 0, none, 0, 990, change));
		assert_true(eg_control_allowed(0, 0, none, 0, (gid_t)-1, change));
		/* a user outside the group */
		assert_false(eg_control_allowed(1000, 100, other, 2, 990, change));
		/* primary group, or a supplementary one */
		assert_true(eg_control_allowed(1000, 990, other, 2, 990, change));
		assert_true(eg_control_allowed(1000, 100, member, 3, 990, change));
		/* only the first n groups count */
		assert_false(eg_control_allowed(1000, 100, member, 1, 990, change));
		/* no eagov group: nobody but root, even with gid -1 itself */
		assert_false(eg_control_allowed(1000, (gid_t)-1, other, 2, (gid_t)-1, change));
	}
}

/* A non-root peer, end to end: a child drops to nobody and asks; the server
 * must refuse it from SO_PEERCRED alone, except a hint, which reaches the
 * daemon with the peer's uid and unprivileged (the daemon checks the task's
 * owner). The socket's own mode lets it connect. */
static void test_peer_refused(void **state)
{
	struct fx *fx = *state;
	pid_t pid;
	int status;

	if (geteuid() != 0)
		skip();
	/* Let nobody reach the socket; the peer check is what must refuse. */
	assert_int_equal(chmod(fx->dir, 0711), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct eg_ctl_buf b;
		struct json_object *o = NULL;
		struct json_object *v;
		int fd;

		if (setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0)
			_exit(10);
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		{
			struct sockaddr_un sa = { .sun_family = AF_UNIX };

			snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", fx->path);
			if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
				_exit(16);
		}
		fx_send_line(fd,
			     "{\"cmd\":\"set\",\"what\":\"profile\",\"value\":\"performance\"}");
		if (eg_ctl_buf_init(&b, EG_CTL_MAX_REPLY) < 0 || eg_ctl_read_reply(fd, &b, &o) < 0)
			_exit(11);
		if (!json_object_object_get_ex(o, "ok", &v) || json_object_get_boolean(v))
			_exit(12);
		if (!json_object_object_get_ex(o, "error", &v) ||
		    !strstr(json_object_get_string(v), "permission denied"))
			_exit(13);
		fx_send_line(fd, "{\"cmd\":\"status\"}");
		json_object_put(o);
		if (eg_ctl_read_reply(fd, &b, &o) < 0)
			_exit(14);
		if (!json_object_object_get_ex(o, "ok", &v) || json_object_get_boolean(v))
			_exit(15);
		fx_send_line(fd, "{\"cmd\":\"hint\",\"pid\":4242,\"type\":\"background\","
				 "\"ms\":700}");
		json_object_put(o);
		if (eg_ctl_read_reply(fd, &b, &o) < 0)
			_exit(17);
		if (!json_object_object_get_ex(o, "ok", &v) || !json_object_get_boolean(v))
			_exit(18);
		_exit(0);
	}
	for (int i = 0; i < 5000; i++) {
		assert_int_equal(eg_control_dispatch(fx->c, fx->now), 0);
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		usleep(1000);
	}
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(fx->f.nr_prof, 0);
	assert_int_equal(fx->f.nr_status, 0);
	assert_int_equal(fx->f.nr_hint, 1);
	assert_int_equal(fx->f.pid, 4242);
	assert_int_equal(fx->f.ms, 700);
	assert_int_equal(fx->f.hint_type, EG_HINT_BACKGROUND);
	assert_int_equal(fx->f.hint_uid, 65534);
	assert_false(fx->f.hint_privileged);
}

static void test_max_clients(void **state)
{
	struct fx *fx = *state;
	int fds[EG_CONTROL_MAX_CLIENTS], extra[2];
	struct json_object *o;
	bool eof;

	for (int i = 0; i < EG_CONTROL_MAX_CLIENTS; i++)
		fds[i] = fx_client(fx);
	assert_int_equal(eg_control_dispatch(fx->c, fx->now), 0);
	assert_int_equal(eg_control_nr_clients(fx->c), EG_CONTROL_MAX_CLIENTS);
	/* The 17th and 18th: told so, then closed. */
	for (int k = 0; k < 2; k++) {
		extra[k] = fx_client(fx);
		o = fx_reply(fx, extra[k], &eof);
		assert_non_null(o);
		assert_false(fx_ok(o));
		assert_string_equal(fx_err(o), "too many clients");
		json_object_put(o);
		assert_null(fx_reply(fx, extra[k], &eof));
		assert_true(eof);
		close(extra[k]);
	}
	assert_int_equal(eg_control_nr_clients(fx->c), EG_CONTROL_MAX_CLIENTS);
	/* Every admitted one is served. */
	for (int i = 0; i < EG_CONTROL_MAX_CLIENTS; i++) {
		o = fx_ask(fx, fds[i], "{\"cmd\":\"status\"}");
		assert_true(fx_ok(o));
		json_object_put(o);
	}
	/* A slot freed is a slot for the next client. */
	close(fds[0]);
	assert_int_equal(eg_control_dispatch(fx->c, fx->now), 0);
	assert_int_equal(eg_control_nr_clients(fx->c), EG_CONTROL_MAX_CLIENTS - 1);
	fds[0] = fx_client(fx);
	o = fx_ask(fx, fds[0], "{\"cmd\":\"status\"}");
	assert_true(fx_ok(o));
	json_object_put(o);
	for (int i = 0; i < EG_CONTROL_MAX_CLIENTS; i++)
		close(fds[i]);
}

/* The server closed its end: EOF, or a reset when it closed with bytes of
 * ours unread. */
static bool closed_by_server(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char b;

	if (poll(&p, 1, 2000) != 1)
		return false;
	return recv(fd, &b, 1, MSG_DONTWAIT) == 0 || errno == ECONNRESET;
}

/* Silent clients in every slot are dropped once idle past the timeout (the
 * one that sent half a line too), so the next client is served; a monitor
 * subscriber waiting for pushes is kept; a request restarts the clock. */
static void test_idle_timeout(void **state)
{
	struct fx *fx = *state;
	int fds[EG_CONTROL_MAX_CLIENTS], mon, late;
	struct json_object *o;
	bool eof;

	eg_control_set_idle_timeout(fx->c, 2 * SEC);
	fx->now = 10 * SEC;
	mon = fx_client(fx);
	o = fx_ask(fx, mon, "{\"cmd\":\"monitor\",\"interval_ms\":60000}");
	assert_true(fx_ok(o));
	json_object_put(o);
	for (int i = 0; i < EG_CONTROL_MAX_CLIENTS - 1; i++)
		fds[i] = fx_client(fx);
	assert_int_equal(eg_control_dispatch(fx->c, fx->now), 0);
	assert_int_equal(eg_control_nr_clients(fx->c), EG_CONTROL_MAX_CLIENTS);
	/* One sends part of a request, one a whole request a second later. */
	fx_send_str(fds[0], "{\"cmd\":", 8);
	fx->now = 11 * SEC;
	o = fx_ask(fx, fds[1], "{\"cmd\":\"status\"}");
	assert_true(fx_ok(o));
	json_object_put(o);
	/* Full: a newcomer is refused. */
	late = fx_client(fx);
	o = fx_reply(fx, late, &eof);
	assert_non_null(o);
	assert_string_equal(fx_err(o), "too many clients");
	json_object_put(o);
	close(late);
	/* The next thing to do is the silent clients' deadline, 10 s + 2 s. */
	assert_int_equal(eg_control_next_tick(fx->c), 12 * SEC);
	eg_control_tick(fx->c, 12 * SEC - 1);
	assert_int_equal(eg_control_nr_clients(fx->c), EG_CONTROL_MAX_CLIENTS);
	fx->now = 12 * SEC;
	eg_control_tick(fx->c, fx->now);
	/* Left: the monitor and the client whose request came at 11 s. */
	assert_int_equal(eg_control_nr_clients(fx->c), 2);
	assert_true(closed_by_server(fds[0]));
	assert_true(closed_by_server(fds[2]));
	assert_int_equal(eg_control_next_tick(fx->c), 13 * SEC);
	/* A new client is served. */
	late = fx_client(fx);
	o = fx_ask(fx, late, "{\"cmd\":\"status\"}");
	assert_true(fx_ok(o));
	json_object_put(o);
	/* Long past every deadline, at the monitor's next push (10 s + 60 s):
	 * only the monitor stays, and gets its update. */
	fx->now = 70 * SEC;
	eg_control_tick(fx->c, fx->now);
	assert_int_equal(eg_control_nr_clients(fx->c), 1);
	o = fx_reply(fx, mon, &eof);
	assert_non_null(o);
	assert_true(fx_ok(o));
	json_object_put(o);
	close(mon);
	close(late);
	for (int i = 0; i < EG_CONTROL_MAX_CLIENTS - 1; i++)
		close(fds[i]);
}

static void test_socket_lifecycle(void **state)
{
	struct fx *fx = *state;
	struct eg_control *c2 = NULL;
	char path[100];
	struct stat st;
	int fd;

	/* A live socket is not taken over. */
	assert_int_equal(eg_control_open(&c2, fx->path, "root", &fx_fake_ops, &fx->f), -EADDRINUSE);
	/* A stale one (nobody listens) is replaced. */
	snprintf(path, sizeof(path), "%s/stale", fx->dir);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	{
		struct sockaddr_un sa = { .sun_family = AF_UNIX };

		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
		assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	}
	close(fd);
	/* A group that does not exist: still 0666 (hints), root's group. */
	assert_int_equal(eg_control_open(&c2, path, "eagov-no-such-group", &fx_fake_ops, &fx->f),
			 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0666);
	eg_control_close(c2);
	/* Closing unlinks. */
	assert_int_equal(stat(path, &st), -1);
	assert_int_equal(errno, ENOENT);
	/* A regular file in the way is left alone. */
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	close(fd);
	assert_int_equal(eg_control_open(&c2, path, NULL, &fx_fake_ops, &fx->f), -EEXIST);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_allowed),
		cmocka_unit_test_setup_teardown(test_peer_refused, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_max_clients, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_idle_timeout, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_socket_lifecycle, fx_setup, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
