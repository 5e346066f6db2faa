// SPDX-License-Identifier: GPL-2.0-or-later
/* Control protocol, request by request: status, set-governor/profile and
 * boost reach the fake daemon; malformed, unknown and oversized requests get
 * an error reply; monitor subscribers get pushes. */
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "control.h"
#include "control_fixture.h"
#include "control_proto.h"

static void test_status_roundtrip(void **state)
{
	struct fx *fx = *state;
	int fd = fx_client(fx);
	struct json_object *o = fx_ask(fx, fd, "{\"cmd\":\"status\"}"), *v;
	struct stat st;

	assert_true(fx_ok(o));
	assert_true(json_object_object_get_ex(o, "profile", &v));
	assert_string_equal(json_object_get_string(v), "balanced");
	assert_int_equal(fx_path_int(o, "domains", 1, "cur_khz"), 2362000);
	assert_int_equal(fx_path_int(o, "domains", 0, "util"), 412);
	assert_int_equal(fx_path_int(o, "zones", 0, "temp_mc"), 45200);
	/* now = 5 s = 5000 ms */
	assert_int_equal(fx_path_int(o, NULL, 0, "time_ms"), 5000);
	assert_int_equal(fx->f.nr_status, 1);
	json_object_put(o);

	/* Two requests in one write: two replies, in order. */
	fx_send_str(fd, "{\"cmd\":\"status\"}\n{\"cmd\":\"bogus\"}\n", 33);
	{
		bool eof;
		struct json_object *a = fx_reply(fx, fd, &eof), *b = fx_reply(fx, fd, &eof);

		assert_true(fx_ok(a));
		assert_false(fx_ok(b));
		json_object_put(a);
		json_object_put(b);
	}
	close(fd);

	/* 0666 root:<group "root" = gid 0>: anyone may connect to hint. */
	assert_int_equal(stat(fx->path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0666);
	assert_int_equal(st.st_gid, 0);
}

static void test_set_and_boost(void **state)
{
	struct fx *fx = *state;
	int fd = fx_client(fx);
	struct json_object *o;

	o = fx_ask(fx, fd, "{\"cmd\":\"set\",\"what\":\"governor\",\"value\":\"ondemand\"}");
	assert_true(fx_ok(o));
	json_object_put(o);
	assert_int_equal(fx->f.nr_gov, 1);
	assert_string_equal(fx->f.gov, "ondemand");
	assert_int_equal(fx->f.gov_pd, -1);

	/* "big" is domains[1] in the fake status. */
	o = fx_ask(fx, fd,
		   "{\"cmd\":\"set\",\"what\":\"governor\",\"value\":\"interactive\","
		   "\"domain\":\"big\"}");
	assert_true(fx_ok(o));
	json_object_put(o);
	assert_int_equal(fx->f.nr_gov, 2);
	assert_string_equal(fx->f.gov, "interactive");
	assert_int_equal(fx->f.gov_pd, 1);

	/* The index works too. */
	o = fx_ask(fx, fd,
		   "{\"cmd\":\"set\",\"what\":\"governor\",\"value\":\"conservative\","
		   "\"domain\":\"0\"}");
	assert_true(fx_ok(o));
	json_object_put(o);
	assert_int_equal(fx->f.gov_pd, 0);

	/* Unknown domain: refused before the callback. */
	o = fx_ask(fx, fd,
		   "{\"cmd\":\"set\",\"what\":\"governor\",\"value\":\"ondemand\","
		   "\"domain\":\"medium\"}");
	assert_false(fx_ok(o));
	assert_non_null(strstr(fx_err(o), "medium"));
	json_object_put(o);
	o = fx_ask(fx, fd,
		   "{\"cmd\":\"set\",\"what\":\"governor\",\"value\":\"ondemand\","
		   "\"domain\":\"2\"}");
	assert_false(fx_ok(o));
	json_object_put(o);
	assert_int_equal(fx->f.nr_gov, 3);

	/* The daemon's refusal and its message reach the client. */
	o = fx_ask(fx, fd, "{\"cmd\":\"set\",\"what\":\"governor\",\"value\":\"nosuch\"}");
	assert_false(fx_ok(o));
	assert_string_equal(fx_err(o), "unknown governor \"nosuch\"");
	json_object_put(o);

	o = fx_ask(fx, fd, "{\"cmd\":\"set\",\"what\":\"profile\",\"value\":\"power-saver\"}");
	assert_true(fx_ok(o));
	json_object_put(o);
	assert_int_equal(fx->f.nr_prof, 1);
	assert_string_equal(fx->f.prof, "power-saver");

	o = fx_ask(fx, fd, "{\"cmd\":\"boost\",\"pid\":4242,\"ms\":2000}");
	assert_true(fx_ok(o));
	json_object_put(o);
	assert_int_equal(fx->f.nr_boost, 1);
	assert_int_equal(fx->f.pid, 4242);
	assert_int_equal(fx->f.ms, 2000);
	assert_int_equal(fx->f.nr_gov, 3);

	/* A hint from root: privileged, with the peer's uid. */
	o = fx_ask(fx, fd, "{\"cmd\":\"hint\",\"pid\":4243,\"type\":\"launch\",\"ms\":60000}");
	assert_true(fx_ok(o));
	json_object_put(o);
	assert_int_equal(fx->f.nr_hint, 1);
	assert_int_equal(fx->f.pid, 4243);
	assert_int_equal(fx->f.ms, 60000);
	assert_int_equal(fx->f.hint_type, EG_HINT_LAUNCH);
	assert_int_equal(fx->f.hint_uid, geteuid());
	assert_int_equal(fx->f.hint_privileged, geteuid() == 0);
	close(fd);
}

static void test_bad_requests(void **state)
{
	static const char *const bad[] = {
		"{",
		"not json",
		"[1,2]",
		"\"status\"",
		"{'cmd':'status'}",			     /* strict JSON */
		"{\"cmd\":\"status\"} {\"cmd\":\"status\"}", /* trailing data */
		"{\"cmd\":1}",
		"{\"cmd\":\"reboot\"}",
		"{\"what\":\"profile\",\"value\":\"balanced\"}", /* no cmd */
		"{\"cmd\":\"status\",\"verbose\":true}",	 /* unknown key */
		"{\"cmd\":\"set\",\"what\":\"profile\"}",	 /* no value */
		"{\"cmd\":\"set\",\"what\":\"profile\",\"value\":5}",
		"{\"cmd\":\"set\",\"what\":\"profile\",\"value\":\"\"}",
		"{\"cmd\":\"set\",\"what\":\"profile\",\"value\":\"x\",\"domain\":\"big\"}",
		"{\"cmd\":\"set\",\"what\":\"volume\",\"value\":\"11\"}",
		"{\"cmd\":\"set\",\"what\":\"governor\",\"value\":\"ondemand\",\"domain\":3}",
		"{\"cmd\":\"set\",\"what\":\"governor\",\"valu\":\"ondemand\"}",
		/* a value of 64 bytes, one more than a name holds */
		("{\"cmd\":\"set\",\"what\":\"governor\",\"value\":\""
		 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}"),
		"{\"cmd\":\"boost\",\"pid\":\"12\",\"ms\":100}",
		"{\"cmd\":\"boost\",\"pid\":12,\"ms\":1.5}",
		"{\"cmd\":\"boost\",\"pid\":0,\"ms\":100}",
		"{\"cmd\":\"boost\",\"pid\":-5,\"ms\":100}",
		"{\"cmd\":\"boost\",\"pid\":12,\"ms\":10001}",
		"{\"cmd\":\"boost\",\"pid\":12}",
		"{\"cmd\":\"boost\",\"pid\":99999999999,\"ms\":100}", /* > INT32_MAX */
		"{\"cmd\":\"hint\",\"pid\":12,\"type\":\"turbo\",\"ms\":100}",
		"{\"cmd\":\"hint\",\"pid\":12,\"type\":\"launch\",\"ms\":0}",
		"{\"cmd\":\"hint\",\"pid\":12,\"type\":\"launch\",\"ms\":60001}",
		"{\"cmd\":\"hint\",\"pid\":0,\"type\":\"launch\",\"ms\":100}",
		"{\"cmd\":\"hint\",\"pid\":12,\"ms\":100}",
		"{\"cmd\":\"hint\",\"pid\":12,\"type\":5,\"ms\":100}",
		"{\"cmd\":\"hint\",\"pid\":12,\"type\":\"launch\",\"ms\":100,\"x\":1}",
		"{\"cmd\":\"monitor\",\"interval_ms\":10}", /* < 50 */
		"{\"cmd\":\"monitor\",\"interval_ms\":\"fast\"}",
	};
	struct fx *fx = *state;
	int fd = fx_client(fx);
	struct json_object *o;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		o = fx_ask(fx, fd, bad[i]);
		if (fx_ok(o))
			fail_msg("accepted: %s", bad[i]);
		assert_true(strlen(fx_err(o)) > 0);
		json_object_put(o);
	}
	/* A NUL inside the line. */
	{
		static const char nul[] = "{\"cmd\":\"st\0atus\"}\n";

		fx_send_str(fd, nul, sizeof(nul) - 1);
	}
	{
		bool eof;

		o = fx_reply(fx, fd, &eof);
		assert_non_null(o);
		assert_false(fx_ok(o));
		json_object_put(o);
	}
	assert_int_equal(fx->f.nr_gov + fx->f.nr_prof + fx->f.nr_boost + fx->f.nr_hint, 0);
	/* The monitor rejections did not subscribe: the one thing left to do
	 * is the idle deadline, counted from the last request. */
	assert_int_equal(eg_control_next_tick(fx->c), fx->now + EG_CONTROL_IDLE_TIMEOUT_MS * MS);
	/* The connection survives bad requests. */
	o = fx_ask(fx, fd, "{\"cmd\":\"status\"}");
	if (!fx_ok(o))
		fail_msg("status after bad requests: %s", fx_err(o));
	json_object_put(o);
	close(fd);
}

static void test_oversized(void **state)
{
	struct fx *fx = *state;
	char *big = malloc(EG_CTL_MAX_REQUEST + 2);
	const char *head = "{\"cmd\":\"status\"";
	struct json_object *o;
	bool eof;
	int fd = fx_client(fx);

	/* Exactly the bound: head + spaces + "}" = 4096 bytes, then "\n". */
	memset(big, ' ', EG_CTL_MAX_REQUEST);
	memcpy(big, head, strlen(head));
	big[EG_CTL_MAX_REQUEST - 1] = '}';
	big[EG_CTL_MAX_REQUEST] = '\n';
	fx_send_str(fd, big, EG_CTL_MAX_REQUEST + 1);
	o = fx_reply(fx, fd, &eof);
	assert_non_null(o);
	assert_true(fx_ok(o));
	json_object_put(o);

	/* One byte more (a set request, so a change would show): error, then
	 * the connection is closed, nothing changed. */
	memset(big, ' ', EG_CTL_MAX_REQUEST + 1);
	head = "{\"cmd\":\"set\",\"what\":\"profile\",\"value\":\"performance\"";
	memcpy(big, head, strlen(head));
	big[EG_CTL_MAX_REQUEST] = '}';
	big[EG_CTL_MAX_REQUEST + 1] = '\n';
	fx_send_str(fd, big, EG_CTL_MAX_REQUEST + 2);
	o = fx_reply(fx, fd, &eof);
	assert_non_null(o);
	assert_false(fx_ok(o));
	assert_non_null(strstr(fx_err(o), "longer"));
	json_object_put(o);
	o = fx_reply(fx, fd, &eof);
	assert_null(o);
	assert_true(eof);
	assert_int_equal(fx->f.nr_prof, 0);
	assert_int_equal(eg_control_nr_clients(fx->c), 0);
	close(fd);
	free(big);
}

/* Whether a line is waiting, after serving the server once. */
static bool pending(struct fx *fx, int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	assert_int_equal(eg_control_dispatch(fx->c, fx->now), 0);
	return poll(&p, 1, 20) == 1;
}

static void test_monitor(void **state)
{
	struct fx *fx = *state;
	int fd = fx_client(fx);
	struct json_object *o;
	bool eof;

	fx->now = 1 * SEC;
	/* The first update is the reply, at once. */
	o = fx_ask(fx, fd, "{\"cmd\":\"monitor\",\"interval_ms\":100}");
	assert_true(fx_ok(o));
	assert_int_equal(fx_path_int(o, NULL, 0, "time_ms"), 1000);
	assert_int_equal(fx_path_int(o, "domains", 1, "cur_khz"), 2362000);
	json_object_put(o);
	/* Next push: 1 s + 100 ms. */
	assert_int_equal(eg_control_next_tick(fx->c), 1 * SEC + 100 * MS);

	eg_control_tick(fx->c, 1 * SEC + 50 * MS);
	assert_false(pending(fx, fd));

	eg_control_tick(fx->c, 1 * SEC + 100 * MS);
	o = fx_reply(fx, fd, &eof);
	assert_non_null(o);
	assert_int_equal(fx_path_int(o, NULL, 0, "time_ms"), 1100);
	json_object_put(o);
	assert_int_equal(eg_control_next_tick(fx->c), 1 * SEC + 200 * MS);

	/* A late tick (the loop stalled to 1.35 s, past 1.2 and 1.3): one update,
	 * not a burst, and the cadence restarts at 1.35 + 0.1 = 1.45 s. */
	eg_control_tick(fx->c, 1 * SEC + 350 * MS);
	o = fx_reply(fx, fd, &eof);
	assert_non_null(o);
	assert_int_equal(fx_path_int(o, NULL, 0, "time_ms"), 1350);
	json_object_put(o);
	assert_false(pending(fx, fd));
	assert_int_equal(eg_control_next_tick(fx->c), 1 * SEC + 450 * MS);
	/* status ran once per update: reply + 2 pushes */
	assert_int_equal(fx->f.nr_status, 3);

	/* Subscriber gone: nothing left to tick. */
	close(fd);
	assert_int_equal(eg_control_dispatch(fx->c, fx->now), 0);
	assert_int_equal(eg_control_nr_clients(fx->c), 0);
	assert_int_equal(eg_control_next_tick(fx->c), UINT64_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_status_roundtrip, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_set_and_boost, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_bad_requests, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_oversized, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_monitor, fx_setup, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
