/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the tests that run the real eagovd share: reading its exit stats
 * line, showing a captured stream when an assertion fails, a millisecond
 * sleep and a temporary tree removed at the end. */
#pragma once

#include <stdbool.h>

/* The stats line's field (after " name="), as a number; -1 when the file
 * has no stats line or the line no such field. A malformed number fails
 * the test. */
double run_stats_field(const char *path, const char *name);
/* Whether a line of the file holds text (false without the file). */
bool run_file_has(const char *path, const char *text);
/* The file's lines as cmocka messages, indented ("  | "). */
void run_show(const char *path);
void run_sleep_ms(int ms);
/* Remove dir and everything below it; 0 or -1. */
int run_rm_tree(const char *dir);
