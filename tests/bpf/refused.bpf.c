// SPDX-License-Identifier: GPL-2.0-only
/* Test helper: a program every verifier refuses (a packet read without a
 * bounds check), for the test of how a refusal is reported. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

SEC("xdp")
int refused_xdp(struct xdp_md *ctx)
{
	return *(__u8 *)(long)ctx->data == 0 ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
