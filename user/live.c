// SPDX-License-Identifier: GPL-2.0-only
/*
 * Live-socket counting (bpf/lib/live.h): synguard_sockops attached to the
 * root of the cgroup v2 hierarchy, as a link pinned with the attachment,
 * and what the configuration needs to trust its counts.
 */
#include <errno.h>
#include <fcntl.h>
#include <mntent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "common.h"
#include "live.h"
#include "pins.h"

/* The kernel honours its cookies for two minutes after it sent one. */
#define SG_KCOOKIE_GRACE_NS	(130ull * 1000000000ull)

int sg_live_cgroup(char *buf, size_t len)
{
	struct mntent *m;
	FILE *f = setmntent("/proc/self/mounts", "r");
	int err = -ENOENT;

	if (!f)
		return -errno;
	while ((m = getmntent(f))) {
		if (!strcmp(m->mnt_type, "cgroup2")) {
			snprintf(buf, len, "%s", m->mnt_dir);
			err = 0;
			break;
		}
	}
	endmntent(f);
	return err;
}

int sg_live_attach(struct bpf_program *prog, const char *cgroup, const char *dir, int *link_fd)
{
	char path[PATH_MAX];
	int cg, err;

	*link_fd = -1;
	cg = open(cgroup, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cg < 0)
		return -errno;
	*link_fd = bpf_link_create(bpf_program__fd(prog), cg, BPF_CGROUP_SOCK_OPS, NULL);
	err = *link_fd < 0 ? -errno : 0;
	close(cg);
	if (err) {
		*link_fd = -1;
		return err;
	}
	sg_pin_path(path, sizeof(path), dir, SG_PIN_SOCKOPS_LINK);
	if (bpf_obj_pin(*link_fd, path)) {
		err = -errno;
		bpf_link_detach(*link_fd);
		close(*link_fd);
		*link_fd = -1;
	}
	return err;
}

/* TcpExt SyncookiesSent of this namespace, or 0 if unreadable. */
static unsigned long long syncookies_sent(void)
{
	char names[4096], values[4096], *n, *v, *sn, *sv;
	unsigned long long sent = 0;
	FILE *f = fopen("/proc/net/netstat", "r");

	if (!f)
		return 0;
	while (fgets(names, sizeof(names), f) && fgets(values, sizeof(values), f)) {
		if (strncmp(names, "TcpExt:", 7))
			continue;
		n = strtok_r(names, " \n", &sn);
		v = strtok_r(values, " \n", &sv);
		while (n && v) {
			if (!strcmp(n, "SyncookiesSent"))
				sent = strtoull(v, NULL, 10);
			n = strtok_r(NULL, " \n", &sn);
			v = strtok_r(NULL, " \n", &sv);
		}
	}
	fclose(f);
	return sent;
}

__u64 sg_live_kcookie_until(void)
{
	struct timespec ts;

	if (!syncookies_sent() || clock_gettime(CLOCK_MONOTONIC_COARSE, &ts))
		return 0;
	return (__u64)ts.tv_sec * 1000000000ull + ts.tv_nsec + SG_KCOOKIE_GRACE_NS;
}

__u64 sg_live_count(const struct sg_peers *p)
{
	__u64 n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(p->live); i++)
		n += p->live[i];
	return n;
}
