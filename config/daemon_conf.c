// SPDX-License-Identifier: GPL-2.0-or-later
/* eagov.conf, the daemon-wide settings: its [daemon] keys, their defaults,
 * and the names of the event-source choices. Format: daemon_conf.h. */
#include <errno.h>
#include <string.h>

#include "daemon_conf.h"
#include "ini_reader.h"
#include "util.h"

const char *eg_source_choice_name(enum eg_source_choice s)
{
	switch (s) {
	case EG_SOURCE_CHOICE_AUTO:
		return "auto";
	case EG_SOURCE_CHOICE_BPF:
		return "bpf";
	case EG_SOURCE_CHOICE_PERF:
		return "perf";
	case EG_SOURCE_CHOICE_POLL:
		return "poll";
	}
	return "?";
}

int eg_source_choice_from_string(const char *s, enum eg_source_choice *out)
{
	for (int i = EG_SOURCE_CHOICE_AUTO; i <= EG_SOURCE_CHOICE_POLL; i++) {
		if (eg_streq(s, eg_source_choice_name((enum eg_source_choice)i))) {
			*out = (enum eg_source_choice)i;
			return 0;
		}
	}
	return -EINVAL;
}

void eg_daemon_conf_init(struct eg_daemon_conf *c)
{
	memset(c, 0, sizeof(*c));
	eg_strlcpy(c->device, "auto", sizeof(c->device));
	c->profile = EG_PROFILE_BALANCED;
	c->profile_on_ac = -1;
	c->profile_on_battery = -1;
	c->source = EG_SOURCE_CHOICE_AUTO;
	c->log_level = EG_LOG_NOTICE;
	eg_strlcpy(c->state_dir, "/run/eagov", sizeof(c->state_dir));
	eg_strlcpy(c->control_socket, "/run/eagov/control", sizeof(c->control_socket));
	c->poll_interval_ms = EG_DAEMON_POLL_MS_DEFAULT;
	c->rt_priority = EG_DAEMON_RT_PRIO_DEFAULT;
	c->fast_path_priority = EG_DAEMON_FAST_PRIO_DEFAULT;
}

struct daemon_parse {
	struct eg_daemon_conf c;
	bool in_daemon;
	struct eg_ini_seen seen;
};

static int daemon_section(struct eg_ini *ini, const char *kind, const char *arg)
{
	struct daemon_parse *d = eg_ini_user(ini);

	if (!eg_streq(kind, "daemon") || arg[0])
		return eg_ini_error(ini, -EINVAL, "unknown section [%s%s%s] (expected [daemon])",
				    kind, arg[0] ? " " : "", arg);
	d->in_daemon = true;
	return 0;
}

static int parse_profile_value(struct eg_ini *ini, const char *key, const char *v, int *out)
{
	enum eg_profile p;

	if (eg_profile_from_string(v, &p) < 0)
		return eg_ini_error(ini, -EINVAL,
				    "%s '%s' is not power-saver, balanced or performance", key, v);
	*out = (int)p;
	return 0;
}

static int abs_path(struct eg_ini *ini, const char *key, const char *v, char *dst, size_t size)
{
	if (v[0] != '/')
		return eg_ini_error(ini, -EINVAL, "%s '%s' must be an absolute path", key, v);
	return eg_ini_name(ini, v, key, dst, size);
}

static int daemon_key(struct eg_ini *ini, const char *key, const char *value)
{
	struct daemon_parse *d = eg_ini_user(ini);
	struct eg_daemon_conf *c = &d->c;
	char v[EG_INI_LINE_MAX + 1];
	char *rest = v;
	int p = 0;

	if (!d->in_daemon)
		return eg_ini_error(ini, -EINVAL, "'%s' outside of [daemon]", key);
	if (eg_ini_once(ini, &d->seen, key) < 0)
		return eg_ini_rc(ini);
	eg_strlcpy(v, value, sizeof(v));

	if (eg_streq(key, "device"))
		return eg_ini_name(ini, value, key, c->device, sizeof(c->device));
	if (eg_streq(key, "profile")) {
		if (parse_profile_value(ini, key, value, &p) < 0)
			return eg_ini_rc(ini);
		c->profile = (enum eg_profile)p;
		return 0;
	}
	if (eg_streq(key, "profile_on_ac"))
		return parse_profile_value(ini, key, value, &c->profile_on_ac);
	if (eg_streq(key, "profile_on_battery"))
		return parse_profile_value(ini, key, value, &c->profile_on_battery);
	if (eg_streq(key, "source")) {
		if (eg_source_choice_from_string(value, &c->source) < 0)
			return eg_ini_error(ini, -EINVAL,
					    "source '%s' is not auto, bpf, perf or poll", value);
		return 0;
	}
	if (eg_streq(key, "log_level")) {
		if (eg_log_level_from_string(value, &c->log_level) < 0)
			return eg_ini_error(ini, -EINVAL,
					    "log_level '%s' is not err, warning, "
					    "notice, info or debug",
					    value);
		return 0;
	}
	if (eg_streq(key, "state_dir"))
		return abs_path(ini, key, value, c->state_dir, sizeof(c->state_dir));
	if (eg_streq(key, "control_socket"))
		return abs_path(ini, key, value, c->control_socket, sizeof(c->control_socket));
	if (eg_streq(key, "persist_dir"))
		return abs_path(ini, key, value, c->persist_dir, sizeof(c->persist_dir));
	if (eg_streq(key, "dbus")) {
		if (!eg_streq(value, "system") && !eg_streq(value, "none") && !strchr(value, ':'))
			return eg_ini_error(ini, -EINVAL,
					    "dbus '%s' is not system, none or a "
					    "D-Bus address (unix:path=...)",
					    value);
		return eg_ini_name(ini, value, key, c->dbus, sizeof(c->dbus));
	}
	if (eg_streq(key, "poll_interval_ms")) {
		if (eg_ini_u32(ini, eg_ini_token(&rest), key, EG_DAEMON_POLL_MS_MIN,
			       EG_DAEMON_POLL_MS_MAX, &c->poll_interval_ms) < 0)
			return eg_ini_rc(ini);
		return eg_ini_no_more(ini, rest, key);
	}
	if (eg_streq(key, "rt_priority")) {
		if (eg_ini_u32(ini, eg_ini_token(&rest), key, 0, EG_DAEMON_RT_PRIO_MAX,
			       &c->rt_priority) < 0)
			return eg_ini_rc(ini);
		return eg_ini_no_more(ini, rest, key);
	}
	if (eg_streq(key, "fast_path_priority")) {
		if (eg_ini_u32(ini, eg_ini_token(&rest), key, 0, EG_DAEMON_RT_PRIO_MAX,
			       &c->fast_path_priority) < 0)
			return eg_ini_rc(ini);
		return eg_ini_no_more(ini, rest, key);
	}
	return eg_ini_unknown_key(ini, "daemon", key);
}

int eg_conf_load_daemon(const char *path, struct eg_daemon_conf *c, struct eg_error *err)
{
	struct daemon_parse d = { .c = *c };
	int rc;

	rc = eg_ini_run(path, daemon_section, daemon_key, &d, err);
	if (rc < 0)
		return rc;
	if (!d.in_daemon) {
		eg_error_set(err, path, 0, "no [daemon] section");
		return -EINVAL;
	}
	eg_strlcpy(d.c.file, path, sizeof(d.c.file));
	*c = d.c;
	return 0;
}
