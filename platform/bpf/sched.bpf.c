// SPDX-License-Identifier: GPL-2.0-or-later
/* The scheduler half of eagov's bpf event source: per-CPU busy time and
 * per-task run time kept in maps, and only what the policy needs sent to
 * user space through one ring buffer (see sched_bpf.c for the choice). */
#include "vmlinux.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "sched_bpf_shared.h"

char LICENSE[] SEC("license") = "GPL";

/* Set by user space before load. */
const volatile __u64 util_rate_ns = 4000000;

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

/* The event rate is bounded (one BUSY per CPU per util_rate_ns plus the RT
 * wakeups), so a small buffer holds many milliseconds of slack. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

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

SEC("tp_btf/sched_switch")
int BPF_PROG(eg_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	struct eg_bpf_cpu *c = this_cpu();
	__u64 now = bpf_ktime_get_ns();
	__s32 prev_pid = prev->pid, next_pid = next->pid;
	struct eg_bpf_rec *r;

	if (!c)
		return 0;
	c->nr_switches++;
	if (c->last_ts == 0) {
		/* The first switch we see: what ran before is unknown, so
		 * counting starts here and the first record comes one rate
		 * period later. */
		c->last_ts = now;
		c->last_emit = now;
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

	/* The rate bound: one record per CPU per util_rate_ns at most, so a
	 * switch storm costs user space nothing more than a quiet CPU. */
	if (now - c->last_emit < util_rate_ns)
		return 0;
	r = bpf_ringbuf_reserve(&events, sizeof(*r), 0);
	if (!r) {
		c->nr_dropped++;
		return 0;
	}
	r->ts = now;
	r->busy_total = c->busy_total;
	r->type = EG_BPF_REC_BUSY;
	r->cpu = (__s32)bpf_get_smp_processor_id();
	r->pid = 0;
	r->prio = 0;
	r->target_cpu = -1;
	r->flags = 0;
	/* No wakeup: user space drains utilization records on its own period
	 * (poll_interval_ms); waking it for each one cost a context switch per
	 * record, most of the daemon's CPU time under a switch storm. */
	bpf_ringbuf_submit(r, BPF_RB_NO_WAKEUP);
	c->last_emit = now;
	c->nr_busy++;
	return 0;
}

static __always_inline int on_wakeup(struct task_struct *p, __u32 flags)
{
	__s32 pid = p->pid;
	int prio = p->prio;
	struct eg_bpf_cpu *c = this_cpu();
	struct eg_bpf_rec *r;

	/* Only RT / DL wakeups (prio < 100, the fast-ramp trigger) and pids
	 * user space watches go out at once; CFS wakeups reach the policy
	 * through the busy records. */
	if (prio >= 100 && !bpf_map_lookup_elem(&watch, &pid))
		return 0;
	r = bpf_ringbuf_reserve(&events, sizeof(*r), 0);
	if (!r) {
		if (c)
			c->nr_dropped++;
		return 0;
	}
	r->ts = bpf_ktime_get_ns();
	r->busy_total = 0;
	r->type = EG_BPF_REC_WAKEUP;
	r->cpu = (__s32)bpf_get_smp_processor_id();
	r->pid = pid;
	r->prio = prio;
	r->target_cpu = task_cpu_of(p);
	r->flags = flags;
	/* The fast-ramp trigger: wake user space now, whatever is pending. */
	bpf_ringbuf_submit(r, BPF_RB_FORCE_WAKEUP);
	if (c)
		c->nr_wakeups++;
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
