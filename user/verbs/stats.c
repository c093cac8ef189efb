// SPDX-License-Identifier: GPL-2.0-only
/* synguard stats [IFACE] [--json] [--watch] [--interval SECONDS] */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <jansson.h>

#include "names.h"
#include "attachment.h"
#include "cookies.h"
#include "listen_diag.h"
#include "rtt.h"
#include "stats_read.h"
#include "verbs.h"

struct stats_view {
	struct sg_attachment *a;
	struct sg_snapshot prev, cur;
	bool have_prev;
};

static double sg_rate(__u64 now, __u64 before, double dt)
{
	return dt > 0 && now >= before ? (now - before) / dt : 0;
}

/* The SYN-cookie story in one place, derived from the counters. */
struct cookie_summary {
	__u64 syns, sent, validated, kernel, bad, expired, handshakes;
};

static void stats_cookies(const struct sg_snapshot *s, struct cookie_summary *c)
{
	c->sent = s->c[SG_STAT_TX_SYNACK].packets;
	c->syns = c->sent + s->c[SG_STAT_PASS_SYN].packets +
		  s->c[SG_STAT_PASS_SYNACK_FALLBACK].packets;
	c->validated = s->c[SG_STAT_PASS_COOKIE_ACK].packets;
	c->kernel = s->c[SG_STAT_PASS_KERNEL_COOKIE_ACK].packets;
	c->bad = s->c[SG_STAT_DROP_COOKIE_BAD].packets;
	c->expired = s->c[SG_STAT_DROP_COOKIE_EXPIRED].packets;
	c->handshakes = s->c[SG_STAT_INFO_HANDSHAKES].packets;
}

static json_t *stats_cookies_json(const struct sg_snapshot *s)
{
	struct cookie_summary c;

	stats_cookies(s, &c);
	return json_pack("{sI sI sI sI s{sI sI} sI}", "syns", (json_int_t)c.syns,
			 "cookies_sent", (json_int_t)c.sent, "acks_validated",
			 (json_int_t)c.validated, "kernel_cookie_acks", (json_int_t)c.kernel,
			 "acks_rejected", "bad", (json_int_t)c.bad, "expired",
			 (json_int_t)c.expired, "handshakes", (json_int_t)c.handshakes);
}

/* Adaptive mode's state as the BPF side keeps it. */
struct adaptive_view {
	struct sg_config cfg;
	struct sg_attack att;
	double engaged_s;	/* < 0: not engaged */
};

static int stats_adaptive(const struct sg_attachment *a, struct adaptive_view *v)
{
	struct timespec now;
	__u32 zero = 0;

	memset(v, 0, sizeof(*v));
	if (bpf_map_lookup_elem(a->config_fd, &zero, &v->cfg) ||
	    bpf_map_lookup_elem(a->attack_fd, &zero, &v->att))
		return -errno;
	clock_gettime(CLOCK_MONOTONIC, &now);
	v->engaged_s = -1;
	if (v->att.active_since)
		v->engaged_s = (now.tv_sec * 1e9 + now.tv_nsec - (double)v->att.started_ns) / 1e9;
	return 0;
}

static json_t *stats_adaptive_json(const struct sg_attachment *a)
{
	struct adaptive_view v;

	if (stats_adaptive(a, &v))
		return json_null();
	return json_pack("{s:s, s:s, s:{s:i, s:i, s:i, s:i}, s:b, s:f, s:i, s:i, s:i, s:f}",
			 "mode", sg_enum_name(sg_cookie_modes, v.cfg.cookie_mode),
			 "out_of_state", sg_enum_name(sg_oos_modes, v.cfg.out_of_state),
			 "limits", "syn", (json_int_t)v.cfg.syn_limit,
			 "syn_burst", (json_int_t)v.cfg.syn_burst,
			 "handshake", (json_int_t)v.cfg.hs_limit,
			 "handshake_burst", (json_int_t)v.cfg.hs_burst,
			 "engaged", v.cfg.cookie_mode == SG_COOKIES_ALWAYS || v.att.active_since,
			 "engaged_for_s", v.engaged_s < 0 ? 0.0 : v.engaged_s,
			 "peak_syn_rate", (json_int_t)v.att.peak_rate,
			 "attacks", (json_int_t)v.att.attacks,
			 "syn_threshold", (json_int_t)v.cfg.syn_threshold,
			 "cooldown_s", v.cfg.cooldown_ms / 1000.0);
}

static void stats_adaptive_human(const struct sg_attachment *a)
{
	struct adaptive_view v;

	if (stats_adaptive(a, &v))
		return;
	if (v.cfg.cookie_mode != SG_COOKIES_AUTO) {
		printf("  cookies %s\n", sg_enum_name(sg_cookie_modes, v.cfg.cookie_mode));
		return;
	}
	if (v.att.active_since)
		printf("  cookies auto: ENGAGED for %.1f s, peak %u SYN/s per CPU "
		       "(threshold %u/s, cooldown %.0f s)\n", v.engaged_s, v.att.peak_rate,
		       v.cfg.syn_threshold, v.cfg.cooldown_ms / 1000.0);
	else
		printf("  cookies auto: standing by (threshold %u SYN/s, cooldown %.0f s, "
		       "%u attacks so far)\n", v.cfg.syn_threshold, v.cfg.cooldown_ms / 1000.0,
		       v.att.attacks);
}

static json_t *stats_rtt_json(const struct sg_attachment *a)
{
	json_t *o, *buckets;
	struct sg_rtt r;

	if (sg_rtt_read(a, &r))
		return json_null();
	buckets = json_array();
	for (int b = 0; b < SG_RTT_BUCKETS; b++)
		json_array_append_new(
			buckets,
			json_pack("{s:o, s:I}", "le_s",
				  b < SG_RTT_BUCKETS - 1 ? json_real(sg_rtt_bound(b)) : json_null(),
				  "count", (json_int_t)r.h.bucket[b]));
	o = json_pack("{s:b, s:I, s:f, s:o}", "measured", r.measured, "count", (json_int_t)r.count,
		      "sum_s", r.h.sum_us / 1e6, "buckets", buckets);
	json_object_set_new(o, "p50_ms",
			    r.count ? json_real(sg_rtt_quantile(&r, 0.5) * 1e3) : json_null());
	json_object_set_new(o, "p90_ms",
			    r.count ? json_real(sg_rtt_quantile(&r, 0.9) * 1e3) : json_null());
	json_object_set_new(o, "p99_ms",
			    r.count ? json_real(sg_rtt_quantile(&r, 0.99) * 1e3) : json_null());
	return o;
}

static json_t *stats_listen_json(const struct sg_attachment *a)
{
	struct sg_listen_health h;
	json_t *arr;

	if (sg_listen_health_read(a, &h))
		return json_null();
	arr = json_array();
	for (int i = 0; i < h.n; i++) {
		const struct sg_listener *l = &h.l[i];
		char addr[64];

		sg_listener_addr(l, addr, sizeof(addr));
		json_array_append_new(arr, json_pack("{s:i, s:s, s:i, s:I, s:I, s:I}", "family",
						     l->family, "address", addr, "port", l->port,
						     "accept_queue", (json_int_t)l->accept_queue,
						     "backlog", (json_int_t)l->backlog, "syn_recv",
						     (json_int_t)l->syn_recv));
	}
	return json_pack("{s:o, s:b, s:I, s:I}", "listeners", arr, "truncated", h.truncated,
			 "listen_overflows", (json_int_t)h.overflows, "listen_drops",
			 (json_int_t)h.drops);
}

static void stats_health_human(const struct sg_attachment *a)
{
	struct sg_listen_health h;
	struct sg_rtt r;

	if (!sg_rtt_read(a, &r)) {
		if (!r.measured)
			printf("  handshake RTT: not measured (the socket counter is off)\n");
		else if (r.count)
			printf("  handshake RTT: %llu accepted, median %.2f ms, p90 %.2f ms, "
			       "p99 %.2f ms\n",
			       (unsigned long long)r.count, sg_rtt_quantile(&r, 0.5) * 1e3,
			       sg_rtt_quantile(&r, 0.9) * 1e3, sg_rtt_quantile(&r, 0.99) * 1e3);
	}
	if (sg_listen_health_read(a, &h))
		return;
	for (int i = 0; i < h.n; i++) {
		char name[80];

		sg_listener_name(&h.l[i], name, sizeof(name));
		printf("  listener %s: accept queue %u of %u, %u half-open\n", name,
		       h.l[i].accept_queue, h.l[i].backlog, h.l[i].syn_recv);
	}
	printf("  kernel: %llu listen overflows, %llu listen drops (this namespace)\n", h.overflows,
	       h.drops);
}

static json_t *stats_json(const struct stats_view *v)
{
	struct sg_totals t, tp;
	json_t *o = json_object(), *drops = json_object(), *passes = json_object();
	json_t *answers = json_object();
	json_t *counters = json_object(), *rates, *rdrops;
	double dt = v->have_prev ? v->cur.mono - v->prev.mono : 0;

	sg_snapshot_totals(&v->cur, &t);
	json_object_set_new(o, "interface", json_string(v->a->ifname));
	json_object_set_new(o, "ifindex", json_integer(v->a->info.ifindex));
	json_object_set_new(o, "packets", json_integer(t.all.packets));
	json_object_set_new(o, "bytes", json_integer(t.all.bytes));
	json_object_set_new(o, "passed", json_integer(t.passed.packets));
	json_object_set_new(o, "answered", json_integer(t.answered.packets));
	json_object_set_new(o, "dropped", json_integer(t.dropped.packets));
	for (unsigned int i = 0; i < SG_STAT__MAX; i++) {
		const struct sg_counter *c = &v->cur.c[i];
		json_t *pair = json_object();

		json_object_set_new(pair, "packets", json_integer(c->packets));
		json_object_set_new(pair, "bytes", json_integer(c->bytes));
		json_object_set_new(counters, sg_stat_name(i), pair);
		if (SG_STAT_IS_DROP(i))
			json_object_set_new(drops, sg_stat_name(i), json_integer(c->packets));
		else if (SG_STAT_IS_PASS(i))
			json_object_set_new(passes, sg_stat_name(i), json_integer(c->packets));
		else if (SG_STAT_IS_TX(i))
			json_object_set_new(answers, sg_stat_name(i), json_integer(c->packets));
	}
	json_object_set_new(o, "drops", drops);
	json_object_set_new(o, "passes", passes);
	json_object_set_new(o, "answers", answers);
	json_object_set_new(o, "cookies", stats_cookies_json(&v->cur));
	json_object_set_new(o, "adaptive", stats_adaptive_json(v->a));
	json_object_set_new(o, "handshake_rtt", stats_rtt_json(v->a));
	json_object_set_new(o, "listen", stats_listen_json(v->a));
	json_object_set_new(o, "counters", counters);
	if (!v->have_prev)
		return o;

	sg_snapshot_totals(&v->prev, &tp);
	rates = json_object();
	rdrops = json_object();
	json_object_set_new(rates, "interval_s", json_real(dt));
	json_object_set_new(rates, "packets", json_real(sg_rate(t.all.packets, tp.all.packets, dt)));
	json_object_set_new(rates, "bytes", json_real(sg_rate(t.all.bytes, tp.all.bytes, dt)));
	json_object_set_new(rates, "passed",
			    json_real(sg_rate(t.passed.packets, tp.passed.packets, dt)));
	json_object_set_new(rates, "answered",
			    json_real(sg_rate(t.answered.packets, tp.answered.packets, dt)));
	json_object_set_new(rates, "dropped",
			    json_real(sg_rate(t.dropped.packets, tp.dropped.packets, dt)));
	for (unsigned int i = 0; i < SG_STAT__MAX; i++)
		if (SG_STAT_IS_DROP(i))
			json_object_set_new(rdrops, sg_stat_name(i),
					    json_real(sg_rate(v->cur.c[i].packets,
							      v->prev.c[i].packets, dt)));
	json_object_set_new(rates, "drops", rdrops);
	json_object_set_new(o, "rates", rates);
	return o;
}

static void stats_row(const char *label, const struct sg_counter *c,
		      const struct sg_counter *p, double dt)
{
	printf("  %-22s %14llu %16llu", label, (unsigned long long)c->packets,
	       (unsigned long long)c->bytes);
	if (p)
		printf(" %14.1f", sg_rate(c->packets, p->packets, dt));
	putchar('\n');
}

static void stats_human(const struct stats_view *v)
{
	const struct sg_snapshot *p = v->have_prev ? &v->prev : NULL;
	double dt = p ? v->cur.mono - p->mono : 0;
	struct sg_totals t, tp;
	const char *section = NULL;

	sg_snapshot_totals(&v->cur, &t);
	if (p)
		sg_snapshot_totals(p, &tp);
	printf("%s (ifindex %u)%s\n", v->a->ifname, v->a->info.ifindex,
	       v->a->live ? "" : "  [stale: program no longer attached]");
	printf("  %-22s %14s %16s%s\n", "", "packets", "bytes", p ? "       pkts/s" : "");
	stats_row("total", &t.all, p ? &tp.all : NULL, dt);
	stats_row("passed", &t.passed, p ? &tp.passed : NULL, dt);
	stats_row("answered (XDP_TX)", &t.answered, p ? &tp.answered : NULL, dt);
	stats_row("dropped", &t.dropped, p ? &tp.dropped : NULL, dt);
	stats_adaptive_human(v->a);
	{
		struct cookie_summary c;

		stats_cookies(&v->cur, &c);
		if (c.syns || c.validated || c.bad || c.expired)
			printf("  cookies: %llu SYNs, %llu answered, %llu ACKs validated, "
			       "%llu rejected (%llu bad, %llu expired), %llu handshakes\n",
			       (unsigned long long)c.syns, (unsigned long long)c.sent,
			       (unsigned long long)c.validated,
			       (unsigned long long)(c.bad + c.expired), (unsigned long long)c.bad,
			       (unsigned long long)c.expired, (unsigned long long)c.handshakes);
	}
	stats_health_human(v->a);
	for (unsigned int i = 0; i < SG_STAT__MAX; i++) {
		const char *s = SG_STAT_IS_PASS(i) ? "pass" : SG_STAT_IS_TX(i) ? "tx" :
				SG_STAT_IS_DROP(i) ? "drop" : "info";
		char label[64];

		if (!v->cur.c[i].packets)
			continue;
		if (s != section)
			printf("  %s:\n", SG_STAT_IS_PASS(i) ? "passed by reason" :
			       SG_STAT_IS_TX(i) ? "answered in XDP" :
			       SG_STAT_IS_DROP(i) ? "dropped by reason" : "other");
		section = s;
		snprintf(label, sizeof(label), "  %s", sg_stat_name(i));
		stats_row(label, &v->cur.c[i], p ? &p->c[i] : NULL, dt);
	}
}

static int stats_sample(struct stats_view *views, int n)
{
	for (int i = 0; i < n; i++) {
		int err;

		views[i].prev = views[i].cur;
		err = sg_snapshot_read(views[i].a->stats_fd, &views[i].cur);
		if (err) {
			sg_err("cannot read counters of %s: %s", views[i].a->ifname, strerror(-err));
			return err;
		}
	}
	return 0;
}

static void stats_print(struct stats_view *views, int n, bool json, bool single, bool watch)
{
	if (json) {
		json_t *out;

		if (single) {
			out = stats_json(&views[0]);
		} else {
			json_t *arr = json_array();

			for (int i = 0; i < n; i++)
				json_array_append_new(arr, stats_json(&views[i]));
			out = json_object();
			json_object_set_new(out, "interfaces", arr);
		}
		json_dumpf(out, stdout, watch ? JSON_COMPACT : JSON_INDENT(2));
		putchar('\n');
		json_decref(out);
	} else {
		if (watch)
			printf("\033[H\033[2J");
		for (int i = 0; i < n; i++)
			stats_human(&views[i]);
		if (!n)
			printf("not attached to any interface in this network namespace\n");
	}
	fflush(stdout);
}

/* Sleeps up to @secs, returning early on Ctrl-C. */
static void stats_sleep(double secs)
{
	double until = sg_now_mono() + secs;

	while (!sg_stop && sg_now_mono() < until)
		usleep(20000);
}

struct stats_args {
	bool json, watch;
	double interval;
};

static int cmd_stats(int argc, char **argv);

static const struct sg_opt stats_opts[] = {
	{ .name = "json", .short_opt = 'j', .kind = SG_OPT_FLAG,
	  .off = offsetof(struct stats_args, json),
	  .help = "JSON output (one object per sample with --watch)" },
	{ .name = "watch", .short_opt = 'w', .kind = SG_OPT_FLAG,
	  .off = offsetof(struct stats_args, watch), .help = "refresh every interval until Ctrl-C" },
	{ .name = "interval", .short_opt = 'i', .kind = SG_OPT_DECIMAL, .arg = "SECS",
	  .off = offsetof(struct stats_args, interval), .min = 0, .max = 3600, .def = "1",
	  .help = "rate window and refresh period, 0 for no rates" },
	{}
};

const struct sg_verb sg_verb_stats = {
	.name = "stats",
	.usage = "[IFACE] [options]",
	.summary = "counters and rates (--watch for a live view)",
	.about = "Show synguard's counters for IFACE (default: every attachment in this "
		 "network namespace), with per-second rates measured over --interval.",
	.opts = stats_opts,
	.pos = "interface", .pos_min = 0, .pos_max = 1,
	.main = cmd_stats,
};

static int cmd_stats(int argc, char **argv)
{
	struct stats_args args = { .interval = 1 };
	struct sg_attachment *list = NULL, one;
	struct stats_view *views = NULL;
	bool json, watch, single = false;
	double interval;
	int first, n = 0, err;

	first = sg_params_parse(&sg_verb_stats, argc, argv, &args);
	if (first <= 0)
		return first;
	json = args.json;
	watch = args.watch;
	interval = args.interval;
	if (watch && interval <= 0) {
		sg_err("--watch needs an --interval above 0");
		return -EINVAL;
	}
	err = sg_require_privileges("stats");
	if (err)
		return err;

	if (first == argc - 1) {
		err = sg_attachment_find(argv[first], &one);
		if (err == -ENOENT)
			sg_err("not attached to %s", argv[first]);
		if (err)
			return err;
		if (one.stats_fd < 0) {
			sg_err("pins of %s in %s are incomplete; run 'synguard detach %s'",
			       argv[first], one.dir, argv[first]);
			return -ENOENT;
		}
		list = malloc(sizeof(*list));
		if (!list)
			return -ENOMEM;
		list[0] = one;
		n = 1;
		single = true;
	} else {
		struct sg_attachment *all;
		int total;

		err = sg_attachment_list(&all, &total);
		if (err) {
			sg_err("cannot list attachments: %s", strerror(-err));
			return err;
		}
		/* Skip directories whose pins could not be opened. */
		list = all;
		for (int i = 0; i < total; i++)
			if (all[i].stats_fd >= 0)
				list[n++] = all[i];
	}
	views = calloc(n ? n : 1, sizeof(*views));
	if (!views) {
		err = -ENOMEM;
		goto out;
	}
	for (int i = 0; i < n; i++)
		views[i].a = &list[i];

	sg_install_stop_handlers();
	err = stats_sample(views, n);
	if (err)
		goto out;
	do {
		if (interval > 0) {
			stats_sleep(interval);
			if (sg_stop && watch)
				break;
			err = stats_sample(views, n);
			if (err)
				goto out;
			for (int i = 0; i < n; i++)
				views[i].have_prev = true;
		}
		stats_print(views, n, json, single, watch);
	} while (watch && !sg_stop);
out:
	free(views);
	sg_attachment_list_free(list, n);
	return err;
}
