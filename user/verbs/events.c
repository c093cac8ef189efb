// SPDX-License-Identifier: GPL-2.0-only
/* synguard events [IFACE] [--json] [--count N] */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <jansson.h>

#include "names.h"
#include "attachment.h"
#include "cookies.h"
#include "stats_read.h"
#include "verbs.h"

struct events_ctx {
	struct sg_attachment *list;
	int n;
	bool json;
	long remaining;		/* -1: unlimited */
	__u64 lost_seen[64];
	struct sg_config cfg_seen[64];
};

/* Each ring buffer belongs to one attachment: its events are that
 * interface's, whatever ifindex they carry (key rotations carry none). */
struct events_ring {
	struct events_ctx *ctx;
	const char *ifname;
};

static void events_ts(__u64 ts_ns, char *buf, size_t len)
{
	struct timespec real, mono;
	double t;
	time_t secs;
	struct tm tm;
	size_t off;

	clock_gettime(CLOCK_REALTIME, &real);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	/* bpf_ktime_get_ns() is CLOCK_MONOTONIC: shift it onto wall time */
	t = real.tv_sec + real.tv_nsec / 1e9 -
	    ((mono.tv_sec * 1e9 + mono.tv_nsec) - (double)ts_ns) / 1e9;
	secs = (time_t)t;
	gmtime_r(&secs, &tm);
	off = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + off, len - off, ".%06ldZ", (long)((t - secs) * 1e6));
}

static void events_flags(__u8 f, char *buf)
{
	static const char names[] = "FSRPAUEC";
	int n = 0;

	for (int i = 0; i < 8; i++)
		if (f & (1 << i))
			buf[n++] = names[i];
	buf[n] = '\0';
}

static void events_addr(const struct sg_event *e, const __u8 *addr, char *buf, size_t len)
{
	if (e->family == 4)
		inet_ntop(AF_INET, addr, buf, len);
	else if (e->family == 6)
		inet_ntop(AF_INET6, addr, buf, len);
	else
		snprintf(buf, len, "-");
}

static void events_emit(struct events_ctx *ctx, json_t *o, const char *line)
{
	if (ctx->json) {
		json_dumpf(o, stdout, JSON_COMPACT);
		putchar('\n');
	} else {
		puts(line);
	}
	fflush(stdout);
	json_decref(o);
	if (ctx->remaining > 0 && --ctx->remaining == 0)
		sg_stop = 1;
}

static int events_handle(void *data, void *raw, size_t size)
{
	struct events_ring *ring = data;
	struct events_ctx *ctx = ring->ctx;
	const struct sg_event *e = raw;
	char ts[48], src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN], flags[9], line[512];
	const char *ifname;
	json_t *o;

	if (size < sizeof(*e) || sg_stop)
		return 0;
	ifname = ring->ifname;
	events_ts(e->ts_ns, ts, sizeof(ts));
	events_addr(e, e->saddr, src, sizeof(src));
	events_addr(e, e->daddr, dst, sizeof(dst));
	events_flags(e->tcp_flags, flags);

	o = json_object();
	json_object_set_new(o, "ts", json_string(ts));
	json_object_set_new(o, "interface", json_string(ifname));
	json_object_set_new(o, "kind", json_string(sg_enum_name(sg_event_kinds, e->kind)));
	json_object_set_new(o, "reason", json_string(sg_stat_name(e->reason)));
	json_object_set_new(o, "src", json_string(src));
	json_object_set_new(o, "dst", json_string(dst));
	json_object_set_new(o, "sport", json_integer(e->sport));
	json_object_set_new(o, "dport", json_integer(e->dport));
	json_object_set_new(o, "tcp_flags", json_string(flags));
	json_object_set_new(o, "suppressed", json_integer(e->suppressed));
	if (e->kind == SG_EV_KEY_ROTATION) {
		json_object_clear(o);
		json_object_set_new(o, "ts", json_string(ts));
		json_object_set_new(o, "interface", json_string(ifname));
		json_object_set_new(o, "kind", json_string("key_rotation"));
		json_object_set_new(o, "epoch", json_integer(e->reason));
		snprintf(line, sizeof(line), "%s %s key_rotation epoch=%u", ts, ifname, e->reason);
	} else if (e->kind == SG_EV_ATTACK_START || e->kind == SG_EV_ATTACK_END) {
		bool end = e->kind == SG_EV_ATTACK_END;

		json_object_clear(o);
		json_object_set_new(o, "ts", json_string(ts));
		json_object_set_new(o, "interface", json_string(ifname));
		json_object_set_new(o, "kind", json_string(sg_enum_name(sg_event_kinds, e->kind)));
		json_object_set_new(o, end ? "peak_syn_rate" : "syn_rate", json_integer(e->rate));
		if (end) {
			json_object_set_new(o, "duration_ms", json_integer(e->duration_ms));
			snprintf(line, sizeof(line),
				 "%s %s attack_ended peak_syn_rate=%u/s duration=%.1fs (cookies off)",
				 ts, ifname, e->rate, e->duration_ms / 1000.0);
		} else {
			snprintf(line, sizeof(line), "%s %s attack_started syn_rate=%u/s (cookies on)",
				 ts, ifname, e->rate);
		}
	} else if (e->family == 6)
		snprintf(line, sizeof(line), "%s %s %s %s [%s]:%u -> [%s]:%u flags=%s suppressed=%u",
			 ts, ifname, sg_enum_name(sg_event_kinds, e->kind), sg_stat_name(e->reason),
			 src, e->sport, dst, e->dport, *flags ? flags : "-", e->suppressed);
	else
		snprintf(line, sizeof(line), "%s %s %s %s %s:%u -> %s:%u flags=%s suppressed=%u",
			 ts, ifname, sg_enum_name(sg_event_kinds, e->kind), sg_stat_name(e->reason),
			 src, e->sport, dst, e->dport, *flags ? flags : "-", e->suppressed);
	events_emit(ctx, o, line);
	return 0;
}

/* Now, as the BPF events' timestamps read (RFC 3339, UTC). */
static void events_now(char *buf, size_t len)
{
	struct timespec mono;

	clock_gettime(CLOCK_MONOTONIC, &mono);
	events_ts((__u64)mono.tv_sec * 1000000000ull + mono.tv_nsec, buf, len);
}

/* 'set', 'reload' and the list verbs change the configuration map:
 * report each change as an event of its own. */
static void events_check_config(struct events_ctx *ctx)
{
	for (int i = 0; i < ctx->n && i < 64 && !sg_stop; i++) {
		struct sg_config cfg;
		__u32 zero = 0;
		char line[256], ts[48];
		json_t *o;

		if (bpf_map_lookup_elem(ctx->list[i].config_fd, &zero, &cfg) ||
		    !memcmp(&cfg, &ctx->cfg_seen[i], sizeof(cfg)))
			continue;
		ctx->cfg_seen[i] = cfg;
		events_now(ts, sizeof(ts));
		o = json_pack("{s:s, s:s, s:s, s:s, s:i, s:i, s:s, s:i, s:i, s:i}",
			      "ts", ts, "kind", "config_changed", "interface", ctx->list[i].ifname,
			      "cookies", sg_enum_name(sg_cookie_modes, cfg.cookie_mode),
			      "syn_threshold", (json_int_t)cfg.syn_threshold,
			      "cooldown_s", (json_int_t)(cfg.cooldown_ms / 1000),
			      "out_of_state", sg_enum_name(sg_oos_modes, cfg.out_of_state),
			      "syn_limit", (json_int_t)cfg.syn_limit,
			      "handshake_limit", (json_int_t)cfg.hs_limit,
			      "event_rate", (json_int_t)cfg.event_rate);
		snprintf(line, sizeof(line), "%s %s config_changed cookies=%s syn_threshold=%u "
			 "out_of_state=%s syn_limit=%u handshake_limit=%u", ts, ctx->list[i].ifname,
			 sg_enum_name(sg_cookie_modes, cfg.cookie_mode), cfg.syn_threshold,
			 sg_enum_name(sg_oos_modes, cfg.out_of_state), cfg.syn_limit, cfg.hs_limit);
		events_emit(ctx, o, line);
	}
}

/* Events the BPF side could not reserve space for are counted, not lost
 * silently: report growth of that counter as its own line. */
static void events_check_lost(struct events_ctx *ctx)
{
	struct sg_snapshot s;

	for (int i = 0; i < ctx->n && i < 64 && !sg_stop; i++) {
		__u64 lost;
		char line[160], ts[48];
		json_t *o;

		if (sg_snapshot_read(ctx->list[i].stats_fd, &s))
			continue;
		lost = s.c[SG_STAT_INFO_EVENTS_LOST].packets;
		if (lost > ctx->lost_seen[i]) {
			__u64 n = lost - ctx->lost_seen[i];

			events_now(ts, sizeof(ts));
			o = json_object();
			json_object_set_new(o, "ts", json_string(ts));
			json_object_set_new(o, "kind", json_string("events_lost"));
			json_object_set_new(o, "interface", json_string(ctx->list[i].ifname));
			json_object_set_new(o, "count", json_integer(n));
			snprintf(line, sizeof(line), "%s %s events_lost count=%llu", ts,
				 ctx->list[i].ifname, (unsigned long long)n);
			events_emit(ctx, o, line);
		}
		ctx->lost_seen[i] = lost;
	}
	events_check_config(ctx);
}

static int cmd_events(int argc, char **argv);

static const struct sg_opt events_opts[] = {
	{ .name = "json", .short_opt = 'j', .kind = SG_OPT_FLAG,
	  .off = offsetof(struct events_cfg, json), .help = "one JSON object per line" },
	{ .name = "count", .short_opt = 'c', .kind = SG_OPT_NUMBER, .arg = "N",
	  .off = offsetof(struct events_cfg, count), .min = 1, .max = 1000000000,
	  .help = "exit after N events" },
	{}
};

const struct sg_verb sg_verb_events = {
	.name = "events",
	.usage = "[IFACE] [options]",
	.summary = "stream sampled events until Ctrl-C",
	.about = "Stream synguard's events (sampled drops, attacks, key rotations, "
		 "configuration changes, lost-event notices) as lines until Ctrl-C, for IFACE "
		 "or every attachment in this network namespace. Only one reader per "
		 "attachment should run at a time.",
	.opts = events_opts,
	.pos = "interface", .pos_min = 0, .pos_max = 1,
	.main = cmd_events,
};

static int cmd_events(int argc, char **argv)
{
	struct events_cfg e = {};
	int first = sg_params_parse(&sg_verb_events, argc, argv, &e);

	if (first <= 0)
		return first;
	e.ifname = first < argc ? argv[first] : NULL;
	return do_events(&e);
}

int do_events(const struct events_cfg *e)
{
	struct events_ctx ctx = { .remaining = e->count ? e->count : -1, .json = e->json };
	struct events_ring *rings = NULL;
	struct ring_buffer *rb = NULL;
	struct sg_snapshot s;
	int err;

	err = sg_require_privileges("events");
	if (err)
		return err;

	if (e->ifname) {
		ctx.list = calloc(1, sizeof(*ctx.list));
		if (!ctx.list)
			return -ENOMEM;
		err = sg_attachment_find(e->ifname, ctx.list);
		if (err == -ENOENT)
			sg_err("not attached to %s", e->ifname);
		if (err) {
			free(ctx.list);
			return err;
		}
		ctx.n = 1;
	} else {
		err = sg_attachment_list(&ctx.list, &ctx.n);
		if (err) {
			sg_err("cannot list attachments: %s", strerror(-err));
			return err;
		}
	}
	rings = calloc(ctx.n ? ctx.n : 1, sizeof(*rings));
	if (!rings) {
		err = -ENOMEM;
		goto out;
	}
	for (int i = 0; i < ctx.n; i++) {
		if (ctx.list[i].events_fd < 0)
			continue;
		rings[i].ctx = &ctx;
		rings[i].ifname = ctx.list[i].ifname;
		if (!rb) {
			rb = ring_buffer__new(ctx.list[i].events_fd, events_handle, &rings[i], NULL);
			err = rb ? 0 : -errno;
		} else {
			err = ring_buffer__add(rb, ctx.list[i].events_fd, events_handle, &rings[i]);
		}
		if (err) {
			sg_err("cannot open the event ring buffer of %s: %s",
			       ctx.list[i].ifname, strerror(-err));
			goto out;
		}
		if (i < 64 && !sg_snapshot_read(ctx.list[i].stats_fd, &s))
			ctx.lost_seen[i] = s.c[SG_STAT_INFO_EVENTS_LOST].packets;
		if (i < 64) {
			__u32 zero = 0;

			bpf_map_lookup_elem(ctx.list[i].config_fd, &zero, &ctx.cfg_seen[i]);
		}
	}
	if (!rb) {
		sg_err("not attached to any interface in this network namespace");
		err = -ENOENT;
		goto out;
	}
	sg_install_stop_handlers();
	while (!sg_stop) {
		err = ring_buffer__poll(rb, 250);
		if (err == -EINTR) {
			err = 0;
			continue;
		}
		if (err < 0) {
			sg_err("reading events failed: %s", strerror(-err));
			goto out;
		}
		err = 0;
		events_check_lost(&ctx);
	}
out:
	ring_buffer__free(rb);
	free(rings);
	sg_attachment_list_free(ctx.list, ctx.n);
	return err;
}
