// SPDX-License-Identifier: GPL-2.0-only
/* bpffs discovery and the pin directory layout (see pins.h). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <linux/magic.h>
#include <xdp/libxdp.h>

#include "common.h"
#include "pins.h"

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71
#endif

static bool sg_is_bpffs(const char *path)
{
	struct statfs st;

	return statfs(path, &st) == 0 && st.f_type == BPF_FS_MAGIC;
}

static bool sg_same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return stat(a, &sa) == 0 && stat(b, &sb) == 0 &&
	       sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static pid_t sg_parent_of(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *f;
	int ppid = 0;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (fgets(buf, sizeof(buf), f) && (p = strrchr(buf, ')')))
		sscanf(p + 1, " %*c %d", &ppid);
	fclose(f);
	return ppid;
}

/*
 * `ip netns exec` runs its command in a private mount namespace with a fresh
 * /sys, hiding the bpffs that holds the pins. The nearest ancestor in another
 * mount namespace still sees it, through /proc/PID/root.
 */
static bool sg_bpffs_from_ancestor(char *buf, size_t len)
{
	char ns[64];
	pid_t pid;

	for (pid = getppid(); pid > 1; pid = sg_parent_of(pid)) {
		snprintf(ns, sizeof(ns), "/proc/%d/ns/mnt", pid);
		if (sg_same_file(ns, "/proc/self/ns/mnt"))
			continue;
		snprintf(buf, len, "/proc/%d/root/sys/fs/bpf", pid);
		return sg_is_bpffs(buf);
	}
	return false;
}

int sg_bpffs_root(const char **root)
{
	static char path[PATH_MAX];
	const char *env = getenv("SYNGUARD_BPFFS");

	if (path[0]) {
		*root = path;
		return 0;
	}
	if (env && *env) {
		if (!sg_is_bpffs(env)) {
			sg_err("SYNGUARD_BPFFS=%s is not a bpffs mount", env);
			return -ENOENT;
		}
		snprintf(path, sizeof(path), "%s", env);
	} else if (sg_is_bpffs("/sys/fs/bpf")) {
		snprintf(path, sizeof(path), "/sys/fs/bpf");
	} else if (!sg_bpffs_from_ancestor(path, sizeof(path))) {
		path[0] = '\0';
		sg_err("no bpffs mounted at /sys/fs/bpf: mount it with 'mount -t bpf bpf /sys/fs/bpf'"
		       " (or set SYNGUARD_BPFFS to a bpffs mount)");
		return -ENOENT;
	}
	/* libxdp keeps its dispatcher pins and lock in the same bpffs. */
	setenv(XDP_BPFFS_ENVVAR, path, 1);
	*root = path;
	return 0;
}

int sg_netns_cookie(__u64 *cookie)
{
	socklen_t len = sizeof(*cookie);
	struct stat st;
	int fd, err = 0;

	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, cookie, &len) == 0) {
		close(fd);
		return 0;
	}
	if (fd >= 0)
		close(fd);
	/* Kernels before 5.14: the namespace inode, which may be reused. */
	if (stat("/proc/self/ns/net", &st)) {
		err = -errno;
		sg_err("cannot identify the network namespace: %s", strerror(errno));
		return err;
	}
	*cookie = (1ULL << 63) | st.st_ino;
	return 0;
}

int sg_netns_dir(char *buf, size_t len)
{
	const char *root;
	__u64 cookie;
	int err;

	err = sg_bpffs_root(&root);
	if (!err)
		err = sg_netns_cookie(&cookie);
	if (err)
		return err;
	snprintf(buf, len, "%s/" SG_NAME "/net%llu", root, (unsigned long long)cookie);
	return 0;
}

int sg_pin_dir(int ifindex, char *buf, size_t len)
{
	char ns[PATH_MAX];
	int err = sg_netns_dir(ns, sizeof(ns));

	if (err)
		return err;
	snprintf(buf, len, "%s/if%d", ns, ifindex);
	return 0;
}

int sg_pin_path(char *buf, size_t len, const char *dir, const char *name)
{
	if ((size_t)snprintf(buf, len, "%s/%s", dir, name) >= len)
		return -ENAMETOOLONG;
	return 0;
}

/* Unpins everything in an attachment directory, then the directory and its
 * parents while they are empty. Only synguard's own tree is touched. */
int sg_pins_remove(const char *dir)
{
	char path[PATH_MAX], *slash;
	struct dirent *de;
	DIR *d = opendir(dir);
	int err = 0;

	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		sg_pin_path(path, sizeof(path), dir, de->d_name);
		if (unlink(path) && errno != ENOENT)
			err = -errno;
	}
	closedir(d);
	if (rmdir(dir) && errno != ENOENT)
		return err ? err : -errno;

	/* .../synguard/netN, then .../synguard, if now empty */
	snprintf(path, sizeof(path), "%s", dir);
	for (int i = 0; i < 2 && (slash = strrchr(path, '/')); i++) {
		*slash = '\0';
		if (rmdir(path))
			break;
	}
	return err;
}
