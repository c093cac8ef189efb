/* SPDX-License-Identifier: GPL-2.0-only */
/* The handshake RTT histogram (bpf/lib/rtt.h), summed over CPUs. */
#ifndef SG_USER_RTT_H
#define SG_USER_RTT_H

#include <stdbool.h>

#include "common.h"

struct sg_attachment;

struct sg_rtt {
	struct sg_rtt_hist h;
	__u64 count;
	bool measured; /* the socket counter (synguard_sockops) runs */
};

/* @a's histogram; a negative errno if its map cannot be read. */
int sg_rtt_read(const struct sg_attachment *a, struct sg_rtt *r);
/* @now less @before, bucket by bucket (for a rate window). */
void sg_rtt_sub(struct sg_rtt *now, const struct sg_rtt *before);
/* Bucket @b's upper bound in seconds; 0 for the last (+Inf). */
double sg_rtt_bound(int b);
/* The @q quantile (0-1) in seconds, interpolated within its bucket as
 * Prometheus's histogram_quantile() does; < 0 without samples. */
double sg_rtt_quantile(const struct sg_rtt *r, double q);

#endif /* SG_USER_RTT_H */
