/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Live sockets (layout in include/synguard.h): synguard_sockops, attached
 * to the root cgroup, counts in peers->live[] the established TCP sockets
 * of the interface's namespace by their peer address's slot, keeps their
 * 4-tuples' fingerprints in conn_map, and takes each back when its socket
 * closes. A socket it counted keeps its slot in its own storage, so only
 * what this attachment added is ever taken back: a socket established
 * before it (marked by the loader instead) or counted by an earlier
 * attachment never unbalances a slot. A slot counts its socket before the
 * table holds it and after the table let it go: XDP, which reads the count
 * first, never finds a table entry without it.
 */
#ifndef SG_BPF_LIVE_H
#define SG_BPF_LIVE_H

#include "common.h"
#include "maps.h"
#include "peers.h"

/* Per socket: its slot + 1 (and SG_LIVE_IN_TABLE), while counted in
 * live[]; 0 once taken back. */
struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u32);
} live_sk_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1u << SG_CONN_BITS);
	__type(key, __u32);
	__type(value, struct sg_conn_bucket);
} conn_map SEC(".maps");

/* Per socket (live_sk_map): its slot + 1, and this bit while it is in
 * conn_map. */
#define SG_LIVE_IN_TABLE	(1u << 31)

#define SG_AF_INET	2

/* The socket's 4-tuple as its peer's packets carry it: in @c4 for IPv4
 * and IPv4-mapped IPv6 (true), else in @c6. remote_port holds the port in
 * network order, in the upper half on little-endian hosts. Every context
 * field is read once, at a constant offset, as the verifier requires. */
static sg_always_inline bool sg_live_conn(const struct bpf_sock_ops *skops,
					  struct sg_conn4 *c4, struct sg_conn6 *c6)
{
	__u32 family = skops->family, rport = skops->remote_port;
	__u32 r4 = skops->remote_ip4, l4 = skops->local_ip4;
	__u32 r0 = skops->remote_ip6[0], r1 = skops->remote_ip6[1];
	__u32 r2 = skops->remote_ip6[2], r3 = skops->remote_ip6[3];
	__u32 l0 = skops->local_ip6[0], l1 = skops->local_ip6[1];
	__u32 l2 = skops->local_ip6[2], l3 = skops->local_ip6[3];
	__u16 sport = rport > 0xffff ? rport >> 16 : rport;
	__u16 dport = bpf_htons(skops->local_port);

	c4->sport = c6->sport = sport;
	c4->dport = c6->dport = dport;
	if (family == SG_AF_INET) {
		c4->saddr = r4;
		c4->daddr = l4;
		return true;
	}
	if (!r0 && !r1 && r2 == bpf_htonl(0xffff)) {
		c4->saddr = r3;
		c4->daddr = l3;
		return true;
	}
	c6->saddr[0] = r0;
	c6->saddr[1] = r1;
	c6->saddr[2] = r2;
	c6->saddr[3] = r3;
	c6->daddr[0] = l0;
	c6->daddr[1] = l1;
	c6->daddr[2] = l2;
	c6->daddr[3] = l3;
	return false;
}

/* The socket's hash in the connection table. */
static sg_always_inline __u64 sg_live_conn_hash(const struct bpf_sock_ops *skops)
{
	struct sg_conn4 c4 = {};
	struct sg_conn6 c6 = {};
	__u32 sa, da;

	if (sg_live_conn(skops, &c4, &c6))
		return sg_conn_hash(c4.saddr, c4.daddr, c4.sport, c4.dport, sg_cfg.conn_key);
	sa = c6.saddr[0] ^ c6.saddr[1] ^ c6.saddr[2] ^ c6.saddr[3];
	da = c6.daddr[0] ^ c6.daddr[1] ^ c6.daddr[2] ^ c6.daddr[3];
	return sg_conn_hash(sa, da, c6.sport, c6.dport, sg_cfg.conn_key);
}

/* Puts the socket in a free way of its bucket; false if it is full. */
static sg_always_inline bool sg_live_table_add(const struct bpf_sock_ops *skops)
{
	__u64 h = sg_live_conn_hash(skops);
	__u32 bucket = SG_CONN_BUCKET(h), fp = SG_CONN_FP(h);
	struct sg_conn_bucket *b = bpf_map_lookup_elem(&conn_map, &bucket);

	if (!b)
		return false;
	for (int i = 0; i < SG_CONN_WAYS; i++)
		if (__sync_val_compare_and_swap(&b->fp[i], 0, fp) == 0)
			return true;
	return false;
}

static sg_always_inline void sg_live_table_del(const struct bpf_sock_ops *skops)
{
	__u64 h = sg_live_conn_hash(skops);
	__u32 bucket = SG_CONN_BUCKET(h), fp = SG_CONN_FP(h);
	struct sg_conn_bucket *b = bpf_map_lookup_elem(&conn_map, &bucket);

	if (!b)
		return;
	for (int i = 0; i < SG_CONN_WAYS; i++)
		if (__sync_val_compare_and_swap(&b->fp[i], fp, 0) == fp)
			return;
}

/* Is the 4-tuple (IPv6 addresses folded by XOR) a connection in the
 * table? */
static sg_always_inline bool sg_live_conn_known(__u32 sa, __u32 da, __be16 sport, __be16 dport)
{
	__u64 h = sg_conn_hash(sa, da, sport, dport, sg_cfg.conn_key);
	__u32 bucket = SG_CONN_BUCKET(h), fp = SG_CONN_FP(h);
	struct sg_conn_bucket *b = bpf_map_lookup_elem(&conn_map, &bucket);

	return b && (b->fp[0] == fp || b->fp[1] == fp || b->fp[2] == fp || b->fp[3] == fp);
}

/* Does the packet belong to a connection in the table? Asked only when
 * its source's slot counts a live socket (busy bit first: a flood's
 * sources have it clear, and their live[] lines are never read). */
static sg_always_inline bool sg_live_known(const struct sg_pkt *pkt)
{
	struct sg_peers *p = sg_peers();
	__u32 sa, da, slot = sg_peer_slot(pkt);

	if (!p || !sg_peer_busy_bit(p, slot) || !p->live[slot])
		return false;
	if (pkt->ip4) {
		sa = pkt->ip4->saddr;
		da = pkt->ip4->daddr;
	} else if (pkt->ip6) {
		sa = pkt->ip6->saddr.in6_u.u6_addr32[0] ^ pkt->ip6->saddr.in6_u.u6_addr32[1] ^
		     pkt->ip6->saddr.in6_u.u6_addr32[2] ^ pkt->ip6->saddr.in6_u.u6_addr32[3];
		da = pkt->ip6->daddr.in6_u.u6_addr32[0] ^ pkt->ip6->daddr.in6_u.u6_addr32[1] ^
		     pkt->ip6->daddr.in6_u.u6_addr32[2] ^ pkt->ip6->daddr.in6_u.u6_addr32[3];
	} else {
		return false;
	}
	return sg_live_conn_known(sa, da, pkt->tcp->source, pkt->tcp->dest);
}

/* The slot of the socket's peer, as XDP computes it from the packets'
 * source: an IPv4-mapped IPv6 peer sends IPv4 packets. */
static sg_always_inline __u32 sg_live_slot(const struct bpf_sock_ops *skops)
{
	struct sg_conn4 c4 = {};
	struct sg_conn6 c6 = {};

	if (sg_live_conn(skops, &c4, &c6))
		return sg_peer_slot4(c4.saddr) & SG_PEER_MASK;
	return sg_peer_slot6(c6.saddr) & SG_PEER_MASK;
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
		sg_peer_busy(p, slot);
		return;
	}
	if (*s)
		return;
	__sync_fetch_and_add(&p->live[slot], 1);
	sg_peer_busy(p, slot);
	*s = (slot + 1) | (sg_live_table_add(skops) ? SG_LIVE_IN_TABLE : 0);
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
	slot = ((*s & ~SG_LIVE_IN_TABLE) - 1) & SG_PEER_MASK;
	if (*s & SG_LIVE_IN_TABLE)
		sg_live_table_del(skops);
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
