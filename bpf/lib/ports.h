/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* O(1) protected-port test against a 65536-bit bitmap (sg_ports). */
#ifndef SG_BPF_PORTS_H
#define SG_BPF_PORTS_H

#include "maps.h"

/* @port as the packet holds it (network byte order): see struct sg_ports */
static sg_always_inline bool sg_port_protected(__be16 port)
{
	__u16 i = (__u16)port;

	return (sg_ports.bits[i >> 6] >> (i & 63)) & 1;
}

#endif /* SG_BPF_PORTS_H */
