// SPDX-License-Identifier: GPL-2.0-or-later
/* Control socket: a server in-process with fake daemon callbacks on a socket
 * in a temp dir, clients over the real socket, and the eagovctl binary. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
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
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "control.h"
#include "control_proto.h"

#define SEC 1000000000ULL
#define MS 1000000ULL

/* What the fake daemon was asked. */
struct fake {
	int nr_status, nr_gov, nr_prof, nr_boost;
	char gov[64];
	int gov_pd;
	char prof[64];
	int32_t pid;
	uint32_t ms;
};

struct fx {
	char dir[64];
	char path[96];
	struct eg_control *c;
	struct fake f;
	uint64_t now;
};

static struct json_object *dom(const char *name, const char *cpus, int util, int cur)
{
	struct json_object *d = json_object_new_object();

	json_object_object_add(d, "name", json_object_new_string(name));
	json_object_object_add(d, "cpus", json_object_new_string(cpus));
	json_object_object_add(d, "governor", json_object_new_string("schedutil"));
	json_object_object_add(d, "util", json_object_new_int(util));
	json_object_object_add(d, "cur_khz", json_object_new_int(cur));
	json_object_object_add(d, "req_khz", json_object_new_int(cur));
	json_object_object_add(d, "cap_khz", json_object_new_int(0));
	json_object_object_add(d, "min_khz", json_object_new_int(533000));
	json_object_object_add(d, "max_khz", json_object_new_int(2362000));
	return d;
}

static int fake_status(void *user, struct json_object *out)
{
	struct fake *f = user;
	struct json_object *doms = json_object_new_array(), *zones = json_object_new_array();
	struct json_object *z = json_object_new_object();

	f->nr_status++;
	json_object_object_add(out, "profile", json_object_new_string("balanced"));
	json_object_object_add(out, "source", json_object_new_string("poll"));
	json_object_object_add(out, "dry_run", json_object_new_boolean(1));
	json_object_array_add(doms, dom("little", "0-3", 412, 1402000));
	json_object_array_add(doms, dom("big", "4-7", 1024, 2362000));
	json_object_object_add(out, "domains", doms);
	json_object_object_add(z, "name", json_object_new_string("soc-thermal"));
	json_object_object_add(z, "temp_mc", json_object_new_int(45200));
	json_object_array_add(zones, z);
	json_object_object_add(out, "zones", zones);
	return 0;
}

static int fake_gov(void *user, const char *name, int pd, char *err, size_t len)
{
	struct fake *f = user;

	if (strcmp(name, "nosuch") == 0) {
		snprintf(err, len, "unknown governor \"%s\"", name);
		return -EINVAL;
	}
	f->nr_gov++;
	snprintf(f->gov, sizeof(f->gov), "%s", name);
	f->gov_pd = pd;
	return 0;
}

static int fake_prof(void *user, const char *profile, char *err, size_t len)
{
	struct fake *f = user;

	(void)err;
	(void)len;
	f->nr_prof++;
	snprintf(f->prof, sizeof(f->prof), "%s", profile);
	return 0;
}

static int fake_boost(void *user, int32_t pid, uint32_t ms, char *err, size_t len)
{
	struct fake *f = user;

	(void)err;
	(void)len;
	f->nr_boost++;
	f->pid = pid;
	f->ms = ms;
	return 0;
}

static const struct eg_control_ops fake_ops = {
	.status = fake_status,
	.set_governor = fake_gov,
	.set_profile = fake_prof,
	.boost = fake_boost,
};

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	snprintf(fx->dir, sizeof(fx->dir), "/tmp/eagov-ctl-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	/* A subdirectory: eg_control_open creates the socket's parent. */
	snprintf(fx->path, sizeof(fx->path), "%s/run/control", fx->dir);
	/* "root" exists everywhere, so the group branch (0660) is the one taken. */
	assert_int_equal(eg_control_open(&fx->c, fx->path, "root", &fake_ops, &fx->f), 0);
	fx->now = 5 * SEC;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;
	char sub[128];

	eg_control_close(fx->c);
	snprintf(sub, sizeof(sub), "%s/run", fx->dir);
	rmdir(sub);
	rmdir(fx->dir);
	free(fx);
	return 0;
}

static int client(struct fx *fx)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", fx->path);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

static void send_str(int fd, const char *s, size_t len)
{
	assert_int_equal(eg_ctl_write_all(fd, s, len), 0);
}

static void send_line(int fd, const char *s)
{
	send_str(fd, s, strlen(s));
	send_str(fd, "\n", 1);
}

/* Serve the server until the client has a whole line (or EOF, or 2 s):
 * the reply parsed, or NULL at EOF. */
static struct json_object *reply(struct fx *fx, int fd, bool *eof)
{
	char buf[65536];
	size_t len = 0;

	*eof = false;
	for (int i = 0; i < 2000; i++) {
		char *nl;
		ssize_t n;

		assert_int_equal(eg_control_dispatch(fx->c, fx->now), 0);
		/* Byte by byte up to the newline, so a second line stays queued. */
		while ((n = recv(fd, buf + len, 1, MSG_DONTWAIT)) == 1) {
			len++;
			assert_true(len < sizeof(buf));
			if (buf[len - 1] == '\n')
				break;
		}
		nl = len ? memchr(buf, '\n', len) : NULL;
		if (nl) {
			struct json_object *o;

			*nl = '\0';
			o = json_tokener_parse(buf);
			assert_non_null(o);
			return o;
		}
		if (n == 0) {
			*eof = true;
			return NULL;
		}
		usleep(1000);
	}
	fail_msg("no reply within 2 s");
	return NULL;
}

static struct json_object *ask(struct fx *fx, int fd, const char *req)
{
	bool eof;
	struct json_object *o;

	send_line(fd, req);
	o = reply(fx, fd, &eof);
	assert_false(eof);
	return o;
}

static bool ok_of(struct json_object *o)
{
	struct json_object *v;

	assert_true(json_object_object_get_ex(o, "ok", &v));
	return json_object_get_boolean(v);
}

static const char *err_of(struct json_object *o)
{
	struct json_object *v;

	assert_true(json_object_object_get_ex(o, "error", &v));
	return json_object_get_string(v);
}

static int64_t path_int(struct json_object *o, const char *arr, int idx, const char *key)
{
	struct json_object *a, *v;

	if (arr) {
		assert_true(json_object_object_get_ex(o, arr, &a));
		o = json_object_array_get_idx(a, (size_t)idx);
		assert_non_null(o);
	}
	assert_true(json_object_object_get_ex(o, key, &v));
	return json_object_get_int64(v);
}

static void test_status_roundtrip(void **state)
{
	struct fx *fx = *state;
	int fd = client(fx);
	struct json_object *o = ask(fx, fd, "{\"cmd\":\"status\"}"), *v;
	struct stat st;

	assert_true(ok_of(o));
	assert_true(json_object_object_get_ex(o, "profile", &v));
	assert_string_equal(json_object_get_string(v), "balanced");
	assert_int_equal(path_int(o, "domains", 1, "cur_khz"), 2362000);
	assert_int_equal(path_int(o, "domains", 0, "util"), 412);
	assert_int_equal(path_int(o, "zones", 0, "temp_mc"), 45200);
	/* now = 5 s = 5000 ms */
	assert_int_equal(path_int(o, NULL, 0, "time_ms"), 5000);
	assert_int_equal(fx->f.nr_status, 1);
	json_object_put(o);

	/* Two requests in one write: two replies, in order. */
	send_str(fd, "{\"cmd\":\"status\"}\n{\"cmd\":\"bogus\"}\n", 33);
	{
		bool eof;
		struct json_object *a = reply(fx, fd, &eof), *b = reply(fx, fd, &eof);

		assert_true(ok_of(a));
		assert_false(ok_of(b));
		json_object_put(a);
		json_object_put(b);
	}
	close(fd);

	/* 0660 root:<group "root" = gid 0> */
	assert_int_equal(stat(fx->path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0660);
	assert_int_equal(st.st_gid, 0);
}

static void test_set_and_boost(void **state)
{
	struct fx *fx = *state;
	int fd = client(fx);
	struct json_object *o;

	o = ask(fx, fd, "{\"cmd\":\"set\",\"what\":\"governor\",\"value\":\"ondemand\"}");
	assert_true(ok_of(o));
	json_object_put(o);
	assert_int_equal(fx->f.nr_gov, 1);
	assert_string_equal(fx->f.gov, "ondemand");
	assert_int_equal(fx->f.gov_pd, -1);

	/* "big" is domains[1] in the fake status. */
	o = ask(fx, fd,
		"{\"cmd\":\"set\",\"what\":\"governor\",\"value\":\"interactive\","
		"\"domain\":\"big\"}");
	assert_true(ok_of(o));
	json_object_put(o);
	assert_int_equal(fx->f.nr_gov, 2);
	assert_string_equal(fx->f.gov, "interactive");
	assert_int_equal(fx->f.gov_pd, 1);

	/* The index works too. */
	o = ask(fx, fd,
		"{\"cmd\":\"set\",\"what\":\"governor\",\"value\":\"conservative\","
		"\"domain\":\"0\"}");
	assert_true(ok_of(o));
	json_object_put(o);
	assert_int_equal(fx->f.gov_pd, 0);

	/* Unknown domain: refused before the callback. */
	o = ask(fx, fd,
		"{\"cmd\":\"set\",\"what\":\"governor\",\"value\":\"ondemand\","
		"\"domain\":\"medium\"}");
	assert_false(ok_of(o));
	assert_non_null(strstr(err_of(o), "medium"));
	json_object_put(o);
	o = ask(fx, fd,
		"{\"cmd\":\"set\",\"what\":\"governor\",\"value\":\"ondemand\","
		"\"domain\":\"2\"}");
	assert_false(ok_of(o));
	json_object_put(o);
	assert_int_equal(fx->f.nr_gov, 3);

	/* The daemon's refusal and its message reach the client. */
	o = ask(fx, fd, "{\"cmd\":\"set\",\"what\":\"governor\",\"value\":\"nosuch\"}");
	assert_false(ok_of(o));
	assert_string_equal(err_of(o), "unknown governor \"nosuch\"");
	json_object_put(o);

	o = ask(fx, fd, "{\"cmd\":\"set\",\"what\":\"profile\",\"value\":\"power-saver\"}");
	assert_true(ok_of(o));
	json_object_put(o);
	assert_int_equal(fx->f.nr_prof, 1);
	assert_string_equal(fx->f.prof, "power-saver");

	o = ask(fx, fd, "{\"cmd\":\"boost\",\"pid\":4242,\"ms\":2000}");
	assert_true(ok_of(o));
	json_object_put(o);
	assert_int_equal(fx->f.nr_boost, 1);
	assert_int_equal(fx->f.pid, 4242);
	assert_int_equal(fx->f.ms, 2000);
	assert_int_equal(fx->f.nr_gov, 3);
	close(fd);
}

static void test_bad_requests(void **state)
{
	static const char *const bad[] = {
		"{",
		"not json",
		"[1,2]",
		"\"status\"",
		"{'cmd':'status'}",			     /* strict JSON */
		"{\"cmd\":\"status\"} {\"cmd\":\"status\"}", /* trailing data */
		"{\"cmd\":1}",
		"{\"cmd\":\"reboot\"}",
		"{\"what\":\"profile\",\"value\":\"balanced\"}", /* no cmd */
		"{\"cmd\":\"status\",\"verbose\":true}",	 /* unknown key */
		"{\"cmd\":\"set\",\"what\":\"profile\"}",	 /* no value */
		"{\"cmd\":\"set\",\"what\":\"profile\",\"value\":5}",
		"{\"cmd\":\"set\",\"what\":\"profile\",\"value\":\"\"}",
		"{\"cmd\":\"set\",\"what\":\"profile\",\"value\":\"x\",\"domain\":\"big\"}",
		"{\"cmd\":\"set\",\"what\":\"volume\",\"value\":\"11\"}",
		"{\"cmd\":\"set\",\"what\":\"governor\",\"value\":\"ondemand\",\"domain\":3}",
		"{\"cmd\":\"set\",\"what\":\"governor\",\"valu\":\"ondemand\"}",
		/* a value of 64 bytes, one more than a name holds */
		("{\"cmd\":\"set\",\"what\":\"governor\",\"value\":\""
		 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}"),
		"{\"cmd\":\"boost\",\"pid\":\"12\",\"ms\":100}",
		"{\"cmd\":\"boost\",\"pid\":12,\"ms\":1.5}",
		"{\"cmd\":\"boost\",\"pid\":0,\"ms\":100}",
		"{\"cmd\":\"boost\",\"pid\":-5,\"ms\":100}",
		"{\"cmd\":\"boost\",\"pid\":12,\"ms\":10001}",
		"{\"cmd\":\"boost\",\"pid\":12}",
		"{\"cmd\":\"boost\",\"pid\":99999999999,\"ms\":100}", /* > INT32_MAX */
		"{\"cmd\":\"monitor\",\"interval_ms\":10}",	      /* < 50 */
		"{\"cmd\":\"monitor\",\"interval_ms\":\"fast\"}",
	};
	struct fx *fx = *state;
	int fd = client(fx);
	struct json_object *o;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		o = ask(fx, fd, bad[i]);
		if (ok_of(o))
			fail_msg("accepted: %s", bad[i]);
		assert_true(strlen(err_of(o)) > 0);
		json_object_put(o);
	}
	/* A NUL inside the line. */
	{
		static const char nul[] = "{\"cmd\":\"st\0atus\"}\n";

		send_str(fd, nul, sizeof(nul) - 1);
	}
	{
		bool eof;

		o = reply(fx, fd, &eof);
		assert_non_null(o);
		assert_false(ok_of(o));
		json_object_put(o);
	}
	assert_int_equal(fx->f.nr_gov + fx->f.nr_prof + fx->f.nr_boost, 0);
	/* The monitor rejections did not subscribe: the one thing left to do
	 * is the idle deadline, counted from the last request. */
	assert_int_equal(eg_control_next_tick(fx->c), fx->now + EG_CONTROL_IDLE_TIMEOUT_MS * MS);
	/* The connection survives bad requests. */
	o = ask(fx, fd, "{\"cmd\":\"status\"}");
	if (!ok_of(o))
		fail_msg("status after bad requests: %s", err_of(o));
	json_object_put(o);
	close(fd);
}

static void test_oversized(void **state)
{
	struct fx *fx = *state;
	char *big = malloc(EG_CTL_MAX_REQUEST + 2);
	const char *head = "{\"cmd\":\"status\"";
	struct json_object *o;
	bool eof;
	int fd = client(fx);

	/* Exactly the bound: head + spaces + "}" = 4096 bytes, then "\n". */
	memset(big, ' ', EG_CTL_MAX_REQUEST);
	memcpy(big, head, strlen(head));
	big[EG_CTL_MAX_REQUEST - 1] = '}';
	big[EG_CTL_MAX_REQUEST] = '\n';
	send_str(fd, big, EG_CTL_MAX_REQUEST + 1);
	o = reply(fx, fd, &eof);
	assert_non_null(o);
	assert_true(ok_of(o));
	json_object_put(o);

	/* One byte more (a set request, so a change would show): error, then
	 * the connection is closed, nothing changed. */
	memset(big, ' ', EG_CTL_MAX_REQUEST + 1);
	head = "{\"cmd\":\"set\",\"what\":\"profile\",\"value\":\"performance\"";
	memcpy(big, head, strlen(head));
	big[EG_CTL_MAX_REQUEST] = '}';
	big[EG_CTL_MAX_REQUEST + 1] = '\n';
	send_str(fd, big, EG_CTL_MAX_REQUEST + 2);
	o = reply(fx, fd, &eof);
	assert_non_null(o);
	assert_false(ok_of(o));
	assert_non_null(strstr(err_of(o), "longer"));
	json_object_put(o);
	o = reply(fx, fd, &eof);
	assert_null(o);
	assert_true(eof);
	assert_int_equal(fx->f.nr_prof, 0);
	assert_int_equal(eg_control_nr_clients(fx->c), 0);
	close(fd);
	free(big);
}

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
 * must refuse it from SO_PEERCRED alone. */
static void test_peer_refused(void **state)
{
	struct fx *fx = *state;
	pid_t pid;
	int status;

	if (geteuid() != 0)
		skip();
	/* Let nobody reach the socket; the peer check is what must refuse. */
	assert_int_equal(chmod(fx->dir, 0711), 0);
	assert_int_equal(chmod(fx->path, 0666), 0);
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
		send_line(fd, "{\"cmd\":\"set\",\"what\":\"profile\",\"value\":\"performance\"}");
		if (eg_ctl_buf_init(&b, EG_CTL_MAX_REPLY) < 0 || eg_ctl_read_reply(fd, &b, &o) < 0)
			_exit(11);
		if (!json_object_object_get_ex(o, "ok", &v) || json_object_get_boolean(v))
			_exit(12);
		if (!json_object_object_get_ex(o, "error", &v) ||
		    !strstr(json_object_get_string(v), "permission denied"))
			_exit(13);
		send_line(fd, "{\"cmd\":\"status\"}");
		json_object_put(o);
		if (eg_ctl_read_reply(fd, &b, &o) < 0)
			_exit(14);
		if (!json_object_object_get_ex(o, "ok", &v) || json_object_get_boolean(v))
			_exit(15);
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
}

static void test_max_clients(void **state)
{
	struct fx *fx = *state;
	int fds[EG_CONTROL_MAX_CLIENTS], extra[2];
	struct json_object *o;
	bool eof;

	for (int i = 0; i < EG_CONTROL_MAX_CLIENTS; i++)
		fds[i] = client(fx);
	assert_int_equal(eg_control_dispatch(fx->c, fx->now), 0);
	assert_int_equal(eg_control_nr_clients(fx->c), EG_CONTROL_MAX_CLIENTS);
	/* The 17th and 18th: told so, then closed. */
	for (int k = 0; k < 2; k++) {
		extra[k] = client(fx);
		o = reply(fx, extra[k], &eof);
		assert_non_null(o);
		assert_false(ok_of(o));
		assert_string_equal(err_of(o), "too many clients");
		json_object_put(o);
		assert_null(reply(fx, extra[k], &eof));
		assert_true(eof);
		close(extra[k]);
	}
	assert_int_equal(eg_control_nr_clients(fx->c), EG_CONTROL_MAX_CLIENTS);
	/* Every admitted one is served. */
	for (int i = 0; i < EG_CONTROL_MAX_CLIENTS; i++) {
		o = ask(fx, fds[i], "{\"cmd\":\"status\"}");
		assert_true(ok_of(o));
		json_object_put(o);
	}
	/* A slot freed is a slot for the next client. */
	close(fds[0]);
	assert_int_equal(eg_control_dispatch(fx->c, fx->now), 0);
	assert_int_equal(eg_control_nr_clients(fx->c), EG_CONTROL_MAX_CLIENTS - 1);
	fds[0] = client(fx);
	o = ask(fx, fds[0], "{\"cmd\":\"status\"}");
	assert_true(ok_of(o));
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
	mon = client(fx);
	o = ask(fx, mon, "{\"cmd\":\"monitor\",\"interval_ms\":60000}");
	assert_true(ok_of(o));
	json_object_put(o);
	for (int i = 0; i < EG_CONTROL_MAX_CLIENTS - 1; i++)
		fds[i] = client(fx);
	assert_int_equal(eg_control_dispatch(fx->c, fx->now), 0);
	assert_int_equal(eg_control_nr_clients(fx->c), EG_CONTROL_MAX_CLIENTS);
	/* One sends part of a request, one a whole request a second later. */
	send_str(fds[0], "{\"cmd\":", 8);
	fx->now = 11 * SEC;
	o = ask(fx, fds[1], "{\"cmd\":\"status\"}");
	assert_true(ok_of(o));
	json_object_put(o);
	/* Full: a newcomer is refused. */
	late = client(fx);
	o = reply(fx, late, &eof);
	assert_non_null(o);
	assert_string_equal(err_of(o), "too many clients");
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
	late = client(fx);
	o = ask(fx, late, "{\"cmd\":\"status\"}");
	assert_true(ok_of(o));
	json_object_put(o);
	/* Long past every deadline, at the monitor's next push (10 s + 60 s):
	 * only the monitor stays, and gets its update. */
	fx->now = 70 * SEC;
	eg_control_tick(fx->c, fx->now);
	assert_int_equal(eg_control_nr_clients(fx->c), 1);
	o = reply(fx, mon, &eof);
	assert_non_null(o);
	assert_true(ok_of(o));
	json_object_put(o);
	close(mon);
	close(late);
	for (int i = 0; i < EG_CONTROL_MAX_CLIENTS - 1; i++)
		close(fds[i]);
}

/* Whether a line is waiting, after serving the server once. */
static bool pending(struct fx *fx, int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	assert_int_equal(eg_control_dispatch(fx->c, fx->now), 0);
	return poll(&p, 1, 20) == 1;
}

static void test_monitor(void **state)
{
	struct fx *fx = *state;
	int fd = client(fx);
	struct json_object *o;
	bool eof;

	fx->now = 1 * SEC;
	/* The first update is the reply, at once. */
	o = ask(fx, fd, "{\"cmd\":\"monitor\",\"interval_ms\":100}");
	assert_true(ok_of(o));
	assert_int_equal(path_int(o, NULL, 0, "time_ms"), 1000);
	assert_int_equal(path_int(o, "domains", 1, "cur_khz"), 2362000);
	json_object_put(o);
	/* Next push: 1 s + 100 ms. */
	assert_int_equal(eg_control_next_tick(fx->c), 1 * SEC + 100 * MS);

	eg_control_tick(fx->c, 1 * SEC + 50 * MS);
	assert_false(pending(fx, fd));

	eg_control_tick(fx->c, 1 * SEC + 100 * MS);
	o = reply(fx, fd, &eof);
	assert_non_null(o);
	assert_int_equal(path_int(o, NULL, 0, "time_ms"), 1100);
	json_object_put(o);
	assert_int_equal(eg_control_next_tick(fx->c), 1 * SEC + 200 * MS);

	/* A late tick (the loop stalled to 1.35 s, past 1.2 and 1.3): one update,
	 * not a burst, and the cadence restarts at 1.35 + 0.1 = 1.45 s. */
	eg_control_tick(fx->c, 1 * SEC + 350 * MS);
	o = reply(fx, fd, &eof);
	assert_non_null(o);
	assert_int_equal(path_int(o, NULL, 0, "time_ms"), 1350);
	json_object_put(o);
	assert_false(pending(fx, fd));
	assert_int_equal(eg_control_next_tick(fx->c), 1 * SEC + 450 * MS);
	/* status ran once per update: reply + 2 pushes */
	assert_int_equal(fx->f.nr_status, 3);

	/* Subscriber gone: nothing left to tick. */
	close(fd);
	assert_int_equal(eg_control_dispatch(fx->c, fx->now), 0);
	assert_int_equal(eg_control_nr_clients(fx->c), 0);
	assert_int_equal(eg_control_next_tick(fx->c), UINT64_MAX);
}

static void test_socket_lifecycle(void **state)
{
	struct fx *fx = *state;
	struct eg_control *c2 = NULL;
	char path[100];
	struct stat st;
	int fd;

	/* A live socket is not taken over. */
	assert_int_equal(eg_control_open(&c2, fx->path, "root", &fake_ops, &fx->f), -EADDRINUSE);
	/* A stale one (nobody listens) is replaced. */
	snprintf(path, sizeof(path), "%s/stale", fx->dir);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	{
		struct sockaddr_un sa = { .sun_family = AF_UNIX };

		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
		assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	}
	close(fd);
	/* A group that does not exist: root only, 0600. */
	assert_int_equal(eg_control_open(&c2, path, "eagov-no-such-group", &fake_ops, &fx->f), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	eg_control_close(c2);
	/* Closing unlinks. */
	assert_int_equal(stat(path, &st), -1);
	assert_int_equal(errno, ENOENT);
	/* A regular file in the way is left alone. */
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	close(fd);
	assert_int_equal(eg_control_open(&c2, path, NULL, &fake_ops, &fx->f), -EEXIST);
	unlink(path);
}

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
	assert_int_equal(path_int(o, "domains", 0, "util"), 412);
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

	/* Refused by the daemon: 1. Usage errors: 2, with nothing sent. */
	assert_int_equal(run_ctl(fx, out, sizeof(out), "set", "governor", "nosuch", NULL), 1);
	assert_int_equal(run_ctl(fx, out, sizeof(out), "boost", "--pid", "77", NULL), 2);
	assert_int_equal(run_ctl(fx, out, sizeof(out), "boost", "--pid", "x", "--ms", "5", NULL),
			 2);
	assert_int_equal(run_ctl(fx, out, sizeof(out), "frobnicate", NULL), 2);
	assert_int_equal(run_ctl(fx, out, sizeof(out), "status", "--interval", "100", NULL), 2);
	/* Only the accepted calls above reached the daemon: one boost, two
	 * governor switches (ondemand on big, interactive on little). */
	assert_int_equal(fx->f.nr_boost, 1);
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
		cmocka_unit_test_setup_teardown(test_status_roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set_and_boost, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_requests, setup, teardown),
		cmocka_unit_test_setup_teardown(test_oversized, setup, teardown),
		cmocka_unit_test(test_allowed),
		cmocka_unit_test_setup_teardown(test_peer_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_max_clients, setup, teardown),
		cmocka_unit_test_setup_teardown(test_idle_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_monitor, setup, teardown),
		cmocka_unit_test_setup_teardown(test_socket_lifecycle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_eagovctl, setup, teardown),
		cmocka_unit_test_setup_teardown(test_eagovctl_monitor, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
