/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Types shared by the BPF programs and the userspace loader: map layouts,
 * statistics indices, configuration and event records. Everything here must
 * have the same layout on both sides, so only fixed-width types are used.
 *
 * BPF code includes this after vmlinux.h; user code after <linux/types.h>.
 */
#ifndef SYNGUARD_H
#define SYNGUARD_H

#define SG_IFNAMSIZ		16
#define SG_PORT_WORDS		(65536 / 64)	/* bitmap of destination ports */
#define SG_EVENTS_BYTES		(256 * 1024)	/* ring buffer size */
#define SG_DEFAULT_EVENT_RATE	50		/* sampled events per second per CPU */

/*
 * Statistics counters. Every packet the XDP program sees is accounted to
 * exactly one verdict counter (pass_*, drop_*), so "packets" is their sum
 * and no packet pays for more than one per-CPU increment. info_* counters
 * record side facts and are not part of the packet total.
 *
 * X(ENUM_SUFFIX, json_name)
 */
#define SG_STATS_PASS(X)						\
	X(PASS_NON_IP, non_ip)						\
	X(PASS_NON_TCP, non_tcp)					\
	X(PASS_UNPROTECTED_PORT, unprotected_port)			\
	X(PASS_TCP, tcp)						\
	X(PASS_SYN, syn)						\
	X(PASS_COOKIE_ACK, cookie_ack)					\
	X(PASS_KERNEL_COOKIE_ACK, kernel_cookie_ack)			\
	X(PASS_SYNACK_FALLBACK, synack_fallback)			\
	X(PASS_FRAGMENT, fragment)					\
	X(PASS_VLAN_DEPTH, vlan_depth)					\
	X(PASS_ALLOWED, allowed)

/* Packets answered in XDP (XDP_TX). */
#define SG_STATS_TX(X)							\
	X(TX_SYNACK, synack)

#define SG_STATS_DROP(X)                                                                           \
	X(DROP_ETH_TRUNCATED, eth_truncated)                                                       \
	X(DROP_VLAN_TRUNCATED, vlan_truncated)                                                     \
	X(DROP_IPV4_TRUNCATED, ipv4_truncated)                                                     \
	X(DROP_IPV4_BAD_VERSION, ipv4_bad_version)                                                 \
	X(DROP_IPV4_BAD_IHL, ipv4_bad_ihl)                                                         \
	X(DROP_IPV4_BAD_LENGTH, ipv4_bad_length)                                                   \
	X(DROP_IPV4_BAD_CHECKSUM, ipv4_bad_checksum)                                               \
	X(DROP_IPV6_TRUNCATED, ipv6_truncated)                                                     \
	X(DROP_IPV6_BAD_VERSION, ipv6_bad_version)                                                 \
	X(DROP_IPV6_BAD_LENGTH, ipv6_bad_length)                                                   \
	X(DROP_IPV6_EXT_TRUNCATED, ipv6_ext_truncated)                                             \
	X(DROP_IPV6_EXT_CHAIN, ipv6_ext_chain)                                                     \
	X(DROP_TCP_TRUNCATED, tcp_truncated)                                                       \
	X(DROP_TCP_BAD_DOFF, tcp_bad_doff)                                                         \
	X(DROP_TCP_FRAGMENT, tcp_fragment)                                                         \
	X(DROP_FLAGS_NULL, flags_null)                                                             \
	X(DROP_FLAGS_SYN_FIN, flags_syn_fin)                                                       \
	X(DROP_FLAGS_SYN_RST, flags_syn_rst)                                                       \
	X(DROP_FLAGS_FIN_RST, flags_fin_rst)                                                       \
	X(DROP_FLAGS_FIN_NO_ACK, flags_fin_no_ack)                                                 \
	X(DROP_FLAGS_PSH_NO_ACK, flags_psh_no_ack)                                                 \
	X(DROP_FLAGS_URG_NO_ACK, flags_urg_no_ack)                                                 \
	X(DROP_MAC_GROUP, mac_group)                                                               \
	X(DROP_MARTIAN_SOURCE, martian_source)                                                     \
	X(DROP_MARTIAN_DESTINATION, martian_destination)                                           \
	X(DROP_LAND, land)                                                                         \
	X(DROP_COOKIE_BAD, cookie_bad)                                                             \
	X(DROP_COOKIE_EXPIRED, cookie_expired)                                                     \
	X(DROP_DENIED, denied)                                                                     \
	X(DROP_ACK_NO_SOCKET, ack_no_socket)                                                       \
	X(DROP_RST_NO_SOCKET, rst_no_socket)                                                       \
	X(DROP_SYN_RATE_LIMITED, syn_rate_limited)                                                 \
	X(DROP_HANDSHAKE_RATE_LIMITED, handshake_rate_limited)

#define SG_STATS_INFO(X)						\
	X(INFO_HANDSHAKES, handshakes)					\
	X(INFO_REQSK_FAILED, reqsk_failed)				\
	X(INFO_META_FAILED, meta_failed)				\
	X(INFO_HANDOFFS, handoffs)					\
	X(INFO_HANDOFF_FAILED, handoff_failed)				\
	X(INFO_KEY_DERIVED, key_derived)				\
	X(INFO_SYN_NO_LOOKUP, syn_no_lookup)				\
	X(INFO_ACK_NO_LOOKUP, ack_no_lookup)				\
	X(INFO_EVENTS_SENT, events_sent)				\
	X(INFO_EVENTS_SUPPRESSED, events_suppressed)			\
	X(INFO_EVENTS_LOST, events_lost)

#define SG__ENUM(name, json) SG_STAT_##name,
enum sg_stat {
	SG_STATS_PASS(SG__ENUM)
	SG_STAT__PASS_END,
	SG_STAT__TX_START = SG_STAT__PASS_END - 1,
	SG_STATS_TX(SG__ENUM)
	SG_STAT__TX_END,
	SG_STAT__DROP_START = SG_STAT__TX_END - 1,
	SG_STATS_DROP(SG__ENUM)
	SG_STAT__DROP_END,
	SG_STAT__INFO_START = SG_STAT__DROP_END - 1,
	SG_STATS_INFO(SG__ENUM)
	SG_STAT__MAX,
};
#undef SG__ENUM

#define SG_STAT_IS_PASS(s)	((s) < SG_STAT__PASS_END)
#define SG_STAT_IS_TX(s)	((s) > SG_STAT__TX_START && (s) < SG_STAT__TX_END)
#define SG_STAT_IS_DROP(s)	((s) > SG_STAT__DROP_START && (s) < SG_STAT__DROP_END)
#define SG_STAT_IS_INFO(s)	((s) > SG_STAT__INFO_START && (s) < SG_STAT__MAX)

/* Value of the per-CPU "stats" array, one slot per enum sg_stat. */
struct sg_counter {
	__u64 packets;
	__u64 bytes;
};

enum sg_cookie_mode {
	SG_COOKIES_OFF = 0,	/* filter only: SYNs go to the kernel */
	SG_COOKIES_ALWAYS = 1,	/* answer every SYN to a protected port */
	SG_COOKIES_AUTO = 2,	/* answer in XDP while the SYN rate says attack */
};

/*
 * How a handshake answered in XDP completes (sg_config.completion):
 * reqsk: synguard's own cookie, and synguard_tc hands the local listener a
 * request socket (bpf_sk_assign_tcp_reqsk, Linux 6.9); synproxy: the
 * kernel's cookie (bpf_tcp_raw_gen_syncookie_*, Linux 6.0) with the
 * options in the timestamp as netfilter SYNPROXY encodes them, and
 * SYNPROXY opens the connection to the server, local or behind a gateway.
 * sg_config.completion_req is what the operator asked for (auto picks).
 */
enum sg_completion {
	SG_COMPLETION_REQSK = 0,
	SG_COMPLETION_SYNPROXY = 1,
	SG_COMPLETION_AUTO = 2, /* completion_req only */
};

/* sg_config.role: where the protected servers are. */
enum sg_role {
	SG_ROLE_SERVER = 0,  /* on this host */
	SG_ROLE_GATEWAY = 1, /* behind this host, which forwards to them */
};

/* SYNPROXY's timestamp cookie: the low bits of the SYN-ACK's TSval hold
 * the client's window scale (15: none), SACK-permitted and ECN. */
#define SG_SYNPROXY_TS_BITS   6
#define SG_SYNPROXY_TS_WSCALE 0xf
#define SG_SYNPROXY_TS_SACK   (1u << 4)
#define SG_SYNPROXY_TS_ECN    (1u << 5)

#define SG_CFG_ECN	(1u << 0)	/* the server accepts ECN (tcp_ecn != 0) */
#define SG_CFG_LIVE	(1u << 1)	/* synguard_sockops counts the live sockets */

/* Value of the single-entry "config" array. */
struct sg_config {
	__u32 event_rate;	/* sampled events per second per CPU, 0 = none */
	__u32 flags;		/* SG_CFG_* */
	__u32 cookie_mode;	/* enum sg_cookie_mode */
	__u16 mss4;		/* MSS announced in SYN-ACKs, from the MTU */
	__u16 mss6;
	__u16 window;		/* SYN-ACK window (never scaled) */
	__u8 ttl;		/* SYN-ACK TTL / hop limit */
	__u8 rcv_wscale;	/* our window scale, as the kernel would pick */
	__u8 key_shift;		/* key epoch = cookie period >> key_shift */
	__u8 completion;	/* enum sg_completion: REQSK or SYNPROXY */
	__u8 completion_req;	/* enum sg_completion, as asked */
	__u8 role;		/* enum sg_role */
	__u32 syn_threshold;	/* auto: SYNs per second that engage cookies */
	__u32 syn_threshold_cpu; /* ... as seen by one CPU (threshold / CPUs) */
	__u32 cooldown_ms;	/* auto: calm this long before disengaging */
	__u32 lists;		/* SG_LIST_*: which allow/deny tries hold entries */
	__u32 out_of_state;	/* enum sg_oos_mode */
	__u32 syn_limit;	/* per source: SYNs per second, 0 = no limit */
	__u32 syn_burst;	/* ... and how many at once */
	__u32 hs_limit;		/* per source: completed handshakes per second */
	__u32 hs_burst;
	__u16 backend_mss;   /* gateway: SYNPROXY's MSS, 0: from the MTU */
	__u8 backend_wscale; /* gateway: its window scale, 0xff: tcp_rmem's */
	__u8 pad;
	__u64 netns_cookie;	/* the interface's namespace: what sockops counts */
	__u64 kcookie_until;	/* CLOCK_MONOTONIC_COARSE ns: kernel cookies may be valid */
	__u64 conn_key[2];	/* the connection table's hash key (random) */
};

/*
 * Per-source limits: one entry per source (IPv4 /32, IPv6 /64) in an LRU
 * hash, holding a GCRA "theoretical arrival time" per limit, in 1/1024
 * jiffies. An entry is made only when a source completes a handshake
 * through synguard (a real host), so a random-source flood never churns
 * the map; SYN limits apply to sources that have an entry.
 */
#define SG_LIMIT_ENTRIES	65536

struct sg_src_key {
	__u32 family;		/* 4 or 6 */
	__u32 addr[2];		/* IPv4 in addr[0]; IPv6: its /64 */
};

struct sg_src_state {
	__u64 syn_tat;
	__u64 hs_tat;
};

/* Out-of-state filtering: ACKs and RSTs to protected ports that match no
 * socket (and carry no valid cookie) are dropped in XDP ... */
enum sg_oos_mode {
	SG_OOS_ATTACK = 0,	/* ... while cookies are engaged (the default) */
	SG_OOS_ALWAYS = 1,	/* ... always, with cookies on */
	SG_OOS_OFF = 2,		/* ... never: the kernel resets them */
};

/* Allow and deny lists: LPM tries by source prefix, consulted for packets
 * to protected ports (deny first, then allow) when config.lists says they
 * are not empty. */
#define SG_LIST_ALLOW4	(1u << 0)
#define SG_LIST_ALLOW6	(1u << 1)
#define SG_LIST_DENY4	(1u << 2)
#define SG_LIST_DENY6	(1u << 3)
#define SG_LIST_MAX_ENTRIES	65536

struct sg_lpm4 {
	__u32 prefixlen;
	__u8 addr[4];
};

struct sg_lpm6 {
	__u32 prefixlen;
	__u8 addr[16];
};

#define SG_DEFAULT_SYN_THRESHOLD	10000
#define SG_DEFAULT_COOLDOWN_S		30
#define SG_DEFAULT_COOLDOWN_MS		(SG_DEFAULT_COOLDOWN_S * 1000)

/*
 * Value of the single-entry "attack_map": adaptive mode's shared state,
 * written by whichever CPU sees a transition (and at most a few times a
 * second while an attack lasts). Times in jiffies, 0 = never.
 */
struct sg_attack {
	__u64 active_since;	/* cookies engaged since; 0: not engaged */
	__u64 last_over;	/* a CPU last saw the rate over the threshold */
	__u64 ended_at;		/* the last attack ended (ACKs checked a while) */
	__u64 started_ns;	/* bpf_ktime_get_ns() at the start (for userspace) */
	__u32 peak_rate;	/* busiest CPU's SYN rate during the attack, per s */
	__u32 attacks;		/* attacks seen since attach */
};

/*
 * SYN cookies. The 32-bit ISN of a SYN-ACK is
 *   bits 31..10  MAC: SipHash-2-4 of the 4-tuple, client ISN, period, data
 *   bits  9..8   period (TAI seconds >> SG_COOKIE_PERIOD_SHIFT) mod 4
 *   bits  7..6   MSS table index
 *   bits  5..2   client window scale, 0-14; 15: no window scaling
 *   bit      1   SACK permitted
 *   bit      0   ECN
 */
#define SG_COOKIE_PERIOD_SHIFT	36	/* 2^36 ns: 68.7 s */
#define SG_COOKIE_DATA_BITS	8
#define SG_COOKIE_MAC_SHIFT	10
#define SG_COOKIE_WSCALE_NONE	15
#define SG_COOKIE_MSS_SHIFT	6	/* the data bits' fields, as above */
#define SG_COOKIE_WSCALE_SHIFT	2
#define SG_COOKIE_SACK		(1u << 1)
#define SG_COOKIE_ECN		(1u << 0)
#define SG_DEFAULT_KEY_SHIFT	5	/* new key every 32 periods (~37 min) */

/* Value of the single-entry "cookie_key_map": the master key. Keys used
 * for cookies are derived from it per epoch, in BPF. */
struct sg_cookie_key {
	__u64 k[2];
	__u64 announced_epoch;	/* last epoch a key_rotation event named */
};

/* XDP -> TC metadata on an ACK whose cookie XDP validated. */
#define SG_META_MAGIC	0x53474d31	/* "SGM1" */
#define SG_META_WSCALE_OK	(1u << 0)
#define SG_META_SACK_OK		(1u << 1)
#define SG_META_ECN_OK		(1u << 2)
#define SG_META_TSTAMP_OK	(1u << 3)
struct sg_meta {
	__u32 magic;
	__u16 mss;
	__u8 snd_wscale;
	__u8 flags;		/* SG_META_* */
	__u32 tsval;		/* the ACK's TSval and TSecr, host order */
	__u32 tsecr;
};

/*
 * The handoff: where the driver gives XDP no metadata room (vmxnet3, ena,
 * gve), XDP puts a validated cookie's options in handoff_map under the
 * flow, and synguard_tc takes them from there. The entry names the ACK's
 * sequence numbers, so only that ACK (or its retransmission) uses it, and
 * only once: the request right behind the ACK carries the same cookie and
 * must reach the child socket, not build a second one.
 */
#define SG_HANDOFF_ENTRIES	8192
#define SG_HANDOFF_TTL_NS	1000000000ULL	/* XDP to TC takes microseconds */
#define SG_HANDOFF_STAMP_SHIFT	20		/* stamp units: ns >> 20, ~1 ms */

/* Value of handoff_map, whose key is the flow (struct sg_flow). */
struct sg_handoff {
	struct sg_meta meta;
	__u32 seq;		/* the ACK's, network order */
	__u32 ack_seq;
	__u32 stamp;		/* bpf_ktime_get_coarse_ns() >> SG_HANDOFF_STAMP_SHIFT */
	__u32 taken;		/* TC built the request socket from it */
};

/* How cookie ACKs reach the TC program (sg_handoff_state.path). */
enum sg_handoff_path {
	SG_HANDOFF_META = 0,	/* XDP metadata, falling back to the map */
	SG_HANDOFF_MAP_KNOWN = 1, /* the map: the driver is known to have no metadata */
	SG_HANDOFF_MAP_FORCED = 2, /* the map: the operator chose it (--handoff map) */
	SG_HANDOFF_MAP_LEARNED = 3, /* the map: the driver refused metadata once */
};

/* The single-entry handoff global: the path, and until when TC looks for
 * entries (bpf_ktime_get_coarse_ns(); 0 = never yet). */
struct sg_handoff_state {
	__u32 path;		/* enum sg_handoff_path */
	__u32 pad;
	__u64 learned_ns;	/* bpf_ktime_get_coarse_ns() of the first refusal */
	__u64 until_ns;
};

/*
 * Peers: which client addresses had a socket here lately. A SYN from an
 * address with no recent socket cannot belong to a TIME-WAIT, request or
 * established socket, so synguard answers it without a socket lookup (the
 * dearest step of a SYN under a flood of random sources). Slot = hash of
 * the source address; value = when it was last seen with a socket, in
 * units of about a second (2^7 to 2^10 jiffies, by HZ); 0 = never.
 * Listeners are seen per port and address family.
 * SG_PEER_FOREVER marks a slot the loader filled from the sockets that
 * existed at attach.
 *
 * live[] counts the TCP sockets of the interface's namespace that are
 * established now, by the same slot: synguard_sockops adds one when a
 * socket is established and takes it back when the socket closes (and
 * marks src[], which covers its TIME-WAIT). With SG_CFG_LIVE set, a slot
 * with no live socket and no recent mark cannot own any ACK but a cookie's,
 * so ACKs from it are checked without a socket lookup too, however long
 * an idle connection from elsewhere has been quiet.
 * Collisions only cost a lookup.
 *
 * busy[] summarises the two: one bit per slot, set (by a locked OR, after
 * the write) whenever a mark or a live socket is written to the slot, and
 * cleared by the first packet that finds the slot stale. A packet from a
 * slot whose bit is clear is from an address with nothing here, known from
 * 8 KiB that stay in cache: a flood of random sources otherwise reads two
 * cold cache lines (src[] and live[], 384 KiB) per packet, 50 ns of its
 * cost here.
 */
#define SG_PEER_BITS		16
#define SG_PEER_WINDOW		160	/* units: over two minutes at any HZ */
#define SG_PEER_LISTENER_TTL	2	/* units a listener sighting holds */
#define SG_PEER_FOREVER		0xffff

struct sg_peers {
	__u16 src[1u << SG_PEER_BITS];		/* by source address hash */
	__u16 listener[2u << 16];		/* by local port, + 65536 for IPv6 */
	__u32 listener_addr[2u << 16];		/* its bound address (IPv6 folded
						 * by XOR), 0: any */
	__u32 live[1u << SG_PEER_BITS];		/* by source address hash */
	__u64 busy[(1u << SG_PEER_BITS) / 64];	/* bit: src[] or live[] written */
};

/*
 * The cookie keys of the last two epochs, derived from the master key
 * (cookie_key_map) and shared by every CPU: slot = epoch & 1. A slot is
 * written once an epoch, by whichever CPU first needs the new key; readers
 * take it between two reads of the slot's epoch (bpf/lib/cookie.h).
 */
struct sg_key_slot {
	__u64 epoch_plus1;	/* 0: empty, or being written */
	__u64 k[2];
	__u64 pad;
};

struct sg_keys {
	struct sg_key_slot slot[2];
};

/*
 * Established connections, kept by synguard_sockops beside the live
 * counts: 65,536 buckets of 4 ways, a way holding a 32-bit fingerprint
 * (never 0) of a connection's 4-tuple, as the peer's packets carry it. The
 * bucket and the fingerprint are two parts of one hash under a random key
 * of the attachment's (cfg->conn_key), so that no one can choose 4-tuples
 * that land on a connection's. An ACK from a slot with live sockets whose
 * fingerprint is in its bucket passes as an established flow's: one hash
 * and one 16-byte read, where a socket lookup took 70-100 ns. A connection
 * whose bucket is full is left out and looked up instead. Two 4-tuples
 * share bucket and fingerprint with odds of 2^-31: such an ACK reaches the
 * kernel unchecked, as an established flow's does.
 */
#define SG_CONN_BITS		16
#define SG_CONN_WAYS		4

struct sg_conn_bucket {
	__u32 fp[SG_CONN_WAYS];
};

/* MurmurHash3's 64-bit finalizer: a bijection that mixes every bit. */
static inline __u64 sg_conn_mix(__u64 x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

/* The hash of a 4-tuple: addresses in network order (IPv6 ones folded to
 * 32 bits by XOR), ports in network order; bucket = its top bits, the
 * fingerprint its low 32 with bit 0 set. */
static inline __u64 sg_conn_hash(__u32 saddr, __u32 daddr, __u16 sport, __u16 dport,
				 const __u64 *key)
{
	__u64 h = sg_conn_mix(((__u64)saddr << 32 | daddr) ^ key[0]);

	return sg_conn_mix(h ^ ((__u64)sport << 16 | dport) ^ key[1]);
}

/* A socket's 4-tuple as its peer's packets carry it (live.h). */
struct sg_conn4 {
	__u32 saddr;
	__u32 daddr;
	__u16 sport;
	__u16 dport;
};

struct sg_conn6 {
	__u32 saddr[4];
	__u32 daddr[4];
	__u16 sport;
	__u16 dport;
};

#define SG_CONN_BUCKET(h)	((__u32)((h) >> (64 - SG_CONN_BITS)))
#define SG_CONN_FP(h)		((__u32)(h) | 1)

static inline __u32 sg_peer_slot4(__u32 saddr_be)
{
	return (__u32)(saddr_be * 2654435761u) >> (32 - SG_PEER_BITS);
}

static inline __u32 sg_peer_slot6(const __u32 *saddr_be)
{
	return sg_peer_slot4(saddr_be[0] ^ saddr_be[1] ^ saddr_be[2] ^ saddr_be[3]);
}

/* After writing src[@slot] or live[@slot]: a locked OR, which makes that
 * write visible before the bit is (see sg_peer_quiet()). */
static inline void sg_peer_busy(struct sg_peers *p, __u32 slot)
{
	slot &= (1u << SG_PEER_BITS) - 1;
	__sync_fetch_and_or(&p->busy[slot / 64], 1ULL << (slot % 64));
}

/* Value of the single-entry "conf_path_map": the configuration file named
 * at attach, for 'synguard reload'. */
#define SG_CONF_PATH_MAX	256
struct sg_conf_path {
	char path[SG_CONF_PATH_MAX];
};

/*
 * Value of the single-entry "ports_map": one bit per port, indexed by the
 * port's 16-bit value in network byte order (htons(port)), the order the
 * packet holds it in, so that XDP tests a port without swapping bytes.
 * Userspace goes through sg_ports_parse() / sg_ports_test() (user/ports.c).
 */
struct sg_ports {
	__u64 bits[SG_PORT_WORDS];
};

/* Per-CPU state of the event rate limiter: fixed one-second windows
 * measured in jiffies. */
struct sg_event_limit {
	__u64 window_start;
	__u32 sent;
	__u32 suppressed;
};

enum sg_xdp_mode {
	SG_XDP_MODE_NATIVE = 1,
	SG_XDP_MODE_SKB = 2,
};

enum sg_attach_kind {
	SG_ATTACH_DISPATCHER = 1,	/* libxdp multi-program dispatcher */
	SG_ATTACH_SINGLE = 2,		/* single program, no dispatcher */
};

/* Value of the single-entry "info" array, written once at attach. */
struct sg_attach_info {
	__u32 ifindex;
	__u32 xdp_mode;		/* enum sg_xdp_mode */
	__u32 attach_kind;	/* enum sg_attach_kind */
	__u32 xdp_prog_id;
	__u64 attached_at;	/* CLOCK_REALTIME seconds */
	__u64 netns_cookie;
	char ifname[SG_IFNAMSIZ];
	__u32 tc_link_id;	/* TCX link of synguard_tc, 0 if none */
	__u32 pin_layout;	/* SG_PIN_LAYOUT of the synguard that attached */
	char driver[16];	/* the interface's driver (ethtool), "" if unknown */
	__u32 loose_saved;	/* synproxy: nf_conntrack_tcp_loose before, + 1; 0: untouched */
	__u32 completion_why;	/* enum sg_completion_why: why that completion */
};

/* Why an attachment completes handshakes as it does (status says). */
enum sg_completion_why {
	SG_WHY_ASKED = 0,   /* --completion named it */
	SG_WHY_REQSK_KFUNC, /* auto: the kernel has the reqsk kfunc, servers local */
	SG_WHY_NO_REQSK,    /* auto: the kernel lacks the reqsk kfunc (or TCX) */
	SG_WHY_GATEWAY,	    /* auto: --role gateway */
	SG_WHY_COOKIES_OFF, /* no cookies, nothing to complete */
};

/*
 * How the pinned maps' values are laid out, recorded at attach: a synguard
 * whose layout differs (0: from before the field) must not write them.
 * 1: the port bitmap indexed in network byte order.
 */
#define SG_PIN_LAYOUT	1

enum sg_event_kind {
	SG_EV_DROP_SAMPLE = 1,	/* a dropped packet, rate limited per CPU */
	SG_EV_KEY_ROTATION = 2,	/* a new cookie key epoch began (reason = epoch) */
	SG_EV_ATTACK_START = 3,	/* auto mode engaged cookies (rate: the SYN rate) */
	SG_EV_ATTACK_END = 4,	/* ... and disengaged them (rate: peak, duration_ms) */
};

/* Ring buffer record. Addresses are in network byte order; IPv4 uses the
 * first four bytes. */
struct sg_event {
	__u64 ts_ns;		/* bpf_ktime_get_ns() */
	__u32 kind;		/* enum sg_event_kind */
	__u32 reason;		/* enum sg_stat */
	__u32 ifindex;
	__u32 suppressed;	/* samples skipped on this CPU since the last */
	__u8 family;		/* 4, 6 or 0 when no IP header was parsed */
	__u8 tcp_flags;
	__u16 sport;		/* host byte order */
	__u16 dport;
	__u16 pad;
	__u8 saddr[16];
	__u8 daddr[16];
	__u32 rate;		/* attack events: SYNs per second (busiest CPU) */
	__u32 duration_ms;	/* attack end: how long cookies were engaged */
};

/*
 * Handshake RTTs (bpf/lib/rtt.h): a per-CPU log2 histogram of the
 * handshake RTT of each connection accepted on a protected port in the
 * interface's namespace. Bucket b < SG_RTT_BUCKETS - 1 counts samples below 2^b
 * microseconds (and at least 2^(b-1)); the last counts the rest.
 */
#define SG_RTT_BUCKETS 25

struct sg_rtt_hist {
	__u64 bucket[SG_RTT_BUCKETS];
	__u64 sum_us;
};

/* synguard trace's filter and records */
#include "synguard_trace.h"

#endif /* SYNGUARD_H */
