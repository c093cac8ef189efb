/* SPDX-License-Identifier: GPL-2.0-only */
/* What synguard trace reads off a recorded frame, and how it names verdicts. */
#ifndef SG_USER_TRACE_PKT_H
#define SG_USER_TRACE_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "common.h"
#include "synguard_trace.h"

struct sg_tpkt {
	int family; /* 4, 6, or 0: not IP */
	int l3_off; /* where the IP header starts */
	bool tcp;   /* a TCP header was read */
	__u8 saddr[16], daddr[16];
	__u16 sport, dport;
	__u8 flags;
	__u32 seq, ack;
	__u16 window;
	__u32 payload; /* TCP payload bytes, by the IP length */
	int mss;       /* options: -1 where absent */
	int wscale;
	bool sack_perm, ts;
	__u32 tsval, tsecr;
};

/* Reads @caplen bytes of a frame; false if it holds no IP header. */
bool sg_tpkt_parse(const __u8 *d, size_t caplen, struct sg_tpkt *p);
/* "S", "SA", "A", "PA", "FA", "R" ... as tcpdump names flags. */
const char *sg_tpkt_flags(__u8 flags, char *buf, size_t len);
/* "mss 1460,sackOK,TS 123/0,wscale 7" */
const char *sg_tpkt_options(const struct sg_tpkt *p, char *buf, size_t len);
/* "10.0.0.2:40000" or "[fd00::2]:40000" */
const char *sg_tpkt_endpoint(const struct sg_tpkt *p, bool src, char *buf, size_t len);

/* What a verdict counter means for the packet it judged, as a phrase
 * ("answered in XDP: SYN-ACK, cookie"); @cfg says which mode judged. */
const char *sg_trace_verdict_text(unsigned int stat, const struct sg_config *cfg);
/* What synguard_tc did for the handshake a record names. */
const char *sg_trace_tc_text(__u64 info, __u32 action);

#endif /* SG_USER_TRACE_PKT_H */
