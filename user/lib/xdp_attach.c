// SPDX-License-Identifier: GPL-2.0-only
/*
 * libxdp glue. synguard attaches through libxdp so that it can share an
 * interface with other XDP programs behind libxdp's dispatcher. Where the
 * dispatcher cannot load (kernels or sandboxes without freplace), libxdp
 * attaches the program alone; `status` reports which happened.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xdp_attach.h"

#ifndef SG_LIBDIR
#define SG_LIBDIR "/usr/local/lib/synguard"
#endif

/*
 * Points libxdp at synguard's own dispatcher (bpf/dispatcher/), whose
 * slots may be replaced by a program that changes packet data: the
 * dispatcher of libxdp 1.3 cannot run synguard on Linux >= 6.12.y. Looked
 * for beside the binary (bpf/, the build tree) and in SG_LIBDIR; an
 * LIBXDP_OBJECT_PATH the operator set is left alone.
 */
void sg_xdp_use_own_dispatcher(void)
{
	char exe[PATH_MAX], dir[PATH_MAX + 8], file[PATH_MAX + 32];
	ssize_t n;
	char *slash;

	if (getenv("LIBXDP_OBJECT_PATH"))
		return;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			snprintf(dir, sizeof(dir), "%s/bpf", exe);
			snprintf(file, sizeof(file), "%s/xdp-dispatcher.o", dir);
			if (!access(file, R_OK)) {
				setenv("LIBXDP_OBJECT_PATH", dir, 0);
				return;
			}
		}
	}
	if (!access(SG_LIBDIR "/xdp-dispatcher.o", R_OK))
		setenv("LIBXDP_OBJECT_PATH", SG_LIBDIR, 0);
}

static const char *sg_libxdp_mode_name(enum xdp_attach_mode mode)
{
	switch (mode) {
	case XDP_MODE_NATIVE:
		return "native";
	case XDP_MODE_SKB:
		return "skb";
	case XDP_MODE_HW:
		return "hw";
	default:
		return "unknown";
	}
}

/* Refuses (with the reason) when synguard could not join what is there. */
int sg_xdp_check_shareable(const struct sg_iface *ifc, enum xdp_attach_mode mode)
{
	struct xdp_multiprog *mp = xdp_multiprog__get_from_ifindex(ifc->ifindex);
	struct xdp_program *p;
	enum xdp_attach_mode have;
	int err = 0;

	if (libxdp_get_error(mp) || !mp)
		return 0;	/* nothing attached */
	have = xdp_multiprog__attach_mode(mp);
	if (xdp_multiprog__is_legacy(mp)) {
		p = xdp_multiprog__main_prog(mp);
		if (p) {
			sg_err("%s already has XDP program '%s' (id %u, %s mode) attached without "
			       "libxdp's dispatcher; remove it first or load it through libxdp",
			       ifc->name, xdp_program__name(p), xdp_program__id(p),
			       sg_libxdp_mode_name(have));
			err = -EBUSY;
		}
	} else if (xdp_multiprog__main_prog(mp) && have != mode) {
		sg_err("%s has a libxdp dispatcher in %s mode; attach with --xdp-mode %s",
		       ifc->name, sg_libxdp_mode_name(have), sg_libxdp_mode_name(have));
		err = -EBUSY;
	}
	xdp_multiprog__close(mp);
	return err;
}

int sg_xdp_attach_kind(int ifindex)
{
	struct xdp_multiprog *mp = xdp_multiprog__get_from_ifindex(ifindex);
	int kind;

	if (libxdp_get_error(mp) || !mp)
		return 0;
	kind = xdp_multiprog__is_legacy(mp) ? SG_ATTACH_SINGLE : SG_ATTACH_DISPATCHER;
	xdp_multiprog__close(mp);
	return kind;
}

/* Removes program @prog_id from @ifindex, leaving any other program alone.
 * Returns -ENOENT if it is not there. */
int sg_xdp_detach_id(int ifindex, __u32 prog_id)
{
	struct xdp_multiprog *mp = xdp_multiprog__get_from_ifindex(ifindex);
	struct xdp_program *p;
	int err = -ENOENT;

	if (libxdp_get_error(mp) || !mp)
		return -ENOENT;
	if (xdp_multiprog__is_legacy(mp)) {
		p = xdp_multiprog__main_prog(mp);
		if (p && xdp_program__id(p) == prog_id)
			err = xdp_multiprog__detach(mp);
	} else {
		for (p = xdp_multiprog__next_prog(NULL, mp); p; p = xdp_multiprog__next_prog(p, mp)) {
			if (xdp_program__id(p) != prog_id)
				continue;
			err = xdp_program__detach(p, ifindex, xdp_multiprog__attach_mode(mp), 0);
			break;
		}
	}
	xdp_multiprog__close(mp);
	return err;
}
