/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The handshakes counter counts each connection once. A client's ACK and
 * the request right behind it both carry the cookie, and when the second
 * is judged before the first has made its socket, both complete a
 * handshake: the kernel keeps one child, and the counter must count one.
 * hs_seen_map remembers the handshakes counted lately, by 4-tuple and the
 * client's ISN; an LRU map, since the twin follows within microseconds.
 * Its value is the handshake's RTT as synguard measured it, for the
 * histogram synguard_sockops keeps when the connection is accepted
 * (lib/rtt.h): the kernel's own sample of a cookie handshake is not one.
 */
#ifndef SG_BPF_HANDSHAKES_H
#define SG_BPF_HANDSHAKES_H

#include "clock.h"
#include "common.h"
#include "cookie.h"
#include "parse.h"
#include "stats.h"

struct sg_hs_key {
	struct sg_flow flow;
	__u32 isn; /* the client's, host order */
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__uint(map_flags, BPF_F_NO_COMMON_LRU); /* per-CPU free lists: no shared lock */
	__type(key, struct sg_hs_key);
	__type(value, __u32); /* RTT in microseconds, or SG_HS_NO_RTT */
} hs_seen_map SEC(".maps");

/* A handshake completed through synguard whose RTT it could not tell (the
 * client sent no timestamps). */
#define SG_HS_NO_RTT 0xffffffffu

/* A handshake's RTT of @ms by sg_now_ms() (to the kernel's tick), from
 * SYN-ACK to ACK as the ACK's timestamp echo tells it; SG_HS_NO_RTT for
 * an echo more than a minute old or in the future. */
static sg_always_inline __u32 sg_hs_rtt_us(__u32 ms)
{
	return ms <= 60000 ? ms * 1000 : SG_HS_NO_RTT;
}

/* The key is built here, not on the stack: on Linux 6.1 the SYNPROXY
 * path's calls would need "combined stack size of 4 calls is 544. Too
 * large". */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sg_hs_key);
} hs_scratch SEC(".maps");

/* Counts the handshake @pkt's ACK completes, unless its twin did, and
 * keeps its RTT (@rtt_us, or SG_HS_NO_RTT). */
static sg_always_inline void sg_count_handshake(const struct sg_pkt *pkt, __u32 rtt_us)
{
	struct sg_hs_key *k;
	__u32 zero = 0;

	k = bpf_map_lookup_elem(&hs_scratch, &zero);
	if (!k)
		return;
	sg_flow_from_pkt(pkt, &k->flow);
	k->isn = bpf_ntohl(pkt->tcp->seq) - 1;
	/* a twin judged after the first is found; one judged beside it on
	 * another CPU is refused by BPF_NOEXIST under the bucket's lock.
	 * The lookup is needed too: in the matrix's 6.1 guest, the program's
	 * BPF_NOEXIST update let the later twin's insert through. */
	if (bpf_map_lookup_elem(&hs_seen_map, k) ||
	    bpf_map_update_elem(&hs_seen_map, k, &rtt_us, BPF_NOEXIST) == -17 /* EEXIST */)
		return;
	sg_count(SG_STAT_INFO_HANDSHAKES, 0);
}

#endif /* SG_BPF_HANDSHAKES_H */
