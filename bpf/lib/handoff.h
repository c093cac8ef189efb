/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The handoff of a validated cookie ACK's options from XDP to TC without
 * XDP metadata (struct sg_handoff in include/synguard.h). XDP writes an
 * entry under the flow, TC takes it once (the LRU evicts it later), and TC
 * looks for one only while entries are being written (sg_handoff.until_ns),
 * so established flows pay one comparison when no handshake goes this way.
 * The map is shared by every CPU: RPS may run TC on another CPU than XDP,
 * and a NAPI poll may run XDP on a whole batch of frames before TC sees
 * the first of them.
 */
#ifndef SG_BPF_HANDOFF_H
#define SG_BPF_HANDOFF_H

#include "common.h"
#include "cookie.h"
#include "maps.h"
#include "stats.h"

#define SG_HANDOFF_V6	(1u << 31)	/* in sg_handoff_put()'s @offs */
#define SG_EEXIST	17		/* errno.h is not for BPF objects */

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(map_flags, BPF_F_NO_COMMON_LRU);	/* per-CPU free lists: no shared lock */
	__uint(max_entries, SG_HANDOFF_ENTRIES);
	__type(key, struct sg_flow);
	__type(value, struct sg_handoff);
} handoff_map SEC(".maps");

/* sg_handoff_put()'s key and value, out of its stack: with it the call
 * chain through it took 544 bytes on 6.1, whose verifier rounds each
 * frame up to 32 ("combined stack size of 3 calls is 544. Too large"). */
struct sg_handoff_scratch {
	struct sg_flow f;
	struct sg_handoff h;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sg_handoff_scratch);
} handoff_scratch SEC(".maps");

/* pinned as handoff_state_map */
struct sg_handoff_state sg_handoff SG_GLOBAL(handoff_state) = {};

static sg_always_inline bool sg_handoff_fresh(const struct sg_handoff *h, __u64 now)
{
	return (__u32)(now >> SG_HANDOFF_STAMP_SHIFT) - h->stamp <
	       (__u32)(SG_HANDOFF_TTL_NS >> SG_HANDOFF_STAMP_SHIFT);
}

/* Should XDP try metadata first? Not once the map is the path. */
static sg_always_inline bool sg_handoff_meta_first(void)
{
	return SG_READ(sg_handoff.path) == SG_HANDOFF_META;
}

/* The driver refused metadata: the map from now on (the first refusal's
 * time is kept for status). */
static sg_always_inline void sg_handoff_learn(void)
{
	sg_count(SG_STAT_INFO_META_FAILED, 0);
	if (SG_READ(sg_handoff.path) == SG_HANDOFF_META) {
		SG_READ(sg_handoff.learned_ns) = bpf_ktime_get_coarse_ns();
		SG_READ(sg_handoff.path) = SG_HANDOFF_MAP_LEARNED;
	}
}

/*
 * XDP: the options of a valid cookie ACK, whose IP header is at @l3_off
 * (@family 4 or 6) and TCP header at @l4_off, into handoff_map: @word is
 * mss << 16 | snd_wscale << 8 | SG_META_* flags, @tsval and @tsecr the
 * ACK's. Returns 0, or -1 if the map refused it. A global function, with
 * scalars only: the hot paths keep neither its code nor its stack (a flow
 * passed by address would live on their stack), and it reads the headers
 * afresh, since packet pointers are void past bpf_xdp_adjust_meta().
 */
__noinline int sg_handoff_put(struct xdp_md *ctx, __u32 offs, __u32 word, __u32 tsval,
			      __u32 tsecr)
{
	__u32 l3_off = offs >> 16 & 0x3fff, l4_off = offs & 0x3fff, zero = 0;
	__u64 now = bpf_ktime_get_coarse_ns();
	struct sg_handoff_scratch *s;
	struct sg_handoff *old;
	struct tcphdr *tcp;
	void *data, *end;
	long err;

	s = bpf_map_lookup_elem(&handoff_scratch, &zero);
	if (!ctx || !s)
		return -1;
	data = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	tcp = data + l4_off;
	if ((void *)(tcp + 1) > end)
		return -1;
	if (offs & SG_HANDOFF_V6) {
		struct ipv6hdr *ip6 = data + l3_off;

		if ((void *)(ip6 + 1) > end)
			return -1;
		sg_flow6(&s->f, ip6, tcp);
	} else {
		struct iphdr *ip4 = data + l3_off;

		if ((void *)(ip4 + 1) > end)
			return -1;
		sg_flow4(&s->f, ip4, tcp);
	}
	s->h.meta.magic = SG_META_MAGIC;
	s->h.meta.mss = word >> 16;
	s->h.meta.snd_wscale = word >> 8;
	s->h.meta.flags = word;
	s->h.meta.tsval = tsval;
	s->h.meta.tsecr = tsecr;
	s->h.seq = tcp->seq;
	s->h.ack_seq = tcp->ack_seq;
	s->h.stamp = now >> SG_HANDOFF_STAMP_SHIFT;
	s->h.taken = 0;
	/* The same handshake's entry already (the request behind its ACK, or
	 * a retransmission) stays as it is, taken or not: one lookup. A new
	 * one goes in unless another CPU's went in first; an old one is
	 * replaced. */
	old = bpf_map_lookup_elem(&handoff_map, &s->f);
	if (old && old->seq == s->h.seq && old->ack_seq == s->h.ack_seq &&
	    sg_handoff_fresh(old, now))
		return 0;
	err = bpf_map_update_elem(&handoff_map, &s->f, &s->h, old ? BPF_ANY : BPF_NOEXIST);
	if (err == -SG_EEXIST)
		return 0;
	if (err) {
		sg_count(SG_STAT_INFO_HANDOFF_FAILED, 0);
		return -1;
	}
	/* The window moves in steps of half its length: one write to the
	 * shared line every half second at most, not one per ACK. */
	if (SG_READ(sg_handoff.until_ns) < now + SG_HANDOFF_TTL_NS / 2)
		SG_READ(sg_handoff.until_ns) = now + SG_HANDOFF_TTL_NS;
	sg_count(SG_STAT_INFO_HANDOFFS, 0);
	return 0;
}

/* TC: is an entry possibly waiting? */
static sg_always_inline bool sg_handoff_open(void)
{
	__u64 until = SG_READ(sg_handoff.until_ns);

	return until && bpf_ktime_get_coarse_ns() < until;
}

/* TC: the options of the entry XDP made for this very ACK, into @m, if no
 * packet took them before. False if there is none, or a stale one. */
static sg_always_inline bool sg_handoff_take(const struct sg_pkt *pkt, struct sg_meta *m)
{
	struct tcphdr *tcp = pkt->tcp;
	struct sg_handoff *h;
	struct sg_flow f;

	if ((SG_TCP_FLAGS(tcp) & (SG_TCP_SYN | SG_TCP_RST | SG_TCP_ACK)) != SG_TCP_ACK)
		return false;
	sg_flow_from_pkt(pkt, &f);
	h = bpf_map_lookup_elem(&handoff_map, &f);
	if (!h || h->seq != tcp->seq || h->ack_seq != tcp->ack_seq ||
	    !sg_handoff_fresh(h, bpf_ktime_get_coarse_ns()))
		return false;
	if (__sync_fetch_and_or(&h->taken, 1))
		return false;	/* another packet of the handshake has it */
	*m = h->meta;
	return true;
}

#endif /* SG_BPF_HANDOFF_H */
