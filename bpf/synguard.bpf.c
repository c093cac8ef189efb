// SPDX-License-Identifier: GPL-2.0-only
/*
 * synguard XDP program: classify every packet once, drop malformed frames
 * and impossible TCP flag combinations aimed at protected ports, pass the
 * rest. Each packet is accounted to exactly one per-CPU verdict counter.
 */
#include "lib/common.h"
#include "lib/maps.h"
#include "lib/stats.h"
#include "lib/parse.h"
#include "lib/ports.h"
#include "lib/tcp_flags.h"
#include "lib/events.h"

/* TCP policy for a packet whose 20-byte header is known to be readable. */
static sg_always_inline __u32 sg_tcp_verdict(struct sg_pkt *pkt)
{
	struct tcphdr *tcp = pkt->tcp;
	__u32 doff_len, bad;

	if (!sg_port_protected(bpf_ntohs(tcp->dest)))
		return SG_STAT_PASS_UNPROTECTED_PORT;

	/* A SYN cut into fragments is an evasion trick, never needed. */
	if (pkt->first_frag)
		return SG_STAT_DROP_TCP_FRAGMENT;
	doff_len = tcp->doff * 4;
	if (doff_len < sizeof(*tcp) || doff_len > pkt->l4_len)
		return SG_STAT_DROP_TCP_BAD_DOFF;

	bad = sg_tcp_flags_invalid(((__u8 *)tcp)[13]);
	if (bad)
		return bad;
	return SG_STAT_PASS_TCP;
}

SEC("xdp")
int synguard_xdp(struct xdp_md *ctx)
{
	struct sg_pkt pkt = {};
	__u32 verdict;

	verdict = sg_parse(ctx, &pkt);
	if (verdict == SG_PARSED_TCP)
		verdict = sg_tcp_verdict(&pkt);

	sg_count(verdict, pkt.len);
	if (SG_STAT_IS_PASS(verdict))
		return XDP_PASS;
	sg_event_drop(ctx, &pkt, verdict);
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
