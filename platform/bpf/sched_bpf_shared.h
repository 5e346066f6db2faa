/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the scheduler BPF program (sched.bpf.c) and its user-space half
 * (sched_bpf.c) share: the ring-buffer record and the layout of the maps
 * user space reads. Fixed-size kernel types only, so both sides agree. */
#pragma once

#ifndef __bpf__
#include <linux/types.h>
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
	__u32 sent_avg;	  /* avg when the last record was sent */
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
	/* Set by an RT wakeup towards this CPU (from any CPU): the window
	 * in progress is sent whatever its change, so that user space hears
	 * when the woken task's time is over rather than at the heartbeat. */
	__u32 force;
	/* The busy fraction (0..1024) averaged as PELT averages: each window
	 * weighs in by 1 - y^n for its n periods of 1024 x 1024 ns, y^32 =
	 * 1/2. A blip in one window hardly moves it; a load that changes
	 * moves it as fast as the util the policies read. */
	__u32 avg;
};

#ifdef __bpf__
/* The rate timer of one CPU (an array map indexed by CPU): armed while the
 * CPU runs something, so that a CPU that stops switching (one task
 * spinning) still reports a change of its load. */
struct eg_bpf_timer {
	struct bpf_timer timer;
	__u32 state; /* 0 never initialised, 1 idle, 2 armed */
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
