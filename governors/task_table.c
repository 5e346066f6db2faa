// SPDX-License-Identifier: GPL-2.0-or-later
/* The per-task table of the signals: tasks by pid, open addressing with
 * linear probing and backward-shift removal (no tombstones), grown before an
 * event so that no task pointer moves while the event is applied. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "task_table.h"

static uint32_t pid_hash(int32_t pid)
{
	uint32_t h = (uint32_t)pid;

	h ^= h >> 16;
	h *= 0x7feb352dU;
	h ^= h >> 15;
	h *= 0x846ca68bU;
	h ^= h >> 16;
	return h;
}

int eg_task_table_init(struct eg_task_table *tt, uint32_t cap)
{
	tt->slots = calloc(cap, sizeof(*tt->slots));
	if (!tt->slots)
		return -ENOMEM;
	tt->cap = cap;
	tt->used = 0;
	return 0;
}

struct eg_task *eg_task_table_find(const struct eg_task_table *tt, int32_t pid)
{
	uint32_t mask = tt->cap - 1;

	if (pid <= 0 || !tt->slots)
		return NULL;
	for (uint32_t i = pid_hash(pid) & mask;; i = (i + 1) & mask) {
		if (tt->slots[i].pid == pid)
			return &tt->slots[i];
		if (tt->slots[i].pid == 0)
			return NULL;
	}
}

/* Place a task (pid not present) into a table that has room. */
struct eg_task *eg_task_table_place(struct eg_task_table *tt, const struct eg_task *t)
{
	uint32_t mask = tt->cap - 1;
	uint32_t i = pid_hash(t->pid) & mask;

	while (tt->slots[i].pid != 0)
		i = (i + 1) & mask;
	tt->slots[i] = *t;
	tt->used++;
	return &tt->slots[i];
}

/* Make room for n more tasks with the load factor kept at or under 1/2 (short
 * probe sequences). Growing moves tasks: pointers into the table are only
 * valid until the next reserve. */
int eg_task_table_reserve(struct eg_task_table *tt, uint32_t n)
{
	struct eg_task_table bigger;
	uint32_t cap = tt->cap;

	while ((uint64_t)(tt->used + n) * 2 > cap) {
		if (cap > UINT32_MAX / 2)
			return -ENOMEM;
		cap *= 2;
	}
	if (cap == tt->cap)
		return 0;
	if (eg_task_table_init(&bigger, cap))
		return -ENOMEM;
	for (uint32_t i = 0; i < tt->cap; i++)
		if (tt->slots[i].pid != 0)
			eg_task_table_place(&bigger, &tt->slots[i]);
	free(tt->slots);
	*tt = bigger;
	return 0;
}

/* Remove with backward shift: later entries of the probe run move up so
 * lookups never meet a hole before their slot. */
void eg_task_table_remove(struct eg_task_table *tt, struct eg_task *t)
{
	uint32_t mask = tt->cap - 1;
	uint32_t hole = (uint32_t)(t - tt->slots);
	uint32_t i = hole;

	for (;;) {
		uint32_t home;

		i = (i + 1) & mask;
		if (tt->slots[i].pid == 0)
			break;
		home = pid_hash(tt->slots[i].pid) & mask;
		/* The entry at i may fill the hole unless its home lies
		 * cyclically in (hole, i]. */
		if (((i - home) & mask) >= ((i - hole) & mask)) {
			tt->slots[hole] = tt->slots[i];
			hole = i;
		}
	}
	memset(&tt->slots[hole], 0, sizeof(tt->slots[hole]));
	tt->used--;
}

void eg_task_table_free(struct eg_task_table *tt)
{
	free(tt->slots);
	tt->slots = NULL;
	tt->cap = 0;
	tt->used = 0;
}
