// SPDX-License-Identifier: GPL-2.0-only
/*
 * One sock_diag dump per address family of the TCP sockets in LISTEN and
 * SYN-RECV (request sockets: the kernel dumps them when SYN-RECV is
 * asked for). A listener's idiag_rqueue is its accept queue and
 * idiag_wqueue its backlog; a request socket counts for the listener of
 * its family and port whose address is its own or the wildcard.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>
#include <bpf/bpf.h>

#include "attachment.h"
#include "listen_diag.h"
#include "netstat.h"

#define SG_TCPF_LISTEN	 (1u << TCP_LISTEN)
#define SG_TCPF_SYN_RECV (1u << TCP_SYN_RECV)

struct diag_walk {
	const struct sg_ports *ports;
	struct sg_listen_health *h;
	__u8 family;
	bool requests; /* the second pass: SYN-RECV only */
};

static bool addr_any(const __u8 *a)
{
	static const __u8 zero[16];

	return !memcmp(a, zero, 16);
}

static void diag_listener(struct diag_walk *w, const struct inet_diag_msg *m, __u16 port)
{
	struct sg_listener *l;

	if (w->h->n >= SG_LISTENERS_MAX) {
		w->h->truncated = true;
		return;
	}
	l = &w->h->l[w->h->n++];
	memset(l, 0, sizeof(*l));
	l->family = w->family;
	memcpy(l->addr, m->id.idiag_src, w->family == 4 ? 4 : 16);
	l->port = port;
	l->accept_queue = m->idiag_rqueue;
	l->backlog = m->idiag_wqueue;
}

/* A request counts for the listener of its family and port bound to its
 * address, else to the wildcard; an IPv4 one with neither, for a
 * dual-stack IPv6 wildcard listener. */
static void diag_request(struct diag_walk *w, const struct inet_diag_msg *m, __u16 port)
{
	struct sg_listener *any = NULL, *any6 = NULL;
	__u8 addr[16] = {};

	memcpy(addr, m->id.idiag_src, w->family == 4 ? 4 : 16);
	for (int i = 0; i < w->h->n; i++) {
		struct sg_listener *l = &w->h->l[i];

		if (l->port != port)
			continue;
		if (l->family != w->family) {
			if (l->family == 6 && addr_any(l->addr))
				any6 = l;
			continue;
		}
		if (!memcmp(l->addr, addr, 16)) {
			l->syn_recv++;
			return;
		}
		if (addr_any(l->addr))
			any = l;
	}
	if (any || any6)
		(any ? any : any6)->syn_recv++;
}

static int diag_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct inet_diag_msg *m = mnl_nlmsg_get_payload(nlh);
	struct diag_walk *w = data;
	__u16 port;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*m)))
		return MNL_CB_ERROR;
	port = ntohs(m->id.idiag_sport);
	if (!sg_ports_test(w->ports, port))
		return MNL_CB_OK;
	if (m->idiag_state == TCP_LISTEN && !w->requests)
		diag_listener(w, m, port);
	else if (m->idiag_state == TCP_SYN_RECV && w->requests)
		diag_request(w, m, port);
	return MNL_CB_OK;
}

/* One dump of @family's sockets in @states through @nl. */
static int diag_dump(struct mnl_socket *nl, struct diag_walk *w, __u32 states)
{
	char buf[32768]; /* a dump part of the kernel's largest size */
	struct inet_diag_req_v2 *req;
	struct nlmsghdr *nlh;
	__u32 seq = time(NULL) + w->family + states, port = mnl_socket_get_portid(nl);
	int ret;

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
	req->sdiag_family = w->family == 4 ? AF_INET : AF_INET6;
	req->sdiag_protocol = IPPROTO_TCP;
	req->idiag_states = states;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	while ((ret = mnl_socket_recvfrom(nl, buf, sizeof(buf))) > 0) {
		ret = mnl_cb_run(buf, ret, seq, port, diag_cb, w);
		if (ret <= MNL_CB_STOP)
			break;
	}
	return ret < 0 ? -errno : 0;
}

int sg_listen_health_read(const struct sg_attachment *a, struct sg_listen_health *h)
{
	static const char *const names[] = { "ListenOverflows", "ListenDrops" };
	unsigned long long v[2];
	struct sg_ports ports;
	struct diag_walk w = { .ports = &ports, .h = h };
	struct mnl_socket *nl;
	__u32 zero = 0;
	int err = 0;

	memset(h, 0, sizeof(*h));
	if (bpf_map_lookup_elem(a->ports_fd, &zero, &ports)) {
		err = -errno;
		sg_err("cannot read the ports of %s: %s", a->ifname, strerror(-err));
		return err;
	}
	nl = mnl_socket_open(NETLINK_SOCK_DIAG);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		sg_err("cannot ask sock_diag for the listeners: %s", strerror(-err));
		if (nl)
			mnl_socket_close(nl);
		return err;
	}
	/* the listeners first, so that every request finds its own */
	for (int pass = 0; pass < 2 && !err; pass++) {
		w.requests = pass;
		for (int f = 0; f < 2 && !err; f++) {
			w.family = f ? 6 : 4;
			err = diag_dump(nl, &w, pass ? SG_TCPF_SYN_RECV : SG_TCPF_LISTEN);
		}
	}
	mnl_socket_close(nl);
	if (err) {
		sg_err("sock_diag could not list the listeners: %s", strerror(-err));
		return err;
	}
	sg_netstat_read(names, v, 2);
	h->overflows = v[0];
	h->drops = v[1];
	return 0;
}

void sg_listener_addr(const struct sg_listener *l, char *buf, size_t len)
{
	inet_ntop(l->family == 4 ? AF_INET : AF_INET6, l->addr, buf, len);
}

void sg_listener_name(const struct sg_listener *l, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	sg_listener_addr(l, a, sizeof(a));
	snprintf(buf, len, l->family == 4 ? "%s:%u" : "[%s]:%u", a, l->port);
}
