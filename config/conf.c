/* Device policy files and eagov.conf: inih does the INI syntax, a reader of
 * ours feeds it line by line from memory (so lines are bounded, binary input
 * is refused and every value knows its line), and handlers here turn keys into
 * the machine model and policy settings. Format: conf.h, docs/device-files.md. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "conf.h"
#include "config.h"
#include "util.h"

/* ---------------------------------------------------------------------- */
/* Reading: whole file into memory, checked, then handed to inih by lines. */

struct ini_run;
typedef int (*section_fn)(struct ini_run *r, const char *kind, const char *arg);
typedef int (*key_fn)(struct ini_run *r, const char *key, const char *value);

struct ini_run {
	const char *path;
	char *buf;
	size_t len, pos;
	int line;            /* line last handed to inih (1-based) */
	int rc;              /* first error, 0 if none */
	struct eg_error *err;
	section_fn on_section;
	key_fn on_key;
	void *user;
};

static int run_error(struct ini_run *r, int rc, int line, const char *fmt, ...)
	EG_PRINTF(4, 5);

static int run_error(struct ini_run *r, int rc, int line, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (r->rc)
		return r->rc;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	eg_error_set(r->err, r->path, line, "%s", msg);
	r->rc = rc;
	return rc;
}

static int read_file(const char *path, char **out, size_t *len, struct eg_error *err)
{
	_cleanup_free_ char *buf = NULL;
	struct stat st;
	size_t n = 0;
	FILE *f;

	f = fopen(path, "re");
	if (!f) {
		int e = errno;

		eg_error_set(err, path, 0, "cannot open: %s", strerror(e));
		return -e;
	}
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(f);
		eg_error_set(err, path, 0, "is a directory");
		return -EISDIR;
	}
	buf = malloc(EG_CONF_FILE_MAX + 1);
	if (!buf) {
		fclose(f);
		return -ENOMEM;
	}
	n = fread(buf, 1, EG_CONF_FILE_MAX + 1, f);
	if (ferror(f)) {
		int e = errno ? errno : EIO;

		fclose(f);
		eg_error_set(err, path, 0, "read error: %s", strerror(e));
		return -e;
	}
	fclose(f);
	if (n > EG_CONF_FILE_MAX) {
		eg_error_set(err, path, 0, "larger than %d bytes: not a configuration file",
			     EG_CONF_FILE_MAX);
		return -EFBIG;
	}
	buf[n] = '\0';
	*out = buf;
	buf = NULL;
	*len = n;
	return 0;
}

/* Refuse what is not text (NUL and other control bytes) and lines longer than
 * EG_CONF_LINE_MAX, each with its line; -ENODATA when nothing but blanks and
 * comments. */
static int check_text(struct ini_run *r)
{
	bool content = false;
	size_t start = 0;
	int line = 1;

	for (size_t i = 0; i <= r->len; i++) {
		unsigned char c = i < r->len ? (unsigned char)r->buf[i] : '\n';

		if (c == '\n') {
			size_t end = i;
			const char *p = r->buf + start;

			if (end > start && r->buf[end - 1] == '\r')
				end--;
			if (end - start > EG_CONF_LINE_MAX)
				return run_error(r, -E2BIG, line,
						 "line is %zu characters long, the limit is %d",
						 end - start, EG_CONF_LINE_MAX);
			while (p < r->buf + end && (*p == ' ' || *p == '\t'))
				p++;
			if (p < r->buf + end && *p != ';' && *p != '#')
				content = true;
			line++;
			start = i + 1;
			continue;
		}
		if (c < 0x20 && c != '\t' && c != '\r')
			return run_error(r, -EINVAL, line,
					 "binary content (byte 0x%02x): not a text file", c);
		if (c == 0x7f)
			return run_error(r, -EINVAL, line,
					 "binary content (byte 0x7f): not a text file");
	}
	if (!content)
		return run_error(r, -ENODATA, 0, "file is empty (no section, no key)");
	return 0;
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
		*--e = '\0';
	return s;
}

/* A section header seen by the reader: "[kind arg]". Handled here rather
 * than in the key handler so empty sections are checked too and every
 * section knows its line. */
static int reader_section(struct ini_run *r, const char *raw)
{
	char name[EG_CONF_LINE_MAX + 1];
	const char *close = strchr(raw, ']');
	char *kind, *arg;

	if (!close)
		return 0;  /* inih reports the syntax error */
	memcpy(name, raw + 1, (size_t)(close - raw - 1));
	name[close - raw - 1] = '\0';
	kind = trim(name);
	arg = kind + strcspn(kind, " \t");
	if (*arg) {
		*arg++ = '\0';
		arg = trim(arg);
	}
	return r->on_section(r, kind, arg);
}

static char *conf_reader(char *str, int num, void *stream)
{
	struct ini_run *r = stream;
	size_t start = r->pos, end, n;
	const char *p;

	if (r->rc || r->pos >= r->len)
		return NULL;
	end = start;
	while (end < r->len && r->buf[end] != '\n')
		end++;
	n = end - start + (end < r->len ? 1 : 0);
	r->pos = start + n;
	r->line++;
	if (n + 1 > (size_t)num) {
		run_error(r, -E2BIG, r->line, "line too long for the INI parser (%d bytes)", num);
		return NULL;
	}
	memcpy(str, r->buf + start, n);
	str[n] = '\0';

	/* inih takes an indented line after a key as a continuation of its
	 * value; we have no multi-line values, so such a line is a mistake. */
	p = str;
	if (*p == ' ' || *p == '\t') {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p && *p != ';' && *p != '#' && *p != '\r' && *p != '\n') {
			run_error(r, -EINVAL, r->line,
				  "indented line: continuation lines are not supported");
			return NULL;
		}
	}
	if (*p == '[' && reader_section(r, p) < 0)
		return NULL;
	return str;
}

static int conf_handler(void *user, const char *section, const char *name, const char *value)
{
	struct ini_run *r = user;

	(void)section;  /* the reader already told us which one */
	if (r->rc)
		return 0;
	if (!value)
		value = "";
	return r->on_key(r, name, value) < 0 ? 0 : 1;
}

/* Run inih over r->buf; returns 0 or the first error (in r->err). */
static int ini_run(struct ini_run *r)
{
	int ret;

	if (check_text(r) < 0)
		return r->rc;
	ret = ini_parse_stream(conf_reader, r, conf_handler, r);
	if (ret == -2)
		return -ENOMEM;
	/* inih flags lines it cannot parse and goes on; the reader stops at our
	 * first error, so an earlier inih line is the first error overall. */
	if (ret > 0 && (!r->rc || ret < r->err->line)) {
		r->rc = 0;
		return run_error(r, -EINVAL, ret,
				 "syntax error: expected [section], key = value or a comment");
	}
	return r->rc;
}

/* ---------------------------------------------------------------------- */
/* Values. */

/* Split off the first whitespace-separated token of *s. */
static char *next_token(char **s)
{
	char *p = *s, *tok;

	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p) {
		*s = p;
		return NULL;
	}
	tok = p;
	while (*p && *p != ' ' && *p != '\t')
		p++;
	if (*p)
		*p++ = '\0';
	*s = p;
	return tok;
}

/* Strip a trailing estimate marker '~'; refuse it where no estimate is
 * allowed (est == NULL). */
static int take_marker(struct ini_run *r, char *tok, const char *what, bool *est)
{
	size_t n = strlen(tok);

	if (n && tok[n - 1] == '~') {
		if (!est)
			return run_error(r, -EINVAL, r->line,
					 "%s cannot be marked as an estimate ('~')", what);
		tok[n - 1] = '\0';
		*est = true;
	}
	return 0;
}

static int parse_u64(struct ini_run *r, char *tok, const char *what, uint64_t min, uint64_t max,
		     uint64_t *out, bool *est)
{
	unsigned long long v;
	char *end;

	if (!tok)
		return run_error(r, -EINVAL, r->line, "%s is missing", what);
	if (take_marker(r, tok, what, est) < 0)
		return r->rc;
	if (!isdigit((unsigned char)tok[0]))
		return run_error(r, -EINVAL, r->line, "%s: '%s' is not a number", what, tok);
	errno = 0;
	v = strtoull(tok, &end, 10);
	if (*end)
		return run_error(r, -EINVAL, r->line, "%s: '%s' is not a number", what, tok);
	if (errno == ERANGE || v < min || v > max)
		return run_error(r, -ERANGE, r->line, "%s %s is out of range [%llu, %llu]", what,
				 tok, (unsigned long long)min, (unsigned long long)max);
	*out = v;
	return 0;
}

static int parse_u32(struct ini_run *r, char *tok, const char *what, uint32_t min, uint32_t max,
		     uint32_t *out)
{
	uint64_t v;
	int rc = parse_u64(r, tok, what, min, max, &v, NULL);

	if (rc < 0)
		return rc;
	*out = (uint32_t)v;
	return 0;
}

/* "-" (unknown: 0) or a number. */
static int parse_u64_opt(struct ini_run *r, char *tok, const char *what, uint64_t max,
			 uint64_t *out, bool *est)
{
	if (tok && eg_streq(tok, "-")) {
		*out = 0;
		return 0;
	}
	return parse_u64(r, tok, what, 0, max, out, est);
}

/* Decimal with up to three fractional digits, optional sign, to thousandths:
 * "65" -> 65000, "-2.5" -> -2500. */
static int parse_milli(struct ini_run *r, char *tok, const char *what, int min_m, int max_m,
		       int *out)
{
	const char *p = tok;
	long long v = 0;
	int frac = 0, digits = 0;
	bool neg = false;

	if (!tok)
		return run_error(r, -EINVAL, r->line, "%s is missing", what);
	if (*p == '-') {
		neg = true;
		p++;
	}
	if (!isdigit((unsigned char)*p))
		goto bad;
	while (isdigit((unsigned char)*p)) {
		v = v * 10 + (*p++ - '0');
		if (v > 1000000)
			goto range;
	}
	v *= 1000;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			goto bad;
		while (isdigit((unsigned char)*p)) {
			if (++digits > 3)
				goto bad;
			frac = frac * 10 + (*p++ - '0');
		}
		for (int i = digits; i < 3; i++)
			frac *= 10;
		v += frac;
	}
	if (*p)
		goto bad;
	if (neg)
		v = -v;
	if (v < min_m || v > max_m)
		goto range;
	*out = (int)v;
	return 0;
bad:
	return run_error(r, -EINVAL, r->line,
			 "%s: '%s' is not a decimal number (at most 3 decimals)", what, tok);
range:
	return run_error(r, -ERANGE, r->line, "%s %s is out of range [%d.%03d, %d.%03d]", what,
			 tok, min_m / 1000, abs(min_m % 1000), max_m / 1000, abs(max_m % 1000));
}

/* A positive decimal ("6.5"): digits with at most one point, nothing else,
 * so no hex, exponents, inf or nan get through strtod. */
static int parse_pos_double(struct ini_run *r, char *tok, const char *what, double max,
			    double *out, bool *est)
{
	int dots = 0;
	double v;

	if (!tok)
		return run_error(r, -EINVAL, r->line, "%s is missing", what);
	if (take_marker(r, tok, what, est) < 0)
		return r->rc;
	for (const char *p = tok; *p; p++) {
		if (*p == '.')
			dots++;
		else if (!isdigit((unsigned char)*p))
			dots = 2;
	}
	if (!tok[0] || dots > 1 || !isdigit((unsigned char)tok[0]))
		return run_error(r, -EINVAL, r->line, "%s: '%s' is not a decimal number", what,
				 tok);
	v = strtod(tok, NULL);
	if (!(v > 0.0) || v > max)
		return run_error(r, -ERANGE, r->line, "%s %s is out of range (0, %g]", what, tok,
				 max);
	*out = v;
	return 0;
}

static int parse_name(struct ini_run *r, const char *v, const char *what, char *dst, size_t size)
{
	if (!v[0])
		return run_error(r, -EINVAL, r->line, "%s is empty", what);
	if (eg_strlcpy(dst, v, size) < 0)
		return run_error(r, -EINVAL, r->line, "%s '%s' is longer than %zu characters",
				 what, v, size - 1);
	return 0;
}

static int no_more(struct ini_run *r, char *rest, const char *what)
{
	char *tok = next_token(&rest);

	if (tok)
		return run_error(r, -EINVAL, r->line, "%s: unexpected '%s' at the end", what, tok);
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Device files. */

enum dev_section {
	SEC_NONE,
	SEC_DEVICE,
	SEC_DOMAIN,
	SEC_ZONE,
	SEC_POLICY,    /* [policy], [policy DOM] */
	SEC_TUNABLES,  /* [POLICY], [POLICY DOM] */
	SEC_PROFILE,   /* [profile P], [profile P DOM] */
};

/* Keys that may be given once per section: bit per key, reset per section. */
struct seen_keys {
	char names[24][EG_NAME_MAX];
	int n;
};

struct dev_parse {
	struct eg_model m;
	struct eg_policy_conf pc;
	enum dev_section sec;
	int sec_line;
	struct eg_pd *pd;        /* current [domain] */
	struct eg_zone *zone;    /* current [zone] */
	int profile;             /* current [profile], -1 */
	char policy[EG_NAME_MAX];/* current [POLICY] */
	char sec_domain[EG_NAME_MAX];  /* domain named in a policy/profile section, "" */
	struct seen_keys seen;
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

static int once(struct ini_run *r, struct dev_parse *d, const char *key)
{
	for (int i = 0; i < d->seen.n; i++)
		if (eg_streq(d->seen.names[i], key))
			return run_error(r, -EINVAL, r->line, "'%s' given twice in this section",
					 key);
	if (d->seen.n < (int)ARRAY_SIZE(d->seen.names))
		eg_strlcpy(d->seen.names[d->seen.n++], key, EG_NAME_MAX);
	return 0;
}

static int find_pd(const struct eg_model *m, const char *name)
{
	for (int i = 0; i < m->nr_pds; i++)
		if (eg_streq(m->pds[i].name, name))
			return i;
	return -1;
}

static bool is_policy_name(const char *name)
{
	return eg_freq_policy_find(name) || eg_idle_policy_find(name) ||
	       eg_thermal_policy_find(name);
}

static int dev_section(struct ini_run *r, const char *kind, const char *arg)
{
	struct dev_parse *d = r->user;
	char arg1[EG_CONF_LINE_MAX + 1];
	char *rest = arg1, *a1, *a2, *a3;
	enum eg_profile prof;

	eg_strlcpy(arg1, arg, sizeof(arg1));
	a1 = next_token(&rest);
	a2 = next_token(&rest);
	a3 = next_token(&rest);
	/* Only [profile P DOMAIN] has two words after the kind. */
	if (a3 || (a2 && !eg_streq(kind, "profile")))
		return run_error(r, -EINVAL, r->line, "section [%s %s]: too many words", kind,
				 arg);
	d->seen.n = 0;
	d->sec_line = r->line;
	d->pd = NULL;
	d->zone = NULL;
	d->profile = -1;
	d->policy[0] = '\0';
	d->sec_domain[0] = '\0';

	if (eg_streq(kind, "device") && !a1) {
		if (d->have_device)
			return run_error(r, -EINVAL, r->line, "[device] given twice");
		d->have_device = true;
		d->device_line = r->line;
		d->sec = SEC_DEVICE;
		return 0;
	}
	if (eg_streq(kind, "domain")) {
		struct eg_pd *pd;

		if (!a1)
			return run_error(r, -EINVAL, r->line, "[domain] needs a name: [domain NAME]");
		if (find_pd(&d->m, a1) >= 0)
			return run_error(r, -EINVAL, r->line, "domain '%s' defined twice", a1);
		if (d->m.nr_pds >= EG_MAX_PDS)
			return run_error(r, -EINVAL, r->line, "more than %d domains", EG_MAX_PDS);
		pd = &d->m.pds[d->m.nr_pds];
		if (parse_name(r, a1, "domain name", pd->name, sizeof(pd->name)) < 0)
			return r->rc;
		d->m.nr_pds++;
		pd->origin = EG_ORIGIN_FILE;
		pd->src_line = r->line;
		d->pd = pd;
		d->sec = SEC_DOMAIN;
		return 0;
	}
	if (eg_streq(kind, "zone")) {
		struct eg_zone *z;

		if (!a1)
			return run_error(r, -EINVAL, r->line, "[zone] needs a name: [zone NAME]");
		for (int i = 0; i < d->m.nr_zones; i++)
			if (eg_streq(d->m.zones[i].name, a1))
				return run_error(r, -EINVAL, r->line, "zone '%s' defined twice", a1);
		if (d->m.nr_zones >= EG_MAX_ZONES)
			return run_error(r, -EINVAL, r->line, "more than %d zones", EG_MAX_ZONES);
		z = &d->m.zones[d->m.nr_zones];
		if (parse_name(r, a1, "zone name", z->name, sizeof(z->name)) < 0)
			return r->rc;
		d->m.nr_zones++;
		z->origin = EG_ORIGIN_FILE;
		z->src_line = r->line;
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
			return run_error(r, -EINVAL, r->line,
					 "[profile %s]: profile must be power-saver, balanced or "
					 "performance", a1 ? a1 : "");
		d->profile = (int)prof;
		d->sec = SEC_PROFILE;
		if (a2)
			eg_strlcpy(d->sec_domain, a2, sizeof(d->sec_domain));
		return 0;
	}
	if (is_policy_name(kind)) {
		if (a1 && !eg_freq_policy_find(kind))
			return run_error(r, -EINVAL, r->line,
					 "[%s %s]: only frequency policies have per-domain tunables",
					 kind, a1);
		eg_strlcpy(d->policy, kind, sizeof(d->policy));
		if (a1)
			eg_strlcpy(d->sec_domain, a1, sizeof(d->sec_domain));
		d->sec = SEC_TUNABLES;
		return 0;
	}
	return run_error(r, -EINVAL, r->line,
			 "unknown section [%s%s%s] (expected device, domain NAME, zone NAME, "
			 "policy, profile P, or a policy name)", kind, arg[0] ? " " : "", arg);
}

static int unknown_key(struct ini_run *r, const char *sec, const char *key)
{
	return run_error(r, -EINVAL, r->line, "unknown key '%s' in [%s]", key, sec);
}

static int device_key(struct ini_run *r, struct dev_parse *d, const char *key, char *v)
{
	struct eg_model *m = &d->m;
	char *tok;

	if (eg_streq(key, "name")) {
		if (once(r, d, key) < 0)
			return r->rc;
		return parse_name(r, v, "name", m->name, sizeof(m->name));
	}
	if (eg_streq(key, "compatible")) {
		while ((tok = next_token(&v))) {
			if (m->nr_compatible >= EG_MAX_IDS)
				return run_error(r, -EINVAL, r->line, "more than %d compatible strings",
						 EG_MAX_IDS);
			if (parse_name(r, tok, "compatible", m->compatible[m->nr_compatible],
				       EG_NAME_MAX) < 0)
				return r->rc;
			m->nr_compatible++;
		}
		return 0;
	}
	if (eg_streq(key, "dmi")) {
		if (m->nr_dmi >= EG_MAX_IDS)
			return run_error(r, -EINVAL, r->line, "more than %d dmi names", EG_MAX_IDS);
		if (parse_name(r, v, "dmi", m->dmi[m->nr_dmi], EG_NAME_MAX) < 0)
			return r->rc;
		m->nr_dmi++;
		return 0;
	}
	if (eg_streq(key, "cpus")) {
		uint32_t n;

		if (once(r, d, key) < 0 || parse_u32(r, next_token(&v), "cpus", 1, EG_MAX_CPUS,
						     &n) < 0 || no_more(r, v, "cpus") < 0)
			return r->rc;
		m->nr_cpus = (int)n;
		d->device_cpus_line = r->line;
		return 0;
	}
	return unknown_key(r, "device", key);
}

/* name entry_us exit_us residency_us power_uW */
static int idle_value(struct ini_run *r, struct eg_pd *pd, bool cluster, char *v)
{
	struct eg_idle_state *st;
	int *n = cluster ? &pd->nr_cluster_idle : &pd->nr_cpu_idle;
	const char *what = cluster ? "cluster_idle" : "cpu_idle";
	/* 10 s bounds every latency: no idle state takes longer to leave. */
	const uint64_t max_us = 10000000;
	uint64_t entry, exit_us, res, power;
	char *tok;

	if (*n >= EG_MAX_IDLE_STATES)
		return run_error(r, -EINVAL, r->line, "more than %d %s states", EG_MAX_IDLE_STATES,
				 what);
	st = cluster ? &pd->cluster_idle[*n] : &pd->cpu_idle[*n];
	memset(st, 0, sizeof(*st));
	tok = next_token(&v);
	if (!tok)
		return run_error(r, -EINVAL, r->line,
				 "%s: expected name entry_us exit_us residency_us power_uW", what);
	if (parse_name(r, tok, "idle state name", st->name, sizeof(st->name)) < 0 ||
	    parse_u64(r, next_token(&v), "entry latency (us)", 0, max_us, &entry, NULL) < 0 ||
	    parse_u64(r, next_token(&v), "exit latency (us)", 0, max_us, &exit_us, NULL) < 0 ||
	    parse_u64(r, next_token(&v), "target residency (us)", 0, max_us, &res, NULL) < 0 ||
	    parse_u64_opt(r, next_token(&v), "idle power (uW)", 100000000, &power,
			  &st->power_estimated) < 0 ||
	    no_more(r, v, what) < 0)
		return r->rc;
	st->entry_us = (uint32_t)entry;
	st->exit_us = (uint32_t)exit_us;
	st->residency_us = (uint32_t)res;
	st->power_uw = power;
	st->src_line = r->line;
	(*n)++;
	return 0;
}

/* kHz mV [power_uW [domain_power_uW]] */
static int opp_value(struct ini_run *r, struct eg_pd *pd, char *v)
{
	struct eg_opp *o;
	uint64_t khz, mv = 0, power = 0, pd_power = 0;
	/* Bounds that catch unit mistakes (MHz for kHz, V for mV, mW for uW
	 * the other way round) without excluding real hardware. */
	const uint64_t max_khz = 10000000, max_mv = 5000, max_uw = 100000000;
	bool est = false;
	char *tok;

	if (pd->nr_opps >= EG_MAX_OPPS)
		return run_error(r, -EINVAL, r->line, "more than %d OPPs", EG_MAX_OPPS);
	if (parse_u64(r, next_token(&v), "OPP frequency (kHz)", 1, max_khz, &khz, NULL) < 0)
		return r->rc;
	tok = next_token(&v);
	if (!tok)
		return run_error(r, -EINVAL, r->line, "opp: expected kHz mV [power_uW [domain_power_uW]]");
	if (!eg_streq(tok, "-") && parse_u64(r, tok, "OPP voltage (mV)", 1, max_mv, &mv, NULL) < 0)
		return r->rc;
	tok = next_token(&v);
	if (tok && parse_u64_opt(r, tok, "OPP power (uW)", max_uw, &power, &est) < 0)
		return r->rc;
	tok = next_token(&v);
	if (tok && parse_u64_opt(r, tok, "OPP domain power (uW)", max_uw, &pd_power, &est) < 0)
		return r->rc;
	if (no_more(r, v, "opp") < 0)
		return r->rc;
	o = &pd->opps[pd->nr_opps++];
	memset(o, 0, sizeof(*o));
	o->khz = (uint32_t)khz;
	o->mv = (uint32_t)mv;
	o->power_uw = power;
	o->pd_power_uw = pd_power;
	o->power_origin = power ? EG_ORIGIN_FILE : EG_ORIGIN_NONE;
	o->power_estimated = est;
	o->src_line = r->line;
	return 0;
}

static int domain_key(struct ini_run *r, struct dev_parse *d, const char *key, char *v)
{
	struct eg_pd *pd = d->pd;
	char *tok;

	if (eg_streq(key, "opp"))
		return opp_value(r, pd, v);
	if (eg_streq(key, "cpu_idle"))
		return idle_value(r, pd, false, v);
	if (eg_streq(key, "cluster_idle"))
		return idle_value(r, pd, true, v);
	if (once(r, d, key) < 0)
		return r->rc;
	if (eg_streq(key, "cpus")) {
		int rc = eg_cpumask_parse(v, &pd->cpus);

		if (rc == -ERANGE)
			return run_error(r, -ERANGE, r->line, "cpus '%s': CPU numbers must be below %d",
					 v, EG_MAX_CPUS);
		if (rc < 0 || !v[0])
			return run_error(r, -EINVAL, r->line, "cpus '%s' is not a CPU list (like 0-3,6)",
					 v);
		d->pd_cpus_line[pd - d->m.pds] = r->line;
		return 0;
	}
	tok = next_token(&v);
	if (eg_streq(key, "capacity_dmips_mhz")) {
		if (parse_u32(r, tok, key, 1, 100000, &pd->capacity_dmips_mhz) < 0)
			return r->rc;
	} else if (eg_streq(key, "dynamic_power_coefficient")) {
		if (parse_u32(r, tok, key, 1, 100000, &pd->dyn_power_coeff) < 0)
			return r->rc;
	} else if (eg_streq(key, "transition_latency_us")) {
		uint32_t us;

		if (parse_u32(r, tok, key, 0, 1000000, &us) < 0)
			return r->rc;
		pd->transition_latency_ns = us * 1000U;
	} else if (eg_streq(key, "cpu_capacity")) {
		if (parse_u32(r, tok, key, 1, EG_CAPACITY_SCALE, &pd->max_cap) < 0)
			return r->rc;
	} else {
		return run_error(r, -EINVAL, r->line, "unknown key '%s' in [domain %s]", key,
				 pd->name);
	}
	return no_more(r, v, key);
}

static int zone_key(struct ini_run *r, struct dev_parse *d, const char *key, char *v)
{
	struct eg_zone *z = d->zone;
	int zi = (int)(z - d->m.zones);
	char *tok;

	if (eg_streq(key, "trip")) {
		struct eg_trip *t;

		if (z->nr_trips >= EG_MAX_TRIPS)
			return run_error(r, -EINVAL, r->line, "more than %d trips", EG_MAX_TRIPS);
		t = &z->trips[z->nr_trips];
		memset(t, 0, sizeof(*t));
		if (parse_milli(r, next_token(&v), "trip temperature (C)", -50000, 200000,
				&t->temp_mc) < 0)
			return r->rc;
		tok = next_token(&v);
		if (!tok || eg_trip_type_from_string(tok, &t->type) < 0)
			return run_error(r, -EINVAL, r->line,
					 "trip type '%s' is not active, passive, hot or critical",
					 tok ? tok : "");
		tok = next_token(&v);
		if (tok && parse_milli(r, tok, "trip hysteresis (C)", 0, 50000, &t->hyst_mc) < 0)
			return r->rc;
		if (no_more(r, v, "trip") < 0)
			return r->rc;
		t->src_line = r->line;
		z->nr_trips++;
		return 0;
	}
	if (once(r, d, key) < 0)
		return r->rc;
	if (eg_streq(key, "sensor"))
		return parse_name(r, v, "sensor", z->sensor, sizeof(z->sensor));
	if (eg_streq(key, "cools")) {
		while ((tok = next_token(&v))) {
			char *colon = strchr(tok, ':');
			struct eg_cooled *c;

			if (z->nr_cooled >= EG_MAX_COOLED)
				return run_error(r, -EINVAL, r->line, "more than %d cooled domains",
						 EG_MAX_COOLED);
			if (!colon)
				return run_error(r, -EINVAL, r->line,
						 "cools: '%s' is not DOMAIN:WEIGHT", tok);
			*colon = '\0';
			c = &z->cooled[z->nr_cooled];
			if (parse_u32(r, colon + 1, "cooling weight", 1, 1024, &c->weight) < 0 ||
			    parse_name(r, tok, "cooled domain", d->cools_name[zi][z->nr_cooled],
				       EG_NAME_MAX) < 0)
				return r->rc;
			c->pd = -1;
			z->nr_cooled++;
		}
		if (!z->nr_cooled)
			return run_error(r, -EINVAL, r->line, "cools: no DOMAIN:WEIGHT given");
		d->cools_line[zi] = r->line;
		return 0;
	}
	tok = next_token(&v);
	if (eg_streq(key, "sustainable_power_mw")) {
		if (parse_u32(r, tok, key, 1, 1000000, &z->sustainable_power_mw) < 0)
			return r->rc;
	} else if (eg_streq(key, "polling_ms")) {
		if (parse_u32(r, tok, key, 0, 600000, &z->polling_ms) < 0)
			return r->rc;
	} else if (eg_streq(key, "passive_ms")) {
		if (parse_u32(r, tok, key, 0, 600000, &z->passive_ms) < 0)
			return r->rc;
	} else if (eg_streq(key, "rc_resistance")) {
		if (parse_pos_double(r, tok, key, 1000.0, &z->rc_resistance, &d->any_rc_est[zi]) < 0)
			return r->rc;
	} else if (eg_streq(key, "rc_capacitance")) {
		if (parse_pos_double(r, tok, key, 100000.0, &z->rc_capacitance,
				     &d->any_rc_est[zi]) < 0)
			return r->rc;
	} else if (eg_streq(key, "ambient")) {
		if (parse_milli(r, tok, "ambient (C)", -40000, 85000, &z->ambient_mc) < 0)
			return r->rc;
	} else {
		return run_error(r, -EINVAL, r->line, "unknown key '%s' in [zone %s]", key,
				 z->name);
	}
	return no_more(r, v, key);
}

static int add_setting(struct ini_run *r, struct dev_parse *d, int profile, const char *policy,
		       const char *key, const char *value)
{
	struct eg_setting s = { .profile = profile, .pd = -1, .line = r->line };
	int i = d->pc.nr_settings;

	if (eg_strlcpy(s.policy, policy, sizeof(s.policy)) < 0 ||
	    eg_strlcpy(s.key, key, sizeof(s.key)) < 0)
		return run_error(r, -EINVAL, r->line, "key '%s' is too long", key);
	if (eg_strlcpy(s.value, value, sizeof(s.value)) < 0)
		return run_error(r, -EINVAL, r->line, "value is longer than %d characters",
				 EG_VALUE_MAX - 1);
	if (!value[0])
		return run_error(r, -EINVAL, r->line, "%s has no value", key);
	if (eg_policy_conf_add(&d->pc, &s) < 0)
		return run_error(r, -EINVAL, r->line, "more than %d policy settings",
				 EG_MAX_SETTINGS);
	eg_strlcpy(d->setting_domain[i], d->sec_domain, EG_NAME_MAX);
	d->setting_sec_line[i] = d->sec_line;
	return 0;
}

static int dev_key(struct ini_run *r, const char *key, const char *value)
{
	struct dev_parse *d = r->user;
	char v[EG_CONF_LINE_MAX + 1];

	eg_strlcpy(v, value, sizeof(v));
	switch (d->sec) {
	case SEC_NONE:
		return run_error(r, -EINVAL, r->line, "'%s' outside of any section", key);
	case SEC_DEVICE:
		return device_key(r, d, key, v);
	case SEC_DOMAIN:
		return domain_key(r, d, key, v);
	case SEC_ZONE:
		return zone_key(r, d, key, v);
	case SEC_POLICY:
		return add_setting(r, d, -1, "", key, value);
	case SEC_TUNABLES:
		return add_setting(r, d, -1, d->policy, key, value);
	case SEC_PROFILE: {
		/* "schedutil.headroom_pct" is a tunable, "freq" a choice. */
		const char *dot = strchr(key, '.');
		char policy[EG_NAME_MAX];

		if (!dot)
			return add_setting(r, d, d->profile, "", key, value);
		if ((size_t)(dot - key) >= sizeof(policy))
			return run_error(r, -EINVAL, r->line, "key '%s' is too long", key);
		memcpy(policy, key, (size_t)(dot - key));
		policy[dot - key] = '\0';
		if (!is_policy_name(policy))
			return run_error(r, -EINVAL, r->line, "unknown policy '%s' in '%s'", policy,
					 key);
		return add_setting(r, d, d->profile, policy, dot + 1, value);
	}
	}
	return -EINVAL;
}

/* What needs every section read: domain names used before their [domain],
 * the device's identity, CPU coverage with the lines that explain it. */
static int dev_finish(struct ini_run *r, struct dev_parse *d)
{
	struct eg_model *m = &d->m;
	eg_cpumask_t seen = { { 0 } };
	int max_cpu = -1;

	if (!d->have_device || !m->name[0])
		return run_error(r, -EINVAL, d->device_line,
				 "the device has no name: [device] name = ... is required");
	for (int z = 0; z < m->nr_zones; z++) {
		for (int c = 0; c < m->zones[z].nr_cooled; c++) {
			int pd = find_pd(m, d->cools_name[z][c]);

			if (pd < 0)
				return run_error(r, -EINVAL, d->cools_line[z],
						 "zone %s cools unknown domain '%s'", m->zones[z].name,
						 d->cools_name[z][c]);
			m->zones[z].cooled[c].pd = pd;
		}
		m->zones[z].rc_estimated = d->any_rc_est[z];
	}
	for (int i = 0; i < d->pc.nr_settings; i++) {
		if (!d->setting_domain[i][0])
			continue;
		d->pc.settings[i].pd = find_pd(m, d->setting_domain[i]);
		if (d->pc.settings[i].pd < 0)
			return run_error(r, -EINVAL, d->setting_sec_line[i],
					 "section names unknown domain '%s'", d->setting_domain[i]);
	}
	/* CPU coverage is checked by eg_model_finalize() too, but here we know
	 * which line to point at. */
	for (int i = 0; i < m->nr_pds; i++) {
		int cpu;

		eg_for_each_cpu(cpu, &m->pds[i].cpus) {
			if (eg_cpumask_test(&seen, cpu)) {
				int other = 0;

				while (!eg_cpumask_test(&m->pds[other].cpus, cpu))
					other++;
				return run_error(r, -EINVAL,
						 d->pd_cpus_line[i] ? d->pd_cpus_line[i]
								    : m->pds[i].src_line,
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
		return run_error(r, -EINVAL, d->pd_cpus_line[i] ? d->pd_cpus_line[i] : m->pds[i].src_line,
				 "CPU %d is in domain %s but [device] cpus = %d", max_cpu,
				 m->pds[i].name, m->nr_cpus);
	}
	for (int cpu = 0; cpu < (m->nr_cpus ? m->nr_cpus : max_cpu + 1); cpu++) {
		if (!eg_cpumask_test(&seen, cpu))
			return run_error(r, -EINVAL,
					 d->device_cpus_line ? d->device_cpus_line : d->device_line,
					 "CPU %d is in no domain", cpu);
	}
	return 0;
}

int eg_conf_load_device(const char *path, struct eg_model *m, struct eg_policy_conf *pc,
			struct eg_error *err)
{
	_cleanup_free_ struct dev_parse *d = NULL;
	_cleanup_free_ char *buf = NULL;
	struct eg_error dummy;
	struct ini_run r = { 0 };
	int rc;

	if (!err)
		err = &dummy;
	memset(err, 0, sizeof(*err));
	rc = read_file(path, &buf, &r.len, err);
	if (rc < 0)
		return rc;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	eg_model_init(&d->m);
	eg_policy_conf_init(&d->pc, path);
	if (eg_strlcpy(d->m.source, path, sizeof(d->m.source)) < 0) {
		eg_error_set(err, path, 0, "path too long");
		return -ENAMETOOLONG;
	}
	d->profile = -1;
	r.path = path;
	r.buf = buf;
	r.err = err;
	r.on_section = dev_section;
	r.on_key = dev_key;
	r.user = d;
	rc = ini_run(&r);
	if (rc < 0)
		return rc;
	rc = dev_finish(&r, d);
	if (rc < 0)
		return rc;
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

/* ---------------------------------------------------------------------- */
/* Finding device files. */

static int device_dirs(const char *dirs[3])
{
	const char *env = getenv("EAGOV_DEVICE_DIR");
	int n = 0;

	if (env && env[0])
		dirs[n++] = env;
	dirs[n++] = EAGOV_DATADIR "/devices";
	dirs[n++] = EAGOV_SOURCE_ROOT "/conf/devices";
	return n;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcmp(s + a - b, suffix) == 0;
}

int eg_conf_find_device(const char *name_or_path, char *path, size_t len)
{
	const char *dirs[3];
	int n;

	if (!name_or_path || !name_or_path[0])
		return -EINVAL;
	if (strchr(name_or_path, '/') || ends_with(name_or_path, ".ini")) {
		if (access(name_or_path, R_OK) < 0)
			return -errno;
		return eg_strlcpy(path, name_or_path, len);
	}
	n = device_dirs(dirs);
	for (int i = 0; i < n; i++) {
		char p[PATH_MAX];

		if ((size_t)snprintf(p, sizeof(p), "%s/%s.ini", dirs[i], name_or_path) >= sizeof(p))
			continue;
		if (access(p, R_OK) == 0)
			return eg_strlcpy(path, p, len);
	}
	return -ENOENT;
}

/* Only the identity keys of [device]; everything else is skipped so a file
 * with a mistake elsewhere still identifies its machine. */
struct ident {
	char path[PATH_MAX];
	char file[NAME_MAX + 1];
	bool in_device;
	int nr_compatible, nr_dmi;
	char compatible[EG_MAX_IDS][EG_NAME_MAX];
	char dmi[EG_MAX_IDS][EG_NAME_MAX];
};

static int ident_section(struct ini_run *r, const char *kind, const char *arg)
{
	struct ident *id = r->user;

	id->in_device = eg_streq(kind, "device") && !arg[0];
	return 0;
}

static int ident_key(struct ini_run *r, const char *key, const char *value)
{
	struct ident *id = r->user;
	char v[EG_CONF_LINE_MAX + 1];
	char *rest = v, *tok;

	if (!id->in_device)
		return 0;
	eg_strlcpy(v, value, sizeof(v));
	if (eg_streq(key, "compatible")) {
		while ((tok = next_token(&rest)) && id->nr_compatible < EG_MAX_IDS)
			eg_strlcpy(id->compatible[id->nr_compatible++], tok, EG_NAME_MAX);
	} else if (eg_streq(key, "dmi") && id->nr_dmi < EG_MAX_IDS) {
		eg_strlcpy(id->dmi[id->nr_dmi++], value, EG_NAME_MAX);
	}
	return 0;
}

static int read_ident(struct ident *id)
{
	_cleanup_free_ char *buf = NULL;
	struct eg_error err;
	struct ini_run r = { 0 };
	int rc;

	rc = read_file(id->path, &buf, &r.len, &err);
	if (rc < 0)
		return rc;
	r.path = id->path;
	r.buf = buf;
	r.err = &err;
	r.on_section = ident_section;
	r.on_key = ident_key;
	r.user = id;
	return ini_run(&r);
}

int eg_conf_match_device(const char *const *compatible, int n, const char *dmi, char *path,
			 size_t len)
{
	_cleanup_free_ struct ident *ids = NULL;
	const char *dirs[3];
	int nr_ids = 0, nd;

	ids = calloc(EG_CONF_MAX_CANDIDATES, sizeof(*ids));
	if (!ids)
		return -ENOMEM;
	nd = device_dirs(dirs);
	for (int i = 0; i < nd; i++) {
		struct dirent **names = NULL;
		int k = scandir(dirs[i], &names, NULL, alphasort);

		for (int j = 0; j < k; j++) {
			const char *f = names[j]->d_name;
			bool dup = false;

			for (int q = 0; q < nr_ids; q++)
				dup = dup || eg_streq(ids[q].file, f);
			if (!dup && ends_with(f, ".ini") && f[0] != '.' &&
			    nr_ids < EG_CONF_MAX_CANDIDATES) {
				struct ident *id = &ids[nr_ids];

				memset(id, 0, sizeof(*id));
				eg_strlcpy(id->file, f, sizeof(id->file));
				if ((size_t)snprintf(id->path, sizeof(id->path), "%s/%s", dirs[i], f) <
					    sizeof(id->path) &&
				    read_ident(id) == 0)
					nr_ids++;
			}
			free(names[j]);
		}
		free(names);
	}
	/* Device-tree order is most to least specific: the first string any
	 * file claims is the best match. */
	for (int c = 0; c < n; c++) {
		for (int i = 0; i < nr_ids; i++)
			for (int j = 0; j < ids[i].nr_compatible; j++)
				if (eg_streq(ids[i].compatible[j], compatible[c]))
					return eg_strlcpy(path, ids[i].path, len);
	}
	if (dmi && dmi[0]) {
		for (int i = 0; i < nr_ids; i++)
			for (int j = 0; j < ids[i].nr_dmi; j++)
				if (eg_streq(ids[i].dmi[j], dmi))
					return eg_strlcpy(path, ids[i].path, len);
	}
	return -ENOENT;
}

int eg_conf_first_section(const char *path, char *out, size_t len)
{
	_cleanup_free_ char *buf = NULL;
	struct eg_error err;
	size_t n;
	char *p;
	int rc;

	rc = read_file(path, &buf, &n, &err);
	if (rc < 0)
		return rc;
	if (len)
		out[0] = '\0';
	for (p = buf; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '[') {
			size_t k = strcspn(p + 1, "]\n");

			if (p[1 + k] != ']')
				return 0;
			if (k >= len)
				return -ENAMETOOLONG;
			memcpy(out, p + 1, k);
			out[k] = '\0';
			return 0;
		}
	}
	return 0;
}

/* ---------------------------------------------------------------------- */
/* eagov.conf */

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
}

struct daemon_parse {
	struct eg_daemon_conf c;
	bool in_daemon;
	struct seen_keys seen;
};

static int daemon_section(struct ini_run *r, const char *kind, const char *arg)
{
	struct daemon_parse *d = r->user;

	if (!eg_streq(kind, "daemon") || arg[0])
		return run_error(r, -EINVAL, r->line, "unknown section [%s%s%s] (expected [daemon])",
				 kind, arg[0] ? " " : "", arg);
	d->in_daemon = true;
	return 0;
}

static int parse_profile_value(struct ini_run *r, const char *key, const char *v, int *out)
{
	enum eg_profile p;

	if (eg_profile_from_string(v, &p) < 0)
		return run_error(r, -EINVAL, r->line,
				 "%s '%s' is not power-saver, balanced or performance", key, v);
	*out = (int)p;
	return 0;
}

static int abs_path(struct ini_run *r, const char *key, const char *v, char *dst, size_t size)
{
	if (v[0] != '/')
		return run_error(r, -EINVAL, r->line, "%s '%s' must be an absolute path", key, v);
	return parse_name(r, v, key, dst, size);
}

static int daemon_key(struct ini_run *r, const char *key, const char *value)
{
	struct daemon_parse *d = r->user;
	struct eg_daemon_conf *c = &d->c;
	char v[EG_CONF_LINE_MAX + 1];
	char *rest = v;
	int p = 0;

	if (!d->in_daemon)
		return run_error(r, -EINVAL, r->line, "'%s' outside of [daemon]", key);
	for (int i = 0; i < d->seen.n; i++)
		if (eg_streq(d->seen.names[i], key))
			return run_error(r, -EINVAL, r->line, "'%s' given twice", key);
	if (d->seen.n < (int)ARRAY_SIZE(d->seen.names))
		eg_strlcpy(d->seen.names[d->seen.n++], key, EG_NAME_MAX);
	eg_strlcpy(v, value, sizeof(v));

	if (eg_streq(key, "device"))
		return parse_name(r, value, key, c->device, sizeof(c->device));
	if (eg_streq(key, "profile")) {
		if (parse_profile_value(r, key, value, &p) < 0)
			return r->rc;
		c->profile = (enum eg_profile)p;
		return 0;
	}
	if (eg_streq(key, "profile_on_ac"))
		return parse_profile_value(r, key, value, &c->profile_on_ac);
	if (eg_streq(key, "profile_on_battery"))
		return parse_profile_value(r, key, value, &c->profile_on_battery);
	if (eg_streq(key, "source")) {
		if (eg_source_choice_from_string(value, &c->source) < 0)
			return run_error(r, -EINVAL, r->line,
					 "source '%s' is not auto, bpf, perf or poll", value);
		return 0;
	}
	if (eg_streq(key, "log_level")) {
		if (eg_log_level_from_string(value, &c->log_level) < 0)
			return run_error(r, -EINVAL, r->line,
					 "log_level '%s' is not err, warning, notice, info or debug",
					 value);
		return 0;
	}
	if (eg_streq(key, "state_dir"))
		return abs_path(r, key, value, c->state_dir, sizeof(c->state_dir));
	if (eg_streq(key, "control_socket"))
		return abs_path(r, key, value, c->control_socket, sizeof(c->control_socket));
	if (eg_streq(key, "poll_interval_ms")) {
		if (parse_u32(r, next_token(&rest), key, EG_DAEMON_POLL_MS_MIN,
			      EG_DAEMON_POLL_MS_MAX, &c->poll_interval_ms) < 0)
			return r->rc;
		return no_more(r, rest, key);
	}
	return unknown_key(r, "daemon", key);
}

int eg_conf_load_daemon(const char *path, struct eg_daemon_conf *c, struct eg_error *err)
{
	_cleanup_free_ struct daemon_parse *d = NULL;
	_cleanup_free_ char *buf = NULL;
	struct eg_error dummy;
	struct ini_run r = { 0 };
	int rc;

	if (!err)
		err = &dummy;
	memset(err, 0, sizeof(*err));
	rc = read_file(path, &buf, &r.len, err);
	if (rc < 0)
		return rc;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->c = *c;
	r.path = path;
	r.buf = buf;
	r.err = err;
	r.on_section = daemon_section;
	r.on_key = daemon_key;
	r.user = d;
	rc = ini_run(&r);
	if (rc < 0)
		return rc;
	if (!d->in_daemon) {
		eg_error_set(err, path, 0, "no [daemon] section");
		return -EINVAL;
	}
	eg_strlcpy(d->c.file, path, sizeof(d->c.file));
	*c = d->c;
	return 0;
}
