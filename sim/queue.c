// SPDX-License-Identifier: GPL-2.0-or-later
/* The simulator's event queue: a binary heap ordered by time, then by push
 * order, so that events of one instant are handled first come first served
 * and every run of the same inputs is the same. */
#include <stdlib.h>

#include "sim_internal.h"
#include "util.h"

int sim_grow_slow(struct sim *s, void **p, size_t *cap, size_t need, size_t elem, size_t first)
{
	size_t n;
	void *grown;

	n = *cap ? *cap * 2 : first;
	while (n < need)
		n *= 2;
	grown = realloc(*p, n * elem);
	if (!grown)
		return s->err = -ENOMEM;
	*p = grown;
	*cap = n;
	return 0;
}

static bool event_before(const struct sim_event *x, const struct sim_event *y)
{
	return x->t < y->t || (x->t == y->t && x->seq < y->seq);
}

int sim_push(struct sim *s, uint64_t t, enum sim_event_type type, int target, uint32_t khz,
	     uint64_t gen)
{
	struct sim_event ev = { .t = t,
				.seq = s->seq++,
				.gen = gen,
				.khz = khz,
				.type = (int16_t)type,
				.task = (int16_t)target };
	size_t i;

	if (sim_grow(s, (void **)&s->heap, &s->cap_heap, s->nr_heap + 1, sizeof(*s->heap), 256))
		return -ENOMEM;
	i = s->nr_heap++;
	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (!event_before(&ev, &s->heap[parent]))
			break;
		s->heap[i] = s->heap[parent];
		i = parent;
	}
	s->heap[i] = ev;
	return 0;
}

void sim_pop(struct sim *s, struct sim_event *top)
{
	struct sim_event last = s->heap[--s->nr_heap];
	size_t i = 0;

	*top = s->heap[0];
	for (;;) {
		size_t left = 2 * i + 1, right = left + 1, min = i;
		const struct sim_event *min_ev = &last;

		if (left < s->nr_heap && event_before(&s->heap[left], min_ev)) {
			min = left;
			min_ev = &s->heap[left];
		}
		if (right < s->nr_heap && event_before(&s->heap[right], min_ev))
			min = right;
		if (min == i)
			break;
		s->heap[i] = s->heap[min];
		i = min;
	}
	if (s->nr_heap)
		s->heap[i] = last;
}
