/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * synguard trace, in synguard's own programs: while the trace global
 * (pinned as trace_map) holds a deadline, synguard_xdp and synguard_tc
 * keep each packet the filter matches and, once judged, send it to
 * trace_ring with its verdict, followed by the SYN-ACK that answered it.
 * Without a trace, a packet pays one load and branch at entry and at exit.
 * A trace that nobody ends stops at its deadline: the first packet after
 * it clears the global.
 *
 * The verdict of a packet is the counter it bumped: exactly one verdict
 * counter rises per packet (include/synguard.h), so entry keeps this CPU's
 * counters and exit finds the one that rose. A program runs to completion
 * on its CPU, so nothing else counts in between.
 */
#ifndef SG_BPF_TRACE_H
#define SG_BPF_TRACE_H

#include "maps.h"
#include "synguard_trace.h"

_Static_assert(SG_STAT__MAX <= 64, "the counters fit the info bits and before[]");

/* pinned as trace_map; deadline_ns 0: no trace */
struct sg_trace_filter sg_trace SG_GLOBAL(trace) = {};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, SG_TRACE_RING_BYTES);
} trace_ring SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sg_trace_lost);
} trace_lost SEC(".maps");

/* What entry saw, for exit on the same CPU. */
struct sg_trace_scratch {
	__u64 ts_ns;
	__u64 window_start; /* the rate cap's one-second window */
	__u32 in_window;
	__u32 len;
	__u32 caplen;
	__u32 armed;
	__u64 before[64]; /* SG_STAT__MAX of them */
	__u8 data[SG_TRACE_SNAP];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2); /* 0: XDP, 1: TC */
	__type(key, __u32);
	__type(value, struct sg_trace_scratch);
} trace_scratch SEC(".maps");

static sg_always_inline __u32 tr_be32(const __u8 *p)
{
	return (__u32)p[0] | (__u32)p[1] << 8 | (__u32)p[2] << 16 | (__u32)p[3] << 24;
}

/* Does the source in @a (network order, @words of them) match entry @s? */
static sg_always_inline bool tr_src_match(const struct sg_trace_src *s, __u32 family,
					  const __u32 *a)
{
	if (s->family != family)
		return false;
	if (family == 4)
		return (a[0] & s->mask[0]) == s->addr[0];
	return (a[0] & s->mask[0]) == s->addr[0] && (a[1] & s->mask[1]) == s->addr[1] &&
	       (a[2] & s->mask[2]) == s->addr[2] && (a[3] & s->mask[3]) == s->addr[3];
}

/* Is the frame in @d (@caplen bytes kept) one the filter asks for? */
static sg_always_inline bool tr_match(const __u8 *d, __u32 caplen)
{
	const struct sg_trace_filter *f = &sg_trace;
	__u32 off = 12, l4, family, a[4] = {}, n_srcs = f->n_srcs, n_ports = f->n_ports;
	bool tcp = false, hit;
	__u16 proto, dport = 0;
	int i;

	if (caplen < 14)
		return false;
	proto = (__u16)d[12] << 8 | d[13];
#pragma unroll
	for (i = 0; i < SG_MAX_VLAN_DEPTH; i++) {
		if (proto != ETH_P_8021Q && proto != ETH_P_8021AD)
			break;
		off += 4;
		if (off + 2 > caplen)
			return false;
		proto = (__u16)d[off] << 8 | d[off + 1];
	}
	off += 2;
	if (proto == ETH_P_IP) {
		if (off + 20 > caplen)
			return false;
		family = 4;
		a[0] = tr_be32(&d[off + 12]);
		tcp = d[off + 9] == SG_IPPROTO_TCP;
		l4 = off + (d[off] & 0xf) * 4;
	} else if (proto == ETH_P_IPV6) {
		if (off + 40 > caplen)
			return false;
		family = 6;
#pragma unroll
		for (i = 0; i < 4; i++)
			a[i] = tr_be32(&d[off + 8 + 4 * i]);
		tcp = d[off + 6] == SG_IPPROTO_TCP;
		l4 = off + 40;
	} else {
		return false;
	}
	if (tcp && l4 + 4 <= caplen && l4 + 4 <= SG_TRACE_SNAP)
		dport = (__u16)d[l4 + 2] << 8 | d[l4 + 3];
	else
		tcp = false;

	if (n_srcs) {
		hit = false;
#pragma unroll
		for (i = 0; i < SG_TRACE_SRCS; i++) {
			if (i < n_srcs && tr_src_match(&f->srcs[i], family, a))
				hit = true;
		}
		if (!hit)
			return false;
	}
	if (n_ports) {
		if (!tcp)
			return false;
		hit = false;
#pragma unroll
		for (i = 0; i < SG_TRACE_PORTS; i++) {
			if (i < n_ports && f->ports[i] == dport)
				hit = true;
		}
		if (!hit)
			return false;
	}
	return true;
}

static sg_always_inline void tr_lost(bool ring)
{
	__u32 zero = 0;
	struct sg_trace_lost *l = bpf_map_lookup_elem(&trace_lost, &zero);

	if (!l)
		return;
	if (ring)
		l->ring_full++;
	else
		l->rate_capped++;
}

/*
 * The trace's slot @slot, once the frame's first @n bytes are in its
 * data: armed if the filter wants the frame and the rate cap allows,
 * with the counters from @first on kept. A deadline past clears the trace.
 */
static sg_always_inline void tr_arm(struct sg_trace_scratch *s, __u64 now, __u32 len, __u32 n,
				    __u32 first)
{
	__u32 i;

	if (!tr_match(s->data, n))
		return;
	if (now - s->window_start >= 1000000000ull) {
		s->window_start = now;
		s->in_window = 0;
	}
	if (s->in_window >= sg_trace.rate) {
		tr_lost(false);
		return;
	}
	s->in_window++;
	s->ts_ns = now;
	s->len = len;
	s->caplen = n;
#pragma clang loop unroll(disable)
	for (i = first; i < SG_STAT__MAX; i++) {
		__u32 k = i;
		struct sg_counter *c = bpf_map_lookup_elem(&stats_map, &k);

		s->before[i & 63] = c ? c->packets : 0;
	}
	s->armed = 1;
}

/* Slot @slot's scratch, disarmed, and how many bytes of a @len-byte frame
 * to keep; NULL when the trace is over (and then cleared). */
static sg_always_inline struct sg_trace_scratch *tr_begin(__u32 slot, __u32 len, __u64 *now,
							  __u32 *n)
{
	struct sg_trace_scratch *s = bpf_map_lookup_elem(&trace_scratch, &slot);

	if (!s)
		return NULL;
	s->armed = 0;
	*now = bpf_ktime_get_ns();
	if (*now > sg_trace.deadline_ns) {
		sg_trace.deadline_ns = 0;
		return NULL;
	}
	*n = len > SG_TRACE_SNAP ? SG_TRACE_SNAP : len;
	if (!*n)
		return NULL;
	return s;
}

struct tr_rose_ctx {
	struct sg_trace_scratch *s;
	__u64 info;
	__u32 first;
	__u32 stat;
};

static long tr_rose_one(__u64 idx, void *data)
{
	struct tr_rose_ctx *x = data;
	__u32 i = x->first + (__u32)idx;
	struct sg_counter *c = bpf_map_lookup_elem(&stats_map, &i);

	if (i >= SG_STAT__MAX || !c || c->packets == x->s->before[i & 63])
		return 0;
	if (i < SG_STAT__DROP_END) {
		if (x->stat == SG_STAT__MAX)
			x->stat = i;
	} else if (i > SG_STAT__INFO_START) {
		x->info |= 1ull << ((i - SG_STAT__INFO_START - 1) & 63);
	}
	return 0;
}

/* The counters from @first on that rose since tr_arm(): the verdict's
 * into @stat, the info counters' as bits. bpf_loop: a plain loop's
 * branches multiply the verifier's states past its limit. */
static sg_always_inline __u64 tr_rose(struct sg_trace_scratch *s, __u32 first, __u32 *stat)
{
	struct tr_rose_ctx x = { .s = s, .first = first, .stat = SG_STAT__MAX };

	bpf_loop(SG_STAT__MAX - first, tr_rose_one, &x, 0);
	*stat = x.stat;
	return x.info;
}

/* A record of the frame kept in @s, or NULL (counted) with the ring full. */
static sg_always_inline struct sg_trace_rec *tr_record(struct sg_trace_scratch *s, __u8 hook,
						       __u32 stat, __u64 info, __u32 action)
{
	struct sg_trace_rec *r = bpf_ringbuf_reserve(&trace_ring, sizeof(*r), 0);

	if (!r) {
		tr_lost(true);
		return NULL;
	}
	r->ts_ns = s->ts_ns;
	r->info = info;
	r->stat = stat;
	r->action = action;
	r->cpu = bpf_get_smp_processor_id();
	r->hook = hook;
	r->len = s->len;
	r->caplen = s->caplen;
	__builtin_memcpy(r->data, s->data, SG_TRACE_SNAP);
	return r;
}

/* The frame's length, as a number: the pointers never reach the stack,
 * where clang would spill them as 32-bit values ("invalid size of
 * register spill"). */
static sg_always_inline __u32 sg_xdp_len(struct xdp_md *ctx)
{
	__u64 data = ctx->data, end = ctx->data_end;

	asm volatile("" : "+r"(data), "+r"(end));
	return (__u32)(end - data);
}

/* @n (1 to SG_TRACE_SNAP) with bounds the verifier sees: clang drops
 * plain tests it can prove, and Linux 6.1 refuses a size that may be 0
 * ("invalid access to map value, value_size=800 off=544 size=0"). */
static sg_always_inline __u32 tr_size(__u32 n)
{
	asm volatile("" : "+r"(n));
	return ((n - 1) & (SG_TRACE_SNAP - 1)) + 1;
}

_Static_assert((SG_TRACE_SNAP & (SG_TRACE_SNAP - 1)) == 0, "tr_size() masks");

/* Global functions, verified once, so that synguard_xdp and synguard_tc
 * pay only the test of sg_trace.deadline_ns while no trace runs. */
/* The entry's one body, for XDP (@xdp) or TC: they differ in the
 * frame's length, how its bytes are read, their scratch slot and the
 * counters they watch. */
static sg_always_inline int tr_enter(void *ctx, const bool xdp)
{
	struct sg_trace_scratch *s;
	__u32 len, n = 0;
	__u64 now = 0;
	long err;

	if (!ctx)
		return 0;
	len = xdp ? sg_xdp_len(ctx) : ((struct __sk_buff *)ctx)->len;
	s = tr_begin(!xdp, len, &now, &n);
	if (!s)
		return 0;
	if (xdp)
		err = bpf_xdp_load_bytes(ctx, 0, s->data, tr_size(n));
	else
		err = bpf_skb_load_bytes(ctx, 0, s->data, tr_size(n));
	if (!err)
		tr_arm(s, now, len, n, xdp ? 0 : SG_STAT__INFO_START + 1);
	return 0;
}

__noinline int sg_trace_xdp_enter(struct xdp_md *ctx)
{
	return tr_enter(ctx, true);
}

__noinline int sg_trace_xdp_exit(struct xdp_md *ctx, __u32 action)
{
	struct sg_trace_scratch *s;
	struct sg_trace_rec *r;
	__u32 zero = 0, stat, len, n;
	__u64 info;

	s = bpf_map_lookup_elem(&trace_scratch, &zero);
	if (!ctx || !s || !s->armed)
		return 0;
	s->armed = 0;
	info = tr_rose(s, 0, &stat);
	r = tr_record(s, SG_TRACE_XDP, stat, info, action);
	if (r)
		bpf_ringbuf_submit(r, 0);
	if (action != XDP_TX)
		return 0;
	/* the SYN-ACK, as it leaves */
	len = sg_xdp_len(ctx);
	n = len > SG_TRACE_SNAP ? SG_TRACE_SNAP : len;
	r = tr_record(s, SG_TRACE_XDP_REPLY, SG_STAT__MAX, 0, action);
	if (!r)
		return 0;
	r->ts_ns = bpf_ktime_get_ns();
	r->len = len;
	r->caplen = n;
	if (!n || bpf_xdp_load_bytes(ctx, 0, r->data, tr_size(n)))
		r->caplen = 0;
	bpf_ringbuf_submit(r, 0);
	return 0;
}

__noinline int sg_trace_tc_enter(struct __sk_buff *skb)
{
	return tr_enter(skb, false);
}

/* A record only where synguard_tc completed a handshake, or failed to. */
__noinline int sg_trace_tc_exit(struct __sk_buff *skb, __u32 action)
{
	__u32 one = 1, stat;
	struct sg_trace_scratch *s = bpf_map_lookup_elem(&trace_scratch, &one);
	struct sg_trace_rec *r;
	__u64 info, done;

	if (!skb || !s || !s->armed)
		return 0;
	s->armed = 0;
	info = tr_rose(s, SG_STAT__INFO_START + 1, &stat);
#define TR_BIT(n) (1ull << (SG_STAT_INFO_##n - SG_STAT__INFO_START - 1))
	done = TR_BIT(HANDSHAKES) | TR_BIT(REQSK_FAILED) | TR_BIT(HANDOFFS) |
	       TR_BIT(HANDOFF_FAILED);
#undef TR_BIT
	if (!(info & done) && action != SG_TRACE_TC_SHOT)
		return 0;
	r = tr_record(s, SG_TRACE_TC, SG_STAT__MAX, info, action);
	if (r)
		bpf_ringbuf_submit(r, 0);
	return 0;
}

#endif /* SG_BPF_TRACE_H */
