// SPDX-License-Identifier: GPL-2.0-only
/* Opening, finding and listing attachments in the caller's netns. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "attachment.h"
#include "pins.h"

/* True if prog_id runs on ifindex, alone or behind libxdp's dispatcher.
 * The kernel's answer first: libxdp's xdp_multiprog__get_from_ifindex()
 * leaves an fd of the attached program open for a single program (two a
 * reload in the daemon, found by the soak test). */
bool sg_xdp_prog_on_ifindex(int ifindex, __u32 prog_id)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	struct xdp_multiprog *mp;
	struct xdp_program *p;
	bool found = false;
	int err;

	do
		err = bpf_xdp_query(ifindex, 0, &q);
	while (err == -EINTR);
	if (err || !q.prog_id)
		return false;
	if (q.drv_prog_id == prog_id || q.skb_prog_id == prog_id || q.hw_prog_id == prog_id)
		return true;
	mp = xdp_multiprog__get_from_ifindex(ifindex);
	if (libxdp_get_error(mp) || !mp)
		return false;
	if (xdp_multiprog__is_legacy(mp)) {
		p = xdp_multiprog__main_prog(mp);
		found = p && xdp_program__id(p) == prog_id;
	} else {
		for (p = xdp_multiprog__next_prog(NULL, mp); p && !found;
		     p = xdp_multiprog__next_prog(p, mp))
			found = xdp_program__id(p) == prog_id;
	}
	xdp_multiprog__close(mp);
	return found;
}

int sg_pin_get(const char *dir, const char *name)
{
	char path[PATH_MAX];
	int fd;

	sg_pin_path(path, sizeof(path), dir, name);
	fd = bpf_obj_get(path);
	return fd < 0 ? -errno : fd;
}

static void sg_attachment_init(struct sg_attachment *a)
{
	memset(a, 0, sizeof(*a));
	a->prog_fd = a->config_fd = a->ports_fd = -1;
	a->stats_fd = a->events_fd = a->info_fd = a->attack_fd = -1;
}

int sg_attachment_open(const char *dir, struct sg_attachment *a)
{
	static const struct {
		const char *name;
		size_t off;
	} pins[] = {
		{ SG_PIN_XDP_PROG, offsetof(struct sg_attachment, prog_fd) },
		{ "config_map", offsetof(struct sg_attachment, config_fd) },
		{ "ports_map", offsetof(struct sg_attachment, ports_fd) },
		{ "stats_map", offsetof(struct sg_attachment, stats_fd) },
		{ "events_map", offsetof(struct sg_attachment, events_fd) },
		{ "info_map", offsetof(struct sg_attachment, info_fd) },
		{ "attack_map", offsetof(struct sg_attachment, attack_fd) },
	};
	struct bpf_prog_info pinfo = {};
	__u32 plen = sizeof(pinfo), zero = 0;
	char name[IF_NAMESIZE];

	sg_attachment_init(a);
	snprintf(a->dir, sizeof(a->dir), "%s", dir);
	for (size_t i = 0; i < ARRAY_SIZE(pins); i++) {
		int fd = sg_pin_get(dir, pins[i].name);

		if (fd < 0) {
			sg_attachment_close(a);
			return fd;
		}
		*(int *)((char *)a + pins[i].off) = fd;
	}
	if (bpf_map_lookup_elem(a->info_fd, &zero, &a->info) ||
	    bpf_obj_get_info_by_fd(a->prog_fd, &pinfo, &plen)) {
		int err = -errno;

		sg_attachment_close(a);
		return err;
	}
	/* The recorded id is the one libxdp attached; the pin is the same
	 * program, so either identifies it. */
	if (!a->info.xdp_prog_id)
		a->info.xdp_prog_id = pinfo.id;
	a->foreign_layout = a->info.pin_layout != SG_PIN_LAYOUT;
	a->live = sg_xdp_prog_on_ifindex(a->info.ifindex, a->info.xdp_prog_id);
	if (a->live && if_indextoname(a->info.ifindex, name))
		snprintf(a->ifname, sizeof(a->ifname), "%s", name);
	else
		snprintf(a->ifname, sizeof(a->ifname), "%.*s", IF_NAMESIZE - 1,
			 a->info.ifname);
	return 0;
}

void sg_attachment_close(struct sg_attachment *a)
{
	int *fds[] = { &a->prog_fd, &a->config_fd, &a->ports_fd,
		       &a->stats_fd, &a->events_fd, &a->info_fd, &a->attack_fd };

	for (size_t i = 0; i < ARRAY_SIZE(fds); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}

static int sg_ifdir_cmp(const struct dirent **a, const struct dirent **b)
{
	return atoi((*a)->d_name + 2) - atoi((*b)->d_name + 2);
}

static int sg_ifdir_filter(const struct dirent *de)
{
	return !strncmp(de->d_name, "if", 2);
}

/*
 * All attachments in this netns, stale ones included (their interface is
 * gone or their program was removed behind synguard's back). An unreadable
 * directory is listed with its path only, so that detach can clean it up.
 */
int sg_attachment_list(struct sg_attachment **out, int *count)
{
	struct dirent **names = NULL;
	struct sg_attachment *list;
	char ns[PATH_MAX], dir[PATH_MAX];
	int n, err;

	*out = NULL;
	*count = 0;
	err = sg_netns_dir(ns, sizeof(ns));
	if (err)
		return err;
	n = scandir(ns, &names, sg_ifdir_filter, sg_ifdir_cmp);
	if (n < 0)
		return errno == ENOENT ? 0 : -errno;
	list = calloc(n ? n : 1, sizeof(*list));
	if (!list) {
		err = -ENOMEM;
		goto out;
	}
	for (int i = 0; i < n; i++) {
		snprintf(dir, sizeof(dir), "%s/%s", ns, names[i]->d_name);
		if (sg_attachment_open(dir, &list[i])) {
			sg_attachment_init(&list[i]);
			snprintf(list[i].dir, sizeof(list[i].dir), "%s", dir);
			list[i].info.ifindex = atoi(names[i]->d_name + 2);
		}
	}
	*out = list;
	*count = n;
out:
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return err;
}

void sg_attachment_list_free(struct sg_attachment *list, int count)
{
	for (int i = 0; i < count; i++)
		sg_attachment_close(&list[i]);
	free(list);
}

/*
 * The attachment for an interface name in this netns: by the interface's
 * current index, or, when the interface is gone, by the name recorded at
 * attach. Returns -ENOENT (silently) if there is none.
 */
int sg_attachment_find(const char *ifname, struct sg_attachment *a)
{
	struct sg_attachment *list;
	int n, err, idx = if_nametoindex(ifname), found = -1;

	err = sg_attachment_list(&list, &n);
	if (err)
		return err;
	for (int i = 0; i < n && found < 0; i++)
		if (idx && (int)list[i].info.ifindex == idx)
			found = i;
	for (int i = 0; i < n && found < 0; i++)
		if (!list[i].live && !strcmp(list[i].info.ifname, ifname))
			found = i;
	if (found >= 0) {
		*a = list[found];
		sg_attachment_init(&list[found]);
	}
	sg_attachment_list_free(list, n);
	return found >= 0 ? 0 : -ENOENT;
}

/* What the verbs that change an attachment start with: privileges, then
 * the attachment on @ifname, or one line saying there is none. */
int sg_attachment_for(const char *verb, const char *ifname, struct sg_attachment *a)
{
	int err = sg_require_privileges(verb);

	if (err)
		return err;
	err = sg_attachment_find(ifname, a);
	if (err == -ENOENT)
		sg_err("not attached to %s", ifname);
	if (!err && a->foreign_layout) {
		sg_err("%s was attached by another version of synguard, whose maps this one "
		       "reads differently: run 'synguard detach %s' and attach again", ifname,
		       ifname);
		sg_attachment_close(a);
		return -EPROTO;
	}
	return err;
}
