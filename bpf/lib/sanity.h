/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What the kernel checks before it would answer a TCP packet, and synguard
 * must check before answering in its place: the IPv4 header checksum, a
 * frame addressed to this host's own MAC (not to a group), a source that
 * can be answered (not a martian) and a destination that is one host's
 * (not multicast, broadcast or a martian), and not a LAND packet (source
 * equals destination: a local source arriving from outside). Without these
 * checks synguard would send SYN-ACKs the kernel never sends: from a
 * broadcast MAC or address, or to addresses that reflect them.
 */
#ifndef SG_BPF_SANITY_H
#define SG_BPF_SANITY_H

#include "common.h"
#include "csum.h"
#include "verdict.h"

/* Does the IPv4 header at @ip (@words 32-bit words, readable) sum to
 * all ones, as ip_rcv() requires? */
static sg_always_inline bool sg_ip4_csum_ok(const void *ip, __u32 words)
{
	return sg_csum_fold(sg_csum_words(ip, words)) == 0;
}

/* The IPv4 header at @ip of any IHL: @end bounds the reads. */
static sg_always_inline bool sg_ip4_csum_ok_var(const __u32 *ip, __u32 words, const void *end)
{
	__u64 sum = 0;

#pragma unroll
	for (__u32 i = 0; i < 15; i++) {
		if (i < words) {
			if ((const void *)(ip + i + 1) > end)
				return false;
			sum += ip[i];
		}
	}
	return sg_csum_fold(sum) == 0;
}

/* The group bit of the destination MAC: broadcast and multicast frames,
 * which the kernel marks PACKET_BROADCAST/MULTICAST and TCP discards. */
static sg_always_inline bool sg_mac_group(const void *eth)
{
	return *(const __u8 *)eth & 1;
}

/* Martian addresses, as ip_route_input_slow() finds them for a source:
 * 0.0.0.0/8, 127.0.0.0/8, 224.0.0.0/4 and 255.255.255.255. No connection
 * has one as its destination either (tcp_v4_conn_request() drops broadcast
 * and multicast, routing the rest as martians). */
static sg_always_inline bool sg_ip4_martian(__be32 a)
{
	__u32 h = bpf_ntohl(a);

	return (h >> 24) == 0 || (h >> 24) == 127 || (h >> 28) == 0xe || h == 0xffffffff;
}

/* IPv6 sources ip6_rcv_core() and tcp_v6_conn_request() drop: multicast,
 * loopback, unspecified, and IPv4-mapped. */
static sg_always_inline bool sg_ip6_src_martian(const __be32 *a)
{
	if ((bpf_ntohl(a[0]) >> 24) == 0xff)
		return true;
	if (a[0] || a[1])
		return false;
	return (!a[2] && (!a[3] || a[3] == bpf_htonl(1))) || a[2] == bpf_htonl(0xffff);
}

/* IPv6 destinations no connection can have: multicast, loopback and
 * unspecified (tcp_v6_conn_request() takes unicast destinations only). */
static sg_always_inline bool sg_ip6_dst_martian(const __be32 *a)
{
	if ((bpf_ntohl(a[0]) >> 24) == 0xff)
		return true;
	return !a[0] && !a[1] && !a[2] && (!a[3] || a[3] == bpf_htonl(1));
}

/* The address checks of an IPv4 TCP packet to a protected port, in their
 * order (docs/counters.md): 0 if it may be answered. */
static sg_always_inline __u32 sg_addr4_verdict(const void *eth, const struct iphdr *ip)
{
	if (sg_mac_group(eth))
		return SG_STAT_DROP_MAC_GROUP;
	if (sg_ip4_martian(ip->saddr))
		return SG_STAT_DROP_MARTIAN_SOURCE;
	if (sg_ip4_martian(ip->daddr))
		return SG_STAT_DROP_MARTIAN_DESTINATION;
	if (ip->saddr == ip->daddr)
		return SG_STAT_DROP_LAND;
	return 0;
}

static sg_always_inline __u32 sg_addr6_verdict(const void *eth, const struct ipv6hdr *ip6)
{
	const __be32 *s = ip6->saddr.in6_u.u6_addr32, *d = ip6->daddr.in6_u.u6_addr32;

	if (sg_mac_group(eth))
		return SG_STAT_DROP_MAC_GROUP;
	if (sg_ip6_src_martian(s))
		return SG_STAT_DROP_MARTIAN_SOURCE;
	if (sg_ip6_dst_martian(d))
		return SG_STAT_DROP_MARTIAN_DESTINATION;
	if (s[0] == d[0] && s[1] == d[1] && s[2] == d[2] && s[3] == d[3])
		return SG_STAT_DROP_LAND;
	return 0;
}

/* Does the IPv6 packet at @ip6 carry, before TCP, a header only the
 * kernel can judge: AH (it has no SA here, and drops the packet), a
 * mobility header (no TCP follows one), or a routing header with segments
 * left (the packet is bound for another host)? Its chain is known sound
 * (sg_parse_ipv6() walked it). */
static sg_always_inline bool sg_ip6_ext_kernel(const struct ipv6hdr *ip6, const void *end)
{
	const __u8 *hdr = (const __u8 *)(ip6 + 1);
	__u8 next = ip6->nexthdr;

#pragma unroll
	for (int i = 0; i < SG_MAX_IPV6_EXT; i++) {
		__u32 len;

		if (next == SG_IPPROTO_TCP || (const void *)(hdr + 8) > end)
			return false;
		if (next == SG_IPPROTO_AH || next == SG_IPPROTO_MH ||
		    (next == SG_IPPROTO_ROUTING && hdr[3]))
			return true;
		len = next == SG_IPPROTO_FRAGMENT ? 8 : (hdr[1] + 1) * 8;
		next = hdr[0];
		hdr += len;
	}
	return false;
}

#endif /* SG_BPF_SANITY_H */
