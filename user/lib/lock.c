// SPDX-License-Identifier: GPL-2.0-only
/*
 * One change at a time: attach, detach, set, reload (the daemon's too) and
 * list changes read, modify and write an attachment's maps, its nftables
 * table and its pins, so two at once could lose one's update (one list's
 * bit in the configuration) or attach twice. Each holds an exclusive flock
 * on SG_LOCK_PATH while it changes anything; the kernel drops the lock if
 * the process dies.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/file.h>

#include "common.h"

#define SG_LOCK_PATH	"/run/synguard.lock"
#define SG_LOCK_WAIT_MS 30000

int sg_change_lock(const char *verb)
{
	int fd = open(SG_LOCK_PATH, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

	if (fd < 0)
		return SG_LOCK_NONE; /* no /run to lock in (a sandbox): unserialised */
	for (int waited = 0; flock(fd, LOCK_EX | LOCK_NB); waited += 10) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			close(fd);
			return SG_LOCK_NONE;
		}
		if (waited >= SG_LOCK_WAIT_MS) {
			sg_err("%s: another synguard has been changing attachments for %d s "
			       "(it holds %s); try again",
			       verb, SG_LOCK_WAIT_MS / 1000, SG_LOCK_PATH);
			close(fd);
			return -EBUSY;
		}
		usleep(10000);
	}
	return fd;
}

void sg_change_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}

int sg_change_locked(const char *verb, int (*change)(const void *), const void *arg)
{
	int lock = sg_change_lock(verb), err;

	if (lock == -EBUSY)
		return lock;
	err = change(arg);
	sg_change_unlock(lock);
	return err;
}
