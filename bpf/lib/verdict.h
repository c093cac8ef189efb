/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What each step of synguard_xdp decides: either the counter the packet is
 * accounted to, which also says what becomes of it (stats.h), or which
 * step decides next. A step returns one of these, so that no counter
 * number ever stands for something else.
 */
#ifndef SG_BPF_VERDICT_H
#define SG_BPF_VERDICT_H

#include "common.h"

enum sg_next {
	SG_NEXT_NONE = 0,	/* decided: .stat is the packet's counter */
	SG_NEXT_TCP,		/* a 20-byte TCP header follows: the TCP policy decides */
	SG_NEXT_COOKIES,	/* the cookie path decides, doing .act */
};

/* What the cookie path must do (SG_NEXT_COOKIES), any of: */
#define SG_ACT_COOKIES	1	/* answer the SYN; check the ACK's cookie */
#define SG_ACT_OOS	2	/* drop an ACK or RST that matches no socket */

struct sg_verdict {
	__u32 stat;		/* enum sg_stat, once decided */
	__u8 next;		/* enum sg_next */
	__u8 act;		/* SG_ACT_*, for SG_NEXT_COOKIES */
};

static sg_always_inline struct sg_verdict sg_decided(__u32 stat)
{
	return (struct sg_verdict){ .stat = stat, .next = SG_NEXT_NONE };
}

static sg_always_inline struct sg_verdict sg_next(__u8 next, __u8 act)
{
	return (struct sg_verdict){ .next = next, .act = act };
}

#endif /* SG_BPF_VERDICT_H */
