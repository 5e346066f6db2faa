/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The control tests' fixture: a control socket server in-process with fake
 * daemon callbacks, on a socket in a temp dir, and the client side of the
 * line protocol over that socket. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "control.h"

#define SEC 1000000000ULL
#define MS 1000000ULL

/* What the fake daemon was asked. */
struct fake {
	int nr_status, nr_gov, nr_prof, nr_boost, nr_hint;
	char gov[64];
	int gov_pd;
	char prof[64];
	int32_t pid;
	uint32_t ms;
	int hint_type; /* enum eg_hint_type */
	uid_t hint_uid;
	bool hint_privileged;
};

struct fx {
	char dir[64];
	char path[96];
	struct eg_control *c;
	struct fake f;
	uint64_t now;
};

/* The fake daemon: fills a status, records what it was asked into struct fake
 * (the user pointer); the governor "nosuch" is refused. */
extern const struct eg_control_ops fx_fake_ops;

/* cmocka setup/teardown: a struct fx with the server open on <tmp>/run/control
 * (group root), its clock at 5 s; teardown closes it and removes the dirs. */
int fx_setup(void **state);
int fx_teardown(void **state);

/* A client connected to the server's socket. */
int fx_client(struct fx *fx);
void fx_send_str(int fd, const char *s, size_t len);
void fx_send_line(int fd, const char *s);
/* Serve the server until the client has a whole line (or EOF, or 2 s):
 * the reply parsed, or NULL at EOF. */
struct json_object *fx_reply(struct fx *fx, int fd, bool *eof);
/* Send one request line and return its reply (fails at EOF). */
struct json_object *fx_ask(struct fx *fx, int fd, const char *req);
/* A reply's "ok" and "error" members (fail if missing). */
bool fx_ok(struct json_object *o);
const char *fx_err(struct json_object *o);
/* o[key], or o[arr][idx][key] when arr is not NULL, as an integer. */
int64_t fx_path_int(struct json_object *o, const char *arr, int idx, const char *key);
