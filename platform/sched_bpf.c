// SPDX-License-Identifier: GPL-2.0-or-later
/* The bpf scheduler event source: libbpf CO-RE programs on sched_switch,
 * sched_wakeup(_new), sched_migrate_task and sched_process_exit (see
 * bpf/sched.bpf.c) keep per-CPU busy time and per-task run time in maps.
 *
 * What reaches user space, and why: the engine's signals accept either
 * per-task switch/wakeup events (per-task PELT) or per-CPU busy samples.
 * Switch events cost user space one record per context switch, which under
 * a hackbench storm (>= 50k/s) is what this source exists to avoid. So the
 * program measures each CPU's busy fraction over util_rate_ms windows (at
 * its switches, and from a per-CPU timer armed only while the CPU runs
 * something, for a CPU that stops switching) and sends (a) a BUSY record,
 * carrying the CPU's running busy total and waking user space, when that
 * fraction, averaged over the windows as PELT averages (so a blip in one
 * window hardly counts) and turned into util, moved past the threshold
 * the engine asks for, or without waking it once per heartbeat
 * otherwise; the totals are turned here into EG_EV_BUSY_SAMPLE windows;
 * and (b) every RT/DL wakeup (prio < 100) and every wakeup of a watched
 * pid at once, through rings of their own, one per CPU (see open_rings
 * and rt_wake_fds below), as EG_EV_WAKEUP with its prio, for the fast
 * ramp. CFS wakeups, migrations and exits stay in the kernel: the busy
 * windows carry their effect.
 *
 * Each window's busy fraction is turned into util by the CPU's capacity at
 * its current frequency (eg_engine_cpu_util_scale, written into the
 * program's .bss per CPU whenever it moves), so the average follows the
 * util the engine computes and compares with its threshold and floor
 * (eg_engine_util_threshold / _floor, in .data and .bss): at a low OPP a
 * busy CPU has little util, and a saturated CPU's util still grows after
 * each raise of its frequency, as the engine's does.
 *
 * User space therefore wakes for load changes that may change a decision
 * (including the fall of a CPU gone idle, which the program times itself)
 * and RT wakeups. The heartbeat records wake nobody: they are read
 * whenever the loop wakes for anything else (read_at_wakeups) or syncs,
 * and a safety timer drains them before they could fill half the ring
 * (safety_ns below); at its expiry and at a sync the windows of CPUs it
 * heard nothing of are closed from the per-CPU map, counting the period in
 * progress. Windows are owned here (records carry totals), so the paths
 * never count the same time twice. */
#include "parse.h"
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "event.h"
#include "log.h"
#include "sched_bpf.h"
#include "source.h"
#include "util.h"

#if HAVE_BPF

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

/* Before the skeleton, whose .bss layout uses its types. */
#include "bpf/sched_bpf_shared.h"

#include "bpf/sched.skel.h"

#define EG_BPF_RATE_MS_DEFAULT 4
#define EG_BPF_HEARTBEAT_MS 2000
/* The utilization ring's size (the program's events map). */
#define EG_BPF_RING_BYTES (256 * 1024)
/* Each CPU's RT ring: as large as the one ring all CPUs shared (1024
 * records) on small machines, smaller past 8 CPUs so that all of them
 * together stay within 512 KiB, and never under 256 records. */
#define EG_BPF_RT_RING_MAX (64 * 1024)
#define EG_BPF_RT_RING_MIN (16 * 1024)
#define EG_BPF_RT_RINGS_BYTES (512 * 1024)
/* A record's room in a ring: an 8-byte header, then the record. */
#define EG_BPF_RING_REC (8 + ((sizeof(struct eg_bpf_rec) + 7) & ~(size_t)7))

struct bpf_win {
	bool primed;   /* a baseline exists */
	uint64_t ts;   /* end of the last window sent */
	uint64_t busy; /* busy total at ts */
};

struct eg_source {
	struct eg_sched_bpf *skel;
	struct ring_buffer *rb;	   /* the utilization ring */
	struct ring_buffer *rt_rb; /* the RT rings, all of them */
	int *rt_fd;		   /* each possible CPU's RT ring (map fd) */
	size_t rt_bytes;	   /* the size of each */
	/* fd(): the utilization ring and, until rt_wake_fds handed them to
	 * per-CPU readers, the RT rings. */
	int epfd;
	bool rt_taken;
	int nr_cpus;
	int nr_possible;
	uint64_t rate_ns;
	uint64_t stale_ns;  /* the program's heartbeat */
	uint64_t safety_ns; /* the longest the heartbeats wait in the ring */
	uint64_t next_synth;
	uint32_t util_threshold;
	bool sync_all; /* the next synth closes every CPU's window */
	struct bpf_win *win;
	struct eg_bpf_cpu *pcpu; /* scratch for one per-CPU map read */
	/* Events converted but not handed out yet (a FIFO). Holds a whole
	 * ring buffer's worth, as one consume call cannot be stopped. */
	struct eg_event *pend;
	size_t pend_cap, pend_head, pend_len;
	uint64_t nr_events;
	bool overflow_logged;
};

static uint64_t mono_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * NSEC_PER_SEC + (uint64_t)t.tv_nsec;
}

EG_PRINTF(2, 0)
static int libbpf_log(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char buf[512];
	size_t n;

	vsnprintf(buf, sizeof(buf), fmt, ap);
	n = strlen(buf);
	if (n && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	/* libbpf's warnings are worth seeing (a failed load says why);
	 * its info and debug chatter is not. */
	eg_log(level == LIBBPF_WARN ? EG_LOG_WARNING : EG_LOG_DEBUG, "libbpf: %s", buf);
	return 0;
}

static struct eg_event *pend_push(struct eg_source *s)
{
	if (s->pend_len == s->pend_cap) {
		if (!s->overflow_logged)
			eg_warn("bpf source: event queue full, dropping events");
		s->overflow_logged = true;
		return NULL;
	}
	struct eg_event *e = &s->pend[(s->pend_head + s->pend_len) % s->pend_cap];

	memset(e, 0, sizeof(*e));
	s->pend_len++;
	return e;
}

/* Close cpu's window at ts given its busy total then. Windows shorter than
 * the rate are not sent (unless a sync asks for every window closed at
 * once): the total stays pending and the next window is longer, so the
 * bound holds whichever path (ring or map read) came first. */
static void cpu_total(struct eg_source *s, int cpu, uint64_t ts, uint64_t total, bool sync)
{
	struct bpf_win *w;
	struct eg_event *e;
	uint64_t busy, window;

	if (cpu < 0 || cpu >= s->nr_cpus)
		return;
	w = &s->win[cpu];
	if (!w->primed) {
		w->primed = true;
		w->ts = ts;
		w->busy = total;
		return;
	}
	if (ts <= w->ts || (!sync && ts - w->ts < s->rate_ns))
		return;
	window = ts - w->ts;
	busy = total > w->busy ? total - w->busy : 0;
	/* A map read racing the program's update can overshoot by one
	 * switch interval: never more busy than time. */
	busy = EG_MIN(busy, window);
	e = pend_push(s);
	if (!e)
		return;
	e->ts = ts;
	e->type = EG_EV_BUSY_SAMPLE;
	e->cpu = (int16_t)cpu;
	e->busy.busy_ns = busy;
	e->busy.window_ns = window;
	/* Only RT and watched wakeups come as events: see no_switches. */
	e->busy.no_switches = true;
	w->ts = ts;
	w->busy = EG_MAX(w->busy, total);
}

static int on_record(void *ctx, void *data, size_t size)
{
	struct eg_source *s = ctx;
	const struct eg_bpf_rec *r = data;
	struct eg_event *e;

	if (size < sizeof(*r))
		return 0;
	if (r->type == EG_BPF_REC_BUSY) {
		if (r->win_ts)
			cpu_total(s, r->cpu, r->win_ts, r->win_busy, false);
		cpu_total(s, r->cpu, r->ts, r->busy_total, false);
		return 0;
	}
	if (r->type != EG_BPF_REC_WAKEUP)
		return 0;
	e = pend_push(s);
	if (!e)
		return 0;
	e->ts = r->ts;
	e->type = EG_EV_WAKEUP;
	e->cpu = (int16_t)r->cpu;
	e->wakeup.pid = r->pid;
	e->wakeup.prio = (int16_t)r->prio;
	e->wakeup.target_cpu = (int16_t)(r->target_cpu >= 0 && r->target_cpu < s->nr_cpus ?
						 r->target_cpu :
						 r->cpu);
	e->wakeup.flags = (r->flags & EG_BPF_WAKE_NEW) ? EG_WAKE_NEW : 0;
	return 0;
}

static int read_pcpu(const struct eg_source *s)
{
	uint32_t zero = 0;

	if (bpf_map__lookup_elem(s->skel->maps.cpu_state, &zero, sizeof(zero), s->pcpu,
				 sizeof(*s->pcpu) * (size_t)s->nr_possible, 0) < 0)
		return -errno;
	return 0;
}

/* Close the windows of CPUs the ring has been silent about for a
 * heartbeat (those that stopped switching), or of every CPU after a sync. */
static void synth(struct eg_source *s)
{
	bool all = s->sync_all;
	uint64_t now;
	int r;

	s->sync_all = false;
	/* The clock after the map: every switch the read saw is before it. */
	r = read_pcpu(s);
	now = mono_ns();
	s->next_synth = now + s->safety_ns;
	if (r < 0)
		return;
	for (int cpu = 0; cpu < s->nr_cpus && cpu < s->nr_possible; cpu++) {
		const struct eg_bpf_cpu *c = &s->pcpu[cpu];
		uint64_t total = c->busy_total;

		if (c->last_ts == 0 || now <= c->last_ts)
			continue; /* no switch seen yet: nothing known */
		if (!all && s->win[cpu].primed && now - s->win[cpu].ts < s->stale_ns)
			continue;
		if (c->curr_pid != 0)
			total += now - c->last_ts; /* the period in progress */
		cpu_total(s, cpu, now, total, all);
	}
}

static int bpf_probe(const struct eg_source_opts *o, char *why, size_t len)
{
	char line[256];
	uint64_t cap = 0;
	FILE *f;

	(void)o;
	if (access("/sys/kernel/btf/vmlinux", R_OK) < 0) {
		snprintf(why, len, "the kernel has no BTF (/sys/kernel/btf/vmlinux)");
		return -ENOENT;
	}
	/* Loading tracing programs takes CAP_BPF + CAP_PERFMON (or
	 * CAP_SYS_ADMIN): read the effective set rather than trying. */
	f = fopen("/proc/self/status", "re");
	if (f) {
		while (fgets(line, sizeof(line), f)) {
			char hex[32];

			/* CapEff is bare hex: parsed as the kernel's %#lx. */
			if (strncmp(line, "CapEff:", 7) == 0 &&
			    snprintf(hex, sizeof(hex), "0x%s", line + 7 + strspn(line + 7, " \t")) <
				    (int)sizeof(hex)) {
				hex[strcspn(hex, "\n")] = '\0';
				if (eg_parse_hex_u64(hex, &cap) < 0)
					cap = 0;
				break;
			}
		}
		fclose(f);
	}
	if (!(cap & (1ULL << 21)) && !((cap & (1ULL << 39)) && (cap & (1ULL << 38)))) {
		snprintf(why, len, "needs root or CAP_BPF and CAP_PERFMON");
		return -EPERM;
	}
	return 0;
}

static void bpf_close(struct eg_source *s)
{
	if (!s)
		return;
	ring_buffer__free(s->rb);
	ring_buffer__free(s->rt_rb);
	for (int cpu = 0; s->rt_fd && cpu < s->nr_possible; cpu++)
		if (s->rt_fd[cpu] >= 0)
			close(s->rt_fd[cpu]);
	free(s->rt_fd);
	if (s->epfd >= 0)
		close(s->epfd);
	eg_sched_bpf__destroy(s->skel);
	free(s->win);
	free(s->pcpu);
	free(s->pend);
	free(s);
}

/* Each CPU's RT ring size for nr CPUs: a power of two, whole pages. */
static size_t rt_ring_bytes(int nr)
{
	size_t b = EG_BPF_RT_RING_MAX;
	long page = sysconf(_SC_PAGESIZE);

	while (b > EG_BPF_RT_RING_MIN && b * (size_t)nr > EG_BPF_RT_RINGS_BYTES)
		b /= 2;
	return page > 0 ? EG_MAX(b, (size_t)page) : b;
}

/* The rings, read through two libbpf managers so that a read takes the RT
 * records before the utilization ones, and fd()'s epoll set.
 *
 * Why a ring per CPU in an array of maps rather than a perf event array
 * (bpf_perf_event_output, also per CPU): a perf buffer is bound to its
 * CPU's perf event, which can only be opened while that CPU is online (a
 * CPU offline at open would have no buffer, or fail the open, and the
 * buffers would have to follow hotplug); a ring is only memory, created
 * here for every possible CPU whatever is online. Its readiness is a level
 * (records waiting), so the several epoll sets it is in (its manager's,
 * fd()'s or a per-CPU reader's) never take a wakeup from one another, as
 * they would the edge a perf fd reports once per poll; a reader that
 * consumed everything and waits again sleeps until the next record. And
 * the records, their reservation and the count of those dropped stay as
 * they were. */
static int open_rings(struct eg_source *s)
{
	int outer = bpf_map__fd(s->skel->maps.rt_rings), r;
	struct epoll_event ee = { .events = EPOLLIN };

	for (uint32_t cpu = 0; cpu < (uint32_t)s->nr_possible; cpu++) {
		/* (The kernel checks a slot's map against the array's template
		 * by type, key, value and flags: its size may differ.) */
		int fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "eg_rt_ring", 0, 0,
					(uint32_t)s->rt_bytes, NULL);

		if (fd < 0)
			return eg_log_errno(-errno, "bpf source: create CPU %u's RT ring", cpu);
		s->rt_fd[cpu] = fd;
		if (bpf_map_update_elem(outer, &cpu, &fd, BPF_ANY) < 0)
			return eg_log_errno(-errno, "bpf source: install CPU %u's RT ring", cpu);
		if (cpu == 0)
			s->rt_rb = ring_buffer__new(fd, on_record, s, NULL);
		else if (ring_buffer__add(s->rt_rb, fd, on_record, s) < 0)
			return eg_log_errno(-errno, "bpf source: map CPU %u's RT ring", cpu);
		if (!s->rt_rb)
			return eg_log_errno(-errno, "bpf source: RT ring buffer");
	}
	s->rb = ring_buffer__new(bpf_map__fd(s->skel->maps.events), on_record, s, NULL);
	if (!s->rb)
		return eg_log_errno(-errno, "bpf source: ring buffer");
	/* The rings themselves rather than the managers' epoll sets: a
	 * record wakes the loop through one epoll set, not two nested. */
	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (s->epfd < 0)
		return eg_log_errno(-errno, "bpf source: epoll");
	r = epoll_ctl(s->epfd, EPOLL_CTL_ADD, bpf_map__fd(s->skel->maps.events), &ee);
	for (int cpu = 0; r == 0 && cpu < s->nr_possible; cpu++)
		r = epoll_ctl(s->epfd, EPOLL_CTL_ADD, s->rt_fd[cpu], &ee);
	if (r < 0)
		return eg_log_errno(-errno, "bpf source: epoll");
	return 0;
}

static int bpf_open(struct eg_source **out, const struct eg_source_opts *o)
{
	uint32_t rate_ms = o && o->util_rate_ms ? o->util_rate_ms : EG_BPF_RATE_MS_DEFAULT;
	uint32_t stale_ms = EG_BPF_HEARTBEAT_MS;
	struct eg_source *s;
	int r;

	*out = NULL;
	libbpf_set_print(libbpf_log);
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->epfd = -1;
	r = libbpf_num_possible_cpus();
	if (r <= 0) {
		free(s);
		return r < 0 ? r : -ENODEV;
	}
	s->nr_possible = r;
	s->rt_bytes = rt_ring_bytes(s->nr_possible);
	s->nr_cpus = o && o->model && o->model->nr_cpus > 0 ? o->model->nr_cpus :
							      EG_MIN(r, EG_MAX_CPUS);
	s->rate_ns = rate_ms * NSEC_PER_MSEC;
	s->stale_ns = EG_MAX(stale_ms, rate_ms) * NSEC_PER_MSEC;
	/* Heartbeats do not wake user space: each CPU sends at most one per
	 * stale_ns while no change wakes it, so this long they take half the
	 * ring at most, and a drain then (if nothing else woke the loop)
	 * keeps it from filling. */
	s->safety_ns = EG_MAX((uint64_t)(EG_BPF_RING_BYTES / 2 / EG_BPF_RING_REC) /
				      (uint64_t)s->nr_possible * s->stale_ns,
			      s->stale_ns);
	/* A ring holds at most its size / (8-byte header + record). */
	s->pend_cap = (EG_BPF_RING_BYTES + s->rt_bytes * (size_t)s->nr_possible) / EG_BPF_RING_REC +
		      1 + (size_t)s->nr_cpus;
	s->win = calloc((size_t)s->nr_cpus, sizeof(*s->win));
	s->pcpu = calloc((size_t)s->nr_possible, sizeof(*s->pcpu));
	s->pend = calloc(s->pend_cap, sizeof(*s->pend));
	s->rt_fd = calloc((size_t)s->nr_possible, sizeof(*s->rt_fd));
	if (!s->win || !s->pcpu || !s->pend || !s->rt_fd) {
		bpf_close(s);
		return -ENOMEM;
	}
	for (int cpu = 0; cpu < s->nr_possible; cpu++)
		s->rt_fd[cpu] = -1;

	s->skel = eg_sched_bpf__open();
	if (!s->skel) {
		r = -errno;
		bpf_close(s);
		return eg_log_errno(r, "bpf source: open the BPF object");
	}
	s->skel->rodata->util_rate_ns = s->rate_ns;
	s->skel->rodata->heartbeat_ns = s->stale_ns;
	r = bpf_map__set_max_entries(s->skel->maps.cpu_timer, (uint32_t)s->nr_possible);
	if (r == 0)
		r = bpf_map__set_max_entries(s->skel->maps.rt_rings, (uint32_t)s->nr_possible);
	if (r < 0) {
		bpf_close(s);
		return eg_log_errno(r, "bpf source: size the per-CPU maps");
	}
	r = eg_sched_bpf__load(s->skel);
	if (r < 0) {
		bpf_close(s);
		return eg_log_errno(r, "bpf source: load the BPF programs");
	}
	for (int i = 0; i < o->nr_ignore_tids && i < EG_SOURCE_MAX_SELF; i++) {
		uint8_t one = 1;

		r = bpf_map__update_elem(s->skel->maps.self_tids, &o->ignore_tids[i],
					 sizeof(o->ignore_tids[i]), &one, sizeof(one), BPF_ANY);
		if (r < 0) {
			bpf_close(s);
			return eg_log_errno(r, "bpf source: the daemon's own threads");
		}
	}
	/* The rings before the programs run: none of their records lost. */
	r = open_rings(s);
	if (r < 0) {
		bpf_close(s);
		return r;
	}
	r = eg_sched_bpf__attach(s->skel);
	if (r < 0) {
		bpf_close(s);
		return eg_log_errno(r, "bpf source: attach to the sched tracepoints");
	}
	s->util_threshold = s->skel->data->util_threshold;
	s->next_synth = mono_ns() + s->safety_ns;
	eg_info("bpf source: %u ms windows, a CPU's load change that matters sent at once, "
		"the rest every %" PRIu64 " ms and read at other wakeups or after %" PRIu64
		" s; RT wakeups at once",
		rate_ms, (uint64_t)(s->stale_ns / NSEC_PER_MSEC),
		(uint64_t)(s->safety_ns / NSEC_PER_SEC));
	*out = s;
	return 0;
}

static void bpf_set_util_threshold(struct eg_source *s, uint32_t util, uint32_t floor)
{
	if (!s || !util)
		return;
	s->skel->bss->util_floor = EG_MIN(floor, 1024U);
	s->util_threshold = EG_MIN(util, 1024U);
	/* A fraction moves by 1024 at most: 1025 is never reached, which is
	 * what "no change matters" means. */
	s->skel->data->util_threshold = util >= 1024 ? 1025 : util;
}

static void bpf_set_cpu_util_scale(struct eg_source *s, int cpu, uint32_t scale)
{
	if (!s || cpu < 0 || cpu >= EG_BPF_MAX_CPUS || !scale)
		return;
	/* Read by the program unlocked: one aligned word. */
	__atomic_store_n(&s->skel->bss->cpu_scale[cpu], EG_MIN(scale, 1024U), __ATOMIC_RELAXED);
}

static void bpf_sync(struct eg_source *s)
{
	if (s) {
		s->next_synth = 0;
		s->sync_all = true;
	}
}

static int bpf_fd(const struct eg_source *s)
{
	return s ? s->epfd : -1;
}

/* The RT rings to per-CPU readers: out of fd()'s set, once. The fds stay
 * the source's (closed by close()); a CPU past the possible ones has none.
 * A ring is readable while a record is in it, until read() took it: a
 * reader that waits again before that is woken at once, unless it waits
 * edge-triggered (EPOLLET): each record wakes its ring's waiters, read or
 * not, so such a reader is woken by every new record (once for several
 * that land before it runs). */
static int bpf_rt_wake_fds(struct eg_source *s, int *fds, int nr_cpus)
{
	if (!s || (!fds && nr_cpus > 0))
		return -EINVAL;
	for (int cpu = 0; !s->rt_taken && cpu < s->nr_possible; cpu++)
		if (epoll_ctl(s->epfd, EPOLL_CTL_DEL, s->rt_fd[cpu], NULL) < 0 && errno != ENOENT)
			return eg_log_errno(-errno, "bpf source: hand CPU %d's RT ring over", cpu);
	s->rt_taken = true;
	for (int cpu = 0; cpu < nr_cpus; cpu++)
		fds[cpu] = cpu < s->nr_possible ? s->rt_fd[cpu] : -1;
	return 0;
}

static uint64_t bpf_next_timeout(const struct eg_source *s)
{
	if (!s)
		return EG_NEVER;
	return s->pend_len ? 0 : s->next_synth;
}

/* Sort the pending events by time, stably: few and nearly in order (each
 * ring is in its CPU's order), so an insertion sort. The queue starts at
 * index 0 here (see bpf_read). */
static void sort_pend(struct eg_source *s)
{
	for (size_t i = 1; i < s->pend_len; i++) {
		struct eg_event e = s->pend[i];
		size_t j = i;

		while (j > 0 && s->pend[j - 1].ts > e.ts) {
			s->pend[j] = s->pend[j - 1];
			j--;
		}
		s->pend[j] = e;
	}
}

/* Hand out up to max pending events in time order (records from different
 * CPUs can reach the rings a little out of order). The RT records come
 * first, in time order across their rings as they were in the one ring
 * they shared; then the utilization records in the order of their ring.
 * Nothing here depends on the order across CPUs: a CPU's windows are
 * closed from its own records only, which stay in its order in the one
 * utilization ring, and the RT wakeups' accounting (the woken mark, the
 * lost ones, the counters) is the program's, per task and per CPU. */
static int bpf_read(struct eg_source *s, uint64_t now, struct eg_event *ev, int max)
{
	int n = 0, r;

	if (!s || !ev || max < 0)
		return -EINVAL;
	if (s->pend_len == 0) {
		s->pend_head = 0;
		r = ring_buffer__consume(s->rt_rb);
		if (r < 0)
			return eg_log_errno(r, "bpf source: RT ring buffer read");
		sort_pend(s);
		r = ring_buffer__consume(s->rb);
		if (r < 0)
			return eg_log_errno(r, "bpf source: ring buffer read");
		if (now >= s->next_synth)
			synth(s);
	}
	while (n < max && s->pend_len) {
		struct eg_event e = s->pend[s->pend_head];
		int i = n;

		s->pend_head = (s->pend_head + 1) % s->pend_cap;
		s->pend_len--;
		while (i > 0 && ev[i - 1].ts > e.ts) {
			ev[i] = ev[i - 1];
			i--;
		}
		ev[i] = e;
		n++;
	}
	s->nr_events += (uint64_t)n;
	return n;
}

/* The sum over the possible CPUs of a one-entry per-CPU u64 array. */
static int sum_pcpu_u64(const struct eg_source *s, const struct bpf_map *map, uint64_t *sum)
{
	uint64_t *v = calloc((size_t)s->nr_possible, sizeof(*v));
	uint32_t zero = 0;
	int r = 0;

	*sum = 0;
	if (!v)
		return -ENOMEM;
	if (bpf_map__lookup_elem(map, &zero, sizeof(zero), v, sizeof(*v) * (size_t)s->nr_possible,
				 0) < 0)
		r = -errno;
	for (int cpu = 0; r == 0 && cpu < s->nr_possible; cpu++)
		*sum += v[cpu];
	free(v);
	return r;
}

/* How often the kernel skipped prog because it was already running on that
 * CPU; 0 where the kernel does not say (before 5.12). */
static uint64_t prog_misses(const struct bpf_program *prog)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len) < 0)
		return 0;
	return info.recursion_misses;
}

int eg_sched_bpf_forced(const struct eg_source *s, int cpu, uint64_t *n, int32_t *last_pid)
{
	int r;

	if (!s || !n || !last_pid || cpu < 0 || cpu >= s->nr_possible)
		return -EINVAL;
	r = read_pcpu(s);
	if (r < 0)
		return r;
	*n = s->pcpu[cpu].nr_forced;
	*last_pid = s->pcpu[cpu].last_forced;
	return 0;
}

int eg_sched_bpf_stats(const struct eg_source *s, struct eg_sched_bpf_stats *out)
{
	int r;

	if (!s || !out)
		return -EINVAL;
	r = read_pcpu(s);
	if (r < 0)
		return r;
	memset(out, 0, sizeof(*out));
	for (int cpu = 0; cpu < s->nr_possible; cpu++) {
		out->switches += s->pcpu[cpu].nr_switches;
		out->busy_records += s->pcpu[cpu].nr_busy;
		out->wakeups += s->pcpu[cpu].nr_wakeups;
		out->dropped += s->pcpu[cpu].nr_dropped;
		out->woken += s->pcpu[cpu].nr_woken;
		out->moved += s->pcpu[cpu].nr_moved;
		out->forced += s->pcpu[cpu].nr_forced;
		out->timer += s->pcpu[cpu].nr_timer;
	}
	out->events = s->nr_events;
	r = sum_pcpu_u64(s, s->skel->maps.rt_wakeups_lost, &out->rt_wakeups_lost);
	if (r < 0)
		return r;
	out->wakeup_misses =
		prog_misses(s->skel->progs.eg_wakeup) + prog_misses(s->skel->progs.eg_wakeup_new);
	out->switch_misses = prog_misses(s->skel->progs.eg_switch);
	return 0;
}

int eg_sched_bpf_rt_lost(const struct eg_source *s, int32_t pid, uint32_t *n)
{
	uint8_t v;

	if (!s || !n)
		return -EINVAL;
	if (bpf_map__lookup_elem(s->skel->maps.rt_woken, &pid, sizeof(pid), &v, sizeof(v), 0) < 0)
		return -errno;
	*n = v >> 1;
	return 0;
}

int eg_sched_bpf_task_runtime(const struct eg_source *s, int32_t pid, uint64_t *ns)
{
	struct eg_bpf_task t;

	if (!s || !ns)
		return -EINVAL;
	if (bpf_map__lookup_elem(s->skel->maps.tasks, &pid, sizeof(pid), &t, sizeof(t), 0) < 0)
		return -errno;
	*ns = t.runtime_ns;
	return 0;
}

int eg_sched_bpf_watch(struct eg_source *s, int32_t pid, bool on)
{
	uint8_t one = 1;
	int r;

	if (!s || pid <= 0)
		return -EINVAL;
	r = on ? bpf_map__update_elem(s->skel->maps.watch, &pid, sizeof(pid), &one, sizeof(one),
				      BPF_ANY) :
		 bpf_map__delete_elem(s->skel->maps.watch, &pid, sizeof(pid), 0);
	if (r < 0 && !(r == -ENOENT && !on))
		return r;
	return 0;
}

const struct eg_source_ops eg_source_bpf = {
	.name = "bpf",
	.kind = EG_SOURCE_SCHED,
	.probe = bpf_probe,
	.open = bpf_open,
	.fd = bpf_fd,
	.next_timeout = bpf_next_timeout,
	.read = bpf_read,
	.close = bpf_close,
	.set_util_threshold = bpf_set_util_threshold,
	.sync = bpf_sync,
	.set_cpu_util_scale = bpf_set_cpu_util_scale,
	.rt_wake_fds = bpf_rt_wake_fds,
	.read_at_wakeups = true,
};

#else /* !HAVE_BPF */

static int bpf_probe(const struct eg_source_opts *o, char *why, size_t len)
{
	(void)o;
	snprintf(why, len,
		 "built without BPF support (meson -Dbpf=enabled needs libbpf, clang, "
		 "bpftool and /sys/kernel/btf/vmlinux)");
	return -EOPNOTSUPP;
}

static int bpf_open(struct eg_source **out, const struct eg_source_opts *o)
{
	(void)o;
	*out = NULL;
	return -EOPNOTSUPP;
}

int eg_sched_bpf_stats(const struct eg_source *s, struct eg_sched_bpf_stats *out)
{
	(void)s;
	(void)out;
	return -EOPNOTSUPP;
}

int eg_sched_bpf_forced(const struct eg_source *s, int cpu, uint64_t *n, int32_t *last_pid)
{
	(void)s;
	(void)cpu;
	(void)n;
	(void)last_pid;
	return -EOPNOTSUPP;
}

int eg_sched_bpf_rt_lost(const struct eg_source *s, int32_t pid, uint32_t *n)
{
	(void)s;
	(void)pid;
	(void)n;
	return -EOPNOTSUPP;
}

int eg_sched_bpf_task_runtime(const struct eg_source *s, int32_t pid, uint64_t *ns)
{
	(void)s;
	(void)pid;
	(void)ns;
	return -EOPNOTSUPP;
}

int eg_sched_bpf_watch(struct eg_source *s, int32_t pid, bool on)
{
	(void)s;
	(void)pid;
	(void)on;
	return -EOPNOTSUPP;
}

const struct eg_source_ops eg_source_bpf = {
	.name = "bpf",
	.kind = EG_SOURCE_SCHED,
	.probe = bpf_probe,
	.open = bpf_open,
};

#endif /* HAVE_BPF */
