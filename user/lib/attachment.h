/* SPDX-License-Identifier: GPL-2.0-only */
/* An existing attachment, reached through its pins. */
#ifndef SG_USER_ATTACHMENT_H
#define SG_USER_ATTACHMENT_H

#include <limits.h>
#include <stdbool.h>

#include "common.h"

struct sg_attachment {
	char dir[PATH_MAX];
	struct sg_attach_info info;
	char ifname[IF_NAMESIZE];	/* current name, or the recorded one */
	int prog_fd;
	int config_fd;
	int ports_fd;
	int stats_fd;
	int events_fd;
	int info_fd;
	int attack_fd;
	bool live;			/* our program is on info.ifindex */
	bool foreign_layout;		/* attached by a synguard with another SG_PIN_LAYOUT */
};

int sg_attachment_open(const char *dir, struct sg_attachment *a);
int sg_pin_get(const char *dir, const char *name);
void sg_attachment_close(struct sg_attachment *a);
int sg_attachment_find(const char *ifname, struct sg_attachment *a);
int sg_attachment_for(const char *verb, const char *ifname, struct sg_attachment *a);
int sg_attachment_list(struct sg_attachment **out, int *count);
void sg_attachment_list_free(struct sg_attachment *list, int count);
bool sg_xdp_prog_on_ifindex(int ifindex, __u32 prog_id);

struct sg_cidr;
int sg_lists_replace(const struct sg_attachment *a, bool deny, const struct sg_cidr *items,
		     int n);

#endif /* SG_USER_ATTACHMENT_H */
