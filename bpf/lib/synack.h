/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Answering a SYN in place: the frame becomes the SYN-ACK (addresses and
 * ports swapped, synguard's cookie as ISN) and goes back out with XDP_TX.
 *
 * The SYN-ACK has a 20-byte IPv4 (40-byte IPv6) header and options laid out
 * as Linux lays them out, offering only what the client offered:
 *   MSS | SACK-permitted+Timestamps, NOP NOP Timestamps or NOP NOP
 *   SACK-permitted | NOP Window-scale
 * so it is never longer than a SYN that carried an MSS option: a frame
 * that cannot grow (no tailroom) still fits. When it cannot be rewritten,
 * the SYN goes to the kernel instead, which answers it itself.
 */
#ifndef SG_BPF_SYNACK_H
#define SG_BPF_SYNACK_H

#include "common.h"
#include "clock.h"
#include "cookie.h"
#include "csum.h"
#include "parse.h"
#include "synproxy.h"
#include "tcp_opts.h"

#define SG_TCP_ECE	0x40
#define SG_TCP_CWR	0x80
#define SG_SYNACK_TCP_MAX	40	/* a 20-byte header and 20 of options */

/*
 * The SYNs sg_syn_fast() answers in place: no VLAN tag or one, an IPv4
 * header without options or an IPv6 header without extensions, and a TCP
 * header with Linux's 20 bytes of options (sg_tcp_opts_linux()), no
 * payload. @family and @vlan are constants.
 */
#define SG_SYN_LINUX_TCP_LEN	(sizeof(struct tcphdr) + SG_TCPOPTS_LINUX_LEN)
#define SG_SYN4_LINUX_IP_LEN	(sizeof(struct iphdr) + SG_SYN_LINUX_TCP_LEN)
#define SG_SYN_LINUX_L3(vlan)	(sizeof(struct ethhdr) + 4 * (vlan))
#define SG_SYN_LINUX_LEN(family, vlan)							\
	(SG_SYN_LINUX_L3(vlan) + ((family) == 4 ? sizeof(struct iphdr) :			\
				   sizeof(struct ipv6hdr)) + SG_SYN_LINUX_TCP_LEN)
#define SG_SYN4_LINUX_LEN	SG_SYN_LINUX_LEN(4, 0)

/* Four header bytes as one 32-bit word, in the order memory holds them. */
#define SG_WORD(b0, b1, b2, b3) \
	bpf_htonl((__u32)(b0) << 24 | (__u32)(b1) << 16 | (__u32)(b2) << 8 | (__u32)(b3))

/* TCP header word 4: the checksum @csum, then urgent pointer 0. */
static sg_always_inline __u32 sg_csum_word(__u16 csum)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return csum;
#else
	return (__u32)csum << 16;
#endif
}

/* The Ethernet header at @d gets the addresses of words @m0-@m2 (as the
 * frame held them) swapped: destination := source, source := destination. */
static sg_always_inline void sg_macs_swapped(__u32 *d, __u32 m0, __u32 m1, __u32 m2)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	d[0] = m1 >> 16 | m2 << 16;
	d[1] = m2 >> 16 | m0 << 16;
	d[2] = m0 >> 16 | m1 << 16;
#else
	d[0] = m1 << 16 | m2 >> 16;
	d[1] = m2 << 16 | m0 >> 16;
	d[2] = m0 << 16 | m1 >> 16;
#endif
}

/* The SYN-ACK's IPv4 header at @ip (20 bytes writable), from @saddr to
 * @daddr: version 4, IHL 5, TOS 0; ID 0, DF; TTL @ttl, TCP; checksummed. */
static sg_always_inline void sg_synack_ip4(struct iphdr *ip, __u32 tot_len, __u8 ttl,
					   __be32 saddr, __be32 daddr)
{
	__u32 *w = (__u32 *)ip;

	w[0] = SG_WORD(0x45, 0, tot_len >> 8, tot_len & 0xff);
	w[1] = SG_WORD(0, 0, 0x40, 0);
	w[2] = SG_WORD(ttl, SG_IPPROTO_TCP, 0, 0);
	w[3] = saddr;
	w[4] = daddr;
	ip->check = sg_csum_fold((__u64)SG_WORD(0x45, 0, tot_len >> 8, tot_len & 0xff) +
				 SG_WORD(0, 0, 0x40, 0) + SG_WORD(ttl, SG_IPPROTO_TCP, 0, 0) +
				 saddr + daddr);
}

/*
 * Writes the SYN-ACK's options as whole words at @w (w[0..4], zero past
 * the end); returns their length (4-20). Whole-word stores only: a word
 * read back for the checksum after byte stores into it would stall. With
 * @linux_opts (a constant), @c is known to hold Linux's layout (timestamps
 * and window scale), and the answer's length folds to 20.
 */
static sg_always_inline __u32 sg_synack_opts(__u32 *w, __u16 mss, const struct sg_tcp_opts *c,
					     __u32 tsval, __u8 rcv_wscale, const bool linux_opts)
{
	__u32 ws = SG_WORD(SG_TCPOPT_NOP, SG_TCPOPT_WSCALE, 3, rcv_wscale);
	bool has_ws = linux_opts || c->wscale != SG_COOKIE_WSCALE_NONE;

	w[0] = SG_WORD(SG_TCPOPT_MSS, 4, mss >> 8, mss & 0xff);
	w[1] = 0;
	w[2] = 0;
	w[3] = 0;
	w[4] = 0;
	if (linux_opts || c->ts_ok) {
		w[1] = c->sack_ok ? SG_WORD(SG_TCPOPT_SACK_PERM, 2, SG_TCPOPT_TIMESTAMP, 10) :
				    SG_WORD(SG_TCPOPT_NOP, SG_TCPOPT_NOP, SG_TCPOPT_TIMESTAMP, 10);
		w[2] = bpf_htonl(tsval);
		w[3] = bpf_htonl(c->tsval);
		if (!has_ws)
			return 16;
		w[4] = ws;
		return 20;
	}
	if (c->sack_ok) {
		w[1] = SG_WORD(SG_TCPOPT_NOP, SG_TCPOPT_NOP, SG_TCPOPT_SACK_PERM, 2);
		if (!has_ws)
			return 8;
		w[2] = ws;
		return 12;
	}
	if (!has_ws)
		return 4;
	w[1] = ws;
	return 8;
}

/*
 * The SYN-ACK's TCP header, options and checksum in @th (zero past its
 * length), answering the SYN of @f with client ISN @isn and options @c,
 * with @cookie as its ISN; returns its length. The one body for every
 * path: sg_synack() calls it for any SYN, sg_synack4_in_place() with
 * @linux_opts for the common frame's.
 */
static sg_always_inline __u32 sg_synack_tcp(__u32 th[SG_SYNACK_TCP_MAX / 4],
					    const struct sg_flow *f, __u32 isn, __u32 cookie,
					    const struct sg_tcp_opts *c, bool ecn,
					    const struct sg_config *cfg, const bool linux_opts)
{
	__u16 sport = bpf_ntohs(f->sport), dport = bpf_ntohs(f->dport);
	__u16 mss = f->family == 4 ? cfg->mss4 : cfg->mss6;
	__u32 tcp_len;
	__u64 sum;

	th[0] = SG_WORD(dport >> 8, dport & 0xff, sport >> 8, sport & 0xff);
	th[1] = bpf_htonl(cookie);
	th[2] = bpf_htonl(isn + 1);
	tcp_len = sizeof(struct tcphdr) +
		  sg_synack_opts(&th[5], mss, c,
				 sg_synproxy_on(cfg) ? sg_synproxy_tsval(c) : sg_now_ms(),
				 cfg->rcv_wscale, linux_opts);
	th[3] = SG_WORD((tcp_len / 4) << 4, SG_TCP_SYN | SG_TCP_ACK | (ecn ? SG_TCP_ECE : 0),
			cfg->window >> 8, cfg->window & 0xff);
	th[4] = 0;
	if (f->family == 4)
		sum = sg_pseudo4(f->daddr[0], f->saddr[0], tcp_len);
	else
		sum = sg_pseudo6(f->daddr, f->saddr, tcp_len);
	/* the words past tcp_len are zero and add nothing */
	th[4] = sg_csum_word(sg_csum_fold(sum + sg_csum_words(th, SG_SYNACK_TCP_MAX / 4)));
	return tcp_len;
}

/*
 * The kernel's cookie for the SYN in @pkt, whose options are @c (the
 * SYNPROXY completion). The helper reads the ports, sequence number and
 * MSS option from the header it is given, whose length the verifier must
 * know: it gets a copy of the 20-byte header with the MSS alone.
 */
static sg_always_inline __u32 sg_synack_kernel_cookie(const struct sg_pkt *pkt,
						      const struct sg_tcp_opts *c, bool *ok)
{
	struct {
		struct tcphdr th;
		__u32 mss;
	} h = {};
	__u32 len = sizeof(h.th);

	*ok = false;
	if (!pkt->tcp || (void *)(pkt->tcp + 1) > pkt->data_end)
		return 0;
	__builtin_memcpy(&h.th, pkt->tcp, sizeof(h.th));
	if (c->mss) {
		h.mss = SG_WORD(SG_TCPOPT_MSS, 4, c->mss >> 8, c->mss & 0xff);
		len += 4;
	}
	h.th.doff = len / 4;
	if (pkt->ip4) {
		if ((void *)(pkt->ip4 + 1) > pkt->data_end)
			return 0;
		return sg_synproxy_cookie(pkt->ip4, &h.th, len, 4, ok);
	}
	if (!pkt->ip6 || (void *)(pkt->ip6 + 1) > pkt->data_end)
		return 0;
	return sg_synproxy_cookie(pkt->ip6, &h.th, len, 6, ok);
}

/* May a SYN asking for ECN get it? As tcp_ecn_create_request() decides:
 * not when its IP header is ECT-marked, unless a reserved TCP bit is set. */
static sg_always_inline bool sg_syn_ecn_ok(const struct sg_pkt *pkt)
{
	__u8 ect = pkt->ip4 ? pkt->ip4->tos & 3 : pkt->ip6 ? (pkt->ip6->flow_lbl[0] >> 4) & 3 : 0;

	return !ect || (SG_TCP_DOFF_BYTE(pkt->tcp) & 0x0f);
}

/*
 * Turns the SYN in @pkt into a SYN-ACK. Returns SG_STAT_TX_SYNACK, or
 * SG_STAT_PASS_SYNACK_FALLBACK with the frame untouched. @pkt's pointers
 * are invalid afterwards.
 */
static sg_always_inline __u32 sg_synack(struct xdp_md *ctx, struct sg_pkt *pkt,
					const struct sg_config *cfg)
{
	struct tcphdr *tcp = pkt->tcp;
	struct sg_tcp_opts c;
	struct sg_flow f;
	__u32 th[SG_SYNACK_TCP_MAX / 4];
	__u32 mac_w[3];
	__u8 tcp_flags;
	__u32 client_isn, data, cookie, l3_off, ip_len, tcp_len;
	bool ecn, ok;
	int delta;
	void *data_ptr, *end;
	__u32 *dst;

	sg_tcp_opts_get(ctx, tcp, pkt->data_end, pkt->l4_off, &c);
	sg_flow_from_pkt(pkt, &f);
	client_isn = bpf_ntohl(tcp->seq);
	tcp_flags = SG_TCP_FLAGS(tcp);
	ecn = (cfg->flags & SG_CFG_ECN) &&
	      (tcp_flags & (SG_TCP_ECE | SG_TCP_CWR)) == (SG_TCP_ECE | SG_TCP_CWR) &&
	      sg_syn_ecn_ok(pkt);

	if (sg_synproxy_on(cfg)) {
		sg_synproxy_opts(&c);
		ecn = false;
		cookie = sg_synack_kernel_cookie(pkt, &c, &ok);
	} else {
		data = sg_cookie_data(f.family, &c, ecn);
		cookie = sg_cookie_make(&f, client_isn, data, cfg->key_shift, &ok);
	}
	if (!ok)
		return SG_STAT_PASS_SYNACK_FALLBACK;
	/* The TCP header, built and checksummed word by word on the stack. */
	tcp_len = sg_synack_tcp(th, &f, client_isn, cookie, &c, ecn, cfg, false);
	if (tcp_len > SG_SYNACK_TCP_MAX)
		return SG_STAT_PASS_SYNACK_FALLBACK;

	if (pkt->data + 12 > pkt->data_end)
		return SG_STAT_PASS_SYNACK_FALLBACK;
	/* the MACs as three words (registers, not stack) */
	mac_w[0] = ((__u32 *)pkt->data)[0];
	mac_w[1] = ((__u32 *)pkt->data)[1];
	mac_w[2] = ((__u32 *)pkt->data)[2];
	l3_off = pkt->l3_off;		/* as the parser found it */
	if (l3_off > 14 + 4 * SG_MAX_VLAN_DEPTH)
		return SG_STAT_PASS_SYNACK_FALLBACK;
	ip_len = f.family == 4 ? 20 : 40;
	delta = (int)(l3_off + ip_len + tcp_len) - (int)pkt->len;
	/* a resize invalidates every pointer into the old frame */
	pkt->ip4 = NULL;
	pkt->ip6 = NULL;
	pkt->tcp = NULL;
	if (delta && bpf_xdp_adjust_tail(ctx, delta))
		return SG_STAT_PASS_SYNACK_FALLBACK;	/* frame unchanged */

	data_ptr = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	if (data_ptr + 12 > end)
		return SG_STAT_PASS_SYNACK_FALLBACK;
	sg_macs_swapped(data_ptr, mac_w[0], mac_w[1], mac_w[2]);

	if (f.family == 4) {
		struct iphdr *ip = data_ptr + l3_off;

		if ((void *)(ip + 1) > end)
			return SG_STAT_PASS_SYNACK_FALLBACK;
		sg_synack_ip4(ip, 20 + tcp_len, cfg->ttl, f.daddr[0], f.saddr[0]);
	} else {
		struct ipv6hdr *ip6 = data_ptr + l3_off;

		if ((void *)(ip6 + 1) > end)
			return SG_STAT_PASS_SYNACK_FALLBACK;
		*(__be32 *)ip6 = bpf_htonl(0x60000000);
		ip6->payload_len = bpf_htons(tcp_len);
		ip6->nexthdr = SG_IPPROTO_TCP;
		ip6->hop_limit = cfg->ttl;
		__builtin_memcpy(&ip6->saddr, f.daddr, 16);
		__builtin_memcpy(&ip6->daddr, f.saddr, 16);
	}
	/* Direct stores, not bpf_xdp_store_bytes (a helper call costs more
	 * than the whole copy): the full-size header (every option a Linux
	 * client offers) under one bounds check, other sizes word by word. */
	dst = data_ptr + l3_off + ip_len;
	if (tcp_len == SG_SYNACK_TCP_MAX) {
		if ((void *)(dst + SG_SYNACK_TCP_MAX / 4) > end)
			return SG_STAT_PASS_SYNACK_FALLBACK;	/* cannot happen: sized above */
		for (int i = 0; i < SG_SYNACK_TCP_MAX / 4; i++)
			dst[i] = th[i];
		return SG_STAT_TX_SYNACK;
	}
	for (int i = 0; i < SG_SYNACK_TCP_MAX / 4; i++) {
		if (i * 4 >= tcp_len)
			break;
		if ((void *)(dst + i + 1) > end)
			return SG_STAT_PASS_SYNACK_FALLBACK;	/* cannot happen: sized above */
		dst[i] = th[i];
	}
	return SG_STAT_TX_SYNACK;
}

/*
 * A SYN answered in place by sg_syn_fast(): @vlan tags (a constant), then
 * an IPv4 or IPv6 header without options or extensions (@f's family, a
 * constant), then Linux's options (@c), no payload. The SYN-ACK keeps the
 * frame's size and layout, tags included, so every word is written where
 * it is, and sg_synack_tcp() makes its TCP header as sg_synack() does.
 * @data: the frame, SG_SYN_LINUX_LEN(family, vlan) bytes readable.
 */
static sg_always_inline void sg_synack_in_place(void *data, const int family, const int vlan,
						const struct sg_flow *f, __u32 isn,
						const struct sg_tcp_opts *c, __u32 cookie,
						const struct sg_config *cfg)
{
	void *l3 = data + SG_SYN_LINUX_L3(vlan);
	__u32 *d = data, *tw = l3 + (family == 4 ? sizeof(struct iphdr) : sizeof(struct ipv6hdr));
	__u32 m0 = d[0], m1 = d[1], m2 = d[2], t[SG_SYNACK_TCP_MAX / 4];

	sg_synack_tcp(t, f, isn, cookie, c, false, cfg, true);
	sg_macs_swapped(d, m0, m1, m2);
	if (family == 4) {
		sg_synack_ip4(l3, SG_SYN4_LINUX_IP_LEN, cfg->ttl, f->daddr[0], f->saddr[0]);
	} else {
		struct ipv6hdr *ip6 = l3;

		*(__be32 *)ip6 = bpf_htonl(0x60000000);
		ip6->payload_len = bpf_htons(SG_SYN_LINUX_TCP_LEN);
		ip6->nexthdr = SG_IPPROTO_TCP;
		ip6->hop_limit = cfg->ttl;
		__builtin_memcpy(&ip6->saddr, f->daddr, 16);
		__builtin_memcpy(&ip6->daddr, f->saddr, 16);
	}
	for (int i = 0; i < SG_SYNACK_TCP_MAX / 4; i++)
		tw[i] = t[i];
}

#endif /* SG_BPF_SYNACK_H */
