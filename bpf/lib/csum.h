/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Internet checksums for headers synguard writes itself. */
#ifndef SG_BPF_CSUM_H
#define SG_BPF_CSUM_H

#include "common.h"

static sg_always_inline __u16 sg_csum_fold(__u64 sum)
{
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

/* Partial sum of @n 32-bit words at @w, as bpf_csum_diff() would add them,
 * without the cost of a helper call. */
static sg_always_inline __u64 sg_csum_words(const __u32 *w, __u32 n)
{
	__u64 sum = 0;

	for (__u32 i = 0; i < n; i++)
		sum += w[i];
	return sum;
}

/* Ones'-complement partial sum of the pseudo-header, in network order
 * words (as bpf_csum_diff sums them). */
static sg_always_inline __u64 sg_pseudo4(__be32 saddr, __be32 daddr, __u32 len)
{
	return (__u64)saddr + daddr + bpf_htonl((SG_IPPROTO_TCP << 16) | len);
}

static sg_always_inline __u64 sg_pseudo6(const __be32 *saddr, const __be32 *daddr, __u32 len)
{
	__u64 sum = bpf_htonl(len) + bpf_htonl(SG_IPPROTO_TCP);

	for (int i = 0; i < 4; i++)
		sum += (__u64)saddr[i] + daddr[i];
	return sum;
}

#endif /* SG_BPF_CSUM_H */
