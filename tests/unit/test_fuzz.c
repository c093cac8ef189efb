// SPDX-License-Identifier: GPL-2.0-only
/*
 * The packet fuzzer: generated, mutated and random frames through
 * synguard_xdp with BPF_PROG_TEST_RUN, with invariants checked on every
 * frame by code of its own:
 *   - the run succeeds with a verdict of DROP, PASS or TX;
 *   - exactly one packet counter moved, by one packet and the frame's bytes,
 *     and it is one of the verdict's class;
 *   - a TX frame is a SYN-ACK to a SYN the kernel would answer (protected
 *     port, unicast MAC, no martian address, not LAND, IPv4 header checksum
 *     right), checked field by field: addresses and ports swapped, checksums
 *     recomputed, options a subset of the SYN's offer, the cookie's data bits
 *     agreeing with the options and its MAC recomputed with the reference
 *     SipHash (cookie_ref.c);
 *   - the ACK to that SYN-ACK passes as a cookie ACK, and forged ones (a
 *     random cookie) are refused at the odds the MAC's 22 bits give.
 *
 *   SG_FUZZ_FRAMES=N  frames to run (default 1,000,000; 5,000 in a VM)
 *   SG_FUZZ_SEED=S    the generator's seed (default: from the clock; printed)
 *   SG_FUZZ_REPLAY=HEX  runs that one frame, printing its verdict and counter
 *
 * A violation prints the seed, the frame's index and its hex, which
 * SG_FUZZ_REPLAY runs again.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cookie_ref.h"
#include "harness.h"

#define FZ_LISTEN0   8090 /* protected, with listeners */
#define FZ_LISTENERS 2
#define FZ_TTL	     62
#define FZ_WSCALE    7
#define FZ_BATCH     25000 /* frames per configuration */
#define FZ_FORGERIES 8	   /* forged ACKs per answer */

static const uint8_t fz_master[16] = { 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3, 4, 5, 6 };

/* ---- the generator: xorshift64*, so a seed replays a run ---------------- */

static uint64_t fz_state;

static uint64_t rnd(void)
{
	fz_state ^= fz_state >> 12;
	fz_state ^= fz_state << 25;
	fz_state ^= fz_state >> 27;
	return fz_state * 0x2545f4914f6cdd1dULL;
}

static uint32_t below(uint32_t n)
{
	return n ? rnd() % n : 0;
}

static bool chance(int percent)
{
	return below(100) < (uint32_t)percent;
}

/* ---- what a frame is, read independently of bpf/ ------------------------ */

struct view {
	size_t l3, l4, len;
	int family; /* 4, 6 or 0: nothing synguard answers */
	const uint8_t *saddr, *daddr;
	uint16_t sport, dport;
	uint32_t seq;
	uint8_t flags, ecn;
	/* the SYN's offer, as Linux's tcp_parse_options() reads it */
	bool mss, ws, sack, ts;
	uint32_t tsval[20];
	int ntsval;
	uint8_t wscale; /* the last offered wins, as in Linux */
};

static uint16_t get16(const uint8_t *p)
{
	return p[0] << 8 | p[1];
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static bool ip4_martian(const uint8_t *a)
{
	return a[0] == 0 || a[0] == 127 || (a[0] >= 224 && a[0] <= 239) ||
	       (a[0] == 255 && a[1] == 255 && a[2] == 255 && a[3] == 255);
}

static bool zero(const uint8_t *a, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i])
			return false;
	return true;
}

static bool ip6_loop_or_any(const uint8_t *a)
{
	return zero(a, 15) && a[15] <= 1;
}

/* Walks the IPv6 extension headers after the header at @off to TCP, as the
 * kernel takes them for a local SYN: hop-by-hop and destination options
 * (their options unread), a routing header with no segments left, an
 * atomic fragment; at most six. False for anything else (AH without an SA,
 * mobility, a packet bound elsewhere), or if TCP is not reached. */
static bool view_ext6(const uint8_t *d, size_t end, size_t off, size_t *l4)
{
	uint8_t next = d[off + 6];

	off += 40;
	for (int i = 0; i <= 6; i++) {
		size_t n;

		if (next == 6) {
			*l4 = off;
			return true;
		}
		if (i == 6 || off + 8 > end)
			return false;
		if (next == 0 || next == 60)
			n = (d[off + 1] + 1) * 8;
		else if (next == 43 && !d[off + 3])
			n = (d[off + 1] + 1) * 8;
		else if (next == 44 && !(get16(d + off + 2) & 0xfff9))
			n = 8;
		else
			return false;
		next = d[off];
		off += n;
	}
	return false;
}

/* May the kernel answer this frame's SYN at all, and what does it offer?
 * False for anything but an untagged or one- or two-tag IPv4/IPv6 TCP SYN
 * without IPv6 extension headers to a protected port that the kernel would
 * take. */
static bool view_syn(const uint8_t *d, size_t len, struct view *v)
{
	size_t off = 12, optend;
	uint16_t type;
	int tags = 0;

	memset(v, 0, sizeof(*v));
	v->len = len;
	if (len < 14 || (d[0] & 1))
		return false; /* group MAC */
	type = get16(d + off);
	while ((type == 0x8100 || type == 0x88a8) && tags < 2) {
		if (len < off + 6)
			return false;
		off += 4;
		tags++;
		type = get16(d + off);
	}
	off += 2;
	v->l3 = off;
	if (type == 0x0800) {
		uint32_t sum = 0;
		size_t ihl, tot;

		if (len < off + 20 || d[off] >> 4 != 4)
			return false;
		ihl = (d[off] & 15) * 4;
		tot = get16(d + off + 2);
		if (ihl < 20 || len < off + ihl || tot < ihl || off + tot > len || d[off + 9] != 6)
			return false;
		if (get16(d + off + 6) & 0x3fff) /* MF or an offset: a fragment */
			return false;
		sum = pkt_csum_add(0, d + off, ihl);
		if (pkt_csum_fold(sum))
			return false;
		v->family = 4;
		v->saddr = d + off + 12;
		v->daddr = d + off + 16;
		if (ip4_martian(v->saddr) || ip4_martian(v->daddr) ||
		    !memcmp(v->saddr, v->daddr, 4))
			return false;
		v->ecn = d[off + 1] & 3;
		v->l4 = off + ihl;
		len = off + tot;
	} else if (type == 0x86dd) {
		if (len < off + 40 || d[off] >> 4 != 6 || off + 40 + get16(d + off + 4) > len)
			return false;
		v->family = 6;
		v->saddr = d + off + 8;
		v->daddr = d + off + 24;
		if (v->saddr[0] == 0xff || ip6_loop_or_any(v->saddr) ||
		    (zero(v->saddr, 10) && v->saddr[10] == 0xff && v->saddr[11] == 0xff) ||
		    v->daddr[0] == 0xff || ip6_loop_or_any(v->daddr) ||
		    !memcmp(v->saddr, v->daddr, 16))
			return false;
		v->ecn = (d[off + 1] >> 4) & 3;
		len = off + 40 + get16(d + off + 4);
		if (!view_ext6(d, len, off, &v->l4))
			return false;
	} else {
		return false;
	}
	if (len < v->l4 + 20)
		return false;
	v->sport = get16(d + v->l4);
	v->dport = get16(d + v->l4 + 2);
	v->seq = get32(d + v->l4 + 4);
	v->flags = d[v->l4 + 13];
	optend = v->l4 + (d[v->l4 + 12] >> 4) * 4;
	if ((v->flags & 0x3f) != 0x02 || optend < v->l4 + 20 || optend > len)
		return false;
	if (!(v->dport == 80 || v->dport == 443 || (v->dport >= 8000 && v->dport <= 8100)))
		return false;
	for (size_t o = v->l4 + 20; o < optend;) {
		uint8_t kind = d[o], n;

		if (kind == 0)
			break;
		if (kind == 1) {
			o++;
			continue;
		}
		if (o + 2 > optend || (n = d[o + 1]) < 2 || o + n > optend)
			break;
		if (kind == 2 && n == 4)
			v->mss = true;
		if (kind == 3 && n == 3)
			v->ws = true, v->wscale = d[o + 2] > 14 ? 14 : d[o + 2];
		if (kind == 4 && n == 2)
			v->sack = true;
		if (kind == 8 && n == 10 && v->ntsval < 20)
			v->ts = true, v->tsval[v->ntsval++] = get32(d + o + 2);
		o += n;
	}
	return true;
}

/* The SYN-ACK @out for the SYN @in (viewed as @v): NULL if right, or what
 * is wrong. */
static const char *check_synack(const uint8_t *in, const struct view *v, const uint8_t *out,
				size_t olen, const struct sg_config *cfg, uint32_t *cookie)
{
	size_t l4, optlen;
	struct pkt chk;
	const uint8_t *t;
	bool ws = false, sack = false, ts = false, ece;
	uint32_t data, period_bits;
	uint64_t now;

	if (olen < v->l3 + 20 || olen > PKT_MAX)
		return "shorter than a SYN-ACK";
	if (memcmp(out, in + 6, 6) || memcmp(out + 6, in, 6) ||
	    memcmp(out + 12, in + 12, v->l3 - 12))
		return "Ethernet header not the SYN's, swapped";
	if (v->family == 4) {
		const uint8_t *ip = out + v->l3;

		if (ip[0] != 0x45 || !(ip[6] & 0x40) || ip[8] != FZ_TTL || ip[9] != 6)
			return "IPv4 header fields";
		if (memcmp(ip + 12, v->daddr, 4) || memcmp(ip + 16, v->saddr, 4))
			return "IPv4 addresses not swapped";
		if (v->l3 + get16(ip + 2) != olen)
			return "IPv4 total length";
		l4 = v->l3 + 20;
	} else {
		const uint8_t *ip = out + v->l3;

		if (ip[0] >> 4 != 6 || ip[6] != 6 || ip[7] != FZ_TTL)
			return "IPv6 header fields";
		if (memcmp(ip + 8, v->daddr, 16) || memcmp(ip + 24, v->saddr, 16))
			return "IPv6 addresses not swapped";
		if (v->l3 + 40 + get16(ip + 4) != olen)
			return "IPv6 payload length";
		l4 = v->l3 + 40;
	}
	memcpy(chk.data, out, olen);
	chk.len = olen;
	chk.l3 = v->l3;
	chk.l4 = l4;
	if (pkt_verify_checksums(&chk))
		return "a checksum is wrong";
	t = out + l4;
	if (get16(t) != v->dport || get16(t + 2) != v->sport || get32(t + 8) != v->seq + 1)
		return "ports or ACK number";
	optlen = (t[12] >> 4) * 4;
	if (optlen < 20 || l4 + optlen != olen)
		return "data offset";
	optlen -= 20;
	ece = t[13] & 0x40;
	if ((t[13] & ~0x40) != 0x12)
		return "flags not SYN+ACK";
	/* Linux negotiates ECN only for ECE+CWR, with the IP header not ECT
	 * unless a reserved bit is set */
	if (ece && (!(cfg->flags & SG_CFG_ECN) || (v->flags & 0xc0) != 0xc0 ||
		    (v->ecn && !(in[v->l4 + 12] & 0x0f))))
		return "ECN negotiated where Linux would not";
	for (size_t o = 0; o < optlen;) {
		const uint8_t *p = t + 20 + o;

		if (p[0] == 0 || p[0] == 1) {
			o++;
			continue;
		}
		if (o + 2 > optlen || p[1] < 2 || o + p[1] > optlen)
			return "an option runs past the header";
		if (p[0] == 2) {
			if (p[1] != 4 || get16(p + 2) > (v->family == 4 ? cfg->mss4 : cfg->mss6))
				return "MSS option";
		} else if (p[0] == 3) {
			if (p[1] != 3 || !v->ws || p[2] != FZ_WSCALE)
				return "window scale not offered, or not ours";
			ws = true;
		} else if (p[0] == 4) {
			if (p[1] != 2 || !v->sack)
				return "SACK not offered";
			sack = true;
		} else if (p[0] == 8) {
			bool echoed = false;

			if (p[1] != 10 || !v->ts)
				return "timestamps not offered";
			for (int i = 0; i < v->ntsval; i++)
				echoed |= get32(p + 6) == v->tsval[i];
			if (!echoed)
				return "TSecr is none of the SYN's TSvals";
			ts = true;
		} else {
			return "an option synguard never sends";
		}
		o += p[1];
	}
	if (cfg->completion == SG_COMPLETION_SYNPROXY) {
		*cookie = get32(t + 4);
		return NULL; /* the kernel's cookie: the round trip checks it */
	}
	/* the cookie's data bits say what the SYN-ACK says */
	*cookie = get32(t + 4);
	data = *cookie & 0xff;
	if (!!(data & 2) != sack || !!(data & 1) != ece)
		return "cookie's SACK or ECN bit";
	if (((data >> 2) & 15) == SG_COOKIE_WSCALE_NONE ? ws : !ws)
		return "cookie's window scale against the option";
	if (ws && ((data >> 2) & 15) != v->wscale)
		return "cookie's window scale is not the SYN's last offer";
	(void)ts;
	now = tai_period();
	period_bits = (*cookie >> 8) & 3;
	if (period_bits != (now & 3))
		now--;
	if (period_bits != (now & 3))
		return "cookie's period";
	if (*cookie >> 10 != ref_mac(fz_master, v->family, v->saddr, v->daddr, in + v->l4,
				     in + v->l4 + 2, v->seq, now, data))
		return "cookie's MAC is not the reference SipHash's";
	return NULL;
}

/* ---- counters, read in one batch --------------------------------------- */

static int ncpu;
static struct sg_counter *fz_values;
static __u32 fz_keys[SG_STAT__MAX];

static void counters(struct sg_counter *sum)
{
	__u32 count = SG_STAT__MAX, out;
	LIBBPF_OPTS(bpf_map_batch_opts, o);

	if (bpf_map_lookup_batch(bpf_map__fd(skel->maps.stats_map), NULL, &out, fz_keys, fz_values,
				 &count, &o) &&
	    errno != ENOENT)
		fail_msg("cannot read the counters: %s", strerror(errno));
	assert_int_equal(count, SG_STAT__MAX);
	memset(sum, 0, sizeof(*sum) * SG_STAT__MAX);
	for (__u32 i = 0; i < count; i++)
		for (int c = 0; c < ncpu; c++) {
			sum[fz_keys[i]].packets += fz_values[i * ncpu + c].packets;
			sum[fz_keys[i]].bytes += fz_values[i * ncpu + c].bytes;
		}
}

/* ---- frames ------------------------------------------------------------ */

static const uint16_t fz_ports[] = {
	80, 443,  8000, 8050, 8100, FZ_LISTEN0, FZ_LISTEN0 + 1, FZ_LISTEN0, FZ_LISTEN0 + 1,
	22, 7999, 8101, 0,    65535
};

/* Addresses worth meeting: the defaults, martians, their edges. */
static const uint8_t fz_addr4[][4] = {
	{ 192, 0, 2, 2 },	{ 192, 0, 2, 1 },	{ 0, 0, 0, 0 },
	{ 0, 255, 255, 255 },	{ 1, 0, 0, 0 },		{ 126, 255, 255, 255 },
	{ 127, 0, 0, 1 },	{ 128, 0, 0, 0 },	{ 223, 255, 255, 255 },
	{ 224, 0, 0, 1 },	{ 239, 255, 255, 255 }, { 240, 0, 0, 0 },
	{ 255, 255, 255, 254 }, { 255, 255, 255, 255 }, { 10, 1, 2, 3 },
	{ 198, 51, 100, 7 },
};
static const uint8_t fz_addr6[][16] = {
	{ 0x20, 0x01, 0x0d, 0xb8, [15] = 2 },
	{ 0x20, 0x01, 0x0d, 0xb8, [15] = 1 },
	{},
	{ [15] = 1 },
	{ [15] = 2 },
	{ 0xff, 0x02, [15] = 1 },
	{ 0xfe, 0x80, [15] = 1 },
	{ [10] = 0xff, 0xff, 192, 0, 2, 2 },
	{ [10] = 0xff, 0xfe, 192, 0, 2, 2 },
	{ 0xfc, 0x00, [15] = 9 },
};
static const uint8_t fz_macs[][6] = {
	{ 0x02, 0, 0, 0, 0, 0x01 },
	{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
	{ 0x01, 0x00, 0x5e, 0, 0, 1 },
	{ 0x33, 0x33, 0, 0, 0, 1 },
	{ 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 },
};

/* TCP options: Linux's layout, or a walk of random kinds and lengths. */
static size_t fz_options(uint8_t *o)
{
	static const uint8_t linux_syn[] = { 2, 4, 0x05, 0xb4, 4, 2, 8, 10, 1, 2,
					     3, 4, 0,	 0,    0, 0, 1, 3,  3, 7 };
	size_t n = 0, want = below(41);

	if (chance(30)) {
		memcpy(o, linux_syn, sizeof(linux_syn));
		for (int i = 8; i < 12; i++)
			o[i] = rnd();
		o[19] = below(20);
		return sizeof(linux_syn);
	}
	while (n < want) {
		size_t room = 40 - n;
		uint8_t kind = (uint8_t[]){ 0, 1, 2, 3, 4, 5, 8, 30, 254, 2, 3, 8 }[below(12)];
		uint8_t len = chance(85) ? (kind == 2	? 4
					    : kind == 3 ? 3
					    : kind == 4 ? 2
					    : kind == 8 ? 10
							: 2 + below(10))
					 : below(42);

		if (chance(5))
			kind = rnd();
		if (kind <= 1) {
			o[n++] = kind;
			continue;
		}
		o[n++] = kind;
		if (!--room)
			break;
		o[n++] = len;
		for (int i = 2; i < len && n < 40; i++)
			o[n++] = rnd();
	}
	return n;
}

static void fz_generate(struct pkt *p)
{
	static const uint8_t ext_types[] = { 0, 43, 60, 44, 51, 135, 59, 6 };
	uint8_t opts[40];
	struct pkt_spec s;
	int r = below(100);

	pkt_default_spec(&s, r < 46 ? 4 : r < 92 ? 6 : 0);
	if (!s.family)
		s.ethertype = (uint16_t[]){ 0x0806, 0x8100, 0x88a8, 0x0800, 0x86dd, 0 }[below(6)];
	if (chance(25)) {
		s.nvlan = 1 + below(3);
		for (int i = 0; i < s.nvlan; i++)
			s.vlan_tpid[i] = chance(50) ? 0x8100 : 0x88a8;
	}
	s.l4 = chance(90) ? 6 : (uint8_t[]){ 17, 1, 58, 0, 255 }[below(5)];
	if (s.family == 4 && chance(15))
		s.ip_opt_words = 1 + below(10);
	if (chance(12))
		s.frag_off =
			(uint16_t[]){ 0x4000, 0x2000, 0x2001, 0x0001, 0x1fff, 0xe000 }[below(6)];
	if (s.family == 6 && chance(15)) {
		s.next_ext = 1 + below(3);
		for (int i = 0; i < s.next_ext; i++) {
			s.ext[i].type = ext_types[below(sizeof(ext_types))];
			s.ext[i].len8 = below(3);
			s.ext[i].frag = rnd();
		}
	}
	s.sport = chance(90) ? 1024 + below(60000) : (uint16_t[]){ 0, 80, 65535 }[below(3)];
	s.dport = chance(90) ? fz_ports[below(ARRAY_SIZE(fz_ports))] : rnd();
	r = below(100);
	s.flags = r < 45 ? 0x02 : r < 55 ? 0xc2 : r < 70 ? 0x10 : r < 75 ? 0x18 : rnd();
	s.seq = rnd();
	s.ack = rnd();
	s.opts = opts;
	s.opts_len = fz_options(opts);
	if (chance(20))
		s.payload = below(120);
	if (chance(15))
		s.dmac = fz_macs[below(ARRAY_SIZE(fz_macs))];
	if (chance(25))
		s.saddr = s.family == 6 ? fz_addr6[below(ARRAY_SIZE(fz_addr6))]
					: fz_addr4[below(ARRAY_SIZE(fz_addr4))];
	if (chance(10))
		s.daddr = s.family == 6 ? fz_addr6[below(ARRAY_SIZE(fz_addr6))]
					: fz_addr4[below(ARRAY_SIZE(fz_addr4))];
	if (chance(20))
		s.tos = rnd();
	s.bad_ip_csum = chance(4);
	if (pkt_build(&s, p)) {
		s.next_ext = 0;
		s.payload = 0;
		assert_int_equal(pkt_build(&s, p), 0);
	}
}

/* One frame: generated (70%), a generated one mutated (25%), or random
 * bytes (5%). */
static void fz_frame(struct pkt *p)
{
	int r = below(100);

	if (r >= 95) {
		p->len = 14 + below(200);
		for (size_t i = 0; i < p->len; i++)
			p->data[i] = rnd();
		if (chance(50))
			p->data[0] &= 0xfe;
		if (chance(50)) {
			p->data[12] = chance(50) ? 0x08 : 0x86;
			p->data[13] = p->data[12] == 0x08 ? 0x00 : 0xdd;
		}
		return;
	}
	fz_generate(p);
	if (r < 70)
		return;
	switch (below(4)) {
	case 0: /* a truncation anywhere */
		p->len = 14 + below(p->len - 13);
		break;
	case 1: /* bytes flipped */
		for (int k = 1 + below(4); k; k--)
			p->data[below(p->len)] ^= 1 << below(8);
		break;
	case 2: /* a header byte set to an edge value */
		p->data[below(p->l4 + 20 < p->len ? p->l4 + 20 : p->len)] =
			(uint8_t[]){ 0, 1, 0x7f, 0x80, 0xfe, 0xff }[below(6)];
		break;
	default: /* a length field or the data offset */
		if (p->l4 + 13 < p->len)
			p->data[p->l4 + 12] = below(16) << 4;
		if (p->l3 + 6 < p->len)
			p->data[p->l3 + 2 + 2 * below(2)] = rnd();
		break;
	}
}

/* ---- the run ----------------------------------------------------------- */

struct fz_totals {
	uint64_t frames, tx, acks, forged, forged_accepted;
	uint64_t by_stat[SG_STAT__MAX];
};

static void hex(FILE *f, const uint8_t *d, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%02x", d[i]);
}

static uint64_t fz_seed;
static uint64_t fz_index;

static void violation(const struct pkt *p, const char *what)
{
	fprintf(stderr, "fuzz: seed %llu, frame %llu: %s\nfuzz: replay with SG_FUZZ_REPLAY=",
		(unsigned long long)fz_seed, (unsigned long long)fz_index, what);
	hex(stderr, p->data, p->len);
	fputc('\n', stderr);
	fail_msg("fuzz: %s", what);
}

/* Runs @p and checks the verdict and the counters; the counter moved. */
static __u32 fz_run(const struct pkt *p, struct sg_counter *c, uint8_t *out, __u32 *olen, __u32 *rc)
{
	static struct sg_counter now[SG_STAT__MAX];
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = p->data, .data_size_in = p->len,
		    .data_out = out, .data_size_out = PKT_MAX, .repeat = 1);
	__u32 moved = SG_STAT__MAX;
	char what[160];

	if (bpf_prog_test_run_opts(bpf_program__fd(skel->progs.synguard_xdp), &o)) {
		snprintf(what, sizeof(what), "the test run failed: %s", strerror(errno));
		violation(p, what);
	}
	*rc = o.retval;
	*olen = o.data_size_out;
	if (o.retval < XDP_DROP_RC || o.retval > XDP_TX_RC) {
		snprintf(what, sizeof(what), "verdict %u", o.retval);
		violation(p, what);
	}
	counters(now);
	for (__u32 i = 0; i < SG_STAT__MAX; i++) {
		__u64 dp = now[i].packets - c[i].packets, db = now[i].bytes - c[i].bytes;

		if (SG_STAT_IS_INFO(i) || !dp)
			continue;
		if (moved != SG_STAT__MAX || dp != 1 || db != p->len) {
			snprintf(what, sizeof(what), "counter %s moved by %llu/%llu besides %s",
				 sg_stat_name(i), (unsigned long long)dp, (unsigned long long)db,
				 moved == SG_STAT__MAX ? "nothing" : sg_stat_name(moved));
			violation(p, what);
		}
		moved = i;
	}
	if (moved == SG_STAT__MAX)
		violation(p, "no counter moved");
	if ((SG_STAT_IS_PASS(moved) ? XDP_PASS_RC
	     : SG_STAT_IS_TX(moved) ? XDP_TX_RC
				    : XDP_DROP_RC) != o.retval) {
		snprintf(what, sizeof(what), "verdict %u with counter %s", o.retval,
			 sg_stat_name(moved));
		violation(p, what);
	}
	memcpy(c, now, sizeof(now));
	return moved;
}

/* The client's ACK to SYN-ACK @sa (its frame and the SYN's view), with
 * @ack as its acknowledgement number. */
static void fz_ack(const uint8_t *sa, size_t salen, const struct view *v, uint32_t ack,
		   struct pkt *p)
{
	size_t l4 = v->l3 + (v->family == 4 ? 20 : 40), optlen = (sa[l4 + 12] >> 4) * 4 - 20;
	const uint8_t *ts = pkt_find_opt(sa + l4 + 20, optlen, 8);
	uint8_t o[12] = { 1, 1, 8, 10 };
	struct pkt_spec s;

	pkt_default_spec(&s, v->family);
	s.dmac = sa + 6; /* the host's own MAC, as the SYN named it */
	s.saddr = v->saddr;
	s.daddr = v->daddr;
	s.sport = v->sport;
	s.dport = v->dport;
	s.flags = 0x10;
	s.seq = v->seq + 1;
	s.ack = ack;
	if (ts) {
		o[4] = rnd(), o[5] = rnd(), o[6] = rnd(), o[7] = rnd();
		memcpy(o + 8, ts + 2, 4); /* echo the SYN-ACK's TSval */
		s.opts = o;
		s.opts_len = sizeof(o);
	}
	assert_int_equal(pkt_build(&s, p), 0);
	/* the tags of the SYN, as the client's frame carries them */
	if (v->l3 > 14) {
		memmove(p->data + v->l3, p->data + 14, p->len - 14);
		memcpy(p->data + 12, sa + 12, v->l3 - 12);
		p->len += v->l3 - 14;
		p->l3 = v->l3;
		p->l4 += v->l3 - 14;
	}
}

static void fz_config(int n, struct sg_config *cfg)
{
	int allow = bpf_map__fd(skel->maps.allow4_map), deny = bpf_map__fd(skel->maps.deny4_map);
	struct sg_lpm4 k = { .prefixlen = 24, .addr = { 198, 51, 100, 0 } };
	__u8 one = 1;

	assert_int_equal(harness_reset(NULL), 0);
	*cfg = harness_cookie_cfg(SG_COOKIES_ALWAYS, FZ_TTL, FZ_WSCALE);
	cfg->flags = SG_CFG_LIVE | (n & 1 ? SG_CFG_ECN : 0);
	cfg->out_of_state = SG_OOS_ATTACK;
	switch (n % 6) {
	case 2: /* lists: a deny and an allow prefix */
		assert_int_equal(bpf_map_update_elem(deny, &k, &one, 0), 0);
		k.addr[2] = 2, k.addr[1] = 0;
		k.addr[0] = 10, k.prefixlen = 8;
		assert_int_equal(bpf_map_update_elem(allow, &k, &one, 0), 0);
		cfg->lists = SG_LIST_ALLOW4 | SG_LIST_DENY4;
		break;
	case 3:
		cfg->cookie_mode = SG_COOKIES_AUTO;
		break;
	case 4:
		cfg->cookie_mode = SG_COOKIES_OFF;
		cfg->out_of_state = SG_OOS_OFF;
		break;
	case 5:
		cfg->syn_limit = 1000;
		cfg->syn_burst = 50;
		cfg->out_of_state = SG_OOS_ALWAYS;
		break;
	}
	set_config_full(cfg);
}

static bool fz_hex(const char *s, struct pkt *p)
{
	size_t n = strlen(s);

	if (n % 2 || n / 2 > PKT_MAX || n < 28)
		return false;
	memset(p, 0, sizeof(*p));
	for (size_t i = 0; i < n / 2; i++) {
		unsigned int b;

		if (sscanf(s + 2 * i, "%2x", &b) != 1)
			return false;
		p->data[i] = b;
	}
	p->len = n / 2;
	return true;
}

static int listeners[FZ_LISTENERS];

static int fuzz_setup(void **state)
{
	cpu_set_t one;

	/* test runs count on the CPU they run on: one CPU, one sum */
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu(), &one);
	sched_setaffinity(0, sizeof(one), &one);
	ncpu = libbpf_num_possible_cpus();
	fz_values = calloc((size_t)ncpu * SG_STAT__MAX, sizeof(*fz_values));
	if (!fz_values)
		return -1;
	for (int i = 0; i < FZ_LISTENERS; i++) {
		listeners[i] = harness_listen(FZ_LISTEN0 + i, fz_master);
		if (listeners[i] < 0)
			return -1;
	}
	/* keys derived from another group's master key are forgotten */
	memset(&skel->data_keys->sg_keys, 0, sizeof(skel->data_keys->sg_keys));
	return 0;
}

static int fuzz_teardown(void **state)
{
	for (int i = 0; i < FZ_LISTENERS; i++)
		close(listeners[i]);
	free(fz_values);
	return 0;
}

static void test_fuzz_frames(void **state)
{
	const char *env = getenv("SG_FUZZ_FRAMES"), *seed = getenv("SG_FUZZ_SEED");
	const char *replay = getenv("SG_FUZZ_REPLAY");
	uint64_t frames = env ? strtoull(env, NULL, 10) : getenv("SG_IN_VM") ? 5000 : 1000000;
	static struct sg_counter c[SG_STAT__MAX];
	static uint8_t out[PKT_MAX], out2[PKT_MAX];
	struct fz_totals t = {};
	__u32 salen;
	struct sg_config cfg;
	struct timespec t0, t1;
	struct pkt p, ack;
	struct view v;
	__u32 olen, rc;

	fz_seed = seed ? strtoull(seed, NULL, 10) : (uint64_t)time(NULL) ^ getpid();
	fz_state = fz_seed * 2 + 1;
	if (replay) {
		if (!fz_hex(replay, &p))
			fail_msg("SG_FUZZ_REPLAY: not a frame in hex");
		fz_config(0, &cfg);
		counters(c);
		rc = fz_run(&p, c, out, &olen, &rc);
		printf("fuzz: replayed: counter %s, %u bytes out\n", sg_stat_name(rc), olen);
		return;
	}
	printf("fuzz: %llu frames, seed %llu (SG_FUZZ_SEED=%llu replays them)\n",
	       (unsigned long long)frames, (unsigned long long)fz_seed,
	       (unsigned long long)fz_seed);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (fz_index = 0; fz_index < frames; fz_index++) {
		__u32 stat;

		if (fz_index % FZ_BATCH == 0) {
			fz_config(fz_index / FZ_BATCH, &cfg);
			counters(c);
		}
		fz_frame(&p);
		stat = fz_run(&p, c, out, &olen, &rc);
		t.by_stat[stat]++;
		if (rc != XDP_TX_RC)
			continue;
		/* an answer: to a SYN the kernel would answer, and right */
		uint32_t cookie = 0;
		const char *bad;

		t.tx++;
		if (!view_syn(p.data, p.len, &v))
			violation(&p, "answered a frame the kernel would not answer");
		bad = check_synack(p.data, &v, out, olen, &cfg, &cookie);
		if (bad)
			violation(&p, bad);
		if (v.dport < FZ_LISTEN0 || v.dport >= FZ_LISTEN0 + FZ_LISTENERS)
			continue;
		/* its ACK completes the handshake; a forged one does not */
		salen = olen;
		fz_ack(out, salen, &v, cookie + 1, &ack);
		if (fz_run(&ack, c, out2, &olen, &rc) != SG_STAT_PASS_COOKIE_ACK)
			violation(&ack, "the ACK to synguard's SYN-ACK was refused");
		t.acks++;
		/* forgeries: random cookies, and the true one with a MAC bit,
		 * the period or a data bit changed */
		for (int f = 0; f < FZ_FORGERIES; f++) {
			uint32_t forged =
				f < FZ_FORGERIES / 2 ? (uint32_t)rnd() : cookie ^ (1u << below(32));

			if (forged == cookie)
				continue;
			fz_ack(out, salen, &v, forged + 1, &ack);
			stat = fz_run(&ack, c, out2, &olen, &rc);
			t.forged++;
			t.forged_accepted += stat == SG_STAT_PASS_COOKIE_ACK;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("fuzz: %llu frames in %.1f s: %llu answered, every answer checked, %llu cookie "
	       "ACKs accepted, %llu of %llu forged ACKs accepted (2^-22 expected: %.3f)\n",
	       (unsigned long long)frames, t1.tv_sec - t0.tv_sec + (t1.tv_nsec - t0.tv_nsec) / 1e9,
	       (unsigned long long)t.tx, (unsigned long long)t.acks,
	       (unsigned long long)t.forged_accepted, (unsigned long long)t.forged,
	       t.forged / 4194304.0);
	for (__u32 i = 0; i < SG_STAT__MAX; i++)
		if (t.by_stat[i] && getenv("SG_FUZZ_VERBOSE"))
			printf("  %-24s %llu\n", sg_stat_name(i), (unsigned long long)t.by_stat[i]);
	/* forgeries accepted at the MAC's odds: far above them is a broken MAC */
	assert_true(t.forged_accepted <= 3 + t.forged / (1u << 20));
	assert_true(!frames || t.tx > 0);
}

int run_fuzz_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fuzz_frames),
	};

	return cmocka_run_group_tests_name("fuzz", tests, fuzz_setup, fuzz_teardown);
}
