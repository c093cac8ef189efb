// SPDX-License-Identifier: GPL-2.0-only
/*
 * Live-socket counting (bpf/lib/live.h): synguard_sockops attached to the
 * root of the cgroup v2 hierarchy, as a link pinned with the attachment,
 * and what the configuration needs to trust its counts.
 */
#include <errno.h>
#include <fcntl.h>
#include <mntent.h>
#include <sys/mount.h>
#include <sys/random.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "attachment.h"
#include "common.h"
#include "live.h"
#include "netstat.h"
#include "pins.h"

/* The kernel honours its cookies for two minutes after it sent one. */
#define SG_KCOOKIE_GRACE_NS	(130ull * 1000000000ull)

/* Where the cgroup v2 hierarchy is mounted in this mount namespace. */
static int live_cgroup_mounted(char *buf, size_t len)
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

/*
 * The root of the cgroup v2 hierarchy, opened. Where it is not mounted
 * here (a v1-only host, or 'ip netns exec', which remounts /sys), it is
 * mounted for the moment on a directory of our own: the hierarchy is the
 * same wherever it is mounted, and the link holds the cgroup, not the
 * mount.
 */
static int live_cgroup_open(char *name, size_t len)
{
	char tmp[] = "/tmp/synguard-cgroup2.XXXXXX";
	int fd, err;

	if (!live_cgroup_mounted(name, len)) {
		fd = open(name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		return fd < 0 ? -errno : fd;
	}
	if (!mkdtemp(tmp))
		return -errno;
	if (mount("cgroup2", tmp, "cgroup2", 0, NULL)) {
		err = -errno;
		rmdir(tmp);
		return err;
	}
	fd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	err = fd < 0 ? -errno : fd;
	umount2(tmp, MNT_DETACH);
	rmdir(tmp);
	snprintf(name, len, "cgroup2 (mounted for the moment)");
	return err;
}

int sg_live_attach(struct bpf_program *prog, const char *dir, int *link_fd)
{
	char path[PATH_MAX], cgroup[PATH_MAX];
	int cg, err;

	*link_fd = -1;
	cg = live_cgroup_open(cgroup, sizeof(cgroup));
	if (cg < 0) {
		sg_err("warning: no cgroup v2 hierarchy for the socket counter: %s; "
		       "ACKs under cookies will all take a socket lookup", strerror(-cg));
		return cg;
	}
	*link_fd = bpf_link_create(bpf_program__fd(prog), cg, BPF_CGROUP_SOCK_OPS, NULL);
	err = *link_fd < 0 ? -errno : 0;
	close(cg);
	if (err) {
		*link_fd = -1;
		sg_err("warning: cannot attach the socket counter to %s: %s; "
		       "ACKs under cookies will all take a socket lookup", cgroup, strerror(-err));
		return err;
	}
	sg_pin_path(path, sizeof(path), dir, SG_PIN_SOCKOPS_LINK);
	if (bpf_obj_pin(*link_fd, path)) {
		err = -errno;
		sg_err("warning: cannot pin the socket counter's link at %s: %s; ACKs under "
		       "cookies will all take a socket lookup", path, strerror(-err));
		bpf_link_detach(*link_fd);
		close(*link_fd);
		*link_fd = -1;
	}
	return err;
}

int sg_live_conn_key(__u64 key[2])
{
	int err;

	if (getrandom(key, 2 * sizeof(*key), 0) != 2 * sizeof(*key)) {
		err = errno ? -errno : -EIO;
		sg_err("getrandom() failed: %s", strerror(-err));
		return err;
	}
	return 0;
}

__u64 sg_live_kcookie_until(void)
{
	static const char *const name[] = { "SyncookiesSent" };
	unsigned long long sent;
	struct timespec ts;

	sg_netstat_read(name, &sent, 1);
	if (!sent || clock_gettime(CLOCK_MONOTONIC_COARSE, &ts))
		return 0;
	return (__u64)ts.tv_sec * 1000000000ull + ts.tv_nsec + SG_KCOOKIE_GRACE_NS;
}

/* The sockets counted in @p. */
static __u64 live_count(const struct sg_peers *p)
{
	__u64 n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(p->live); i++)
		n += p->live[i];
	return n;
}

long long sg_live_sockets(const struct sg_attachment *a)
{
	struct sg_config cfg = {};
	struct sg_peers *p;
	long long n = -1;
	__u32 zero = 0;
	int fd;

	if (a->foreign_layout || a->config_fd < 0 ||
	    bpf_map_lookup_elem(a->config_fd, &zero, &cfg) || !(cfg.flags & SG_CFG_LIVE))
		return -1;
	fd = sg_pin_get(a->dir, "peers_map");
	p = malloc(sizeof(*p));
	if (fd >= 0 && p && !bpf_map_lookup_elem(fd, &zero, p))
		n = live_count(p);
	free(p);
	if (fd >= 0)
		close(fd);
	return n;
}
