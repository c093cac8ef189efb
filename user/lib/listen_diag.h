/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The server side of the handshake: the protected ports' listeners, their
 * accept queues against their backlogs and their half-open request
 * sockets (sock_diag netlink, through libmnl), and the kernel's listen
 * overflow and drop counters, all of this network namespace.
 */
#ifndef SG_USER_LISTEN_DIAG_H
#define SG_USER_LISTEN_DIAG_H

#include "common.h"

#define SG_LISTENERS_MAX 64

struct sg_listener {
	__u8 family;   /* 4 or 6 */
	__u8 addr[16]; /* the bound address, network order */
	__u16 port;
	__u32 accept_queue; /* connections waiting for accept() */
	__u32 backlog;	    /* what listen() allows (the kernel takes one more) */
	__u32 syn_recv;	    /* request sockets waiting for the client's ACK */
};

struct sg_listen_health {
	int n;		/* listeners on protected ports */
	bool truncated; /* more than SG_LISTENERS_MAX */
	struct sg_listener l[SG_LISTENERS_MAX];
	unsigned long long overflows; /* TcpExtListenOverflows */
	unsigned long long drops;     /* TcpExtListenDrops */
};

struct sg_attachment;

/* The listeners on @a's protected ports and the counters; a negative
 * errno (said on stderr) if the ports or sock_diag cannot be read. */
int sg_listen_health_read(const struct sg_attachment *a, struct sg_listen_health *h);
/* @l's address; and "ADDR:PORT", IPv6 in brackets. */
void sg_listener_addr(const struct sg_listener *l, char *buf, size_t len);
void sg_listener_name(const struct sg_listener *l, char *buf, size_t len);

#endif /* SG_USER_LISTEN_DIAG_H */
