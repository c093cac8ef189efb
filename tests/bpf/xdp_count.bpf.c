// SPDX-License-Identifier: GPL-2.0-only
/* Test helper: another XDP program, loaded through libxdp beside synguard,
 * that counts what it sees and passes it on. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

__u64 seen = 0;

SEC("xdp")
int xdp_count(struct xdp_md *ctx)
{
	__sync_fetch_and_add(&seen, 1);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
