// SPDX-License-Identifier: GPL-2.0-only
/*
 * Packet-level tests of the XDP program with BPF_PROG_TEST_RUN: every parse
 * path, every truncation point, every drop reason, and the exact counter
 * deltas each packet causes. The object is loaded from the skeleton, not
 * attached anywhere.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "harness.h"

/* ---- the builder itself ------------------------------------------------ */

static void test_builder_checksums(void **state)
{
	static const uint8_t opts[] = { 2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0,
					1, 3, 3, 7 };
	struct pkt_spec s;
	struct pkt p;

	for (int fam = 4; fam <= 6; fam += 2) {
		pkt_default_spec(&s, fam);
		s.opts = opts;
		s.opts_len = sizeof(opts);
		s.payload = 33;
		build(&s, &p);
		assert_int_equal(pkt_verify_checksums(&p), 0);
		p.data[p.l4 + 25] ^= 0xff;	/* corrupt one option byte */
		assert_int_not_equal(pkt_verify_checksums(&p), 0);
	}
}

/* ---- parse paths ------------------------------------------------------- */

static void test_non_ip(void **state)
{
	struct pkt_spec s;
	struct pkt p;

	pkt_default_spec(&s, 0);	/* ARP ethertype */
	build(&s, &p);
	expect(&p, SG_STAT_PASS_NON_IP);
}

static void test_non_tcp(void **state)
{
	struct pkt_spec s;
	struct pkt p;

	for (int fam = 4; fam <= 6; fam += 2) {
		pkt_default_spec(&s, fam);
		s.l4 = 17;
		build(&s, &p);
		expect(&p, SG_STAT_PASS_NON_TCP);
		s.l4 = 1;	/* ICMP */
		build(&s, &p);
		expect(&p, SG_STAT_PASS_NON_TCP);
	}
}

static void test_tcp_protected_and_not(void **state)
{
	static const uint16_t prot[] = { 80, 443, 8000, 8050, 8100 };
	static const uint16_t unprot[] = { 1, 79, 81, 442, 7999, 8101, 65535 };
	struct pkt p;

	for (size_t i = 0; i < ARRAY_SIZE(prot); i++) {
		tcp4(&p, prot[i], 0x02);
		expect(&p, SG_STAT_PASS_SYN);	/* cookies off: to the kernel */
		tcp6(&p, prot[i], 0x10);
		expect(&p, SG_STAT_PASS_TCP);
	}
	for (size_t i = 0; i < ARRAY_SIZE(unprot); i++) {
		/* even impossible flags pass on unprotected ports */
		tcp4(&p, unprot[i], 0x03);
		expect(&p, SG_STAT_PASS_UNPROTECTED_PORT);
		tcp6(&p, unprot[i], 0x00);
		expect(&p, SG_STAT_PASS_UNPROTECTED_PORT);
	}
}

/*
 * Every port, on the common frame's path (IPv4 without options) and on the
 * full parser's (IPv6): the bitmap is indexed by the port in network byte
 * order, so each protected port's byte-swapped twin (80 and 20480, say)
 * must stay unprotected.
 */
static void test_every_port(void **state)
{
	struct pkt p;

	for (unsigned int port = 0; port < 65536; port++) {
		bool prot = port == 80 || port == 443 || (port >= 8000 && port <= 8100);
		__u32 want = prot ? SG_STAT_PASS_TCP : SG_STAT_PASS_UNPROTECTED_PORT;

		tcp4(&p, port, 0x10);
		expect(&p, want);
		tcp6(&p, port, 0x10);
		expect(&p, want);
	}
}

/* Frames too short to be the common frame take the full parser. */
static void test_short_frames(void **state)
{
	struct pkt_spec s;
	struct pkt p;

	pkt_default_spec(&s, 4);
	s.l4 = 17;
	build(&s, &p);
	p.len = 14 + 20 + 8;		/* unpadded: a bare UDP header */
	expect(&p, SG_STAT_PASS_NON_TCP);
	s.l4 = 6;
	build(&s, &p);
	p.len = 14 + 20 + 19;		/* one byte short of a TCP header */
	expect(&p, SG_STAT_DROP_TCP_TRUNCATED);
}

static void test_ipv4_options_every_ihl(void **state)
{
	struct pkt_spec s;
	struct pkt p;

	for (int words = 0; words <= 10; words++) {
		pkt_default_spec(&s, 4);
		s.ip_opt_words = words;
		build(&s, &p);
		expect(&p, SG_STAT_PASS_TCP);
	}
}

static void test_tcp_options_every_doff(void **state)
{
	uint8_t opts[40];
	struct pkt_spec s;
	struct pkt p;

	memset(opts, 1, sizeof(opts));	/* NOPs */
	for (size_t n = 0; n <= 40; n += 4) {
		for (int fam = 4; fam <= 6; fam += 2) {
			pkt_default_spec(&s, fam);
			s.opts = opts;
			s.opts_len = n;
			s.payload = 100;
			build(&s, &p);
			expect(&p, SG_STAT_PASS_TCP);
		}
	}
}

static void test_vlan(void **state)
{
	static const uint16_t tpids[][2] = { { 0x8100, 0 }, { 0x88a8, 0 }, { 0x88a8, 0x8100 },
					     { 0x8100, 0x8100 } };
	struct pkt_spec s;
	struct pkt p;

	for (size_t i = 0; i < ARRAY_SIZE(tpids); i++) {
		for (int fam = 4; fam <= 6; fam += 2) {
			pkt_default_spec(&s, fam);
			s.nvlan = tpids[i][1] ? 2 : 1;
			s.vlan_tpid[0] = tpids[i][0];
			s.vlan_tpid[1] = tpids[i][1];
			build(&s, &p);
			expect(&p, SG_STAT_PASS_TCP);
			s.flags = 0x03;		/* SYN+FIN behind the tags */
			build(&s, &p);
			expect(&p, SG_STAT_DROP_FLAGS_SYN_FIN);
		}
	}
	/* a third tag is beyond what synguard parses: passed and counted */
	pkt_default_spec(&s, 4);
	s.nvlan = 3;
	s.vlan_tpid[0] = 0x88a8;
	s.vlan_tpid[1] = 0x8100;
	s.vlan_tpid[2] = 0x8100;
	build(&s, &p);
	expect(&p, SG_STAT_PASS_VLAN_DEPTH);
}

static void test_ipv6_extension_headers(void **state)
{
	static const uint8_t types[] = { 0, 43, 60, 51, 135 };
	struct pkt_spec s;
	struct pkt p;

	for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
		pkt_default_spec(&s, 6);
		s.next_ext = 1;
		s.ext[0].type = types[i];
		s.ext[0].len8 = 1;
		build(&s, &p);
		expect(&p, SG_STAT_PASS_TCP);
	}
	/* six headers: the deepest chain synguard walks */
	pkt_default_spec(&s, 6);
	s.next_ext = 6;
	for (int i = 0; i < 6; i++)
		s.ext[i].type = i == 0 ? 0 : 60;
	build(&s, &p);
	expect(&p, SG_STAT_PASS_TCP);
	s.flags = 0;
	build(&s, &p);
	expect(&p, SG_STAT_DROP_FLAGS_NULL);
	/* seven: refused rather than passed unseen */
	s.next_ext = 7;
	s.ext[6].type = 60;
	build(&s, &p);
	expect(&p, SG_STAT_DROP_IPV6_EXT_CHAIN);
	/* ESP and "no next header" end the chain: not TCP */
	pkt_default_spec(&s, 6);
	s.l4 = 50;
	s.payload = 40;
	build(&s, &p);
	expect(&p, SG_STAT_PASS_NON_TCP);
	s.l4 = 59;
	build(&s, &p);
	expect(&p, SG_STAT_PASS_NON_TCP);
}

static void test_fragments(void **state)
{
	struct pkt_spec s;
	struct pkt p;

	/* IPv4: a later fragment carries no TCP header */
	pkt_default_spec(&s, 4);
	s.frag_off = 185;	/* offset 1480 bytes */
	build(&s, &p);
	expect(&p, SG_STAT_PASS_FRAGMENT);
	/* a first fragment to a protected port is an evasion attempt */
	s.frag_off = 0x2000;	/* MF */
	build(&s, &p);
	expect(&p, SG_STAT_DROP_TCP_FRAGMENT);
	s.dport = 22;
	build(&s, &p);
	expect(&p, SG_STAT_PASS_UNPROTECTED_PORT);
	/* DF alone is not a fragment */
	s.dport = 80;
	s.frag_off = 0x4000;
	build(&s, &p);
	expect(&p, SG_STAT_PASS_TCP);

	/* IPv6 fragment header */
	pkt_default_spec(&s, 6);
	s.next_ext = 1;
	s.ext[0].type = 44;
	s.ext[0].frag = (185 << 3) | 1;
	build(&s, &p);
	expect(&p, SG_STAT_PASS_FRAGMENT);
	s.ext[0].frag = 1;
	build(&s, &p);
	expect(&p, SG_STAT_DROP_TCP_FRAGMENT);
	s.ext[0].frag = 0;	/* atomic fragment: whole packet */
	build(&s, &p);
	expect(&p, SG_STAT_PASS_TCP);
}

/* ---- flags ------------------------------------------------------------- */

#define F 0x01
#define S 0x02
#define R 0x04
#define P 0x08
#define A 0x10
#define U 0x20
#define E 0x40
#define C 0x80

static void test_flags(void **state)
{
	static const struct {
		uint8_t flags;
		__u32 stat;
	} cases[] = {
		{ 0, SG_STAT_DROP_FLAGS_NULL },
		{ S | F, SG_STAT_DROP_FLAGS_SYN_FIN },
		{ S | F | A, SG_STAT_DROP_FLAGS_SYN_FIN },
		{ S | F | R | P | A | U, SG_STAT_DROP_FLAGS_SYN_FIN },
		{ S | R, SG_STAT_DROP_FLAGS_SYN_RST },
		{ S | R | A, SG_STAT_DROP_FLAGS_SYN_RST },
		{ F | R, SG_STAT_DROP_FLAGS_FIN_RST },
		{ F | R | A, SG_STAT_DROP_FLAGS_FIN_RST },
		{ F, SG_STAT_DROP_FLAGS_FIN_NO_ACK },
		{ F | P | U, SG_STAT_DROP_FLAGS_FIN_NO_ACK },	/* Xmas */
		{ P, SG_STAT_DROP_FLAGS_PSH_NO_ACK },
		{ R | P, SG_STAT_DROP_FLAGS_PSH_NO_ACK },
		{ U, SG_STAT_DROP_FLAGS_URG_NO_ACK },
		{ E | C, SG_STAT_DROP_FLAGS_NULL },
		{ S, SG_STAT_PASS_SYN },
		{ S | E | C, SG_STAT_PASS_SYN },	/* ECN setup SYN */
		{ S | A, SG_STAT_PASS_TCP },
		{ A, SG_STAT_PASS_TCP },
		{ P | A, SG_STAT_PASS_TCP },
		{ F | A, SG_STAT_PASS_TCP },
		{ F | P | A, SG_STAT_PASS_TCP },
		{ U | A, SG_STAT_PASS_TCP },
		{ R, SG_STAT_PASS_TCP },
		{ R | A, SG_STAT_PASS_TCP },
	};
	struct pkt p;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		tcp4(&p, 443, cases[i].flags);
		expect(&p, cases[i].stat);
		tcp6(&p, 8000, cases[i].flags);
		expect(&p, cases[i].stat);
	}
}

/* ---- malformed and truncated ------------------------------------------- */

/* The kernel refuses test-run frames under 14 bytes (drivers never deliver
 * them), so the Ethernet truncation check is exercised only by the verifier. */

static void test_vlan_truncated(void **state)
{
	struct pkt p;

	tcp4(&p, 80, S);
	p.data[12] = 0x81, p.data[13] = 0x00;
	for (size_t len = 14; len < 18; len++) {
		p.len = len;
		expect(&p, SG_STAT_DROP_VLAN_TRUNCATED);
	}
}

static void test_ipv4_truncated_every_byte(void **state)
{
	struct pkt_spec s;
	struct pkt p;

	pkt_default_spec(&s, 4);
	build(&s, &p);
	for (size_t len = 14; len < 14 + 20; len++) {
		p.len = len;
		expect(&p, SG_STAT_DROP_IPV4_TRUNCATED);
	}
	/* header with options cut inside the options */
	s.ip_opt_words = 10;
	build(&s, &p);
	for (size_t len = 14 + 20; len < 14 + 60; len++) {
		p.len = len;
		expect(&p, SG_STAT_DROP_IPV4_TRUNCATED);
	}
}

static void test_ipv4_bad_header(void **state)
{
	struct pkt p;

	tcp4(&p, 80, S);
	p.data[14] = 0x65;		/* version 6 under the IPv4 ethertype */
	expect(&p, SG_STAT_DROP_IPV4_BAD_VERSION);
	for (int ihl = 0; ihl < 5; ihl++) {
		tcp4(&p, 80, S);
		p.data[14] = 0x40 | ihl;
		expect(&p, SG_STAT_DROP_IPV4_BAD_IHL);
	}
	tcp4(&p, 80, S);
	p.data[16] = 0x05, p.data[17] = 0xdc;	/* total length 1500 > frame */
	expect(&p, SG_STAT_DROP_IPV4_BAD_LENGTH);
	tcp4(&p, 80, S);
	p.data[16] = 0, p.data[17] = 19;	/* shorter than its own header */
	expect(&p, SG_STAT_DROP_IPV4_BAD_LENGTH);
}

static void test_ipv6_truncated_every_byte(void **state)
{
	struct pkt p;

	tcp6(&p, 80, S);
	for (size_t len = 14; len < 14 + 40; len++) {
		p.len = len;
		expect(&p, SG_STAT_DROP_IPV6_TRUNCATED);
	}
}

static void test_ipv6_bad_header(void **state)
{
	struct pkt_spec s;
	struct pkt p;

	tcp6(&p, 80, S);
	p.data[14] = 0x40;
	expect(&p, SG_STAT_DROP_IPV6_BAD_VERSION);
	tcp6(&p, 80, S);
	p.data[18] = 0x05, p.data[19] = 0xdc;	/* payload length 1500 > frame */
	expect(&p, SG_STAT_DROP_IPV6_BAD_LENGTH);

	/* extension header cut short by the frame, at every byte */
	pkt_default_spec(&s, 6);
	s.next_ext = 1;
	s.ext[0].type = 0;
	build(&s, &p);
	for (size_t len = 54; len < 54 + 8; len++) {
		p.len = len;
		p.data[18] = 0, p.data[19] = len - 54;
		expect(&p, SG_STAT_DROP_IPV6_EXT_TRUNCATED);
	}
	/* extension header longer than the payload length says */
	build(&s, &p);
	p.data[55] = 4;		/* claims 40 bytes */
	expect(&p, SG_STAT_DROP_IPV6_EXT_TRUNCATED);
}

static void test_tcp_truncated_every_byte(void **state)
{
	struct pkt p;

	for (size_t cut = 0; cut < 20; cut++) {
		tcp4(&p, 80, S);
		p.len = p.l4 + cut;
		p.data[16] = 0, p.data[17] = 20 + cut;	/* IP agrees with the frame */
		expect(&p, SG_STAT_DROP_TCP_TRUNCATED);

		tcp6(&p, 80, S);
		p.len = p.l4 + cut;
		p.data[18] = 0, p.data[19] = cut;
		expect(&p, SG_STAT_DROP_TCP_TRUNCATED);
	}
	/* a full frame whose IP length leaves less than a TCP header */
	tcp4(&p, 80, S);
	p.data[16] = 0, p.data[17] = 20 + 12;
	expect(&p, SG_STAT_DROP_TCP_TRUNCATED);
}

static void test_tcp_bad_doff(void **state)
{
	uint8_t opts[8] = { 1, 1, 1, 1, 1, 1, 1, 1 };
	struct pkt_spec s;
	struct pkt p;

	for (int doff = 0; doff < 5; doff++) {
		tcp4(&p, 80, A);
		p.data[p.l4 + 12] = doff << 4;
		expect(&p, SG_STAT_DROP_TCP_BAD_DOFF);
	}
	/* options claimed beyond the end of the segment */
	for (int fam = 4; fam <= 6; fam += 2) {
		pkt_default_spec(&s, fam);
		s.opts = opts;
		s.opts_len = sizeof(opts);
		build(&s, &p);
		p.data[p.l4 + 12] = 8 << 4;	/* 32 bytes, segment has 28 */
		expect(&p, SG_STAT_DROP_TCP_BAD_DOFF);
	}
	/* unprotected ports are not inspected beyond the port */
	tcp4(&p, 22, A);
	p.data[p.l4 + 12] = 0;
	expect(&p, SG_STAT_PASS_UNPROTECTED_PORT);
}

/* ---- events ------------------------------------------------------------ */

struct ev_sink {
	struct sg_event ev[64];
	int n;
};

static int ev_collect(void *ctx, void *data, size_t size)
{
	struct ev_sink *s = ctx;

	if (s->n < 64 && size >= sizeof(struct sg_event))
		memcpy(&s->ev[s->n++], data, sizeof(struct sg_event));
	return 0;
}

static void drain(struct ring_buffer *rb)
{
	assert_true(ring_buffer__consume(rb) >= 0);
}

/* A reader of the events map that starts empty, with the sampler allowing
 * @rate events per second from a fresh window. */
static struct ring_buffer *events_open(struct ev_sink *sink, __u32 rate)
{
	struct ring_buffer *rb;

	rb = ring_buffer__new(bpf_map__fd(skel->maps.events_map), ev_collect, sink, NULL);
	assert_non_null(rb);
	drain(rb);
	sink->n = 0;
	set_config(rate);
	reset_event_limit();
	return rb;
}

static void test_event_sample(void **state)
{
	struct ev_sink sink = {};
	struct ring_buffer *rb;
	struct pkt p;

	rb = events_open(&sink, 10);

	tcp6(&p, 443, S | F);
	expect(&p, SG_STAT_DROP_FLAGS_SYN_FIN);
	tcp4(&p, 80, A);
	expect(&p, SG_STAT_PASS_TCP);	/* passes make no events */
	drain(rb);
	assert_int_equal(sink.n, 1);
	assert_int_equal(sink.ev[0].kind, SG_EV_DROP_SAMPLE);
	assert_int_equal(sink.ev[0].reason, SG_STAT_DROP_FLAGS_SYN_FIN);
	assert_int_equal(sink.ev[0].family, 6);
	assert_int_equal(sink.ev[0].dport, 443);
	assert_int_equal(sink.ev[0].sport, 40000);
	assert_int_equal(sink.ev[0].tcp_flags, S | F);
	assert_int_equal(sink.ev[0].saddr[0], 0x20);
	assert_int_equal(sink.ev[0].daddr[15], 1);
	assert_true(sink.ev[0].ts_ns > 0);
	set_config(0);
	ring_buffer__free(rb);
}

static void test_event_rate_limit(void **state)
{
	struct sg_snapshot before, after;
	struct ev_sink sink = {};
	struct ring_buffer *rb;
	struct pkt p;

	rb = events_open(&sink, 3);
	snapshot(&before);
	tcp4(&p, 80, F);
	assert_int_equal(run(&p, 10), XDP_DROP_RC);
	snapshot(&after);
	drain(rb);
	/* 3 sent in this one-second window, the other 7 only counted */
	assert_int_equal(sink.n, 3);
	assert_int_equal(after.c[SG_STAT_INFO_EVENTS_SENT].packets -
			 before.c[SG_STAT_INFO_EVENTS_SENT].packets, 3);
	assert_int_equal(after.c[SG_STAT_DROP_FLAGS_FIN_NO_ACK].packets -
			 before.c[SG_STAT_DROP_FLAGS_FIN_NO_ACK].packets, 10);
	set_config(0);
	ring_buffer__free(rb);
}

static void test_event_ring_full_counts_lost(void **state)
{
	struct sg_snapshot before, after;
	struct ring_buffer *rb;
	struct ev_sink sink = {};
	__u64 sent, lost;
	struct pkt p;
	const __u32 n = 8000;	/* well beyond the ring's ~3600 records */

	rb = events_open(&sink, 1000000);
	snapshot(&before);
	tcp4(&p, 80, 0);
	assert_int_equal(run(&p, n), XDP_DROP_RC);
	snapshot(&after);
	sent = after.c[SG_STAT_INFO_EVENTS_SENT].packets - before.c[SG_STAT_INFO_EVENTS_SENT].packets;
	lost = after.c[SG_STAT_INFO_EVENTS_LOST].packets - before.c[SG_STAT_INFO_EVENTS_LOST].packets;
	assert_true(lost > 0);
	assert_int_equal(sent + lost, n);
	drain(rb);
	set_config(0);
	ring_buffer__free(rb);
}

/* ---- port list parsing (userspace) ------------------------------------- */

static void test_ports_parse(void **state)
{
	static const struct {
		const char *in, *out;
	} good[] = {
		{ "80", "80" },
		{ "443,80", "80,443" },
		{ "8000-8100", "8000-8100" },
		{ "80,81,82,90", "80-82,90" },
		{ "1-65535", "1-65535" },
		{ "65535", "65535" },
		{ "5-5", "5" },
	};
	static const char *const bad[] = {
		"", "0", "65536", "80,", ",80", "80,,443", "90-80", "a", "80 ", " 80",
		"-5", "+80", "80--90", "80-", "99999999999999999999", "80-65536", "0-10",
		"80;443",
	};
	struct sg_ports *p = calloc(1, sizeof(*p));
	FILE *saved = stderr;

	assert_non_null(p);
	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		char *s;

		assert_int_equal(sg_ports_parse(good[i].in, p), 0);
		s = sg_ports_to_string(p);
		assert_string_equal(s, good[i].out);
		free(s);
	}
	stderr = fopen("/dev/null", "w");	/* the parser's error lines */
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		if (sg_ports_parse(bad[i], p) != -EINVAL) {
			fclose(stderr);
			stderr = saved;
			fail_msg("port list '%s' was accepted", bad[i]);
		}
	fclose(stderr);
	stderr = saved;
	free(p);
}

/* A program the kernel refuses is reported by name with the verifier's
 * decisive line, the one attach prints (sg_bpf_refusal()). */
static void test_refusal_reported(void **state)
{
	struct bpf_object *obj = bpf_object__open_file("build/tests/refused.bpf.o", NULL);
	const char *prog = NULL, *line = NULL;

	assert_non_null(obj);
	assert_int_not_equal(bpf_object__load(obj), 0);
	bpf_object__close(obj);
	assert_true(sg_bpf_refusal(&prog, &line));
	assert_string_equal(prog, "refused_xdp");
	assert_non_null(strstr(line, "invalid access to packet"));
}

int run_xdp_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_builder_checksums, harness_reset),
		cmocka_unit_test_setup(test_non_ip, harness_reset),
		cmocka_unit_test_setup(test_non_tcp, harness_reset),
		cmocka_unit_test_setup(test_tcp_protected_and_not, harness_reset),
		cmocka_unit_test_setup(test_every_port, harness_reset),
		cmocka_unit_test_setup(test_short_frames, harness_reset),
		cmocka_unit_test_setup(test_ipv4_options_every_ihl, harness_reset),
		cmocka_unit_test_setup(test_tcp_options_every_doff, harness_reset),
		cmocka_unit_test_setup(test_vlan, harness_reset),
		cmocka_unit_test_setup(test_ipv6_extension_headers, harness_reset),
		cmocka_unit_test_setup(test_fragments, harness_reset),
		cmocka_unit_test_setup(test_flags, harness_reset),
		cmocka_unit_test_setup(test_vlan_truncated, harness_reset),
		cmocka_unit_test_setup(test_ipv4_truncated_every_byte, harness_reset),
		cmocka_unit_test_setup(test_ipv4_bad_header, harness_reset),
		cmocka_unit_test_setup(test_ipv6_truncated_every_byte, harness_reset),
		cmocka_unit_test_setup(test_ipv6_bad_header, harness_reset),
		cmocka_unit_test_setup(test_tcp_truncated_every_byte, harness_reset),
		cmocka_unit_test_setup(test_tcp_bad_doff, harness_reset),
		cmocka_unit_test_setup(test_event_sample, harness_reset),
		cmocka_unit_test_setup(test_event_rate_limit, harness_reset),
		cmocka_unit_test_setup(test_event_ring_full_counts_lost, harness_reset),
		cmocka_unit_test_setup(test_ports_parse, harness_reset),
		cmocka_unit_test_setup(test_refusal_reported, harness_reset),
	};

	return cmocka_run_group_tests_name("xdp", tests, NULL, NULL);
}
