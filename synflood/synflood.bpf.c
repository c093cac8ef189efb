// SPDX-License-Identifier: GPL-2.0-only
/*
 * synflood's frame writer (a lab tool, not part of synguard's datapath).
 * Run with BPF_PROG_RUN and BPF_F_TEST_XDP_LIVE_FRAMES: every run rewrites
 * the whole frame, because live-frames pages are recycled without being
 * reset, and returns XDP_TX to send it out of the interface the run names.
 * Sources are drawn from a CIDR, ports and sequence numbers at random, and
 * both checksums are computed.
 */
#include "bpf/lib/common.h"
#include "bpf/lib/csum.h"
#include "synflood/synflood.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sg_gen_cfg);
} gen_cfg_map SEC(".maps");

static sg_always_inline __be32 gen_addr_word(__be32 net, int prefix_bits, __u32 rnd)
{
	__u32 mask;

	if (prefix_bits >= 32)
		return net;
	mask = prefix_bits <= 0 ? 0 : ~0u << (32 - prefix_bits);
	return bpf_htonl((bpf_ntohl(net) & mask) | (rnd & ~mask));
}

/* TCP header and options at @tcp; @opt_len is a constant at each call. */
static sg_always_inline int gen_tcp(const struct sg_gen_cfg *cfg, struct tcphdr *tcp,
				    void *end, __u32 opt_len, __u8 flags, __u64 pseudo)
{
	__u8 *o = (__u8 *)(tcp + 1);
	__u32 tsval;

	if ((void *)(tcp + 1) + opt_len > end)
		return -1;
	tcp->source = bpf_htons(1024 + bpf_get_prandom_u32() % 64512);
	tcp->dest = cfg->dport;
	tcp->seq = bpf_get_prandom_u32();
	tcp->ack_seq = flags & SG_TCP_ACK ? bpf_get_prandom_u32() : 0;
	SG_TCP_DOFF_BYTE(tcp) = ((20 + opt_len) / 4) << 4;
	SG_TCP_FLAGS(tcp) = flags;
	tcp->window = bpf_htons(64240);
	tcp->check = 0;
	tcp->urg_ptr = 0;
	if (opt_len >= 4) {
		o[0] = 2;
		o[1] = 4;
		o[2] = 1460 >> 8;
		o[3] = 1460 & 0xff;
	}
	if (opt_len >= 20) {
		tsval = bpf_get_prandom_u32();
		o[4] = 4;
		o[5] = 2;
		o[6] = 8;
		o[7] = 10;
		__builtin_memcpy(&o[8], &tsval, 4);
		__builtin_memset(&o[12], 0, 4);
		o[16] = 1;
		o[17] = 3;
		o[18] = 3;
		o[19] = 7;
	}
	tcp->check = sg_csum_fold(pseudo + (__u32)bpf_csum_diff(NULL, 0, (void *)tcp,
							     20 + opt_len, 0));
	return 0;
}

SEC("xdp")
int synflood_gen(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct sg_gen_cfg *cfg;
	__u32 zero = 0, opt_len = 0, tcp_len, r;
	struct tcphdr *tcp;
	__u8 flags, mode;
	__u64 pseudo;
	int err;

	cfg = bpf_map_lookup_elem(&gen_cfg_map, &zero);
	if (!cfg || (void *)(eth + 1) > end)
		return XDP_ABORTED;
	mode = cfg->mode;
	if (mode == SG_GEN_MIX)
		mode = SG_GEN_SYN + cfg->generated % 3;
	flags = mode == SG_GEN_SYN ? SG_TCP_SYN : mode == SG_GEN_ACK ? SG_TCP_ACK :
		SG_TCP_RST | SG_TCP_ACK;
	if (mode == SG_GEN_SYN)
		opt_len = cfg->opts == SG_GEN_OPTS_LINUX ? 20 : cfg->opts == SG_GEN_OPTS_MSS ? 4 : 0;
	tcp_len = 20 + opt_len;

	__builtin_memcpy(eth->h_dest, cfg->dst_mac, 6);
	__builtin_memcpy(eth->h_source, cfg->src_mac, 6);

	if (cfg->family == 4) {
		struct iphdr *ip = (void *)(eth + 1);

		if ((void *)(ip + 1) > end)
			return XDP_ABORTED;
		eth->h_proto = bpf_htons(ETH_P_IP);
		ip->version = 4;
		ip->ihl = 5;
		ip->tos = 0;
		ip->tot_len = bpf_htons(20 + tcp_len);
		ip->id = 0;
		ip->frag_off = bpf_htons(0x4000);
		ip->ttl = 64;
		ip->protocol = SG_IPPROTO_TCP;
		ip->check = 0;
		ip->saddr = gen_addr_word(cfg->src[0], cfg->src_prefix, bpf_get_prandom_u32());
		ip->daddr = cfg->dst[0];
		ip->check = sg_csum_fold(bpf_csum_diff(NULL, 0, (void *)ip, 20, 0));
		pseudo = sg_pseudo4(ip->saddr, ip->daddr, tcp_len);
		tcp = (void *)(ip + 1);
	} else {
		struct ipv6hdr *ip6 = (void *)(eth + 1);
		__be32 saddr[4];

		if ((void *)(ip6 + 1) > end)
			return XDP_ABORTED;
		eth->h_proto = bpf_htons(ETH_P_IPV6);
		*(__be32 *)ip6 = bpf_htonl(0x60000000);
		ip6->payload_len = bpf_htons(tcp_len);
		ip6->nexthdr = SG_IPPROTO_TCP;
		ip6->hop_limit = 64;
		for (int i = 0; i < 4; i++) {
			r = bpf_get_prandom_u32();
			saddr[i] = gen_addr_word(cfg->src[i], cfg->src_prefix - 32 * i, r);
		}
		__builtin_memcpy(&ip6->saddr, saddr, 16);
		__builtin_memcpy(&ip6->daddr, cfg->dst, 16);
		pseudo = sg_pseudo6(saddr, cfg->dst, tcp_len);
		tcp = (void *)(ip6 + 1);
	}

	if (opt_len == 20)
		err = gen_tcp(cfg, tcp, end, 20, flags, pseudo);
	else if (opt_len == 4)
		err = gen_tcp(cfg, tcp, end, 4, flags, pseudo);
	else
		err = gen_tcp(cfg, tcp, end, 0, flags, pseudo);
	if (err)
		return XDP_ABORTED;
	cfg->generated++;
	return XDP_TX;
}

char LICENSE[] SEC("license") = "GPL";
