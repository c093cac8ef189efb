/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A small packet builder for the unit tests: Ethernet, VLAN tags, IPv4 (with
 * options and fragment bits), IPv6 (with extension headers), TCP with
 * options and UDP, all with valid checksums. Offsets of each layer are
 * returned so that tests can corrupt exactly one field afterwards.
 */
#ifndef SG_TEST_PKT_H
#define SG_TEST_PKT_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

#define PKT_MAX		2048
#define PKT_MAX_VLAN	3
#define PKT_MAX_EXT	8

struct pkt_ext {
	uint8_t type;		/* 0, 43, 44, 51, 60, 135 ... */
	uint8_t len8;		/* hdr ext len field (size rules per type) */
	uint16_t frag;		/* for type 44: offset << 3 | M */
};

struct pkt_spec {
	int nvlan;
	uint16_t vlan_tpid[PKT_MAX_VLAN];	/* 0x8100 or 0x88a8 */
	uint16_t ethertype;	/* 0: from family */
	int family;		/* 4, 6, or 0 for no IP header */
	uint8_t l4;		/* 6 (TCP, default when 0), 17 (UDP), other */
	int ip_opt_words;	/* IPv4 options, 4-byte NOP words */
	uint16_t frag_off;	/* IPv4: flags|offset, host order */
	int next_ext;		/* IPv6 extension headers */
	struct pkt_ext ext[PKT_MAX_EXT];
	uint16_t sport, dport;
	uint8_t flags;
	uint32_t seq, ack;
	const uint8_t *opts;	/* TCP options, padded by the builder */
	size_t opts_len;
	size_t payload;		/* bytes of L4 payload */
	const uint8_t *dmac;	/* NULL: the host's own, unicast */
	const uint8_t *saddr;	/* 4 or 16 bytes by family; NULL: the defaults */
	const uint8_t *daddr;
	uint8_t tos;	  /* IPv4 TOS, IPv6 traffic class (ECN in bits 0-1) */
	bool bad_ip_csum; /* IPv4: the header checksum off by one */
};

struct pkt {
	uint8_t data[PKT_MAX];
	size_t len;
	size_t l3;		/* offsets into data */
	size_t l4;
};

void pkt_default_spec(struct pkt_spec *s, int family);
int pkt_build(const struct pkt_spec *s, struct pkt *p);
uint16_t pkt_csum_fold(uint32_t sum);
uint32_t pkt_csum_add(uint32_t sum, const void *data, size_t len);
int pkt_verify_checksums(const struct pkt *p);
const uint8_t *pkt_find_opt(const uint8_t *o, int len, uint8_t kind);

#endif /* SG_TEST_PKT_H */
