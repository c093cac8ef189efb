/* SPDX-License-Identifier: GPL-2.0-only */
/* Snapshots of the per-CPU counters, summed over CPUs. */
#ifndef SG_USER_STATS_READ_H
#define SG_USER_STATS_READ_H

#include "common.h"

struct sg_snapshot {
	struct sg_counter c[SG_STAT__MAX];
	double mono;		/* CLOCK_MONOTONIC seconds when read */
};

struct sg_totals {
	struct sg_counter all, passed, answered, dropped;
};

int sg_snapshot_read(int stats_fd, struct sg_snapshot *s);
void sg_snapshot_totals(const struct sg_snapshot *s, struct sg_totals *t);
double sg_now_mono(void);

#endif /* SG_USER_STATS_READ_H */
