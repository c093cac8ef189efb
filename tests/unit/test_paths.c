// SPDX-License-Identifier: GPL-2.0-only
/*
 * Table-driven packet fixtures, each run through every path that can take
 * it: untagged (where synguard_xdp has fast paths for SYNs and ACKs), a
 * single 802.1Q tag (the SYN fast path still) and a double 802.1ad tag
 * (the general path), for IPv4 and IPv6. Every variant must reach the
 * same counter and verdict and leave the same bytes (tags aside, and the
 * SYN-ACK's clock-driven TSval), and each must take the path the fixture
 * names for it, as fexit programs on the path functions see it
 * (tests/bpf/path_probe.bpf.c).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "harness.h"

#define PROBE_OBJ	"build/tests/path_probe.bpf.o"
#define LPORT		8098	/* protected, with a real listener on it */
#define UNPROTECTED	9999

#define TCP_FIN		0x01
#define TCP_SYN		0x02
#define TCP_RST		0x04
#define TCP_PSH		0x08
#define TCP_ACK		0x10
#define TCPOPT_NOP	1
#define TCPOPT_MSS	2
#define TCPOPT_WSCALE	3
#define TCPOPT_SACK_PERM 4
#define TCPOPT_TS	8

/* The option layouts of the fixtures' SYNs. */
static const uint8_t opts_linux[] = {
	TCPOPT_MSS, 4, 0x05, 0xb4, TCPOPT_SACK_PERM, 2, TCPOPT_TS, 10, 0, 0, 0, 1, 0, 0, 0, 0,
	TCPOPT_NOP, TCPOPT_WSCALE, 3, 7,
};
static const uint8_t opts_mss[] = { TCPOPT_MSS, 4, 0x05, 0xb4 };

enum fx_kind {
	FX_PLAIN,		/* the fixture's packet as given */
	FX_ACK_VALID,		/* the ACK to the answer of the fixture's SYN */
	FX_ACK_FORGED,		/* ... with the cookie off by one */
};

/* Which path decided a packet: a fixture names its untagged frame's; the
 * SYN fast paths take a single tag too, the ACK's none. */
enum fx_path {
	PATH_INLINE,		/* synguard_xdp itself, no path function */
	PATH_SYN_FAST,
	PATH_ACK_FAST,
	PATH_COOKIE,		/* the general cookie path */
};

/* What a fixture changes in the frame it builds: addresses the kernel
 * never answers, and a broken IPv4 header checksum. */
enum fx_mut {
	MUT_NONE,
	MUT_MAC_BCAST,	  /* destination MAC ff:ff:ff:ff:ff:ff */
	MUT_MAC_MCAST,	  /* a multicast destination MAC */
	MUT_SRC_ZERO,	  /* 0.0.0.0, :: */
	MUT_SRC_THIS_NET, /* 0.1.2.3 */
	MUT_SRC_LOOPBACK, /* 127.0.0.1, ::1 */
	MUT_SRC_MCAST,	  /* 224.0.0.1, ff02::1 */
	MUT_SRC_BCAST,	  /* 255.255.255.255 */
	MUT_SRC_MAPPED,	  /* ::ffff:192.0.2.2 */
	MUT_DST_ZERO,
	MUT_DST_LOOPBACK,
	MUT_DST_MCAST, /* 239.1.1.1, ff05::1 */
	MUT_DST_BCAST,
	MUT_LAND,    /* the source is the destination */
	MUT_IP_CSUM, /* the IPv4 header checksum off by one */
};

static const char *const path_names[] = { "inline", "syn_fast", "ack_fast", "cookie_path" };

struct fixture {
	const char *name;
	uint8_t l4;			/* IPPROTO_TCP or IPPROTO_UDP */
	uint16_t dport;
	uint8_t flags;			/* the SYN's, for the ACK kinds */
	const uint8_t *opts;
	size_t opts_len;
	enum fx_kind kind;
	__u32 cookies;			/* SG_COOKIES_* */
	__u32 stat;			/* the counter every variant reaches */
	enum fx_path path4;		/* the untagged frame's path */
	enum fx_mut mut;
	int only; /* 4 or 6: one family only */
};

#define FX_OPTS(o)	.opts = o, .opts_len = sizeof(o)

/* A refused frame as the SYN fast path's SYN, a SYN the general path
 * takes (no options), and a SYN with cookies off; an ACK synguard only
 * passes is the kernel's to check. */
/* clang-format off */
#define FX_REFUSED(what, m, st, fam)						\
	{ "syn, " what, IPPROTO_TCP, LPORT, TCP_SYN, FX_OPTS(opts_linux),	\
	  .cookies = SG_COOKIES_ALWAYS, .stat = st, .mut = m, .only = fam },	\
	{ "syn, no options, " what, IPPROTO_TCP, LPORT, TCP_SYN,		\
	  .cookies = SG_COOKIES_ALWAYS, .stat = st, .mut = m, .only = fam },	\
	{ "syn, cookies off, " what, IPPROTO_TCP, LPORT, TCP_SYN,		\
	  FX_OPTS(opts_linux), .cookies = SG_COOKIES_OFF, .stat = st,		\
	  .mut = m, .only = fam },						\
	{ "ack, cookies off, " what, IPPROTO_TCP, LPORT, TCP_ACK,		\
	  .cookies = SG_COOKIES_OFF, .stat = SG_STAT_PASS_TCP, .mut = m,	\
	  .only = fam }
/* clang-format on */

static const struct fixture fixtures[] = {
	{ "udp", IPPROTO_UDP, LPORT, 0, .stat = SG_STAT_PASS_NON_TCP,
	  .cookies = SG_COOKIES_ALWAYS },
	{ "unprotected port", IPPROTO_TCP, UNPROTECTED, TCP_SYN,
	  .stat = SG_STAT_PASS_UNPROTECTED_PORT, .cookies = SG_COOKIES_ALWAYS },
	{ "syn, linux options", IPPROTO_TCP, LPORT, TCP_SYN, FX_OPTS(opts_linux),
	  .cookies = SG_COOKIES_ALWAYS, .stat = SG_STAT_TX_SYNACK, .path4 = PATH_SYN_FAST },
	{ "syn, mss only", IPPROTO_TCP, LPORT, TCP_SYN, FX_OPTS(opts_mss),
	  .cookies = SG_COOKIES_ALWAYS, .stat = SG_STAT_TX_SYNACK, .path4 = PATH_COOKIE },
	{ "syn, no options", IPPROTO_TCP, LPORT, TCP_SYN, .cookies = SG_COOKIES_ALWAYS,
	  .stat = SG_STAT_TX_SYNACK, .path4 = PATH_COOKIE },
	{ "syn, cookies off", IPPROTO_TCP, LPORT, TCP_SYN, FX_OPTS(opts_linux),
	  .cookies = SG_COOKIES_OFF, .stat = SG_STAT_PASS_SYN },
	{ "valid cookie ack", IPPROTO_TCP, LPORT, TCP_SYN, FX_OPTS(opts_linux), FX_ACK_VALID,
	  SG_COOKIES_ALWAYS, SG_STAT_PASS_COOKIE_ACK, PATH_ACK_FAST },
	{ "forged cookie ack", IPPROTO_TCP, LPORT, TCP_SYN, FX_OPTS(opts_linux), FX_ACK_FORGED,
	  SG_COOKIES_ALWAYS, SG_STAT_DROP_COOKIE_BAD, PATH_ACK_FAST },
	{ "valid ack, mss-only syn", IPPROTO_TCP, LPORT, TCP_SYN, FX_OPTS(opts_mss), FX_ACK_VALID,
	  SG_COOKIES_ALWAYS, SG_STAT_PASS_COOKIE_ACK, PATH_ACK_FAST },
	{ "rst, no socket", IPPROTO_TCP, LPORT, TCP_RST, .cookies = SG_COOKIES_ALWAYS,
	  .stat = SG_STAT_DROP_RST_NO_SOCKET, .path4 = PATH_COOKIE },
	{ "syn+fin", IPPROTO_TCP, LPORT, TCP_SYN | TCP_FIN, .cookies = SG_COOKIES_ALWAYS,
	  .stat = SG_STAT_DROP_FLAGS_SYN_FIN },
	{ "null flags", IPPROTO_TCP, LPORT, 0, .cookies = SG_COOKIES_ALWAYS,
	  .stat = SG_STAT_DROP_FLAGS_NULL },
	{ "fin without ack", IPPROTO_TCP, LPORT, TCP_FIN, .cookies = SG_COOKIES_ALWAYS,
	  .stat = SG_STAT_DROP_FLAGS_FIN_NO_ACK },
	{ "psh+ack, cookies off", IPPROTO_TCP, LPORT, TCP_PSH | TCP_ACK, .cookies = SG_COOKIES_OFF,
	  .stat = SG_STAT_PASS_TCP },
	/* a SYN the kernel would never answer is dropped with a reason of
	 * its own, cookies or not; the general path decides it */
	FX_REFUSED("broadcast mac", MUT_MAC_BCAST, SG_STAT_DROP_MAC_GROUP, 0),
	FX_REFUSED("multicast mac", MUT_MAC_MCAST, SG_STAT_DROP_MAC_GROUP, 0),
	FX_REFUSED("source 0/8, unspecified", MUT_SRC_ZERO, SG_STAT_DROP_MARTIAN_SOURCE, 0),
	FX_REFUSED("source 0.1.2.3", MUT_SRC_THIS_NET, SG_STAT_DROP_MARTIAN_SOURCE, 4),
	FX_REFUSED("source loopback", MUT_SRC_LOOPBACK, SG_STAT_DROP_MARTIAN_SOURCE, 0),
	FX_REFUSED("source multicast", MUT_SRC_MCAST, SG_STAT_DROP_MARTIAN_SOURCE, 0),
	FX_REFUSED("source broadcast", MUT_SRC_BCAST, SG_STAT_DROP_MARTIAN_SOURCE, 4),
	FX_REFUSED("source v4-mapped", MUT_SRC_MAPPED, SG_STAT_DROP_MARTIAN_SOURCE, 6),
	FX_REFUSED("destination unspecified", MUT_DST_ZERO, SG_STAT_DROP_MARTIAN_DESTINATION, 0),
	FX_REFUSED("destination loopback", MUT_DST_LOOPBACK, SG_STAT_DROP_MARTIAN_DESTINATION, 0),
	FX_REFUSED("destination multicast", MUT_DST_MCAST, SG_STAT_DROP_MARTIAN_DESTINATION, 0),
	FX_REFUSED("destination broadcast", MUT_DST_BCAST, SG_STAT_DROP_MARTIAN_DESTINATION, 4),
	FX_REFUSED("land", MUT_LAND, SG_STAT_DROP_LAND, 0),
	FX_REFUSED("ipv4 header checksum", MUT_IP_CSUM, SG_STAT_DROP_IPV4_BAD_CHECKSUM, 4),
	{ "bad checksum, unprotected port", IPPROTO_TCP, UNPROTECTED, TCP_SYN,
	  .cookies = SG_COOKIES_ALWAYS, .stat = SG_STAT_PASS_UNPROTECTED_PORT, .mut = MUT_IP_CSUM,
	  .only = 4 },
	{ "broadcast mac, unprotected port", IPPROTO_TCP, UNPROTECTED, TCP_SYN,
	  .cookies = SG_COOKIES_ALWAYS, .stat = SG_STAT_PASS_UNPROTECTED_PORT,
	  .mut = MUT_MAC_BCAST },
};

/* The framings every fixture runs in: untagged, 802.1Q, 802.1ad + 802.1Q. */
static const struct {
	int nvlan;
	uint16_t tpid[2];
} framings[] = {
	{ 0, {} },
	{ 1, { 0x8100 } },
	{ 2, { 0x88a8, 0x8100 } },
};

static const uint8_t master[16] = { 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0 };
static struct bpf_object *probe;
static int probe_refused;		/* errno of the probe's load */
static int bss_fd = -1, listener = -1;

struct probe_counts {
	__u64 syn_fast, ack_fast, cookie_path;
};

static int paths_setup(void **state)
{
	int xdp_fd = bpf_program__fd(skel->progs.synguard_xdp);
	struct bpf_program *prog;
	struct bpf_map *m;

	listener = harness_listen(LPORT, master);
	if (listener < 0)
		return -1;
	probe = bpf_object__open_file(PROBE_OBJ, NULL);
	if (!probe)
		return -1;
	bpf_object__for_each_program(prog, probe) {
		const char *fn = strchr(bpf_program__section_name(prog), '/') + 1;

		bpf_program__set_attach_target(prog, xdp_fd, fn);
	}
	if (bpf_object__load(probe)) {
		/* some kernels and sandboxes refuse tracing programs (EPERM) */
		probe_refused = errno;
		bpf_object__close(probe);
		probe = NULL;
		return 0;
	}
	bpf_object__for_each_program(prog, probe) {
		if (libbpf_get_error(bpf_program__attach(prog))) {
			fprintf(stderr, "cannot attach %s\n", bpf_program__name(prog));
			return -1;
		}
	}
	bpf_object__for_each_map(m, probe)
		if (strstr(bpf_map__name(m), ".bss"))
			bss_fd = bpf_map__fd(m);
	return bss_fd < 0 ? -1 : 0;
}

static int paths_teardown(void **state)
{
	bpf_object__close(probe);	/* the links go with it; NULL: nothing */
	close(listener);
	return 0;
}

static struct probe_counts probe_read(void)
{
	struct probe_counts c = {};
	__u32 zero = 0;

	if (!probe)
		return c;
	assert_int_equal(bpf_map_lookup_elem(bss_fd, &zero, &c), 0);
	return c;
}

static enum fx_path path_taken(const struct probe_counts *b, const struct probe_counts *a)
{
	int n = (a->syn_fast != b->syn_fast) + (a->ack_fast != b->ack_fast) +
		(a->cookie_path != b->cookie_path);

	if (n > 1)
		fail_msg("more than one path decided one packet");
	return a->syn_fast != b->syn_fast ? PATH_SYN_FAST : a->ack_fast != b->ack_fast ?
	       PATH_ACK_FAST : a->cookie_path != b->cookie_path ? PATH_COOKIE : PATH_INLINE;
}

static void cookies(__u32 mode)
{
	struct sg_config cfg = harness_cookie_cfg(mode, 64, 7);

	cfg.flags = SG_CFG_LIVE;

	set_config_full(&cfg);
}

/* The addresses the mutations write, [0] IPv4 and [1] IPv6. */
static const uint8_t a_zero[2][16], a_this_net[2][16] = { { 0, 1, 2, 3 } };
static const uint8_t a_loopback[2][16] = { { 127, 0, 0, 1 }, { [15] = 1 } };
static const uint8_t a_src_mcast[2][16] = { { 224, 0, 0, 1 }, { 0xff, 0x02, [15] = 1 } };
static const uint8_t a_dst_mcast[2][16] = { { 239, 1, 1, 1 }, { 0xff, 0x05, [15] = 1 } };
static const uint8_t a_bcast[2][16] = { { 255, 255, 255, 255 } };
static const uint8_t a_mapped[2][16] = { {}, { [10] = 0xff, 0xff, 192, 0, 2, 2 } };
static const uint8_t a_host[2][16] = { { 192, 0, 2, 1 }, { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } };
static const uint8_t mac_bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t mac_mcast[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };

static void mutate(enum fx_mut m, int family, struct pkt_spec *s)
{
	int f = family == 6;

	switch (m) {
	case MUT_NONE:
		break;
	case MUT_MAC_BCAST:
		s->dmac = mac_bcast;
		break;
	case MUT_MAC_MCAST:
		s->dmac = mac_mcast;
		break;
	case MUT_SRC_ZERO:
		s->saddr = a_zero[f];
		break;
	case MUT_SRC_THIS_NET:
		s->saddr = a_this_net[f];
		break;
	case MUT_SRC_LOOPBACK:
		s->saddr = a_loopback[f];
		break;
	case MUT_SRC_MCAST:
		s->saddr = a_src_mcast[f];
		break;
	case MUT_SRC_BCAST:
		s->saddr = a_bcast[f];
		break;
	case MUT_SRC_MAPPED:
		s->saddr = a_mapped[f];
		break;
	case MUT_DST_ZERO:
		s->daddr = a_zero[f];
		break;
	case MUT_DST_LOOPBACK:
		s->daddr = a_loopback[f];
		break;
	case MUT_DST_MCAST:
		s->daddr = a_dst_mcast[f];
		break;
	case MUT_DST_BCAST:
		s->daddr = a_bcast[f];
		break;
	case MUT_LAND:
		s->saddr = a_host[f];
		break;
	case MUT_IP_CSUM:
		s->bad_ip_csum = true;
		break;
	}
}

static void spec_for(const struct fixture *fx, int family, int framing, struct pkt_spec *s)
{
	pkt_default_spec(s, family);
	mutate(fx->mut, family, s);
	s->l4 = fx->l4;
	s->dport = fx->dport;
	s->flags = fx->flags;
	s->seq = 0x0badcafe;
	s->opts = fx->opts;
	s->opts_len = fx->opts_len;
	s->nvlan = framings[framing].nvlan;
	memcpy(s->vlan_tpid, framings[framing].tpid, sizeof(framings[framing].tpid));
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

/* @p as the fixture sends it: the SYN, or the ACK to its answer. */
static void fixture_packet(const struct fixture *fx, int family, int framing, struct pkt *p)
{
	static const uint8_t ts[] = { TCPOPT_NOP, TCPOPT_NOP, TCPOPT_TS, 10, 0, 0, 0, 2, 0, 0, 0, 0 };
	struct pkt_spec s;
	struct pkt syn;
	uint8_t out[PKT_MAX];
	__u32 len;

	spec_for(fx, family, framing, &s);
	build(&s, p);
	if (fx->kind == FX_PLAIN)
		return;
	build(&s, &syn);
	assert_int_equal(run_out(&syn, out, &len), XDP_TX_RC);
	s.flags = TCP_ACK;
	s.ack = get32(out + syn.l4 + 4) + 1 +	/* the SYN-ACK's ISN, the cookie */
		(fx->kind == FX_ACK_FORGED ? 1 : 0);
	s.seq += 1;
	s.opts = ts;
	s.opts_len = sizeof(ts);
	build(&s, p);
}

/*
 * What BPF_PROG_TEST_RUN returned for @in (@len bytes at @buf: the XDP
 * metadata a cookie ACK carries to TC, then the frame), as the untagged
 * frame would give it: the metadata kept, the tags and the Ethernet
 * padding removed, and a SYN-ACK's TSval and TCP checksum (which the clock
 * moves) zeroed once the checksum is found right.
 */
static size_t normalise(uint8_t *buf, size_t len, const struct pkt *in, int nvlan, __u32 rc)
{
	size_t tags = 4 * nvlan, l3 = in->l3 - tags, l4 = in->l4 - tags;
	size_t meta = rc == XDP_TX_RC || len < in->len ? 0 : len - in->len;
	uint8_t *out = buf + meta;
	struct pkt check;

	len -= meta;
	memmove(out + 12, out + 12 + tags, len - 12 - tags);
	if ((out[l3] >> 4) == 4)
		len = l3 + (out[l3 + 2] << 8 | out[l3 + 3]);
	else
		len = l3 + 40 + (out[l3 + 4] << 8 | out[l3 + 5]);
	if (rc != XDP_TX_RC)
		return meta + len;
	memcpy(check.data, out, len);
	check.len = len;
	check.l3 = l3;
	check.l4 = l4;
	assert_int_equal(pkt_verify_checksums(&check), 0);
	out[l4 + 16] = out[l4 + 17] = 0;
	for (size_t o = l4 + 20; o + 10 <= l4 + (out[l4 + 12] >> 4) * 4;) {
		if (out[o] == TCPOPT_NOP) {
			o++;
			continue;
		}
		if (out[o] == TCPOPT_TS)
			memset(out + o + 2, 0, 4);
		o += out[o + 1] ? out[o + 1] : 1;
	}
	return meta + len;
}

/* Every fixture in every framing: the same counter, verdict and bytes;
 * with @paths, the path the fixture names too. */
static void fixtures_run(bool paths)
{
	for (size_t i = 0; i < ARRAY_SIZE(fixtures); i++) {
		const struct fixture *fx = &fixtures[i];
		struct pkt warm;

		/* each fixture from known state (a SYN left to the kernel marks
		 * its source, for one), with the listener seen once, as any
		 * running server's is */
		assert_int_equal(harness_reset(NULL), 0);
		cookies(SG_COOKIES_ALWAYS);
		tcp4(&warm, LPORT, TCP_SYN);
		run(&warm, 1);
		tcp6(&warm, LPORT, TCP_SYN);
		run(&warm, 1);
		cookies(fx->cookies);
		for (int family = 4; family <= 6; family += 2) {
			uint8_t first[PKT_MAX];
			size_t first_len = 0;

			if (fx->only && fx->only != family)
				continue;

			for (size_t f = 0; f < ARRAY_SIZE(framings); f++) {
				enum fx_path want = fx->path4;

				if (want == PATH_SYN_FAST && framings[f].nvlan > 1)
					want = PATH_COOKIE;
				if (want == PATH_ACK_FAST && framings[f].nvlan)
					want = PATH_COOKIE;
				struct probe_counts before, after;
				uint8_t out[PKT_MAX];
				enum fx_path got;
				struct pkt p;
				__u32 len, rc;
				size_t n;

				fixture_packet(fx, family, f, &p);
				expect(&p, fx->stat);		/* exactly one counter */
				before = probe_read();
				rc = run_out(&p, out, &len);
				after = probe_read();
				got = path_taken(&before, &after);
				if (paths && got != want)
					fail_msg("%s, IPv%d, %d tags: path %s, expected %s", fx->name,
						 family, framings[f].nvlan, path_names[got],
						 path_names[want]);
				n = normalise(out, len, &p, framings[f].nvlan, rc);
				if (f == 0) {
					memcpy(first, out, n);
					first_len = n;
				} else if (n != first_len || memcmp(first, out, n)) {
					fail_msg("%s, IPv%d: %d tags give other bytes than none",
						 fx->name, family, framings[f].nvlan);
				}
			}
		}
	}
}

/* Every fixture in every framing agrees, and takes its path where fexit
 * programs can see the paths (one pass: a fixture's resets are what a run
 * costs in a VM). */
static void test_fixtures_on_every_path(void **state)
{
	if (!probe)
		printf("paths not checked: they need fexit programs on BPF functions "
		       "(refused here: %s)\n",
		       strerror(probe_refused));
	fixtures_run(probe != NULL);
}

int run_path_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_fixtures_on_every_path, harness_reset),
	};

	return cmocka_run_group_tests_name("paths", tests, paths_setup, paths_teardown);
}
