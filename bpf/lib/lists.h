/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Allow and deny lists (layout in include/synguard.h): LPM tries of source
 * prefixes, managed live by 'synguard allow|deny'. A packet to a protected
 * port from a denied source is dropped before anything else looks at it;
 * one from an allowed source goes to the kernel, past cookies and limits.
 * Deny wins over allow. A trie is only consulted when config.lists says it
 * holds entries, so unused lists cost nothing.
 */
#ifndef SG_BPF_LISTS_H
#define SG_BPF_LISTS_H

#include "common.h"
#include "parse.h"

#define SG_LPM_MAP(name, key_t)						\
struct {								\
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);				\
	__uint(max_entries, SG_LIST_MAX_ENTRIES);			\
	__uint(map_flags, BPF_F_NO_PREALLOC);				\
	__type(key, key_t);						\
	__type(value, __u8);						\
} name SEC(".maps")

SG_LPM_MAP(allow4_map, struct sg_lpm4);
SG_LPM_MAP(allow6_map, struct sg_lpm6);
SG_LPM_MAP(deny4_map, struct sg_lpm4);
SG_LPM_MAP(deny6_map, struct sg_lpm6);

/* SG_STAT_DROP_DENIED, SG_STAT_PASS_ALLOWED, or 0 when no list matches. */
static sg_always_inline __u32 sg_lists_verdict(const struct sg_pkt *pkt, __u32 lists)
{
	struct sg_lpm4 k4;
	struct sg_lpm6 k6;

	if (pkt->ip4) {
		if (!(lists & (SG_LIST_DENY4 | SG_LIST_ALLOW4)))
			return 0;
		k4.prefixlen = 32;
		__builtin_memcpy(k4.addr, &pkt->ip4->saddr, 4);
		if ((lists & SG_LIST_DENY4) && bpf_map_lookup_elem(&deny4_map, &k4))
			return SG_STAT_DROP_DENIED;
		if ((lists & SG_LIST_ALLOW4) && bpf_map_lookup_elem(&allow4_map, &k4))
			return SG_STAT_PASS_ALLOWED;
		return 0;
	}
	if (!pkt->ip6 || !(lists & (SG_LIST_DENY6 | SG_LIST_ALLOW6)))
		return 0;
	k6.prefixlen = 128;
	__builtin_memcpy(k6.addr, &pkt->ip6->saddr, 16);
	if ((lists & SG_LIST_DENY6) && bpf_map_lookup_elem(&deny6_map, &k6))
		return SG_STAT_DROP_DENIED;
	if ((lists & SG_LIST_ALLOW6) && bpf_map_lookup_elem(&allow6_map, &k6))
		return SG_STAT_PASS_ALLOWED;
	return 0;
}

#endif /* SG_BPF_LISTS_H */
