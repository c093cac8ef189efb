/* SPDX-License-Identifier: GPL-2.0-only */
/* SYN-cookie settings derived from the interface and the namespace. */
#ifndef SG_USER_COOKIES_H
#define SG_USER_COOKIES_H

#include "common.h"
#include "kernel_probe.h"

int sg_cookies_require(const struct sg_features *f, const struct sg_config *cfg);
int sg_cookies_config(const struct sg_iface *ifc, struct sg_config *cfg);
int sg_cookie_key_parse(const char *name, const char *buf, size_t n, struct sg_cookie_key *key);
int sg_cookie_key_load(const char *path, struct sg_cookie_key *key);
__u64 sg_cookie_epoch_now(__u32 key_shift);
int sg_cookies_can_turn_on(__u32 tc_link_id, const char *ifname, const struct sg_config *cfg);
void sg_limits_config(struct sg_config *cfg, const __u32 v[4]);
void sg_adaptive_config(struct sg_config *cfg, __u32 syn_threshold, __u32 cooldown_ms);

#endif /* SG_USER_COOKIES_H */
