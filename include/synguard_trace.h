/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * synguard trace: the filter the tracing programs (bpf/trace.bpf.c) apply
 * and the records they send. Included after synguard.h on both sides.
 */
#ifndef SYNGUARD_TRACE_H
#define SYNGUARD_TRACE_H

#define SG_TRACE_SNAP	    256 /* bytes of each packet kept */
#define SG_TRACE_SRCS	    8	/* --src entries */
#define SG_TRACE_PORTS	    8	/* --port entries */
#define SG_TRACE_RING_BYTES (1024 * 1024)
#define SG_TRACE_TC_SHOT    2 /* TC_ACT_SHOT */

/* Where a record was taken. */
enum sg_trace_hook {
	SG_TRACE_XDP = 1,	/* a packet synguard_xdp judged, as it arrived */
	SG_TRACE_XDP_REPLY = 2, /* the SYN-ACK it sent in reply (XDP_TX) */
	SG_TRACE_TC = 3,	/* synguard_tc completing a handshake */
};

/* A source prefix: addr already masked, both in network byte order. */
struct sg_trace_src {
	__u32 family; /* 4 or 6 */
	__u32 addr[4];
	__u32 mask[4];
};

/* The filter, fixed when the tracing programs load (.rodata). */
struct sg_trace_filter {
	__u64 deadline_ns;	     /* bpf_ktime_get_ns(): nothing is recorded after it */
	__u32 rate;		     /* records per second per CPU, at most */
	__u32 n_srcs;		     /* 0: every source */
	__u32 n_ports;		     /* 0: every destination port */
	__u16 ports[SG_TRACE_PORTS]; /* host byte order */
	struct sg_trace_src srcs[SG_TRACE_SRCS];
};

/* Per CPU: records not sent, over the rate or with the ring full. */
struct sg_trace_lost {
	__u64 rate_capped;
	__u64 ring_full;
};

/* One ring buffer record: a packet, where it was seen and what synguard
 * decided. */
struct sg_trace_rec {
	__u64 ts_ns;  /* bpf_ktime_get_ns() as it arrived */
	__u64 info;   /* bit i: info counter SG_STAT__INFO_START + 1 + i rose */
	__u32 len;    /* the frame's length */
	__u32 caplen; /* how much of it data holds */
	__u32 stat;   /* the verdict counter (enum sg_stat); SG_STAT__MAX: none */
	__u32 action; /* XDP action, or TC action */
	__u32 cpu;
	__u8 hook; /* enum sg_trace_hook */
	__u8 pad[3];
	__u8 data[SG_TRACE_SNAP];
};

#endif /* SYNGUARD_TRACE_H */
