// SPDX-License-Identifier: GPL-2.0-only
/* Interface names, resolved in the caller's network namespace. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <net/if.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "common.h"

int sg_iface_resolve(const char *name, struct sg_iface *out)
{
	if (!name || !*name) {
		sg_err("missing interface name");
		return -EINVAL;
	}
	if (strlen(name) >= IF_NAMESIZE) {
		sg_err("interface name '%s' is too long (at most %d characters)", sg_quote(name),
		       IF_NAMESIZE - 1);
		return -EINVAL;
	}
	out->ifindex = if_nametoindex(name);
	if (!out->ifindex) {
		sg_err("no interface '%s' in this network namespace", sg_quote(name));
		return -ENODEV;
	}
	snprintf(out->name, sizeof(out->name), "%s", name);
	return 0;
}

/* @ifc's MTU, or -1. */
int sg_iface_mtu(const struct sg_iface *ifc)
{
	struct ifreq ifr = {};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), mtu = -1;

	if (fd < 0)
		return -1;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifc->name);
	if (!ioctl(fd, SIOCGIFMTU, &ifr))
		mtu = ifr.ifr_mtu;
	close(fd);
	return mtu;
}
