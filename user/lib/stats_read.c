// SPDX-License-Identifier: GPL-2.0-only
/* Summing the per-CPU "stats_map" array. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "stats_read.h"

double sg_now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int sg_snapshot_read(int stats_fd, struct sg_snapshot *s)
{
	int ncpu = libbpf_num_possible_cpus();
	struct sg_counter *percpu;
	int err = 0;

	if (ncpu <= 0)
		return ncpu ? ncpu : -EINVAL;
	percpu = calloc(ncpu, sizeof(*percpu));
	if (!percpu)
		return -ENOMEM;
	memset(s, 0, sizeof(*s));
	for (__u32 key = 0; key < SG_STAT__MAX; key++) {
		if (bpf_map_lookup_elem(stats_fd, &key, percpu)) {
			err = -errno;
			break;
		}
		for (int cpu = 0; cpu < ncpu; cpu++) {
			s->c[key].packets += percpu[cpu].packets;
			s->c[key].bytes += percpu[cpu].bytes;
		}
	}
	s->mono = sg_now_mono();
	free(percpu);
	return err;
}

static void sg_add(struct sg_counter *to, const struct sg_counter *c)
{
	to->packets += c->packets;
	to->bytes += c->bytes;
}

void sg_snapshot_totals(const struct sg_snapshot *s, struct sg_totals *t)
{
	memset(t, 0, sizeof(*t));
	for (unsigned int i = 0; i < SG_STAT__MAX; i++) {
		if (SG_STAT_IS_PASS(i)) {
			sg_add(&t->passed, &s->c[i]);
			sg_add(&t->all, &s->c[i]);
		} else if (SG_STAT_IS_TX(i)) {
			sg_add(&t->answered, &s->c[i]);
			sg_add(&t->all, &s->c[i]);
		} else if (SG_STAT_IS_DROP(i)) {
			sg_add(&t->dropped, &s->c[i]);
			sg_add(&t->all, &s->c[i]);
		}
	}
}
