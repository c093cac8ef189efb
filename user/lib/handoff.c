// SPDX-License-Identifier: GPL-2.0-only
/*
 * How validated cookie ACKs reach the TC program: in XDP metadata, or,
 * where the driver gives XDP no metadata room, through handoff_map
 * (bpf/lib/handoff.h). synguard picks the map at attach for the drivers
 * below, and learns it from the first refusal on any other.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <bpf/bpf.h>

#include "names.h"
#include "handoff.h"
#include "attachment.h"

/*
 * Drivers whose native XDP has no metadata room: vmxnet3 (VMware; measured,
 * every bpf_xdp_adjust_meta() refused), and from their receive paths, which
 * prepare XDP buffers with metadata marked invalid: ena (AWS), gve (Google
 * Cloud), ionic (AMD Pensando), qede (QLogic), nicvf (Cavium ThunderX).
 * Generic XDP (--xdp-mode skb) carries metadata on every driver.
 */
static const char *const sg_no_meta_drivers[] = {
	"vmxnet3", "ena", "gve", "ionic", "qede", "nicvf",
};

int sg_iface_driver(const char *ifname, char *buf, size_t len)
{
	struct ethtool_drvinfo info = { .cmd = ETHTOOL_GDRVINFO };
	struct ifreq ifr = {};
	int fd, err = 0;

	buf[0] = '\0';
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = (void *)&info;
	if (ioctl(fd, SIOCETHTOOL, &ifr))
		err = -errno;
	else
		snprintf(buf, len, "%s", info.driver);
	close(fd);
	return err;
}

bool sg_driver_lacks_meta(const char *driver)
{
	for (size_t i = 0; i < ARRAY_SIZE(sg_no_meta_drivers); i++)
		if (!strcmp(driver, sg_no_meta_drivers[i]))
			return true;
	return false;
}

__u32 sg_handoff_initial(__u32 choice, bool native, const char *driver)
{
	if (choice == SG_HANDOFF_FORCE_MAP)
		return SG_HANDOFF_MAP_FORCED;
	if (choice == SG_HANDOFF_AUTO && native && sg_driver_lacks_meta(driver))
		return SG_HANDOFF_MAP_KNOWN;
	return SG_HANDOFF_META;
}

int sg_handoff_read(const struct sg_attachment *a, struct sg_handoff_state *st)
{
	__u32 zero = 0;
	int fd = sg_pin_get(a->dir, "handoff_state_map"), err = 0;

	if (fd < 0)
		return fd;	/* attached by a synguard from before the handoff */
	if (bpf_map_lookup_elem(fd, &zero, st))
		err = -errno;
	close(fd);
	return err;
}


void sg_handoff_reason(const struct sg_attachment *a, const struct sg_handoff_state *st,
		       char *buf, size_t len)
{
	const char *drv = a->info.driver[0] ? a->info.driver : "?";

	switch (st->path) {
	case SG_HANDOFF_META:
		snprintf(buf, len, "the %s driver has carried XDP metadata so far", drv);
		break;
	case SG_HANDOFF_MAP_KNOWN:
		snprintf(buf, len, "the %s driver gives native XDP no metadata room", drv);
		break;
	case SG_HANDOFF_MAP_FORCED:
		snprintf(buf, len, "chosen at attach (--handoff map)");
		break;
	default:
		snprintf(buf, len, "the %s driver refused XDP metadata", drv);
		break;
	}
}
