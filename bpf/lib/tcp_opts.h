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

/* A Linux client's SYN options: MSS, SACK-permitted (or two NOPs),
 * timestamps, NOP, window scale. */
#define SG_TCPOPTS_LINUX_LEN	20

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
	struct sg_tcp_opts *r;	/* the result, in the caller's frame: 16
				 * bytes less on the cookie path's stack */
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
			w->r->mss = ((__u16)p[2] << 8) | p[3];
	} else if (kind == SG_TCPOPT_WSCALE && len == 3) {
		if ((void *)(p + 3) <= w->data_end)
			w->r->wscale = p[2] > 14 ? 14 : p[2];	/* RFC 7323 2.3 */
	} else if (kind == SG_TCPOPT_SACK_PERM && len == 2) {
		w->r->sack_ok = 1;
	} else if (kind == SG_TCPOPT_TIMESTAMP && len == 10) {
		if ((void *)(p + 10) <= w->data_end) {
			w->r->ts_ok = 1;
			w->r->tsval = ((__u32)p[2] << 24) | ((__u32)p[3] << 16) |
				     ((__u32)p[4] << 8) | p[5];
			w->r->tsecr = ((__u32)p[6] << 24) | ((__u32)p[7] << 16) |
				     ((__u32)p[8] << 8) | p[9];
		}
	}
	w->i = i + len;
	return 0;
}

/* Four option bytes at @p as one word, in the order memory holds them:
 * one load where byte loads would take four (x86 reads packet words at
 * any alignment, and the verifier does not insist on it there). */
static sg_always_inline __u32 sg_opt_word(const __u8 *p)
{
	return *(const __u32 *)p;
}

/* Option bytes, as sg_opt_word() holds them. */
#define SG_OPT_WORD(b0, b1, b2, b3) \
	bpf_htonl((__u32)(b0) << 24 | (__u32)(b1) << 16 | (__u32)(b2) << 8 | (__u32)(b3))
#define SG_OPT_HI16	SG_OPT_WORD(0xff, 0xff, 0, 0)
#define SG_OPT_LO16	SG_OPT_WORD(0, 0, 0xff, 0xff)
#define SG_OPT_HI24	SG_OPT_WORD(0xff, 0xff, 0xff, 0)

/*
 * The layouts Linux sends, matched in place without a walk, word by word: a
 * SYN's MSS | SACK-permitted or NOP NOP | Timestamps | NOP Window-scale
 * (20 bytes) and an ACK's NOP NOP Timestamps (12 bytes). False for
 * anything else.
 */
static sg_always_inline bool sg_tcp_opts_linux(const __u8 *o, void *data_end, __u32 len,
					       struct sg_tcp_opts *r)
{
	__u32 w0, w1, w4, ws;

	if (len == 12) {
		if ((void *)(o + 12) > data_end ||
		    sg_opt_word(o) != SG_OPT_WORD(SG_TCPOPT_NOP, SG_TCPOPT_NOP,
						  SG_TCPOPT_TIMESTAMP, 10))
			return false;
		r->ts_ok = 1;
		r->tsval = bpf_ntohl(sg_opt_word(o + 4));
		r->tsecr = bpf_ntohl(sg_opt_word(o + 8));
		return true;
	}
	if (len != 20 || (void *)(o + 20) > data_end)
		return false;
	w0 = sg_opt_word(o);
	w1 = sg_opt_word(o + 4);
	w4 = sg_opt_word(o + 16);
	if ((w0 & SG_OPT_HI16) != SG_OPT_WORD(SG_TCPOPT_MSS, 4, 0, 0) ||
	    (w1 & SG_OPT_LO16) != SG_OPT_WORD(0, 0, SG_TCPOPT_TIMESTAMP, 10) ||
	    (w4 & SG_OPT_HI24) != SG_OPT_WORD(SG_TCPOPT_NOP, SG_TCPOPT_WSCALE, 3, 0))
		return false;
	w1 &= SG_OPT_HI16;
	if (w1 == SG_OPT_WORD(SG_TCPOPT_SACK_PERM, 2, 0, 0))
		r->sack_ok = 1;
	else if (w1 != SG_OPT_WORD(SG_TCPOPT_NOP, SG_TCPOPT_NOP, 0, 0))
		return false;
	r->mss = bpf_ntohl(w0) & 0xffff;
	r->ts_ok = 1;
	r->tsval = bpf_ntohl(sg_opt_word(o + 8));
	r->tsecr = bpf_ntohl(sg_opt_word(o + 12));
	ws = bpf_ntohl(w4) & 0xff;
	r->wscale = ws > 14 ? 14 : ws;
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
	__builtin_memset(out, 0, sizeof(*out));
	out->wscale = SG_COOKIE_WSCALE_NONE;
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
	w.r = out;
	/* (the match writes nothing unless it matches) */
	if (w.len && !sg_tcp_opts_linux(w.base, w.data_end, w.len, out))
		bpf_loop(40, sg_tcp_opt_step, &w, 0);
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
