// SPDX-License-Identifier: GPL-2.0-or-later
/* Lenient JSON in two steps:
 *  1. a pre-pass over the text renames repeated keys within an object
 *     ("run", "run" -> "run", "run\u00012") the way rt-app's workgen makes
 *     keys unique, and records for every object its keys with their lines;
 *     a hash of (object, key) -> occurrences keeps it linear in the text;
 *  2. json-c parses the result (its non-strict tokener already accepts
 *     comments, trailing commas and single quotes, so the pre-pass leaves
 *     them in place); members are read back by zipping json-c's objects,
 *     which keep insertion order, with the pre-pass records. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lenient_json.h"
#include "util.h"

/* The byte appended (as the escape \u0001) to a repeated key, before its
 * occurrence number. JSON text cannot hold it unescaped, so no key of the
 * file can clash with a renamed one. */
#define DUP_MARK '\x01'

struct eg_json_key {
	char *name;	 /* key as it reaches json-c (renamed keys carry DUP_MARK) */
	size_t base_len; /* length of the key as written */
	bool escaped;	 /* raw text had a backslash: name is not the decoded key */
	int line;
	int child; /* record of the object that is this key's value, or -1 */
};

/* Occurrences of one key in one object so far. */
struct key_count {
	const char *raw; /* in the text; NULL = free slot */
	size_t len;
	int object;
	uint32_t hash;
	int count;
};

struct key_counts {
	struct key_count *slots;
	size_t cap, used; /* cap: a power of two */
};

struct frame {
	bool is_object;
	int object;
	bool expect_key;
};

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
	size_t n;
	void *grown;

	if (need <= *cap)
		return 0;
	n = *cap ? *cap * 2 : 16;
	while (n < need)
		n *= 2;
	grown = realloc(*p, n * elem);
	if (!grown)
		return -ENOMEM;
	*p = grown;
	*cap = n;
	return 0;
}

/* FNV-1a over the object's record and the key's bytes. */
static uint32_t key_hash(int object, const char *raw, size_t len)
{
	uint32_t h = 2166136261u ^ (uint32_t)object;

	h *= 16777619u;
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)raw[i];
		h *= 16777619u;
	}
	return h;
}

static struct key_count *key_slot(struct key_counts *kc, int object, const char *raw, size_t len,
				  uint32_t hash)
{
	size_t i = hash & (kc->cap - 1);

	for (;; i = (i + 1) & (kc->cap - 1)) {
		struct key_count *e = &kc->slots[i];

		if (!e->raw || (e->hash == hash && e->object == object && e->len == len &&
				!memcmp(e->raw, raw, len)))
			return e;
	}
}

/* Count one more occurrence of the key in the object; returns the count
 * (1 for the first) or -ENOMEM. */
static int key_seen(struct key_counts *kc, int object, const char *raw, size_t len)
{
	uint32_t hash = key_hash(object, raw, len);
	struct key_count *e;

	if ((kc->used + 1) * 2 > kc->cap) {
		struct key_counts bigger = { .cap = kc->cap ? kc->cap * 2 : 64 };

		bigger.slots = calloc(bigger.cap, sizeof(*bigger.slots));
		if (!bigger.slots)
			return -ENOMEM;
		for (size_t i = 0; i < kc->cap; i++) {
			const struct key_count *old = &kc->slots[i];

			if (old->raw)
				*key_slot(&bigger, old->object, old->raw, old->len, old->hash) =
					*old;
		}
		bigger.used = kc->used;
		free(kc->slots);
		*kc = bigger;
	}
	e = key_slot(kc, object, raw, len, hash);
	if (!e->raw) {
		*e = (struct key_count){ .raw = raw, .len = len, .object = object, .hash = hash };
		kc->used++;
	}
	return ++e->count;
}

static int out_put(struct eg_json_doc *doc, const char *s, size_t n)
{
	if (doc->len + n + 1 > doc->cap) {
		size_t c = doc->cap ? doc->cap : 4096;
		char *o;

		while (c < doc->len + n + 1)
			c *= 2;
		o = realloc(doc->text, c);
		if (!o)
			return -ENOMEM;
		doc->text = o;
		doc->cap = c;
	}
	memcpy(doc->text + doc->len, s, n);
	doc->len += n;
	doc->text[doc->len] = '\0';
	return 0;
}

void eg_json_doc_free(struct eg_json_doc *doc)
{
	for (int i = 0; i < doc->nr_objects; i++) {
		for (int k = 0; k < doc->objects[i].nr; k++)
			free(doc->objects[i].keys[k].name);
		free(doc->objects[i].keys);
	}
	json_object_put(doc->root);
	free(doc->objects);
	free(doc->text);
	memset(doc, 0, sizeof(*doc));
}

/* Length of the comment starting at s (0 if none), counting its newlines. */
static size_t comment_len(const char *s, int *lines)
{
	const char *p;

	if (s[0] != '/')
		return 0;
	if (s[1] == '/') {
		p = strchr(s, '\n');
		return p ? (size_t)(p - s) : strlen(s);
	}
	if (s[1] != '*')
		return 0;
	for (p = s + 2; *p; p++) {
		if (*p == '\n')
			(*lines)++;
		if (p[0] == '*' && p[1] == '/')
			return (size_t)(p + 2 - s);
	}
	return (size_t)(p - s); /* unterminated: json-c reports it */
}

/* Length of the string token at s (quote included), counting newlines; stops
 * at the end of the text when unterminated (json-c reports that). */
static size_t string_len(const char *s, int *lines, bool *escaped)
{
	char q = s[0];
	const char *p = s + 1;

	*escaped = false;
	while (*p && *p != q) {
		if (*p == '\\' && p[1]) {
			*escaped = true;
			p++;
		}
		if (*p == '\n')
			(*lines)++;
		p++;
	}
	return (size_t)(p - s) + (*p ? 1 : 0);
}

/* Record key raw (n bytes, token tok of toklen bytes with its quotes) of
 * object rec and copy it out, renamed when it is a repeat. */
static int add_key(struct eg_json_doc *doc, struct key_counts *kc, int rec, const char *raw,
		   size_t n, bool escaped, int line, const char *tok, size_t toklen)
{
	struct eg_json_keys *o = &doc->objects[rec];
	struct eg_json_key *k;
	int seen, r;
	char num[16];

	seen = key_seen(kc, rec, raw, n);
	if (seen < 0)
		return seen;
	r = grow((void **)&o->keys, &o->cap, (size_t)o->nr + 1, sizeof(*o->keys));
	if (r < 0)
		return r;
	k = &o->keys[o->nr];
	k->name = malloc(n + sizeof(num) + 1);
	if (!k->name)
		return -ENOMEM;
	memcpy(k->name, raw, n);
	k->name[n] = '\0';
	k->base_len = n;
	k->escaped = escaped;
	k->line = line;
	k->child = -1;
	o->nr++;
	if (seen == 1)
		return out_put(doc, tok, toklen);
	/* The n-th occurrence becomes key DUP_MARK n: unique, and in order. */
	snprintf(num, sizeof(num), "%d", seen);
	k->name[n] = DUP_MARK;
	memcpy(k->name + n + 1, num, strlen(num) + 1);
	r = out_put(doc, tok, toklen - 1);
	if (!r)
		r = out_put(doc, "\\u0001", 6);
	if (!r)
		r = out_put(doc, num, strlen(num));
	if (!r)
		r = out_put(doc, tok + toklen - 1, 1);
	return r;
}

/* An object opens: a new record, linked to the key whose value it is. */
static int open_object(struct eg_json_doc *doc, const struct frame *top)
{
	int r = grow((void **)&doc->objects, &doc->cap_objects, (size_t)doc->nr_objects + 1,
		     sizeof(*doc->objects));

	if (r)
		return r;
	memset(&doc->objects[doc->nr_objects], 0, sizeof(*doc->objects));
	if (top && top->is_object && !top->expect_key && doc->objects[top->object].nr) {
		struct eg_json_keys *parent = &doc->objects[top->object];

		parent->keys[parent->nr - 1].child = doc->nr_objects;
	}
	return 0;
}

static int prepass(struct eg_json_doc *doc, const char *text)
{
	struct key_counts kc = { 0 };
	struct frame *stack = NULL;
	size_t cap = 0;
	int depth = 0, line = 1, r = 0;
	const char *p = text;

	while (*p && !r) {
		struct frame *top = depth ? &stack[depth - 1] : NULL;
		size_t n;
		bool esc;
		int l0 = line;

		if ((n = comment_len(p, &line))) {
			r = out_put(doc, p, n);
			p += n;
			continue;
		}
		switch (*p) {
		case '"':
		case '\'':
			n = string_len(p, &line, &esc);
			if (top && top->is_object && top->expect_key) {
				top->expect_key = false;
				r = add_key(doc, &kc, top->object, p + 1, n >= 2 ? n - 2 : 0, esc,
					    l0, p, n);
			} else {
				r = out_put(doc, p, n);
			}
			p += n;
			continue;
		case '{':
			r = open_object(doc, top);
			if (r)
				break;
			__attribute__((fallthrough));
		case '[':
			r = grow((void **)&stack, &cap, (size_t)depth + 1, sizeof(*stack));
			if (r)
				break;
			stack[depth].is_object = *p == '{';
			stack[depth].object = *p == '{' ? doc->nr_objects++ : -1;
			stack[depth].expect_key = *p == '{';
			depth++;
			break;
		case '}':
		case ']':
			if (depth)
				depth--;
			break;
		case ',':
			if (top && top->is_object)
				top->expect_key = true;
			break;
		case '\n':
			line++;
			break;
		}
		if (!r)
			r = out_put(doc, p, 1);
		p++;
	}
	free(stack);
	free(kc.slots);
	if (!r && !doc->text)
		r = out_put(doc, "", 0);
	return r;
}

int eg_json_line_at(const char *text, size_t off)
{
	int line = 1;

	for (size_t i = 0; i < off && text[i]; i++)
		line += text[i] == '\n';
	return line;
}

int eg_json_parse_lenient(struct eg_json_doc *doc, const char *text, const char *source,
			  struct eg_error *err)
{
	struct json_tokener *tok;
	enum json_tokener_error jerr;
	size_t end;
	int r;

	memset(doc, 0, sizeof(*doc));
	doc->source = source;
	r = prepass(doc, text);
	if (r)
		return r;
	tok = json_tokener_new();
	if (!tok)
		return -ENOMEM;
	doc->root = json_tokener_parse_ex(tok, doc->text, (int)doc->len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (jerr == json_tokener_continue) {
		eg_error_set(err, source, eg_json_line_at(doc->text, doc->len),
			     "unexpected end of file (unclosed object, array, string or comment)");
		return -EINVAL;
	}
	if (jerr != json_tokener_success) {
		eg_error_set(err, source, eg_json_line_at(doc->text, end), "syntax error: %s",
			     json_tokener_error_desc(jerr));
		return -EINVAL;
	}
	/* Only blanks and comments may follow the top-level value. */
	for (const char *p = doc->text + end; *p;) {
		int lines = 0;
		size_t n = comment_len(p, &lines);

		if (n) {
			p += n;
		} else if (strchr(" \t\r\n", *p)) {
			p++;
		} else {
			eg_error_set(err, source,
				     eg_json_line_at(doc->text, (size_t)(p - doc->text)),
				     "unexpected text after the top-level object");
			return -EINVAL;
		}
	}
	return 0;
}

int eg_json_members(const struct eg_json_doc *doc, struct json_object *o, int object, int line,
		    const char *what, struct eg_json_member **out, int *nr, struct eg_error *err)
{
	const struct eg_json_keys *po;
	struct eg_json_member *ms;
	int n, i = 0;

	*out = NULL;
	*nr = 0;
	if (!json_object_is_type(o, json_type_object)) {
		eg_error_set(err, doc->source, line, "%s must be an object", what);
		return -EINVAL;
	}
	if (object < 0 || object >= doc->nr_objects) {
		eg_error_set(err, doc->source, line, "%s: cannot locate the object in the text",
			     what);
		return -EINVAL;
	}
	po = &doc->objects[object];
	n = json_object_object_length(o);
	/* json-c folds keys that are equal once decoded ("a" and "\u0061"); the
	 * pre-pass compares them as written. Refuse rather than lose a key. */
	if (n != po->nr) {
		eg_error_set(err, doc->source, line,
			     "%s has a key written twice in different spellings", what);
		return -EINVAL;
	}
	ms = calloc(n ? (size_t)n : 1, sizeof(*ms));
	if (!ms)
		return -ENOMEM;
	json_object_object_foreach(o, key, val)
	{
		const struct eg_json_key *pk = &po->keys[i];
		const char *mark = strchr(key, DUP_MARK);
		size_t bl = mark ? (size_t)(mark - key) : strlen(key);

		if (!pk->escaped && strcmp(key, pk->name)) {
			eg_error_set(err, doc->source, pk->line,
				     "%s: key order lost while reading '%s'", what, key);
			free(ms);
			return -EINVAL;
		}
		if (bl >= sizeof(ms[i].key)) {
			eg_error_set(err, doc->source, pk->line,
				     "key '%.40s...' is too long (max %d characters)", key,
				     EG_JSON_KEY_MAX - 1);
			free(ms);
			return -EINVAL;
		}
		memcpy(ms[i].key, key, bl);
		ms[i].key[bl] = '\0';
		ms[i].repeated = mark != NULL;
		ms[i].line = pk->line;
		ms[i].object = pk->child;
		ms[i].value = val;
		i++;
	}
	*out = ms;
	*nr = n;
	return 0;
}
