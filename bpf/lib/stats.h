/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Per-CPU counters: one lookup and two plain adds, no atomics. */
#ifndef SG_BPF_STATS_H
#define SG_BPF_STATS_H

#include "maps.h"

static sg_always_inline void sg_count(__u32 stat, __u64 bytes)
{
	struct sg_counter *c = bpf_map_lookup_elem(&stats_map, &stat);

	if (likely(c)) {
		c->packets++;
		c->bytes += bytes;
	}
}

/* For info counters that record a quantity rather than one packet. */
static sg_always_inline void sg_count_n(__u32 stat, __u64 n)
{
	struct sg_counter *c = bpf_map_lookup_elem(&stats_map, &stat);

	if (likely(c))
		c->packets += n;
}

#endif /* SG_BPF_STATS_H */
