/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * synflood's ABI: the configuration its XDP generator (synflood.bpf.c)
 * reads from the single-entry "gen_cfg_map", written by synflood.c. BPF
 * code includes it after vmlinux.h; user code after <linux/types.h>.
 */
#ifndef SG_SYNFLOOD_H
#define SG_SYNFLOOD_H

enum sg_gen_mode {
	SG_GEN_SYN = 1,
	SG_GEN_ACK = 2,
	SG_GEN_RST = 3,
	SG_GEN_MIX = 4,		/* SYN, ACK, RST in turn */
};

enum sg_gen_opts {
	SG_GEN_OPTS_NONE = 0,	/* bare 20-byte TCP header */
	SG_GEN_OPTS_MSS = 1,	/* MSS only (24 bytes) */
	SG_GEN_OPTS_LINUX = 2,	/* MSS, SACK-permitted, timestamps, wscale (40) */
};

struct sg_gen_cfg {
	__u8 dst_mac[6];
	__u8 src_mac[6];
	__u8 family;		/* 4 or 6 */
	__u8 mode;		/* enum sg_gen_mode */
	__u8 opts;		/* enum sg_gen_opts (SYNs only) */
	__u8 src_prefix;	/* source CIDR prefix length */
	__be32 src[4];		/* source network; IPv4 in src[0] */
	__be32 dst[4];
	__be16 dport;
	__u16 pad;
	__u32 pad2;
	__u64 generated;	/* frames written so far (one generator thread) */
};

#endif /* SG_SYNFLOOD_H */
