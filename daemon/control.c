// SPDX-License-Identifier: GPL-2.0-or-later
/* Control socket server: listener, clients, permission checks, monitor. */
#include "control.h"

#include <errno.h>
#include <grp.h>
#include <inttypes.h>
#include <libgen.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <json-c/json.h>

#include "control_proto.h"
#include "log.h"
#include "parse.h"
#include "util.h"

/* Pending output per client. A status line is a few KiB; a client that lets
 * this much pile up is not reading, and is dropped rather than buffered. */
#define OUT_MAX (256 * 1024)
/* Supplementary groups looked at per peer; more than this is unusual and the
 * extra ones are ignored (the peer is then refused unless root). */
#define MAX_GROUPS 64
/* Work bounds per dispatch, so one busy client cannot starve the daemon's
 * loop: reads per client (each up to a request) and accepts. */
#define READS_PER_DISPATCH 8
#define ACCEPTS_PER_DISPATCH 32
#define LISTENER_TAG EG_CONTROL_MAX_CLIENTS

struct client {
	int fd; /* -1: free slot */
	uid_t uid;
	pid_t pid;
	bool may_read, may_change;
	bool creds_known; /* SO_PEERCRED answered: uid is the peer's */
	struct eg_ctl_buf in;
	char *out;
	size_t out_len;
	bool want_out; /* EPOLLOUT registered */
	bool closing;  /* no more requests; close once out is flushed */
	bool monitor;
	uint32_t interval_ms;
	uint64_t next; /* next monitor push, ns */
	/* Dropped when no complete request arrived by then, ns; EG_NEVER for
	 * a monitor subscriber. */
	uint64_t idle_deadline;
};

struct eg_control {
	int epfd;
	int lfd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	gid_t eagov_gid; /* (gid_t)-1: no such group */
	const struct eg_control_ops *ops;
	void *user;
	uint64_t idle_timeout_ns;
	struct client cl[EG_CONTROL_MAX_CLIENTS];
};

bool eg_control_allowed(uid_t uid, gid_t gid, const gid_t *groups, int n, gid_t eagov_gid,
			bool is_change)
{
	(void)is_change;
	if (uid == 0)
		return true;
	if (eagov_gid == (gid_t)-1)
		return false;
	if (gid == eagov_gid)
		return true;
	for (int i = 0; i < n; i++)
		if (groups[i] == eagov_gid)
			return true;
	return false;
}

int eg_control_fd(const struct eg_control *c)
{
	return c->epfd;
}

int eg_control_nr_clients(const struct eg_control *c)
{
	int n = 0;

	for (int i = 0; i < EG_CONTROL_MAX_CLIENTS; i++)
		n += c->cl[i].fd >= 0;
	return n;
}

static void client_close(struct eg_control *c, struct client *cl)
{
	if (cl->fd < 0)
		return;
	epoll_ctl(c->epfd, EPOLL_CTL_DEL, cl->fd, NULL);
	close(cl->fd);
	eg_ctl_buf_free(&cl->in);
	free(cl->out);
	memset(cl, 0, sizeof(*cl));
	cl->fd = -1;
}

static void client_update_events(struct eg_control *c, struct client *cl)
{
	struct epoll_event ev = { .data.u32 = (uint32_t)(cl - c->cl) };
	bool want_out = cl->out_len > 0;

	if (want_out == cl->want_out && !cl->closing)
		return;
	ev.events = (cl->closing ? 0 : EPOLLIN) | (want_out ? EPOLLOUT : 0);
	if (epoll_ctl(c->epfd, EPOLL_CTL_MOD, cl->fd, &ev) == 0)
		cl->want_out = want_out;
}

/* Send what is pending without blocking; the rest waits for EPOLLOUT. A
 * closing client is closed once everything went out (or the peer is gone). */
static void client_flush(struct eg_control *c, struct client *cl)
{
	while (cl->out_len > 0) {
		ssize_t n = send(cl->fd, cl->out, cl->out_len, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n < 0) {
			client_close(c, cl);
			return;
		}
		memmove(cl->out, cl->out + n, cl->out_len - (size_t)n);
		cl->out_len -= (size_t)n;
	}
	if (cl->closing && cl->out_len == 0) {
		client_close(c, cl);
		return;
	}
	client_update_events(c, cl);
}

/* Queue a line (taking ownership) and try to send it. */
static void client_queue(struct eg_control *c, struct client *cl, char *line, size_t len)
{
	char *p;

	if (cl->out_len + len > OUT_MAX) {
		eg_warn("control: client pid %d is not reading its replies; dropped", (int)cl->pid);
		free(line);
		client_close(c, cl);
		return;
	}
	p = realloc(cl->out, cl->out_len + len);
	if (!p) {
		free(line);
		client_close(c, cl);
		return;
	}
	memcpy(p + cl->out_len, line, len);
	cl->out = p;
	cl->out_len += len;
	free(line);
	client_flush(c, cl);
}

/* Queue a reply line that was built (r == 0); a client whose reply could
 * not be built (no memory) is closed rather than left waiting. */
static void reply_line(struct eg_control *c, struct client *cl, int r, char *line, size_t len)
{
	if (r < 0) {
		client_close(c, cl);
		return;
	}
	client_queue(c, cl, line, len);
}

static void reply_error(struct eg_control *c, struct client *cl, const char *msg)
{
	char *line = NULL;
	size_t len = 0;
	int r = eg_ctl_error_line(msg, &line, &len);

	reply_line(c, cl, r, line, len);
}

static void reply_obj(struct eg_control *c, struct client *cl, struct json_object *o)
{
	char *line = NULL;
	size_t len = 0;
	int r = eg_ctl_line(o, &line, &len);

	reply_line(c, cl, r, line, len);
}

static void reply_ok(struct eg_control *c, struct client *cl)
{
	struct json_object *o = json_object_new_object();

	if (!o) {
		client_close(c, cl);
		return;
	}
	json_object_object_add(o, "ok", json_object_new_boolean(1));
	reply_obj(c, cl, o);
	json_object_put(o);
}

static void reply_rc(struct eg_control *c, struct client *cl, int r, const char *err)
{
	if (r >= 0)
		reply_ok(c, cl);
	else
		reply_error(c, cl, err[0] ? err : strerror(-r));
}

/* The status object with "ok" and "time_ms", or NULL and a message. */
static struct json_object *build_status(struct eg_control *c, uint64_t now, char *err, size_t len)
{
	struct json_object *o = json_object_new_object();
	int r;

	if (!o) {
		snprintf(err, len, "%s", strerror(ENOMEM));
		return NULL;
	}
	json_object_object_add(o, "ok", json_object_new_boolean(1));
	r = c->ops->status ? c->ops->status(c->user, o) : -EOPNOTSUPP;
	if (r < 0) {
		snprintf(err, len, "status: %s", strerror(-r));
		json_object_put(o);
		return NULL;
	}
	json_object_object_add(o, "time_ms", json_object_new_int64((int64_t)(now / NSEC_PER_MSEC)));
	return o;
}

static void send_status(struct eg_control *c, struct client *cl, uint64_t now)
{
	char err[256];
	struct json_object *o = build_status(c, now, err, sizeof(err));

	if (!o) {
		reply_error(c, cl, err);
		return;
	}
	reply_obj(c, cl, o);
	json_object_put(o);
}

/* A domain by name (as in status "domains"), or by its index written in
 * decimal. The index or -ENOENT. */
static int resolve_domain(struct eg_control *c, const char *name)
{
	struct json_object *st = json_object_new_object(), *doms, *d, *n;
	int found = -ENOENT;
	uint32_t idx;
	size_t nr;

	if (!st)
		return -ENOMEM;
	if (!c->ops->status || c->ops->status(c->user, st) < 0 ||
	    !json_object_object_get_ex(st, "domains", &doms) ||
	    !json_object_is_type(doms, json_type_array)) {
		json_object_put(st);
		return -ENOENT;
	}
	nr = json_object_array_length(doms);
	for (size_t i = 0; i < nr && found < 0; i++) {
		d = json_object_array_get_idx(doms, i);
		if (json_object_object_get_ex(d, "name", &n) &&
		    eg_streq(json_object_get_string(n), name))
			found = (int)i;
	}
	if (found < 0 && nr > 0 && eg_parse_u32(name, 0, (uint32_t)nr - 1, &idx) == 0)
		found = (int)idx;
	json_object_put(st);
	return found;
}

static void handle_request(struct eg_control *c, struct client *cl, const char *line, size_t len,
			   uint64_t now)
{
	struct eg_ctl_request req;
	char err[256] = "";
	int pd = -1, r;

	if (eg_ctl_parse_request(line, len, &req, err, sizeof(err)) < 0) {
		reply_error(c, cl, err);
		return;
	}
	if (req.cmd == EG_CTL_HINT) {
		/* Anyone may hint the tasks they own; the daemon checks the
		 * task's owner against the peer's uid. */
		if (!cl->creds_known) {
			reply_error(c, cl, "permission denied: cannot identify the caller");
			return;
		}
		r = c->ops->hint ? c->ops->hint(c->user, req.pid, req.hint, req.ms, cl->uid,
						cl->may_change, err, sizeof(err)) :
				   -EOPNOTSUPP;
		eg_info("control: uid %u pid %d: hint %s for pid %d, %u ms: %s", (unsigned)cl->uid,
			(int)cl->pid, eg_hint_type_name(req.hint), (int)req.pid, (unsigned)req.ms,
			r < 0 ? "refused" : "done");
		reply_rc(c, cl, r, err);
		return;
	}
	if (!(eg_ctl_is_change(req.cmd) ? cl->may_change : cl->may_read)) {
		reply_error(c, cl,
			    "permission denied: root or the " EG_CONTROL_GROUP " group only");
		return;
	}
	switch (req.cmd) {
	case EG_CTL_STATUS:
		send_status(c, cl, now);
		return;
	case EG_CTL_MONITOR:
		cl->monitor = true;
		cl->idle_deadline = EG_NEVER;
		cl->interval_ms = req.interval_ms;
		cl->next = now + req.interval_ms * NSEC_PER_MSEC;
		send_status(c, cl, now);
		return;
	case EG_CTL_SET_GOVERNOR:
		if (req.domain[0]) {
			pd = resolve_domain(c, req.domain);
			if (pd < 0) {
				snprintf(err, sizeof(err), "unknown domain \"%s\"", req.domain);
				reply_error(c, cl, err);
				return;
			}
		}
		r = c->ops->set_governor ?
			    c->ops->set_governor(c->user, req.value, pd, err, sizeof(err)) :
			    -EOPNOTSUPP;
		eg_info("control: uid %u pid %d: set governor %s on %s: %s", (unsigned)cl->uid,
			(int)cl->pid, req.value, req.domain[0] ? req.domain : "every domain",
			r < 0 ? "refused" : "done");
		reply_rc(c, cl, r, err);
		return;
	case EG_CTL_SET_PROFILE:
		r = c->ops->set_profile ?
			    c->ops->set_profile(c->user, req.value, err, sizeof(err)) :
			    -EOPNOTSUPP;
		eg_info("control: uid %u pid %d: set profile %s: %s", (unsigned)cl->uid,
			(int)cl->pid, req.value, r < 0 ? "refused" : "done");
		reply_rc(c, cl, r, err);
		return;
	case EG_CTL_BOOST:
		r = c->ops->boost ? c->ops->boost(c->user, req.pid, req.ms, err, sizeof(err)) :
				    -EOPNOTSUPP;
		reply_rc(c, cl, r, err);
		return;
	case EG_CTL_HINT:
		return;
	}
}

/* Read what the client sent and answer each complete line. */
static void client_input(struct eg_control *c, struct client *cl, uint64_t now)
{
	char *line;
	size_t len;
	int r;

	for (int i = 0; i < READS_PER_DISPATCH && cl->fd >= 0 && !cl->closing; i++) {
		ssize_t n = eg_ctl_buf_read(&cl->in, cl->fd);

		if (n == -EINTR)
			continue;
		if (n == -EAGAIN || n == -EWOULDBLOCK)
			return;
		if (n < 0 && n != -EMSGSIZE) {
			client_close(c, cl);
			return;
		}
		/* Answer every complete line, even those that came with EOF. */
		while (cl->fd >= 0 && !cl->closing &&
		       (r = eg_ctl_buf_line(&cl->in, &line, &len)) != 0) {
			if (r == -EMSGSIZE) {
				cl->closing = true;
				reply_error(c, cl, "request longer than 4096 bytes");
				return;
			}
			if (len > 0 && !cl->monitor)
				cl->idle_deadline = now + c->idle_timeout_ns;
			if (len > 0)
				handle_request(c, cl, line, len, now);
		}
		if (n == 0 && cl->fd >= 0) {
			/* The peer shut its side: close after the replies went out. */
			cl->closing = true;
			client_flush(c, cl);
			return;
		}
	}
}

/* Who is at the other end, and what they may do. */
static void client_creds(struct eg_control *c, struct client *cl)
{
	struct ucred uc;
	socklen_t sl = sizeof(uc);
	gid_t groups[MAX_GROUPS];
	int ng = 0;

	if (getsockopt(cl->fd, SOL_SOCKET, SO_PEERCRED, &uc, &sl) < 0) {
		eg_warn_errno(-errno, "control: SO_PEERCRED");
		return; /* may_read and may_change stay false */
	}
	cl->uid = uc.uid;
	cl->pid = uc.pid;
	cl->creds_known = true;
	/* The group database is only asked when the answer matters. */
	if (uc.uid != 0 && c->eagov_gid != (gid_t)-1 && uc.gid != c->eagov_gid) {
		struct passwd pw, *res = NULL;
		char buf[4096];

		if (getpwuid_r(uc.uid, &pw, buf, sizeof(buf), &res) == 0 && res) {
			ng = MAX_GROUPS;
			if (getgrouplist(res->pw_name, uc.gid, groups, &ng) < 0)
				ng = MAX_GROUPS; /* truncated: the first MAX_GROUPS */
		}
	}
	cl->may_read = eg_control_allowed(uc.uid, uc.gid, groups, ng, c->eagov_gid, false);
	cl->may_change = eg_control_allowed(uc.uid, uc.gid, groups, ng, c->eagov_gid, true);
}

static void refuse(int fd, const char *msg)
{
	char *line;
	size_t len;

	/* Best effort: a fresh socket has room for one short line. */
	if (eg_ctl_error_line(msg, &line, &len) == 0) {
		if (send(fd, line, len, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
			eg_debug("control: refusing a client: %s", strerror(errno));
		free(line);
	}
	close(fd);
}

static void accept_clients(struct eg_control *c, uint64_t now)
{
	for (int k = 0; k < ACCEPTS_PER_DISPATCH; k++) {
		struct epoll_event ev = { .events = EPOLLIN };
		struct client *cl = NULL;
		int fd = accept4(c->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
			    errno != ECONNABORTED)
				eg_warn_errno(-errno, "control: accept");
			return;
		}
		for (int i = 0; i < EG_CONTROL_MAX_CLIENTS && !cl; i++)
			if (c->cl[i].fd < 0)
				cl = &c->cl[i];
		if (!cl) {
			refuse(fd, "too many clients");
			continue;
		}
		if (eg_ctl_buf_init(&cl->in, EG_CTL_MAX_REQUEST) < 0) {
			refuse(fd, strerror(ENOMEM));
			continue;
		}
		cl->fd = fd;
		cl->idle_deadline = now + c->idle_timeout_ns;
		ev.data.u32 = (uint32_t)(cl - c->cl);
		if (epoll_ctl(c->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
			eg_warn_errno(-errno, "control: epoll_ctl");
			client_close(c, cl);
			continue;
		}
		client_creds(c, cl);
	}
}

int eg_control_dispatch(struct eg_control *c, uint64_t now)
{
	struct epoll_event evs[EG_CONTROL_MAX_CLIENTS + 1];
	int n;

	n = epoll_wait(c->epfd, evs, (int)ARRAY_SIZE(evs), 0);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	for (int i = 0; i < n; i++) {
		uint32_t tag = evs[i].data.u32;
		struct client *cl;

		if (tag == LISTENER_TAG) {
			accept_clients(c, now);
			continue;
		}
		cl = &c->cl[tag];
		if (cl->fd < 0)
			continue;
		if (evs[i].events & EPOLLOUT)
			client_flush(c, cl);
		if (cl->fd >= 0 && (evs[i].events & (EPOLLIN | EPOLLHUP)) && !cl->closing)
			client_input(c, cl, now);
		else if (cl->fd >= 0 && (evs[i].events & (EPOLLERR | EPOLLHUP)))
			client_close(c, cl);
	}
	return 0;
}

void eg_control_set_idle_timeout(struct eg_control *c, uint64_t ns)
{
	c->idle_timeout_ns = ns;
}

void eg_control_tick(struct eg_control *c, uint64_t now)
{
	for (int i = 0; i < EG_CONTROL_MAX_CLIENTS; i++) {
		struct client *cl = &c->cl[i];
		uint64_t iv;

		if (cl->fd >= 0 && now >= cl->idle_deadline) {
			eg_notice("control: client pid %d sent %s for %" PRIu64 " ms; dropped",
				  (int)cl->pid,
				  cl->in.len ? "part of a request and nothing more" : "no request",
				  (uint64_t)(c->idle_timeout_ns / NSEC_PER_MSEC));
			client_close(c, cl);
			continue;
		}
		if (cl->fd < 0 || !cl->monitor || cl->closing || now < cl->next)
			continue;
		iv = cl->interval_ms * NSEC_PER_MSEC;
		/* Keep the cadence; after a stall, restart from now rather than
		 * sending a burst of stale updates. */
		cl->next += iv;
		if (cl->next <= now)
			cl->next = now + iv;
		/* A client still behind on the previous update skips this one. */
		if (cl->out_len == 0)
			send_status(c, cl, now);
	}
}

uint64_t eg_control_next_tick(const struct eg_control *c)
{
	uint64_t t = EG_NEVER;

	for (int i = 0; i < EG_CONTROL_MAX_CLIENTS; i++) {
		if (c->cl[i].fd < 0)
			continue;
		t = EG_MIN(t, c->cl[i].idle_deadline);
		if (c->cl[i].monitor && !c->cl[i].closing)
			t = EG_MIN(t, c->cl[i].next);
	}
	return t;
}

/* An existing socket file: -EADDRINUSE if a daemon answers on it, else it is
 * stale and removed. Anything that is not a socket is left alone. */
static int clear_stale(const char *path, const struct sockaddr_un *sa)
{
	struct stat st;
	int fd, r;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode))
		return -EEXIST;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	r = connect(fd, (const struct sockaddr *)sa, sizeof(*sa));
	close(fd);
	if (r == 0)
		return -EADDRINUSE;
	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

static gid_t lookup_group(const char *name)
{
	struct group gr, *res = NULL;
	char buf[4096];

	if (getgrnam_r(name, &gr, buf, sizeof(buf), &res) != 0 || !res)
		return (gid_t)-1;
	return res->gr_gid;
}

/* Mode and owner: 0666 root:group, or root:root when there is no group.
 * Every user may connect, to hint the tasks they own; the per-request peer
 * check is what enforces who may read status and change settings. */
static void set_owner(struct eg_control *c, const char *group)
{
	mode_t mode = 0666;

	if (c->eagov_gid == (gid_t)-1)
		eg_info("control: group %s not found: only root may read or change settings on %s",
			group, c->path);
	else if (chown(c->path, geteuid() == 0 ? 0 : (uid_t)-1, c->eagov_gid) < 0)
		eg_warn_errno(-errno, "control: chown %s to group %s", c->path, group);
	if (chmod(c->path, mode) < 0)
		eg_warn_errno(-errno, "control: chmod %s", c->path);
}

int eg_control_open(struct eg_control **out, const char *path, const char *group,
		    const struct eg_control_ops *ops, void *user)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = LISTENER_TAG };
	struct eg_control *c;
	char dir[sizeof(sa.sun_path)];
	int r;

	if (!path || !ops)
		return -EINVAL;
	if (eg_strlcpy(sa.sun_path, path, sizeof(sa.sun_path)) < 0)
		return eg_log_errno(-ENAMETOOLONG, "control: socket path %s", path);
	group = group ? group : EG_CONTROL_GROUP;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->lfd = c->epfd = -1;
	c->ops = ops;
	c->user = user;
	c->idle_timeout_ns = EG_CONTROL_IDLE_TIMEOUT_MS * NSEC_PER_MSEC;
	for (int i = 0; i < EG_CONTROL_MAX_CLIENTS; i++)
		c->cl[i].fd = -1;
	memcpy(c->path, sa.sun_path, sizeof(c->path));

	eg_strlcpy(dir, path, sizeof(dir));
	if (mkdir(dirname(dir), 0755) < 0 && errno != EEXIST) {
		r = eg_log_errno(-errno, "control: mkdir for %s", path);
		goto fail;
	}
	r = clear_stale(path, &sa);
	if (r < 0) {
		eg_log_errno(r, "control: %s", path);
		goto fail;
	}
	c->epfd = epoll_create1(EPOLL_CLOEXEC);
	c->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->epfd < 0 || c->lfd < 0) {
		r = eg_log_errno(-errno, "control: socket");
		goto fail;
	}
	if (bind(c->lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		r = eg_log_errno(-errno, "control: bind %s", path);
		goto fail;
	}
	c->eagov_gid = lookup_group(group);
	set_owner(c, group);
	if (listen(c->lfd, EG_CONTROL_MAX_CLIENTS) < 0 ||
	    epoll_ctl(c->epfd, EPOLL_CTL_ADD, c->lfd, &ev) < 0) {
		r = eg_log_errno(-errno, "control: listen %s", path);
		unlink(path);
		goto fail;
	}
	*out = c;
	return 0;
fail:
	if (c->lfd >= 0)
		close(c->lfd);
	if (c->epfd >= 0)
		close(c->epfd);
	free(c);
	return r;
}

void eg_control_close(struct eg_control *c)
{
	if (!c)
		return;
	for (int i = 0; i < EG_CONTROL_MAX_CLIENTS; i++)
		client_close(c, &c->cl[i]);
	close(c->lfd);
	close(c->epfd);
	unlink(c->path);
	free(c);
}
