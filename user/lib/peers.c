// SPDX-License-Identifier: GPL-2.0-only
/*
 * At attach, marks in peers_map the client addresses of the TCP sockets
 * that already exist (established, TIME-WAIT, request), on any port since
 * the protected ports may change later, so that synguard never answers a
 * SYN one of them owns, nor checks one of their ACKs without a lookup.
 * Sockets born later are marked and counted by the BPF programs. Marked
 * slots never expire: a stale one only costs a socket lookup.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common.h"

#define TCP_LISTEN_STATE 0x0A

static void mark_file(struct sg_peers *p, const char *path, bool v6, unsigned int *n)
{
	unsigned int lport, st, a[4];
	__u32 slot;
	char line[512];
	FILE *f = fopen(path, "r");
	int got;

	if (!f)
		return;		/* no IPv6 in this kernel: nothing to mark */
	if (!fgets(line, sizeof(line), f)) {	/* the header */
		fclose(f);
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		if (v6)
			got = sscanf(line, " %*d: %*32[0-9A-Fa-f]:%x %8x%8x%8x%8x:%*x %x",
				     &lport, &a[0], &a[1], &a[2], &a[3], &st);
		else
			got = sscanf(line, " %*d: %*8[0-9A-Fa-f]:%x %8x:%*x %x", &lport, &a[0], &st);
		if (got != (v6 ? 6 : 3) || st == TCP_LISTEN_STATE || lport > 65535)
			continue;
		/* an IPv4 peer of a dual-stack socket sends IPv4 packets */
		if (v6 && !a[0] && !a[1] && a[2] == htonl(0xffff))
			slot = sg_peer_slot4(a[3]);
		else
			slot = v6 ? sg_peer_slot6(a) : sg_peer_slot4(a[0]);
		p->src[slot] = SG_PEER_FOREVER;
		sg_peer_busy(p, slot);
		(*n)++;
	}
	fclose(f);
}

/* Returns the number of sockets marked, or a negative errno. */
int sg_peers_mark_existing(int map_fd)
{
	size_t len = (sizeof(struct sg_peers) + getpagesize() - 1) & ~((size_t)getpagesize() - 1);
	unsigned int n = 0;
	struct sg_peers *p;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, map_fd, 0);
	if (p == MAP_FAILED) {
		int err = -errno;

		sg_err("cannot map the peers map: %s", strerror(errno));
		return err;
	}
	/* /proc/net follows this process's network namespace. */
	mark_file(p, "/proc/net/tcp", false, &n);
	mark_file(p, "/proc/net/tcp6", true, &n);
	munmap(p, len);
	return n;
}
