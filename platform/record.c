// SPDX-License-Identifier: GPL-2.0-or-later
/* Event recordings (format in record.h) and the `replay` scheduler source. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"
#include "record.h"
#include "source.h"
#include "util.h"

struct eg_recorder {
	FILE *f;
	char path[EG_PATH_MAX];
	int err; /* first write error */
};

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p)
{
	return get32(p) | (uint64_t)get32(p + 4) << 32;
}

/* Signed values go through their two's-complement bit pattern. */
static uint32_t from_s(int32_t v)
{
	return (uint32_t)v;
}

static int32_t to_s(uint32_t v)
{
	return v > INT32_MAX ? (int32_t)(v - 0x80000000u) - INT32_MAX - 1 : (int32_t)v;
}

void eg_record_encode(const struct eg_event *ev, uint8_t out[EG_RECORD_SIZE])
{
	uint32_t w[8] = { 0 }, flags = 0;

	switch (ev->type) {
	case EG_EV_SWITCH:
		w[0] = from_s(ev->sw.prev_pid);
		w[1] = from_s(ev->sw.next_pid);
		w[2] = from_s(ev->sw.prev_prio);
		w[3] = from_s(ev->sw.next_prio);
		w[4] = ev->sw.util_min;
		w[5] = ev->sw.util_max;
		flags = ev->sw.prev_runnable;
		break;
	case EG_EV_WAKEUP:
		w[0] = from_s(ev->wakeup.pid);
		w[1] = from_s(ev->wakeup.prio);
		w[2] = from_s(ev->wakeup.target_cpu);
		w[3] = ev->wakeup.flags;
		break;
	case EG_EV_MIGRATE:
		w[0] = from_s(ev->migrate.pid);
		w[1] = from_s(ev->migrate.prio);
		w[2] = from_s(ev->migrate.orig_cpu);
		w[3] = from_s(ev->migrate.dest_cpu);
		break;
	case EG_EV_EXIT:
		w[0] = from_s(ev->exit.pid);
		break;
	case EG_EV_BUSY_SAMPLE:
		w[0] = (uint32_t)ev->busy.busy_ns;
		w[1] = (uint32_t)(ev->busy.busy_ns >> 32);
		w[2] = (uint32_t)ev->busy.window_ns;
		w[3] = (uint32_t)(ev->busy.window_ns >> 32);
		flags = (ev->busy.no_switches ? 1U : 0U) | (ev->busy.correction ? 2U : 0U);
		break;
	case EG_EV_IDLE_ENTER:
	case EG_EV_IDLE_EXIT:
		w[0] = from_s(ev->idle.state);
		break;
	case EG_EV_TEMP:
		w[0] = from_s(ev->temp.zone);
		w[1] = from_s(ev->temp.temp_mc);
		break;
	case EG_EV_TRIP:
		w[0] = from_s(ev->trip.zone);
		w[1] = from_s(ev->trip.trip);
		w[2] = from_s(ev->trip.temp_mc);
		flags = ev->trip.up;
		break;
	case EG_EV_POWER_SOURCE:
		flags = ev->power.on_ac;
		break;
	case EG_EV_FREQ:
		w[0] = from_s(ev->freq.pd);
		w[1] = ev->freq.khz;
		break;
	case EG_EV_LIMITS:
		w[0] = from_s(ev->limits.pd);
		w[1] = ev->limits.min_khz;
		w[2] = ev->limits.max_khz;
		break;
	case EG_EV_BOOST:
		w[0] = from_s(ev->boost.pid);
		w[1] = ev->boost.ms;
		break;
	default:
		break;
	}
	put64(out, ev->ts);
	put16(out + 8, ev->type);
	put16(out + 10, (uint16_t)ev->cpu);
	put32(out + 12, flags);
	for (int i = 0; i < 8; i++)
		put32(out + 16 + 4 * i, w[i]);
}

int eg_record_decode(const uint8_t in[EG_RECORD_SIZE], struct eg_event *ev, char *err,
		     size_t errlen)
{
	uint32_t w[8], flags = get32(in + 12);
	uint16_t cpu = get16(in + 10);

	memset(ev, 0, sizeof(*ev));
	ev->ts = get64(in);
	ev->type = get16(in + 8);
	ev->cpu = (int16_t)(cpu > INT16_MAX ? (int)cpu - 65536 : (int)cpu);
	for (int i = 0; i < 8; i++)
		w[i] = get32(in + 16 + 4 * i);
	if (ev->type == EG_EV_NONE || ev->type >= EG_EV__MAX) {
		snprintf(err, errlen, "unknown event type %u", ev->type);
		return -EBADMSG;
	}
	if (ev->cpu < -1) {
		snprintf(err, errlen, "cpu %d out of range", ev->cpu);
		return -EBADMSG;
	}
	if (flags > (ev->type == EG_EV_BUSY_SAMPLE ? 3U : 1U)) {
		snprintf(err, errlen, "unknown flags 0x%x", flags);
		return -EBADMSG;
	}
	switch (ev->type) {
	case EG_EV_SWITCH:
		ev->sw.prev_pid = to_s(w[0]);
		ev->sw.next_pid = to_s(w[1]);
		ev->sw.prev_prio = (int16_t)to_s(w[2]);
		ev->sw.next_prio = (int16_t)to_s(w[3]);
		ev->sw.util_min = w[4];
		ev->sw.util_max = w[5];
		ev->sw.prev_runnable = flags & 1;
		break;
	case EG_EV_WAKEUP:
		ev->wakeup.pid = to_s(w[0]);
		ev->wakeup.prio = (int16_t)to_s(w[1]);
		ev->wakeup.target_cpu = (int16_t)to_s(w[2]);
		ev->wakeup.flags = w[3];
		break;
	case EG_EV_MIGRATE:
		ev->migrate.pid = to_s(w[0]);
		ev->migrate.prio = (int16_t)to_s(w[1]);
		ev->migrate.orig_cpu = (int16_t)to_s(w[2]);
		ev->migrate.dest_cpu = (int16_t)to_s(w[3]);
		break;
	case EG_EV_EXIT:
		ev->exit.pid = to_s(w[0]);
		break;
	case EG_EV_BUSY_SAMPLE:
		ev->busy.busy_ns = w[0] | (uint64_t)w[1] << 32;
		ev->busy.window_ns = w[2] | (uint64_t)w[3] << 32;
		ev->busy.no_switches = flags & 1;
		ev->busy.correction = (flags >> 1) & 1;
		break;
	case EG_EV_IDLE_ENTER:
	case EG_EV_IDLE_EXIT:
		ev->idle.state = to_s(w[0]);
		break;
	case EG_EV_TEMP:
		ev->temp.zone = to_s(w[0]);
		ev->temp.temp_mc = to_s(w[1]);
		break;
	case EG_EV_TRIP:
		ev->trip.zone = to_s(w[0]);
		ev->trip.trip = to_s(w[1]);
		ev->trip.temp_mc = to_s(w[2]);
		ev->trip.up = flags & 1;
		break;
	case EG_EV_POWER_SOURCE:
		ev->power.on_ac = flags & 1;
		break;
	case EG_EV_FREQ:
		ev->freq.pd = to_s(w[0]);
		ev->freq.khz = w[1];
		break;
	case EG_EV_LIMITS:
		ev->limits.pd = to_s(w[0]);
		ev->limits.min_khz = w[1];
		ev->limits.max_khz = w[2];
		break;
	case EG_EV_BOOST:
		ev->boost.pid = to_s(w[0]);
		ev->boost.ms = w[1];
		break;
	default:
		break;
	}
	return 0;
}

int eg_record_open(struct eg_recorder **out, const char *path, const struct eg_model *m)
{
	uint8_t h[EG_RECORD_HEADER_SIZE] = { 0 };
	struct eg_recorder *r;
	int err;

	*out = NULL;
	if (!path || !m)
		return -EINVAL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	eg_strlcpy(r->path, path, sizeof(r->path));
	r->f = fopen(path, "wbe");
	if (!r->f) {
		err = -errno;
		free(r);
		return eg_log_errno(err, "record: cannot create %s", path);
	}
	memcpy(h, EG_RECORD_MAGIC, 8);
	put32(h + 8, EG_RECORD_VERSION);
	put32(h + 12, EG_RECORD_SIZE);
	put32(h + 16, (uint32_t)m->nr_cpus);
	put32(h + 20, 0);
	/* Truncated to 63 characters: the 64th byte stays NUL. */
	memcpy(h + 24, m->name,
	       EG_MIN(strnlen(m->name, sizeof(m->name)), (size_t)EG_RECORD_NAME_LEN - 1));
	if (fwrite(h, sizeof(h), 1, r->f) != 1) {
		err = -EIO;
		fclose(r->f);
		free(r);
		return eg_log_errno(err, "record: cannot write %s", path);
	}
	*out = r;
	return 0;
}

int eg_record_write(struct eg_recorder *r, const struct eg_event *ev)
{
	uint8_t b[EG_RECORD_SIZE];

	if (!r || !ev || ev->type == EG_EV_NONE || ev->type >= EG_EV__MAX)
		return -EINVAL;
	if (r->err)
		return r->err;
	eg_record_encode(ev, b);
	if (fwrite(b, sizeof(b), 1, r->f) != 1) {
		/* Logged once: the daemon goes on without its recording. */
		r->err = -EIO;
		return eg_log_errno(r->err, "record: write to %s failed", r->path);
	}
	return 0;
}

int eg_record_flush(struct eg_recorder *r)
{
	if (!r)
		return -EINVAL;
	if (!r->err && fflush(r->f) != 0) {
		r->err = -errno;
		eg_log_errno(r->err, "record: flush of %s failed", r->path);
	}
	return r->err;
}

int eg_record_close(struct eg_recorder *r)
{
	int err;

	if (!r)
		return 0;
	eg_record_flush(r);
	err = r->err;
	if (fclose(r->f) != 0 && !err)
		err = eg_log_errno(-errno, "record: close of %s failed", r->path);
	free(r);
	return err;
}

/* Every CPU number a record carries must name a CPU of a machine with
 * nr_cpus CPUs: the engine indexes its per-CPU arrays with them. The
 * event's own cpu and a wakeup's target may be -1 (none); a migration
 * always names both ends. Writes "FIELD N" to why when one does not. */
static int record_cpus_check(const struct eg_event *ev, int nr_cpus, char *why, size_t len)
{
	const char *field = NULL;
	int cpu = 0;

	if (ev->cpu < -1 || ev->cpu >= nr_cpus) {
		field = "cpu";
		cpu = ev->cpu;
	} else if (ev->type == EG_EV_WAKEUP &&
		   (ev->wakeup.target_cpu < -1 || ev->wakeup.target_cpu >= nr_cpus)) {
		field = "wakeup target_cpu";
		cpu = ev->wakeup.target_cpu;
	} else if (ev->type == EG_EV_MIGRATE &&
		   (ev->migrate.orig_cpu < 0 || ev->migrate.orig_cpu >= nr_cpus)) {
		field = "migrate orig_cpu";
		cpu = ev->migrate.orig_cpu;
	} else if (ev->type == EG_EV_MIGRATE &&
		   (ev->migrate.dest_cpu < 0 || ev->migrate.dest_cpu >= nr_cpus)) {
		field = "migrate dest_cpu";
		cpu = ev->migrate.dest_cpu;
	}
	if (!field)
		return 0;
	snprintf(why, len, "%s %d", field, cpu);
	return -ERANGE;
}

int eg_record_load(const char *path, struct eg_event **evs, size_t *n, struct eg_record_info *info,
		   char *err, size_t errlen)
{
	uint8_t h[EG_RECORD_HEADER_SIZE], b[EG_RECORD_SIZE];
	_cleanup_free_ struct eg_event *v = NULL;
	char why[128];
	struct stat st;
	uint32_t version, rsize, nr_cpus, flags;
	size_t count, i;
	FILE *f;
	int r = 0;

	*evs = NULL;
	*n = 0;
	if (errlen)
		err[0] = '\0';
	f = fopen(path, "rbe");
	if (!f) {
		r = -errno;
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(-r));
		return r;
	}
	if (fstat(fileno(f), &st) < 0) {
		r = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(-r));
		goto out;
	}
	if (fread(h, sizeof(h), 1, f) != 1 || memcmp(h, EG_RECORD_MAGIC, 8) != 0) {
		snprintf(err, errlen, "%s: not an eagov recording (no EAGOVREC magic)", path);
		r = -EBADMSG;
		goto out;
	}
	version = get32(h + 8);
	rsize = get32(h + 12);
	nr_cpus = get32(h + 16);
	flags = get32(h + 20);
	if (version != EG_RECORD_VERSION || rsize != EG_RECORD_SIZE || flags != 0) {
		snprintf(err, errlen,
			 "%s: recording version %u, record size %u, flags 0x%x; "
			 "this eagov reads version %u, size %u, flags 0",
			 path, version, rsize, flags, EG_RECORD_VERSION, EG_RECORD_SIZE);
		r = -EBADMSG;
		goto out;
	}
	if (nr_cpus == 0 || nr_cpus > EG_MAX_CPUS || h[24 + EG_RECORD_NAME_LEN - 1] != '\0') {
		snprintf(err, errlen, "%s: corrupt header (cpu count %u)", path, nr_cpus);
		r = -EBADMSG;
		goto out;
	}
	if ((uint64_t)st.st_size < sizeof(h) ||
	    ((uint64_t)st.st_size - sizeof(h)) % EG_RECORD_SIZE) {
		snprintf(err, errlen, "%s: truncated: %llu bytes after the last whole record", path,
			 (unsigned long long)(((uint64_t)st.st_size - sizeof(h)) % EG_RECORD_SIZE));
		r = -EBADMSG;
		goto out;
	}
	count = ((size_t)st.st_size - sizeof(h)) / EG_RECORD_SIZE;
	v = calloc(count ? count : 1, sizeof(*v));
	if (!v) {
		r = -ENOMEM;
		snprintf(err, errlen, "%s: %zu events do not fit in memory", path, count);
		goto out;
	}
	for (i = 0; i < count; i++) {
		if (fread(b, sizeof(b), 1, f) != 1) {
			snprintf(err, errlen, "%s: truncated at record %zu", path, i);
			r = -EBADMSG;
			goto out;
		}
		r = eg_record_decode(b, &v[i], why, sizeof(why));
		if (r < 0) {
			snprintf(err, errlen, "%s: record %zu (offset %zu) corrupt: %s", path, i,
				 sizeof(h) + i * EG_RECORD_SIZE, why);
			goto out;
		}
		if (record_cpus_check(&v[i], (int)nr_cpus, why, sizeof(why)) < 0) {
			snprintf(err, errlen, "%s: record %zu (offset %zu) corrupt: %s of %u CPUs",
				 path, i, sizeof(h) + i * EG_RECORD_SIZE, why, nr_cpus);
			r = -EBADMSG;
			goto out;
		}
	}
	if (info) {
		memcpy(info->model, h + 24, EG_RECORD_NAME_LEN);
		info->nr_cpus = (int)nr_cpus;
		info->version = version;
	}
	*evs = v;
	v = NULL;
	*n = count;
out:
	fclose(f);
	return r;
}

/* ---- The replay source. */

struct eg_source {
	struct eg_event *evs;
	size_t n, next;
	bool realtime;
	bool based;    /* realtime: the first read fixed the time base */
	uint64_t base; /* realtime: caller time of the first event */
};

static int replay_probe(const struct eg_source_opts *o, char *why, size_t len)
{
	if (!o->replay_path || !o->replay_path[0]) {
		snprintf(why, len, "no recording given (--source replay:FILE)");
		return -EINVAL;
	}
	if (access(o->replay_path, R_OK) < 0) {
		int r = -errno;

		snprintf(why, len, "%s: %s", o->replay_path, strerror(-r));
		return r;
	}
	return 0;
}

static int replay_open(struct eg_source **out, const struct eg_source_opts *o)
{
	struct eg_record_info info;
	struct eg_source *s;
	char err[300];
	int r;

	*out = NULL;
	if (!o->replay_path)
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	r = eg_record_load(o->replay_path, &s->evs, &s->n, &info, err, sizeof(err));
	if (r < 0) {
		free(s);
		eg_err("replay: %s", err);
		return r;
	}
	if (o->model && info.nr_cpus != o->model->nr_cpus)
		eg_warn("replay: %s was recorded on %s with %d CPUs, this model has %d",
			o->replay_path, info.model, info.nr_cpus, o->model->nr_cpus);
	/* The loader checked the recording's own CPU count; a model with fewer
	 * CPUs must not be handed events naming CPUs it does not have. */
	for (size_t i = 0; o->model && info.nr_cpus > o->model->nr_cpus && i < s->n; i++) {
		r = record_cpus_check(&s->evs[i], o->model->nr_cpus, err, sizeof(err));
		if (r < 0) {
			eg_err("replay: %s: record %zu: %s of this model's %d CPUs", o->replay_path,
			       i, err, o->model->nr_cpus);
			free(s->evs);
			free(s);
			return -EBADMSG;
		}
	}
	s->realtime = o->replay_realtime;
	eg_info("replay: %zu events from %s (%s, %d CPUs)%s", s->n, o->replay_path, info.model,
		info.nr_cpus, s->realtime ? ", paced by their timestamps" : "");
	*out = s;
	return 0;
}

static int replay_fd(const struct eg_source *s EG_UNUSED)
{
	return -1;
}

/* Realtime replay shifts the recording onto the caller's clock: the first
 * event lands at the first read's now and the gaps between events are kept.
 * Fast replay keeps the recorded timestamps. */
static uint64_t replay_at(const struct eg_source *s, size_t i)
{
	/* A stream mixed from several sources may step back a little. */
	uint64_t t0 = s->evs[0].ts;

	return s->base + (s->evs[i].ts > t0 ? s->evs[i].ts - t0 : 0);
}

static uint64_t replay_next_timeout(const struct eg_source *s)
{
	if (s->next >= s->n)
		return 0; /* read() reports the end */
	if (!s->realtime || !s->based)
		return 0;
	return replay_at(s, s->next);
}

static int replay_read(struct eg_source *s, uint64_t now, struct eg_event *ev, int max)
{
	int k = 0;

	if (s->next >= s->n)
		return -ENODATA;
	if (s->realtime && !s->based) {
		s->base = now;
		s->based = true;
	}
	while (k < max && s->next < s->n) {
		if (s->realtime) {
			if (replay_at(s, s->next) > now)
				break;
			ev[k] = s->evs[s->next];
			ev[k].ts = replay_at(s, s->next);
		} else {
			ev[k] = s->evs[s->next];
		}
		k++;
		s->next++;
	}
	return k;
}

static void replay_close(struct eg_source *s)
{
	if (!s)
		return;
	free(s->evs);
	free(s);
}

const struct eg_source_ops eg_source_replay = {
	.name = "replay",
	.kind = EG_SOURCE_SCHED,
	.probe = replay_probe,
	.open = replay_open,
	.fd = replay_fd,
	.next_timeout = replay_next_timeout,
	.read = replay_read,
	.close = replay_close,
};
