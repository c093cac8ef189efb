// SPDX-License-Identifier: GPL-2.0-only
/*
 * synguard's programs.
 *
 * synguard_xdp classifies every packet once: malformed frames and impossible
 * TCP flag combinations aimed at protected ports are dropped; with cookies
 * on (always, or in auto mode while the SYN rate says attack), SYNs to
 * protected ports are answered in place with a SYN-ACK carrying
 * synguard's cookie (XDP_TX), and ACKs reaching a listener must carry a
 * valid cookie. Each packet is accounted to exactly one per-CPU counter.
 * The SYNs a flood is made of (IPv4 or IPv6, untagged or with one VLAN
 * tag, Linux's options, from sources with nothing here) take a path of
 * their own, sg_syn_fast*(), answered in place; so do untagged ACKs
 * (sg_ack_fast*(), judged by their cookie alone) while cookies check ACKs,
 * and there an established IPv4 connection's ACK the table knows passes at
 * once. Each fast path is one body specialised by constant family and tag
 * count. Every other packet to a protected port takes
 * sg_tcp_verdict() and, where cookies apply, sg_cookie_path().
 *
 * synguard_tc (TC ingress) completes the handshakes XDP validated.
 *
 * synguard_sockops (root cgroup) counts the live sockets, so that ACKs
 * from sources with none skip the socket lookup.
 */
#include "lib/common.h"
#include "lib/maps.h"
#include "lib/stats.h"
#include "lib/parse.h"
#include "lib/ports.h"
#include "lib/tcp_flags.h"
#include "lib/events.h"
#include "lib/synack.h"
#include "lib/ack.h"
#include "lib/reqsk.h"
#include "lib/adaptive.h"
#include "lib/lists.h"
#include "lib/limits.h"
#include "lib/live.h"
#include "lib/rtt.h"
#include "lib/synproxy.h"
#include "lib/sanity.h"
#include "lib/verdict.h"
#include "lib/trace.h"

#define SG_KIND_ACK	0
#define SG_KIND_SYN	1
#define SG_KIND_RST	2
#define SG_KIND_OTHER	3

/*
 * SYNs and ACKs to protected ports while cookies are on. A global function:
 * the verifier checks it once, not once per parse path. It rebuilds its own
 * packet pointers, and sends its own drop events since the caller's
 * pointers are stale once it has resized the frame.
 */
__noinline int sg_cookie_path(struct xdp_md *ctx, const struct sg_pkt_loc *loc)
{
	struct sg_config *cfg = &sg_cfg;
	struct sg_pkt pkt;
	__u32 verdict;
	__u8 flags;

	if (!ctx || !loc)
		return SG_STAT_PASS_TCP;
	if (!sg_pkt_from_loc((void *)(long)ctx->data, (void *)(long)ctx->data_end, loc, &pkt))
		return SG_STAT_PASS_TCP;
	/* Forget how the pointers were derived: the compiler would otherwise
	 * test one (ip4) where the code reads another (ip6), which the
	 * verifier cannot follow. */
	asm volatile("" : "+m"(pkt.ip4), "+m"(pkt.ip6));
	flags = SG_TCP_FLAGS(pkt.tcp) & (SG_TCP_SYN | SG_TCP_RST | SG_TCP_ACK);
	if (flags == SG_TCP_SYN) {
		__u32 slot = sg_peer_slot(&pkt);	/* sg_synack() clears pkt */

		/* SYNPROXY answers every SYN the kernel gets, whatever owns
		 * its 4-tuple: so does synguard in its place. */
		verdict = sg_synproxy_on(cfg) || sg_syn_answerable(ctx, &pkt)
				  ? sg_synack(ctx, &pkt, cfg)
				  : SG_STAT_PASS_SYN;
		/* A SYN synguard could not answer goes to the kernel, which may
		 * make a request socket or a cookie of it: its source is marked,
		 * as for any SYN the kernel takes, so that its ACK is looked up. */
		if (verdict == SG_STAT_PASS_SYNACK_FALLBACK)
			sg_peer_mark_slot(slot);
	} else if (flags & SG_TCP_RST) {
		verdict = sg_synproxy_on(cfg) ? sg_synproxy_rst_verdict(ctx, &pkt)
					      : sg_rst_verdict(ctx, &pkt);
	} else if (sg_synproxy_on(cfg)) {
		verdict = sg_synproxy_ack_verdict(ctx, &pkt, cfg);
	} else {
		verdict = sg_ack_verdict(ctx, &pkt, cfg, loc->act & SG_ACT_OOS);
	}
	if (SG_STAT_IS_DROP(verdict))
		sg_event_drop(ctx, &pkt, verdict, false);
	return verdict;
}

/*
 * --cookies auto, for a SYN: SG_ACT_COOKIES if cookies are engaged. A SYN
 * left to the kernel marks its source in peers (slot @slot), since the
 * kernel may make a socket of it. A global function: the verifier checks
 * it once.
 */
__noinline int sg_adaptive(__u32 slot)
{
	__u64 now = bpf_jiffies64(), hz = sg_hz();
	struct sg_syn_rate *r;
	struct sg_peers *p;
	__u32 zero = 0;

	r = bpf_map_lookup_elem(&syn_rate_map, &zero);
	if (!r)
		return 0;
	if (sg_adaptive_syn(r, &sg_attack, &sg_cfg, now, hz))
		return SG_ACT_COOKIES;
	p = sg_peers();
	if (p)
		sg_peer_mark(p, slot, sg_peer_now());
	return 0;
}

/*
 * A SYN when nothing but an answer is wanted: a SG_SYN_LINUX_LEN frame of
 * @family with @vlan tags (constants: no IP options or extension headers,
 * no fragment, no payload) with the SYN flag alone, Linux's option
 * layout, no allow/deny list or SYN limit to apply, and a source that
 * peers says has no socket here, to a port and address whose listener was
 * seen a moment ago. Such a SYN is answered in place
 * (sg_synack_in_place()), without the general path's bookkeeping: the
 * flood's SYNs look like this. Returns the packet's counter, or 0 for the
 * general path (decided before anything is counted or marked).
 */
static sg_always_inline int sg_syn_fast_body(struct xdp_md *ctx, const int family, const int vlan)
{
	const __u32 len = SG_SYN_LINUX_LEN(family, vlan);
	struct sg_config *cfg = &sg_cfg;
	struct sg_tcp_opts c = { .wscale = SG_COOKIE_WSCALE_NONE };
	struct sg_peers *p = sg_peers();
	struct ipv6hdr *ip6 = NULL;
	struct iphdr *ip = NULL;
	struct tcphdr *tcp;
	struct sg_flow f;
	__u32 slot, cookie, isn, port, daddr;
	void *data, *end, *l3;
	bool ok;

	if (!ctx || !p)
		return 0;
	data = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	if (data + len > end)
		return 0;
	/* the length exactly; hidden from the compiler, which would fold the
	 * two tests into one the verifier draws no bound from */
	asm volatile("" : "+r"(end));
	if (end - data != len)
		return 0;
	l3 = data + SG_SYN_LINUX_L3(vlan);
	if (vlan) {
		struct sg_vlan_hdr *vh = data + sizeof(struct ethhdr);

		if (((struct ethhdr *)data)->h_proto != bpf_htons(ETH_P_8021Q) ||
		    vh->proto != bpf_htons(family == 4 ? ETH_P_IP : ETH_P_IPV6))
			return 0;
	} else if (family == 6 && ((struct ethhdr *)data)->h_proto != bpf_htons(ETH_P_IPV6)) {
		return 0;
	}
	if (family == 4) {
		ip = l3;
		tcp = (void *)(ip + 1);
		/* untagged, synguard_xdp found version, IHL and protocol */
		if (vlan && (*(__u8 *)ip != 0x45 || ip->protocol != SG_IPPROTO_TCP))
			return 0;
		if (ip->tot_len != bpf_htons(SG_SYN4_LINUX_IP_LEN) ||
		    (ip->frag_off & bpf_htons(SG_IP_MF | SG_IP_OFFSET)))
			return 0;
	} else {
		ip6 = l3;
		tcp = (void *)(ip6 + 1);
		if ((*(__u8 *)ip6 >> 4) != 6 || ip6->nexthdr != SG_IPPROTO_TCP ||
		    ip6->payload_len != bpf_htons(SG_SYN_LINUX_TCP_LEN))
			return 0;
	}
	if (SG_TCP_DOFF_BYTE(tcp) != (SG_SYN_LINUX_TCP_LEN / 4) << 4 ||
	    SG_TCP_FLAGS(tcp) != SG_TCP_SYN ||
	    !sg_tcp_opts_linux((__u8 *)(tcp + 1), end, SG_TCPOPTS_LINUX_LEN, &c))
		return 0;
	/* the untagged IPv4 frame's caller checked its header */
	if (family == 4 && vlan && (!sg_ip4_csum_ok(ip, 5) || sg_addr4_verdict(data, ip)))
		return 0;
	if (family == 6 && sg_addr6_verdict(data, ip6))
		return 0;
	/* the source's slot, the listener's index and address, as peers.h
	 * derives them from any packet */
	if (family == 4) {
		slot = sg_peer_slot4(ip->saddr) & SG_PEER_MASK;
		port = bpf_ntohs(tcp->dest);
		daddr = ip->daddr;
	} else {
		const __u32 *a = ip6->daddr.in6_u.u6_addr32;

		slot = sg_peer_slot6(ip6->saddr.in6_u.u6_addr32) & SG_PEER_MASK;
		port = bpf_ntohs(tcp->dest) | 1u << 16;
		daddr = a[0] ^ a[1] ^ a[2] ^ a[3];
	}
	/* SYNPROXY answers a SYN whatever owns its 4-tuple (sg_cookie_path()) */
	if (!sg_synproxy_on(cfg) && !sg_peer_unknown_at(p, slot, port, daddr, sg_peer_now()))
		return 0;
	if (cfg->cookie_mode == SG_COOKIES_AUTO && !sg_adaptive(slot))
		return SG_STAT_PASS_SYN;	/* the source is marked */
	if (!sg_synproxy_on(cfg))
		sg_count(SG_STAT_INFO_SYN_NO_LOOKUP, 0);

	if (family == 4)
		sg_flow4(&f, ip, tcp);
	else
		sg_flow6(&f, ip6, tcp);
	isn = bpf_ntohl(tcp->seq);
	/* no ECN: the SYN has no flag but SYN */
	if (sg_synproxy_on(cfg))
		cookie = sg_synproxy_cookie(l3, tcp, SG_SYN_LINUX_TCP_LEN, family, &ok);
	else
		cookie = sg_cookie_make(&f, isn, sg_cookie_data(family, &c, false), cfg->key_shift,
					&ok);
	if (!ok) {
		sg_peer_mark_slot(slot);
		return SG_STAT_PASS_SYNACK_FALLBACK;
	}
	data = (void *)(long)ctx->data;
	if (data + len > (void *)(long)ctx->data_end)
		return SG_STAT_PASS_SYNACK_FALLBACK;	/* cannot happen: checked above */
	sg_synack_in_place(data, family, vlan, &f, isn, &c, cookie, cfg);
	return SG_STAT_TX_SYNACK;
}

/* sg_syn_fast_body() for each framing it takes. Global functions: the
 * verifier checks each once, and synguard_xdp's own stack stays as small
 * as its calls need. */
__noinline int sg_syn_fast(struct xdp_md *ctx)
{
	return sg_syn_fast_body(ctx, 4, 0);
}

__noinline int sg_syn_fast6(struct xdp_md *ctx)
{
	return sg_syn_fast_body(ctx, 6, 0);
}

__noinline int sg_syn_fast_vlan(struct xdp_md *ctx)
{
	return sg_syn_fast_body(ctx, 4, 1);
}

__noinline int sg_syn_fast6_vlan(struct xdp_md *ctx)
{
	return sg_syn_fast_body(ctx, 6, 1);
}

/* Which of the other SYN fast paths could take this frame, by its length
 * and EtherType alone: 0 for none. */
static sg_always_inline __u32 sg_syn_fast_other(void *data, void *data_end)
{
	__u32 len = data_end - data;
	__be16 proto;

	if (data + sizeof(struct ethhdr) > data_end)
		return 0;
	proto = ((struct ethhdr *)data)->h_proto;
	if (len == SG_SYN_LINUX_LEN(6, 0) && proto == bpf_htons(ETH_P_IPV6))
		return 6;
	if (proto != bpf_htons(ETH_P_8021Q))
		return 0;
	if (len == SG_SYN_LINUX_LEN(4, 1))
		return 4 | 1 << 8;
	if (len == SG_SYN_LINUX_LEN(6, 1))
		return 6 | 1 << 8;
	return 0;
}

/* Do cookies check ACKs, with the live sockets counted and no list that
 * could decide first? Then sg_ack_fast() may judge an ACK. */
static sg_always_inline bool sg_ack_fast_on(void)
{
	__u32 mode = sg_cfg.cookie_mode;

	return (mode == SG_COOKIES_ALWAYS || (mode == SG_COOKIES_AUTO && sg_attack.active_since)) &&
	       (sg_cfg.flags & SG_CFG_LIVE) && !sg_cfg.lists && !sg_synproxy_on(&sg_cfg);
}

/* Does the common frame's TCP packet at @ip pass the general path's
 * length, fragment and header-length checks (sg_parse_tcp_len() and
 * sg_tcp_verdict())? */
static sg_always_inline bool sg_common_ack_sound(const struct iphdr *ip, const struct tcphdr *tcp,
						 void *data_end)
{
	__u32 tot_len = sg_ntohs(ip->tot_len);

	return tot_len >= sizeof(*ip) + sizeof(*tcp) && tot_len <= data_end - (void *)ip &&
	       !(ip->frag_off & bpf_htons(SG_IP_MF | SG_IP_OFFSET)) && tcp->doff >= 5 &&
	       tcp->doff * 4 <= tot_len - sizeof(*ip);
}

#define SG_ACK_FAST	1	/* sg_common_ack(): for sg_ack_fast() */
#define SG_ACK_KNOWN	2	/* sg_common_ack(): a connection the table knows */

/*
 * The common frame's ACK (PSH aside) while sg_ack_fast_on(): SG_ACK_KNOWN
 * for a packet of a connection the table knows, SG_ACK_FAST for one from a
 * source with nothing here, or 0 for the general path. The general path's
 * length and fragment checks come first, so that a packet failing them
 * gets its verdict there.
 */
static sg_always_inline __u32 sg_common_ack(void *data, void *data_end)
{
	struct iphdr *ip = data + sizeof(struct ethhdr);
	struct tcphdr *tcp = (void *)(ip + 1);
	struct sg_peers *p;
	__u32 slot;

	if (!sg_common_ack_sound(ip, tcp, data_end))
		return 0;
	p = sg_peers();
	if (!p)
		return 0;
	slot = sg_peer_slot4(ip->saddr) & SG_PEER_MASK;
	if (!sg_peer_busy_bit(p, slot))
		return SG_ACK_FAST;
	return p->live[slot] && sg_live_conn_known(ip->saddr, ip->daddr, tcp->source, tcp->dest) ?
	       SG_ACK_KNOWN : 0;
}

/* --cookies auto, for an ACK or RST (@kind): the shared state, inlined. */
static sg_always_inline __u32 sg_adaptive_act(const struct sg_config *cfg, __u32 kind)
{
	struct sg_attack *a = &sg_attack;
	__u32 act = 0;

	if (cfg->out_of_state == SG_OOS_ALWAYS ||
	    (cfg->out_of_state == SG_OOS_ATTACK && a->active_since))
		act |= SG_ACT_OOS;
	if (kind == SG_KIND_ACK && (a->active_since || a->ended_at) &&
	    sg_adaptive_acks(a, bpf_jiffies64(), sg_hz()))
		act |= SG_ACT_COOKIES;
	return act;
}

/*
 * The common frame: untagged IPv4 without options, with room for a TCP
 * header. Most packets a host receives are such frames; synguard_xdp takes
 * them at fixed offsets, on a path of their own.
 */
static sg_always_inline bool sg_common_frame(void *data, void *data_end)
{
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);

	return (void *)ip + sizeof(*ip) + sizeof(struct tcphdr) <= data_end &&
	       eth->h_proto == bpf_htons(ETH_P_IP) &&
	       *(__u8 *)ip == 0x45;	/* version 4, IHL 5 */
}

/* What sg_parse() finds in an untagged frame of @family (a constant)
 * holding TCP right after a fixed header (IPv4 without options, IPv6
 * without extensions; not a later fragment). */
static sg_always_inline void sg_common_tcp(void *data, void *data_end, __u16 frag,
					   struct sg_pkt *pkt, const int family, __u8 checked)
{
	__u32 l4 = sizeof(struct ethhdr) +
		   (family == 4 ? sizeof(struct iphdr) : sizeof(struct ipv6hdr));

	pkt->data = data;
	pkt->data_end = data_end;
	pkt->len = data_end - data;
	if (family == 4)
		pkt->ip4 = data + sizeof(struct ethhdr);
	else
		pkt->ip6 = data + sizeof(struct ethhdr);
	pkt->tcp = data + l4;
	pkt->l3_off = sizeof(struct ethhdr);
	pkt->l4_off = l4;
	pkt->first_frag = !!(frag & SG_IP_MF);
	pkt->checked = checked;
}

/* Does the untagged IPv6 TCP packet at @ip6 pass the general path's
 * length and header-length checks (sg_parse_ipv6(), sg_parse_tcp_len()
 * and sg_tcp_verdict())? */
static sg_always_inline bool sg_common_ack6_sound(const struct ipv6hdr *ip6,
						  const struct tcphdr *tcp, void *data_end)
{
	__u32 payload_len = sg_ntohs(ip6->payload_len);

	return payload_len >= sizeof(*tcp) &&
	       payload_len <= data_end - (void *)ip6 - sizeof(*ip6) && tcp->doff >= 5 &&
	       tcp->doff * 4 <= payload_len;
}

/*
 * An untagged ACK (PSH aside) of @family (a constant) while cookies check
 * ACKs, from a source with nothing here (sockops counts the live sockets,
 * and the caller found the source's busy bit clear) to a listener seen a
 * moment ago: no socket can own it, so its cookie alone decides, in
 * place, without the general path's parse state and dispatch. A forged
 * ACK flood looks like this, and so does the ACK completing a handshake
 * synguard answered. Returns the packet's counter, counted, or 0 for the
 * general path (an ACK whose cookie may be the kernel's, and anything
 * else), decided before anything is counted.
 */
static sg_always_inline int sg_ack_fast_body(struct xdp_md *ctx, const int family)
{
	struct sg_config *cfg = &sg_cfg;
	struct sg_peers *p = sg_peers();
	struct sg_pkt pkt = {};
	struct ipv6hdr *ip6 = NULL;
	struct iphdr *ip = NULL;
	struct tcphdr *tcp;
	struct sg_flow f;
	__u32 slot, port, daddr, verdict, data_bits = 0;	/* clang may spill it unset: refused */
	void *data, *end;
	__u16 now;

	if (!ctx || !p)
		return 0;
	data = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	if (family == 4) {
		ip = data + sizeof(struct ethhdr);
		tcp = (void *)(ip + 1);
		if ((void *)(tcp + 1) > end || *(__u8 *)ip != 0x45 ||
		    ip->protocol != SG_IPPROTO_TCP ||
		    (SG_TCP_FLAGS(tcp) & ~SG_TCP_PSH) != SG_TCP_ACK ||
		    !sg_common_ack_sound(ip, tcp, end))
			return 0;
		slot = sg_peer_slot4(ip->saddr) & SG_PEER_MASK;
		port = bpf_ntohs(tcp->dest);
		daddr = ip->daddr;
	} else {
		const __u32 *a;

		ip6 = data + sizeof(struct ethhdr);
		tcp = (void *)(ip6 + 1);
		if ((void *)(tcp + 1) > end ||
		    ((struct ethhdr *)data)->h_proto != bpf_htons(ETH_P_IPV6) ||
		    (*(__u8 *)ip6 >> 4) != 6 || ip6->nexthdr != SG_IPPROTO_TCP ||
		    (SG_TCP_FLAGS(tcp) & ~SG_TCP_PSH) != SG_TCP_ACK ||
		    !sg_common_ack6_sound(ip6, tcp, end))
			return 0;
		a = ip6->daddr.in6_u.u6_addr32;
		slot = sg_peer_slot6(ip6->saddr.in6_u.u6_addr32) & SG_PEER_MASK;
		port = bpf_ntohs(tcp->dest) | 1u << 16;
		daddr = a[0] ^ a[1] ^ a[2] ^ a[3];
	}
	now = sg_peer_now();
	if (!sg_peer_unknown_at(p, slot, port, daddr, now))
		return 0;

	if (family == 4)
		sg_flow4(&f, ip, tcp);
	else
		sg_flow6(&f, ip6, tcp);
	sg_common_tcp(data, end, 0, &pkt, family, 0);
	verdict = sg_cookie_check(&f, bpf_ntohl(tcp->seq) - 1, bpf_ntohl(tcp->ack_seq) - 1,
				  cfg->key_shift, &data_bits);
	if (verdict && sg_kernel_cookie_maybe(cfg, &pkt))
		return 0;	/* the kernel's, maybe: its listener decides */
	sg_count(SG_STAT_INFO_ACK_NO_LOOKUP, 0);
	pkt.l4_len = family == 4 ? sg_ntohs(ip->tot_len) - sizeof(*ip) :
				   sg_ntohs(ip6->payload_len);
	if (!verdict)	/* a drop here (handshake limit) comes before any resize */
		verdict = sg_cookie_ack_pass(ctx, &pkt, cfg, &f, data_bits, p, slot, now);
	sg_count(verdict, pkt.len);
	if (SG_STAT_IS_DROP(verdict))
		sg_event_drop(ctx, &pkt, verdict, false);
	return verdict;
}

/* sg_ack_fast_body() for each family. Global functions, as sg_syn_fast()
 * is. */
__noinline int sg_ack_fast(struct xdp_md *ctx)
{
	return sg_ack_fast_body(ctx, 4);
}

__noinline int sg_ack_fast6(struct xdp_md *ctx)
{
	return sg_ack_fast_body(ctx, 6);
}

/* Is this an untagged IPv6 ACK (PSH aside) from a source whose busy bit
 * is clear, for sg_ack_fast6()? */
static sg_always_inline bool sg_ack6_candidate(void *data, void *data_end)
{
	struct ipv6hdr *ip6 = data + sizeof(struct ethhdr);
	struct tcphdr *tcp = (void *)(ip6 + 1);
	struct sg_peers *p;

	if ((void *)(tcp + 1) > data_end ||
	    ((struct ethhdr *)data)->h_proto != bpf_htons(ETH_P_IPV6) ||
	    ip6->nexthdr != SG_IPPROTO_TCP || (SG_TCP_FLAGS(tcp) & ~SG_TCP_PSH) != SG_TCP_ACK)
		return false;
	p = sg_peers();
	return p && !sg_peer_busy_bit(p, sg_peer_slot6(ip6->saddr.in6_u.u6_addr32) &
					 SG_PEER_MASK);
}

/*
 * The IPv4 header checksum and the addresses (sanity.h) of the SYN @loc
 * finds in the frame: 0, the drop counter, or SG_STAT_PASS_SYN for one
 * behind IPv6 headers only the kernel can judge. A global function, so
 * that the verifier checks its loop and branches once, not on every path
 * to it; the frame is @ctx's, read again.
 */
__noinline int sg_sanity_check(struct xdp_md *ctx, const struct sg_pkt_loc *loc)
{
	struct sg_pkt pkt;
	int bad;

	if (!ctx || !loc)
		return 0;
	if (!sg_pkt_from_loc((void *)(long)ctx->data, (void *)(long)ctx->data_end, loc, &pkt) ||
	    pkt.data + sizeof(struct ethhdr) > pkt.data_end)
		return 0;
	if (pkt.ip4) {
		if (!sg_ip4_csum_ok_var((const __u32 *)pkt.ip4,
					((__u32)pkt.l4_off - pkt.l3_off) / 4, pkt.data_end))
			return SG_STAT_DROP_IPV4_BAD_CHECKSUM;
		return sg_addr4_verdict(pkt.data, pkt.ip4);
	}
	if (!pkt.ip6)
		return 0;
	bad = sg_addr6_verdict(pkt.data, pkt.ip6);
	if (!bad && pkt.l4_off != pkt.l3_off + sizeof(struct ipv6hdr) &&
	    sg_ip6_ext_kernel(pkt.ip6, pkt.data_end))
		return SG_STAT_PASS_SYN;
	return bad;
}

/*
 * TCP policy for a packet to a protected port whose 20-byte header is
 * known to be readable.
 */
static sg_always_inline struct sg_verdict sg_tcp_verdict(struct xdp_md *ctx, struct sg_pkt *pkt)
{
	struct tcphdr *tcp = pkt->tcp;
	struct sg_config *cfg = &sg_cfg;
	__u32 doff_len, bad, kind, act;
	__u8 flags;

	/* The order of the checks is docs/counters.md's: the headers' shape,
	 * their checksum and addresses, then the lists. */
	bad = sg_parse_tcp_len(pkt);
	if (bad)
		return sg_decided(bad);
	/* A SYN cut into fragments is an evasion trick, never needed. */
	if (pkt->first_frag)
		return sg_decided(SG_STAT_DROP_TCP_FRAGMENT);
	doff_len = tcp->doff * 4;
	if (doff_len < sizeof(*tcp) || doff_len > pkt->l4_len)
		return sg_decided(SG_STAT_DROP_TCP_BAD_DOFF);

	flags = SG_TCP_FLAGS(tcp);
	bad = sg_tcp_flags_invalid(flags);
	if (bad)
		return sg_decided(bad);
	/* what synguard would answer: SYNs (it only passes or drops other
	 * packets, and the kernel checks what it passes) */
	if ((flags & (SG_TCP_SYN | SG_TCP_ACK)) == SG_TCP_SYN && !pkt->checked) {
		struct sg_pkt_loc loc;

		sg_pkt_to_loc(pkt, &loc);
		bad = sg_sanity_check(ctx, &loc);
		if (bad)
			return sg_decided(bad);
	}
	if (cfg->lists) {
		bad = sg_lists_verdict(pkt, cfg->lists);
		if (bad)
			return sg_decided(bad);
	}

	flags &= SG_TCP_SYN | SG_TCP_RST | SG_TCP_ACK;
	/* Established flows' packets, the common case, first and shortest:
	 * where ACKs are checked, one the connection table knows passes. */
	if (flags == SG_TCP_ACK) {
		if (cfg->cookie_mode == SG_COOKIES_OFF)
			return sg_decided(SG_STAT_PASS_TCP);
		if (cfg->cookie_mode == SG_COOKIES_ALWAYS)
			act = SG_ACT_COOKIES | (cfg->out_of_state != SG_OOS_OFF ? SG_ACT_OOS : 0);
		else
			act = sg_adaptive_act(cfg, SG_KIND_ACK);
		if (!act || ((cfg->flags & SG_CFG_LIVE) && sg_live_known(pkt)))
			return sg_decided(SG_STAT_PASS_TCP);
		return sg_next(SG_NEXT_COOKIES, act);
	}
	if (flags == SG_TCP_SYN && cfg->syn_limit &&
	    sg_limit_syn(pkt, cfg, bpf_jiffies64(), sg_hz()))
		return sg_decided(SG_STAT_DROP_SYN_RATE_LIMITED);
	if (cfg->cookie_mode == SG_COOKIES_OFF) {
		if (flags != SG_TCP_SYN)
			return sg_decided(SG_STAT_PASS_TCP);
		/* The kernel may make a socket, or a cookie, of it: should
		 * cookies be turned on, its ACK must not skip the lookup. */
		sg_peer_mark_slot(sg_peer_slot(pkt));
		return sg_decided(SG_STAT_PASS_SYN);
	}
	/* What is left: a SYN, a RST (with or without ACK), or SYN+ACK. */
	kind = flags == SG_TCP_SYN ? SG_KIND_SYN : flags & SG_TCP_RST ? SG_KIND_RST :
	       SG_KIND_OTHER;
	if (kind == SG_KIND_OTHER)
		return sg_decided(SG_STAT_PASS_TCP);
	if (cfg->cookie_mode == SG_COOKIES_AUTO && kind == SG_KIND_SYN)
		act = sg_adaptive(sg_peer_slot(pkt));
	else if (cfg->cookie_mode == SG_COOKIES_AUTO)
		act = sg_adaptive_act(cfg, kind);
	else	/* always: cookies engaged for good */
		act = (kind != SG_KIND_RST ? SG_ACT_COOKIES : 0) |
		      (cfg->out_of_state != SG_OOS_OFF ? SG_ACT_OOS : 0);
	if (kind == SG_KIND_RST)
		act &= SG_ACT_OOS;
	if (!act)
		return sg_decided(kind == SG_KIND_SYN ? SG_STAT_PASS_SYN : SG_STAT_PASS_TCP);
	return sg_next(SG_NEXT_COOKIES, act);
}

/*
 * A drop sample for a packet dropped outside the cookie path. A global
 * function that parses the frame again, so that synguard_xdp's own parse
 * results stay in registers (an event needing them would make the compiler
 * keep them in memory on every path, for every packet). The sampling
 * limit is applied first, so only sampled drops parse again.
 */
__noinline int sg_drop_event(struct xdp_md *ctx, __u32 reason)
{
	struct sg_pkt pkt = {};

	if (ctx)
		sg_event_drop(ctx, &pkt, reason, true);
	return 0;
}

/* synguard_xdp's body: the packet's XDP action, counted. */
static sg_always_inline int sg_xdp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	struct sg_pkt pkt = {};
	struct sg_verdict v;
	__u8 checked = 0;
	__u32 verdict;

	/* The common frame first: what needs nothing from synguard leaves
	 * at once, before anything is kept for the paths below. */
	if (sg_common_frame(data, data_end)) {
		struct iphdr *ip = data + sizeof(struct ethhdr);
		struct tcphdr *tcp = (void *)(ip + 1);
		__u16 frag = bpf_ntohs(ip->frag_off);

		if (ip->protocol != SG_IPPROTO_TCP) {
			sg_count(SG_STAT_PASS_NON_TCP, data_end - data);
			return XDP_PASS;
		}
		if (!(frag & SG_IP_OFFSET) && !sg_port_protected(tcp->dest)) {
			sg_count(SG_STAT_PASS_UNPROTECTED_PORT, data_end - data);
			return XDP_PASS;
		}
		/* A SYN's header and addresses, which the SYN fast path needs
		 * sound; the general path decides any other SYN, in the order
		 * of its checks. */
		if (SG_TCP_FLAGS(tcp) == SG_TCP_SYN && sg_ip4_csum_ok(ip, 5) &&
		    !sg_addr4_verdict(data, ip))
			checked = 1;
		if (checked && sg_cfg.cookie_mode != SG_COOKIES_OFF && !sg_cfg.lists &&
		    !sg_cfg.syn_limit) {
			__u32 len = data_end - data;

			verdict = sg_syn_fast(ctx);
			if (verdict) {
				sg_count(verdict, len);
				return verdict == SG_STAT_TX_SYNACK ? XDP_TX : XDP_PASS;
			}
			data = (void *)(long)ctx->data;
			data_end = (void *)(long)ctx->data_end;
			if (!sg_common_frame(data, data_end))
				return XDP_PASS;	/* cannot happen: unchanged */
			ip = data + sizeof(struct ethhdr);
			tcp = (void *)(ip + 1);
		}
		if (sg_ack_fast_on() && (SG_TCP_FLAGS(tcp) & ~SG_TCP_PSH) == SG_TCP_ACK) {
			__u32 how = sg_common_ack(data, data_end);

			if (how == SG_ACK_KNOWN) {
				sg_count(SG_STAT_PASS_TCP, data_end - data);
				return XDP_PASS;
			}
			if (how == SG_ACK_FAST) {
				verdict = sg_ack_fast(ctx);
				if (verdict)	/* counted */
					return SG_STAT_IS_DROP(verdict) ? XDP_DROP : XDP_PASS;
				data = (void *)(long)ctx->data;
				data_end = (void *)(long)ctx->data_end;
				if (!sg_common_frame(data, data_end))
					return XDP_PASS;	/* cannot happen: unchanged */
				frag = 0;	/* sg_common_ack() found no fragment */
			}
		}
		sg_common_tcp(data, data_end, frag, &pkt, 4, checked);
		v = frag & SG_IP_OFFSET ? sg_decided(SG_STAT_PASS_FRAGMENT) : sg_next(SG_NEXT_TCP, 0);
	} else {
		__u32 other = sg_syn_fast_other(data, data_end);

		if (other && sg_cfg.cookie_mode != SG_COOKIES_OFF && !sg_cfg.lists &&
		    !sg_cfg.syn_limit) {
			__u32 len = data_end - data;

			verdict = other == 6 ? sg_syn_fast6(ctx) : other == (4 | 1 << 8) ?
				  sg_syn_fast_vlan(ctx) : sg_syn_fast6_vlan(ctx);
			if (verdict) {
				sg_count(verdict, len);
				return verdict == SG_STAT_TX_SYNACK ? XDP_TX : XDP_PASS;
			}
			/* read as the branch above reads them: clang merges the
			 * two reads, and merged in another order they give "dereference
			 * of modified ctx ptr R2 off=4 disallowed" */
			data = (void *)(long)ctx->data;
			data_end = (void *)(long)ctx->data_end;
		}
		if (sg_ack_fast_on() && sg_ack6_candidate(data, data_end)) {
			verdict = sg_ack_fast6(ctx);
			if (verdict)	/* counted */
				return SG_STAT_IS_DROP(verdict) ? XDP_DROP : XDP_PASS;
			data = (void *)(long)ctx->data;		/* as above */
			data_end = (void *)(long)ctx->data_end;
		}
		v = sg_parse_frame(data, data_end, &pkt);
		if (v.next == SG_NEXT_TCP && !sg_port_protected(pkt.tcp->dest))
			v = sg_decided(SG_STAT_PASS_UNPROTECTED_PORT);
	}
	if (v.next == SG_NEXT_TCP)
		v = sg_tcp_verdict(ctx, &pkt);
	if (v.next == SG_NEXT_COOKIES) {
		struct sg_pkt_loc loc;

		sg_pkt_to_loc(&pkt, &loc);
		loc.act = v.act;
		verdict = sg_cookie_path(ctx, &loc);
		sg_count(verdict, loc.len);
		if (SG_STAT_IS_TX(verdict))
			return XDP_TX;
		return SG_STAT_IS_DROP(verdict) ? XDP_DROP : XDP_PASS;
	}

	verdict = v.stat;
	sg_count(verdict, pkt.len);
	if (SG_STAT_IS_PASS(verdict))
		return XDP_PASS;
	if (SG_STAT_IS_TX(verdict))
		return XDP_TX;
	sg_drop_event(ctx, verdict);
	return XDP_DROP;
}

/* A running trace (lib/trace.h) sees each packet before and after. */
SEC("xdp")
int synguard_xdp(struct xdp_md *ctx)
{
	int act;

	if (unlikely(sg_trace.deadline_ns))
		sg_trace_xdp_enter(ctx);
	act = sg_xdp(ctx);
	if (unlikely(sg_trace.deadline_ns))
		sg_trace_xdp_exit(ctx, act);
	return act;
}

SEC("tc")
int synguard_tc(struct __sk_buff *skb)
{
	int act;

	if (unlikely(sg_trace.deadline_ns))
		sg_trace_tc_enter(skb);
	act = sg_tc_complete(skb, &sg_cfg);
	if (unlikely(sg_trace.deadline_ns))
		sg_trace_tc_exit(skb, act);
	return act;
}

SEC("sockops")
int synguard_sockops(struct bpf_sock_ops *skops)
{
	sg_live_sockops(skops);
	sg_rtt_sockops(skops);
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
