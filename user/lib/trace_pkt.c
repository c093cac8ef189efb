// SPDX-License-Identifier: GPL-2.0-only
/* Decoding the frames synguard trace records, and naming their verdicts. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "trace_pkt.h"

static __u16 rd16(const __u8 *p)
{
	return (__u16)p[0] << 8 | p[1];
}

static __u32 rd32(const __u8 *p)
{
	return (__u32)p[0] << 24 | (__u32)p[1] << 16 | (__u32)p[2] << 8 | p[3];
}

static void tpkt_options(const __u8 *o, size_t len, struct sg_tpkt *p)
{
	size_t i = 0;

	while (i < len) {
		__u8 kind = o[i], olen;

		if (kind == 0)
			break;
		if (kind == 1) {
			i++;
			continue;
		}
		if (i + 1 >= len)
			break;
		olen = o[i + 1];
		if (olen < 2 || i + olen > len)
			break;
		if (kind == 2 && olen == 4)
			p->mss = rd16(o + i + 2);
		else if (kind == 3 && olen == 3)
			p->wscale = o[i + 2];
		else if (kind == 4 && olen == 2)
			p->sack_perm = true;
		else if (kind == 8 && olen == 10) {
			p->ts = true;
			p->tsval = rd32(o + i + 2);
			p->tsecr = rd32(o + i + 6);
		}
		i += olen;
	}
}

bool sg_tpkt_parse(const __u8 *d, size_t caplen, struct sg_tpkt *p)
{
	size_t off = 12, l4, iplen;
	__u16 proto;
	__u8 next;

	memset(p, 0, sizeof(*p));
	p->mss = p->wscale = -1;
	if (caplen < 14)
		return false;
	proto = rd16(d + 12);
	for (int i = 0; i < 2 && (proto == 0x8100 || proto == 0x88a8); i++) {
		off += 4;
		if (off + 2 > caplen)
			return false;
		proto = rd16(d + off);
	}
	off += 2;
	p->l3_off = off;
	if (proto == 0x0800 && off + 20 <= caplen && d[off] >> 4 == 4) {
		p->family = 4;
		memcpy(p->saddr, d + off + 12, 4);
		memcpy(p->daddr, d + off + 16, 4);
		next = d[off + 9];
		l4 = off + (d[off] & 0xf) * 4;
		iplen = rd16(d + off + 2);
		iplen = iplen > l4 - off ? iplen - (l4 - off) : 0;
		if (rd16(d + off + 6) & 0x1fff)
			return true; /* a later fragment: no TCP header */
	} else if (proto == 0x86dd && off + 40 <= caplen && d[off] >> 4 == 6) {
		p->family = 6;
		memcpy(p->saddr, d + off + 8, 16);
		memcpy(p->daddr, d + off + 24, 16);
		next = d[off + 6];
		l4 = off + 40;
		iplen = rd16(d + off + 4);
	} else {
		return false;
	}
	if (next != 6 || l4 + 20 > caplen)
		return true;
	p->tcp = true;
	p->sport = rd16(d + l4);
	p->dport = rd16(d + l4 + 2);
	p->seq = rd32(d + l4 + 4);
	p->ack = rd32(d + l4 + 8);
	p->flags = d[l4 + 13];
	p->window = rd16(d + l4 + 14);
	{
		size_t doff = (d[l4 + 12] >> 4) * 4;

		p->payload = iplen > doff ? iplen - doff : 0;
		if (doff > 20 && l4 + doff <= caplen)
			tpkt_options(d + l4 + 20, doff - 20, p);
	}
	return true;
}

const char *sg_tpkt_flags(__u8 flags, char *buf, size_t len)
{
	static const struct {
		__u8 bit;
		char c;
	} names[] = { { 0x02, 'S' }, { 0x01, 'F' }, { 0x04, 'R' }, { 0x08, 'P' },
		      { 0x20, 'U' }, { 0x40, 'E' }, { 0x80, 'W' }, { 0x10, 'A' } };
	size_t n = 0;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]) && n + 1 < len; i++)
		if (flags & names[i].bit)
			buf[n++] = names[i].c;
	if (!n && len > 1)
		buf[n++] = '.';
	buf[n] = '\0';
	return buf;
}

const char *sg_tpkt_options(const struct sg_tpkt *p, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	if (p->mss >= 0)
		n += snprintf(buf + n, len - n, "%smss %d", n ? "," : "", p->mss);
	if (p->sack_perm && n < len)
		n += snprintf(buf + n, len - n, "%ssackOK", n ? "," : "");
	if (p->ts && n < len)
		n += snprintf(buf + n, len - n, "%sTS val %u ecr %u", n ? "," : "", p->tsval,
			      p->tsecr);
	if (p->wscale >= 0 && n < len)
		snprintf(buf + n, len - n, "%swscale %d", n ? "," : "", p->wscale);
	return buf;
}

const char *sg_tpkt_endpoint(const struct sg_tpkt *p, bool src, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN] = "?";
	const __u8 *addr = src ? p->saddr : p->daddr;
	unsigned int port = src ? p->sport : p->dport;

	inet_ntop(p->family == 6 ? AF_INET6 : AF_INET, addr, a, sizeof(a));
	if (!p->tcp)
		snprintf(buf, len, "%s", a);
	else if (p->family == 6)
		snprintf(buf, len, "[%s]:%u", a, port);
	else
		snprintf(buf, len, "%s:%u", a, port);
	return buf;
}

const char *sg_trace_verdict_text(unsigned int stat, const struct sg_config *cfg)
{
	bool synproxy = cfg->completion == SG_COMPLETION_SYNPROXY;

	switch (stat) {
	case SG_STAT_PASS_NON_IP:
	case SG_STAT_PASS_NON_TCP:
		return "passed: not TCP";
	case SG_STAT_PASS_UNPROTECTED_PORT:
		return "passed: port not protected";
	case SG_STAT_PASS_TCP:
		return "passed: established flow, or no cookie needed";
	case SG_STAT_PASS_SYN:
		if (cfg->cookie_mode == SG_COOKIES_OFF)
			return "passed: to the kernel (cookies off)";
		if (cfg->cookie_mode == SG_COOKIES_AUTO)
			return "passed: to the kernel (below threshold, or a socket owns it)";
		return "passed: to the kernel (a socket owns its 4-tuple)";
	case SG_STAT_PASS_COOKIE_ACK:
		return synproxy ? "cookie valid, passed to SYNPROXY"
				: "cookie valid, handed to TC for the listener";
	case SG_STAT_PASS_KERNEL_COOKIE_ACK:
		return "passed: the kernel's own cookie";
	case SG_STAT_PASS_SYNACK_FALLBACK:
		return "passed: SYN synguard could not rewrite, left to the kernel";
	case SG_STAT_PASS_FRAGMENT:
		return "passed: a later IP fragment";
	case SG_STAT_PASS_VLAN_DEPTH:
		return "passed: VLAN tags deeper than synguard parses";
	case SG_STAT_PASS_ALLOWED:
		return "passed: source in the allow list";
	case SG_STAT_TX_SYNACK:
		return synproxy ? "answered in XDP: SYN-ACK, kernel cookie (SYNPROXY)"
				: "answered in XDP: SYN-ACK, cookie";
	case SG_STAT__MAX:
		return "no verdict counter rose";
	}
	if (SG_STAT_IS_DROP(stat))
		return NULL; /* "dropped: <counter>" */
	return "unknown";
}

const char *sg_trace_tc_text(__u64 info, __u32 action)
{
#define BIT(n) (1ull << (SG_STAT_INFO_##n - SG_STAT__INFO_START - 1))
	if (info & BIT(REQSK_FAILED))
		return "TC: no request socket could be made: dropped";
	if (info & BIT(HANDOFF_FAILED))
		return "TC: the handoff entry was missing: dropped";
	if (info & BIT(HANDSHAKES))
		return "TC: handed to the listener (request socket): handshake complete";
	if (action == SG_TRACE_TC_SHOT)
		return "TC: dropped";
	return "TC: a twin of a completed handshake";
#undef BIT
}
