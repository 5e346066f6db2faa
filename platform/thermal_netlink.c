// SPDX-License-Identifier: GPL-2.0-or-later
/* thermal-netlink: the kernel's thermal generic-netlink family through
 * libnl-genl.
 *
 * The numbers in thermal_netlink.h (EG_TNL_*) come from the kernel's uapi
 * include/uapi/linux/thermal.h (enum thermal_genl_attr, thermal_genl_sampling,
 * thermal_genl_event). We define them ourselves because the installed header
 * and the running kernel disagree on the family version (Debian 12's header
 * says 1, kernel 6.x reports 2): the version moves as the uapi grows, but
 * the enums only ever grow at their end, so the values we use (TZ_ID 2,
 * TZ_TEMP 3, TZ_TRIP_ID 5; SAMPLING_TEMP 0; TZ_TRIP_UP 5, TZ_TRIP_DOWN 6)
 * have been the same since the family appeared in Linux 5.10. We never
 * check the family version for that reason. TZ_TEMP is sent with
 * nla_put_u32 but holds a signed int (millidegrees C). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "parse.h"
#include "log.h"
#include "thermal_netlink.h"
#include "thermal_sysfs.h"
#include "util.h"

#define TNL_FAMILY "thermal"
#define TNL_GROUP_EVENT "event"
#define TNL_GROUP_SAMPLING "sampling"
/* Room for a burst of sampling messages from many zones between two reads;
 * an overrun costs samples (logged), never correctness: the next sample
 * brings the temperature again. */
#define TNL_RCVBUF (256 * 1024)
#define TNL_BUF 16384

struct eg_source {
	struct nl_sock *sk;
	int family;
	struct eg_thermal_nl_map map;
	size_t len, off;     /* unread messages in buf[off..len) */
	unsigned int nr_bad; /* malformed messages seen (logged once) */
	unsigned int nr_overruns;
	char buf[TNL_BUF];
};

void eg_thermal_nl_map_init(struct eg_thermal_nl_map *m, const struct eg_model *model,
			    const struct eg_sysfs *fs)
{
	static const struct eg_sysfs machine = { .root = "" };

	memset(m, 0, sizeof(*m));
	for (int i = 0; i < model->nr_zones && m->nr < EG_MAX_ZONES; i++) {
		const struct eg_zone *z = &model->zones[i];
		int id = eg_thermal_zone_id(z->sensor);

		if (id < 0)
			continue;
		m->z[m->nr].tz_id = id;
		m->z[m->nr].zone = i;
		for (int k = 0; k < EG_TNL_MAX_KTRIPS; k++) {
			char path[EG_PATH_MAX], val[32];
			int mc;

			m->z[m->nr].trip[k] = k < z->nr_trips ? k : -1;
			if (k < z->nr_trips)
				m->model_trip_mc[m->nr][k] = z->trips[k].temp_mc;
			if (eg_sysfs_path(fs ? fs : &machine, path, sizeof(path),
					  "/sys/class/thermal/thermal_zone%d/trip_point_%d_temp",
					  id, k) < 0 ||
			    eg_sysfs_read(path, val, sizeof(val)) < 0)
				continue;
			if (eg_parse_int(val, INT_MIN, INT_MAX, &mc) < 0)
				continue;
			/* The file exists: the trip is the model's trip of this
			 * temperature, or none (the model dropped it). */
			m->z[m->nr].trip[k] = -1;
			for (int t = 0; t < z->nr_trips; t++)
				if (z->trips[t].temp_mc == mc) {
					m->z[m->nr].trip[k] = (int8_t)t;
					break;
				}
		}
		m->nr++;
	}
}

static int map_zone(const struct eg_thermal_nl_map *m, uint32_t tz_id)
{
	for (int i = 0; i < m->nr; i++)
		if ((uint32_t)m->z[i].tz_id == tz_id)
			return i;
	return -1;
}

int eg_thermal_nl_convert(const struct eg_thermal_nl_map *m, int family, struct nlmsghdr *nlh,
			  uint64_t now, struct eg_event *ev)
{
	struct nla_policy policy[EG_TNL_ATTR_MAX_USED + 1] = {
		[EG_TNL_ATTR_TZ_ID] = { .type = NLA_U32 },
		[EG_TNL_ATTR_TZ_TEMP] = { .type = NLA_U32 },
		[EG_TNL_ATTR_TZ_TRIP_ID] = { .type = NLA_U32 },
	};
	struct nlattr *tb[EG_TNL_ATTR_MAX_USED + 1];
	struct genlmsghdr *gh;
	int mi, cmd, trip;
	uint32_t k;

	if (nlh->nlmsg_type != family)
		return 0;
	if (!genlmsg_valid_hdr(nlh, 0))
		return -EINVAL;
	gh = nlmsg_data(nlh);
	cmd = gh->cmd;
	if (cmd != EG_TNL_CMD_SAMPLING_TEMP && cmd != EG_TNL_EVENT_TZ_TRIP_UP &&
	    cmd != EG_TNL_EVENT_TZ_TRIP_DOWN)
		return 0;
	/* Attributes past EG_TNL_ATTR_MAX_USED (newer kernels add some) are
	 * skipped by the parser, not rejected. */
	if (genlmsg_parse(nlh, 0, tb, EG_TNL_ATTR_MAX_USED, policy) < 0)
		return -EINVAL;
	if (!tb[EG_TNL_ATTR_TZ_ID])
		return -EINVAL;
	mi = map_zone(m, nla_get_u32(tb[EG_TNL_ATTR_TZ_ID]));
	if (mi < 0)
		return 0;
	*ev = (struct eg_event){ .ts = now, .cpu = -1 };
	if (cmd == EG_TNL_CMD_SAMPLING_TEMP) {
		if (!tb[EG_TNL_ATTR_TZ_TEMP])
			return -EINVAL;
		ev->type = EG_EV_TEMP;
		ev->temp.zone = m->z[mi].zone;
		ev->temp.temp_mc = (int32_t)nla_get_u32(tb[EG_TNL_ATTR_TZ_TEMP]);
		return 1;
	}
	if (!tb[EG_TNL_ATTR_TZ_TRIP_ID])
		return -EINVAL;
	k = nla_get_u32(tb[EG_TNL_ATTR_TZ_TRIP_ID]);
	trip = k < EG_TNL_MAX_KTRIPS ? m->z[mi].trip[k] : -1;
	ev->type = EG_EV_TRIP;
	ev->trip.zone = m->z[mi].zone;
	ev->trip.trip = trip;
	ev->trip.up = cmd == EG_TNL_EVENT_TZ_TRIP_UP;
	if (tb[EG_TNL_ATTR_TZ_TEMP]) {
		ev->trip.temp_mc = (int32_t)nla_get_u32(tb[EG_TNL_ATTR_TZ_TEMP]);
	} else if (trip >= 0) {
		/* Early kernels of the family sent only the zone and trip
		 * ids: the crossing happened at the trip's temperature, the
		 * best value we have. */
		ev->trip.temp_mc = m->model_trip_mc[mi][trip];
	} else {
		/* No temperature and no known trip: nothing for the engine. */
		return 0;
	}
	return 1;
}

/* libnl reports its own error codes; turn the ones we meet into errnos. */
static int nlerr_to_errno(int e)
{
	switch (-e) {
	case NLE_OBJ_NOTFOUND:
		return -ENOENT;
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_PERM:
		return -EPERM;
	case NLE_AF_NOSUPPORT:
	case NLE_PROTO_MISMATCH:
		return -EPROTONOSUPPORT;
	default:
		return -EIO;
	}
}

/* A connected socket with the family resolved; groups joined when join. */
static int tnl_connect(struct nl_sock **out, int *family, bool join, char *why, size_t len)
{
	static const char *const groups[] = { TNL_GROUP_EVENT, TNL_GROUP_SAMPLING };
	struct nl_sock *sk = nl_socket_alloc();
	int r;

	if (!sk) {
		snprintf(why, len, "out of memory");
		return -ENOMEM;
	}
	r = genl_connect(sk);
	if (r < 0) {
		snprintf(why, len, "generic netlink: %s", nl_geterror(r));
		goto fail;
	}
	r = genl_ctrl_resolve(sk, TNL_FAMILY);
	if (r < 0) {
		snprintf(why, len,
			 "generic netlink family '%s' not found (kernel without "
			 "CONFIG_THERMAL_NETLINK?): %s",
			 TNL_FAMILY, nl_geterror(r));
		goto fail;
	}
	*family = r;
	for (size_t i = 0; join && i < ARRAY_SIZE(groups); i++) {
		r = genl_ctrl_resolve_grp(sk, TNL_FAMILY, groups[i]);
		if (r >= 0)
			r = nl_socket_add_membership(sk, r);
		if (r < 0) {
			snprintf(why, len, "cannot join thermal group '%s': %s", groups[i],
				 nl_geterror(r));
			goto fail;
		}
	}
	*out = sk;
	return 0;
fail:
	nl_socket_free(sk);
	return nlerr_to_errno(r);
}

static int tnl_probe(const struct eg_source_opts *o, char *why, size_t len)
{
	struct nl_sock *sk;
	int family, r;

	(void)o;
	r = tnl_connect(&sk, &family, false, why, len);
	if (r < 0)
		return r;
	nl_socket_free(sk);
	return 0;
}

static int tnl_open(struct eg_source **out, const struct eg_source_opts *o)
{
	struct eg_source *s = calloc(1, sizeof(*s));
	char why[256];
	int r;

	if (!s)
		return -ENOMEM;
	r = tnl_connect(&s->sk, &s->family, true, why, sizeof(why));
	if (r < 0) {
		eg_warn("thermal-netlink: %s", why);
		free(s);
		return r;
	}
	/* Multicast replies carry seq 0 and come unasked. */
	nl_socket_disable_seq_check(s->sk);
	r = nl_socket_set_nonblocking(s->sk);
	if (r < 0) {
		eg_warn("thermal-netlink: non-blocking socket: %s", nl_geterror(r));
		nl_socket_free(s->sk);
		free(s);
		return nlerr_to_errno(r);
	}
	if (nl_socket_set_buffer_size(s->sk, TNL_RCVBUF, 0) < 0)
		eg_debug("thermal-netlink: receive buffer stays at the default size");
	eg_thermal_nl_map_init(&s->map, o->model, o->fs);
	if (!s->map.nr)
		eg_info("thermal-netlink: no model zone has a thermal_zoneN sensor; "
			"messages will be ignored");
	*out = s;
	return 0;
}

static int tnl_fd(const struct eg_source *s)
{
	return nl_socket_get_fd(s->sk);
}

static uint64_t tnl_next_timeout(const struct eg_source *s)
{
	(void)s;
	return EG_NEVER;
}

static int tnl_read(struct eg_source *s, uint64_t now, struct eg_event *ev, int max)
{
	int n = 0;

	while (n < max) {
		struct nlmsghdr *nlh;
		int r;

		if (s->off >= s->len) {
			ssize_t got =
				recv(nl_socket_get_fd(s->sk), s->buf, sizeof(s->buf), MSG_DONTWAIT);

			if (got < 0 && errno == EINTR)
				continue;
			if (got < 0 && errno == ENOBUFS) {
				/* The kernel dropped messages: samples lost, the
				 * next ones still come. Log the first overrun. */
				if (!s->nr_overruns++)
					eg_warn("thermal-netlink: receive buffer overrun, "
						"messages lost");
				continue;
			}
			if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
				break;
			if (got < 0)
				return eg_warn_errno(-errno, "thermal-netlink: recv");
			s->len = (size_t)got;
			s->off = 0;
			if (!got)
				break;
		}
		nlh = (struct nlmsghdr *)(s->buf + s->off);
		if (!nlmsg_ok(nlh, (int)(s->len - s->off))) {
			s->off = s->len = 0;
			continue;
		}
		s->off += NLMSG_ALIGN(nlh->nlmsg_len);
		r = eg_thermal_nl_convert(&s->map, s->family, nlh, now, &ev[n]);
		if (r > 0)
			n++;
		else if (r < 0 && !s->nr_bad++)
			eg_warn("thermal-netlink: malformed thermal message ignored (and "
				"any more like it)");
	}
	if (n == max && s->off < s->len)
		return -EAGAIN;
	return n;
}

static void tnl_close(struct eg_source *s)
{
	if (!s)
		return;
	nl_socket_free(s->sk);
	free(s);
}

const struct eg_source_ops eg_source_thermal_netlink = {
	.name = "thermal-netlink",
	.kind = EG_SOURCE_THERMAL,
	.probe = tnl_probe,
	.open = tnl_open,
	.fd = tnl_fd,
	.next_timeout = tnl_next_timeout,
	.read = tnl_read,
	.close = tnl_close,
};
