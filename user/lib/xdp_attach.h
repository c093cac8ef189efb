/* SPDX-License-Identifier: GPL-2.0-only */
/* libxdp glue: who else is on an interface, and removing our program. */
#ifndef SG_USER_XDP_ATTACH_H
#define SG_USER_XDP_ATTACH_H

#include <linux/types.h>
#include <xdp/libxdp.h>

#include "common.h"

int sg_xdp_check_shareable(const struct sg_iface *ifc, enum xdp_attach_mode mode);
int sg_xdp_attach_kind(int ifindex);
int sg_xdp_detach_id(int ifindex, __u32 prog_id);
void sg_xdp_use_own_dispatcher(void);

#endif /* SG_USER_XDP_ATTACH_H */
