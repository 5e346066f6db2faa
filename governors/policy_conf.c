// SPDX-License-Identifier: GPL-2.0-or-later
/* Policy settings of a device file: validation against the policies' tunable
 * tables and resolution into an engine configuration for one profile. */
#include <stdio.h>
#include <stdlib.h>

#include "policy_conf.h"
#include "tunables.h"
#include "util.h"

static const char *const profile_names[EG_PROFILE__MAX] = {
	[EG_PROFILE_POWER_SAVER] = "power-saver",
	[EG_PROFILE_BALANCED] = "balanced",
	[EG_PROFILE_PERFORMANCE] = "performance",
};

const char *eg_profile_name(enum eg_profile p)
{
	return (unsigned)p < EG_PROFILE__MAX ? profile_names[p] : "?";
}

int eg_profile_from_string(const char *s, enum eg_profile *out)
{
	for (int i = 0; i < EG_PROFILE__MAX; i++) {
		if (eg_streq(s, profile_names[i])) {
			*out = (enum eg_profile)i;
			return 0;
		}
	}
	return -EINVAL;
}

void eg_policy_conf_init(struct eg_policy_conf *pc, const char *file)
{
	memset(pc, 0, sizeof(*pc));
	eg_strlcpy(pc->file, file ? file : "", sizeof(pc->file));
}

int eg_policy_conf_add(struct eg_policy_conf *pc, const struct eg_setting *s)
{
	if (pc->nr_settings >= EG_MAX_SETTINGS)
		return -ENOSPC;
	pc->settings[pc->nr_settings++] = *s;
	return 0;
}

/* The engine-wide keys of [policy] that are not a policy name, parsed with the
 * tunables machinery so they get the same syntax and range errors. */
struct choice_tun {
	bool fast_ramp;
	uint32_t rt_idle_latency_us;
	uint32_t max_freq_pct;
};

static const struct eg_tunable choice_tunables[] = {
	{ .name = "fast_ramp",
	  .type = EG_TUN_BOOL,
	  .offset = offsetof(struct choice_tun, fast_ramp),
	  /* On by default: ramping at once for RT wakeups is what eagov adds
	   * over the kernel's governors (eg_engine_config_simple agrees). */
	  .def = "yes",
	  .unit = "",
	  .help = "RT wakeups send the domain to its top frequency" },
	{ .name = "rt_idle_latency_us",
	  .type = EG_TUN_U32,
	  .offset = offsetof(struct choice_tun, rt_idle_latency_us),
	  .min = 0,
	  .max = 1000000,
	  .def = "0",
	  .unit = "us",
	  .help = "resume latency limit while an RT task is runnable" },
	/* Below 10 % a domain would crawl; the cap is for saving power, not
	 * for parking a cluster. */
	{ .name = "max_freq_pct",
	  .type = EG_TUN_U32,
	  .offset = offsetof(struct choice_tun, max_freq_pct),
	  .min = 10,
	  .max = 100,
	  .def = "100",
	  .unit = "%",
	  .help = "cap on every domain, percent of its max frequency" },
	EG_TUNABLE_END,
};

/* Defaults of the policy choice when a file says nothing: the kernel's usual
 * ones on arm64 (schedutil, menu, step_wise). */
#define DEFAULT_FREQ "schedutil"
#define DEFAULT_IDLE "menu"
#define DEFAULT_THERMAL "step_wise"

/* A policy of any kind, by name, with its tunables table. */
struct any_policy {
	const char *name;
	const struct eg_tunable *tunables;
	size_t tunables_size;
	char kind; /* 'f', 'i', 't' */
};

static bool find_any_policy(const char *name, struct any_policy *out)
{
	const struct eg_freq_policy_ops *f = eg_freq_policy_find(name);
	const struct eg_idle_policy_ops *i = eg_idle_policy_find(name);
	const struct eg_thermal_policy_ops *t = eg_thermal_policy_find(name);

	if (f)
		*out = (struct any_policy){ f->name, f->tunables, f->tunables_size, 'f' };
	else if (i)
		*out = (struct any_policy){ i->name, i->tunables, i->tunables_size, 'i' };
	else if (t)
		*out = (struct any_policy){ t->name, t->tunables, t->tunables_size, 't' };
	else
		return false;
	return true;
}

static void list_names(char *buf, size_t len, char kind)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0;; i++) {
		const char *name =
			kind == 'f' ?
				(eg_freq_policies[i] ? eg_freq_policies[i]->name : NULL) :
			kind == 'i' ?
				(eg_idle_policies[i] ? eg_idle_policies[i]->name : NULL) :
				(eg_thermal_policies[i] ? eg_thermal_policies[i]->name : NULL);
		int n;

		if (!name)
			break;
		n = snprintf(buf + off, len - off, "%s%s", off ? ", " : "", name);
		if (n < 0 || (size_t)n >= len - off)
			break;
		off += (size_t)n;
	}
}

static int check_choice(const struct eg_policy_conf *pc, const struct eg_setting *s,
			struct eg_error *err)
{
	char names[160];
	char msg[160];
	struct choice_tun scratch;
	char kind = 0;
	int r;

	if (eg_streq(s->key, "freq"))
		kind = 'f';
	else if (eg_streq(s->key, "idle"))
		kind = 'i';
	else if (eg_streq(s->key, "thermal"))
		kind = 't';
	if (kind) {
		bool found = kind == 'f' ? eg_freq_policy_find(s->value) != NULL :
			     kind == 'i' ? eg_idle_policy_find(s->value) != NULL :
					   eg_thermal_policy_find(s->value) != NULL;

		if (!found) {
			list_names(names, sizeof(names), kind);
			eg_error_set(err, pc->file, s->line, "unknown %s policy '%s' (known: %s)",
				     s->key, s->value, names);
			return -EINVAL;
		}
		if (kind != 'f' && s->pd >= 0) {
			eg_error_set(err, pc->file, s->line,
				     "'%s' cannot be set per domain (only 'freq' can)", s->key);
			return -EINVAL;
		}
		return 0;
	}
	if (s->pd >= 0 && eg_tunables_find(choice_tunables, s->key)) {
		eg_error_set(err, pc->file, s->line,
			     "'%s' cannot be set per domain (only 'freq' can)", s->key);
		return -EINVAL;
	}
	r = eg_tunables_set(choice_tunables, &scratch, s->key, s->value, msg, sizeof(msg));
	if (r == -ENOENT) {
		eg_error_set(err, pc->file, s->line,
			     "unknown policy key '%s' (known: freq, idle, thermal, fast_ramp, "
			     "rt_idle_latency_us, max_freq_pct)",
			     s->key);
		return -EINVAL;
	}
	if (r < 0) {
		eg_error_set(err, pc->file, s->line, "%s", msg);
		return r;
	}
	return 0;
}

static int check_tunable(const struct eg_policy_conf *pc, const struct eg_setting *s,
			 struct eg_error *err)
{
	struct any_policy p;
	char msg[160];
	void *scratch;
	int r;

	if (!find_any_policy(s->policy, &p)) {
		eg_error_set(err, pc->file, s->line, "unknown policy '%s'", s->policy);
		return -EINVAL;
	}
	if (p.kind != 'f' && s->pd >= 0) {
		eg_error_set(
			err, pc->file, s->line,
			"tunables of '%s' cannot be set per domain (only frequency policies' can)",
			s->policy);
		return -EINVAL;
	}
	/* A scratch struct: the value is parsed exactly as resolve will. */
	scratch = calloc(1, p.tunables_size ? p.tunables_size : 1);
	if (!scratch)
		return -ENOMEM;
	r = eg_tunables_set(p.tunables, scratch, s->key, s->value, msg, sizeof(msg));
	free(scratch);
	if (r == -ENOENT) {
		eg_error_set(err, pc->file, s->line, "%s has no tunable '%s'", s->policy, s->key);
		return -EINVAL;
	}
	if (r < 0) {
		eg_error_set(err, pc->file, s->line, "%s: %s", s->policy, msg);
		return r;
	}
	return 0;
}

int eg_policy_conf_validate(const struct eg_policy_conf *pc, const struct eg_model *m,
			    struct eg_error *err)
{
	for (int i = 0; i < pc->nr_settings; i++) {
		const struct eg_setting *s = &pc->settings[i];
		int r;

		if (s->profile < -1 || s->profile >= EG_PROFILE__MAX) {
			eg_error_set(err, pc->file, s->line, "bad profile index %d", s->profile);
			return -EINVAL;
		}
		if (s->pd < -1 || s->pd >= m->nr_pds) {
			eg_error_set(err, pc->file, s->line, "bad domain index %d", s->pd);
			return -EINVAL;
		}
		r = s->policy[0] ? check_tunable(pc, s, err) : check_choice(pc, s, err);
		if (r < 0)
			return r;
	}
	return 0;
}

/* The four precedence levels, least specific first; within a level, later
 * lines win because they are applied later. */
static bool setting_at_level(const struct eg_setting *s, int level, enum eg_profile profile)
{
	switch (level) {
	case 0:
		return s->profile < 0 && s->pd < 0;
	case 1:
		return s->profile < 0 && s->pd >= 0;
	case 2:
		return s->profile == (int)profile && s->pd < 0;
	default:
		return s->profile == (int)profile && s->pd >= 0;
	}
}

/* Last value of a choice key for domain pd (-1: global keys only). */
static const char *resolve_choice(const struct eg_policy_conf *pc, enum eg_profile profile, int pd,
				  const char *key, const char *def)
{
	const char *v = def;

	for (int level = 0; level < 4; level++) {
		for (int i = 0; i < pc->nr_settings; i++) {
			const struct eg_setting *s = &pc->settings[i];

			if (!setting_at_level(s, level, profile) || s->policy[0] ||
			    !eg_streq(s->key, key))
				continue;
			if (s->pd >= 0 && s->pd != pd)
				continue;
			v = s->value;
		}
	}
	return v;
}

/* Allocate a policy's tunables, set defaults, then apply the settings for
 * this policy that reach domain pd (-1: only those not tied to a domain). */
/* Apply the "NAME=VALUE,..." items of preset whose NAME tab has (a frequency
 * policy's thermal settings, meant for whichever thermal policy has them). */
static int apply_preset(const struct eg_tunable *tab, void *tun, const char *policy,
			const char *preset, struct eg_error *err)
{
	char buf[EG_VALUE_MAX], msg[160], *save = NULL, *item;

	if (strlen(preset) >= sizeof(buf)) {
		eg_error_set(err, "", 0, "%s: thermal settings too long", policy);
		return -E2BIG;
	}
	strcpy(buf, preset);
	for (item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(item, '=');
		int r;

		if (!eq) {
			eg_error_set(err, "", 0, "%s: '%s' is not NAME=VALUE", policy, item);
			return -EINVAL;
		}
		*eq = '\0';
		if (!eg_tunables_find(tab, item))
			continue;
		r = eg_tunables_set(tab, tun, item, eq + 1, msg, sizeof(msg));
		if (r < 0) {
			eg_error_set(err, "", 0, "%s: %s", policy, msg);
			return r;
		}
	}
	return 0;
}

/* The tunables of policy name for profile and domain pd (-1: all): the
 * table's defaults, then the presets (NULL-terminated, may be NULL) a
 * frequency policy asks for, then the file's settings, so that a setting
 * the file names always wins. */
static int build_tunables(const struct eg_policy_conf *pc, enum eg_profile profile, int pd,
			  const char *name, const struct eg_tunable *tab, size_t size,
			  const struct eg_freq_policy_ops *const *presets, void **out,
			  struct eg_error *err)
{
	char msg[160];
	void *tun;

	*out = NULL;
	/* Never NULL, even for a policy without tunables, as the engine's own
	 * eg_engine_config_simple() does. */
	tun = calloc(1, size ? size : 1);
	if (!tun)
		return -ENOMEM;
	eg_tunables_defaults(tab, tun);
	for (int i = 0; presets && presets[i]; i++) {
		int r;

		if (!presets[i]->thermal_tunables)
			continue;
		r = apply_preset(tab, tun, presets[i]->name, presets[i]->thermal_tunables, err);
		if (r < 0) {
			free(tun);
			return r;
		}
	}
	for (int level = 0; level < 4; level++) {
		for (int i = 0; i < pc->nr_settings; i++) {
			const struct eg_setting *s = &pc->settings[i];
			int r;

			if (!setting_at_level(s, level, profile) || !eg_streq(s->policy, name))
				continue;
			if (s->pd >= 0 && s->pd != pd)
				continue;
			r = eg_tunables_set(tab, tun, s->key, s->value, msg, sizeof(msg));
			if (r < 0) {
				eg_error_set(err, pc->file, s->line, "%s: %s", name, msg);
				free(tun);
				return r == -ENOENT ? -EINVAL : r;
			}
		}
	}
	*out = tun;
	return 0;
}

int eg_policy_conf_thermal_tunables(const struct eg_policy_conf *pc, const struct eg_model *m,
				    enum eg_profile profile, struct eg_engine_config *cfg,
				    struct eg_error *err)
{
	const struct eg_freq_policy_ops *presets[EG_MAX_PDS + 1] = { 0 };
	int n = 0;

	/* Each domain's policy once, in domain order: a later one's preset
	 * wins where two name the same setting. */
	for (int d = 0; d < m->nr_pds; d++) {
		bool seen = false;

		for (int i = 0; i < n; i++)
			seen = seen || presets[i] == cfg->freq[d];
		if (cfg->freq[d] && !seen)
			presets[n++] = cfg->freq[d];
	}
	for (int z = 0; z < m->nr_zones; z++) {
		const struct eg_thermal_policy_ops *t = cfg->thermal[z];
		void *tun;
		int r;

		if (!t)
			continue;
		/* Each zone owns its copy so the engine can free them uniformly. */
		r = build_tunables(pc, profile, -1, t->name, t->tunables, t->tunables_size, presets,
				   &tun, err);
		if (r < 0)
			return r;
		free(cfg->thermal_tun[z]);
		cfg->thermal_tun[z] = tun;
	}
	return 0;
}

int eg_policy_conf_resolve(const struct eg_policy_conf *pc, const struct eg_model *m,
			   enum eg_profile profile, struct eg_engine_config *cfg,
			   struct eg_error *err)
{
	struct choice_tun ch;
	char msg[160];
	const char *name;
	int r;

	memset(cfg, 0, sizeof(*cfg));
	if ((unsigned)profile >= EG_PROFILE__MAX) {
		eg_error_set(err, pc->file, 0, "bad profile %d", (int)profile);
		return -EINVAL;
	}
	r = eg_policy_conf_validate(pc, m, err);
	if (r < 0)
		return r;

	eg_tunables_defaults(choice_tunables, &ch);
	for (const struct eg_tunable *t = choice_tunables; t->name; t++) {
		name = resolve_choice(pc, profile, -1, t->name, NULL);
		if (name &&
		    eg_tunables_set(choice_tunables, &ch, t->name, name, msg, sizeof(msg))) {
			eg_error_set(err, pc->file, 0, "%s", msg);
			return -EINVAL;
		}
	}
	cfg->fast_ramp = ch.fast_ramp;
	cfg->rt_idle_latency_us = ch.rt_idle_latency_us;
	cfg->max_freq_pct = ch.max_freq_pct;

	for (int d = 0; d < m->nr_pds; d++) {
		name = resolve_choice(pc, profile, d, "freq", DEFAULT_FREQ);
		cfg->freq[d] = eg_freq_policy_find(name);
		if (!cfg->freq[d]) {
			eg_error_set(err, pc->file, 0, "unknown freq policy '%s'", name);
			r = -EINVAL;
			goto fail;
		}
		r = build_tunables(pc, profile, d, name, cfg->freq[d]->tunables,
				   cfg->freq[d]->tunables_size, NULL, &cfg->freq_tun[d], err);
		if (r < 0)
			goto fail;
	}

	name = resolve_choice(pc, profile, -1, "idle", DEFAULT_IDLE);
	cfg->idle = eg_idle_policy_find(name);
	if (!cfg->idle) {
		eg_error_set(err, pc->file, 0, "unknown idle policy '%s'", name);
		r = -EINVAL;
		goto fail;
	}
	r = build_tunables(pc, profile, -1, name, cfg->idle->tunables, cfg->idle->tunables_size,
			   NULL, &cfg->idle_tun, err);
	if (r < 0)
		goto fail;

	name = resolve_choice(pc, profile, -1, "thermal", DEFAULT_THERMAL);
	for (int z = 0; z < m->nr_zones; z++) {
		cfg->thermal[z] = eg_thermal_policy_find(name);
		if (!cfg->thermal[z]) {
			eg_error_set(err, pc->file, 0, "unknown thermal policy '%s'", name);
			r = -EINVAL;
			goto fail;
		}
	}
	r = eg_policy_conf_thermal_tunables(pc, m, profile, cfg, err);
	if (r < 0)
		goto fail;
	return 0;

fail:
	eg_engine_config_free(cfg);
	return r;
}
