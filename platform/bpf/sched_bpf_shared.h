/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the scheduler BPF program (sched.bpf.c) and its user-space half
 * (sched_bpf.c) share: the ring-buffer record, the layout of the maps
 * user space reads, and the arithmetic by which the program decides to
 * wake user space (plain C, so that it is tested outside the kernel).
 * Fixed-size kernel types only, so both sides agree. */
#pragma once

#ifndef __bpf__
#include <linux/types.h>
#include <stdbool.h>
#endif

enum eg_bpf_rec_type {
	EG_BPF_REC_BUSY = 1,   /* cumulative busy time of cpu at ts */
	EG_BPF_REC_WAKEUP = 2, /* an RT or latency-sensitive wakeup */
};

/* Wakeup flags, the same bits as EG_WAKE_* in governors/event.h. */
#define EG_BPF_WAKE_NEW (1U << 0)

/* One ring-buffer record. BUSY carries the running total rather than a
 * window so that user space owns the windows: it can then merge records,
 * or add its own samples for CPUs that stopped switching, without the two
 * sides ever counting the same nanosecond twice. */
struct eg_bpf_rec {
	__u64 ts;	  /* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
	__u64 busy_total; /* BUSY */
	/* BUSY: the start of the rate window in which the change was seen and
	 * the busy total then (0, 0 for none), so that user space ends the
	 * quiet stretch before it there and the change keeps its own window
	 * rather than being averaged into the stretch. */
	__u64 win_ts;
	__u64 win_busy;
	__u32 type; /* enum eg_bpf_rec_type */
	__s32 cpu;  /* where the program ran */
	__s32 pid;  /* WAKEUP */
	__s32 prio;
	__s32 target_cpu;
	__u32 flags; /* EG_BPF_WAKE_* */
};

/* Per-CPU state (a one-entry per-CPU array: each CPU only ever touches its
 * own copy, from its own sched_switch, so no locking is needed). */
struct eg_bpf_cpu {
	__u64 busy_total; /* ns not in the idle task since the first switch */
	__u64 last_ts;	  /* last switch on this CPU; 0 = none seen yet */
	__u64 last_emit;  /* last BUSY record sent */
	__s32 curr_pid;	  /* 0 = the idle task */
	__u32 sent_avg;	  /* avg when the last record that woke user space was sent */
	__u64 win_ts;	  /* the rate window in progress: its start */
	__u64 win_busy;	  /* and the busy total then */
	/* Counters for the rate checks and the bench: switches seen, records
	 * sent, records lost because the ring buffer was full. */
	__u64 nr_switches;
	__u64 nr_busy;
	__u64 nr_wakeups;
	__u64 nr_dropped;
	__u64 nr_woken; /* records that woke user space (changes, RT) */
	__u64 nr_timer; /* busy-CPU timer expiries */
	/* An RT wakeup towards this CPU (from any CPU) leaves its pid here;
	 * when that task blocks, force is set and the window then in
	 * progress is sent whatever its change, so that user space hears
	 * when the task's time is over rather than at the heartbeat. Not
	 * before: a window sent at the switch into the task (or into the
	 * fast-path thread ahead of it) holds the idle time before the task
	 * and would wake user space on another CPU, an inter-processor
	 * interrupt paid on the way to the ramp. */
	__s32 force_pid;
	__u32 force;
	__s32 forced_for;  /* the task whose block set force */
	__s32 last_forced; /* the task of the last window forced */
	/* The CPU's util (0..1024): each window's busy fraction at the CPU's
	 * util scale then, averaged as PELT averages (each window weighs in by
	 * 1 - y^n for its n periods of 1024 x 1024 ns, y^32 = 1/2). A blip in
	 * one window hardly moves it; a load that changes moves it as the
	 * util the policies read moves. */
	__u32 avg;
	/* Records that woke user space because the average moved past the
	 * limits (the rest of nr_woken: RT wakeups and their forced windows). */
	__u64 nr_moved;
	/* Windows sent because force was set (the last for last_forced). */
	__u64 nr_forced;
};

#ifdef __bpf__
/* The rate timer of one CPU (an array map indexed by CPU): armed while the
 * CPU runs something, so that a CPU that stops switching (one task
 * spinning) still reports a change of its load. */
struct eg_bpf_timer {
	struct bpf_timer timer;
	__u32 state; /* 0 never initialised, 1 idle, 2 armed, 3 waiting for a fall */
	__u32 pad;
};
#endif

/* Per-task run time (an LRU hash keyed by pid: a task that exits without us
 * seeing it cannot fill the table up for good). */
struct eg_bpf_task {
	__u64 runtime_ns;
	__s32 cpu; /* last CPU it ran on or was migrated to */
	__u32 pad;
};

/* The CPUs whose util scale user space sets one by one (the program's .bss
 * array cpu_scale); a CPU past them counts its busy fraction as util. */
#define EG_BPF_MAX_CPUS 256

/* 1024 x y^n, y^32 = 1/2: what is left of an average after n periods of
 * 1024 x 1024 ns (PELT's decay). */
static inline __u64 eg_bpf_pelt_left(__u64 n)
{
	static const __u16 y[32] = { 1024, 1002, 981, 960, 939, 919, 899, 880, 861, 843, 825,
				     807,  790,	 773, 756, 740, 724, 709, 693, 679, 664, 650,
				     636,  622,	 609, 596, 583, 571, 558, 546, 535, 523 };

	if (n >= 32 * 11)
		return 0;
	return (__u64)y[n & 31] >> (n >> 5);
}

/* The average after a window of span ns (at least one rate window) in
 * which the CPU was busy busy ns, at scale (the util of the CPU fully busy
 * at its frequency then, 0..1024): the window's util weighs in by 1 - y^n
 * for its n periods, so the average follows the util the engine computes
 * from the same time. */
static inline __u32 eg_bpf_avg_next(__u32 avg, __u64 busy, __u64 span, __u32 scale)
{
	__u64 frac = (busy > span ? span : busy) * 1024 / span * scale / 1024;
	__u64 left = eg_bpf_pelt_left(span >> 20);

	return (__u32)(((__u64)avg * left + frac * (1024 - left)) >> 10);
}

/* Does the average's move from sent (at the last record that woke user
 * space) to avg wake it, given the engine's threshold rise and floor? A rise at rise (the policy may need a higher OPP now), a
 * fall at twice it (a lower OPP can wait until the fall is a whole step,
 * so a decaying blip costs one wakeup or two, not one per half step); not
 * while both stay under floor. */
static inline bool eg_bpf_wakes(__u32 sent, __u32 avg, __u32 rise, __u32 floor)
{
	return ((__u64)avg >= (__u64)sent + rise || (__u64)avg + 2 * (__u64)rise <= sent) &&
	       (avg >= floor || sent >= floor);
}

/* Does a heartbeat (a record sent for want of any since heartbeat_ns) wake
 * user space? Only while the CPU's util is at or over the floor, where a
 * policy's answer may depend on it, and its frequency is under the top
 * (scale under 1024), where it may be raised: the engine's util can keep
 * growing after the program's average settled less than a threshold
 * short of the next raise (a saturated CPU), and this bounds how long it
 * waits. Never when no change matters (rise over 1024). */
static inline bool eg_bpf_beat_wakes(__u32 sent, __u32 avg, __u32 rise, __u32 floor, __u32 scale)
{
	return rise <= 1024 && scale < 1024 && (avg >= floor || sent >= floor);
}

/* Periods an idle CPU's average, now avg, takes to fall far enough from
 * sent to wake user space (the first n with avg x y^n at or under sent -
 * 2 x rise), at least 1; 0 when no fall from sent can wake it (sent
 * under floor, or too low to fall by twice rise). */
static inline __u64 eg_bpf_fall_periods(__u32 sent, __u32 avg, __u32 rise, __u32 floor)
{
	__u64 target, n = 0;

	if (sent < floor || (__u64)sent < 2 * (__u64)rise)
		return 0;
	target = sent - 2 * rise;
	/* Whole halvings first, then the periods of the last one. */
	for (int h = 0; h < 11; h++) {
		if ((((__u64)avg * eg_bpf_pelt_left(n + 32)) >> 10) <= target)
			break;
		n += 32;
	}
	for (int k = 0; k < 32; k++) {
		if ((((__u64)avg * eg_bpf_pelt_left(n)) >> 10) <= target)
			break;
		n++;
	}
	return n ? n : 1;
}
