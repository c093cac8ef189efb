/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* O(1) protected-port test against a 65536-bit bitmap. */
#ifndef SG_BPF_PORTS_H
#define SG_BPF_PORTS_H

#include "maps.h"

/* @port in host byte order */
static sg_always_inline bool sg_port_protected(__u16 port)
{
	__u32 zero = 0;
	struct sg_ports *p = bpf_map_lookup_elem(&ports_map, &zero);

	if (unlikely(!p))
		return false;
	return (p->bits[port >> 6] >> (port & 63)) & 1;
}

#endif /* SG_BPF_PORTS_H */
