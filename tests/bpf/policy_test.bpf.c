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

SEC("xdp")
int gcra_step(struct xdp_md *ctx)
{
	return sg_gcra(&tat, rate, burst, now, hz) ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
