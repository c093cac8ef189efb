// SPDX-License-Identifier: GPL-2.0-only
/*
 * Prometheus metrics for one attachment, in the text exposition format,
 * served by libmicrohttpd on GET /metrics. Every scrape reads the maps
 * afresh: counters are the per-CPU sums 'synguard stats' shows, with the
 * verdict and reason as labels; rates are left to PromQL.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <microhttpd.h>

#include "names.h"
#include "attachment.h"
#include "cookies.h"
#include "listen_diag.h"
#include "live.h"
#include "metrics.h"
#include "rtt.h"
#include "stats_read.h"

struct sg_metrics {
	struct MHD_Daemon *mhd;
	const struct sg_attachment *a;
};

struct buf {
	char *p;
	size_t len, cap;
};

static void put(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->p ? b->p + b->len : NULL, b->p ? b->cap - b->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if (b->p && b->len + n < b->cap) {
			b->len += n;
			return;
		}
		b->cap = (b->cap + n + 1) * 2;
		b->p = realloc(b->p, b->cap);
		if (!b->p)
			return;
	}
}

static void help(struct buf *b, const char *name, const char *type, const char *text)
{
	put(b, "# HELP %s %s\n# TYPE %s %s\n", name, text, name, type);
}

static const char *verdict_of(unsigned int i)
{
	return SG_STAT_IS_PASS(i) ? "passed" : SG_STAT_IS_TX(i) ? "answered" : "dropped";
}

/* Seconds into the current cookie key epoch (keys are derived per epoch
 * in BPF, so this is the key's age). */
static double key_age(__u32 key_shift, __u64 *epoch)
{
	struct timespec tai;
	__u64 ns, shift = SG_COOKIE_PERIOD_SHIFT + key_shift;

	clock_gettime(CLOCK_TAI, &tai);
	ns = (__u64)tai.tv_sec * 1000000000ull + tai.tv_nsec;
	*epoch = ns >> shift;
	return (ns - (*epoch << shift)) / 1e9;
}

/* The handshake RTT histogram, where the socket counter takes it. */
static void put_rtt(struct buf *b, const struct sg_attachment *a)
{
	const char *ifn = a->ifname;
	__u64 cum = 0;
	struct sg_rtt r;

	if (sg_rtt_read(a, &r) || !r.measured)
		return;
	help(b, "synguard_handshake_rtt_seconds", "histogram",
	     "Handshake RTT (SYN-ACK to ACK) of each connection accepted, cookies and the "
	     "kernel's own handshakes alike.");
	for (int i = 0; i < SG_RTT_BUCKETS; i++) {
		cum += r.h.bucket[i];
		if (i < SG_RTT_BUCKETS - 1)
			put(b,
			    "synguard_handshake_rtt_seconds_bucket{interface=\"%s\",le=\"%.9g\"} "
			    "%llu\n",
			    ifn, sg_rtt_bound(i), (unsigned long long)cum);
		else
			put(b,
			    "synguard_handshake_rtt_seconds_bucket{interface=\"%s\",le=\"+Inf\"} "
			    "%llu\n",
			    ifn, (unsigned long long)cum);
	}
	put(b, "synguard_handshake_rtt_seconds_sum{interface=\"%s\"} %.6f\n", ifn,
	    r.h.sum_us / 1e6);
	put(b, "synguard_handshake_rtt_seconds_count{interface=\"%s\"} %llu\n", ifn,
	    (unsigned long long)r.count);
}

/* The protected listeners' queues and the kernel's listen counters. */
static void put_listen(struct buf *b, const struct sg_attachment *a)
{
	static const char *const gauge[][2] = {
		{ "synguard_listen_accept_queue", "Connections waiting for accept()." },
		{ "synguard_listen_backlog", "The backlog listen() set (one more is let in)." },
		{ "synguard_listen_syn_recv", "Half-open request sockets (SYN-RECV)." },
	};
	struct sg_listen_health h;

	if (sg_listen_health_read(a, &h))
		return;
	for (size_t g = 0; g < ARRAY_SIZE(gauge); g++) {
		help(b, gauge[g][0], "gauge", gauge[g][1]);
		for (int i = 0; i < h.n; i++) {
			const struct sg_listener *l = &h.l[i];
			__u32 v = g == 0 ? l->accept_queue : g == 1 ? l->backlog : l->syn_recv;
			char addr[64];

			sg_listener_addr(l, addr, sizeof(addr));
			put(b, "%s{interface=\"%s\",address=\"%s\",port=\"%u\"} %u\n", gauge[g][0],
			    a->ifname, addr, l->port, v);
		}
	}
	help(b, "synguard_listen_overflows_total", "counter",
	     "The kernel's TcpExtListenOverflows: accept queues found full (this namespace).");
	put(b, "synguard_listen_overflows_total{interface=\"%s\"} %llu\n", a->ifname, h.overflows);
	help(b, "synguard_listen_drops_total", "counter",
	     "The kernel's TcpExtListenDrops: SYNs and ACKs listeners dropped (this namespace).");
	put(b, "synguard_listen_drops_total{interface=\"%s\"} %llu\n", a->ifname, h.drops);
}

/* The exposition text for @a; NULL on failure. */
char *sg_metrics_render(const struct sg_attachment *a, size_t *len)
{
	struct buf b = {};
	struct sg_snapshot s;
	struct sg_config cfg;
	struct sg_attack att;
	struct timespec mono;
	const char *ifn = a->ifname;
	__u32 zero = 0;
	long long live;
	__u64 epoch;
	double age;

	if (sg_snapshot_read(a->stats_fd, &s) || bpf_map_lookup_elem(a->config_fd, &zero, &cfg) ||
	    bpf_map_lookup_elem(a->attack_fd, &zero, &att))
		return NULL;

	help(&b, "synguard_packets_total", "counter",
	     "Packets seen, by verdict (passed, answered, dropped) and reason.");
	for (unsigned int i = 0; i < SG_STAT__MAX; i++)
		if (!SG_STAT_IS_INFO(i))
			put(&b, "synguard_packets_total{interface=\"%s\",verdict=\"%s\","
			    "reason=\"%s\"} %llu\n", ifn, verdict_of(i), sg_stat_name(i),
			    (unsigned long long)s.c[i].packets);
	help(&b, "synguard_bytes_total", "counter", "Bytes seen, by verdict and reason.");
	for (unsigned int i = 0; i < SG_STAT__MAX; i++)
		if (!SG_STAT_IS_INFO(i))
			put(&b, "synguard_bytes_total{interface=\"%s\",verdict=\"%s\","
			    "reason=\"%s\"} %llu\n", ifn, verdict_of(i), sg_stat_name(i),
			    (unsigned long long)s.c[i].bytes);
	for (unsigned int i = 0; i < SG_STAT__MAX; i++) {
		char name[96];

		if (!SG_STAT_IS_INFO(i))
			continue;
		snprintf(name, sizeof(name), "synguard_%s_total", sg_stat_name(i));
		help(&b, name, "counter", "See 'Info counters' in the README.");
		put(&b, "%s{interface=\"%s\"} %llu\n", name, ifn,
		    (unsigned long long)s.c[i].packets);
	}

	clock_gettime(CLOCK_MONOTONIC, &mono);
	help(&b, "synguard_cookies_engaged", "gauge",
	     "1 while SYNs are answered with cookies in XDP (always mode, or auto mode in an attack).");
	put(&b, "synguard_cookies_engaged{interface=\"%s\",mode=\"%s\"} %d\n", ifn,
	    sg_enum_name(sg_cookie_modes, cfg.cookie_mode),
	    cfg.cookie_mode == SG_COOKIES_ALWAYS || (cfg.cookie_mode == SG_COOKIES_AUTO &&
						      att.active_since));
	help(&b, "synguard_attack_duration_seconds", "gauge",
	     "How long the current attack (auto mode) has lasted; 0 when none.");
	put(&b, "synguard_attack_duration_seconds{interface=\"%s\"} %.3f\n", ifn,
	    att.active_since ? ((mono.tv_sec * 1e9 + mono.tv_nsec) - (double)att.started_ns) / 1e9 :
	    0.0);
	help(&b, "synguard_attacks_total", "counter", "Attacks that engaged cookies (auto mode).");
	put(&b, "synguard_attacks_total{interface=\"%s\"} %u\n", ifn, att.attacks);
	help(&b, "synguard_attack_peak_syn_rate", "gauge",
	     "Busiest CPU's SYNs per second in the current or last attack.");
	put(&b, "synguard_attack_peak_syn_rate{interface=\"%s\"} %u\n", ifn, att.peak_rate);
	live = sg_live_sockets(a);
	if (live >= 0) {
		help(&b, "synguard_live_sockets", "gauge",
		     "Established TCP sockets the socket counter counts in the namespace.");
		put(&b, "synguard_live_sockets{interface=\"%s\"} %lld\n", ifn, live);
	}
	put_rtt(&b, a);
	put_listen(&b, a);
	help(&b, "synguard_syn_threshold", "gauge", "SYNs per second that engage cookies (auto).");
	put(&b, "synguard_syn_threshold{interface=\"%s\"} %u\n", ifn, cfg.syn_threshold);

	age = key_age(cfg.key_shift, &epoch);
	help(&b, "synguard_cookie_key_epoch", "gauge", "Current cookie key epoch.");
	put(&b, "synguard_cookie_key_epoch{interface=\"%s\"} %llu\n", ifn,
	    (unsigned long long)epoch);
	help(&b, "synguard_cookie_key_age_seconds", "gauge",
	     "Age of the current cookie key (keys are derived per epoch in BPF).");
	put(&b, "synguard_cookie_key_age_seconds{interface=\"%s\"} %.1f\n", ifn, age);

	help(&b, "synguard_program_info", "gauge", "The attached programs (value 1).");
	put(&b,
	    "synguard_program_info{interface=\"%s\",ifindex=\"%u\",xdp_prog_id=\"%u\","
	    "tc_link_id=\"%u\",xdp_mode=\"%s\",attach_kind=\"%s\",completion=\"%s\","
	    "role=\"%s\",pin_dir=\"%s\"} 1\n",
	    ifn, a->info.ifindex, a->info.xdp_prog_id, a->info.tc_link_id,
	    sg_enum_name(sg_xdp_modes, a->info.xdp_mode),
	    sg_enum_name(sg_attach_kinds, a->info.attach_kind),
	    cfg.cookie_mode == SG_COOKIES_OFF ? "none"
					      : sg_enum_name(sg_completions, cfg.completion),
	    sg_enum_name(sg_roles, cfg.role), a->dir);
	help(&b, "synguard_map_info", "gauge", "synguard's maps (value 1).");
	{
		static const char *const maps[] = {
			"config_map", "ports_map", "stats_map", "events_map", "peers_map",
			"attack_map", "limits_map", "allow4_map", "allow6_map", "deny4_map",
			"deny6_map",
		};

		for (size_t i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
			struct bpf_map_info info = {};
			__u32 ilen = sizeof(info);
			int fd = sg_pin_get(a->dir, maps[i]);

			if (fd < 0)
				continue;
			if (!bpf_obj_get_info_by_fd(fd, &info, &ilen))
				put(&b, "synguard_map_info{interface=\"%s\",map=\"%s\",id=\"%u\","
				    "type=\"%s\",max_entries=\"%u\"} 1\n", ifn, maps[i], info.id,
				    libbpf_bpf_map_type_str(info.type) ?: "?", info.max_entries);
			close(fd);
		}
	}
	help(&b, "synguard_attached_timestamp_seconds", "gauge", "When synguard was attached.");
	put(&b, "synguard_attached_timestamp_seconds{interface=\"%s\"} %llu\n", ifn,
	    (unsigned long long)a->info.attached_at);
	help(&b, "synguard_build_info", "gauge", "synguard's version (value 1).");
	put(&b, "synguard_build_info{version=\"%s\"} 1\n", SG_VERSION);
	if (!b.p)
		return NULL;
	*len = b.len;
	return b.p;
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *conn, const char *url,
			       const char *method, const char *version, const char *data,
			       size_t *data_size, void **state)
{
	struct sg_metrics *m = cls;
	struct MHD_Response *r;
	enum MHD_Result ret;
	unsigned int code = MHD_HTTP_OK;
	size_t len = 0;
	char *text = NULL;

	if (strcmp(method, "GET")) {
		code = MHD_HTTP_METHOD_NOT_ALLOWED;
	} else if (strcmp(url, "/metrics")) {
		code = MHD_HTTP_NOT_FOUND;
	} else {
		text = sg_metrics_render(m->a, &len);
		if (!text)
			code = MHD_HTTP_INTERNAL_SERVER_ERROR;
	}
	if (!text) {
		static const char msg[] = "synguard: GET /metrics\n";

		r = MHD_create_response_from_buffer(sizeof(msg) - 1, (void *)msg,
						    MHD_RESPMEM_PERSISTENT);
	} else {
		r = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
	}
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", "text/plain; version=0.0.4; charset=utf-8");
	ret = MHD_queue_response(conn, code, r);
	MHD_destroy_response(r);
	return ret;
}

/* Parses "ADDR:PORT" ("[v6]:PORT" for IPv6). */
static int parse_listen(const char *s, struct sockaddr_storage *ss)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon = strrchr(s, ':');
	char *end;
	long port;

	if (!colon || (size_t)(colon - s) >= sizeof(host))
		goto bad;
	snprintf(host, sizeof(host), "%.*s", (int)(colon - s), s);
	port = strtol(colon + 1, &end, 10);
	if (*end || colon[1] == '\0' || port < 1 || port > 65535)
		goto bad;
	memset(ss, 0, sizeof(*ss));
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;

		host[strlen(host) - 1] = '\0';
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons(port);
		if (inet_pton(AF_INET6, host + 1, &a6->sin6_addr) == 1)
			return 0;
	} else {
		struct sockaddr_in *a4 = (struct sockaddr_in *)ss;

		a4->sin_family = AF_INET;
		a4->sin_port = htons(port);
		if (inet_pton(AF_INET, host, &a4->sin_addr) == 1)
			return 0;
	}
bad:
	sg_err("bad --metrics '%s' (use ADDR:PORT, e.g. 127.0.0.1:9199 or [::1]:9199)",
	       sg_quote(s));
	return -EINVAL;
}

int sg_metrics_check(const char *listen)
{
	struct sockaddr_storage ss;

	return strcmp(listen, "off") ? parse_listen(listen, &ss) : 0;
}

struct sg_metrics *sg_metrics_start(const char *listen, const struct sg_attachment *a)
{
	struct sockaddr_storage ss;
	struct sg_metrics *m;

	if (parse_listen(listen, &ss))
		return NULL;
	m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->a = a;
	m->mhd = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD |
				  (ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0),
				  0, NULL, NULL, handler, m,
				  MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss, MHD_OPTION_END);
	if (!m->mhd) {
		sg_err("cannot serve metrics on %s: %s", listen, strerror(errno));
		free(m);
		return NULL;
	}
	return m;
}

void sg_metrics_stop(struct sg_metrics *m)
{
	if (!m)
		return;
	MHD_stop_daemon(m->mhd);
	free(m);
}
