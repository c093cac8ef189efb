// SPDX-License-Identifier: GPL-2.0-only
/* Test helper: a foreign XDP program, and the peer-side program veth needs
 * before XDP_TX frames are delivered to it. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdp_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
