// SPDX-License-Identifier: GPL-2.0-only
/* The trivial TC program the benchmark measures synguard_tc against. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("tc")
int tc_pass(struct __sk_buff *skb)
{
	return 0;	/* TC_ACT_OK */
}

char LICENSE[] SEC("license") = "GPL";
