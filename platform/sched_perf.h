/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The `perf` scheduler source: perf_event_open on the sched tracepoints
 * (switch, wakeup, wakeup_new, migrate_task, process_exit), one ring buffer
 * per CPU, fields located with libtraceevent from the tracefs format files.
 *
 * Each CPU has one ring: the five tracepoint events of that CPU write into
 * the sched_switch event's buffer (PERF_EVENT_IOC_SET_OUTPUT), so a ring is
 * in time order; read() merges the rings by timestamp (a k-way merge that
 * holds back what another CPU may still precede, EG_PERF_ORDER_HOLD_NS). The source's fd is an epoll fd over the rings;
 * the kernel wakes it when a ring is a quarter full (batching), and
 * next_timeout asks for a read every poll_interval_ms (10 ms when 0) so a
 * quiet ring is not left waiting. A read that fills the caller's array
 * while a ring still holds records returns -EAGAIN (the array holds max
 * events; read again at once), and next_timeout is 0 until the rings are
 * drained. Lost-record counts
 * (PERF_RECORD_LOST) are summed and logged at most every 10 s.
 *
 * RT wakeups do not wait for the batch: each CPU has a second, small ring
 * where sched_wakeup and sched_wakeup_new write only for RT and deadline
 * tasks (tracepoint filter "prio < 100": kernel prio 0-98 is RT, -1
 * deadline) and which wakes the reader on every record (wakeup_events 1);
 * it is in the same epoll fd, and read() merges it with the main rings by
 * timestamp. The main rings' wakeup events carry the complement filter
 * ("prio >= 100"), so each wakeup is in exactly one ring: the filters see
 * the same record. A kernel that refuses the filter gets no RT rings and
 * unfiltered main rings (a warning; RT wakeups then wait for the batch).
 *
 * prev_runnable: sched_switch's prev_state holds the task-state bits (the
 * kernel's TASK_REPORT mask, 0xff on 4.14+ kernels: "S", "D", ... "I") and,
 * above them, a preemption bit (TASK_REPORT_MAX, 0x100 on 4.14+; older
 * kernels used higher bits). A task preempted while running keeps state 0
 * plus that bit, so prev_runnable = (prev_state & 0xff) == 0.
 *
 * Reconciliation with cpuidle residency (some kernels drop events: on
 * Debian 12 VMs, switches out of idle on CPU1 never reach perf):
 *  - The source keeps each CPU's busy time as the signals module will count
 *    it from the stream: time between a switch to a task and the next switch,
 *    plus, when a switch's prev is not the task the stream has running and the
 *    CPU was idle (the switch out of idle was lost), the time since the CPU's
 *    previous event if prev had been woken to (or preempted on) this CPU —
 *    the repair governors/signals.c applies (switch_resync).
 *  - Every EG_PERF_RECONCILE_MS (EG_PERF_RECONCILE_FAST_MS while any CPU
 *    had a correction in the last EG_PERF_LOSSY_HOLD_MS) it samples cpuidle
 *    residency with
 *    eg_sched_poll and compares, per CPU and cumulatively since open, the
 *    residency busy time with the stream's busy time plus the corrections
 *    already sent. An idle period still in progress is not in the residency
 *    yet, so when the stream has the CPU idle the time since its switch to
 *    idle is taken off the residency figure first (this can only make the
 *    deficit smaller; what it misses is caught up at a later period).
 *  - A deficit above EG_PERF_RECONCILE_MIN_NS is sent as one
 *    EG_EV_BUSY_SAMPLE{busy_ns = deficit, window_ns = time since that CPU's
 *    previous correction or since open}. The signals module adds busy_ns to
 *    the CPU's busy time (what load-based governors and status read) and
 *    runs the CPU's PELT average for as much of it as fits between its last
 *    update and now (ev_busy places busy time at the window's start), so no
 *    switch state is disturbed. The sample is stamped at the read's now,
 *    after every event of that read.
 *  - Why fast on a lossy CPU: a correction enters PELT as a step at its
 *    stamp (the window's busy time with the window's mean decay), and until
 *    the next one the average sees the CPU idle and decays by y^(gap/1.024
 *    ms). With 100 ms between corrections that is 0.5^(97.7/32) = 0.12: a
 *    30 % load read just before a correction showed util ~40 instead of
 *    ~300 (eagovd's live test). With 10 ms the decay between
 *    corrections is 0.5^(9.77/32) = 0.81, what the poll source's 10 ms
 *    samples cost too; a CPU that loses nothing stays at 100 ms.
 *  - A surplus (the stream busier than residency: a lost switch *into* idle)
 *    cannot be taken back by a sample; it ends at the CPU's next recorded
 *    switch, which the signals module resynchronises on. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define EG_PERF_RECONCILE_MS 100
#define EG_PERF_RECONCILE_FAST_MS 10
/* A CPU that needed a correction keeps the fast pace this long: a load
 * losing events now is likely to go on losing them (every idle exit on
 * that CPU), and one second of 10 ms sampling costs ~100 sysfs reads a CPU. */
#define EG_PERF_LOSSY_HOLD_MS 1000
/* A correction is a sign of lost events, and worth the fast pace, when it
 * is at least this share of the time since the previous one. */
#define EG_PERF_LOSSY_MIN_PCT 2
/* 1 ms (or two ticks of the reference where it is /proc/stat): 1 % of a
 * slow reconcile period, far inside the live test's 5-point bound
 * (deficits are cumulative: one under the threshold waits for the next
 * period, it is not dropped),
 * yet above the residency's own noise on a CPU that loses nothing (the few
 * microseconds between the switch to the idle task and the idle state's
 * entry, per idle period). */
#define EG_PERF_RECONCILE_MIN_NS 1000000ULL
#define EG_PERF_RING_PAGES 128 /* 512 KiB per CPU with 4 KiB pages */
#define EG_PERF_DEFAULT_FLUSH_MS 10
/* The longest flush period while the machine is idle (see perf_adapt).
 * Shorter than poll's: an RT wakeup is fed after every record before it,
 * and what an idle second of switches leaves in the rings would be on its
 * path. */
#define EG_PERF_IDLE_FLUSH_MAX_MS 250
/* 32 KiB per CPU: an RT wakeup record is ~64 bytes (header, time, cpu,
 * 36 raw bytes), so ~500 of them between two reads, and the reader is woken
 * on each (cyclictest at 1 kHz leaves it 500 ms). */
#define EG_PERF_RT_RING_PAGES 8

/* The merge's hold (sched_perf_ring.c). Each CPU writes its records in time
 * order, but a record is stamped before it is written, and the rings are
 * read one after the other: a record of a quiet CPU stamped just before a
 * read can become visible after records of a busy CPU stamped later (on a
 * VM the writing vCPU can be stopped in between). So the oldest record
 * waiting goes out only when every CPU is known complete up to its time:
 * one with a record waiting (not older, being the oldest), one whose rings
 * had a record at or after that time, or any CPU for records stamped more
 * than the hold before the read began. A held record waits for the next
 * read (at most the flush period: the batching delay the main rings have
 * anyway); RT wakeups are never held (sched_perf_ring.c). Records from a
 * write later than the hold are stamped at the stream's time, so the
 * stream is in order whatever the kernel does. 1 ms: a record's write
 * takes microseconds; the hold covers a vCPU stopped in the middle. */
#define EG_PERF_ORDER_HOLD_NS (1000 * 1000ULL)

/* The merge's rule above: may a record stamped ts go out, given per CPU
 * the newest time its rings are known complete to (seen), whether a
 * record waits in them (pending), and floor = the read's start less the
 * hold? */
static inline bool eg_perf_in_order(uint64_t ts, const uint64_t *seen, const bool *pending,
				    int nr_cpus, uint64_t floor)
{
	for (int cpu = 0; cpu < nr_cpus; cpu++)
		if (!pending[cpu] && seen[cpu] < ts && floor < ts)
			return false;
	return true;
}

/* The state bits of sched_switch's prev_state on 4.14+ kernels. */
#define EG_PERF_TASK_STATE_MASK 0xffULL

/* prev_state of sched_switch -> the task stays runnable (preempted). */
static inline bool eg_perf_prev_runnable(uint64_t prev_state)
{
	return (prev_state & EG_PERF_TASK_STATE_MASK) == 0;
}
