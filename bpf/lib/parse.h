/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Packet parsing: Ethernet, up to two VLAN tags (802.1Q, 802.1ad), IPv4 with
 * any valid IHL, IPv6 with its extension header chain, and the fixed TCP
 * header. Every read is preceded by an explicit bounds check against
 * data_end; malformed or truncated packets are decided with the drop
 * counter that names the reason (verdict.h). Only what synguard acts on is checked: a non-TCP
 * packet passes once its protocol is known, and the IPv4 length fields of a
 * TCP packet are checked (sg_parse_tcp_len) once its port is known to be
 * protected. The kernel checks the rest of what it is given.
 */
#ifndef SG_BPF_PARSE_H
#define SG_BPF_PARSE_H

#include "common.h"
#include "verdict.h"

struct sg_pkt {
	void *data;
	void *data_end;
	struct iphdr *ip4;		/* exactly one of ip4/ip6 is set ... */
	struct ipv6hdr *ip6;
	struct tcphdr *tcp;		/* ... once the TCP header is found */
	__u32 len;			/* frame length in bytes */
	__u32 l4_len;			/* L4 bytes by the IP header (IPv4: once sg_parse_tcp_len ran) */
	__u16 l3_off;			/* offsets from data, as scalars */
	__u16 l4_off;
	__u8 vlan_depth;
	__u8 first_frag;		/* offset 0 with more fragments to come */
	__u8 checked;			/* a SYN whose checksum and addresses are sound */
};

struct sg_vlan_hdr {
	__be16 tci;
	__be16 proto;
};

static sg_always_inline bool sg_is_vlan(__be16 proto)
{
	return proto == bpf_htons(ETH_P_8021Q) ||
	       proto == bpf_htons(ETH_P_8021AD);
}

/*
 * Finds the TCP header: the checks needed to read it. Its length checks
 * (sg_parse_ipv4_len) wait until the port is known to be protected, since
 * packets to other ports are the kernel's business alone.
 */
static sg_always_inline struct sg_verdict sg_parse_ipv4(struct sg_pkt *pkt, void *l3)
{
	struct iphdr *ip = l3;
	__u32 ihl_len;
	__u16 frag;
	__u8 b0;

	if ((void *)(ip + 1) > pkt->data_end)
		return sg_decided(SG_STAT_DROP_IPV4_TRUNCATED);
	/* Not synguard's business: the kernel validates the rest itself. */
	if (ip->protocol != SG_IPPROTO_TCP)
		return sg_decided(SG_STAT_PASS_NON_TCP);
	b0 = *(__u8 *)ip;
	if ((b0 & 0xf0) != 0x40)
		return sg_decided(SG_STAT_DROP_IPV4_BAD_VERSION);
	ihl_len = (b0 & 15) * 4;
	if (ihl_len < sizeof(*ip))
		return sg_decided(SG_STAT_DROP_IPV4_BAD_IHL);
	if (l3 + ihl_len > pkt->data_end)
		return sg_decided(SG_STAT_DROP_IPV4_TRUNCATED);
	pkt->ip4 = ip;

	frag = bpf_ntohs(ip->frag_off);
	if (frag & SG_IP_OFFSET)
		return sg_decided(SG_STAT_PASS_FRAGMENT);	/* no TCP header in here */
	pkt->first_frag = !!(frag & SG_IP_MF);
	pkt->l4_off = pkt->l3_off + ihl_len;
	pkt->tcp = l3 + ihl_len;
	return sg_next(SG_NEXT_TCP, 0);
}

/* The IPv4 total length against the frame; sets pkt->l4_len. */
static sg_always_inline __u32 sg_parse_ipv4_len(struct sg_pkt *pkt)
{
	struct iphdr *ip = pkt->ip4;
	__u32 tot_len, ihl_len = pkt->l4_off - pkt->l3_off;

	if (!ip || (void *)(ip + 1) > pkt->data_end)
		return SG_STAT_DROP_IPV4_TRUNCATED;
	tot_len = sg_ntohs(ip->tot_len);
	if (tot_len < ihl_len || tot_len > pkt->len - pkt->l3_off)
		return SG_STAT_DROP_IPV4_BAD_LENGTH;
	pkt->l4_len = tot_len - ihl_len;
	return 0;
}

/* The extension headers we walk; anything else ends the chain. */
static sg_always_inline bool sg_ipv6_is_ext(__u8 nexthdr)
{
	return nexthdr == SG_IPPROTO_HOPOPTS || nexthdr == SG_IPPROTO_ROUTING ||
	       nexthdr == SG_IPPROTO_DSTOPTS || nexthdr == SG_IPPROTO_MH ||
	       nexthdr == SG_IPPROTO_AH || nexthdr == SG_IPPROTO_FRAGMENT;
}

/* Length of extension header @hdr of type @nexthdr (8 bytes readable). */
static sg_always_inline __u32 sg_ipv6_ext_len(__u8 nexthdr, const __u8 *hdr)
{
	if (nexthdr == SG_IPPROTO_FRAGMENT)
		return 8;
	if (nexthdr == SG_IPPROTO_AH)
		return (hdr[1] + 2) * 4;
	return (hdr[1] + 1) * 8;
}

static sg_always_inline struct sg_verdict sg_parse_ipv6(struct sg_pkt *pkt, void *l3)
{
	struct ipv6hdr *ip6 = l3;
	void *cur = ip6 + 1;
	__u32 payload_len, ext_total = 0;
	__u8 nexthdr;
	int i;

	if (cur > pkt->data_end)
		return sg_decided(SG_STAT_DROP_IPV6_TRUNCATED);
	if (ip6->version != 6)
		return sg_decided(SG_STAT_DROP_IPV6_BAD_VERSION);
	payload_len = sg_ntohs(ip6->payload_len);
	if (cur + payload_len > pkt->data_end)
		return sg_decided(SG_STAT_DROP_IPV6_BAD_LENGTH);
	pkt->ip6 = ip6;
	nexthdr = ip6->nexthdr;

#pragma unroll
	for (i = 0; i < SG_MAX_IPV6_EXT; i++) {
		__u8 *hdr = cur;
		__u32 len;

		if (nexthdr == SG_IPPROTO_TCP)
			break;
		if (!sg_ipv6_is_ext(nexthdr))
			return sg_decided(SG_STAT_PASS_NON_TCP);
		if ((void *)(hdr + 8) > pkt->data_end)
			return sg_decided(SG_STAT_DROP_IPV6_EXT_TRUNCATED);
		len = sg_ipv6_ext_len(nexthdr, hdr);
		if (nexthdr == SG_IPPROTO_FRAGMENT) {
			/* hdr[2..3]: offset << 3 | M */
			__u16 off = ((__u16)hdr[2] << 8) | hdr[3];

			if (off & 0xFFF8)
				return sg_decided(SG_STAT_PASS_FRAGMENT);
			pkt->first_frag = off & 1;
		}
		ext_total += len;
		if (ext_total > payload_len)
			return sg_decided(SG_STAT_DROP_IPV6_EXT_TRUNCATED);
		nexthdr = hdr[0];
		cur = hdr + len;
	}
	if (nexthdr != SG_IPPROTO_TCP)
		return sg_decided(sg_ipv6_is_ext(nexthdr) ? SG_STAT_DROP_IPV6_EXT_CHAIN :
							    SG_STAT_PASS_NON_TCP);
	pkt->l4_len = payload_len - ext_total;
	pkt->l4_off = pkt->l3_off + sizeof(*ip6) + ext_total;
	pkt->tcp = cur;
	return sg_next(SG_NEXT_TCP, 0);
}

/*
 * Decides the packets that need no TCP policy (a pass_* or drop_*
 * counter), or hands the rest on (SG_NEXT_TCP) with pkt->tcp pointing at
 * a complete 20-byte header; then sg_parse_tcp_len() finishes the checks
 * (and sets l4_len).
 */
static sg_always_inline struct sg_verdict sg_parse_frame(void *data, void *data_end, struct sg_pkt *pkt)
{
	struct ethhdr *eth = data;
	void *l3 = eth + 1;
	struct sg_verdict ret;
	__be16 proto;
	int i;

	pkt->data = data;
	pkt->data_end = data_end;
	pkt->len = data_end - data;

	if (l3 > data_end)
		return sg_decided(SG_STAT_DROP_ETH_TRUNCATED);
	proto = eth->h_proto;

#pragma unroll
	for (i = 0; i < SG_MAX_VLAN_DEPTH; i++) {
		struct sg_vlan_hdr *vh = l3;

		if (!sg_is_vlan(proto))
			break;
		if ((void *)(vh + 1) > data_end)
			return sg_decided(SG_STAT_DROP_VLAN_TRUNCATED);
		proto = vh->proto;
		l3 = vh + 1;
		pkt->vlan_depth++;
	}

	pkt->l3_off = sizeof(*eth) + 4 * pkt->vlan_depth;
	if (proto == bpf_htons(ETH_P_IP))
		ret = sg_parse_ipv4(pkt, l3);
	else if (proto == bpf_htons(ETH_P_IPV6))
		ret = sg_parse_ipv6(pkt, l3);
	else if (sg_is_vlan(proto))
		return sg_decided(SG_STAT_PASS_VLAN_DEPTH);
	else
		return sg_decided(SG_STAT_PASS_NON_IP);

	if (ret.next != SG_NEXT_TCP)
		return ret;
	if ((void *)(pkt->tcp + 1) > data_end)
		return sg_decided(SG_STAT_DROP_TCP_TRUNCATED);
	return sg_next(SG_NEXT_TCP, 0);
}

/*
 * The rest of a TCP packet's checks, for protected ports: the IP length
 * fields against the frame, and room for the TCP header in them.
 */
static sg_always_inline __u32 sg_parse_tcp_len(struct sg_pkt *pkt)
{
	__u32 bad;

	if (pkt->ip4) {
		bad = sg_parse_ipv4_len(pkt);
		if (bad)
			return bad;
	}
	if (pkt->l4_len < sizeof(struct tcphdr))
		return SG_STAT_DROP_TCP_TRUNCATED;
	return 0;
}

/* Where the headers of a parsed TCP packet are, without pointers: what a
 * global BPF function can be handed (see sg_pkt_from_loc). */
struct sg_pkt_loc {
	__u32 len;
	__u32 l4_len;
	__u16 l3_off;
	__u16 l4_off;
	__u8 family;
	__u8 vlan_depth;
	__u8 act;		/* what the cookie path must do: SG_ACT_* */
	__u8 pad;
};

static sg_always_inline void sg_pkt_to_loc(const struct sg_pkt *pkt, struct sg_pkt_loc *loc)
{
	loc->len = pkt->len;
	loc->l4_len = pkt->l4_len;
	loc->l3_off = pkt->l3_off;
	loc->l4_off = pkt->l4_off;
	loc->family = pkt->ip4 ? 4 : 6;
	loc->vlan_depth = pkt->vlan_depth;
	loc->act = 0;
	loc->pad = 0;
}

/* Rebuilds the pointers of a TCP packet from its offsets; false if the
 * frame no longer holds the headers. */
static sg_always_inline bool sg_pkt_from_loc(void *data, void *data_end,
					     const struct sg_pkt_loc *loc, struct sg_pkt *pkt)
{
	__u32 l3 = loc->l3_off, l4 = loc->l4_off;

	__builtin_memset(pkt, 0, sizeof(*pkt));
	pkt->data = data;
	pkt->data_end = data_end;
	pkt->len = loc->len;
	pkt->l4_len = loc->l4_len;
	pkt->vlan_depth = loc->vlan_depth;
	pkt->l3_off = l3;
	pkt->l4_off = l4;
	if (l3 > 14 + 4 * SG_MAX_VLAN_DEPTH || l4 > 0x3fff)
		return false;
	if (loc->family == 4) {
		pkt->ip4 = data + l3;
		if ((void *)(pkt->ip4 + 1) > data_end)
			return false;
	} else {
		pkt->ip6 = data + l3;
		if ((void *)(pkt->ip6 + 1) > data_end)
			return false;
	}
	pkt->tcp = data + l4;
	return (void *)(pkt->tcp + 1) <= data_end;
}

static sg_always_inline struct sg_verdict sg_parse(struct xdp_md *ctx, struct sg_pkt *pkt)
{
	return sg_parse_frame((void *)(long)ctx->data, (void *)(long)ctx->data_end, pkt);
}

#endif /* SG_BPF_PARSE_H */
