// SPDX-License-Identifier: GPL-2.0-or-later
/* cpufreq sink: userspace governor or HWP floor/EPP, caps, saved state. */
#include <stdio.h>

#include "cpufreq_sysfs.h"
#include "log.h"

#define CPUFREQ_DIR "/sys/devices/system/cpu/cpufreq"

static bool has_word(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p = list;

	while ((p = strstr(p, word))) {
		bool start = p == list || p[-1] == ' ';
		bool end = p[n] == '\0' || p[n] == ' ' || p[n] == '\n';

		if (start && end)
			return true;
		p += n;
	}
	return false;
}

static int knob(const struct eg_cpufreq_pd *p, const char *name, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/%s", p->dir, name);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int read_knob(const struct eg_cpufreq_pd *p, const char *name, char *buf, size_t len)
{
	char path[EG_PATH_MAX];
	int r = knob(p, name, path, sizeof(path));

	return r < 0 ? r : eg_sysfs_read(path, buf, len);
}

static int read_knob_u32(const struct eg_cpufreq_pd *p, const char *name, uint32_t *v)
{
	char path[EG_PATH_MAX];
	int r = knob(p, name, path, sizeof(path));

	return r < 0 ? r : eg_sysfs_read_u32(path, v);
}

static int record(struct eg_state *st, const struct eg_cpufreq_pd *p, const char *name)
{
	char path[EG_PATH_MAX];
	int r = knob(p, name, path, sizeof(path));

	if (r == 0)
		r = eg_state_record(st, path);
	if (r < 0)
		eg_warn_errno(r, "cannot save %s/%s", p->dir, name);
	return r;
}

const char *eg_cpufreq_epp_for(uint32_t khz, uint32_t min_khz, uint32_t max_khz)
{
	static const char *const epp[] = {
		"power",
		"balance_power",
		"balance_performance",
		"performance",
	};
	uint64_t q;

	if (max_khz <= min_khz || khz >= max_khz)
		return epp[3];
	if (khz <= min_khz)
		return epp[0];
	/* Quarter of the range the request falls in: 0..3. */
	q = (uint64_t)(khz - min_khz) * 4 / (max_khz - min_khz);
	return epp[EG_MIN(q, 3)];
}

/* Read what the domain has and pick a mode; no writes. */
static int probe_pd(struct eg_cpufreq_pd *p, const struct eg_sysfs *fs, const struct eg_pd *pd)
{
	char avail[256], prefs[256];
	int r;

	r = eg_sysfs_path(fs, p->dir, sizeof(p->dir), CPUFREQ_DIR "/%s", pd->sysfs_policy);
	if (r < 0)
		return r;
	r = read_knob(p, "scaling_governor", p->orig_governor, sizeof(p->orig_governor));
	if (r >= 0)
		r = read_knob(p, "scaling_available_governors", avail, sizeof(avail));
	if (r >= 0)
		r = read_knob_u32(p, "scaling_min_freq", &p->orig_min_khz);
	if (r >= 0)
		r = read_knob_u32(p, "scaling_max_freq", &p->orig_max_khz);
	if (r < 0)
		return eg_warn_errno(r, "%s: cannot read cpufreq policy, domain %s left alone",
				     p->dir, pd->name);
	if (read_knob_u32(p, "cpuinfo_min_freq", &p->cpuinfo_min_khz) < 0)
		p->cpuinfo_min_khz = pd->cpuinfo_min_khz ? pd->cpuinfo_min_khz : p->orig_min_khz;
	if (read_knob_u32(p, "cpuinfo_max_freq", &p->cpuinfo_max_khz) < 0)
		p->cpuinfo_max_khz = pd->cpuinfo_max_khz ? pd->cpuinfo_max_khz : p->orig_max_khz;

	if (has_word(avail, "userspace")) {
		p->mode = EG_CPUFREQ_USERSPACE;
	} else {
		p->mode = EG_CPUFREQ_HWP;
		p->has_epp = read_knob(p, "energy_performance_available_preferences", prefs,
				       sizeof(prefs)) >= 0 &&
			     has_word(prefs, "power") && has_word(prefs, "balance_power") &&
			     has_word(prefs, "balance_performance") &&
			     has_word(prefs, "performance");
		/* performance pins the top frequency and refuses EPP writes;
		 * powersave lets the hardware follow our floor and EPP. */
		if (eg_streq(p->orig_governor, "performance") && !has_word(avail, "powersave"))
			eg_warn("%s: HWP policy under 'performance' without 'powersave': "
				"floors and EPP will have no effect",
				p->dir);
	}
	p->cap_khz = p->orig_max_khz;
	p->floor_khz = p->cur_min_khz = p->orig_min_khz;
	return 0;
}

static const char *target_governor(const struct eg_cpufreq_pd *p)
{
	if (p->mode == EG_CPUFREQ_USERSPACE)
		return "userspace";
	if (eg_streq(p->orig_governor, "performance"))
		return "powersave";
	return NULL;
}

static int save_pd(struct eg_state *st, const struct eg_cpufreq_pd *p)
{
	int r;

	r = record(st, p, "scaling_governor");
	if (r == 0)
		r = record(st, p, "scaling_min_freq");
	if (r == 0)
		r = record(st, p, "scaling_max_freq");
	/* scaling_setspeed only holds a value under userspace. */
	if (r == 0 && p->mode == EG_CPUFREQ_USERSPACE && eg_streq(p->orig_governor, "userspace"))
		r = record(st, p, "scaling_setspeed");
	if (r == 0 && p->has_epp)
		r = record(st, p, "energy_performance_preference");
	return r;
}

static int init_attr(struct eg_cpufreq_pd *p, struct eg_attr *a, const char *name)
{
	char path[EG_PATH_MAX];
	int r = knob(p, name, path, sizeof(path));

	if (r < 0)
		return r;
	r = eg_attr_init(a, path);
	if (r < 0)
		return r;
	/* A knob that cannot be opened now is retried on its first write. */
	eg_attr_open(a);
	return 0;
}

int eg_cpufreq_open(struct eg_cpufreq *cf, const struct eg_sysfs *fs, const struct eg_model *m,
		    struct eg_state *st, uint64_t now_ns)
{
	int r, nr_usable = 0;

	memset(cf, 0, sizeof(*cf));
	for (int i = 0; i < EG_MAX_PDS; i++) {
		struct eg_attr *all[] = { &cf->pd[i].governor, &cf->pd[i].setspeed, &cf->pd[i].min,
					  &cf->pd[i].max, &cf->pd[i].epp };

		for (size_t k = 0; k < ARRAY_SIZE(all); k++)
			eg_attr_init(all[k], "");
	}
	cf->nr_pds = m->nr_pds;
	for (int i = 0; i < m->nr_pds; i++) {
		struct eg_cpufreq_pd *p = &cf->pd[i];

		if (!m->pds[i].sysfs_policy[0] || probe_pd(p, fs, &m->pds[i]) < 0) {
			p->mode = EG_CPUFREQ_NONE;
			continue;
		}
		if (save_pd(st, p) < 0) {
			p->mode = EG_CPUFREQ_NONE;
			continue;
		}
		nr_usable++;
	}
	if (!nr_usable)
		return -ENODEV;
	/* Nothing is written before the originals are on disk. */
	r = eg_state_save(st);
	if (r < 0) {
		for (int i = 0; i < m->nr_pds; i++)
			cf->pd[i].mode = EG_CPUFREQ_NONE;
		return r;
	}

	for (int i = 0; i < m->nr_pds; i++) {
		struct eg_cpufreq_pd *p = &cf->pd[i];
		const char *gov;

		if (p->mode == EG_CPUFREQ_NONE)
			continue;
		init_attr(p, &p->governor, "scaling_governor");
		init_attr(p, &p->max, "scaling_max_freq");
		init_attr(p, &p->min, "scaling_min_freq");
		if (p->mode == EG_CPUFREQ_USERSPACE)
			init_attr(p, &p->setspeed, "scaling_setspeed");
		if (p->has_epp)
			init_attr(p, &p->epp, "energy_performance_preference");
		gov = target_governor(p);
		if (gov && !eg_streq(gov, p->orig_governor))
			eg_attr_set(&p->governor, gov, now_ns);
		eg_info("%s: %s mode (was %s)%s", p->dir,
			p->mode == EG_CPUFREQ_USERSPACE ? "userspace" : "HWP", p->orig_governor,
			p->has_epp ? ", EPP" : "");
	}
	return 0;
}

/* With a newline, as echo writes it and as sysfs reads back. By hand: it
 * is on the fast-ramp path, where no formatting machinery belongs. */
static int fmt_khz(char *buf, size_t len, uint32_t khz)
{
	char tmp[12];
	size_t n = 0;

	do {
		tmp[n++] = (char)('0' + khz % 10);
		khz /= 10;
	} while (khz);
	if (len < n + 2)
		return -ENOSPC;
	for (size_t i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	buf[n] = '\n';
	buf[n + 1] = '\0';
	return 0;
}

/* Keep the retry of a failed governor switch ahead of the knobs that need
 * it (setspeed is refused until userspace is in force). */
static void retry_governor(struct eg_cpufreq_pd *p, uint64_t now_ns)
{
	eg_attr_retry(&p->governor, now_ns);
}

/* HWP: write floor and cap in the order that never has min > max. */
static int hwp_limits(struct eg_cpufreq_pd *p, uint64_t now_ns)
{
	uint32_t min = EG_MIN(p->floor_khz, p->cap_khz);
	char smin[16], smax[16];
	int r1, r2;

	fmt_khz(smin, sizeof(smin), min);
	fmt_khz(smax, sizeof(smax), p->cap_khz);
	if (min > p->cur_min_khz) {
		/* Raising the floor: the cap must be up first. */
		r1 = eg_attr_set(&p->max, smax, now_ns);
		r2 = eg_attr_set(&p->min, smin, now_ns);
	} else {
		r2 = eg_attr_set(&p->min, smin, now_ns);
		r1 = eg_attr_set(&p->max, smax, now_ns);
	}
	if (r2 == 0)
		p->cur_min_khz = min;
	return r1 < 0 ? r1 : r2;
}

static int set_freq(struct eg_cpufreq_pd *p, uint32_t khz, uint64_t now_ns, bool hold)
{
	char buf[16];
	int r, r2;

	if (p->mode == EG_CPUFREQ_USERSPACE) {
		fmt_khz(buf, sizeof(buf), khz);
		return hold ? eg_attr_hold(&p->setspeed, buf, now_ns) :
			      eg_attr_set(&p->setspeed, buf, now_ns);
	}
	p->floor_khz = EG_CLAMP(khz, p->cpuinfo_min_khz, p->cpuinfo_max_khz);
	r = hwp_limits(p, now_ns);
	if (p->has_epp) {
		r2 = eg_attr_set(&p->epp,
				 eg_cpufreq_epp_for(p->floor_khz, p->cpuinfo_min_khz,
						    p->cpuinfo_max_khz),
				 now_ns);
		if (r == 0)
			r = r2;
	}
	return r;
}

static int set_cap(struct eg_cpufreq_pd *p, uint32_t khz, uint64_t now_ns)
{
	char buf[16];

	p->cap_khz = khz ? EG_CLAMP(khz, p->cpuinfo_min_khz, p->orig_max_khz) : p->orig_max_khz;
	if (p->mode == EG_CPUFREQ_HWP)
		return hwp_limits(p, now_ns);
	fmt_khz(buf, sizeof(buf), p->cap_khz);
	return eg_attr_set(&p->max, buf, now_ns);
}

static int apply(struct eg_cpufreq *cf, const struct eg_decision *d, uint64_t now_ns, bool hold)
{
	struct eg_cpufreq_pd *p;

	if (d->type != EG_DEC_SET_FREQ && d->type != EG_DEC_SET_CAP)
		return -EINVAL;
	if (d->target < 0 || d->target >= cf->nr_pds)
		return -EINVAL;
	p = &cf->pd[d->target];
	if (p->mode == EG_CPUFREQ_NONE)
		return -ENODEV;
	retry_governor(p, now_ns);
	if (d->type == EG_DEC_SET_FREQ)
		return set_freq(p, d->value, now_ns, hold);
	return set_cap(p, d->value, now_ns);
}

int eg_cpufreq_apply(struct eg_cpufreq *cf, const struct eg_decision *d, uint64_t now_ns)
{
	return apply(cf, d, now_ns, false);
}

int eg_cpufreq_hold(struct eg_cpufreq *cf, const struct eg_decision *d, uint64_t now_ns)
{
	return apply(cf, d, now_ns, d->type == EG_DEC_SET_FREQ && !(d->flags & EG_DEC_URGENT));
}

int eg_cpufreq_flush(struct eg_cpufreq *cf, uint64_t now_ns)
{
	int first = 0;

	for (int i = 0; i < cf->nr_pds; i++) {
		int r;

		if (cf->pd[i].mode != EG_CPUFREQ_USERSPACE)
			continue;
		r = eg_attr_retry(&cf->pd[i].setspeed, now_ns);
		if (r < 0 && r != -EAGAIN && !first)
			first = r;
	}
	return first;
}

int eg_cpufreq_retry(struct eg_cpufreq *cf, uint64_t now_ns)
{
	int first = 0;

	for (int i = 0; i < cf->nr_pds; i++) {
		struct eg_cpufreq_pd *p = &cf->pd[i];
		/* Governor first, then limits, then what depends on them. */
		struct eg_attr *order[] = { &p->governor, &p->max, &p->min, &p->setspeed, &p->epp };

		if (p->mode == EG_CPUFREQ_NONE)
			continue;
		for (size_t k = 0; k < ARRAY_SIZE(order); k++) {
			int r = eg_attr_retry(order[k], now_ns);

			if (r < 0 && r != -EAGAIN && !first)
				first = r;
		}
	}
	return first;
}

uint64_t eg_cpufreq_next_retry(const struct eg_cpufreq *cf)
{
	uint64_t t = 0;

	for (int i = 0; i < cf->nr_pds; i++) {
		const struct eg_cpufreq_pd *p = &cf->pd[i];

		t = eg_deadline_min(t, eg_attr_next_retry(&p->governor));
		t = eg_deadline_min(t, eg_attr_next_retry(&p->setspeed));
		t = eg_deadline_min(t, eg_attr_next_retry(&p->min));
		t = eg_deadline_min(t, eg_attr_next_retry(&p->max));
		t = eg_deadline_min(t, eg_attr_next_retry(&p->epp));
	}
	return t;
}

void eg_cpufreq_close(struct eg_cpufreq *cf)
{
	for (int i = 0; i < EG_MAX_PDS; i++) {
		struct eg_cpufreq_pd *p = &cf->pd[i];

		eg_attr_close(&p->governor);
		eg_attr_close(&p->setspeed);
		eg_attr_close(&p->min);
		eg_attr_close(&p->max);
		eg_attr_close(&p->epp);
	}
}
