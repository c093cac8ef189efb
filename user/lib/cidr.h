/* SPDX-License-Identifier: GPL-2.0-only */
/* IPv4/IPv6 addresses and CIDR prefixes. */
#ifndef SG_USER_CIDR_H
#define SG_USER_CIDR_H

#include <linux/types.h>

struct sg_cidr {
	int family;		/* 4 or 6 */
	int prefix;		/* 0-32 or 0-128 */
	__be32 addr[4];		/* network order; IPv4 in addr[0] */
};

int sg_cidr_parse(const char *s, struct sg_cidr *out);
int sg_addr_parse(const char *s, struct sg_cidr *out);

#endif /* SG_USER_CIDR_H */
