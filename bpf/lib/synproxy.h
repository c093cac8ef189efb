/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The SYNPROXY completion (sg_config.completion == SG_COMPLETION_SYNPROXY):
 * a SYN is answered with the kernel's own cookie, the client's MSS in the
 * ISN and its other options in the low bits of the TSval as netfilter
 * SYNPROXY encodes them, so that SYNPROXY (synguard's nftables table)
 * accepts the ACK and opens the connection to the server, local or behind
 * a gateway. An ACK or RST of a flow conntrack knows passes; any other ACK
 * must carry a cookie the kernel's own check accepts, or dies here as it
 * would in SYNPROXY, before conntrack or SYNPROXY spend anything on it.
 */
#ifndef SG_BPF_SYNPROXY_H
#define SG_BPF_SYNPROXY_H

#include "common.h"
#include "handshakes.h"
#include "clock.h"
#include "cookie.h"
#include "limits.h"
#include "parse.h"
#include "stats.h"
#include "tcp_opts.h"

/* nf_conntrack's kfuncs (Linux 5.18; the module must be loaded, and
 * attach loads it). */
extern struct nf_conn *bpf_xdp_ct_lookup(struct xdp_md *ctx, struct bpf_sock_tuple *tuple,
					 __u32 tuple__sz, struct bpf_ct_opts *opts,
					 __u32 opts__sz) __ksym;
extern void bpf_ct_release(struct nf_conn *ct) __ksym;

/* struct bpf_ct_opts as Linux 6.1 knows it (netns_id, error, l4proto,
 * dir, reserved[2]): later kernels take this size too. */
#define SG_CT_OPTS_SZ 12

static sg_always_inline bool sg_synproxy_on(const struct sg_config *cfg)
{
	return cfg->completion == SG_COMPLETION_SYNPROXY;
}

/* SYNPROXY masks the options a SYN-ACK offers as it does: without
 * timestamps there is nowhere to keep window scale and SACK, so neither
 * is offered, and ECN is never negotiated (nft's synproxy statement has
 * no flag for it). */
static sg_always_inline void sg_synproxy_opts(struct sg_tcp_opts *c)
{
	if (!c->ts_ok) {
		c->wscale = SG_COOKIE_WSCALE_NONE;
		c->sack_ok = 0;
	}
}

/* The SYN-ACK's TSval: its low bits carry the client's window scale
 * (SG_SYNPROXY_TS_WSCALE: none) and SACK, as SYNPROXY reads them, and the
 * bits above the millisecond clock, so that the ACK's echo tells the
 * handshake's RTT. SYNPROXY offsets the server's TSvals to continue from
 * it, so its rate is the client's to see only in the SYN-ACK. */
static sg_always_inline __u32 sg_synproxy_tsval(const struct sg_tcp_opts *c)
{
	__u32 ws = c->wscale > 14 ? SG_SYNPROXY_TS_WSCALE : c->wscale;

	return (sg_now_ms() << SG_SYNPROXY_TS_BITS) | ws | (c->sack_ok ? SG_SYNPROXY_TS_SACK : 0);
}

/* The RTT of the handshake the ACK in @pkt completes, from its echo of
 * sg_synproxy_tsval(), when it carries Linux's NOP NOP Timestamps. */
static sg_always_inline __u32 sg_synproxy_rtt_us(const struct sg_pkt *pkt)
{
	struct sg_tcp_opts o = {};
	__u8 *opts = (__u8 *)(pkt->tcp + 1);

	if (pkt->tcp->doff != 8 || !sg_tcp_opts_linux(opts, pkt->data_end, 12, &o))
		return SG_HS_NO_RTT;
	/* the clock's low 26 bits are what the shift kept */
	return sg_hs_rtt_us((sg_now_ms() - (o.tsecr >> SG_SYNPROXY_TS_BITS)) &
			    (~0u >> SG_SYNPROXY_TS_BITS));
}

/*
 * The kernel's cookie for the SYN whose IP header is at @l3 (of @family)
 * and TCP header at @tcp, @tcp_len bytes (its doff's, 20-60) readable;
 * *@ok is false where the helper refuses it.
 */
static sg_always_inline __u32 sg_synproxy_cookie(void *l3, struct tcphdr *tcp, __u32 tcp_len,
						 __u8 family, bool *ok)
{
	__s64 r;

	if (family == 4)
		r = bpf_tcp_raw_gen_syncookie_ipv4(l3, tcp, tcp_len);
	else
		r = bpf_tcp_raw_gen_syncookie_ipv6(l3, tcp, tcp_len);
	*ok = r >= 0;
	return (__u32)r;
}

/* Does conntrack hold a connection of @pkt's 4-tuple (either way)? */
static sg_always_inline bool sg_ct_known(struct xdp_md *ctx, const struct sg_pkt *pkt)
{
	struct bpf_ct_opts opts = {};
	struct bpf_sock_tuple t = {};
	struct nf_conn *ct;
	__u32 len;

	/* field by field: an initialiser becomes a constant in .rodata.cst16 */
	opts.netns_id = -1; /* BPF_F_CURRENT_NETNS */
	opts.l4proto = SG_IPPROTO_TCP;
	if (pkt->ip4) {
		t.ipv4.saddr = pkt->ip4->saddr;
		t.ipv4.daddr = pkt->ip4->daddr;
		t.ipv4.sport = pkt->tcp->source;
		t.ipv4.dport = pkt->tcp->dest;
		len = sizeof(t.ipv4);
	} else if (pkt->ip6) {
		__builtin_memcpy(t.ipv6.saddr, &pkt->ip6->saddr, 16);
		__builtin_memcpy(t.ipv6.daddr, &pkt->ip6->daddr, 16);
		t.ipv6.sport = pkt->tcp->source;
		t.ipv6.dport = pkt->tcp->dest;
		len = sizeof(t.ipv6);
	} else {
		return false;
	}
	ct = bpf_xdp_ct_lookup(ctx, &t, len, &opts, SG_CT_OPTS_SZ);
	if (!ct)
		return false;
	bpf_ct_release(ct);
	return true;
}

/* Does the ACK in @pkt carry a cookie of the kernel's that has not
 * expired? */
static sg_always_inline bool sg_synproxy_cookie_ok(const struct sg_pkt *pkt)
{
	struct tcphdr *tcp = pkt->tcp;

	if (!tcp || (void *)(tcp + 1) > pkt->data_end)
		return false;
	if (pkt->ip4)
		return (void *)(pkt->ip4 + 1) <= pkt->data_end &&
		       bpf_tcp_raw_check_syncookie_ipv4(pkt->ip4, tcp) == 0;
	return pkt->ip6 && (void *)(pkt->ip6 + 1) <= pkt->data_end &&
	       bpf_tcp_raw_check_syncookie_ipv6(pkt->ip6, tcp) == 0;
}

/*
 * An ACK while cookies check ACKs: a flow conntrack knows passes; one with
 * a valid cookie goes on to SYNPROXY, within its source's handshake
 * limit; any other is dropped, as SYNPROXY would drop it.
 */
static sg_always_inline __u32 sg_synproxy_ack_verdict(struct xdp_md *ctx, struct sg_pkt *pkt,
						      const struct sg_config *cfg)
{
	if (sg_ct_known(ctx, pkt))
		return SG_STAT_PASS_TCP;
	if (!sg_synproxy_cookie_ok(pkt))
		return SG_STAT_DROP_COOKIE_BAD;
	if (sg_limit_handshake(pkt, cfg, bpf_jiffies64(), sg_hz()))
		return SG_STAT_DROP_HANDSHAKE_RATE_LIMITED;
	sg_count_handshake(pkt, sg_synproxy_rtt_us(pkt));
	return SG_STAT_PASS_COOKIE_ACK;
}

/* A RST while out-of-state filtering is on: it must belong to a flow
 * conntrack knows. */
static sg_always_inline __u32 sg_synproxy_rst_verdict(struct xdp_md *ctx, struct sg_pkt *pkt)
{
	return sg_ct_known(ctx, pkt) ? SG_STAT_PASS_TCP : SG_STAT_DROP_RST_NO_SOCKET;
}

#endif /* SG_BPF_SYNPROXY_H */
