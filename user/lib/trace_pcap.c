// SPDX-License-Identifier: GPL-2.0-only
/*
 * The capture is libpcap's format with the NFLOG link type (DLT_NFLOG),
 * the one `iptables -j NFLOG` captures use: each packet is its IP packet
 * with a log prefix, and the prefix is synguard's verdict. tcpdump -r and
 * tshark -r read it; Wireshark shows the prefix in the packet's NFLOG
 * header (field nflog.prefix), so the verdict travels with the packet.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pcap/pcap.h>

#include "common.h"
#include "trace_pcap.h"

/* NFLOG's TLV types (linux/netfilter/nfnetlink_log.h) */
#define SG_NFULA_PACKET_HDR    1
#define SG_NFULA_IFINDEX_INDEV 4
#define SG_NFULA_PAYLOAD       9
#define SG_NFULA_PREFIX	       10

#define SG_PCAP_MAX (4 + 8 + 8 + 4 + 132 + 4 + 65536)

struct sg_pcap {
	pcap_t *pcap;
	pcap_dumper_t *dump;
	__u8 buf[SG_PCAP_MAX];
};

struct sg_pcap *sg_pcap_open(const char *path)
{
	struct sg_pcap *p = calloc(1, sizeof(*p));

	if (!p) {
		sg_err("out of memory");
		return NULL;
	}
	p->pcap = pcap_open_dead(DLT_NFLOG, 65535);
	if (!p->pcap) {
		sg_err("cannot start a capture: libpcap refused DLT_NFLOG");
		free(p);
		return NULL;
	}
	p->dump = pcap_dump_open(p->pcap, path);
	if (!p->dump) {
		sg_err("cannot write the capture %s: %s", sg_quote(path), pcap_geterr(p->pcap));
		pcap_close(p->pcap);
		free(p);
		return NULL;
	}
	return p;
}

/* One TLV: length and type in host order, as NFLOG captures carry them,
 * padded to four bytes. Returns the bytes used. */
static size_t tlv(__u8 *at, __u16 type, const void *v, size_t len)
{
	__u16 hdr[2] = { (__u16)(4 + len), type };
	size_t all = (4 + len + 3) & ~(size_t)3;

	memcpy(at, hdr, 4);
	memcpy(at + 4, v, len);
	memset(at + 4 + len, 0, all - 4 - len);
	return all;
}

int sg_pcap_write(struct sg_pcap *p, const struct timeval *ts, int family, int ifindex,
		  const __u8 *l3, size_t caplen, size_t len, const char *verdict)
{
	struct {
		__be16 hw_protocol;
		__u8 hook, pad;
	} hdr = { htons(family == 6 ? 0x86dd : 0x0800), 0, 0 };
	char prefix[128];
	__be32 dev = htonl(ifindex);
	struct pcap_pkthdr ph = { .ts = *ts };
	size_t n, head;

	if (caplen > 65536)
		caplen = 65536;
	/* the NFLOG header: family, version 0, resource id (network order) */
	p->buf[0] = family == 6 ? AF_INET6 : AF_INET;
	p->buf[1] = 0;
	p->buf[2] = p->buf[3] = 0;
	n = 4;
	n += tlv(p->buf + n, SG_NFULA_PACKET_HDR, &hdr, sizeof(hdr));
	n += tlv(p->buf + n, SG_NFULA_IFINDEX_INDEV, &dev, sizeof(dev));
	snprintf(prefix, sizeof(prefix), "synguard: %s", verdict);
	n += tlv(p->buf + n, SG_NFULA_PREFIX, prefix, strlen(prefix) + 1);
	head = n;
	n += tlv(p->buf + n, SG_NFULA_PAYLOAD, l3, caplen);
	/* the payload's TLV states what was kept; the record says the rest */
	ph.caplen = n;
	ph.len = head + 4 + len;
	if (ph.len < ph.caplen)
		ph.len = ph.caplen;
	pcap_dump((u_char *)p->dump, &ph, p->buf);
	return 0;
}

int sg_pcap_close(struct sg_pcap *p)
{
	int err = 0;

	if (!p)
		return 0;
	if (pcap_dump_flush(p->dump))
		err = -EIO;
	pcap_dump_close(p->dump);
	pcap_close(p->pcap);
	free(p);
	return err;
}
