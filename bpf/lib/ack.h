/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * ACKs to protected ports while cookies are on. An ACK that belongs to a
 * socket (established, request or time-wait) passes untouched. One that
 * reaches the listener must carry a valid synguard cookie, or one the
 * kernel issued itself; a valid synguard cookie is handed to the TC
 * program (as XDP metadata, or through handoff.h where the driver has
 * none), which completes the handshake natively.
 * The connection table (live.h) lets established flows' ACKs pass before
 * they get here; one from a source with no socket at all is judged by its
 * cookie without a socket lookup.
 */
#ifndef SG_BPF_ACK_H
#define SG_BPF_ACK_H

#include "common.h"
#include "cookie.h"
#include "handoff.h"
#include "parse.h"
#include "limits.h"
#include "live.h"
#include "peers.h"
#include "stats.h"
#include "tcp_opts.h"

static sg_always_inline struct bpf_sock *sg_lookup(void *ctx, const struct sg_pkt *pkt)
{
	struct bpf_sock_tuple t = {};

	if (pkt->ip4) {
		t.ipv4.saddr = pkt->ip4->saddr;
		t.ipv4.daddr = pkt->ip4->daddr;
		t.ipv4.sport = pkt->tcp->source;
		t.ipv4.dport = pkt->tcp->dest;
		return bpf_skc_lookup_tcp(ctx, &t, sizeof(t.ipv4), BPF_F_CURRENT_NETNS, 0);
	}
	if (!pkt->ip6)
		return NULL;
	__builtin_memcpy(t.ipv6.saddr, &pkt->ip6->saddr, 16);
	__builtin_memcpy(t.ipv6.daddr, &pkt->ip6->daddr, 16);
	t.ipv6.sport = pkt->tcp->source;
	t.ipv6.dport = pkt->tcp->dest;
	return bpf_skc_lookup_tcp(ctx, &t, sizeof(t.ipv6), BPF_F_CURRENT_NETNS, 0);
}

/* The address the listener @sk is bound to, folded as sg_peer_daddr()
 * folds a packet's (0: any address). */
static sg_always_inline __u32 sg_listener_bound(const struct bpf_sock *sk,
						const struct sg_pkt *pkt)
{
	if (pkt->ip4)
		return sk->src_ip4;
	return sk->src_ip6[0] ^ sk->src_ip6[1] ^ sk->src_ip6[2] ^ sk->src_ip6[3];
}

/*
 * Should synguard answer this SYN? Only if it reaches the listener. When a
 * socket already owns the 4-tuple (a TIME-WAIT the client is reusing, a
 * handshake the kernel answered and is waiting on, an established
 * connection) or nothing listens, the kernel decides, as it would without
 * synguard: a cookie would be answered by an ACK only that socket sees.
 * A source with no recent socket (peers.h) needs no lookup to know.
 */
static sg_always_inline bool sg_syn_answerable(void *ctx, const struct sg_pkt *pkt)
{
	struct sg_peers *peers = sg_peers();
	__u32 slot = sg_peer_slot(pkt);
	__u32 port = sg_peer_port(pkt), bound = 0;
	__u16 now = sg_peer_now();
	struct bpf_sock *sk;
	bool listener;

	if (peers && sg_peer_unknown(peers, pkt, slot, port, now)) {
		sg_count(SG_STAT_INFO_SYN_NO_LOOKUP, 0);
		return true;
	}
	sk = sg_lookup(ctx, pkt);
	if (!sk) {
		listener = false;
	} else {
		listener = sk->state == BPF_TCP_LISTEN;
		if (listener)
			bound = sg_listener_bound(sk, pkt);
		bpf_sk_release(sk);
	}
	if (peers) {
		if (listener)
			sg_peer_listener(peers, port, bound, now);
		else
			sg_peer_mark(peers, slot, now);	/* the kernel takes this SYN */
	}
	return listener;
}

/* Did the kernel's own SYN cookies (sent while it answered SYNs itself)
 * produce this ACK? */
static sg_always_inline bool sg_kernel_cookie_ok(struct bpf_sock *sk, const struct sg_pkt *pkt)
{
	struct tcphdr *tcp = pkt->tcp;
	struct ipv6hdr *ip6 = pkt->ip6;
	struct iphdr *ip4 = pkt->ip4;

	if (!tcp || (void *)(tcp + 1) > pkt->data_end)
		return false;
	if (ip4) {
		if ((void *)(ip4 + 1) > pkt->data_end)
			return false;
		return bpf_tcp_check_syncookie(sk, ip4, sizeof(*ip4), tcp, sizeof(*tcp)) == 0;
	}
	if (!ip6 || (void *)(ip6 + 1) > pkt->data_end)
		return false;
	return bpf_tcp_check_syncookie(sk, ip6, sizeof(*ip6), tcp, sizeof(*tcp)) == 0;
}

/* A RST while out-of-state filtering is on: it must belong to a socket
 * other than a listener (established, request, time-wait). */
static sg_always_inline __u32 sg_rst_verdict(struct xdp_md *ctx, const struct sg_pkt *pkt)
{
	struct bpf_sock *sk = sg_lookup(ctx, pkt);
	bool listener;

	if (!sk)
		return SG_STAT_DROP_RST_NO_SOCKET;
	listener = sk->state == BPF_TCP_LISTEN;
	bpf_sk_release(sk);
	return listener ? SG_STAT_DROP_RST_NO_SOCKET : SG_STAT_PASS_TCP;
}

/*
 * Might this ACK carry a cookie of the kernel's? Only for a while after
 * attach (cfg->kcookie_until), if the kernel had sent cookies before: the
 * sources of those SYNs were never seen. Checked without a socket.
 */
static sg_always_inline bool sg_kernel_cookie_window(const struct sg_config *cfg)
{
	return cfg->kcookie_until && bpf_ktime_get_coarse_ns() < cfg->kcookie_until;
}

static sg_always_inline bool sg_kernel_cookie_maybe(const struct sg_config *cfg,
						    const struct sg_pkt *pkt)
{
	struct tcphdr *tcp = pkt->tcp;
	struct ipv6hdr *ip6 = pkt->ip6;
	struct iphdr *ip4 = pkt->ip4;

	if (!sg_kernel_cookie_window(cfg))
		return false;
	if (!tcp || (void *)(tcp + 1) > pkt->data_end)
		return false;
	if (ip4)
		return (void *)(ip4 + 1) <= pkt->data_end &&
		       bpf_tcp_raw_check_syncookie_ipv4(ip4, tcp) == 0;
	return ip6 && (void *)(ip6 + 1) <= pkt->data_end &&
	       bpf_tcp_raw_check_syncookie_ipv6(ip6, tcp) == 0;
}

/* A valid synguard cookie ACK: within the source's handshake limit, it is
 * handed to synguard_tc in the frame's metadata, or through handoff_map
 * where the driver gives XDP no metadata room. */
static sg_always_inline __u32 sg_cookie_ack_pass(struct xdp_md *ctx, struct sg_pkt *pkt,
						 const struct sg_config *cfg,
						 const struct sg_flow *f, __u32 data,
						 struct sg_peers *peers, __u32 slot, __u16 now)
{
	struct tcphdr *tcp = pkt->tcp;
	struct sg_tcp_opts o;
	struct sg_meta *meta;
	struct sg_meta m;

	if (sg_limit_handshake(pkt, cfg, bpf_jiffies64(), sg_hz()))
		return SG_STAT_DROP_HANDSHAKE_RATE_LIMITED;
	/* Its connection is about to exist: sockops counts it once it does,
	 * and without sockops the mark stands for it. */
	if (peers && !(cfg->flags & SG_CFG_LIVE))
		sg_peer_mark(peers, slot, now);

	sg_tcp_opts_get(ctx, tcp, pkt->data_end, pkt->l4_off, &o);
	m.magic = SG_META_MAGIC;
	/* the cookie's data bits, as sg_cookie_data() wrote them */
	m.mss = sg_mss_from_index(f->family, data >> SG_COOKIE_MSS_SHIFT);
	m.snd_wscale = (data >> SG_COOKIE_WSCALE_SHIFT) & SG_COOKIE_WSCALE_NONE;
	m.flags = (m.snd_wscale != SG_COOKIE_WSCALE_NONE ? SG_META_WSCALE_OK : 0) |
		  (data & SG_COOKIE_SACK ? SG_META_SACK_OK : 0) |
		  (data & SG_COOKIE_ECN ? SG_META_ECN_OK : 0) | (o.ts_ok ? SG_META_TSTAMP_OK : 0);
	if (m.snd_wscale == SG_COOKIE_WSCALE_NONE)
		m.snd_wscale = 0;
	m.tsval = o.tsval;
	m.tsecr = o.tsecr;

	if (sg_handoff_meta_first()) {
		if (!bpf_xdp_adjust_meta(ctx, -(int)sizeof(m))) {
			meta = (void *)(long)ctx->data_meta;
			if ((void *)(meta + 1) > (void *)(long)ctx->data)
				return SG_STAT_PASS_TCP;	/* cannot happen */
			*meta = m;
			return SG_STAT_PASS_COOKIE_ACK;
		}
		sg_handoff_learn();	/* this ACK and all after it: the map */
	}
	if (sg_handoff_put(ctx, (f->family == 6 ? SG_HANDOFF_V6 : 0) | (__u32)pkt->l3_off << 16 |
			   pkt->l4_off, (__u32)m.mss << 16 | (__u32)m.snd_wscale << 8 | m.flags,
			   m.tsval, m.tsecr))
		return SG_STAT_PASS_TCP;
	return SG_STAT_PASS_COOKIE_ACK;
}

/*
 * An ACK: @oos drops one that matches no socket at all. Where sockops
 * counts the live sockets (SG_CFG_LIVE) and the source's slot has none and
 * no recent mark, nothing but the listener can own the ACK: only its
 * cookie is checked, without a socket lookup.
 */
static sg_always_inline __u32 sg_ack_verdict(struct xdp_md *ctx, struct sg_pkt *pkt,
					     const struct sg_config *cfg, bool oos)
{
	struct sg_peers *peers = sg_peers();
	__u32 slot = sg_peer_slot(pkt), verdict, data = 0;
	__u32 port = sg_peer_port(pkt);
	__u16 now = sg_peer_now();
	struct tcphdr *tcp;
	struct bpf_sock *sk;
	struct sg_flow f;

	if ((cfg->flags & SG_CFG_LIVE) && peers &&
	    sg_peer_unknown(peers, pkt, slot, port, now)) {
		sg_count(SG_STAT_INFO_ACK_NO_LOOKUP, 0);
		tcp = pkt->tcp;
		sg_flow_from_pkt(pkt, &f);
		verdict = sg_cookie_check(&f, bpf_ntohl(tcp->seq) - 1,
					  bpf_ntohl(tcp->ack_seq) - 1, cfg->key_shift, &data);
		if (!verdict)
			return sg_cookie_ack_pass(ctx, pkt, cfg, &f, data, peers, slot, now);
		if (!sg_kernel_cookie_maybe(cfg, pkt))
			return verdict;
		/* the kernel's, maybe: its listener decides, below */
	}

	sk = sg_lookup(ctx, pkt);
	if (!sk)	/* no socket: dropped, or the kernel resets it */
		return oos ? SG_STAT_DROP_ACK_NO_SOCKET : SG_STAT_PASS_TCP;
	if (sk->state != BPF_TCP_LISTEN) {
		bpf_sk_release(sk);
		if (peers)
			sg_peer_mark(peers, slot, now);
		return SG_STAT_PASS_TCP;
	}
	if (peers)
		sg_peer_listener(peers, port, sg_listener_bound(sk, pkt), now);

	tcp = pkt->tcp;
	sg_flow_from_pkt(pkt, &f);
	verdict = sg_cookie_check(&f, bpf_ntohl(tcp->seq) - 1, bpf_ntohl(tcp->ack_seq) - 1,
				  cfg->key_shift, &data);
	if (verdict) {
		if (sg_kernel_cookie_ok(sk, pkt))
			verdict = SG_STAT_PASS_KERNEL_COOKIE_ACK;
		bpf_sk_release(sk);
		if (verdict != SG_STAT_PASS_KERNEL_COOKIE_ACK)
			return verdict;
		if (sg_limit_handshake(pkt, cfg, bpf_jiffies64(), sg_hz()))
			return SG_STAT_DROP_HANDSHAKE_RATE_LIMITED;
		if (peers)
			sg_peer_mark(peers, slot, now);
		return verdict;
	}
	bpf_sk_release(sk);
	return sg_cookie_ack_pass(ctx, pkt, cfg, &f, data, peers, slot, now);
}

#endif /* SG_BPF_ACK_H */
