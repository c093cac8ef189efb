/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Answering a SYN in place: the frame becomes the SYN-ACK (addresses and
 * ports swapped, synguard's cookie as ISN) and goes back out with XDP_TX.
 *
 * The SYN-ACK always has a 20-byte IPv4 (40-byte IPv6) header and a 40-byte
 * TCP header whose options have a fixed layout, NOPs standing in for what
 * the client did not offer:
 *   MSS(4) | SACK-permitted(2) or NOP NOP | Timestamps(10) or 10 NOPs |
 *   NOP | Window scale(3) or NOP NOP NOP
 * so the checksum always covers a constant length.
 */
#ifndef SG_BPF_SYNACK_H
#define SG_BPF_SYNACK_H

#include "common.h"
#include "cookie.h"
#include "csum.h"
#include "parse.h"
#include "tcp_opts.h"

#define SG_TCP_ECE	0x40
#define SG_TCP_CWR	0x80
#define SG_SYNACK_TCP_LEN	40

/* The 20 option bytes of a SYN-ACK. */
static sg_always_inline void sg_synack_opts(__u8 *o, __u16 mss, const struct sg_tcp_opts *c,
					    __u32 tsval, __u8 rcv_wscale)
{
	__builtin_memset(o, SG_TCPOPT_NOP, 20);
	o[0] = SG_TCPOPT_MSS;
	o[1] = 4;
	o[2] = mss >> 8;
	o[3] = mss;
	if (c->sack_ok) {
		o[4] = SG_TCPOPT_SACK_PERM;
		o[5] = 2;
	}
	if (c->ts_ok) {
		o[6] = SG_TCPOPT_TIMESTAMP;
		o[7] = 10;
		o[8] = tsval >> 24;
		o[9] = tsval >> 16;
		o[10] = tsval >> 8;
		o[11] = tsval;
		o[12] = c->tsval >> 24;
		o[13] = c->tsval >> 16;
		o[14] = c->tsval >> 8;
		o[15] = c->tsval;
	}
	if (c->wscale != SG_COOKIE_WSCALE_NONE) {
		o[17] = SG_TCPOPT_WSCALE;
		o[18] = 3;
		o[19] = rcv_wscale;
	}
}

/*
 * Turns the SYN in @pkt into a SYN-ACK. Returns SG_STAT_TX_SYNACK, or the
 * drop counter when the frame could not be rewritten. @pkt's pointers are
 * invalid afterwards.
 */
static sg_always_inline __u32 sg_synack(struct xdp_md *ctx, struct sg_pkt *pkt,
					const struct sg_config *cfg)
{
	struct tcphdr *tcp = pkt->tcp;
	struct sg_tcp_opts c;
	struct sg_flow f;
	__u8 mac[12], opts[20], tcp_flags;
	__u32 client_isn, data, cookie, l3_off, new_len, tsval;
	__u16 mss;
	bool ecn, ok;
	void *end;

	sg_tcp_opts_read(ctx, pkt->l4_off, &c);
	sg_flow_from_pkt(pkt, &f);
	client_isn = bpf_ntohl(tcp->seq);
	tcp_flags = ((__u8 *)tcp)[13];
	ecn = (cfg->flags & SG_CFG_ECN) &&
	      (tcp_flags & (SG_TCP_ECE | SG_TCP_CWR)) == (SG_TCP_ECE | SG_TCP_CWR);

	data = sg_mss_index(f.family, c.mss ? c.mss : (f.family == 4 ? 536 : 1220)) << 6 |
	       (__u32)c.wscale << 2 | (c.sack_ok ? 2 : 0) | (ecn ? 1 : 0);
	cookie = sg_cookie_make(&f, client_isn, data, cfg->key_shift, &ok);
	if (!ok)
		return SG_STAT_DROP_SYNACK_FAILED;
	mss = f.family == 4 ? cfg->mss4 : cfg->mss6;
	tsval = bpf_ktime_get_ns() / 1000000;	/* the kernel's ms clock */
	sg_synack_opts(opts, mss, &c, tsval, cfg->rcv_wscale);
	if (pkt->data + 12 > pkt->data_end)
		return SG_STAT_DROP_SYNACK_FAILED;
	__builtin_memcpy(mac, pkt->data, 12);

	l3_off = 14 + 4 * (pkt->vlan_depth & 3);
	if (l3_off > 14 + 4 * SG_MAX_VLAN_DEPTH)
		return SG_STAT_DROP_SYNACK_FAILED;
	new_len = l3_off + (f.family == 4 ? 20 : 40) + SG_SYNACK_TCP_LEN;
	ok = !bpf_xdp_adjust_tail(ctx, (int)new_len - (int)pkt->len);
	/* the resize invalidated every pointer into the old frame */
	pkt->ip4 = NULL;
	pkt->ip6 = NULL;
	pkt->tcp = NULL;
	if (!ok)
		return SG_STAT_DROP_SYNACK_FAILED;

	pkt->data = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	if (pkt->data + 12 > end)
		return SG_STAT_DROP_SYNACK_FAILED;
	__builtin_memcpy(pkt->data, mac + 6, 6);	/* to the client's MAC */
	__builtin_memcpy(pkt->data + 6, mac, 6);

	if (f.family == 4) {
		struct iphdr *ip = pkt->data + l3_off;

		tcp = (void *)(ip + 1);
		if ((void *)tcp + SG_SYNACK_TCP_LEN > end)
			return SG_STAT_DROP_SYNACK_FAILED;
		ip->version = 4;
		ip->ihl = 5;
		ip->tos = 0;
		ip->tot_len = bpf_htons(20 + SG_SYNACK_TCP_LEN);
		ip->id = 0;
		ip->frag_off = bpf_htons(0x4000);	/* DF */
		ip->ttl = cfg->ttl;
		ip->protocol = SG_IPPROTO_TCP;
		ip->check = 0;
		ip->saddr = f.daddr[0];
		ip->daddr = f.saddr[0];
		ip->check = sg_csum_fold(bpf_csum_diff(NULL, 0, (void *)ip, 20, 0));
	} else {
		struct ipv6hdr *ip6 = pkt->data + l3_off;

		tcp = (void *)(ip6 + 1);
		if ((void *)tcp + SG_SYNACK_TCP_LEN > end)
			return SG_STAT_DROP_SYNACK_FAILED;
		*(__be32 *)ip6 = bpf_htonl(0x60000000);
		ip6->payload_len = bpf_htons(SG_SYNACK_TCP_LEN);
		ip6->nexthdr = SG_IPPROTO_TCP;
		ip6->hop_limit = cfg->ttl;
		__builtin_memcpy(&ip6->saddr, f.daddr, 16);
		__builtin_memcpy(&ip6->daddr, f.saddr, 16);
	}

	tcp->source = f.dport;
	tcp->dest = f.sport;
	tcp->seq = bpf_htonl(cookie);
	tcp->ack_seq = bpf_htonl(client_isn + 1);
	((__u8 *)tcp)[12] = (SG_SYNACK_TCP_LEN / 4) << 4;
	((__u8 *)tcp)[13] = SG_TCP_SYN | SG_TCP_ACK | (ecn ? SG_TCP_ECE : 0);
	tcp->window = bpf_htons(cfg->window);
	tcp->check = 0;
	tcp->urg_ptr = 0;
	__builtin_memcpy((void *)(tcp + 1), opts, 20);

	if (f.family == 4)
		tcp->check = sg_csum_fold(sg_pseudo4(f.daddr[0], f.saddr[0], SG_SYNACK_TCP_LEN) +
					  (__u32)bpf_csum_diff(NULL, 0, (void *)tcp,
							       SG_SYNACK_TCP_LEN, 0));
	else
		tcp->check = sg_csum_fold(sg_pseudo6(f.daddr, f.saddr, SG_SYNACK_TCP_LEN) +
					  (__u32)bpf_csum_diff(NULL, 0, (void *)tcp,
							       SG_SYNACK_TCP_LEN, 0));
	return SG_STAT_TX_SYNACK;
}

#endif /* SG_BPF_SYNACK_H */
