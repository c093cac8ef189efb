// SPDX-License-Identifier: GPL-2.0-only
/*
 * synguard trace [IFACE] [--src CIDR]... [--port PORT]... [--count N]
 *                [--duration SECS] [--rate N] [--pcap FILE] [--json]
 *
 * Follows handshakes through one attachment: the filter written to its
 * trace_map makes synguard_xdp and synguard_tc (bpf/lib/trace.h) record
 * every matching packet with its verdict, the SYN-ACK synguard sent for
 * it and the handshake's completion in TC, until the filter's deadline.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <jansson.h>

#include "attachment.h"
#include "cidr.h"
#include "names.h"
#include "trace_pcap.h"
#include "trace_pkt.h"
#include "verbs.h"

struct trace_cfg {
	struct sg_strlist srcs;
	struct sg_strlist ports;
	long count;
	long duration;
	long rate;
	const char *pcap;
	bool json;
};

/* One handshake's 4-tuple, from the client's side, and what was seen. */
struct trace_flow {
	__u8 caddr[16], saddr[16];
	__u16 cport, sport;
	int family;
	int id;
	__u64 synack_ns; /* when synguard's SYN-ACK went out, 0: none seen */
};

#define TRACE_FLOWS 1024

struct trace_ctx {
	const struct trace_cfg *cfg;
	struct sg_attachment *a;
	struct sg_config sgcfg;
	struct sg_pcap *pcap;
	struct trace_flow flows[TRACE_FLOWS];
	int n_flows, next_id;
	long packets;
	long arrived;	    /* of the packets, those that came in (not synguard's replies) */
	bool counted;	    /* --count of them arrived */
	double wall_offset; /* CLOCK_REALTIME - CLOCK_MONOTONIC, seconds */
	int err;
};

static struct trace_flow *trace_flow(struct trace_ctx *t, const struct sg_tpkt *p, bool reply,
				     bool *fresh)
{
	const __u8 *c = reply ? p->daddr : p->saddr, *s = reply ? p->saddr : p->daddr;
	__u16 cport = reply ? p->dport : p->sport, sport = reply ? p->sport : p->dport;
	struct trace_flow *f;

	*fresh = false;
	for (int i = 0; i < t->n_flows; i++) {
		f = &t->flows[i];
		if (f->family == p->family && f->cport == cport && f->sport == sport &&
		    !memcmp(f->caddr, c, 16) && !memcmp(f->saddr, s, 16))
			return f;
	}
	/* the oldest handshake makes room */
	if (t->n_flows == TRACE_FLOWS)
		memmove(t->flows, t->flows + 1, sizeof(t->flows[0]) * --t->n_flows);
	f = &t->flows[t->n_flows++];
	memset(f, 0, sizeof(*f));
	memcpy(f->caddr, c, 16);
	memcpy(f->saddr, s, 16);
	f->cport = cport;
	f->sport = sport;
	f->family = p->family;
	f->id = ++t->next_id;
	*fresh = true;
	return f;
}

static void trace_ts(const struct trace_ctx *t, __u64 ns, char *buf, size_t len, bool date,
		     struct timeval *tv)
{
	double w = t->wall_offset + ns / 1e9;
	time_t secs = (time_t)w;
	long usec = (long)((w - secs) * 1e6);
	struct tm tm;
	size_t off;

	tv->tv_sec = secs;
	tv->tv_usec = usec;
	gmtime_r(&secs, &tm);
	off = strftime(buf, len, date ? "%Y-%m-%dT%H:%M:%S" : "%H:%M:%S", &tm);
	snprintf(buf + off, len - off, ".%06ld%s", usec, date ? "Z" : "");
}

static const char *trace_action(__u8 hook, __u32 action)
{
	static const char *const xdp[] = { "aborted", "drop", "pass", "tx", "redirect" };

	if (hook == SG_TRACE_TC)
		return action == SG_TRACE_TC_SHOT ? "tc_drop" : "tc_ok";
	return action < 5 ? xdp[action] : "unknown";
}

static json_t *trace_info(__u64 info)
{
	json_t *a = json_array();

	for (unsigned int i = 0; i < 64; i++)
		if (info & (1ull << i))
			json_array_append_new(
				a, json_string(sg_stat_name(SG_STAT__INFO_START + 1 + i)));
	return a;
}

static int trace_handle(void *data, void *raw, size_t size)
{
	struct trace_ctx *t = data;
	const struct sg_trace_rec *r = raw;
	char ts[48], src[64], dst[64], flags[12], opts[128], text[160], line[640];
	bool reply, fresh;
	struct trace_flow *f;
	struct timeval tv;
	struct sg_tpkt p;
	double rtt = -1;
	size_t caplen;
	const char *vt;

	if (size < sizeof(*r) || sg_stop || t->err || (t->counted && r->hook == SG_TRACE_XDP))
		return 0;
	caplen = r->caplen < SG_TRACE_SNAP ? r->caplen : SG_TRACE_SNAP;
	if (!sg_tpkt_parse(r->data, caplen, &p))
		return 0;
	reply = r->hook == SG_TRACE_XDP_REPLY;
	f = trace_flow(t, &p, reply, &fresh);
	if (r->hook == SG_TRACE_XDP_REPLY) {
		f->synack_ns = r->ts_ns;
		snprintf(text, sizeof(text), "sent by synguard (XDP_TX)");
	} else if (r->hook == SG_TRACE_TC) {
		snprintf(text, sizeof(text), "%s", sg_trace_tc_text(r->info, r->action));
	} else {
		vt = sg_trace_verdict_text(r->stat, &t->sgcfg);
		if (vt)
			snprintf(text, sizeof(text), "%s", vt);
		else
			snprintf(text, sizeof(text), "dropped: %s", sg_stat_name(r->stat));
		if (p.tcp && (p.flags & 0x12) == 0x10 && f->synack_ns && r->ts_ns > f->synack_ns)
			rtt = (r->ts_ns - f->synack_ns) / 1e6;
		if (p.tcp && (p.flags & 0x10))
			f->synack_ns = 0; /* the first ACK completes it */
	}
	trace_ts(t, r->ts_ns, ts, sizeof(ts), t->cfg->json, &tv);
	sg_tpkt_endpoint(&p, true, src, sizeof(src));
	sg_tpkt_endpoint(&p, false, dst, sizeof(dst));
	sg_tpkt_flags(p.flags, flags, sizeof(flags));
	sg_tpkt_options(&p, opts, sizeof(opts));

	if (t->pcap) {
		char prefix[200];

		snprintf(prefix, sizeof(prefix), "%s%s%s",
			 r->hook == SG_TRACE_XDP  ? sg_stat_name(r->stat)
			 : r->hook == SG_TRACE_TC ? "tc"
						  : "synack_sent",
			 ": ", text);
		if (caplen > (size_t)p.l3_off)
			sg_pcap_write(t->pcap, &tv, p.family, t->a->info.ifindex,
				      r->data + p.l3_off, caplen - p.l3_off,
				      r->len > (__u32)p.l3_off ? r->len - p.l3_off : 0, prefix);
	}
	if (t->cfg->json) {
		json_t *o = json_object();

		json_object_set_new(o, "ts", json_string(ts));
		json_object_set_new(o, "ts_ns", json_integer(r->ts_ns));
		json_object_set_new(o, "interface", json_string(t->a->ifname));
		json_object_set_new(o, "hook",
				    json_string(r->hook == SG_TRACE_XDP	 ? "xdp"
						: r->hook == SG_TRACE_TC ? "tc"
									 : "xdp_reply"));
		json_object_set_new(o, "handshake", json_integer(f->id));
		json_object_set_new(o, "family", json_integer(p.family));
		json_object_set_new(o, "src", json_string(src));
		json_object_set_new(o, "dst", json_string(dst));
		json_object_set_new(o, "tcp_flags", p.tcp ? json_string(flags) : json_null());
		if (p.tcp) {
			json_object_set_new(o, "sport", json_integer(p.sport));
			json_object_set_new(o, "dport", json_integer(p.dport));
			json_object_set_new(o, "seq", json_integer(p.seq));
			json_object_set_new(o, "ack", json_integer(p.ack));
			json_object_set_new(o, "window", json_integer(p.window));
			json_object_set_new(o, "payload", json_integer(p.payload));
			json_object_set_new(o, "options", json_string(opts));
		}
		json_object_set_new(o, "len", json_integer(r->len));
		json_object_set_new(o, "verdict",
				    r->hook == SG_TRACE_XDP && r->stat < SG_STAT__MAX
					    ? json_string(sg_stat_name(r->stat))
					    : json_null());
		json_object_set_new(o, "action", json_string(trace_action(r->hook, r->action)));
		json_object_set_new(o, "text", json_string(text));
		json_object_set_new(o, "info", trace_info(r->info));
		json_object_set_new(o, "rtt_ms", rtt >= 0 ? json_real(rtt) : json_null());
		json_object_set_new(o, "cpu", json_integer(r->cpu));
		json_dumpf(o, stdout, JSON_COMPACT);
		putchar('\n');
		json_decref(o);
	} else {
		int n;

		if (fresh)
			printf("handshake #%d %s %s\n", f->id, reply ? dst : src,
			       reply ? src : dst);
		n = snprintf(line, sizeof(line), "%s #%d %s > %s", ts, f->id, src, dst);
		if (p.tcp)
			n += snprintf(line + n, sizeof(line) - n, " %s seq %u%s", flags, p.seq, "");
		if (p.tcp && (p.flags & 0x10))
			n += snprintf(line + n, sizeof(line) - n, " ack %u", p.ack);
		if (p.tcp)
			n += snprintf(line + n, sizeof(line) - n, " win %u%s%s%s len %u", p.window,
				      *opts ? " [" : "", opts, *opts ? "]" : "", p.payload);
		n += snprintf(line + n, sizeof(line) - n, ": %s", text);
		if (rtt >= 0)
			snprintf(line + n, sizeof(line) - n, " (%.3f ms after the SYN-ACK)", rtt);
		puts(line);
	}
	fflush(stdout);
	t->packets++;
	/* --count: packets that arrived; the SYN-ACKs and TC records of
	 * those still come */
	if (r->hook == SG_TRACE_XDP && ++t->arrived >= t->cfg->count && t->cfg->count)
		t->counted = true;
	return 0;
}

static int cmd_trace(int argc, char **argv);

static const struct sg_opt trace_opts[] = {
	{ .name = "src",
	  .short_opt = 's',
	  .kind = SG_OPT_LIST,
	  .arg = "CIDR",
	  .off = offsetof(struct trace_cfg, srcs),
	  .max = SG_TRACE_SRCS,
	  .help = "trace packets from CIDR (repeatable, up to 8); default: every source" },
	{ .name = "port",
	  .short_opt = 'p',
	  .kind = SG_OPT_LIST,
	  .arg = "PORT",
	  .off = offsetof(struct trace_cfg, ports),
	  .max = SG_TRACE_PORTS,
	  .help = "trace TCP packets to PORT (repeatable, up to 8); default: every port" },
	{ .name = "count",
	  .short_opt = 'c',
	  .kind = SG_OPT_NUMBER,
	  .arg = "N",
	  .off = offsetof(struct trace_cfg, count),
	  .min = 1,
	  .max = 1000000000,
	  .help = "stop after N packets have arrived (synguard's replies to them are shown)" },
	{ .name = "duration",
	  .short_opt = 'd',
	  .kind = SG_OPT_NUMBER,
	  .arg = "SECS",
	  .off = offsetof(struct trace_cfg, duration),
	  .min = 1,
	  .max = 86400,
	  .def = "60",
	  .help = "stop after SECS seconds",
	  .doc = "The deadline is in the filter synguard's programs apply: a trace that is "
		 "killed records nothing after it." },
	{ .name = "rate",
	  .short_opt = 'r',
	  .kind = SG_OPT_NUMBER,
	  .arg = "N",
	  .off = offsetof(struct trace_cfg, rate),
	  .min = 1,
	  .max = 1000000,
	  .def = "1000",
	  .help = "record at most N packets per second per CPU; the rest are counted as lost" },
	{ .name = "pcap",
	  .short_opt = 'w',
	  .kind = SG_OPT_STRING,
	  .arg = "FILE",
	  .off = offsetof(struct trace_cfg, pcap),
	  .flags = SG_OPT_FILE,
	  .help = "also write the packets, synguard's SYN-ACKs included, to FILE",
	  .doc = "The capture is libpcap's format with the NFLOG link type: tcpdump -r and "
		 "tshark -r read it, and each packet's verdict is its log prefix "
		 "(Wireshark's field nflog.prefix)." },
	{ .name = "json",
	  .short_opt = 'j',
	  .kind = SG_OPT_FLAG,
	  .off = offsetof(struct trace_cfg, json),
	  .help = "one JSON object per packet" },
	{}
};

const struct sg_verb sg_verb_trace = {
	.name = "trace",
	.usage = "[IFACE] [options]",
	.summary = "follow handshakes packet by packet, with synguard's verdicts",
	.about = "Record the packets synguard judges on IFACE (the only attachment if none "
		 "is named) that match the filter, with each packet's verdict, the SYN-ACKs "
		 "synguard sends in XDP and the handshakes TC completes, and print them "
		 "grouped by handshake. tcpdump cannot see these: a SYN-ACK sent with XDP_TX "
		 "and a packet dropped in XDP never reach its taps. The kernel's own SYN-ACKs "
		 "are not recorded: they leave through the stack, not XDP.",
	.opts = trace_opts,
	.pos = "interface",
	.pos_min = 0,
	.pos_max = 1,
	.main = cmd_trace,
};

/* --src and --port into the filter; one line on stderr if one is bad. */
static int trace_filter(const struct trace_cfg *c, struct sg_trace_filter *f)
{
	for (unsigned int i = 0; i < c->srcs.n; i++) {
		struct sg_trace_src *s = &f->srcs[i];
		struct sg_cidr cidr;

		if (sg_cidr_parse(c->srcs.v[i], &cidr))
			return -EINVAL;
		s->family = cidr.family;
		for (int w = 0; w < 4; w++) {
			int bits = cidr.prefix - 32 * w;
			__u32 m = bits >= 32 ? 0xffffffffu : bits <= 0 ? 0 : ~0u << (32 - bits);

			s->mask[w] = htonl(m);
			s->addr[w] = cidr.addr[w] & s->mask[w];
		}
	}
	f->n_srcs = c->srcs.n;
	for (unsigned int i = 0; i < c->ports.n; i++) {
		long port;

		if (sg_parse_number("--port", c->ports.v[i], 1, 65535, &port))
			return -EINVAL;
		f->ports[i] = port;
	}
	f->n_ports = c->ports.n;
	return 0;
}

/* The attachment to trace: IFACE's, or the only one there is. */
static int trace_attachment(const char *ifname, struct sg_attachment *a)
{
	struct sg_attachment *list;
	int n, err;

	if (ifname) {
		err = sg_attachment_find(ifname, a);
		if (err == -ENOENT)
			sg_err("not attached to %s", ifname);
		return err;
	}
	err = sg_attachment_list(&list, &n);
	if (err) {
		sg_err("cannot list attachments: %s", strerror(-err));
		return err;
	}
	if (n != 1) {
		if (n)
			sg_err("%d attachments in this network namespace: name the interface "
			       "to trace",
			       n);
		else
			sg_err("not attached to any interface in this network namespace");
		sg_attachment_list_free(list, n);
		return -ENOENT;
	}
	err = sg_attachment_find(list[0].ifname, a);
	sg_attachment_list_free(list, n);
	return err;
}

/* The trace's maps in the attachment's pins. */
struct trace_maps {
	int filter, ring, lost;
};

static int trace_maps_open(const struct sg_attachment *a, struct trace_maps *m)
{
	m->filter = sg_pin_get(a->dir, "trace_map");
	m->ring = sg_pin_get(a->dir, "trace_ring");
	m->lost = sg_pin_get(a->dir, "trace_lost");
	if (m->filter >= 0 && m->ring >= 0 && m->lost >= 0)
		return 0;
	sg_err("%s was attached by a synguard without trace: run 'synguard detach %s' and "
	       "attach again",
	       a->ifname, a->ifname);
	return -ENOENT;
}

static void trace_maps_close(struct trace_maps *m)
{
	if (m->filter >= 0)
		close(m->filter);
	if (m->ring >= 0)
		close(m->ring);
	if (m->lost >= 0)
		close(m->lost);
}

/* Sums (@sum) or zeroes the per-CPU lost-record counters. */
static void trace_lost(int fd, struct sg_trace_lost *sum)
{
	int ncpu = libbpf_num_possible_cpus();
	struct sg_trace_lost *v;
	__u32 zero = 0;

	if (sum)
		memset(sum, 0, sizeof(*sum));
	if (ncpu <= 0)
		return;
	v = calloc(ncpu, sizeof(*v));
	if (!v)
		return;
	if (!sum) {
		bpf_map_update_elem(fd, &zero, v, 0);
	} else if (!bpf_map_lookup_elem(fd, &zero, v)) {
		for (int i = 0; i < ncpu; i++) {
			sum->rate_capped += v[i].rate_capped;
			sum->ring_full += v[i].ring_full;
		}
	}
	free(v);
}

static __u64 trace_now(void)
{
	struct timespec mono;

	clock_gettime(CLOCK_MONOTONIC, &mono);
	return (__u64)mono.tv_sec * 1000000000ull + mono.tv_nsec;
}

/* Writes @f unless another trace runs (one line on stderr then). */
static int trace_start(const struct sg_attachment *a, int fd, const struct sg_trace_filter *f)
{
	struct sg_trace_filter cur;
	__u32 zero = 0;
	int lock, err = 0;

	lock = sg_change_lock("trace");
	if (lock < 0)
		return lock;
	if (bpf_map_lookup_elem(fd, &zero, &cur)) {
		err = -errno;
		sg_err("cannot read the trace filter of %s: %s", a->ifname, strerror(errno));
	} else if (cur.deadline_ns > trace_now()) {
		err = -EBUSY;
		sg_err("a trace is already running on %s (for %llus more): one at a time",
		       a->ifname,
		       (unsigned long long)((cur.deadline_ns - trace_now()) / 1000000000ull + 1));
	} else if (bpf_map_update_elem(fd, &zero, f, 0)) {
		err = -errno;
		sg_err("cannot start the trace on %s: %s", a->ifname, strerror(errno));
	}
	sg_change_unlock(lock);
	return err;
}

/* Ends our trace, unless another has replaced it. */
static void trace_stop(int fd, __u64 deadline)
{
	struct sg_trace_filter cur, off = {};
	__u32 zero = 0;

	if (!bpf_map_lookup_elem(fd, &zero, &cur) && cur.deadline_ns == deadline)
		bpf_map_update_elem(fd, &zero, &off, 0);
}

static int trace_discard(void *data, void *raw, size_t size)
{
	return 0;
}

static int trace_run(const struct trace_cfg *c, const char *ifname)
{
	struct trace_ctx *t = calloc(1, sizeof(*t));
	struct trace_maps m = { -1, -1, -1 };
	struct sg_attachment a = { .prog_fd = -1 };
	struct ring_buffer *rb = NULL;
	struct sg_trace_filter f = {};
	struct sg_trace_lost lost;
	struct timespec real, mono;
	bool started = false;
	__u32 zero = 0;
	int err;

	if (!t)
		return -ENOMEM;
	err = trace_filter(c, &f);
	if (err)
		goto out_free;
	err = trace_attachment(ifname, &a);
	if (err)
		goto out_free;
	t->cfg = c;
	t->a = &a;
	err = trace_maps_open(&a, &m);
	if (err)
		goto out;
	if (bpf_map_lookup_elem(a.config_fd, &zero, &t->sgcfg)) {
		err = -errno;
		sg_err("cannot read the configuration of %s: %s", a.ifname, strerror(errno));
		goto out;
	}
	if (c->pcap) {
		t->pcap = sg_pcap_open(c->pcap);
		if (!t->pcap) {
			err = -EIO;
			goto out;
		}
	}
	/* what an earlier trace left in the ring is not ours */
	rb = ring_buffer__new(m.ring, trace_discard, NULL, NULL);
	if (!rb) {
		err = -errno;
		sg_err("cannot open the trace ring buffer of %s: %s", a.ifname, strerror(-err));
		goto out;
	}
	ring_buffer__consume(rb);
	ring_buffer__free(rb);
	rb = ring_buffer__new(m.ring, trace_handle, t, NULL);
	if (!rb) {
		err = -errno;
		sg_err("cannot open the trace ring buffer of %s: %s", a.ifname, strerror(-err));
		goto out;
	}

	clock_gettime(CLOCK_MONOTONIC, &mono);
	clock_gettime(CLOCK_REALTIME, &real);
	t->wall_offset = (real.tv_sec - mono.tv_sec) + (real.tv_nsec - mono.tv_nsec) / 1e9;
	f.deadline_ns = trace_now() + (__u64)c->duration * 1000000000ull;
	f.rate = c->rate;
	trace_lost(m.lost, NULL);
	err = trace_start(&a, m.filter, &f);
	if (err)
		goto out;
	started = true;
	sg_install_stop_handlers();
	if (!c->json)
		fprintf(stderr, "tracing %s for %lds; Ctrl-C stops\n", a.ifname, c->duration);
	while (!sg_stop && !t->err && !t->counted && trace_now() <= f.deadline_ns) {
		err = ring_buffer__poll(rb, 100);
		if (err == -EINTR) {
			err = 0;
			continue;
		}
		if (err < 0) {
			sg_err("reading the trace failed: %s", strerror(-err));
			goto out;
		}
		err = 0;
	}
	trace_stop(m.filter, f.deadline_ns);
	started = false;
	if (!sg_stop)
		ring_buffer__consume(rb);
	trace_lost(m.lost, &lost);
	fprintf(stderr,
		"%ld packets traced in %d handshakes; not recorded: %llu over the rate, "
		"%llu with the ring buffer full\n",
		t->packets, t->next_id, (unsigned long long)lost.rate_capped,
		(unsigned long long)lost.ring_full);
out:
	if (started)
		trace_stop(m.filter, f.deadline_ns);
	ring_buffer__free(rb);
	trace_maps_close(&m);
	if (t->pcap && sg_pcap_close(t->pcap) && !err) {
		sg_err("cannot finish the capture %s", sg_quote(c->pcap));
		err = -EIO;
	}
	sg_attachment_close(&a);
out_free:
	free(t);
	return err;
}

static int cmd_trace(int argc, char **argv)
{
	struct trace_cfg c = { .duration = 60, .rate = 1000 };
	int first = sg_params_parse(&sg_verb_trace, argc, argv, &c);
	int err;

	if (first <= 0)
		return first;
	err = sg_require_privileges("trace");
	if (err)
		return err;
	return trace_run(&c, first < argc ? argv[first] : NULL);
}
