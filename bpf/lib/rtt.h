/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Handshake RTTs: when a connection to a protected port of the interface's
 * namespace is accepted (PASSIVE_ESTABLISHED), synguard_sockops adds its
 * handshake's RTT, SYN-ACK to ACK, to a per-CPU histogram (layout in
 * include/synguard.h). A handshake the kernel answered has the kernel's
 * sample in srtt_us. One synguard answered with a cookie has a sample
 * there that is not its RTT (a request socket's is taken from the
 * timestamp echo and comes out near 1 ms; SYNPROXY's is its own replay to
 * the server, microseconds), so synguard's, kept in hs_seen_map when the
 * cookie was taken, is used instead.
 */
#ifndef SG_BPF_RTT_H
#define SG_BPF_RTT_H

#include "common.h"
#include "handshakes.h"
#include "live.h"
#include "maps.h"
#include "ports.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sg_rtt_hist);
} rtt_map SEC(".maps");

/* The histogram's bucket for @us: its number of significant bits, at
 * most the last bucket's. */
static sg_always_inline __u32 sg_rtt_bucket(__u32 us)
{
	__u32 b = 0;

	while (b < SG_RTT_BUCKETS - 1 && us >> b)
		b++;
	return b;
}

/* The handshake synguard completed for the socket, as hs_seen_map keys
 * it: the client's 4-tuple and ISN. */
static sg_always_inline void sg_rtt_hs_key(const struct bpf_sock_ops *skops, struct sg_hs_key *k)
{
	struct sg_conn4 c4 = {};
	struct sg_conn6 c6 = {};

	if (sg_live_conn(skops, &c4, &c6)) {
		k->flow.family = 4;
		k->flow.saddr[0] = c4.saddr;
		k->flow.daddr[0] = c4.daddr;
		k->flow.sport = c4.sport;
		k->flow.dport = c4.dport;
	} else {
		k->flow.family = 6;
		__builtin_memcpy(k->flow.saddr, c6.saddr, sizeof(c6.saddr));
		__builtin_memcpy(k->flow.daddr, c6.daddr, sizeof(c6.daddr));
		k->flow.sport = c6.sport;
		k->flow.dport = c6.dport;
	}
	/* nothing is queued before this op: rcv_nxt is the ACK's seq */
	k->isn = skops->rcv_nxt - 1;
}

static sg_always_inline void sg_rtt_sockops(struct bpf_sock_ops *skops)
{
	struct sg_hs_key k;
	struct sg_rtt_hist *h;
	__u32 zero = 0, us, *ours;

	if (skops->op != BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB ||
	    !sg_port_protected(bpf_htons(skops->local_port)) ||
	    bpf_get_netns_cookie(skops) != sg_cfg.netns_cookie)
		return;
	__builtin_memset(&k, 0, sizeof(k));
	sg_rtt_hs_key(skops, &k);
	ours = bpf_map_lookup_elem(&hs_seen_map, &k);
	/* srtt_us is in eighths of a microsecond; 0 where the kernel took
	 * no sample (its SYN-ACK was sent again, and no timestamps) */
	us = ours ? *ours : skops->srtt_us ? skops->srtt_us >> 3 : SG_HS_NO_RTT;
	if (us == SG_HS_NO_RTT)
		return;
	h = bpf_map_lookup_elem(&rtt_map, &zero);
	if (!h)
		return;
	h->bucket[sg_rtt_bucket(us)]++;
	h->sum_us += us;
}

#endif /* SG_BPF_RTT_H */
