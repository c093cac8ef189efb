// SPDX-License-Identifier: GPL-2.0-only
/* Packet builder for the unit tests (see pkt.h). Plain byte writes in
 * network order, so the result does not depend on the host's headers. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "pkt.h"

static const uint8_t mac_dst[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t mac_src[6] = { 0x02, 0, 0, 0, 0, 0x02 };
static const uint8_t ip4_src[4] = { 192, 0, 2, 2 };
static const uint8_t ip4_dst[4] = { 192, 0, 2, 1 };
static const uint8_t ip6_src[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
static const uint8_t ip6_dst[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

uint32_t pkt_csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *b = data;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (b[i] << 8) | b[i + 1];
	if (len & 1)
		sum += b[len - 1] << 8;
	return sum;
}

uint16_t pkt_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

void pkt_default_spec(struct pkt_spec *s, int family)
{
	memset(s, 0, sizeof(*s));
	s->family = family;
	s->l4 = 6;
	s->sport = 40000;
	s->dport = 80;
	s->flags = 0x10;	/* ACK */
	s->seq = 0x11223344;
}

static uint32_t pkt_pseudo(const struct pkt *p, int family, uint8_t proto, size_t l4len)
{
	uint32_t sum = 0;
	uint8_t tail[4] = { 0, 0, 0, proto };

	if (family == 4) {
		sum = pkt_csum_add(sum, p->data + p->l3 + 12, 8);
		sum += proto + l4len;
	} else {
		sum = pkt_csum_add(sum, p->data + p->l3 + 8, 32);
		put16(tail, 0);
		sum = pkt_csum_add(sum, tail, 4);
		sum += (l4len >> 16) + (l4len & 0xffff);
	}
	return sum;
}

int pkt_build(const struct pkt_spec *s, struct pkt *p)
{
	uint8_t *d = p->data, l4 = s->l4 ? s->l4 : 6;
	size_t off = 12, ip_hdr, l4len, optpad;
	uint8_t last_next;
	int i;

	memset(p, 0, sizeof(*p));
	memcpy(d, s->dmac ? s->dmac : mac_dst, 6);
	memcpy(d + 6, mac_src, 6);
	for (i = 0; i < s->nvlan; i++) {
		put16(d + off, s->vlan_tpid[i] ? s->vlan_tpid[i] : 0x8100);
		put16(d + off + 2, 100 + i);	/* TCI: VLAN id */
		off += 4;
	}
	put16(d + off, s->ethertype ? s->ethertype :
		       s->family == 4 ? 0x0800 : s->family == 6 ? 0x86dd : 0x0806);
	off += 2;
	p->l3 = off;

	optpad = (s->opts_len + 3) & ~3UL;
	l4len = (l4 == 6 ? 20 + optpad : l4 == 17 ? 8 : 0) + s->payload;

	if (s->family == 4) {
		ip_hdr = 20 + 4 * s->ip_opt_words;
		d[off] = 0x40 | (ip_hdr / 4);
		d[off + 1] = s->tos;
		put16(d + off + 2, ip_hdr + l4len);
		put16(d + off + 4, 0x1234);
		put16(d + off + 6, s->frag_off);
		d[off + 8] = 64;
		d[off + 9] = l4;
		memcpy(d + off + 12, s->saddr ? s->saddr : ip4_src, 4);
		memcpy(d + off + 16, s->daddr ? s->daddr : ip4_dst, 4);
		memset(d + off + 20, 1, ip_hdr - 20);	/* NOP options */
		put16(d + off + 10,
		      pkt_csum_fold(pkt_csum_add(0, d + off, ip_hdr)) + s->bad_ip_csum);
		off += ip_hdr;
	} else if (s->family == 6) {
		size_t ext_len = 0, e;

		d[off] = 0x60 | s->tos >> 4;
		d[off + 1] = s->tos << 4;
		d[off + 7] = 64;
		memcpy(d + off + 8, s->saddr ? s->saddr : ip6_src, 16);
		memcpy(d + off + 24, s->daddr ? s->daddr : ip6_dst, 16);
		off += 40;
		last_next = s->next_ext ? s->ext[0].type : l4;
		d[p->l3 + 6] = last_next;
		for (i = 0; i < s->next_ext; i++) {
			const struct pkt_ext *x = &s->ext[i];
			uint8_t nh = i + 1 < s->next_ext ? s->ext[i + 1].type : l4;

			e = x->type == 44 ? 8 : x->type == 51 ? (x->len8 + 2) * 4 :
			    (x->len8 + 1) * 8;
			if (off + e > PKT_MAX)
				return -ENOSPC;
			memset(d + off, 0, e);
			d[off] = nh;
			d[off + 1] = x->type == 44 ? 0 : x->len8;
			if (x->type == 44)
				put16(d + off + 2, x->frag);
			else if (x->type != 51 && e > 2)
				d[off + 2] = 1, d[off + 3] = e - 4;	/* one PadN option */
			off += e;
			ext_len += e;
		}
		put16(d + p->l3 + 4, ext_len + l4len);
	}
	p->l4 = off;
	if (off + l4len > PKT_MAX)
		return -ENOSPC;

	if (s->family && l4 == 6) {
		put16(d + off, s->sport);
		put16(d + off + 2, s->dport);
		put32(d + off + 4, s->seq);
		put32(d + off + 8, s->ack);
		d[off + 12] = ((20 + optpad) / 4) << 4;
		d[off + 13] = s->flags;
		put16(d + off + 14, 64240);
		memcpy(d + off + 20, s->opts, s->opts_len);
		memset(d + off + 20 + s->opts_len, 0, optpad - s->opts_len); /* EOL */
		memset(d + off + 20 + optpad, 0xab, s->payload);
		put16(d + off + 16, pkt_csum_fold(pkt_csum_add(pkt_pseudo(p, s->family, 6, l4len),
							       d + off, l4len)));
	} else if (s->family && l4 == 17) {
		put16(d + off, s->sport);
		put16(d + off + 2, s->dport);
		put16(d + off + 4, l4len);
		memset(d + off + 8, 0xcd, s->payload);
		put16(d + off + 6, pkt_csum_fold(pkt_csum_add(pkt_pseudo(p, s->family, 17, l4len),
							      d + off, l4len)));
	} else {
		memset(d + off, 0xee, l4len);
	}
	p->len = off + l4len;
	if (p->len < 60) {	/* Ethernet minimum, zero padded */
		p->len = 60;
	}
	return 0;
}

/* Recomputes the IPv4 header and TCP checksums of a built packet: 0 if
 * both verify. Used to check the builder itself and, later, rewritten
 * packets. */
int pkt_verify_checksums(const struct pkt *p)
{
	const uint8_t *d = p->data;
	int family = (d[p->l3] >> 4);
	size_t l4len;

	if (family == 4) {
		size_t ihl = (d[p->l3] & 0xf) * 4;

		if (pkt_csum_fold(pkt_csum_add(0, d + p->l3, ihl)))
			return -1;
		l4len = ((d[p->l3 + 2] << 8) | d[p->l3 + 3]) - ihl;
	} else {
		l4len = ((d[p->l3 + 4] << 8) | d[p->l3 + 5]) - (p->l4 - p->l3 - 40);
	}
	if (pkt_csum_fold(pkt_csum_add(pkt_pseudo(p, family, 6, l4len), d + p->l4, l4len)))
		return -1;
	return 0;
}

/* Finds TCP option @kind in @len option bytes; NULL if absent. */
const uint8_t *pkt_find_opt(const uint8_t *o, int len, uint8_t kind)
{
	for (int i = 0; i < len;) {
		if (o[i] == 0)
			return NULL;
		if (o[i] == 1) {
			i++;
			continue;
		}
		if (o[i] == kind)
			return o + i;
		i += o[i + 1];
	}
	return NULL;
}
