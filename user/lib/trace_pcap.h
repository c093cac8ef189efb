/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * synguard trace --pcap: the traced packets as a capture (libpcap), with
 * each packet's verdict where tcpdump and Wireshark show it.
 */
#ifndef SG_USER_TRACE_PCAP_H
#define SG_USER_TRACE_PCAP_H

#include <stddef.h>
#include <sys/time.h>
#include <linux/types.h>

struct sg_pcap;

/* Creates @path; one line on stderr and NULL if it cannot. */
struct sg_pcap *sg_pcap_open(const char *path);
/* The IP packet at @l3 (@caplen of its @len bytes kept), seen at @ts
 * on @ifindex, with @verdict as its log prefix. */
int sg_pcap_write(struct sg_pcap *p, const struct timeval *ts, int family, int ifindex,
		  const __u8 *l3, size_t caplen, size_t len, const char *verdict);
/* Flushes and closes; 0 if everything reached the file. */
int sg_pcap_close(struct sg_pcap *p);

#endif /* SG_USER_TRACE_PCAP_H */
