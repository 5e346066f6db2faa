// SPDX-License-Identifier: GPL-2.0-or-later
/* Parsing and formatting of policy tunables from their descriptor tables. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "tunables.h"
#include "util.h"

uint32_t eg_freq_map_lookup(const struct eg_freq_map *map, uint32_t khz)
{
	uint32_t v = map->n ? map->value[0] : 0;

	for (int i = 1; i < map->n; i++) {
		if (khz >= map->khz[i])
			v = map->value[i];
	}
	return v;
}

const struct eg_tunable *eg_tunables_find(const struct eg_tunable *t, const char *name)
{
	for (; t && t->name; t++)
		if (eg_streq(t->name, name))
			return t;
	return NULL;
}

/* A decimal number, blanks around it allowed (policy files align their
 * values). A value that does not fit the buffer is refused: too large when
 * it is all digits (leading zeros that long are no one's way of writing). */
static int parse_u32(const char *s, uint32_t *out)
{
	char buf[32];
	size_t len;

	while (*s == ' ' || *s == '\t')
		s++;
	len = strlen(s);
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len >= sizeof(buf))
		return strspn(s, "0123456789") >= len ? -ERANGE : -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return eg_parse_u32(buf, 0, UINT32_MAX, out);
}

static int parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "1", "true", "yes", "on" };
	static const char *const no[] = { "0", "false", "no", "off" };

	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -EINVAL;
}

/* "90" or "85 1200000:90 1700000:95", as interactive takes it. */
static int parse_freq_map(const struct eg_tunable *t, const char *s, struct eg_freq_map *map,
			  char *err, size_t errlen)
{
	char buf[512];
	char *save = NULL;
	int n = 0;

	if (eg_strlcpy(buf, s, sizeof(buf)) < 0) {
		snprintf(err, errlen, "%s: value too long", t->name);
		return -EINVAL;
	}
	for (char *tok = strtok_r(buf, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		char *colon = strchr(tok, ':');
		uint32_t khz = 0, v;

		if (n >= EG_FREQ_MAP_MAX) {
			snprintf(err, errlen, "%s: more than %d entries", t->name, EG_FREQ_MAP_MAX);
			return -EINVAL;
		}
		if (n == 0 && colon) {
			snprintf(err, errlen,
				 "%s: must start with a plain value, then kHz:value pairs",
				 t->name);
			return -EINVAL;
		}
		if (n > 0 && !colon) {
			snprintf(err, errlen, "%s: '%s' is not a kHz:value pair", t->name, tok);
			return -EINVAL;
		}
		if (colon) {
			*colon = '\0';
			if (parse_u32(tok, &khz) < 0 || (n > 0 && khz <= map->khz[n - 1])) {
				snprintf(err, errlen,
					 "%s: frequencies must be increasing kHz numbers", t->name);
				return -EINVAL;
			}
			tok = colon + 1;
		}
		if (parse_u32(tok, &v) < 0) {
			snprintf(err, errlen, "%s: '%s' is not a number", t->name, tok);
			return -EINVAL;
		}
		if (v < t->min || v > t->max) {
			snprintf(err, errlen, "%s: %u is out of range [%u, %u]", t->name, v, t->min,
				 t->max);
			return -ERANGE;
		}
		map->khz[n] = khz;
		map->value[n] = v;
		n++;
	}
	if (n == 0) {
		snprintf(err, errlen, "%s: empty value", t->name);
		return -EINVAL;
	}
	map->n = n;
	return 0;
}

int eg_tunables_set(const struct eg_tunable *tab, void *tun, const char *name, const char *value,
		    char *err, size_t errlen)
{
	const struct eg_tunable *t = eg_tunables_find(tab, name);
	char dummy[8];
	int r;

	if (!err) {
		err = dummy;
		errlen = sizeof(dummy);
	}
	if (!t) {
		snprintf(err, errlen, "unknown tunable '%s'", name);
		return -ENOENT;
	}
	switch (t->type) {
	case EG_TUN_U32: {
		uint32_t v;

		r = parse_u32(value, &v);
		if (r < 0) {
			snprintf(err, errlen, "%s: '%s' is not a non-negative integer%s", name,
				 value, r == -ERANGE ? " (too large)" : "");
			return r == -ERANGE ? -ERANGE : -EINVAL;
		}
		if (v < t->min || v > t->max) {
			snprintf(err, errlen, "%s: %u%s is out of range [%u, %u]", name, v,
				 t->unit ? t->unit : "", t->min, t->max);
			return -ERANGE;
		}
		memcpy((char *)tun + t->offset, &v, sizeof(v));
		return 0;
	}
	case EG_TUN_BOOL: {
		bool v;

		if (parse_bool(value, &v) < 0) {
			snprintf(err, errlen, "%s: '%s' is not a boolean (yes/no, true/false, 1/0)",
				 name, value);
			return -EINVAL;
		}
		memcpy((char *)tun + t->offset, &v, sizeof(v));
		return 0;
	}
	case EG_TUN_FREQ_MAP: {
		struct eg_freq_map map = { 0 };

		r = parse_freq_map(t, value, &map, err, errlen);
		if (r < 0)
			return r;
		memcpy((char *)tun + t->offset, &map, sizeof(map));
		return 0;
	}
	}
	return -EINVAL;
}

void eg_tunables_defaults(const struct eg_tunable *t, void *tun)
{
	for (; t && t->name; t++) {
		int r = eg_tunables_set(t, tun, t->name, t->def, NULL, 0);

		/* Defaults are part of the code: a bad one is a programming error. */
		if (r < 0)
			abort();
	}
}

void eg_tunables_init(const struct eg_tunable *t, void *tun, const void *given, size_t size)
{
	if (given)
		memcpy(tun, given, size);
	else
		eg_tunables_defaults(t, tun);
}

void eg_tunables_format(const struct eg_tunable *t, const void *tun, char *buf, size_t len)
{
	const char *p = (const char *)tun + t->offset;

	switch (t->type) {
	case EG_TUN_U32: {
		uint32_t v;

		memcpy(&v, p, sizeof(v));
		snprintf(buf, len, "%u", v);
		return;
	}
	case EG_TUN_BOOL: {
		bool v;

		memcpy(&v, p, sizeof(v));
		snprintf(buf, len, "%s", v ? "yes" : "no");
		return;
	}
	case EG_TUN_FREQ_MAP: {
		struct eg_freq_map map;
		size_t off = 0;

		memcpy(&map, p, sizeof(map));
		buf[0] = '\0';
		for (int i = 0; i < map.n && off < len; i++) {
			int n = i == 0 ? snprintf(buf + off, len - off, "%u", map.value[0]) :
					 snprintf(buf + off, len - off, " %u:%u", map.khz[i],
						  map.value[i]);
			if (n < 0)
				return;
			off += (size_t)n;
		}
		return;
	}
	}
}
