// SPDX-License-Identifier: GPL-2.0-or-later
/* The control tests' fixture: the fake daemon behind an in-process control
 * server on a temp-dir socket, and the client helpers that speak its line
 * protocol, shared by the protocol, socket and eagovctl tests. */
#include "control_fixture.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "control_proto.h"

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

static int fake_hint(void *user, int32_t pid, enum eg_hint_type type, uint32_t ms, uid_t uid,
		     bool privileged, char *err, size_t len)
{
	struct fake *f = user;

	(void)err;
	(void)len;
	f->nr_hint++;
	f->pid = pid;
	f->ms = ms;
	f->hint_type = (int)type;
	f->hint_uid = uid;
	f->hint_privileged = privileged;
	return 0;
}

const struct eg_control_ops fx_fake_ops = {
	.status = fake_status,
	.set_governor = fake_gov,
	.set_profile = fake_prof,
	.boost = fake_boost,
	.hint = fake_hint,
};

int fx_setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	snprintf(fx->dir, sizeof(fx->dir), "/tmp/eagov-ctl-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	/* A subdirectory: eg_control_open creates the socket's parent. */
	snprintf(fx->path, sizeof(fx->path), "%s/run/control", fx->dir);
	/* "root" exists everywhere, so the group branch is the one taken. */
	assert_int_equal(eg_control_open(&fx->c, fx->path, "root", &fx_fake_ops, &fx->f), 0);
	fx->now = 5 * SEC;
	*state = fx;
	return 0;
}

int fx_teardown(void **state)
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

int fx_client(struct fx *fx)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", fx->path);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

void fx_send_str(int fd, const char *s, size_t len)
{
	assert_int_equal(eg_ctl_write_all(fd, s, len), 0);
}

void fx_send_line(int fd, const char *s)
{
	fx_send_str(fd, s, strlen(s));
	fx_send_str(fd, "\n", 1);
}

/* Serve the server until the client has a whole line (or EOF, or 2 s):
 * the reply parsed, or NULL at EOF. */
struct json_object *fx_reply(struct fx *fx, int fd, bool *eof)
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

struct json_object *fx_ask(struct fx *fx, int fd, const char *req)
{
	bool eof;
	struct json_object *o;

	fx_send_line(fd, req);
	o = fx_reply(fx, fd, &eof);
	assert_false(eof);
	return o;
}

bool fx_ok(struct json_object *o)
{
	struct json_object *v;

	assert_true(json_object_object_get_ex(o, "ok", &v));
	return json_object_get_boolean(v);
}

const char *fx_err(struct json_object *o)
{
	struct json_object *v;

	assert_true(json_object_object_get_ex(o, "error", &v));
	return json_object_get_string(v);
}

int64_t fx_path_int(struct json_object *o, const char *arr, int idx, const char *key)
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
