/* SPDX-License-Identifier: GPL-2.0-only */
/* The XDP-to-TC handoff of cookie ACKs: which path, and why (handoff.c). */
#ifndef SG_USER_HANDOFF_H
#define SG_USER_HANDOFF_H

#include <stdbool.h>
#include <stddef.h>

#include "common.h"

struct sg_attachment;

/* --handoff */
enum sg_handoff_choice {
	SG_HANDOFF_AUTO = 0,		/* metadata, unless the driver is known to lack it */
	SG_HANDOFF_TRY_META = 1,	/* metadata on any driver */
	SG_HANDOFF_FORCE_MAP = 2,	/* the map */
};

int sg_iface_driver(const char *ifname, char *buf, size_t len);
bool sg_driver_lacks_meta(const char *driver);
__u32 sg_handoff_initial(__u32 choice, bool native, const char *driver);
int sg_handoff_read(const struct sg_attachment *a, struct sg_handoff_state *st);
void sg_handoff_reason(const struct sg_attachment *a, const struct sg_handoff_state *st,
		       char *buf, size_t len);

#endif /* SG_USER_HANDOFF_H */
