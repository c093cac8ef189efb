// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test helper: which of synguard_xdp's paths decided a packet, seen from
 * fexit programs attached to its global functions (tests/unit/
 * test_paths.c), so that the data path itself carries nothing for tests.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

__u64 syn_fast = 0;		/* SYNs sg_syn_fast*() decided */
__u64 ack_fast = 0;		/* ACKs sg_ack_fast*() decided */
__u64 cookie_path = 0;		/* packets the general cookie path decided */

SEC("fexit/sg_syn_fast")
int BPF_PROG(syn_fast_exit, struct xdp_md *xdp, int ret)
{
	if (ret)
		__sync_fetch_and_add(&syn_fast, 1);
	return 0;
}

SEC("fexit/sg_syn_fast6")
int BPF_PROG(syn_fast6_exit, struct xdp_md *xdp, int ret)
{
	if (ret)
		__sync_fetch_and_add(&syn_fast, 1);
	return 0;
}

SEC("fexit/sg_syn_fast_vlan")
int BPF_PROG(syn_fast_vlan_exit, struct xdp_md *xdp, int ret)
{
	if (ret)
		__sync_fetch_and_add(&syn_fast, 1);
	return 0;
}

SEC("fexit/sg_syn_fast6_vlan")
int BPF_PROG(syn_fast6_vlan_exit, struct xdp_md *xdp, int ret)
{
	if (ret)
		__sync_fetch_and_add(&syn_fast, 1);
	return 0;
}

SEC("fexit/sg_ack_fast")
int BPF_PROG(ack_fast_exit, struct xdp_md *xdp, int ret)
{
	if (ret)
		__sync_fetch_and_add(&ack_fast, 1);
	return 0;
}

SEC("fexit/sg_cookie_path")
int BPF_PROG(cookie_path_exit, struct xdp_md *xdp, void *loc, int ret)
{
	__sync_fetch_and_add(&cookie_path, 1);
	return 0;
}

SEC("fexit/sg_ack_fast6")
int BPF_PROG(ack_fast6_exit, struct xdp_md *xdp, int ret)
{
	if (ret)
		__sync_fetch_and_add(&ack_fast, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
