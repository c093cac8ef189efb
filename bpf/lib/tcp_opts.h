/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * TCP option parsing for SYNs (MSS, window scale, SACK permitted,
 * timestamps) and ACKs (timestamps). Linux's own layouts are matched in
 * place. Any other takes a walk, one bpf_loop() step per option, which
 * keeps the verifier's work independent of how options are arranged; a
 * malformed option list stops the walk and keeps what was found before it.
 */
#ifndef SG_BPF_TCP_OPTS_H
#define SG_BPF_TCP_OPTS_H

#include "common.h"

#define SG_TCPOPT_EOL		0
#define SG_TCPOPT_NOP		1
#define SG_TCPOPT_MSS		2
#define SG_TCPOPT_WSCALE	3
#define SG_TCPOPT_SACK_PERM	4
#define SG_TCPOPT_TIMESTAMP	8

/* What a SYN or ACK offered. */
struct sg_tcp_opts {
	__u16 mss;		/* 0: absent */
	__u8 wscale;		/* SG_COOKIE_WSCALE_NONE: absent */
	__u8 sack_ok;
	__u8 ts_ok;
	__u8 pad[3];
	__u32 tsval;		/* host order */
	__u32 tsecr;
};

/* Walk state: a masked index over a fixed base keeps the verifier's view of
 * the loop bounded, so its states converge after a few iterations. */
struct sg_opt_walk {
	__u8 *base;
	void *data_end;
	__u32 i;
	__u32 len;
	struct sg_tcp_opts r;
};

static long sg_tcp_opt_step(__u32 index, void *data)
{
	struct sg_opt_walk *w = data;
	__u32 i = w->i, len;
	__u8 *p, kind;

	if (i >= w->len)
		return 1;
	p = w->base + (i & 63);
	if ((void *)(p + 1) > w->data_end)
		return 1;
	kind = p[0];
	if (kind == SG_TCPOPT_EOL)
		return 1;
	if (kind == SG_TCPOPT_NOP) {
		w->i = i + 1;
		return 0;
	}
	if ((void *)(p + 2) > w->data_end)
		return 1;
	len = p[1];
	if (len < 2 || i + len > w->len)
		return 1;	/* malformed or truncated: stop */

	if (kind == SG_TCPOPT_MSS && len == 4) {
		if ((void *)(p + 4) <= w->data_end)
			w->r.mss = ((__u16)p[2] << 8) | p[3];
	} else if (kind == SG_TCPOPT_WSCALE && len == 3) {
		if ((void *)(p + 3) <= w->data_end)
			w->r.wscale = p[2] > 14 ? 14 : p[2];	/* RFC 7323 2.3 */
	} else if (kind == SG_TCPOPT_SACK_PERM && len == 2) {
		w->r.sack_ok = 1;
	} else if (kind == SG_TCPOPT_TIMESTAMP && len == 10) {
		if ((void *)(p + 10) <= w->data_end) {
			w->r.ts_ok = 1;
			w->r.tsval = ((__u32)p[2] << 24) | ((__u32)p[3] << 16) |
				     ((__u32)p[4] << 8) | p[5];
			w->r.tsecr = ((__u32)p[6] << 24) | ((__u32)p[7] << 16) |
				     ((__u32)p[8] << 8) | p[9];
		}
	}
	w->i = i + len;
	return 0;
}

static sg_always_inline __u32 sg_be32_at(const __u8 *p)
{
	return ((__u32)p[0] << 24) | ((__u32)p[1] << 16) | ((__u32)p[2] << 8) | p[3];
}

/*
 * The layouts Linux sends, matched in place without a walk: a SYN's
 * MSS | SACK-permitted or NOP NOP | Timestamps | NOP Window-scale (20 bytes)
 * and an ACK's NOP NOP Timestamps (12 bytes). False for anything else.
 */
static sg_always_inline bool sg_tcp_opts_linux(const __u8 *o, void *data_end, __u32 len,
					       struct sg_tcp_opts *r)
{
	if (len == 12) {
		if ((void *)(o + 12) > data_end || o[0] != SG_TCPOPT_NOP ||
		    o[1] != SG_TCPOPT_NOP || o[2] != SG_TCPOPT_TIMESTAMP || o[3] != 10)
			return false;
		r->ts_ok = 1;
		r->tsval = sg_be32_at(o + 4);
		r->tsecr = sg_be32_at(o + 8);
		return true;
	}
	if (len != 20 || (void *)(o + 20) > data_end)
		return false;
	if (o[0] != SG_TCPOPT_MSS || o[1] != 4 || o[6] != SG_TCPOPT_TIMESTAMP || o[7] != 10 ||
	    o[16] != SG_TCPOPT_NOP || o[17] != SG_TCPOPT_WSCALE || o[18] != 3)
		return false;
	if (o[4] == SG_TCPOPT_SACK_PERM && o[5] == 2)
		r->sack_ok = 1;
	else if (o[4] != SG_TCPOPT_NOP || o[5] != SG_TCPOPT_NOP)
		return false;
	r->mss = ((__u16)o[2] << 8) | o[3];
	r->ts_ok = 1;
	r->tsval = sg_be32_at(o + 8);
	r->tsecr = sg_be32_at(o + 12);
	r->wscale = o[19] > 14 ? 14 : o[19];
	return true;
}

/*
 * The options of the TCP header at @l4_off into @out. A global function so
 * that the verifier walks the option loop once, not once per caller state.
 */
__noinline int sg_tcp_opts_read(struct xdp_md *ctx, __u32 l4_off, struct sg_tcp_opts *out)
{
	struct sg_opt_walk w = {};
	struct tcphdr *tcp;
	void *data;

	if (!out)
		return -1;
	w.r.wscale = SG_COOKIE_WSCALE_NONE;
	*out = w.r;
	if (!ctx || l4_off > 0x3fff)
		return -1;
	data = (void *)(long)ctx->data;
	w.data_end = (void *)(long)ctx->data_end;
	tcp = data + l4_off;
	if ((void *)(tcp + 1) > w.data_end)
		return -1;
	w.base = (__u8 *)(tcp + 1);
	w.len = tcp->doff * 4;
	w.len = w.len > sizeof(*tcp) ? w.len - sizeof(*tcp) : 0;
	if (w.len && !sg_tcp_opts_linux(w.base, w.data_end, w.len, &w.r))
		bpf_loop(40, sg_tcp_opt_step, &w, 0);
	*out = w.r;
	return 0;
}

/*
 * The options of the TCP header @tcp (readable, at @l4_off) into @out:
 * Linux's layouts inline, any other through the walk.
 */
static sg_always_inline void sg_tcp_opts_get(struct xdp_md *ctx, const struct tcphdr *tcp,
					     void *data_end, __u32 l4_off,
					     struct sg_tcp_opts *out)
{
	__builtin_memset(out, 0, sizeof(*out));
	out->wscale = SG_COOKIE_WSCALE_NONE;
	if (!sg_tcp_opts_linux((__u8 *)(tcp + 1), data_end, tcp->doff * 4 - sizeof(*tcp), out))
		sg_tcp_opts_read(ctx, l4_off, out);
}

#endif /* SG_BPF_TCP_OPTS_H */
