/* SPDX-License-Identifier: GPL-2.0-only */
/* The kernel's TcpExt counters of this network namespace. */
#ifndef SG_USER_NETSTAT_H
#define SG_USER_NETSTAT_H

/* Each of the @n TcpExt counters @names into @vals (0 if absent); a
 * negative errno if /proc/net/netstat cannot be read. The kernel keeps
 * these counters nowhere else: netlink has no message for them. */
int sg_netstat_read(const char *const *names, unsigned long long *vals, int n);

#endif /* SG_USER_NETSTAT_H */
