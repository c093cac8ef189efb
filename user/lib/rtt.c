// SPDX-License-Identifier: GPL-2.0-only
/* Reading the per-CPU handshake RTT histogram. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "attachment.h"
#include "rtt.h"

int sg_rtt_read(const struct sg_attachment *a, struct sg_rtt *r)
{
	int ncpu = libbpf_num_possible_cpus(), fd, err = 0;
	struct sg_rtt_hist *percpu;
	struct sg_config cfg;
	__u32 zero = 0;

	memset(r, 0, sizeof(*r));
	if (a->config_fd >= 0 && !bpf_map_lookup_elem(a->config_fd, &zero, &cfg))
		r->measured = cfg.flags & SG_CFG_LIVE;
	if (ncpu <= 0)
		return ncpu ? ncpu : -EINVAL;
	fd = sg_pin_get(a->dir, "rtt_map");
	if (fd < 0)
		return fd;
	percpu = calloc(ncpu, sizeof(*percpu));
	if (!percpu) {
		close(fd);
		return -ENOMEM;
	}
	if (bpf_map_lookup_elem(fd, &zero, percpu)) {
		err = -errno;
	} else {
		for (int cpu = 0; cpu < ncpu; cpu++) {
			for (int b = 0; b < SG_RTT_BUCKETS; b++)
				r->h.bucket[b] += percpu[cpu].bucket[b];
			r->h.sum_us += percpu[cpu].sum_us;
		}
		for (int b = 0; b < SG_RTT_BUCKETS; b++)
			r->count += r->h.bucket[b];
	}
	free(percpu);
	close(fd);
	return err;
}

void sg_rtt_sub(struct sg_rtt *now, const struct sg_rtt *before)
{
	now->count = 0;
	for (int b = 0; b < SG_RTT_BUCKETS; b++) {
		now->h.bucket[b] -= before->h.bucket[b];
		now->count += now->h.bucket[b];
	}
	now->h.sum_us -= before->h.sum_us;
}

double sg_rtt_bound(int b)
{
	return b < SG_RTT_BUCKETS - 1 ? (double)(1u << b) / 1e6 : 0;
}

double sg_rtt_quantile(const struct sg_rtt *r, double q)
{
	double rank = q * r->count, seen = 0, lo;

	if (!r->count)
		return -1;
	for (int b = 0; b < SG_RTT_BUCKETS; b++) {
		if (seen + r->h.bucket[b] < rank || !r->h.bucket[b]) {
			seen += r->h.bucket[b];
			continue;
		}
		/* the last bucket has no upper bound: its lower one stands */
		if (b == SG_RTT_BUCKETS - 1)
			return sg_rtt_bound(b - 1);
		lo = b ? sg_rtt_bound(b - 1) : 0;
		return lo + (sg_rtt_bound(b) - lo) * (rank - seen) / r->h.bucket[b];
	}
	return sg_rtt_bound(SG_RTT_BUCKETS - 2);
}
