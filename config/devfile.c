// SPDX-License-Identifier: GPL-2.0-or-later
/* Device files: the handlers that turn the sections and keys of
 * conf/devices/NAME.ini into the machine model and the policy settings, and
 * the checks that need the whole file. Format: devfile.h,
 * docs/device-files.md. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "devfile.h"
#include "ini_reader.h"
#include "util.h"

enum dev_section {
	SEC_NONE,
	SEC_DEVICE,
	SEC_DOMAIN,
	SEC_ZONE,
	SEC_POLICY,   /* [policy], [policy DOM] */
	SEC_TUNABLES, /* [POLICY], [POLICY DOM] */
	SEC_PROFILE,  /* [profile P], [profile P DOM] */
};

struct dev_parse {
	struct eg_model m;
	struct eg_policy_conf pc;
	enum dev_section sec;
	int sec_line;
	struct eg_pd *pd;	      /* current [domain] */
	struct eg_zone *zone;	      /* current [zone] */
	int profile;		      /* current [profile], -1 */
	char policy[EG_NAME_MAX];     /* current [POLICY] */
	char sec_domain[EG_NAME_MAX]; /* domain named in a policy/profile section, "" */
	struct eg_ini_seen seen;      /* keys given once in this section */
	bool have_device;
	int device_line, device_cpus_line;
	int pd_cpus_line[EG_MAX_PDS];
	/* Names resolved once every domain is known. */
	char cools_name[EG_MAX_ZONES][EG_MAX_COOLED][EG_NAME_MAX];
	int cools_line[EG_MAX_ZONES];
	char setting_domain[EG_MAX_SETTINGS][EG_NAME_MAX];
	int setting_sec_line[EG_MAX_SETTINGS];
	bool any_rc_est[EG_MAX_ZONES];
};

static int find_pd(const struct eg_model *m, const char *name)
{
	for (int i = 0; i < m->nr_pds; i++)
		if (eg_streq(m->pds[i].name, name))
			return i;
	return -1;
}

static int find_zone(const struct eg_model *m, const char *name)
{
	for (int i = 0; i < m->nr_zones; i++)
		if (eg_streq(m->zones[i].name, name))
			return i;
	return -1;
}

/* A [domain NAME] or [zone NAME] header: named, not seen before, and room
 * for one more (nr of max used). */
static int new_section(struct eg_ini *ini, const char *kind, const char *name, bool exists, int nr,
		       int max)
{
	if (!name)
		return eg_ini_error(ini, -EINVAL, "[%s] needs a name: [%s NAME]", kind, kind);
	if (exists)
		return eg_ini_error(ini, -EINVAL, "%s '%s' defined twice", kind, name);
	if (nr >= max)
		return eg_ini_error(ini, -EINVAL, "more than %d %ss", max, kind);
	return 0;
}

static bool is_policy_name(const char *name)
{
	return eg_freq_policy_find(name) || eg_idle_policy_find(name) ||
	       eg_thermal_policy_find(name);
}

static int dev_section(struct eg_ini *ini, const char *kind, const char *arg)
{
	struct dev_parse *d = eg_ini_user(ini);
	char arg1[EG_INI_LINE_MAX + 1];
	char *rest = arg1, *a1, *a2, *a3;
	enum eg_profile prof;

	eg_strlcpy(arg1, arg, sizeof(arg1));
	a1 = eg_ini_token(&rest);
	a2 = eg_ini_token(&rest);
	a3 = eg_ini_token(&rest);
	/* Only [profile P DOMAIN] has two words after the kind. */
	if (a3 || (a2 && !eg_streq(kind, "profile")))
		return eg_ini_error(ini, -EINVAL, "section [%s %s]: too many words", kind, arg);
	d->seen.n = 0;
	d->sec_line = eg_ini_line(ini);
	d->pd = NULL;
	d->zone = NULL;
	d->profile = -1;
	d->policy[0] = '\0';
	d->sec_domain[0] = '\0';

	if (eg_streq(kind, "device") && !a1) {
		if (d->have_device)
			return eg_ini_error(ini, -EINVAL, "[device] given twice");
		d->have_device = true;
		d->device_line = eg_ini_line(ini);
		d->sec = SEC_DEVICE;
		return 0;
	}
	if (eg_streq(kind, "domain")) {
		struct eg_pd *pd;

		pd = &d->m.pds[d->m.nr_pds];
		if (new_section(ini, kind, a1, find_pd(&d->m, a1) >= 0, d->m.nr_pds, EG_MAX_PDS) <
			    0 ||
		    eg_ini_name(ini, a1, "domain name", pd->name, sizeof(pd->name)) < 0)
			return eg_ini_rc(ini);
		d->m.nr_pds++;
		pd->origin = EG_ORIGIN_FILE;
		pd->src_line = eg_ini_line(ini);
		d->pd = pd;
		d->sec = SEC_DOMAIN;
		return 0;
	}
	if (eg_streq(kind, "zone")) {
		struct eg_zone *z;

		z = &d->m.zones[d->m.nr_zones];
		if (new_section(ini, kind, a1, find_zone(&d->m, a1) >= 0, d->m.nr_zones,
				EG_MAX_ZONES) < 0 ||
		    eg_ini_name(ini, a1, "zone name", z->name, sizeof(z->name)) < 0)
			return eg_ini_rc(ini);
		d->m.nr_zones++;
		z->origin = EG_ORIGIN_FILE;
		z->src_line = eg_ini_line(ini);
		/* Kernel defaults of a thermal zone without DT values. */
		z->polling_ms = 1000;
		z->passive_ms = 100;
		z->ambient_mc = 25000;
		d->zone = z;
		d->sec = SEC_ZONE;
		return 0;
	}
	if (eg_streq(kind, "policy")) {
		d->sec = SEC_POLICY;
		if (a1)
			eg_strlcpy(d->sec_domain, a1, sizeof(d->sec_domain));
		return 0;
	}
	if (eg_streq(kind, "profile")) {
		if (!a1 || eg_profile_from_string(a1, &prof) < 0)
			return eg_ini_error(ini, -EINVAL,
					    "[profile %s]: profile must be "
					    "power-saver, balanced or performance",
					    a1 ? a1 : "");
		d->profile = (int)prof;
		d->sec = SEC_PROFILE;
		if (a2)
			eg_strlcpy(d->sec_domain, a2, sizeof(d->sec_domain));
		return 0;
	}
	if (is_policy_name(kind)) {
		if (a1 && !eg_freq_policy_find(kind))
			return eg_ini_error(ini, -EINVAL,
					    "[%s %s]: only frequency policies "
					    "have per-domain tunables",
					    kind, a1);
		eg_strlcpy(d->policy, kind, sizeof(d->policy));
		if (a1)
			eg_strlcpy(d->sec_domain, a1, sizeof(d->sec_domain));
		d->sec = SEC_TUNABLES;
		return 0;
	}
	return eg_ini_error(ini, -EINVAL,
			    "unknown section [%s%s%s] (expected device, domain NAME, zone NAME, "
			    "policy, profile P, or a policy name)",
			    kind, arg[0] ? " " : "", arg);
}

static int device_key(struct eg_ini *ini, struct dev_parse *d, const char *key, char *v)
{
	struct eg_model *m = &d->m;
	char *tok;

	if (eg_streq(key, "name")) {
		if (eg_ini_once(ini, &d->seen, key) < 0)
			return eg_ini_rc(ini);
		return eg_ini_name(ini, v, "name", m->name, sizeof(m->name));
	}
	if (eg_streq(key, "compatible")) {
		while ((tok = eg_ini_token(&v))) {
			if (m->nr_compatible >= EG_MAX_IDS)
				return eg_ini_error(ini, -EINVAL, "more than %d compatible strings",
						    EG_MAX_IDS);
			if (eg_ini_name(ini, tok, "compatible", m->compatible[m->nr_compatible],
					EG_NAME_MAX) < 0)
				return eg_ini_rc(ini);
			m->nr_compatible++;
		}
		return 0;
	}
	if (eg_streq(key, "dmi")) {
		if (m->nr_dmi >= EG_MAX_IDS)
			return eg_ini_error(ini, -EINVAL, "more than %d dmi names", EG_MAX_IDS);
		if (eg_ini_name(ini, v, "dmi", m->dmi[m->nr_dmi], EG_NAME_MAX) < 0)
			return eg_ini_rc(ini);
		m->nr_dmi++;
		return 0;
	}
	if (eg_streq(key, "dmi_vendor") || eg_streq(key, "dmi_board")) {
		/* Only for finding the file (devfind.c): checked, not kept. */
		char name[EG_NAME_MAX];

		if (eg_ini_once(ini, &d->seen, key) < 0 ||
		    eg_ini_name(ini, v, key, name, sizeof(name)) < 0)
			return eg_ini_rc(ini);
		return 0;
	}
	if (eg_streq(key, "cpus")) {
		uint32_t n;

		if (eg_ini_once(ini, &d->seen, key) < 0 ||
		    eg_ini_u32(ini, eg_ini_token(&v), "cpus", 1, EG_MAX_CPUS, &n) < 0 ||
		    eg_ini_no_more(ini, v, "cpus") < 0)
			return eg_ini_rc(ini);
		m->nr_cpus = (int)n;
		d->device_cpus_line = eg_ini_line(ini);
		return 0;
	}
	return eg_ini_unknown_key(ini, "device", key);
}

/* name entry_us exit_us residency_us power_uW */
static int idle_value(struct eg_ini *ini, struct eg_pd *pd, bool cluster, char *v)
{
	struct eg_idle_state *st;
	int *n = cluster ? &pd->nr_cluster_idle : &pd->nr_cpu_idle;
	const char *what = cluster ? "cluster_idle" : "cpu_idle";
	/* 10 s bounds every latency: no idle state takes longer to leave. */
	const uint64_t max_us = 10000000;
	uint64_t entry, exit_us, res, power;
	char *tok;

	if (*n >= EG_MAX_IDLE_STATES)
		return eg_ini_error(ini, -EINVAL, "more than %d %s states", EG_MAX_IDLE_STATES,
				    what);
	st = cluster ? &pd->cluster_idle[*n] : &pd->cpu_idle[*n];
	memset(st, 0, sizeof(*st));
	tok = eg_ini_token(&v);
	if (!tok)
		return eg_ini_error(ini, -EINVAL,
				    "%s: expected name entry_us exit_us residency_us power_uW",
				    what);
	if (eg_ini_name(ini, tok, "idle state name", st->name, sizeof(st->name)) < 0)
		return eg_ini_rc(ini);
	/* The kernel's idle drivers register a state 0 of their own before
	 * the firmware's states (WFI on Arm, POLL on x86); the file must say
	 * what it costs rather than the model inventing a power for it. */
	if (!cluster && *n == 0 && strcasecmp(st->name, "wfi") != 0 &&
	    strcasecmp(st->name, "poll") != 0)
		return eg_ini_error(ini, -EINVAL,
				    "cpu_idle: the first CPU idle state must be 'wfi' (Arm) or "
				    "'poll' (x86), the kernel driver's state 0, not '%s': add "
				    "'cpu_idle = wfi 1 1 1 POWER_uW' before it",
				    st->name);
	if (eg_ini_u64(ini, eg_ini_token(&v), "entry latency (us)", 0, max_us, &entry, NULL) < 0 ||
	    eg_ini_u64(ini, eg_ini_token(&v), "exit latency (us)", 0, max_us, &exit_us, NULL) < 0 ||
	    eg_ini_u64(ini, eg_ini_token(&v), "target residency (us)", 0, max_us, &res, NULL) < 0 ||
	    eg_ini_u64_or_dash(ini, eg_ini_token(&v), "idle power (uW)", 100000000, &power,
			       &st->power_estimated) < 0 ||
	    eg_ini_no_more(ini, v, what) < 0)
		return eg_ini_rc(ini);
	st->entry_us = (uint32_t)entry;
	st->exit_us = (uint32_t)exit_us;
	st->residency_us = (uint32_t)res;
	st->power_uw = power;
	st->src_line = eg_ini_line(ini);
	(*n)++;
	return 0;
}

/* kHz mV [power_uW [domain_power_uW]] */
static int opp_value(struct eg_ini *ini, struct eg_pd *pd, char *v)
{
	struct eg_opp *o;
	uint64_t khz, mv = 0, power = 0, pd_power = 0;
	/* Bounds that catch unit mistakes (MHz for kHz, V for mV, mW for uW
	 * the other way round) without excluding real hardware. */
	const uint64_t max_khz = 10000000, max_mv = 5000, max_uw = 100000000;
	bool est = false;
	char *tok;

	if (pd->nr_opps >= EG_MAX_OPPS)
		return eg_ini_error(ini, -EINVAL, "more than %d OPPs", EG_MAX_OPPS);
	if (eg_ini_u64(ini, eg_ini_token(&v), "OPP frequency (kHz)", 1, max_khz, &khz, NULL) < 0)
		return eg_ini_rc(ini);
	tok = eg_ini_token(&v);
	if (!tok)
		return eg_ini_error(ini, -EINVAL,
				    "opp: expected kHz mV [power_uW [domain_power_uW]]");
	if (!eg_streq(tok, "-") &&
	    eg_ini_u64(ini, tok, "OPP voltage (mV)", 1, max_mv, &mv, NULL) < 0)
		return eg_ini_rc(ini);
	tok = eg_ini_token(&v);
	if (tok && eg_ini_u64_or_dash(ini, tok, "OPP power (uW)", max_uw, &power, &est) < 0)
		return eg_ini_rc(ini);
	tok = eg_ini_token(&v);
	if (tok &&
	    eg_ini_u64_or_dash(ini, tok, "OPP domain power (uW)", max_uw, &pd_power, &est) < 0)
		return eg_ini_rc(ini);
	if (eg_ini_no_more(ini, v, "opp") < 0)
		return eg_ini_rc(ini);
	o = &pd->opps[pd->nr_opps++];
	memset(o, 0, sizeof(*o));
	o->khz = (uint32_t)khz;
	o->mv = (uint32_t)mv;
	o->power_uw = power;
	o->pd_power_uw = pd_power;
	o->power_origin = power ? EG_ORIGIN_FILE : EG_ORIGIN_NONE;
	o->power_estimated = est;
	o->src_line = eg_ini_line(ini);
	return 0;
}

static int domain_key(struct eg_ini *ini, struct dev_parse *d, const char *key, char *v)
{
	struct eg_pd *pd = d->pd;
	char *tok;
	int rc;

	if (eg_streq(key, "opp"))
		return opp_value(ini, pd, v);
	if (eg_streq(key, "cpu_idle"))
		return idle_value(ini, pd, false, v);
	if (eg_streq(key, "cluster_idle"))
		return idle_value(ini, pd, true, v);
	if (eg_ini_once(ini, &d->seen, key) < 0)
		return eg_ini_rc(ini);
	if (eg_streq(key, "cpus")) {
		rc = eg_cpumask_parse(v, &pd->cpus);
		if (rc == -ERANGE)
			return eg_ini_error(ini, -ERANGE, "cpus '%s': CPU numbers must be below %d",
					    v, EG_MAX_CPUS);
		if (rc < 0 || !v[0])
			return eg_ini_error(ini, -EINVAL,
					    "cpus '%s' is not a CPU list (like 0-3,6)", v);
		d->pd_cpus_line[pd - d->m.pds] = eg_ini_line(ini);
		return 0;
	}
	tok = eg_ini_token(&v);
	if (eg_streq(key, "capacity_dmips_mhz")) {
		rc = eg_ini_u32(ini, tok, key, 1, 100000, &pd->capacity_dmips_mhz);
	} else if (eg_streq(key, "dynamic_power_coefficient")) {
		rc = eg_ini_u32(ini, tok, key, 1, 100000, &pd->dyn_power_coeff);
	} else if (eg_streq(key, "transition_latency_us")) {
		uint32_t us;

		rc = eg_ini_u32(ini, tok, key, 0, 1000000, &us);
		if (rc == 0)
			pd->transition_latency_ns = us * 1000U;
	} else if (eg_streq(key, "static_power")) {
		/* Leakage in uW at the top OPP: of one CPU, of the domain. 100 W
		 * catches a unit mistake (mW as uW the other way round). */
		bool est_cpu = false, est_pd = false;

		rc = eg_ini_u64(ini, tok, "static power of a CPU (uW)", 0, 100000000,
				&pd->cpu_static_uw, &est_cpu);
		if (rc == 0)
			rc = eg_ini_u64(ini, eg_ini_token(&v), "static power of the domain (uW)", 0,
					100000000, &pd->pd_static_uw, &est_pd);
		pd->static_estimated = est_cpu || est_pd;
		pd->static_src_line = eg_ini_line(ini);
	} else if (eg_streq(key, "cpu_capacity")) {
		rc = eg_ini_u32(ini, tok, key, 1, EG_CAPACITY_SCALE, &pd->max_cap);
	} else {
		return eg_ini_error(ini, -EINVAL, "unknown key '%s' in [domain %s]", key, pd->name);
	}
	return rc < 0 ? rc : eg_ini_no_more(ini, v, key);
}

static int zone_key(struct eg_ini *ini, struct dev_parse *d, const char *key, char *v)
{
	struct eg_zone *z = d->zone;
	int zi = (int)(z - d->m.zones);
	char *tok;
	int rc;

	if (eg_streq(key, "trip")) {
		struct eg_trip *t;

		if (z->nr_trips >= EG_MAX_TRIPS)
			return eg_ini_error(ini, -EINVAL, "more than %d trips", EG_MAX_TRIPS);
		t = &z->trips[z->nr_trips];
		memset(t, 0, sizeof(*t));
		if (eg_ini_milli(ini, eg_ini_token(&v), "trip temperature (C)", -50000, 200000,
				 &t->temp_mc) < 0)
			return eg_ini_rc(ini);
		tok = eg_ini_token(&v);
		if (!tok || eg_trip_type_from_string(tok, &t->type) < 0)
			return eg_ini_error(ini, -EINVAL,
					    "trip type '%s' is not active, "
					    "passive, hot or critical",
					    tok ? tok : "");
		tok = eg_ini_token(&v);
		if (tok && eg_ini_milli(ini, tok, "trip hysteresis (C)", 0, 50000, &t->hyst_mc) < 0)
			return eg_ini_rc(ini);
		if (eg_ini_no_more(ini, v, "trip") < 0)
			return eg_ini_rc(ini);
		t->src_line = eg_ini_line(ini);
		z->nr_trips++;
		return 0;
	}
	if (eg_ini_once(ini, &d->seen, key) < 0)
		return eg_ini_rc(ini);
	if (eg_streq(key, "sensor"))
		return eg_ini_name(ini, v, "sensor", z->sensor, sizeof(z->sensor));
	if (eg_streq(key, "cools")) {
		while ((tok = eg_ini_token(&v))) {
			char *colon = strchr(tok, ':');
			struct eg_cooled *c;

			if (z->nr_cooled >= EG_MAX_COOLED)
				return eg_ini_error(ini, -EINVAL, "more than %d cooled domains",
						    EG_MAX_COOLED);
			if (!colon)
				return eg_ini_error(ini, -EINVAL,
						    "cools: '%s' is not DOMAIN:WEIGHT", tok);
			*colon = '\0';
			c = &z->cooled[z->nr_cooled];
			if (eg_ini_u32(ini, colon + 1, "cooling weight", 1, 1024, &c->weight) < 0 ||
			    eg_ini_name(ini, tok, "cooled domain", d->cools_name[zi][z->nr_cooled],
					EG_NAME_MAX) < 0)
				return eg_ini_rc(ini);
			c->pd = -1;
			z->nr_cooled++;
		}
		if (!z->nr_cooled)
			return eg_ini_error(ini, -EINVAL, "cools: no DOMAIN:WEIGHT given");
		d->cools_line[zi] = eg_ini_line(ini);
		return 0;
	}
	tok = eg_ini_token(&v);
	if (eg_streq(key, "sustainable_power_mw"))
		rc = eg_ini_u32(ini, tok, key, 1, 1000000, &z->sustainable_power_mw);
	else if (eg_streq(key, "polling_ms"))
		rc = eg_ini_u32(ini, tok, key, 0, 600000, &z->polling_ms);
	else if (eg_streq(key, "passive_ms"))
		rc = eg_ini_u32(ini, tok, key, 0, 600000, &z->passive_ms);
	else if (eg_streq(key, "rc_resistance"))
		rc = eg_ini_pos_double(ini, tok, key, 1000.0, &z->rc_resistance,
				       &d->any_rc_est[zi]);
	else if (eg_streq(key, "rc_capacitance"))
		rc = eg_ini_pos_double(ini, tok, key, 100000.0, &z->rc_capacitance,
				       &d->any_rc_est[zi]);
	else if (eg_streq(key, "ambient"))
		rc = eg_ini_milli(ini, tok, "ambient (C)", -40000, 85000, &z->ambient_mc);
	else
		return eg_ini_error(ini, -EINVAL, "unknown key '%s' in [zone %s]", key, z->name);
	return rc < 0 ? rc : eg_ini_no_more(ini, v, key);
}

static int add_setting(struct eg_ini *ini, struct dev_parse *d, int profile, const char *policy,
		       const char *key, const char *value)
{
	struct eg_setting s = { .profile = profile, .pd = -1, .line = eg_ini_line(ini) };
	int i = d->pc.nr_settings;

	if (eg_strlcpy(s.policy, policy, sizeof(s.policy)) < 0 ||
	    eg_strlcpy(s.key, key, sizeof(s.key)) < 0)
		return eg_ini_error(ini, -EINVAL, "key '%s' is too long", key);
	if (eg_strlcpy(s.value, value, sizeof(s.value)) < 0)
		return eg_ini_error(ini, -EINVAL, "value is longer than %d characters",
				    EG_VALUE_MAX - 1);
	if (!value[0])
		return eg_ini_error(ini, -EINVAL, "%s has no value", key);
	if (eg_policy_conf_add(&d->pc, &s) < 0)
		return eg_ini_error(ini, -EINVAL, "more than %d policy settings", EG_MAX_SETTINGS);
	eg_strlcpy(d->setting_domain[i], d->sec_domain, EG_NAME_MAX);
	d->setting_sec_line[i] = d->sec_line;
	return 0;
}

static int dev_key(struct eg_ini *ini, const char *key, const char *value)
{
	struct dev_parse *d = eg_ini_user(ini);
	char v[EG_INI_LINE_MAX + 1];

	eg_strlcpy(v, value, sizeof(v));
	switch (d->sec) {
	case SEC_NONE:
		return eg_ini_error(ini, -EINVAL, "'%s' outside of any section", key);
	case SEC_DEVICE:
		return device_key(ini, d, key, v);
	case SEC_DOMAIN:
		return domain_key(ini, d, key, v);
	case SEC_ZONE:
		return zone_key(ini, d, key, v);
	case SEC_POLICY:
		return add_setting(ini, d, -1, "", key, value);
	case SEC_TUNABLES:
		return add_setting(ini, d, -1, d->policy, key, value);
	case SEC_PROFILE: {
		/* "schedutil.headroom_pct" is a tunable, "freq" a choice. */
		const char *dot = strchr(key, '.');
		char policy[EG_NAME_MAX];

		if (!dot)
			return add_setting(ini, d, d->profile, "", key, value);
		if ((size_t)(dot - key) >= sizeof(policy))
			return eg_ini_error(ini, -EINVAL, "key '%s' is too long", key);
		memcpy(policy, key, (size_t)(dot - key));
		policy[dot - key] = '\0';
		if (!is_policy_name(policy))
			return eg_ini_error(ini, -EINVAL, "unknown policy '%s' in '%s'", policy,
					    key);
		return add_setting(ini, d, d->profile, policy, dot + 1, value);
	}
	}
	return -EINVAL;
}

static int finish_error(const char *path, struct eg_error *err, int line, const char *fmt, ...)
	EG_PRINTF(4, 5);

static int finish_error(const char *path, struct eg_error *err, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	eg_error_vset(err, path, line, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* What needs every section read: domain names used before their [domain],
 * the device's identity, CPU coverage with the lines that explain it. */
static int dev_finish(struct dev_parse *d, const char *path, struct eg_error *err)
{
	struct eg_model *m = &d->m;
	eg_cpumask_t seen = { { 0 } };
	int max_cpu = -1;

	if (!d->have_device || !m->name[0])
		return finish_error(path, err, d->device_line,
				    "the device has no name: [device] name = ... is required");
	for (int z = 0; z < m->nr_zones; z++) {
		for (int c = 0; c < m->zones[z].nr_cooled; c++) {
			int pd = find_pd(m, d->cools_name[z][c]);

			if (pd < 0)
				return finish_error(path, err, d->cools_line[z],
						    "zone %s cools unknown domain '%s'",
						    m->zones[z].name, d->cools_name[z][c]);
			m->zones[z].cooled[c].pd = pd;
		}
		m->zones[z].rc_estimated = d->any_rc_est[z];
	}
	for (int i = 0; i < d->pc.nr_settings; i++) {
		if (!d->setting_domain[i][0])
			continue;
		d->pc.settings[i].pd = find_pd(m, d->setting_domain[i]);
		if (d->pc.settings[i].pd < 0)
			return finish_error(path, err, d->setting_sec_line[i],
					    "section names unknown domain '%s'",
					    d->setting_domain[i]);
	}
	/* CPU coverage is checked by eg_model_finalize() too, but here we know
	 * which line to point at. */
	for (int i = 0; i < m->nr_pds; i++) {
		int cpu;

		eg_for_each_cpu (cpu, &m->pds[i].cpus) {
			if (eg_cpumask_test(&seen, cpu)) {
				int other = 0;

				while (!eg_cpumask_test(&m->pds[other].cpus, cpu))
					other++;
				return finish_error(path, err,
						    d->pd_cpus_line[i] ? d->pd_cpus_line[i] :
									 m->pds[i].src_line,
						    "CPU %d is in two domains (%s and %s)", cpu,
						    m->pds[other].name, m->pds[i].name);
			}
			eg_cpumask_set(&seen, cpu);
			if (cpu > max_cpu)
				max_cpu = cpu;
		}
	}
	if (m->nr_cpus && max_cpu >= m->nr_cpus) {
		int i = 0;

		while (!eg_cpumask_test(&m->pds[i].cpus, max_cpu))
			i++;
		return finish_error(path, err,
				    d->pd_cpus_line[i] ? d->pd_cpus_line[i] : m->pds[i].src_line,
				    "CPU %d is in domain %s but [device] cpus = %d", max_cpu,
				    m->pds[i].name, m->nr_cpus);
	}
	for (int cpu = 0; cpu < (m->nr_cpus ? m->nr_cpus : max_cpu + 1); cpu++) {
		if (!eg_cpumask_test(&seen, cpu))
			return finish_error(path, err,
					    d->device_cpus_line ? d->device_cpus_line :
								  d->device_line,
					    "CPU %d is in no domain", cpu);
	}
	return 0;
}

int eg_conf_load_device(const char *path, struct eg_model *m, struct eg_policy_conf *pc,
			struct eg_error *err)
{
	_cleanup_free_ struct dev_parse *d = calloc(1, sizeof(*d));
	int rc;

	if (!d) {
		eg_error_set(err, path, 0, "out of memory");
		return -ENOMEM;
	}
	eg_model_init(&d->m);
	eg_policy_conf_init(&d->pc, path);
	d->profile = -1;
	rc = eg_ini_run(path, dev_section, dev_key, d, err);
	if (rc < 0)
		return rc;
	rc = dev_finish(d, path, err);
	if (rc < 0)
		return rc;
	if (eg_strlcpy(d->m.source, path, sizeof(d->m.source)) < 0) {
		eg_error_set(err, path, 0, "path too long");
		return -ENAMETOOLONG;
	}
	rc = eg_model_finalize(&d->m, err);
	if (rc < 0)
		return rc;
	rc = eg_policy_conf_validate(&d->pc, &d->m, err);
	if (rc < 0)
		return rc;
	/* Everything checked: only now does the caller's state change. */
	*m = d->m;
	*pc = d->pc;
	return 0;
}
