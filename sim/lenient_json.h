/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Lenient JSON, as rt-app files are written: comments, trailing commas,
 * single-quoted strings, and keys repeated within an object, which are kept
 * in file order with the line each was written on. json-c builds the tree;
 * a pre-pass makes repeated keys unique and records every object's keys. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "model.h"

#define EG_JSON_KEY_MAX 64

struct eg_json_key;

/* The keys of one object, in file order. */
struct eg_json_keys {
	struct eg_json_key *keys;
	int nr;
	size_t cap;
};

/* A parsed document: the tree and the pre-pass's record of each object
 * (record 0 is the top-level object). */
struct eg_json_doc {
	const char *source; /* name for error messages */
	struct json_object *root;
	char *text; /* the text json-c read (repeated keys renamed) */
	size_t len, cap;
	struct eg_json_keys *objects;
	int nr_objects;
	size_t cap_objects;
};

/* One member of an object, with where it was written. */
struct eg_json_member {
	char key[EG_JSON_KEY_MAX]; /* as written (the renaming removed) */
	bool repeated;		   /* not the first key of that name in its object */
	int line;
	int object; /* record of the value when an object, else -1 */
	struct json_object *value;
};

/* Parse text; source names it in errors. 0, -EINVAL with *err saying where
 * and what (a syntax error, text after the top-level value), -ENOMEM. Free
 * with eg_json_doc_free() whatever the result. */
int eg_json_parse_lenient(struct eg_json_doc *doc, const char *text, const char *source,
			  struct eg_error *err);
void eg_json_doc_free(struct eg_json_doc *doc);

/* The members of object value o, pre-pass record `object`, in file order
 * (*out: free() it). line and what name o in errors ("task 'a'"). 0,
 * -EINVAL (o is no object, a key is too long or written twice in different
 * spellings), -ENOMEM. */
int eg_json_members(const struct eg_json_doc *doc, struct json_object *o, int object, int line,
		    const char *what, struct eg_json_member **out, int *nr, struct eg_error *err);

/* Line (from 1) of byte offset off in text. */
int eg_json_line_at(const char *text, size_t off);
