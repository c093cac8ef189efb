/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * TCP flag combinations no conforming stack sends. Returns the drop
 * counter for the first rule a packet breaks, or 0 when the flags are
 * acceptable. ECE and CWR are ignored (ECN negotiation uses them on SYNs).
 */
#ifndef SG_BPF_TCP_FLAGS_H
#define SG_BPF_TCP_FLAGS_H

#include "common.h"

static sg_always_inline __u32 sg_tcp_flags_invalid(__u8 flags)
{
	flags &= SG_TCP_FIN | SG_TCP_SYN | SG_TCP_RST | SG_TCP_PSH |
		 SG_TCP_ACK | SG_TCP_URG;

	/* The common case: ACK alone or with PSH/FIN/URG. */
	if (likely(flags & SG_TCP_ACK)) {
		if (unlikely(flags & SG_TCP_SYN)) {
			if (flags & SG_TCP_FIN)
				return SG_STAT_DROP_FLAGS_SYN_FIN;
			if (flags & SG_TCP_RST)
				return SG_STAT_DROP_FLAGS_SYN_RST;
		} else if (unlikely((flags & (SG_TCP_FIN | SG_TCP_RST)) ==
				    (SG_TCP_FIN | SG_TCP_RST))) {
			return SG_STAT_DROP_FLAGS_FIN_RST;
		}
		return 0;
	}
	if (!flags)
		return SG_STAT_DROP_FLAGS_NULL;
	if ((flags & (SG_TCP_SYN | SG_TCP_FIN)) == (SG_TCP_SYN | SG_TCP_FIN))
		return SG_STAT_DROP_FLAGS_SYN_FIN;
	if ((flags & (SG_TCP_SYN | SG_TCP_RST)) == (SG_TCP_SYN | SG_TCP_RST))
		return SG_STAT_DROP_FLAGS_SYN_RST;
	if ((flags & (SG_TCP_FIN | SG_TCP_RST)) == (SG_TCP_FIN | SG_TCP_RST))
		return SG_STAT_DROP_FLAGS_FIN_RST;
	if (flags & SG_TCP_FIN)
		return SG_STAT_DROP_FLAGS_FIN_NO_ACK;
	if (flags & SG_TCP_PSH)
		return SG_STAT_DROP_FLAGS_PSH_NO_ACK;
	if (flags & SG_TCP_URG)
		return SG_STAT_DROP_FLAGS_URG_NO_ACK;
	return 0;	/* SYN or RST alone */
}

#endif /* SG_BPF_TCP_FLAGS_H */
