// SPDX-License-Identifier: GPL-2.0-only
/* synguard detach IFACE */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "attachment.h"
#include "pins.h"
#include "xdp_attach.h"

static void detach_usage(FILE *f)
{
	fprintf(f,
		"Usage: synguard detach IFACE\n"
		"\n"
		"Remove synguard's programs from IFACE and its pins, and nothing else.\n"
		"When IFACE no longer exists, its leftover pins are removed.\n");
}

/* Detaches the link pinned as @pin in @dir, if there is one. */
static void detach_link(const char *dir, const char *pin, const char *what, const char *ifname)
{
	char path[PATH_MAX];
	int link;

	sg_pin_path(path, sizeof(path), dir, pin);
	link = bpf_obj_get(path);
	if (link < 0)
		return;
	if (bpf_link_detach(link) && errno != ENOLINK)
		sg_err("warning: cannot detach %s of %s: %s", what, ifname, strerror(errno));
	close(link);
}

int cmd_detach(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct sg_attachment a;
	const char *ifname;
	int c, err;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h') {
			detach_usage(stdout);
			return 0;
		}
		detach_usage(stderr);
		return -EINVAL;
	}
	if (optind != argc - 1) {
		sg_err("detach takes exactly one interface (see 'synguard detach --help')");
		return -EINVAL;
	}
	ifname = argv[optind];
	err = sg_require_privileges("detach");
	if (err)
		return err;

	err = sg_attachment_find(ifname, &a);
	if (err == -ENOENT) {
		if (!if_nametoindex(ifname))
			sg_err("no interface '%s' in this network namespace", ifname);
		else
			sg_err("not attached to %s", ifname);
		return err;
	}
	if (err)
		return err;

	/* The TC link first: without XDP's metadata it has nothing to do.
	 * The socket counter, attached to a cgroup, outlives the interface. */
	detach_link(a.dir, SG_PIN_TC_LINK, "the TC link", ifname);
	detach_link(a.dir, SG_PIN_SOCKOPS_LINK, "the socket counter", ifname);
	if (a.live) {
		err = sg_xdp_detach_id(a.info.ifindex, a.info.xdp_prog_id);
		if (err && err != -ENOENT) {
			sg_err("cannot detach prog id %u from %s: %s", a.info.xdp_prog_id,
			       ifname, strerror(-err));
			sg_attachment_close(&a);
			return err;
		}
	}
	sg_attachment_close(&a);
	err = sg_pins_remove(a.dir);
	if (err) {
		sg_err("cannot remove pins in %s: %s", a.dir, strerror(-err));
		return err;
	}
	if (a.live)
		sg_info("synguard detached from %s", ifname);
	else
		sg_info("removed stale synguard pins for %s (its program was no longer attached)",
			ifname);
	return 0;
}
