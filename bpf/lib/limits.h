/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Per-source limits (layout in include/synguard.h): token buckets, as GCRA,
 * for SYNs and for handshakes completed with synguard's (or the kernel's)
 * cookies. The LRU map is shared by all CPUs and updated without locks: two
 * CPUs racing on one source may each let a packet through that the other
 * would have counted, so a limit is exact per CPU and approximate overall.
 *
 * Entries are made by completed handshakes only. Spoofed sources never
 * complete one, so a random-source flood costs the SYN limit one missed
 * lookup per SYN and never evicts the real hosts being tracked.
 */
#ifndef SG_BPF_LIMITS_H
#define SG_BPF_LIMITS_H

#include "common.h"
#include "parse.h"

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, SG_LIMIT_ENTRIES);
	__type(key, struct sg_src_key);
	__type(value, struct sg_src_state);
} limits_map SEC(".maps");

#define SG_GCRA_SHIFT	10	/* times in 1/1024 jiffies */

static sg_always_inline void sg_src_key(const struct sg_pkt *pkt, struct sg_src_key *k)
{
	k->addr[0] = 0;
	k->addr[1] = 0;
	if (pkt->ip4) {
		k->family = 4;
		k->addr[0] = pkt->ip4->saddr;
	} else if (pkt->ip6) {
		k->family = 6;
		k->addr[0] = pkt->ip6->saddr.in6_u.u6_addr32[0];
		k->addr[1] = pkt->ip6->saddr.in6_u.u6_addr32[1];
	} else {
		k->family = 0;
	}
}

/*
 * One event against a limit of @rate per second with @burst at once, at
 * @now (jiffies): true if it conforms, and then it is accounted in @tat.
 */
static sg_always_inline bool sg_gcra(__u64 *tat, __u32 rate, __u32 burst, __u64 now, __u64 hz)
{
	__u64 t = now << SG_GCRA_SHIFT, interval, tolerance, next;

	if (!rate)
		return true;
	interval = (hz << SG_GCRA_SHIFT) / rate;
	interval = interval ? interval : 1;
	tolerance = interval * ((burst ? burst : 1) - 1);
	next = *tat > t ? *tat : t;
	if (next - t > tolerance)
		return false;
	*tat = next + interval;
	return true;
}

/* A SYN from a tracked source over its limit? */
static sg_always_inline bool sg_limit_syn(const struct sg_pkt *pkt, const struct sg_config *cfg,
					  __u64 now, __u64 hz)
{
	struct sg_src_state *st;
	struct sg_src_key k;

	if (!cfg->syn_limit)
		return false;
	sg_src_key(pkt, &k);
	st = bpf_map_lookup_elem(&limits_map, &k);
	return st && !sg_gcra(&st->syn_tat, cfg->syn_limit, cfg->syn_burst, now, hz);
}

/* A completed handshake: tracks its source; over the limit? */
static sg_always_inline bool sg_limit_handshake(const struct sg_pkt *pkt,
						const struct sg_config *cfg, __u64 now, __u64 hz)
{
	struct sg_src_state *st, fresh = {};
	struct sg_src_key k;

	if (!cfg->hs_limit && !cfg->syn_limit)
		return false;
	sg_src_key(pkt, &k);
	st = bpf_map_lookup_elem(&limits_map, &k);
	if (!st) {
		bpf_map_update_elem(&limits_map, &k, &fresh, BPF_NOEXIST);
		st = bpf_map_lookup_elem(&limits_map, &k);
		if (!st)
			return false;
	}
	return !sg_gcra(&st->hs_tat, cfg->hs_limit, cfg->hs_burst, now, hz);
}

#endif /* SG_BPF_LIMITS_H */
