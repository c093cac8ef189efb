/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * SipHash-2-4 (Aumasson and Bernstein) over whole 64-bit words, optionally
 * followed by up to 7 bytes: the message is the words in order (each little
 * endian), then the tail's low bytes; its length 8 * n (+ the tail's)
 * bytes. Written for the BPF target: no loops over data, only the fixed
 * rounds.
 */
#ifndef SG_BPF_SIPHASH_H
#define SG_BPF_SIPHASH_H

#include "common.h"

struct sg_sip {
	__u64 v0, v1, v2, v3;
	__u64 len;
};

#define SG_ROTL(x, b)	(((x) << (b)) | ((x) >> (64 - (b))))

static sg_always_inline void sg_sipround(struct sg_sip *s)
{
	s->v0 += s->v1;
	s->v1 = SG_ROTL(s->v1, 13);
	s->v1 ^= s->v0;
	s->v0 = SG_ROTL(s->v0, 32);
	s->v2 += s->v3;
	s->v3 = SG_ROTL(s->v3, 16);
	s->v3 ^= s->v2;
	s->v0 += s->v3;
	s->v3 = SG_ROTL(s->v3, 21);
	s->v3 ^= s->v0;
	s->v2 += s->v1;
	s->v1 = SG_ROTL(s->v1, 17);
	s->v1 ^= s->v2;
	s->v2 = SG_ROTL(s->v2, 32);
}

static sg_always_inline void sg_sip_init(struct sg_sip *s, __u64 k0, __u64 k1)
{
	s->v0 = k0 ^ 0x736f6d6570736575ULL;
	s->v1 = k1 ^ 0x646f72616e646f6dULL;
	s->v2 = k0 ^ 0x6c7967656e657261ULL;
	s->v3 = k1 ^ 0x7465646279746573ULL;
	s->len = 0;
}

static sg_always_inline void sg_sip_word(struct sg_sip *s, __u64 m)
{
	s->v3 ^= m;
	sg_sipround(s);
	sg_sipround(s);
	s->v0 ^= m;
	s->len += 8;
}

/* The MAC of the words so far and a last partial block: @tail's low
 * @tail_len (0-7) bytes, which SipHash's length block carries at no
 * extra round. */
static sg_always_inline __u64 sg_sip_final_tail(struct sg_sip *s, __u64 tail, __u32 tail_len)
{
	__u64 b = (s->len + tail_len) << 56 | tail;

	s->v3 ^= b;
	sg_sipround(s);
	sg_sipround(s);
	s->v0 ^= b;
	s->v2 ^= 0xff;
	sg_sipround(s);
	sg_sipround(s);
	sg_sipround(s);
	sg_sipround(s);
	return s->v0 ^ s->v1 ^ s->v2 ^ s->v3;
}

static sg_always_inline __u64 sg_sip_final(struct sg_sip *s)
{
	return sg_sip_final_tail(s, 0, 0);
}

#endif /* SG_BPF_SIPHASH_H */
