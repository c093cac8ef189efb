/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * synguard's SYN cookies (layout in include/synguard.h). The MAC key is
 * derived per epoch from the master key in cookie_key_map and kept, two
 * epochs deep, in a global every CPU reads (sg_keys), so keys rotate on
 * schedule with no userspace involvement, the previous epoch's key stays
 * valid, and hosts that share the master key and a synchronised clock
 * (TAI) accept each other's cookies.
 */
#ifndef SG_BPF_COOKIE_H
#define SG_BPF_COOKIE_H

#include "common.h"
#include "clock.h"
#include "maps.h"
#include "parse.h"
#include "siphash.h"
#include "stats.h"
#include "events.h"
#include "tcp_opts.h"

/* The MSS of a client that sends no MSS option: IPv4's 536 (RFC 9293),
 * IPv6's 1220 (RFC 8200's minimum MTU, 1280, less 60). */
#define SG_MSS_DEFAULT4	536
#define SG_MSS_DEFAULT6	1220

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sg_cookie_key);
} cookie_key_map SEC(".maps");

/* The endpoints of a connection as the client sent them. */
struct sg_flow {
	__be32 saddr[4];
	__be32 daddr[4];
	__be16 sport;
	__be16 dport;
	__u8 family;
};

static sg_always_inline void sg_flow4(struct sg_flow *f, const struct iphdr *ip,
				      const struct tcphdr *tcp)
{
	__builtin_memset(f, 0, sizeof(*f));
	f->family = 4;
	f->saddr[0] = ip->saddr;
	f->daddr[0] = ip->daddr;
	f->sport = tcp->source;
	f->dport = tcp->dest;
}

static sg_always_inline void sg_flow6(struct sg_flow *f, const struct ipv6hdr *ip6,
				      const struct tcphdr *tcp)
{
	__builtin_memset(f, 0, sizeof(*f));
	f->family = 6;
	__builtin_memcpy(f->saddr, &ip6->saddr, 16);
	__builtin_memcpy(f->daddr, &ip6->daddr, 16);
	f->sport = tcp->source;
	f->dport = tcp->dest;
}

static sg_always_inline void sg_flow_from_pkt(const struct sg_pkt *pkt, struct sg_flow *f)
{
	__builtin_memset(f, 0, sizeof(*f));
	if (pkt->ip4) {
		f->family = 4;
		f->saddr[0] = pkt->ip4->saddr;
		f->daddr[0] = pkt->ip4->daddr;
	} else if (pkt->ip6) {
		f->family = 6;
		__builtin_memcpy(f->saddr, &pkt->ip6->saddr, 16);
		__builtin_memcpy(f->daddr, &pkt->ip6->daddr, 16);
	}
	f->sport = pkt->tcp->source;
	f->dport = pkt->tcp->dest;
}

static sg_always_inline __u16 sg_mss_from_index(__u8 family, __u32 idx)
{
	if (family == 4) {
		switch (idx & 3) {
		case 0: return SG_MSS_DEFAULT4;
		case 1: return 1300;
		case 2: return 1440;
		default: return 1460;
		}
	}
	switch (idx & 3) {
	case 0: return SG_MSS_DEFAULT6;
	case 1: return 1420;
	case 2: return 1440;
	default: return 8940;
	}
}

/* The largest table MSS not above the client's (the smallest entry when
 * the client's is below all of them, as the kernel does). */
static sg_always_inline __u32 sg_mss_index(__u8 family, __u16 mss)
{
	__u32 i;

	for (i = 3; i > 0; i--)
		if (sg_mss_from_index(family, i) <= mss)
			break;
	return i;
}

/*
 * The cookie's data bits for a SYN with options @c: the one encoding every
 * path uses (a constant @family folds the other family's table away). The
 * ACK's side reads them back in sg_cookie_ack_pass().
 */
static sg_always_inline __u32 sg_cookie_data(__u8 family, const struct sg_tcp_opts *c, bool ecn)
{
	__u16 mss = c->mss ? c->mss : family == 4 ? SG_MSS_DEFAULT4 : SG_MSS_DEFAULT6;

	return sg_mss_index(family, mss) << SG_COOKIE_MSS_SHIFT |
	       (__u32)c->wscale << SG_COOKIE_WSCALE_SHIFT | (c->sack_ok ? SG_COOKIE_SACK : 0) |
	       (ecn ? SG_COOKIE_ECN : 0);
}

struct sg_key {
	__u64 k[2];
};

/* The derived keys of the last two epochs, shared by every CPU (see
 * struct sg_keys); pinned as keys_map. */
struct sg_keys sg_keys SG_GLOBAL(keys) = {};

#define SG_READ(x)	(*(volatile __typeof__(x) *)&(x))

/*
 * Derives the key of @epoch from the master key into its slot: the slot's
 * epoch cleared, the key written, the epoch set, in that order. Returns 0,
 * or -1 if the master key is unreachable. A global function: it runs once
 * an epoch, and the hot paths keep neither its code nor its stack.
 */
__noinline int sg_cookie_key_derive(__u64 epoch)
{
	struct sg_key_slot *ks = &sg_keys.slot[epoch & 1];
	struct sg_cookie_key *master;
	__u32 zero = 0;
	struct sg_sip s;
	__u64 k0, k1, seen;

	master = bpf_map_lookup_elem(&cookie_key_map, &zero);
	if (!master)
		return -1;
	sg_sip_init(&s, master->k[0], master->k[1]);
	sg_sip_word(&s, epoch);
	sg_sip_word(&s, 1);
	k0 = sg_sip_final(&s);
	sg_sip_init(&s, master->k[0], master->k[1]);
	sg_sip_word(&s, epoch);
	sg_sip_word(&s, 2);
	k1 = sg_sip_final(&s);
	SG_READ(ks->epoch_plus1) = 0;
	SG_READ(ks->k[0]) = k0;
	SG_READ(ks->k[1]) = k1;
	SG_READ(ks->epoch_plus1) = epoch + 1;
	sg_count(SG_STAT_INFO_KEY_DERIVED, 0);

	/* One key_rotation event per new epoch, from whichever CPU gets
	 * there first. */
	seen = master->announced_epoch;
	if (epoch > seen &&
	    __sync_val_compare_and_swap(&master->announced_epoch, seen, epoch) == seen)
		sg_event_key_rotation(epoch);
	return 0;
}

/*
 * The cookie key of @epoch into @out: read between two reads of its slot's
 * epoch that both name @epoch (a slot rewritten meanwhile fails that test),
 * else derived first. Returns 0, or -1 if the master key is unreachable.
 * Ordered on x86, whose loads and stores keep program order; a CPU that
 * reorders loads (arm64; clang 14 has no load-acquire for BPF) could take
 * the slot's old key in the instant it is first written, which costs one
 * cookie that fails to validate, once an epoch at most.
 */
static sg_always_inline int sg_cookie_key(__u64 epoch, struct sg_key *out)
{
	struct sg_key_slot *ks = &sg_keys.slot[epoch & 1];
	__u64 e1;

	if (!out)
		return -1;
	for (int i = 0; i < 2; i++) {
		e1 = SG_READ(ks->epoch_plus1);
		out->k[0] = SG_READ(ks->k[0]);
		out->k[1] = SG_READ(ks->k[1]);
		if (e1 == epoch + 1 && SG_READ(ks->epoch_plus1) == e1)
			return 0;
		if (i || sg_cookie_key_derive(epoch))
			break;
	}
	return -1;
}

#define SG_COOKIE_NO_KEY	(1u << 31)	/* not a MAC: no key to make one */
#define SG_COOKIE_PERIOD_MASK	((1ULL << 40) - 1)	/* the period bits the MAC covers */

/*
 * 22-bit MAC over the flow, the client's ISN, the period and the data,
 * with the key of the period's epoch; SG_COOKIE_NO_KEY if that key is out
 * of reach. Inlined: as a BPF function of its own, its call and return cost
 * 7-13 ns a packet here (returns go through the SRSO return thunk). Its
 * callers sit in sg_cookie_path(), which the verifier checks once.
 */
static sg_always_inline __u32 sg_cookie_mac(const struct sg_flow *f, __u32 client_isn,
					    __u64 period, __u32 data, __u32 key_shift)
{
	struct sg_key key;
	struct sg_sip s;

	if (!f || sg_cookie_key(period >> (key_shift & 31), &key))
		return SG_COOKIE_NO_KEY;
	sg_sip_init(&s, key.k[0], key.k[1]);
	if (f->family == 6) {
		sg_sip_word(&s, (__u64)f->saddr[0] << 32 | f->saddr[1]);
		sg_sip_word(&s, (__u64)f->saddr[2] << 32 | f->saddr[3]);
		sg_sip_word(&s, (__u64)f->daddr[0] << 32 | f->daddr[1]);
		sg_sip_word(&s, (__u64)f->daddr[2] << 32 | f->daddr[3]);
	} else {
		sg_sip_word(&s, (__u64)f->saddr[0] << 32 | f->daddr[0]);
	}
	sg_sip_word(&s, (__u64)client_isn << 32 | (__u32)f->sport << 16 | f->dport);
	/* 7 bytes in the length block: 40 bits of period (TAI periods
	 * number about 2^25), data, family; two rounds fewer than a word */
	return sg_sip_final_tail(&s, (period & SG_COOKIE_PERIOD_MASK) << 16 | (data & 0xff) << 8 |
				 f->family, 7) & ((1u << (32 - SG_COOKIE_MAC_SHIFT)) - 1);
}

static sg_always_inline __u32 sg_cookie_make(const struct sg_flow *f, __u32 client_isn,
					     __u32 data, __u32 key_shift, bool *ok)
{
	__u64 period = sg_cookie_period();
	__u32 mac = sg_cookie_mac(f, client_isn, period, data, key_shift);

	*ok = mac != SG_COOKIE_NO_KEY;
	if (!*ok)
		return 0;
	return mac << SG_COOKIE_MAC_SHIFT | (period & 3) << SG_COOKIE_DATA_BITS | data;
}

/* Returns 0 and the data bits for a valid cookie, or the drop counter. */
static sg_always_inline __u32 sg_cookie_check(const struct sg_flow *f, __u32 client_isn,
					      __u32 cookie, __u32 key_shift, __u32 *data)
{
	__u64 now = sg_cookie_period(), period;
	__u32 lo = (cookie >> SG_COOKIE_DATA_BITS) & 3, mac;

	if (lo == (now & 3))
		period = now;
	else if (lo == ((now - 1) & 3))
		period = now - 1;
	else
		return SG_STAT_DROP_COOKIE_EXPIRED;
	*data = cookie & ((1u << SG_COOKIE_DATA_BITS) - 1);
	mac = sg_cookie_mac(f, client_isn, period, *data, key_shift);
	if (mac != cookie >> SG_COOKIE_MAC_SHIFT)	/* SG_COOKIE_NO_KEY never matches */
		return SG_STAT_DROP_COOKIE_BAD;
	return 0;
}

#endif /* SG_BPF_COOKIE_H */
