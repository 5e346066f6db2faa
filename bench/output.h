/* SPDX-License-Identifier: GPL-2.0-or-later */
/* eagov-bench's output formats, for the simulated matrix and for --replay:
 * the terminal table, CSV (RFC 4180), JSON (json-c), LAVA lines, HTML. Names
 * are data: every format quotes or escapes them as it requires. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <json-c/json.h>

#include "bench.h"

enum bench_format {
	BENCH_TABLE,
	BENCH_CSV,
	BENCH_JSON,
	BENCH_LAVA
};

/* The simulated matrix after bench_run. Each returns 0, -ENOMEM or -EIO. */
int bench_print_table(FILE *out, const struct bench *b);
int bench_print_csv(FILE *out, const struct bench *b);
int bench_print_json(FILE *out, const struct bench *b);
int bench_print_lava(FILE *out, const struct bench *b);
int bench_print(FILE *out, const struct bench *b, enum bench_format fmt);
/* The HTML report of the visible governors' runs into the file at path.
 * 0 or -errno (logged). */
int bench_write_html(const struct bench *b, const char *path);

/* The cases of bench_replay in fmt (BENCH_LAVA is not one of them: -EINVAL). */
int bench_print_replay(FILE *out, const struct bench *b, const struct bench_replay_case *cases,
		       int n, enum bench_format fmt);

/* A table cell: the number right-aligned in width after a blank, or "-"
 * when there is none (NAN). */
void bench_table_cell(FILE *out, double v, int width, int prec);

/* CSV fields, each followed by a comma. A text field is quoted when it holds
 * a comma, a quote, CR or LF, its quotes doubled; a number is printed with
 * prec decimals, or left empty when v is not finite. */
void bench_csv_text(FILE *out, const char *s);
void bench_csv_num(FILE *out, int prec, double v);

/* JSON members added to object o. A number is written with prec significant
 * digits (%g), or prec decimals when fixed (%f), and null when not finite.
 * A failed allocation sets *oom; the document is then incomplete and must
 * not be printed. */
void bench_json_num(struct json_object *o, const char *key, double v, int prec, bool fixed,
		    bool *oom);
void bench_json_int(struct json_object *o, const char *key, int64_t v, bool *oom);
void bench_json_text(struct json_object *o, const char *key, const char *s, bool *oom);
/* Add member (or array element when key is NULL) v, which o then owns. NULL
 * (a failed allocation) sets *oom. v is returned for filling in. */
struct json_object *bench_json_add(struct json_object *o, const char *key, struct json_object *v,
				   bool *oom);
/* Print doc and free it. 0, -ENOMEM (oom, or json-c's) or -EIO. */
int bench_json_write(FILE *out, struct json_object *doc, bool oom);
