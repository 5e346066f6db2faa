// SPDX-License-Identifier: GPL-2.0-or-later
/* The scheduler half of eagov's bpf event source: per-CPU busy time and
 * per-task run time kept in maps, and only what the policy needs sent to
 * user space: load changes that matter through one ring buffer, RT
 * wakeups through a ring per CPU (see sched_bpf.c for the choice). */
#include "vmlinux.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "sched_bpf_shared.h"

char LICENSE[] SEC("license") = "GPL";

/* Set by user space before load: the rate window, and the longest a CPU's
 * busy total goes unsent while it keeps switching (the heartbeat). */
const volatile __u64 util_rate_ns = 4000000;
const volatile __u64 heartbeat_ns = 1000000000;

/* Set by user space at any time (the .data map): the change of a CPU's
 * util (its average, see eg_bpf_cpu.avg) since the last record that woke
 * user space that the active policies care about. Smaller changes are kept
 * here and reach user space with the heartbeat. */
__u32 util_threshold = 32;
/* And (the .bss map) the util under which no change matters (every policy
 * would pick its lowest OPP): moves that stay under it are not sent
 * either. */
__u32 util_floor = 0;
/* Each CPU's util when fully busy at its current frequency (capacity x f /
 * fmax, 0..1024; .bss, set by user space whenever the frequency moves),
 * which turns its busy fraction into util. 0: not set, the busy fraction
 * counts as util (it moves at least as much). */
__u32 cpu_scale[EG_BPF_MAX_CPUS];

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct eg_bpf_cpu);
} cpu_state SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __s32);
	__type(value, struct eg_bpf_task);
} tasks SEC(".maps");

/* Pids user space asked to hear about at every wakeup (latency boosts). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __s32);
	__type(value, __u8);
} watch SEC(".maps");

/* Utilization records. The rate is bounded (one per CPU per util_rate_ns
 * at most), so a small buffer holds many milliseconds of slack. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

/* RT and watched wakeups only, each waking user space: the fast-ramp path
 * never waits behind utilization records. One ring per CPU, written by the
 * CPU the program runs on (user space creates them, one per possible CPU,
 * and fills the slots; an empty slot counts as a full ring): a ring's
 * wakeup is an irq_work on the CPU that wrote it, so a reader pinned to
 * that CPU and waiting on that ring alone is woken there, with no
 * interrupt sent to another CPU. */
struct eg_rt_ring {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1);
	__type(key, __u32);
	__array(values, struct eg_rt_ring);
} rt_rings SEC(".maps");

/* The daemon's own threads (eg_source_opts.ignore_tids): realtime
 * themselves, their wakeups must neither ramp a CPU for the daemon nor
 * wake it once more, and their blocks prove no lost wakeup. Their
 * switches count as any task's. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 512);
	__type(key, __s32);
	__type(value, __u8);
} self_tids SEC(".maps");

/* RT tasks seen to block: bit 0 set once a wakeup of theirs was sent
 * since, clear while none was. A task that blocks again with it clear ran
 * without its wakeup reaching this program: a wakeup the kernel did not
 * deliver, counted in rt_wakeups_lost and, per task, in bits 1-7
 * (saturating). The task's first block as RT proves nothing: it may have
 * been running since before it became RT. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __s32);
	__type(value, __u8);
} rt_woken SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} rt_wakeups_lost SEC(".maps");

/* One rate timer per CPU; user space sizes it to the possible CPUs. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct eg_bpf_timer);
} cpu_timer SEC(".maps");

/* BPF_F_TIMER_CPU_PIN (6.7): the callback runs on the CPU it watches. */
#define EG_TIMER_PIN (1ULL << 1)

static __always_inline struct eg_bpf_cpu *this_cpu(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&cpu_state, &zero);
}

static __always_inline int task_cpu_of(struct task_struct *p)
{
	if (bpf_core_field_exists(p->thread_info.cpu))
		return BPF_CORE_READ(p, thread_info.cpu);
	return -1;
}

/* This CPU's util scale: its own once user space set it, else 1024. */
static __always_inline __u32 scale_of(__u32 cpu)
{
	__u32 v = cpu < EG_BPF_MAX_CPUS ? cpu_scale[cpu] : 0;

	return v ? v : 1024;
}

/* The end of a rate window on the calling CPU at now, with busy total
 * total then: the window's util goes into the CPU's average, and a record
 * is sent when that average moved past the engine's limits since the last
 * one that woke user space (waking it: eg_bpf_wakes), or when nothing was
 * sent for heartbeat_ns (waking it only over the floor: eg_bpf_beat_wakes;
 * else it is read whenever user space wakes). Anything else stays in the
 * totals. */
static __always_inline void consider(struct eg_bpf_cpu *c, __u64 now, __u64 total)
{
	__u64 span = now - c->win_ts, busy, wts = c->win_ts, wbusy = c->win_busy;
	__u32 cpu = bpf_get_smp_processor_id(), avg, scale;
	struct eg_bpf_rec *r;
	bool wake, moved, beat;

	if (span < util_rate_ns)
		return;
	busy = total > c->win_busy ? total - c->win_busy : 0;
	c->win_ts = now;
	c->win_busy = total;
	scale = scale_of(cpu);
	avg = eg_bpf_avg_next(c->avg, busy, span, scale);
	c->avg = avg;
	moved = eg_bpf_wakes(c->sent_avg, avg, util_threshold, util_floor);
	beat = now - c->last_emit >= heartbeat_ns;
	wake = moved || c->force ||
	       (beat && eg_bpf_beat_wakes(c->sent_avg, avg, util_threshold, util_floor, scale));
	if (!wake && !beat)
		return;
	r = bpf_ringbuf_reserve(&events, sizeof(*r), 0);
	if (!r) {
		c->nr_dropped++;
		return;
	}
	r->ts = now;
	r->busy_total = total;
	/* The stretch before this window, when there is one, ends at its
	 * start: the change is not diluted over the quiet time before it. */
	r->win_ts = wake && wts > c->last_emit ? wts : 0;
	r->win_busy = wake && wts > c->last_emit ? wbusy : 0;
	r->type = EG_BPF_REC_BUSY;
	r->cpu = (__s32)cpu;
	r->pid = 0;
	r->prio = 0;
	r->target_cpu = -1;
	r->flags = 0;
	bpf_ringbuf_submit(r, wake ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP);
	c->last_emit = now;
	c->nr_busy++;
	if (!wake)
		return;
	/* What user space will have read when it acts on this record. A
	 * heartbeat is read whenever user space wakes next, which may be
	 * long after: it does not move the reference, or a load creeping by
	 * less than the threshold per heartbeat would never wake anyone. */
	c->sent_avg = avg;
	if (c->force) {
		c->nr_forced++;
		c->last_forced = c->forced_for;
	}
	c->force = 0;
	c->nr_woken++;
	if (moved)
		c->nr_moved++;
}

static int on_timer(void *map, __u32 *key, struct eg_bpf_timer *t)
{
	struct eg_bpf_cpu *c = this_cpu();
	__u64 now = bpf_ktime_get_ns(), n, due, delay;

	if (!c || c->last_ts == 0) {
		t->state = 1;
		return 0;
	}
	c->nr_timer++;
	/* The idle task runs here while the record has a task running: the
	 * switch to idle never came (a kernel may deliver no event in some
	 * task's context, its switch out included). The time since the last
	 * switch counts idle, the least the events prove busy, and the timer
	 * lapses as on any idle CPU. */
	if (c->curr_pid != 0 && (__u32)bpf_get_current_pid_tgid() == 0) {
		c->curr_pid = 0;
		c->last_ts = now;
		consider(c, now, c->busy_total);
		t->state = 1;
		return 0;
	}
	/* The period in progress counts: that is what the timer is for. */
	consider(c, now, c->busy_total + (c->curr_pid != 0 ? now - c->last_ts : 0));
	if (c->curr_pid != 0) {
		t->state = bpf_timer_start(&t->timer, util_rate_ns, EG_TIMER_PIN) == 0 ? 2 : 1;
		return 0;
	}
	/* Idle, and nothing else runs here to notice the average falling:
	 * when a fall will wake user space, wake then, else lapse. */
	t->state = 1;
	n = eg_bpf_fall_periods(c->sent_avg, c->avg, util_threshold, util_floor);
	if (n == 0)
		return 0;
	due = c->win_ts + (n << 20);
	delay = due > now + util_rate_ns ? due - now : util_rate_ns;
	if (bpf_timer_start(&t->timer, delay, EG_TIMER_PIN) == 0)
		t->state = 3;
	return 0;
}

/* Arm this CPU's rate timer unless it is armed: called when the CPU
 * starts running something. It re-arms itself while the CPU stays busy,
 * and once it finds the CPU idle it either lapses or, while the average's
 * fall can still wake user space, waits for that fall (state 3; a CPU
 * that runs something again brings it back to the rate). An idle CPU whose
 * fall cannot matter has no timer. */
static __always_inline void arm_timer(struct eg_bpf_cpu *c)
{
	__u32 cpu = bpf_get_smp_processor_id();
	struct eg_bpf_timer *t = bpf_map_lookup_elem(&cpu_timer, &cpu);

	if (!t || t->state == 2)
		return;
	if (t->state == 0) {
		if (bpf_timer_init(&t->timer, &cpu_timer, 1 /* CLOCK_MONOTONIC */) != 0 &&
		    t->state == 0)
			return;
		bpf_timer_set_callback(&t->timer, on_timer);
	}
	if (bpf_timer_start(&t->timer, util_rate_ns, EG_TIMER_PIN) == 0)
		t->state = 2;
	else
		t->state = 1;
}

static __always_inline void rt_blocks(__s32 pid)
{
	__u8 *v = bpf_map_lookup_elem(&rt_woken, &pid), nv = 0;

	if (v && !(*v & 1)) {
		__u32 key = 0;
		__u64 *lost = bpf_map_lookup_elem(&rt_wakeups_lost, &key);

		if (lost)
			(*lost)++;
		nv = *v < 0xfe ? *v + 2 : *v;
	} else if (v) {
		nv = *v & 0xfe;
	}
	bpf_map_update_elem(&rt_woken, &pid, &nv, BPF_ANY);
}

SEC("tp_btf/sched_switch")
int BPF_PROG(eg_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	struct eg_bpf_cpu *c = this_cpu();
	__u64 now = bpf_ktime_get_ns();
	__s32 prev_pid = prev->pid, next_pid = next->pid;
	bool blocked;

	if (!c)
		return 0;
	c->nr_switches++;
	if (c->last_ts == 0) {
		/* The first switch we see: what ran before is unknown, so
		 * counting starts here and the first record comes one rate
		 * period later. */
		c->last_ts = now;
		c->last_emit = now;
		c->win_ts = now;
		c->curr_pid = next_pid;
		return 0;
	}
	/* Busy is everything but the idle task (pid 0 on every CPU). */
	if (prev_pid != 0) {
		__u64 ran = now - c->last_ts;
		struct eg_bpf_task *t = bpf_map_lookup_elem(&tasks, &prev_pid);

		c->busy_total += ran;
		if (t) {
			t->runtime_ns += ran;
		} else if (!(prev->flags & 0x00000004 /* PF_EXITING */)) {
			/* (An exiting task's last switch comes after its exit
			 * event: no new entry for it.) */
			struct eg_bpf_task nt = { .runtime_ns = ran,
						  .cpu = (__s32)bpf_get_smp_processor_id() };

			bpf_map_update_elem(&tasks, &prev_pid, &nt, BPF_ANY);
		}
	}
	c->last_ts = now;
	c->curr_pid = next_pid;
	/* A task blocking, not preempted: its state is not running. A
	 * kernel without __state counts every switch out. */
	blocked = prev_pid != 0 &&
		  (!bpf_core_field_exists(prev->__state) || BPF_CORE_READ(prev, __state) != 0);
	if (blocked && prev_pid == c->force_pid) {
		c->force = 1;
		c->forced_for = prev_pid;
		c->force_pid = 0;
	}
	if (blocked && prev->prio < 100 && bpf_core_field_exists(prev->__state) &&
	    !bpf_map_lookup_elem(&self_tids, &prev_pid))
		rt_blocks(prev_pid);

	if (next_pid != 0)
		arm_timer(c);
	consider(c, now, c->busy_total);
	return 0;
}

static __always_inline int on_wakeup(struct task_struct *p, __u32 flags)
{
	__s32 pid = p->pid;
	int prio = p->prio;
	struct eg_bpf_cpu *c = this_cpu();
	struct eg_bpf_rec *r;
	int r_target;
	__u32 cpu;
	void *ring;

	/* Only RT / DL wakeups (prio < 100, the fast-ramp trigger) and pids
	 * user space watches go out at once; CFS wakeups reach the policy
	 * through the busy records. */
	if (prio >= 100 && !bpf_map_lookup_elem(&watch, &pid))
		return 0;
	if (bpf_map_lookup_elem(&self_tids, &pid))
		return 0;
	/* The per-CPU stopper threads (migration/N: kernel threads bound to
	 * one CPU at the top priority) run in the stop class, which the
	 * kernel's own governors do not ramp for either. */
	if (prio == 0 && (p->flags & 0x00200000 /* PF_KTHREAD */) && p->nr_cpus_allowed == 1)
		return 0;
	cpu = bpf_get_smp_processor_id();
	ring = bpf_map_lookup_elem(&rt_rings, &cpu);
	r = ring ? bpf_ringbuf_reserve(ring, sizeof(*r), 0) : NULL;
	if (!r) {
		if (c)
			c->nr_dropped++;
		return 0;
	}
	r->ts = bpf_ktime_get_ns();
	r->busy_total = 0;
	r->win_ts = 0;
	r->win_busy = 0;
	r->type = EG_BPF_REC_WAKEUP;
	r->cpu = (__s32)cpu;
	r->pid = pid;
	r->prio = prio;
	r_target = task_cpu_of(p);
	r->target_cpu = r_target;
	r->flags = flags;
	/* The fast-ramp trigger: wake user space now, whatever is pending. */
	bpf_ringbuf_submit(r, BPF_RB_FORCE_WAKEUP);
	if (prio < 100) {
		__u8 *v = bpf_map_lookup_elem(&rt_woken, &pid);

		if (v)
			*v |= 1;
	}
	if (c) {
		c->nr_wakeups++;
		c->nr_woken++;
	}
	if (r_target >= 0) {
		__u32 zero = 0;
		struct eg_bpf_cpu *tc = bpf_map_lookup_percpu_elem(&cpu_state, &zero, r_target);

		if (tc)
			tc->force_pid = pid;
	}
	return 0;
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(eg_wakeup, struct task_struct *p)
{
	return on_wakeup(p, 0);
}

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(eg_wakeup_new, struct task_struct *p)
{
	return on_wakeup(p, EG_BPF_WAKE_NEW);
}

SEC("tp_btf/sched_migrate_task")
int BPF_PROG(eg_migrate, struct task_struct *p, int dest_cpu)
{
	__s32 pid = p->pid;
	struct eg_bpf_task *t = bpf_map_lookup_elem(&tasks, &pid);

	if (t)
		t->cpu = dest_cpu;
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(eg_exit, struct task_struct *p)
{
	__s32 pid = p->pid;

	bpf_map_delete_elem(&tasks, &pid);
	bpf_map_delete_elem(&watch, &pid);
	return 0;
}
