/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Includes, constants and small helpers every synguard BPF file needs. */
#ifndef SG_BPF_COMMON_H
#define SG_BPF_COMMON_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "synguard.h"

/* vmlinux.h carries types, not macros: the protocol numbers we need. */
#define ETH_P_IP	0x0800
#define ETH_P_IPV6	0x86DD
#define ETH_P_8021Q	0x8100
#define ETH_P_8021AD	0x88A8

#define SG_IPPROTO_TCP		6
#define SG_IPPROTO_HOPOPTS	0
#define SG_IPPROTO_ROUTING	43
#define SG_IPPROTO_FRAGMENT	44
#define SG_IPPROTO_AH		51
#define SG_IPPROTO_DSTOPTS	60
#define SG_IPPROTO_MH		135

#define SG_IP_MF	0x2000
#define SG_IP_OFFSET	0x1FFF

#define SG_TCP_FIN	0x01
#define SG_TCP_SYN	0x02
#define SG_TCP_RST	0x04
#define SG_TCP_PSH	0x08
#define SG_TCP_ACK	0x10
#define SG_TCP_URG	0x20

/* The TCP header's bytes that hold the data offset (high nibble) and the
 * flags, as lvalues: all the flags in one byte, which struct tcphdr splits
 * into bit fields. */
#define SG_TCP_OFF_DOFF		12
#define SG_TCP_OFF_FLAGS	13
#define SG_TCP_DOFF_BYTE(tcp)	(((__u8 *)(tcp))[SG_TCP_OFF_DOFF])
#define SG_TCP_FLAGS(tcp)	(((__u8 *)(tcp))[SG_TCP_OFF_FLAGS])

#define SG_MAX_VLAN_DEPTH	2
#define SG_MAX_IPV6_EXT		6

#ifndef likely
#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#endif

#define sg_always_inline inline __attribute__((always_inline))

/*
 * A 16-bit header field in host order, bounded where the verifier can see
 * it. Older verifiers (6.12's, measured; 6.18's tracks it) give a byte
 * swap's result no bounds at all, and refuse it in pointer math ("math
 * between pkt pointer and register with unbounded min value is not
 * allowed") or as an index ("R3 unbounded memory access, make sure to
 * bounds check any such access"); clang drops a plain mask as redundant,
 * so the value is hidden from it first.
 */
static sg_always_inline __u32 sg_ntohs(__be16 v)
{
	__u32 h = bpf_ntohs(v);

	asm volatile("" : "+r"(h));
	return h & 0xffff;
}

#endif /* SG_BPF_COMMON_H */
