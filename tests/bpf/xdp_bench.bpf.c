// SPDX-License-Identifier: GPL-2.0-only
/*
 * Benchmark helpers, each counting what it sees in a per-CPU counter:
 *   bench_drop     the trivial XDP_DROP contender
 *   bench_reflect  the trivial swap-MAC XDP_TX reflector (the path's ceiling)
 *   bench_sink     the generator side's receiver: counts the answers that
 *                  come back and drops them
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

/* slot 0: the contender's packets (drop, reflect); slot 1: the sink's */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} seen SEC(".maps");

static __always_inline void count(__u32 slot)
{
	__u64 *c = bpf_map_lookup_elem(&seen, &slot);

	if (c)
		(*c)++;
}

SEC("xdp")
int bench_drop(struct xdp_md *ctx)
{
	count(0);
	return XDP_DROP;
}

SEC("xdp")
int bench_reflect(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	__u8 mac[6];

	if (data + 12 > end)
		return XDP_DROP;
	count(0);
	__builtin_memcpy(mac, data, 6);
	__builtin_memcpy(data, data + 6, 6);
	__builtin_memcpy(data + 6, mac, 6);
	return XDP_TX;
}

SEC("xdp")
int bench_sink(struct xdp_md *ctx)
{
	count(1);
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
