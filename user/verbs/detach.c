// SPDX-License-Identifier: GPL-2.0-only
/* synguard detach IFACE */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "attachment.h"
#include "pins.h"
#include "synproxy.h"
#include "verbs.h"
#include "xdp_attach.h"

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

static int cmd_detach(int argc, char **argv);

static const struct sg_opt detach_opts[] = {
	{}
};

const struct sg_verb sg_verb_detach = {
	.name = "detach",
	.usage = "IFACE",
	.summary = "remove synguard from an interface",
	.about = "Remove synguard's programs from IFACE and its pins, and nothing else. When "
		 "IFACE no longer exists, its leftover pins are removed.",
	.opts = detach_opts,
	.pos = "interface", .pos_min = 1, .pos_max = 1,
	.main = cmd_detach,
};

static int cmd_detach(int argc, char **argv)
{
	struct detach_cfg d;
	int first = sg_params_parse(&sg_verb_detach, argc, argv, &d);

	if (first <= 0)
		return first;
	d.ifname = argv[first];
	return do_detach(&d);
}

static int detach_locked(const void *arg)
{
	const struct detach_cfg *d = arg;
	const char *ifname = d->ifname;
	struct sg_attachment a;
	int err;

	err = sg_require_privileges("detach");
	if (err)
		return err;

	err = sg_attachment_find(ifname, &a);
	if (err == -ENOENT) {
		if (!if_nametoindex(ifname))
			sg_err("no interface '%s' in this network namespace", sg_quote(ifname));
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
	/* the table goes with the program: SYNPROXY without synguard in front
	 * would answer every SYN itself, which nobody asked for */
	err = sg_synproxy_remove(a.info.ifindex, a.info.loose_saved);
	if (err)
		sg_err("cannot remove synguard's nftables table inet synguard_%u; remove it "
		       "with 'nft delete table inet synguard_%u'",
		       a.info.ifindex, a.info.ifindex);
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

/* detach, one change at a time (lock.c). */
int do_detach(const struct detach_cfg *d)
{
	return sg_change_locked("detach", detach_locked, d);
}
