// SPDX-License-Identifier: GPL-2.0-only
/*
 * Benchmark helpers, each counting what it sees in a per-CPU counter:
 *   bench_drop     the trivial XDP_DROP contender
 *   bench_reflect  the trivial swap-MAC XDP_TX reflector (the path's ceiling)
 *   bench_sink     the generator side's receiver: counts the answers that
 *                  come back and drops them
 *   bench_restore  for per-packet costs with BPF_PROG_TEST_RUN: puts the
 *                  frame in frame_map back (contents, length, no metadata),
 *                  then tail-calls the program in target_map, so that
 *                  repeated runs of a program that rewrites its frame see
 *                  the same input each time
 *   floor_mac      bench_drop plus one SipHash-2-4 cookie MAC over an IPv4
 *                  packet's flow, as synguard computes it (the words of
 *                  sg_cookie_mac): what any keyed cookie check costs here
 *   floor_mac6     the same over an IPv6 packet's flow: the MAC's share of
 *                  what IPv6 costs more than IPv4
 *   floor_lookup   bench_drop plus one bpf_skc_lookup_tcp of the packet's
 *                  IPv4 4-tuple: what telling an established flow's ACK
 *                  from a forged one costs without state of our own
 *   floor_port     XDP_PASS after the least a filter does for TCP to a port
 *                  it leaves alone: find the port of an untagged IPv4
 *                  frame, test it in a 65536-bit bitmap, count the packet
 *   floor_ack      bench_drop after the least a cookie filter does for an
 *                  ACK it must drop, knowing which sources have sockets:
 *                  one slot of a 65536-entry table read (no socket there,
 *                  so it can only be a cookie's ACK) and one MAC; a source
 *                  with a socket would take the socket lookup first
 *   floor_conn     XDP_PASS after the least a cookie filter does for an
 *                  established flow's packet: its 4-tuple hashed and its
 *                  fingerprint found in a bucket of a connection table
 *                  (synguard's own layout, include/synguard.h)
 *   reflect_macN   bench_reflect after N SipHash-2-4 MACs (N = 1, 2, 4) of
 *                  busy work: the reflector made dearer per packet by known
 *                  amounts, to show how the SYN-ACK rate on this path
 *                  follows the work per SYN
 *   floor_synack   the least SYN-cookie responder: the SYN (untagged IPv4,
 *                  Linux's option layout, nothing checked) turned into its
 *                  SYN-ACK in place, with one MAC as ISN, the options'
 *                  values and both checksums written, and sent (XDP_TX).
 *                  No policy, no option parsing, no key rotation, no
 *                  statistics: what any correct cookie responder must do
 *   floor_kcookie  floor_synack with the kernel's cookie
 *                  (bpf_tcp_raw_gen_syncookie_ipv4) and SYNPROXY's
 *                  timestamp encoding: the least responder of the SYNPROXY
 *                  completion's design
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "synguard.h"
#include "bpf/lib/siphash.h"
#include "bpf/lib/csum.h"

/* slot 0: the contender's packets (drop, reflect); slot 1: the sink's */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} seen SEC(".maps");

static __always_inline void count(__u32 slot)
{
	__u64 *c = bpf_map_lookup_elem(&seen, &slot);

	if (c)
		(*c)++;
}

SEC("xdp")
int bench_drop(struct xdp_md *ctx)
{
	count(0);
	return XDP_DROP;
}

/* The frame's two MAC addresses swapped; 12 bytes at @data readable. */
static __always_inline void swap_macs(void *data)
{
	__u8 mac[6];

	__builtin_memcpy(mac, data, 6);
	__builtin_memcpy(data, data + 6, 6);
	__builtin_memcpy(data + 6, mac, 6);
}

SEC("xdp")
int bench_reflect(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;

	if (data + 12 > end)
		return XDP_DROP;
	count(0);
	swap_macs(data);
	return XDP_TX;
}

SEC("xdp")
int bench_sink(struct xdp_md *ctx)
{
	count(1);
	return XDP_DROP;
}

/* IPv4 TCP at fixed offsets behind an untagged Ethernet header, or NULL. */
static __always_inline struct iphdr *ipv4_tcp(struct xdp_md *ctx, struct tcphdr **tcp)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct iphdr *ip = data + 14;

	if ((void *)(ip + 1) + sizeof(**tcp) > end || ip->ihl != 5)
		return NULL;
	*tcp = (void *)(ip + 1);
	return ip;
}

/* Not constants, so that nothing is folded away. */
volatile __u64 floor_key[2] = { 0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL };
volatile __u64 floor_sink;

/* The IPv4 cookie MAC, the message synguard hashes: the flow, the client's
 * ISN and ports, then 7 bytes of @last (period and data). */
static __always_inline __u64 floor_cookie(struct iphdr *ip, struct tcphdr *tcp, __u64 last)
{
	struct sg_sip s;

	sg_sip_init(&s, floor_key[0], floor_key[1]);
	sg_sip_word(&s, (__u64)ip->saddr << 32 | ip->daddr);
	sg_sip_word(&s, (__u64)bpf_ntohl(tcp->seq) << 32 | (__u32)tcp->source << 16 | tcp->dest);
	return sg_sip_final_tail(&s, last & ((1ULL << 56) - 1), 7);
}

/* The IPv6 cookie MAC: both addresses in four words, then as IPv4's. */
static __always_inline __u64 floor_cookie6(struct ipv6hdr *ip6, struct tcphdr *tcp, __u64 last)
{
	const __u32 *sa = ip6->saddr.in6_u.u6_addr32, *da = ip6->daddr.in6_u.u6_addr32;
	struct sg_sip s;

	sg_sip_init(&s, floor_key[0], floor_key[1]);
	sg_sip_word(&s, (__u64)sa[0] << 32 | sa[1]);
	sg_sip_word(&s, (__u64)sa[2] << 32 | sa[3]);
	sg_sip_word(&s, (__u64)da[0] << 32 | da[1]);
	sg_sip_word(&s, (__u64)da[2] << 32 | da[3]);
	sg_sip_word(&s, (__u64)bpf_ntohl(tcp->seq) << 32 | (__u32)tcp->source << 16 | tcp->dest);
	return sg_sip_final_tail(&s, last & ((1ULL << 56) - 1), 7);
}

/* bench_reflect after @n MACs over the frame's flow, chained so that none
 * can be skipped. */
static __always_inline int reflect_macs(struct xdp_md *ctx, int n)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct tcphdr *tcp;
	struct iphdr *ip = ipv4_tcp(ctx, &tcp);
	__u64 acc = 0;

	if (!ip || data + 12 > end)
		return XDP_DROP;
	count(0);
	for (int i = 0; i < n; i++)
		acc += floor_cookie(ip, tcp, acc);
	floor_sink = acc;
	swap_macs(data);
	return XDP_TX;
}

SEC("xdp")
int reflect_mac1(struct xdp_md *ctx)
{
	return reflect_macs(ctx, 1);
}

SEC("xdp")
int reflect_mac2(struct xdp_md *ctx)
{
	return reflect_macs(ctx, 2);
}

SEC("xdp")
int reflect_mac4(struct xdp_md *ctx)
{
	return reflect_macs(ctx, 4);
}

/* One bpf_skc_lookup_tcp of the packet's 4-tuple: did it find a listener? */
static __always_inline bool floor_listener(struct xdp_md *ctx, struct iphdr *ip,
					   struct tcphdr *tcp)
{
	struct bpf_sock_tuple t = {};
	struct bpf_sock *sk;
	bool listener;

	t.ipv4.saddr = ip->saddr;
	t.ipv4.daddr = ip->daddr;
	t.ipv4.sport = tcp->source;
	t.ipv4.dport = tcp->dest;
	sk = bpf_skc_lookup_tcp(ctx, &t, sizeof(t.ipv4), BPF_F_CURRENT_NETNS, 0);
	if (!sk)
		return false;
	listener = sk->state == BPF_TCP_LISTEN;
	bpf_sk_release(sk);
	return listener;
}

SEC("xdp")
int floor_mac(struct xdp_md *ctx)
{
	struct tcphdr *tcp;
	struct iphdr *ip = ipv4_tcp(ctx, &tcp);

	if (!ip)
		return XDP_ABORTED;
	count(0);
	floor_sink = floor_cookie(ip, tcp, (__u64)bpf_ntohl(tcp->ack_seq) << 16 | 4);
	return XDP_DROP;
}

SEC("xdp")
int floor_mac6(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ipv6hdr *ip6 = data + 14;
	struct tcphdr *tcp = (void *)(ip6 + 1);

	if ((void *)(tcp + 1) > end)
		return XDP_ABORTED;
	count(0);
	floor_sink = floor_cookie6(ip6, tcp, (__u64)bpf_ntohl(tcp->ack_seq) << 16 | 6);
	return XDP_DROP;
}

SEC("xdp")
int floor_lookup(struct xdp_md *ctx)
{
	struct tcphdr *tcp;
	struct iphdr *ip = ipv4_tcp(ctx, &tcp);

	if (!ip)
		return XDP_ABORTED;
	count(0);
	floor_listener(ctx, ip, tcp);
	return XDP_DROP;
}

/* Port 80 set, in network byte order as synguard keeps it. */
__u64 floor_ports[1024] = { [0x5000 >> 6] = 1ULL << (0x5000 & 63) };

SEC("xdp")
int floor_port(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct tcphdr *tcp = (void *)(ip + 1);
	__u16 port;

	if ((void *)(tcp + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP) ||
	    ip->ihl != 5 || ip->protocol != IPPROTO_TCP)
		return XDP_ABORTED;
	port = tcp->dest;
	count((floor_ports[port >> 6] >> (port & 63)) & 1);
	return XDP_PASS;
}

/* Sockets per source slot: none here, as for a flood's sources. */
__u32 floor_live[65536];

SEC("xdp")
int floor_ack(struct xdp_md *ctx)
{
	struct tcphdr *tcp;
	struct iphdr *ip = ipv4_tcp(ctx, &tcp);

	if (!ip)
		return XDP_ABORTED;
	count(0);
	if (!floor_live[(ip->saddr * 2654435761u) >> 16] || floor_listener(ctx, ip, tcp))
		floor_sink = floor_cookie(ip, tcp, bpf_jiffies64() >> 6 << 16 | 4);
	return XDP_DROP;
}

/* The benchmark puts the established frame's fingerprint in (zero key). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1u << SG_CONN_BITS);
	__type(key, __u32);
	__type(value, struct sg_conn_bucket);
} floor_conns SEC(".maps");

static const __u64 floor_conn_key[2];

SEC("xdp")
int floor_conn(struct xdp_md *ctx)
{
	struct sg_conn_bucket *b;
	struct tcphdr *tcp;
	struct iphdr *ip = ipv4_tcp(ctx, &tcp);
	__u32 bucket, fp;
	__u64 h;

	if (!ip)
		return XDP_ABORTED;
	h = sg_conn_hash(ip->saddr, ip->daddr, tcp->source, tcp->dest, floor_conn_key);
	bucket = SG_CONN_BUCKET(h);
	fp = SG_CONN_FP(h);
	b = bpf_map_lookup_elem(&floor_conns, &bucket);
	count(b && (b->fp[0] == fp || b->fp[1] == fp || b->fp[2] == fp || b->fp[3] == fp));
	return XDP_PASS;
}

/* floor_synack's body; @kernel (a constant): the kernel's cookie as ISN,
 * and the options in the TSval's low bits as SYNPROXY reads them back
 * (floor_kcookie). */
static __always_inline int floor_synack_body(struct xdp_md *ctx, const bool kernel)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct tcphdr *tcp = (void *)(ip + 1);
	__u8 *o = (void *)(tcp + 1), mac[6];
	__u32 isn, cookie, tsecr, tsval, a;
	__be16 p;
	__u64 sum;

	if (o + 20 > (__u8 *)end || ip->ihl != 5 || tcp->doff != 10)
		return XDP_ABORTED;
	count(0);
	isn = bpf_ntohl(tcp->seq);
	if (kernel) {
		__s64 r = bpf_tcp_raw_gen_syncookie_ipv4(ip, tcp, 40);

		if (r < 0)
			return XDP_ABORTED;
		cookie = r;
		tsval = (bpf_jiffies64() & ~0x3fULL) | o[19] | (1u << 4);
	} else {
		cookie = floor_cookie(ip, tcp, bpf_jiffies64() >> 6 << 16 | 4) << 10 | 0xff;
		tsval = bpf_jiffies64();
	}
	__builtin_memcpy(&tsecr, &o[8], 4);	/* Linux layout: TS at o[6] */

	__builtin_memcpy(mac, eth->h_dest, 6);
	__builtin_memcpy(eth->h_dest, eth->h_source, 6);
	__builtin_memcpy(eth->h_source, mac, 6);
	a = ip->saddr;			/* the IPv4 checksum holds across a swap */
	ip->saddr = ip->daddr;
	ip->daddr = a;
	p = tcp->source;
	tcp->source = tcp->dest;
	tcp->dest = p;
	tcp->seq = bpf_htonl(cookie);
	tcp->ack_seq = bpf_htonl(isn + 1);
	((__u8 *)tcp)[13] = 0x12;	/* SYN, ACK */
	tcp->window = bpf_htons(65535);
	tcp->check = 0;
	o[2] = 1460 >> 8;
	o[3] = 1460 & 0xff;
	tsval = bpf_htonl(tsval);
	__builtin_memcpy(&o[8], &tsval, 4);
	__builtin_memcpy(&o[12], &tsecr, 4);
	o[19] = 7;
	sum = sg_pseudo4(ip->saddr, ip->daddr, 40) + sg_csum_words((__u32 *)tcp, 10);
	tcp->check = sg_csum_fold(sum);
	return XDP_TX;
}

SEC("xdp")
int floor_synack(struct xdp_md *ctx)
{
	return floor_synack_body(ctx, false);
}

SEC("xdp")
int floor_kcookie(struct xdp_md *ctx)
{
	return floor_synack_body(ctx, true);
}

#define FRAME_MAX 256

struct frame {
	__u32 len;
	__u8 data[FRAME_MAX];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct frame);
} frame_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} target_map SEC(".maps");

SEC("xdp")
int bench_restore(struct xdp_md *ctx)
{
	struct frame *f;
	__u32 zero = 0;
	int len, cur;

	f = bpf_map_lookup_elem(&frame_map, &zero);
	if (!f)
		return XDP_ABORTED;
	len = f->len;
	if (len < 14 || len > FRAME_MAX)
		return XDP_ABORTED;
	cur = ctx->data_end - ctx->data;
	if (cur != len && bpf_xdp_adjust_tail(ctx, len - cur))
		return XDP_ABORTED;
	if (ctx->data_meta < ctx->data &&
	    bpf_xdp_adjust_meta(ctx, (int)(ctx->data - ctx->data_meta)))
		return XDP_ABORTED;
	if (bpf_xdp_store_bytes(ctx, 0, f->data, len))
		return XDP_ABORTED;
	bpf_tail_call(ctx, &target_map, 0);
	return XDP_ABORTED;
}

char LICENSE[] SEC("license") = "GPL";
