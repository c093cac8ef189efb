/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Live sockets (layout in include/synguard.h): synguard_sockops, attached
 * to the root cgroup, counts in peers->live[] the established TCP sockets
 * of the interface's namespace by their peer address's slot, and takes each
 * back when its socket closes. A socket it counted keeps the slot in its
 * own storage, so only what this attachment added is ever taken back: a
 * socket established before it (marked by the loader instead) or counted
 * by an earlier attachment never unbalances a slot.
 */
#ifndef SG_BPF_LIVE_H
#define SG_BPF_LIVE_H

#include "common.h"
#include "maps.h"
#include "peers.h"

/* Per socket: its slot + 1, while counted in live[]; 0 once taken back. */
struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u32);
} live_sk_map SEC(".maps");

#define SG_AF_INET	2
#define SG_AF_INET6	10

/* The slot of the socket's peer, as XDP computes it from the packets'
 * source: an IPv4-mapped IPv6 peer sends IPv4 packets. */
static sg_always_inline __u32 sg_live_slot(const struct bpf_sock_ops *skops)
{
	__u32 a[4];

	if (skops->family == SG_AF_INET)
		return sg_peer_slot4(skops->remote_ip4) & SG_PEER_MASK;
	a[0] = skops->remote_ip6[0];
	a[1] = skops->remote_ip6[1];
	a[2] = skops->remote_ip6[2];
	a[3] = skops->remote_ip6[3];
	if (!a[0] && !a[1] && a[2] == bpf_htonl(0xffff))
		return sg_peer_slot4(a[3]) & SG_PEER_MASK;
	return sg_peer_slot6(a) & SG_PEER_MASK;
}

static sg_always_inline void sg_live_established(struct bpf_sock_ops *skops, struct sg_peers *p)
{
	__u32 slot = sg_live_slot(skops), *s;
	struct bpf_sock *sk = skops->sk;

	if (!sk)
		return;
	s = bpf_sk_storage_get(&live_sk_map, sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
	if (!s || bpf_sock_ops_cb_flags_set(skops, skops->bpf_sock_ops_cb_flags |
						    BPF_SOCK_OPS_STATE_CB_FLAG)) {
		/* Cannot follow it to its close: its slot never forgets it. */
		p->src[slot] = SG_PEER_FOREVER;
		return;
	}
	if (*s)
		return;
	*s = slot + 1;
	__sync_fetch_and_add(&p->live[slot], 1);
}

static sg_always_inline void sg_live_closed(struct bpf_sock_ops *skops, struct sg_peers *p)
{
	struct bpf_sock *sk = skops->sk;
	__u32 *s, slot;

	if (!sk)
		return;
	s = bpf_sk_storage_get(&live_sk_map, sk, 0, 0);
	if (!s || !*s)
		return;
	slot = (*s - 1) & SG_PEER_MASK;
	*s = 0;
	/* The mark first: its TIME-WAIT socket is never unaccounted for. */
	sg_peer_mark(p, slot, sg_peer_now());
	__sync_fetch_and_add(&p->live[slot], -1);
}

/* Every op of every TCP socket in the root cgroup comes here: the few
 * this counts, in the namespace it serves, and nothing else. */
static sg_always_inline void sg_live_sockops(struct bpf_sock_ops *skops)
{
	struct sg_peers *p;
	__u32 op = skops->op;

	if (op != BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB &&
	    op != BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB &&
	    !(op == BPF_SOCK_OPS_STATE_CB && skops->args[1] == BPF_TCP_CLOSE))
		return;
	if (bpf_get_netns_cookie(skops) != sg_cfg.netns_cookie)
		return;
	p = sg_peers();
	if (!p)
		return;
	if (op == BPF_SOCK_OPS_STATE_CB)
		sg_live_closed(skops, p);
	else
		sg_live_established(skops, p);
}

#endif /* SG_BPF_LIVE_H */
