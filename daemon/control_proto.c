// SPDX-License-Identifier: GPL-2.0-or-later
/* Control protocol: request parsing / formatting, replies, line reader. */
#include "control_proto.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <json-c/json.h>

#include "util.h"

static int fail(char *err, size_t errlen, const char *fmt, ...) EG_PRINTF(3, 4);

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static const char *const hint_names[EG_HINT__MAX] = {
	[EG_HINT_LAUNCH] = "launch",
	[EG_HINT_INTERACTION] = "interaction",
	[EG_HINT_SUSTAINED] = "sustained",
	[EG_HINT_BACKGROUND] = "background",
};

const char *eg_hint_type_name(enum eg_hint_type t)
{
	return (unsigned)t < EG_HINT__MAX ? hint_names[t] : "?";
}

int eg_hint_type_from_string(const char *s, enum eg_hint_type *t)
{
	for (int i = 0; i < EG_HINT__MAX; i++) {
		if (strcmp(s, hint_names[i]) == 0) {
			*t = (enum eg_hint_type)i;
			return 0;
		}
	}
	return -EINVAL;
}

bool eg_ctl_is_change(enum eg_ctl_cmd cmd)
{
	return cmd == EG_CTL_SET_GOVERNOR || cmd == EG_CTL_SET_PROFILE || cmd == EG_CTL_BOOST;
}

/* Unknown keys are refused rather than ignored: a typo ("valu") must not
 * turn a change into a silent no-op. */
static int check_keys(struct json_object *o, const char *const *keys, const char *cmd, char *err,
		      size_t errlen)
{
	json_object_object_foreach(o, k, v)
	{
		bool known = false;

		(void)v;
		for (size_t i = 0; keys[i]; i++)
			known = known || strcmp(k, keys[i]) == 0;
		if (!known)
			return fail(err, errlen, "unknown key \"%s\" for %s", k, cmd);
	}
	return 0;
}

static int get_name(struct json_object *o, const char *key, bool required, char *dst, char *err,
		    size_t errlen)
{
	struct json_object *v;
	const char *s;

	dst[0] = '\0';
	if (!json_object_object_get_ex(o, key, &v)) {
		if (required)
			return fail(err, errlen, "missing \"%s\"", key);
		return 0;
	}
	if (!json_object_is_type(v, json_type_string))
		return fail(err, errlen, "\"%s\" must be a string", key);
	s = json_object_get_string(v);
	if (s[0] == '\0' || (size_t)json_object_get_string_len(v) != strlen(s))
		return fail(err, errlen, "\"%s\" must be a non-empty string", key);
	if (eg_strlcpy(dst, s, EG_CTL_NAME_MAX) < 0)
		return fail(err, errlen, "\"%s\" is longer than %d bytes", key,
			    EG_CTL_NAME_MAX - 1);
	return 0;
}

static int get_int(struct json_object *o, const char *key, int64_t lo, int64_t hi, int64_t *out,
		   char *err, size_t errlen)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		return fail(err, errlen, "missing \"%s\"", key);
	if (!json_object_is_type(v, json_type_int))
		return fail(err, errlen, "\"%s\" must be an integer", key);
	/* json-c saturates out-of-range integers at INT64_MIN / MAX, both of
	 * which are outside every range used here. */
	*out = json_object_get_int64(v);
	if (*out < lo || *out > hi)
		return fail(err, errlen, "\"%s\" must be in [%lld, %lld]", key, (long long)lo,
			    (long long)hi);
	return 0;
}

static int parse_set(struct json_object *o, struct eg_ctl_request *req, char *err, size_t errlen)
{
	static const char *const gov_keys[] = { "cmd", "what", "value", "domain", NULL };
	static const char *const prof_keys[] = { "cmd", "what", "value", NULL };
	char what[EG_CTL_NAME_MAX];
	int r;

	r = get_name(o, "what", true, what, err, errlen);
	if (r < 0)
		return r;
	if (strcmp(what, "governor") == 0) {
		req->cmd = EG_CTL_SET_GOVERNOR;
		r = check_keys(o, gov_keys, "set governor", err, errlen);
		if (r == 0)
			r = get_name(o, "domain", false, req->domain, err, errlen);
	} else if (strcmp(what, "profile") == 0) {
		req->cmd = EG_CTL_SET_PROFILE;
		r = check_keys(o, prof_keys, "set profile", err, errlen);
	} else {
		return fail(err, errlen, "unknown \"what\": \"%s\" (governor or profile)", what);
	}
	if (r < 0)
		return r;
	return get_name(o, "value", true, req->value, err, errlen);
}

static int parse_object(struct json_object *o, struct eg_ctl_request *req, char *err, size_t errlen)
{
	static const char *const status_keys[] = { "cmd", NULL };
	static const char *const monitor_keys[] = { "cmd", "interval_ms", NULL };
	static const char *const boost_keys[] = { "cmd", "pid", "ms", NULL };
	static const char *const hint_keys[] = { "cmd", "pid", "type", "ms", NULL };
	char cmd[EG_CTL_NAME_MAX], type[EG_CTL_NAME_MAX];
	int64_t v;
	int r;

	if (!json_object_is_type(o, json_type_object))
		return fail(err, errlen, "a request is a JSON object");
	r = get_name(o, "cmd", true, cmd, err, errlen);
	if (r < 0)
		return r;
	if (strcmp(cmd, "status") == 0) {
		req->cmd = EG_CTL_STATUS;
		return check_keys(o, status_keys, cmd, err, errlen);
	}
	if (strcmp(cmd, "monitor") == 0) {
		req->cmd = EG_CTL_MONITOR;
		r = check_keys(o, monitor_keys, cmd, err, errlen);
		if (r < 0)
			return r;
		req->interval_ms = EG_CTL_MONITOR_DEFAULT_MS;
		if (!json_object_object_get_ex(o, "interval_ms", NULL))
			return 0;
		r = get_int(o, "interval_ms", EG_CTL_MONITOR_MIN_MS, EG_CTL_MONITOR_MAX_MS, &v, err,
			    errlen);
		req->interval_ms = (uint32_t)v;
		return r;
	}
	if (strcmp(cmd, "set") == 0)
		return parse_set(o, req, err, errlen);
	if (strcmp(cmd, "boost") == 0) {
		req->cmd = EG_CTL_BOOST;
		r = check_keys(o, boost_keys, cmd, err, errlen);
		if (r == 0)
			r = get_int(o, "pid", 1, INT32_MAX, &v, err, errlen);
		if (r < 0)
			return r;
		req->pid = (int32_t)v;
		r = get_int(o, "ms", 1, EG_CTL_BOOST_MAX_MS, &v, err, errlen);
		req->ms = (uint32_t)v;
		return r;
	}
	if (strcmp(cmd, "hint") == 0) {
		req->cmd = EG_CTL_HINT;
		r = check_keys(o, hint_keys, cmd, err, errlen);
		if (r == 0)
			r = get_int(o, "pid", 1, INT32_MAX, &v, err, errlen);
		if (r < 0)
			return r;
		req->pid = (int32_t)v;
		r = get_name(o, "type", true, type, err, errlen);
		if (r < 0)
			return r;
		if (eg_hint_type_from_string(type, &req->hint) < 0)
			return fail(err, errlen,
				    "unknown hint type \"%s\" (launch, interaction, sustained, "
				    "background)",
				    type);
		r = get_int(o, "ms", EG_CTL_HINT_MIN_MS, EG_CTL_HINT_MAX_MS, &v, err, errlen);
		req->ms = (uint32_t)v;
		return r;
	}
	return fail(err, errlen, "unknown cmd \"%s\"", cmd);
}

int eg_ctl_parse_request(const char *line, size_t len, struct eg_ctl_request *req, char *err,
			 size_t errlen)
{
	struct json_tokener *tok;
	struct json_object *o;
	enum json_tokener_error jerr;
	size_t end;
	int r;

	memset(req, 0, sizeof(*req));
	if (len > EG_CTL_MAX_REQUEST)
		return fail(err, errlen, "request longer than %d bytes", EG_CTL_MAX_REQUEST);
	/* json-c would stop at an embedded NUL and take the prefix. */
	if (memchr(line, '\0', len))
		return fail(err, errlen, "NUL byte in request");
	tok = json_tokener_new();
	if (!tok)
		return -ENOMEM;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	o = json_tokener_parse_ex(tok, line, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	if (!o || jerr != json_tokener_success) {
		/* continue: the line ended inside a value (e.g. "{"). */
		r = fail(err, errlen, "malformed JSON: %s",
			 jerr == json_tokener_continue ? "unexpected end of line" :
							 json_tokener_error_desc(jerr));
		json_tokener_free(tok);
		json_object_put(o);
		return r;
	}
	json_tokener_free(tok);
	while (end < len && (line[end] == ' ' || line[end] == '\t'))
		end++;
	if (end < len)
		r = fail(err, errlen, "malformed JSON: trailing data after the object");
	else
		r = parse_object(o, req, err, errlen);
	json_object_put(o);
	return r;
}

int eg_ctl_format_request(const struct eg_ctl_request *req, char **out)
{
	struct json_object *o = json_object_new_object();
	size_t len;
	int r;

	if (!o)
		return -ENOMEM;
	switch (req->cmd) {
	case EG_CTL_STATUS:
		json_object_object_add(o, "cmd", json_object_new_string("status"));
		break;
	case EG_CTL_MONITOR:
		json_object_object_add(o, "cmd", json_object_new_string("monitor"));
		json_object_object_add(o, "interval_ms", json_object_new_int64(req->interval_ms));
		break;
	case EG_CTL_SET_GOVERNOR:
	case EG_CTL_SET_PROFILE:
		json_object_object_add(o, "cmd", json_object_new_string("set"));
		json_object_object_add(o, "what",
				       json_object_new_string(req->cmd == EG_CTL_SET_GOVERNOR ?
								      "governor" :
								      "profile"));
		json_object_object_add(o, "value", json_object_new_string(req->value));
		if (req->cmd == EG_CTL_SET_GOVERNOR && req->domain[0])
			json_object_object_add(o, "domain", json_object_new_string(req->domain));
		break;
	case EG_CTL_BOOST:
		json_object_object_add(o, "cmd", json_object_new_string("boost"));
		json_object_object_add(o, "pid", json_object_new_int64(req->pid));
		json_object_object_add(o, "ms", json_object_new_int64(req->ms));
		break;
	case EG_CTL_HINT:
		json_object_object_add(o, "cmd", json_object_new_string("hint"));
		json_object_object_add(o, "pid", json_object_new_int64(req->pid));
		json_object_object_add(o, "type",
				       json_object_new_string(eg_hint_type_name(req->hint)));
		json_object_object_add(o, "ms", json_object_new_int64(req->ms));
		break;
	default:
		json_object_put(o);
		return -EINVAL;
	}
	r = eg_ctl_line(o, out, &len);
	json_object_put(o);
	return r;
}

int eg_ctl_line(struct json_object *obj, char **out, size_t *len)
{
	size_t n;
	const char *s = json_object_to_json_string_length(obj, JSON_C_TO_STRING_PLAIN, &n);
	char *line;

	if (!s)
		return -ENOMEM;
	line = malloc(n + 2);
	if (!line)
		return -ENOMEM;
	memcpy(line, s, n);
	line[n] = '\n';
	line[n + 1] = '\0';
	*out = line;
	*len = n + 1;
	return 0;
}

int eg_ctl_error_line(const char *msg, char **out, size_t *len)
{
	struct json_object *o = json_object_new_object();
	int r;

	if (!o)
		return -ENOMEM;
	json_object_object_add(o, "ok", json_object_new_boolean(0));
	json_object_object_add(o, "error", json_object_new_string(msg));
	r = eg_ctl_line(o, out, len);
	json_object_put(o);
	return r;
}

int eg_ctl_buf_init(struct eg_ctl_buf *b, size_t max_line)
{
	memset(b, 0, sizeof(*b));
	/* The line, its newline and the terminator written in its place. */
	b->data = malloc(max_line + 2);
	if (!b->data)
		return -ENOMEM;
	b->cap = max_line;
	return 0;
}

void eg_ctl_buf_free(struct eg_ctl_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

static void buf_compact(struct eg_ctl_buf *b)
{
	if (!b->drop)
		return;
	memmove(b->data, b->data + b->drop, b->len - b->drop);
	b->len -= b->drop;
	b->drop = 0;
}

ssize_t eg_ctl_buf_read(struct eg_ctl_buf *b, int fd)
{
	size_t room;
	ssize_t n;

	buf_compact(b);
	room = b->cap + 1 - b->len;
	if (room == 0)
		return -EMSGSIZE;
	n = read(fd, b->data + b->len, room);
	if (n < 0)
		return -errno;
	b->len += (size_t)n;
	return n;
}

int eg_ctl_buf_line(struct eg_ctl_buf *b, char **line, size_t *len)
{
	char *nl;
	size_t n;

	buf_compact(b);
	nl = memchr(b->data, '\n', b->len);
	if (!nl)
		return b->len > b->cap ? -EMSGSIZE : 0;
	n = (size_t)(nl - b->data);
	*nl = '\0';
	b->drop = n + 1;
	if (n > 0 && b->data[n - 1] == '\r')
		b->data[--n] = '\0';
	*line = b->data;
	*len = n;
	return 1;
}

int eg_ctl_read_reply(int fd, struct eg_ctl_buf *b, struct json_object **obj)
{
	char *line;
	size_t len;
	ssize_t n;
	int r;

	for (;;) {
		r = eg_ctl_buf_line(b, &line, &len);
		if (r < 0)
			return r;
		if (r > 0 && len > 0)
			break;
		if (r > 0)
			continue;
		n = eg_ctl_buf_read(b, fd);
		if (n == -EINTR)
			continue;
		if (n < 0)
			return (int)n;
		if (n == 0)
			return -EPIPE;
	}
	*obj = json_tokener_parse(line);
	if (!*obj)
		return -EBADMSG;
	if (!json_object_is_type(*obj, json_type_object)) {
		json_object_put(*obj);
		*obj = NULL;
		return -EBADMSG;
	}
	return 0;
}

int eg_ctl_write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}
