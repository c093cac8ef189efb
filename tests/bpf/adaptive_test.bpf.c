// SPDX-License-Identifier: GPL-2.0-only
/*
 * Adaptive mode's decision (bpf/lib/adaptive.h) on a clock the test sets:
 * each run of adaptive_syn is one SYN at jiffies `now`, with `hz` jiffies a
 * second; it returns XDP_TX when cookies are engaged, XDP_PASS when not.
 * adaptive_ack answers whether an ACK at `now` gets its cookie checked.
 */
#include "bpf/lib/common.h"
#include "bpf/lib/adaptive.h"

__u64 now;
__u64 hz;

SEC("xdp")
int adaptive_syn(struct xdp_md *ctx)
{
	struct sg_syn_rate *r;
	struct sg_config *cfg;
	struct sg_attack *a;
	__u32 zero = 0;

	cfg = bpf_map_lookup_elem(&config_map, &zero);
	r = bpf_map_lookup_elem(&syn_rate_map, &zero);
	a = bpf_map_lookup_elem(&attack_map, &zero);
	if (!cfg || !r || !a)
		return XDP_ABORTED;
	return sg_adaptive_syn(r, a, cfg, now, hz) ? XDP_TX : XDP_PASS;
}

SEC("xdp")
int adaptive_ack(struct xdp_md *ctx)
{
	struct sg_attack *a;
	__u32 zero = 0;

	a = bpf_map_lookup_elem(&attack_map, &zero);
	if (!a)
		return XDP_ABORTED;
	return sg_adaptive_acks(a, now, hz) ? XDP_TX : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
