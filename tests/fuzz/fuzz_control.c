// SPDX-License-Identifier: GPL-2.0-or-later
/* Fuzz target: the control protocol. The input is what a client sends on
 * the socket: it goes through the bounded line reader as the daemon drives
 * it (a pipe standing in for the socket, written in chunks whose sizes come
 * from the input), and each line through the request parser. A request that
 * parses must survive eg_ctl_format_request and parse back identical, which
 * is what eagovctl relies on. The whole input is also parsed as one request,
 * from a buffer of exactly its size so an over-read is caught. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "control_proto.h"
#include "fuzz.h"
#include "util.h"

static void parse_line(const char *line, size_t len)
{
	struct eg_ctl_request req, again;
	char err[128];
	char *text;

	memset(err, 'x', sizeof(err));
	if (eg_ctl_parse_request(line, len, &req, err, sizeof(err)) < 0) {
		if (!memchr(err, '\0', sizeof(err)))
			abort();
		return;
	}
	if (eg_ctl_format_request(&req, &text) < 0)
		abort();
	if (eg_ctl_parse_request(text, strlen(text) - 1, &again, err, sizeof(err)) < 0) {
		fprintf(stderr, "formatted request does not parse: %s: %s", err, text);
		abort();
	}
	if (memcmp(&req, &again, sizeof(req))) {
		fprintf(stderr, "request changed through format and parse: %s", text);
		abort();
	}
	free(text);
}

/* Read what the pipe holds as the daemon does for a client: false once the
 * connection would be closed (over-long line, end of file). */
static bool dispatch(struct eg_ctl_buf *in, int fd)
{
	for (;;) {
		ssize_t n = eg_ctl_buf_read(in, fd);
		char *line;
		size_t len;
		int r;

		if (n == -EAGAIN)
			return true;
		if (n < 0 && n != -EMSGSIZE)
			abort();
		while ((r = eg_ctl_buf_line(in, &line, &len)) != 0) {
			if (r == -EMSGSIZE)
				return false;
			if (line[len] != '\0' || memchr(line, '\n', len))
				abort();
			if (len > 0)
				parse_line(line, len);
		}
		if (n == 0)
			return false;
	}
}

/* Feed data through a reader bounded at max_line, in writes of 1 to 4096
 * bytes chosen by the bytes themselves. */
static void read_lines(const uint8_t *data, size_t size, size_t max_line)
{
	struct eg_ctl_buf in;
	int p[2];
	size_t off = 0;
	bool open = true;

	if (eg_ctl_buf_init(&in, max_line) < 0 || pipe2(p, O_NONBLOCK | O_CLOEXEC) < 0)
		abort();
	while (open && off < size) {
		size_t chunk = EG_MIN(size - off, 1 + (size_t)data[off] * 16);
		ssize_t w = write(p[1], data + off, chunk);

		if (w <= 0)
			abort();
		off += (size_t)w;
		open = dispatch(&in, p[0]);
	}
	close(p[1]);
	if (open)
		dispatch(&in, p[0]);
	close(p[0]);
	eg_ctl_buf_free(&in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size ? size : 1);

	if (!copy)
		abort();
	memcpy(copy, data, size);
	parse_line(copy, size);
	free(copy);
	read_lines(data, size, EG_CTL_MAX_REQUEST);
	/* A small bound reaches the full-buffer paths with short inputs. */
	read_lines(data, size, 1 + size % 61);
	return 0;
}
