/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Peers (layout and reasoning in include/synguard.h): client addresses
 * seen with a socket lately, and ports seen with a listener, so that a SYN
 * from an address with no recent socket is answered without a socket
 * lookup. Marks are written only when they change, so the shared map is
 * read-mostly and its cache lines stay on every CPU.
 *
 * An address is marked when its SYN goes to the kernel (which may create a
 * request socket), when an ACK's lookup finds its socket, and when its
 * cookie ACK completes a handshake, and when a socket closes (live.h).
 * A TIME-WAIT socket lives 60 s from that mark: less than SG_PEER_WINDOW.
 * Established sockets are counted in live[] (live.h) while they live. The
 * loader marks the sockets that exist at attach.
 */
#ifndef SG_BPF_PEERS_H
#define SG_BPF_PEERS_H

#include "common.h"
#include "clock.h"
#include "parse.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct sg_peers);
} peers_map SEC(".maps");

#define SG_PEER_MASK	((1u << SG_PEER_BITS) - 1)
#define SG_PEER_PORT_MASK	((2u << 16) - 1)	/* sg_peer_port(): port, IPv6 bit */

static sg_always_inline struct sg_peers *sg_peers(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&peers_map, &zero);
}

/* Now, in units of about a second; never 0, which marks an empty slot. */
static sg_always_inline __u16 sg_peer_now(void)
{
	__u64 hz = sg_hz();
	__u32 shift = hz >= 1000 ? 10 : hz >= 500 ? 9 : hz >= 250 ? 8 : 7;
	__u16 now = bpf_jiffies64() >> shift;

	return now ? now : 1;
}

static sg_always_inline __u32 sg_peer_slot(const struct sg_pkt *pkt)
{
	if (pkt->ip4)
		return sg_peer_slot4(pkt->ip4->saddr) & SG_PEER_MASK;
	if (pkt->ip6)
		return sg_peer_slot6(pkt->ip6->saddr.in6_u.u6_addr32) & SG_PEER_MASK;
	return 0;
}

/* The packet's listener index: its destination port (host order), and
 * 65536 more for IPv6, so that a listener of one family says nothing of
 * the other. */
static sg_always_inline __u32 sg_peer_port(const struct sg_pkt *pkt)
{
	return bpf_ntohs(pkt->tcp->dest) | (pkt->ip6 ? 1u << 16 : 0);
}

/* The packet's destination address, folded to 32 bits as a listener's
 * bound address is (IPv6 by XOR). */
static sg_always_inline __u32 sg_peer_daddr(const struct sg_pkt *pkt)
{
	const __u32 *a;

	if (pkt->ip4)
		return pkt->ip4->daddr;
	if (!pkt->ip6)
		return 0;
	a = pkt->ip6->daddr.in6_u.u6_addr32;
	return a[0] ^ a[1] ^ a[2] ^ a[3];
}

static sg_always_inline bool sg_peer_recent(__u16 seen, __u16 now, __u16 window)
{
	return seen == SG_PEER_FOREVER || (seen && (__u16)(now - seen) < window);
}

static sg_always_inline bool sg_peer_stale(const struct sg_peers *p, __u32 slot, __u16 now)
{
	return !sg_peer_recent(p->src[slot & SG_PEER_MASK], now, SG_PEER_WINDOW) &&
	       !p->live[slot & SG_PEER_MASK];
}

/*
 * A slot found stale with its busy bit set: clears the bit by a locked AND
 * and reads the slot again; true if it is still stale. A mark or a socket
 * written meanwhile either came before that AND, and the second read sees
 * it (its writer's OR came after its write), or its OR comes after the AND
 * and sets the bit again. A global BPF function: the path is rare.
 */
__noinline int sg_peer_settle(__u32 slot, __u16 now)
{
	struct sg_peers *p = sg_peers();
	__u64 *w, bit = 1ULL << (slot % 64);

	if (!p)
		return false;
	w = &p->busy[(slot & SG_PEER_MASK) / 64];
	__sync_fetch_and_and(w, ~bit);
	if (sg_peer_stale(p, slot, now))
		return true;
	__sync_fetch_and_or(w, bit);
	return false;
}

/*
 * @port (sg_peer_port()) as an index of listener[] and listener_addr[].
 * Hidden from clang first, which knows the mask is redundant and drops
 * it: Linux 6.1's verifier gives an OR of two unknown values no bounds
 * ("R3 unbounded memory access, make sure to bounds check any such
 * access").
 */
static sg_always_inline __u32 sg_peer_port_index(__u32 port)
{
	asm volatile("" : "+r"(port));
	return port & SG_PEER_PORT_MASK;
}

/* Is the slot's busy bit set (a mark or a live socket written to it)? */
static sg_always_inline bool sg_peer_busy_bit(const struct sg_peers *p, __u32 slot)
{
	return p->busy[(slot & SG_PEER_MASK) / 64] & (1ULL << (slot % 64));
}

/* True if the slot has no recent mark and no live socket. Most flood
 * sources' bits are clear, and then only the bit is read. */
static sg_always_inline bool sg_peer_quiet(struct sg_peers *p, __u32 slot, __u16 now)
{
	if (!sg_peer_busy_bit(p, slot))
		return true;
	return sg_peer_stale(p, slot, now) && sg_peer_settle(slot, now);
}

/* True if no socket can own a packet from the source in @slot, and a
 * listener for its destination @daddr (sg_peer_daddr()) was at @port
 * (sg_peer_port()) a moment ago: a SYN may be answered, and with
 * SG_CFG_LIVE an ACK's cookie checked, without a lookup. */
static sg_always_inline bool sg_peer_unknown_at(struct sg_peers *p, __u32 slot, __u32 port,
						__u32 daddr, __u16 now)
{
	__u32 bound = p->listener_addr[sg_peer_port_index(port)];

	if (!sg_peer_quiet(p, slot, now))
		return false;
	return sg_peer_recent(p->listener[sg_peer_port_index(port)], now, SG_PEER_LISTENER_TTL) &&
	       (!bound || bound == daddr);
}

static sg_always_inline bool sg_peer_unknown(struct sg_peers *p, const struct sg_pkt *pkt,
					     __u32 slot, __u32 port, __u16 now)
{
	return sg_peer_unknown_at(p, slot, port, sg_peer_daddr(pkt), now);
}

/* Sets @slot's busy bit after its mark was written: a global BPF function,
 * since the locked OR inlined at each mark deepened the cookie path's
 * stack past the verifier's limit; marks change about once a second per
 * source at most. */
__noinline int sg_peer_busy_slot(__u32 slot)
{
	struct sg_peers *p = sg_peers();

	if (p)
		sg_peer_busy(p, slot);
	return 0;
}

static sg_always_inline void sg_peer_mark(struct sg_peers *p, __u32 slot, __u16 now)
{
	__u16 *v = &p->src[slot & SG_PEER_MASK];

	if (*v != now && *v != SG_PEER_FOREVER) {
		*v = now;
		sg_peer_busy_slot(slot);
	}
}

/* A listener bound to @bound (0: any address) was found at @port. */
static sg_always_inline void sg_peer_listener(struct sg_peers *p, __u32 port, __u32 bound,
					      __u16 now)
{
	__u16 *v = &p->listener[sg_peer_port_index(port)];
	__u32 *a = &p->listener_addr[sg_peer_port_index(port)];

	if (*a != bound)
		*a = bound;
	if (*v != now)
		*v = now;
}

/* Marks the source in @slot: the kernel takes its SYN. */
static sg_always_inline void sg_peer_mark_slot(__u32 slot)
{
	struct sg_peers *p = sg_peers();

	if (p)
		sg_peer_mark(p, slot, sg_peer_now());
}

#endif /* SG_BPF_PEERS_H */
