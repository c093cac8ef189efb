/* SPDX-License-Identifier: GPL-2.0-only */
/* The completion modes: which one an attachment uses, and the SYNPROXY
 * mode's kernel side (synguard's nftables table, nf_conntrack_tcp_loose). */
#ifndef SG_USER_SYNPROXY_H
#define SG_USER_SYNPROXY_H

#include "common.h"
#include "kernel_probe.h"

int sg_completion_pick(const struct sg_features *f, struct sg_config *cfg, __u32 *why);
const char *sg_completion_reason(__u32 why, const struct sg_config *cfg);
void sg_synproxy_values(struct sg_config *cfg);

int sg_synproxy_install(__u32 ifindex, const char *ifname, const struct sg_config *cfg,
			const struct sg_ports *ports, __u32 *loose_saved);
int sg_synproxy_ports(__u32 ifindex, const struct sg_ports *ports);
int sg_synproxy_remove(__u32 ifindex, __u32 loose_saved);
bool sg_synproxy_present(__u32 ifindex);
bool sg_synproxy_wanted(const struct sg_config *cfg);

struct sg_attachment;
int sg_config_commit(struct sg_attachment *a, const struct sg_config *old, struct sg_config *cfg,
		     const struct sg_ports *ports);

#endif /* SG_USER_SYNPROXY_H */
