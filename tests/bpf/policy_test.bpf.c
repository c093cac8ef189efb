// SPDX-License-Identifier: GPL-2.0-only
/*
 * The policy's decisions on a clock the test sets (`now` in jiffies, `hz`
 * jiffies a second):
 *   adaptive_syn  one SYN through bpf/lib/adaptive.h: XDP_TX when cookies
 *                 are engaged, XDP_PASS when not
 *   adaptive_ack  XDP_TX when an ACK at `now` gets its cookie checked
 *   gcra_step     one event against bpf/lib/limits.h's token bucket with
 *                 `rate` and `burst`: XDP_PASS if it conforms, XDP_DROP if not
 */
#include "bpf/lib/common.h"
#include "bpf/lib/adaptive.h"
#include "bpf/lib/limits.h"

__u64 now;
__u64 hz;
__u64 tat;
__u32 rate;
__u32 burst;

SEC("xdp")
int adaptive_syn(struct xdp_md *ctx)
{
	struct sg_syn_rate *r;
	__u32 zero = 0;

	r = bpf_map_lookup_elem(&syn_rate_map, &zero);
	if (!r)
		return XDP_ABORTED;
	return sg_adaptive_syn(r, &sg_attack, &sg_cfg, now, hz) ? XDP_TX : XDP_PASS;
}

SEC("xdp")
int adaptive_ack(struct xdp_md *ctx)
{
	return sg_adaptive_acks(&sg_attack, now, hz) ? XDP_TX : XDP_PASS;
}

SEC("xdp")
int gcra_step(struct xdp_md *ctx)
{
	return sg_gcra(&tat, rate, burst, now, hz) ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
