// SPDX-License-Identifier: GPL-2.0-only
/*
 * SYN cookies at the packet level: the SYN-ACK synguard_xdp writes for a
 * matrix of client option sets (IPv4 and IPv6, with and without VLAN tags),
 * checked field by field with checksums recomputed independently; the
 * cookie's bits decoded and its MAC recomputed with a reference SipHash;
 * and SYN -> SYN-ACK -> ACK round trips against a real listening socket,
 * with forged and expired cookies rejected.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "harness.h"
#include "cookie_ref.h"
#include "siphash_ref.h"

#define LPORT	8099		/* protected, with a real listener on it */
#define TTL	61
#define WSCALE	7

static const uint8_t master[16] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
static int listener = -1;

static int cookie_setup(void **state)
{
	listener = harness_listen(LPORT, master);
	return listener < 0 ? -1 : 0;
}

static int cookie_teardown(void **state)
{
	close(listener);
	set_config(0);
	return 0;
}

/* Cookies always on, as the group's tests want them. */
static struct sg_config cookies_cfg(bool ecn, __u32 out_of_state)
{
	struct sg_config cfg = harness_cookie_cfg(SG_COOKIES_ALWAYS, TTL, WSCALE);

	cfg.flags = ecn ? SG_CFG_ECN : 0;
	cfg.out_of_state = out_of_state;
	return cfg;
}

static void cookies_on_oos(bool ecn, __u32 out_of_state)
{
	struct sg_config cfg = cookies_cfg(ecn, out_of_state);

	set_config_full(&cfg);
}

static void cookies_on(bool ecn)
{
	cookies_on_oos(ecn, SG_OOS_ATTACK);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

struct optset {
	const char *name;
	uint8_t bytes[40];
	size_t len;
	/* what the client offered, as synguard must read it */
	uint16_t mss;		/* 0: none */
	int wscale;		/* -1: none; already clamped to 14 */
	bool sack, ts;
	uint32_t tsval;
};

#define TS(v) 8, 10, (v) >> 24, ((v) >> 16) & 0xff, ((v) >> 8) & 0xff, (v) & 0xff, 0, 0, 0, 0

static const struct optset optsets[] = {
	{ "none", {}, 0, 0, -1, false, false, 0 },
	{ "mss", { 2, 4, 0x05, 0xb4 }, 4, 1460, -1, false, false, 0 },
	{ "mss+wscale", { 2, 4, 0x05, 0xb4, 1, 3, 3, 8 }, 8, 1460, 8, false, false, 0 },
	{ "mss+sack", { 2, 4, 0x05, 0xb4, 4, 2, 1, 1 }, 8, 1460, -1, true, false, 0 },
	{ "linux", { 2, 4, 0x05, 0xb4, 4, 2, TS(0x01020304), 1, 3, 3, 7 }, 20, 1460, 7, true,
	  true, 0x01020304 },
	/* the in-place matcher's layouts and near misses that must walk */
	{ "linux-nosack", { 2, 4, 0x05, 0xb4, 1, 1, TS(0x11223344), 1, 3, 3, 15 }, 20, 1460, 14,
	  false, true, 0x11223344 },
	{ "linux-lookalike", { 2, 4, 0x05, 0xb4, 4, 2, TS(0x55667788), 1, 1, 1, 0 }, 20, 1460, -1,
	  true, true, 0x55667788 },
	{ "windows", { 2, 4, 0x05, 0xb4, 1, 3, 3, 8, 1, 1, 4, 2 }, 12, 1460, 8, true, false, 0 },
	{ "odd-order", { 3, 3, 2, TS(0xa0b0c0d0), 4, 2, 2, 4, 0x05, 0x8c }, 19, 1420, 2, true,
	  true, 0xa0b0c0d0 },
	{ "unknown-opts", { 30, 4, 0, 0, 254, 6, 1, 2, 3, 4, 2, 4, 0x05, 0xb4, 1, 1, 4, 2 }, 18,
	  1460, -1, true, false, 0 },
	{ "nops", { 1, 1, 1, 1, 1, 1, 2, 4, 0x02, 0x18, 1, 1, 1, 3, 3, 0 }, 16, 536, 0, false,
	  false, 0 },
	{ "truncated-ts", { 2, 4, 0x05, 0xb4, 4, 2, 8, 10 }, 8, 1460, -1, true, false, 0 },
	{ "eol-stops", { 2, 4, 0x05, 0xb4, 0, 0, 4, 2 }, 8, 1460, -1, false, false, 0 },
	{ "wscale-15", { 1, 3, 3, 15 }, 4, 0, 14, false, false, 0 },
	{ "mss-tiny", { 2, 4, 0, 100 }, 4, 100, -1, false, false, 0 },
	{ "mss-jumbo", { 2, 4, 0x23, 0x28 }, 4, 9000, -1, false, false, 0 },
};

static uint32_t expect_mss_index(int family, uint16_t mss)
{
	static const uint16_t t4[] = { 536, 1300, 1440, 1460 }, t6[] = { 1220, 1420, 1440, 8940 };
	const uint16_t *t = family == 4 ? t4 : t6;
	uint32_t i;

	if (!mss)
		mss = family == 4 ? 536 : 1220;
	for (i = 3; i > 0 && t[i] > mss; i--)
		;
	return i;
}

struct synack {
	struct pkt p;		/* the SYN-ACK, with l3/l4 offsets */
	uint32_t cookie;
	uint32_t client_isn;
};

/* Sends the SYN through synguard_xdp and checks every field of the answer. */
static void check_synack(const struct pkt_spec *s, const struct optset *o, bool ecn,
			 struct synack *out)
{
	struct sg_snapshot before, after;
	struct pkt in, *r = &out->p;
	const uint8_t *d, *opt, *t;
	size_t ip_len = s->family == 4 ? 20 : 40;
	uint32_t len, data, period_bits;
	int opt_len;
	uint64_t now;

	build(s, &in);
	snapshot(&before);
	assert_int_equal(run_out(&in, r->data, &len), XDP_TX_RC);
	snapshot(&after);
	assert_int_equal(after.c[SG_STAT_TX_SYNACK].packets - before.c[SG_STAT_TX_SYNACK].packets, 1);
	r->len = len;
	r->l3 = in.l3;
	r->l4 = in.l3 + ip_len;
	d = r->data;
	/* compact options: MSS, then only what the client offered */
	opt_len = 4 + (o->ts ? 12 : o->sack ? 4 : 0) + (o->wscale >= 0 ? 4 : 0);
	assert_int_equal(len, r->l4 + 20 + opt_len);

	/* Ethernet swapped, VLAN tags kept */
	assert_memory_equal(d, in.data + 6, 6);
	assert_memory_equal(d + 6, in.data, 6);
	assert_memory_equal(d + 12, in.data + 12, in.l3 - 12);

	if (s->family == 4) {
		assert_int_equal(d[r->l3], 0x45);
		assert_int_equal(be32(d + r->l3) & 0xffff, 40 + opt_len);	/* tot_len */
		assert_int_equal(d[r->l3 + 6] & 0x40, 0x40);		/* DF */
		assert_int_equal(d[r->l3 + 8], TTL);
		assert_int_equal(d[r->l3 + 9], 6);
		assert_memory_equal(d + r->l3 + 12, in.data + in.l3 + 16, 4);
		assert_memory_equal(d + r->l3 + 16, in.data + in.l3 + 12, 4);
	} else {
		assert_int_equal(d[r->l3] >> 4, 6);
		assert_int_equal((d[r->l3 + 4] << 8) | d[r->l3 + 5], 20 + opt_len);
		assert_int_equal(d[r->l3 + 6], 6);
		assert_int_equal(d[r->l3 + 7], TTL);
		assert_memory_equal(d + r->l3 + 8, in.data + in.l3 + 24, 16);
		assert_memory_equal(d + r->l3 + 24, in.data + in.l3 + 8, 16);
	}
	assert_int_equal(pkt_verify_checksums(r), 0);

	t = d + r->l4;
	assert_memory_equal(t, in.data + in.l4 + 2, 2);		/* ports swapped */
	assert_memory_equal(t + 2, in.data + in.l4, 2);
	out->client_isn = s->seq;
	assert_int_equal(be32(t + 8), s->seq + 1);
	assert_int_equal(t[12] >> 4, (20 + opt_len) / 4);
	assert_int_equal(t[13], 0x12 | (ecn ? 0x40 : 0));
	assert_int_equal((t[14] << 8) | t[15], 64240);

	opt = pkt_find_opt(t + 20, opt_len, 2);
	assert_non_null(opt);
	assert_int_equal((opt[2] << 8) | opt[3], s->family == 4 ? 1460 : 1440);
	assert_int_equal(pkt_find_opt(t + 20, opt_len, 4) != NULL, o->sack);
	opt = pkt_find_opt(t + 20, opt_len, 8);
	assert_int_equal(opt != NULL, o->ts);
	if (opt)
		assert_int_equal(be32(opt + 6), o->tsval);	/* echoed */
	opt = pkt_find_opt(t + 20, opt_len, 3);
	assert_int_equal(opt != NULL, o->wscale >= 0);
	if (opt)
		assert_int_equal(opt[2], WSCALE);

	/* the cookie's fields, then its MAC from scratch */
	out->cookie = be32(t + 4);
	data = out->cookie & 0xff;
	assert_int_equal(data >> 6, expect_mss_index(s->family, o->mss));
	assert_int_equal((data >> 2) & 15, o->wscale >= 0 ? o->wscale : 15);
	assert_int_equal(!!(data & 2), o->sack);
	assert_int_equal(data & 1, ecn);
	now = tai_period();
	period_bits = (out->cookie >> 8) & 3;
	if (period_bits != (now & 3))
		now--;		/* the period turned over between the run and now */
	assert_int_equal(period_bits, now & 3);
	assert_int_equal(out->cookie >> 10,
			 ref_mac(master, s->family, in.data + in.l3 + (s->family == 4 ? 12 : 8),
				 in.data + in.l3 + (s->family == 4 ? 16 : 24), in.data + in.l4,
				 in.data + in.l4 + 2, s->seq, now, data));
}

static void syn_spec(struct pkt_spec *s, int family, int nvlan, const struct optset *o)
{
	pkt_default_spec(s, family);
	s->dport = LPORT;
	s->flags = 0x02;
	s->seq = 0x8badf00d;
	s->opts = o->bytes;
	s->opts_len = o->len;
	s->nvlan = nvlan;
}

static void test_siphash_reference_vector(void **state)
{
	uint8_t key[16], msg[15];

	for (int i = 0; i < 16; i++)
		key[i] = i;
	for (int i = 0; i < 15; i++)
		msg[i] = i;
	/* SipHash-2-4 paper, appendix A */
	assert_true(siphash_ref(key, msg, 15) == 0xa129ca6149be45e5ULL);
}

static void test_synack_option_matrix(void **state)
{
	struct pkt_spec s;
	struct synack sa;

	cookies_on(false);
	for (size_t i = 0; i < ARRAY_SIZE(optsets); i++) {
		for (int fam = 4; fam <= 6; fam += 2) {
			for (int vlan = 0; vlan <= 2; vlan += 2) {
				print_message("  %s IPv%d vlan %d\n", optsets[i].name, fam, vlan);
				syn_spec(&s, fam, vlan, &optsets[i]);
				check_synack(&s, &optsets[i], false, &sa);
			}
		}
	}
}

static void test_synack_ecn(void **state)
{
	struct pkt_spec s;
	struct synack sa;

	for (int fam = 4; fam <= 6; fam += 2) {
		cookies_on(true);
		syn_spec(&s, fam, 0, &optsets[4]);
		s.flags = 0x02 | 0x40 | 0x80;		/* SYN ECE CWR */
		check_synack(&s, &optsets[4], true, &sa);
		s.tos = 0xb8; /* DSCP EF, not ECT */
		check_synack(&s, &optsets[4], true, &sa);
		/* an ECT-marked SYN gets no ECN, as tcp_ecn_create_request()
		 * decides: ECT(0), ECT(1) and CE */
		for (uint8_t ect = 1; ect <= 3; ect++) {
			s.tos = ect;
			check_synack(&s, &optsets[4], false, &sa);
		}
		s.tos = 0;
		cookies_on(false);			/* server without ECN */
		check_synack(&s, &optsets[4], false, &sa);
	}
}

/* The client's ACK to a SYN-ACK: seq = ISN + 1, ack = cookie + 1. */
static void ack_for(const struct pkt_spec *syn, const struct synack *sa, uint32_t ack_delta,
		    uint32_t seq_delta, struct pkt *p)
{
	static const uint8_t ts[] = { 1, 1, TS(0x01020305) };
	struct pkt_spec s = *syn;

	s.flags = 0x10;
	s.seq = sa->client_isn + 1 + seq_delta;
	s.ack = sa->cookie + 1 + ack_delta;
	s.opts = ts;
	s.opts_len = sizeof(ts);
	build(&s, p);
}

static void test_cookie_round_trip(void **state)
{
	struct pkt_spec s;
	struct synack sa;
	struct pkt ack;

	cookies_on(false);
	for (int fam = 4; fam <= 6; fam += 2) {
		for (size_t i = 0; i < ARRAY_SIZE(optsets); i++) {
			syn_spec(&s, fam, 0, &optsets[i]);
			check_synack(&s, &optsets[i], false, &sa);
			ack_for(&s, &sa, 0, 0, &ack);
			expect(&ack, SG_STAT_PASS_COOKIE_ACK);
		}
	}
}

static void test_cookie_forged_rejected(void **state)
{
	struct pkt_spec s;
	struct synack sa;
	struct pkt ack;

	cookies_on(false);
	for (int fam = 4; fam <= 6; fam += 2) {
		syn_spec(&s, fam, 0, &optsets[4]);
		check_synack(&s, &optsets[4], false, &sa);
		/* a flipped MAC bit, flipped data bits, another client ISN */
		ack_for(&s, &sa, 1u << 20, 0, &ack);
		expect(&ack, SG_STAT_DROP_COOKIE_BAD);
		ack_for(&s, &sa, 1u << 2, 0, &ack);
		expect(&ack, SG_STAT_DROP_COOKIE_BAD);
		ack_for(&s, &sa, 1, 0, &ack);
		expect(&ack, SG_STAT_DROP_COOKIE_BAD);
		ack_for(&s, &sa, 0, 7, &ack);
		expect(&ack, SG_STAT_DROP_COOKIE_BAD);
		/* the same cookie from another source port */
		s.sport++;
		ack_for(&s, &sa, 0, 0, &ack);
		expect(&ack, SG_STAT_DROP_COOKIE_BAD);
	}
}

static void test_cookie_expired_rejected(void **state)
{
	struct pkt_spec s;
	struct synack sa;
	struct pkt ack;
	uint64_t now;

	cookies_on(false);
	for (int fam = 4; fam <= 6; fam += 2) {
		syn_spec(&s, fam, 0, &optsets[1]);
		check_synack(&s, &optsets[1], false, &sa);
		/* rewrite the period bits to two periods ago */
		now = tai_period();
		sa.cookie = (sa.cookie & ~(3u << 8)) | (uint32_t)((now - 2) & 3) << 8;
		ack_for(&s, &sa, 0, 0, &ack);
		expect(&ack, SG_STAT_DROP_COOKIE_EXPIRED);
	}
}

static void test_out_of_state(void **state)
{
	struct pkt p;

	/* cookies always: engaged for good, so out-of-state packets drop */
	cookies_on(false);
	tcp4(&p, 8001, 0x10);			/* an ACK, and no socket at all */
	expect(&p, SG_STAT_DROP_ACK_NO_SOCKET);
	tcp6(&p, 8001, 0x10);
	expect(&p, SG_STAT_DROP_ACK_NO_SOCKET);
	tcp4(&p, 8001, 0x04);			/* RST, RST+ACK: no socket */
	expect(&p, SG_STAT_DROP_RST_NO_SOCKET);
	tcp6(&p, 8001, 0x14);
	expect(&p, SG_STAT_DROP_RST_NO_SOCKET);
	tcp4(&p, LPORT, 0x04);			/* a listener is no connection */
	expect(&p, SG_STAT_DROP_RST_NO_SOCKET);

	/* out-of-state filtering off: the kernel resets them */
	cookies_on_oos(false, SG_OOS_OFF);
	tcp4(&p, 8001, 0x10);
	expect(&p, SG_STAT_PASS_TCP);
	tcp6(&p, 8001, 0x10);
	expect(&p, SG_STAT_PASS_TCP);
	tcp4(&p, 8001, 0x04);
	expect(&p, SG_STAT_PASS_TCP);
	cookies_on(false);
}

static void test_cookies_off_passes_syn(void **state)
{
	struct pkt p;

	set_config(0);
	tcp4(&p, LPORT, 0x02);
	expect(&p, SG_STAT_PASS_SYN);
	tcp4(&p, LPORT, 0x10);
	expect(&p, SG_STAT_PASS_TCP);
}

/* The completion program meets this kernel's verifier wherever the
 * kernel has the kfunc it is built on, and is left out elsewhere. */
static void test_tc_loads(void **state)
{
	int fd = bpf_program__fd(skel->progs.synguard_tc);

	if (!features.reqsk_kfunc) {
		assert_true(fd < 0);
		print_message("skipped: needs bpf_sk_assign_tcp_reqsk (Linux >= 6.9), "
			      "absent on %s\n", features.release);
		skip();
	}
	assert_true(fd >= 0);
}

static void handoff_path(__u32 path)
{
	struct sg_handoff_state st = { .path = path };
	__u32 zero = 0;

	assert_int_equal(bpf_map_update_elem(bpf_map__fd(skel->maps.data_handoff_state), &zero,
					     &st, 0), 0);
}

static int handoff_entries(void)
{
	int fd = bpf_map__fd(skel->maps.handoff_map), n = 0;
	uint8_t key[64], next[64];
	void *prev = NULL;

	while (!bpf_map_get_next_key(fd, prev, next)) {
		memcpy(key, next, sizeof(key));
		prev = key;
		n++;
	}
	return n;
}

static __u64 info_moved(const struct sg_snapshot *b, const struct sg_snapshot *a, __u32 stat)
{
	return a->c[stat].packets - b->c[stat].packets;
}

/* Runs @p through synguard_tc (an Ethernet frame, no metadata). */
static __u32 run_tc(const struct pkt *p)
{
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = p->data, .data_size_in = p->len,
		    .repeat = 1);

	assert_int_equal(bpf_prog_test_run_opts(bpf_program__fd(skel->progs.synguard_tc), &o), 0);
	return o.retval;
}

/* Where the driver carries no metadata, XDP hands a valid cookie's options
 * over in handoff_map, under the flow, and a forged ACK gets nothing. */
static void test_handoff_xdp(void **state)
{
	struct sg_snapshot before, after;
	struct pkt_spec s;
	struct synack sa;
	struct pkt ack;

	cookies_on(false);
	handoff_path(SG_HANDOFF_MAP_FORCED);
	for (int fam = 4; fam <= 6; fam += 2) {
		int n = handoff_entries();

		syn_spec(&s, fam, 0, &optsets[4]);
		s.sport = 41000 + fam;
		check_synack(&s, &optsets[4], false, &sa);
		ack_for(&s, &sa, 1u << 20, 0, &ack);	/* a flipped MAC bit */
		snapshot(&before);
		expect(&ack, SG_STAT_DROP_COOKIE_BAD);
		snapshot(&after);
		assert_int_equal(info_moved(&before, &after, SG_STAT_INFO_HANDOFFS), 0);
		assert_int_equal(handoff_entries(), n);

		ack_for(&s, &sa, 0, 0, &ack);
		snapshot(&before);
		expect(&ack, SG_STAT_PASS_COOKIE_ACK);
		snapshot(&after);
		assert_int_equal(info_moved(&before, &after, SG_STAT_INFO_HANDOFFS), 1);
		assert_int_equal(info_moved(&before, &after, SG_STAT_INFO_META_FAILED), 0);
		assert_int_equal(handoff_entries(), n + 1);
	}
	handoff_path(SG_HANDOFF_META);
}

/* ... and synguard_tc takes that entry for that ACK only, to build the
 * listener's request socket from it. */
static void test_handoff_tc(void **state)
{
	struct sg_snapshot before, after;
	struct pkt_spec s;
	struct synack sa;
	struct pkt ack, other;

	if (!features.reqsk_kfunc) {
		print_message("skipped: needs bpf_sk_assign_tcp_reqsk (Linux >= 6.9), "
			      "absent on %s\n", features.release);
		skip();
	}
	cookies_on(false);
	handoff_path(SG_HANDOFF_MAP_FORCED);
	for (int fam = 4; fam <= 6; fam += 2) {
		int n;

		syn_spec(&s, fam, 0, &optsets[4]);
		s.sport = 42000 + fam;
		check_synack(&s, &optsets[4], false, &sa);
		ack_for(&s, &sa, 0, 0, &ack);
		expect(&ack, SG_STAT_PASS_COOKIE_ACK);
		n = handoff_entries();

		/* another segment of the flow: not the ACK the entry names */
		ack_for(&s, &sa, 0, 1, &other);
		snapshot(&before);
		assert_int_equal(run_tc(&other), 0);
		snapshot(&after);
		assert_int_equal(info_moved(&before, &after, SG_STAT_INFO_HANDSHAKES), 0);
		assert_int_equal(info_moved(&before, &after, SG_STAT_INFO_REQSK_FAILED), 0);
		assert_int_equal(handoff_entries(), n);

		/* The ACK itself takes the entry to the kfunc, which refuses a
		 * test run's skb (not at TC ingress: -EINVAL), so the request
		 * socket is counted as refused; e2e tests see it accepted. */
		snapshot(&before);
		assert_int_equal(run_tc(&ack), 2);	/* TC_ACT_SHOT */
		snapshot(&after);
		assert_int_equal(info_moved(&before, &after, SG_STAT_INFO_REQSK_FAILED), 1);
		assert_int_equal(handoff_entries(), n);

		/* the same ACK again (or the request behind it, through XDP
		 * again) finds the entry taken: the stack has it; a forged one,
		 * which XDP dropped, finds nothing */
		snapshot(&before);
		assert_int_equal(run_tc(&ack), 0);
		expect(&ack, SG_STAT_PASS_COOKIE_ACK);
		assert_int_equal(run_tc(&ack), 0);
		ack_for(&s, &sa, 1u << 20, 0, &other);
		expect(&other, SG_STAT_DROP_COOKIE_BAD);
		assert_int_equal(run_tc(&other), 0);
		snapshot(&after);
		assert_int_equal(info_moved(&before, &after, SG_STAT_INFO_HANDSHAKES), 0);
		assert_int_equal(info_moved(&before, &after, SG_STAT_INFO_REQSK_FAILED), 0);
		assert_int_equal(info_moved(&before, &after, SG_STAT_INFO_HANDOFFS), 0);
		assert_int_equal(handoff_entries(), n);
	}
	handoff_path(SG_HANDOFF_META);
}

struct ev_seen {
	int n;
	struct sg_event ev;
};

static int ev_take(void *ctx, void *data, size_t size)
{
	struct ev_seen *s = ctx;

	if (((struct sg_event *)data)->kind == SG_EV_KEY_ROTATION) {
		s->ev = *(struct sg_event *)data;
		s->n++;
	}
	return 0;
}

static void test_key_rotation_event(void **state)
{
	struct sg_cookie_key key = {};
	struct ev_seen seen = {};
	struct ring_buffer *rb;
	struct pkt_spec s;
	struct synack sa;
	__u32 zero = 0;
	uint64_t epoch = tai_period() >> SG_DEFAULT_KEY_SHIFT;

	rb = ring_buffer__new(bpf_map__fd(skel->maps.events_map), ev_take, &seen, NULL);
	assert_non_null(rb);
	ring_buffer__consume(rb);
	seen.n = 0;
	/* forget every derived key; the last announced epoch is the one before */
	memset(&skel->data_keys->sg_keys, 0, sizeof(skel->data_keys->sg_keys));
	memcpy(key.k, master, 16);
	key.announced_epoch = epoch - 1;
	assert_int_equal(bpf_map_update_elem(bpf_map__fd(skel->maps.cookie_key_map), &zero,
					     &key, 0), 0);
	cookies_on(false);
	syn_spec(&s, 4, 0, &optsets[1]);
	check_synack(&s, &optsets[1], false, &sa);
	check_synack(&s, &optsets[1], false, &sa);	/* cached: no second event */
	ring_buffer__consume(rb);
	assert_int_equal(seen.n, 1);
	assert_int_equal(seen.ev.reason, (uint32_t)epoch);
	key.announced_epoch = ~0ULL >> 1;
	bpf_map_update_elem(bpf_map__fd(skel->maps.cookie_key_map), &zero, &key, 0);
	ring_buffer__free(rb);
}

/* The peers slot of the default test source (192.0.2.2, 2001:db8::2). */
static __u32 test_slot(int family)
{
	static const uint8_t src4[4] = { 192, 0, 2, 2 };
	static const uint8_t src6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
	__u32 a4, a6[4];

	memcpy(&a4, src4, 4);
	memcpy(a6, src6, 16);
	return family == 4 ? sg_peer_slot4(a4) : sg_peer_slot6(a6);
}

/* peers_map into a new buffer (free it). */
static struct sg_peers *peers_read(void)
{
	struct sg_peers *p = calloc(1, sizeof(*p));
	__u32 zero = 0;

	assert_non_null(p);
	assert_int_equal(bpf_map_lookup_elem(bpf_map__fd(skel->maps.peers_map), &zero, p), 0);
	return p;
}

static void peers_write(struct sg_peers *p)
{
	__u32 zero = 0;

	assert_int_equal(bpf_map_update_elem(bpf_map__fd(skel->maps.peers_map), &zero, p, 0), 0);
	free(p);
}

/* peers_map: cleared, or with the default test source's slot set to @v. */
static void peers_set(int family, uint16_t v)
{
	struct sg_peers *p = calloc(1, sizeof(*p));

	assert_non_null(p);
	if (v) {
		p->src[test_slot(family)] = v;
		sg_peer_busy(p, test_slot(family));
	}
	peers_write(p);
}

static uint16_t peers_get(int family)
{
	struct sg_peers *p = peers_read();
	uint16_t v = p->src[test_slot(family)];

	free(p);
	return v;
}

static __u64 no_lookups(void)
{
	struct sg_snapshot s;

	snapshot(&s);
	return s.c[SG_STAT_INFO_SYN_NO_LOOKUP].packets;
}

/* A SYN from a source with no recent socket is answered without a socket
 * lookup once a listener was seen on its port; a source with a socket (or
 * one the kernel was handed a SYN from) always gets the lookup. */
static void test_peers_skip_lookup(void **state)
{
	struct pkt_spec s;
	struct synack sa;
	struct pkt p;
	__u64 n;

	cookies_on(false);
	for (int fam = 4; fam <= 6; fam += 2) {
		peers_set(fam, 0);
		syn_spec(&s, fam, 0, &optsets[4]);
		n = no_lookups();
		check_synack(&s, &optsets[4], false, &sa);	/* sees the listener */
		assert_int_equal(no_lookups(), n);
		check_synack(&s, &optsets[4], false, &sa);	/* unknown source */
		assert_int_equal(no_lookups(), n + 1);
		assert_int_equal(peers_get(fam), 0);		/* answering marks nothing */

		peers_set(fam, SG_PEER_FOREVER);		/* a socket at attach */
		check_synack(&s, &optsets[4], false, &sa);
		assert_int_equal(no_lookups(), n + 1);

		/* no listener: the kernel gets the SYN, and the source is marked */
		peers_set(fam, 0);
		check_synack(&s, &optsets[4], false, &sa);	/* sees the listener again */
		n = no_lookups();
		if (fam == 4)
			tcp4(&p, 8001, 0x02);
		else
			tcp6(&p, 8001, 0x02);
		expect(&p, SG_STAT_PASS_SYN);
		assert_int_not_equal(peers_get(fam), 0);
		check_synack(&s, &optsets[4], false, &sa);	/* now looked up */
		assert_int_equal(no_lookups(), n);
	}
}

/* A listener seen for one address family says nothing of the other: an
 * IPv6 SYN to a port where only IPv4 listens is looked up (and left to the
 * kernel, which resets it), however recently the IPv4 listener was seen. */
static void test_peers_listener_per_family(void **state)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(8001) };
	int one = 1, fd = socket(AF_INET, SOCK_STREAM, 0);
	struct pkt_spec s;
	struct synack sa;
	struct pkt p;
	__u64 n;

	assert_true(fd >= 0);
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)), 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(fd, 16), 0);
	cookies_on(false);
	peers_set(4, 0);
	syn_spec(&s, 4, 0, &optsets[4]);
	s.dport = 8001;
	check_synack(&s, &optsets[4], false, &sa);	/* looked up: the IPv4 listener */
	n = no_lookups();
	check_synack(&s, &optsets[4], false, &sa);	/* seen a moment ago */
	assert_int_equal(no_lookups(), n + 1);
	syn_spec(&s, 6, 0, &optsets[4]);
	s.dport = 8001;
	build(&s, &p);
	expect(&p, SG_STAT_PASS_SYN);			/* no IPv6 listener there */
	assert_int_equal(no_lookups(), n + 1);
	close(fd);
	peers_set(4, 0);
}

/* A listener of 8001 seen a moment ago, bound to @bound (the LPORT
 * listener's sighting, copied). */
static void sight_8001(struct sg_peers *p, const char *bound)
{
	int fd = bpf_map__fd(skel->maps.peers_map);
	struct pkt_spec s;
	struct synack sa;
	__u32 zero = 0;

	peers_set(4, 0);
	syn_spec(&s, 4, 0, &optsets[4]);
	check_synack(&s, &optsets[4], false, &sa);	/* the wildcard listener, seen */
	assert_int_equal(bpf_map_lookup_elem(fd, &zero, p), 0);
	assert_int_not_equal(p->listener[LPORT], 0);
	p->listener[8001] = p->listener[LPORT];
	assert_int_equal(inet_pton(AF_INET, bound, &p->listener_addr[8001]), 1);
	assert_int_equal(bpf_map_update_elem(fd, &zero, p, 0), 0);
}

/* A listener sighting holds for the address the listener is bound to: a
 * SYN to another address of the host is looked up (no listener there: the
 * kernel resets it), one to that address is answered without a lookup. */
static void test_peers_listener_address(void **state)
{
	struct sg_peers *p = calloc(1, sizeof(*p));
	struct pkt_spec s;
	struct synack sa;
	struct pkt pk;
	__u64 n;

	assert_non_null(p);
	cookies_on(false);
	syn_spec(&s, 4, 0, &optsets[4]);
	s.dport = 8001;
	build(&s, &pk);
	sight_8001(p, "192.0.2.9");
	n = no_lookups();
	expect(&pk, SG_STAT_PASS_SYN);			/* to 192.0.2.1: looked up */
	assert_int_equal(no_lookups(), n);
	sight_8001(p, "192.0.2.1");
	n = no_lookups();
	check_synack(&s, &optsets[4], false, &sa);	/* its own address */
	assert_int_equal(no_lookups(), n + 1);
	peers_set(4, 0);
	free(p);
}

/* The default test source's slot in peers_map: its mark and live count
 * set, the rest (the listener sightings) kept. */
static void peers_slot_set(int family, uint16_t mark, uint32_t live)
{
	struct sg_peers *p = peers_read();
	__u32 slot = test_slot(family);

	p->src[slot] = mark;
	p->live[slot] = live;
	if (mark || live)
		sg_peer_busy(p, slot);
	peers_write(p);
}

/* The default test source's busy bit. */
static bool peers_busy_get(int family)
{
	struct sg_peers *p = peers_read();
	__u32 slot = test_slot(family);
	bool busy = p->busy[slot / 64] >> (slot % 64) & 1;

	free(p);
	return busy;
}

/* A slot's busy bit is set with its mark, and cleared by the first SYN
 * that finds the mark stale, which is answered without a lookup; a live
 * socket keeps the bit, and the lookup. */
static void test_peers_busy_settles(void **state)
{
	struct pkt_spec s;
	struct synack sa;
	struct pkt p;
	uint16_t mark;
	__u64 n;

	cookies_on(false);
	peers_set(4, 0);
	syn_spec(&s, 4, 0, &optsets[4]);
	check_synack(&s, &optsets[4], false, &sa);	/* sees the listener */
	tcp4(&p, 8001, 0x02);
	expect(&p, SG_STAT_PASS_SYN);			/* the kernel's: marked now */
	mark = peers_get(4);
	assert_int_not_equal(mark, 0);
	assert_true(peers_busy_get(4));

	peers_slot_set(4, mark - 2 * SG_PEER_WINDOW, 0);	/* long ago */
	n = no_lookups();
	check_synack(&s, &optsets[4], false, &sa);
	assert_int_equal(no_lookups(), n + 1);
	assert_false(peers_busy_get(4));

	peers_slot_set(4, mark - 2 * SG_PEER_WINDOW, 1);	/* a live socket */
	assert_true(peers_busy_get(4));
	check_synack(&s, &optsets[4], false, &sa);
	assert_int_equal(no_lookups(), n + 1);
	assert_true(peers_busy_get(4));
	peers_set(4, 0);
}

static __u64 ack_no_lookups(void)
{
	struct sg_snapshot s;

	snapshot(&s);
	return s.c[SG_STAT_INFO_ACK_NO_LOOKUP].packets;
}

static void cookies_on_live(bool live)
{
	struct sg_config cfg = {
		.cookie_mode = SG_COOKIES_ALWAYS, .mss4 = 1460, .mss6 = 1440, .window = 64240,
		.ttl = TTL, .rcv_wscale = WSCALE, .key_shift = SG_DEFAULT_KEY_SHIFT,
		.flags = live ? SG_CFG_LIVE : 0,
	};

	set_config_full(&cfg);
}

/* A quiet source of @fam (no mark, no socket) whose SYN is answered, which
 * also sights the listener; the cookie ACK for it into @ack. Returns the
 * ack_no_lookup count before the ACK is run. */
static __u64 live_cookie_ack(int fam, struct pkt_spec *s, struct synack *sa, struct pkt *ack)
{
	peers_set(fam, 0);
	syn_spec(s, fam, 0, &optsets[4]);
	check_synack(s, &optsets[4], false, sa);
	ack_for(s, sa, 0, 0, ack);
	return ack_no_lookups();
}

/* With the live sockets counted, an ACK from a slot with no live socket
 * and no recent mark has only its cookie checked (no lookup), valid or
 * not; a live socket in the slot, a mark, no listener sighting, or no
 * counting at all, and the socket is looked up. */
static void test_live_ack_skip_lookup(void **state)
{
	struct pkt_spec s;
	struct synack sa;
	struct pkt ack, p;
	__u64 n;

	for (int fam = 4; fam <= 6; fam += 2) {
		cookies_on_live(true);
		n = live_cookie_ack(fam, &s, &sa, &ack);
		expect(&ack, SG_STAT_PASS_COOKIE_ACK);
		assert_int_equal(ack_no_lookups(), n + 1);
		assert_int_equal(peers_get(fam), 0);	/* sockops counts its socket */

		peers_slot_set(fam, 0, 0);
		ack_for(&s, &sa, 1u << 20, 0, &ack);		/* a forged MAC */
		expect(&ack, SG_STAT_DROP_COOKIE_BAD);
		assert_int_equal(ack_no_lookups(), n + 2);
		assert_int_equal(peers_get(fam), 0);		/* dropping marks nothing */

		peers_slot_set(fam, 0, 1);			/* an idle connection */
		expect(&ack, SG_STAT_DROP_COOKIE_BAD);		/* found the listener */
		assert_int_equal(ack_no_lookups(), n + 2);
		peers_slot_set(fam, SG_PEER_FOREVER, 0);	/* a socket at attach */
		expect(&ack, SG_STAT_DROP_COOKIE_BAD);
		assert_int_equal(ack_no_lookups(), n + 2);

		peers_slot_set(fam, 0, 0);
		if (fam == 4)
			tcp4(&p, 8001, 0x10);
		else
			tcp6(&p, 8001, 0x10);
		expect(&p, SG_STAT_DROP_ACK_NO_SOCKET);		/* no listener seen there */
		assert_int_equal(ack_no_lookups(), n + 2);

		cookies_on_live(false);				/* nothing counts sockets */
		expect(&ack, SG_STAT_DROP_COOKIE_BAD);
		assert_int_equal(ack_no_lookups(), n + 2);
		ack_for(&s, &sa, 0, 0, &ack);
		expect(&ack, SG_STAT_PASS_COOKIE_ACK);
		assert_int_not_equal(peers_get(fam), 0);	/* the mark stands for it */
		assert_int_equal(ack_no_lookups(), n + 2);

		/* cookies off: a SYN the kernel takes marks its source, so that
		 * its ACK is looked up should cookies turn on before it comes */
		set_config(0);
		if (fam == 4)
			tcp4(&p, LPORT, 0x02);
		else
			tcp6(&p, LPORT, 0x02);
		expect(&p, SG_STAT_PASS_SYN);
		assert_int_not_equal(peers_get(fam), 0);
	}
}

/* Puts (or, with @fp 0, takes) a fingerprint in way 2 of a 4-tuple's
 * bucket of conn_map, under the all-zero key of cookies_on_live(). */
static void conn_put(__u32 sa, __u32 da, uint16_t sport, uint16_t dport, bool put)
{
	static const __u64 key[2];
	__u64 h = sg_conn_hash(sa, da, htons(sport), htons(dport), key);
	struct sg_conn_bucket b = {};
	__u32 bucket = SG_CONN_BUCKET(h);

	b.fp[2] = put ? SG_CONN_FP(h) : 0;
	assert_int_equal(bpf_map_update_elem(bpf_map__fd(skel->maps.conn_map), &bucket, &b, 0), 0);
}

/* An ACK from 192.0.2.2:40000 (2001:db8::2) to port 8001, where no socket
 * is: in the connection table, it passes as an established flow's, without
 * a socket lookup, but only while its slot counts a live socket. */
static void test_live_conn_table(void **state)
{
	__u32 s4, d4, s6[4], d6[4];
	struct pkt p;

	assert_int_equal(inet_pton(AF_INET, "192.0.2.2", &s4), 1);
	assert_int_equal(inet_pton(AF_INET, "192.0.2.1", &d4), 1);
	assert_int_equal(inet_pton(AF_INET6, "2001:db8::2", s6), 1);
	assert_int_equal(inet_pton(AF_INET6, "2001:db8::1", d6), 1);
	cookies_on_live(true);
	for (int fam = 4; fam <= 6; fam += 2) {
		__u32 sa = fam == 4 ? s4 : s6[0] ^ s6[1] ^ s6[2] ^ s6[3];
		__u32 da = fam == 4 ? d4 : d6[0] ^ d6[1] ^ d6[2] ^ d6[3];

		if (fam == 4)
			tcp4(&p, 8001, 0x10);
		else
			tcp6(&p, 8001, 0x10);
		peers_slot_set(fam, SG_PEER_FOREVER, 1);
		expect(&p, SG_STAT_DROP_ACK_NO_SOCKET);		/* looked up: nothing */
		conn_put(sa, da, 40000, 8002, true);		/* another port */
		expect(&p, SG_STAT_DROP_ACK_NO_SOCKET);
		conn_put(sa, da, 40000, 8001, true);
		expect(&p, SG_STAT_PASS_TCP);			/* the table knows it */
		peers_slot_set(fam, SG_PEER_FOREVER, 0);
		expect(&p, SG_STAT_DROP_ACK_NO_SOCKET);		/* no live socket there */
		cookies_on_live(false);
		peers_slot_set(fam, SG_PEER_FOREVER, 1);
		expect(&p, SG_STAT_DROP_ACK_NO_SOCKET);		/* nothing keeps the table */
		cookies_on_live(true);
		conn_put(sa, da, 40000, 8001, false);
		expect(&p, SG_STAT_DROP_ACK_NO_SOCKET);
		peers_set(fam, 0);
	}
}

static void lpm4(int fd, const char *cidr_addr, __u32 plen, bool add)
{
	struct sg_lpm4 k = { .prefixlen = plen };
	__u8 one = 1;

	assert_int_equal(inet_pton(AF_INET, cidr_addr, k.addr), 1);
	if (add)
		assert_int_equal(bpf_map_update_elem(fd, &k, &one, 0), 0);
	else
		assert_int_equal(bpf_map_delete_elem(fd, &k), 0);
}

/* Drop samples of handshakes over their source's limit, by family. */
static int ev_hs_limited(void *ctx, void *data, size_t size)
{
	const struct sg_event *e = data;
	int *n = ctx;

	if (e->kind == SG_EV_DROP_SAMPLE && e->reason == SG_STAT_DROP_HANDSHAKE_RATE_LIMITED)
		n[e->family == 6]++;
	return 0;
}

/* A valid cookie ACK from a source over its handshake limit is dropped and
 * sampled, whether it takes the IPv4 fast path (a quiet source, sockets
 * counted) or the general path (IPv6). */
static void test_live_ack_handshake_limit(void **state)
{
	int limits = bpf_map__fd(skel->maps.limits_map), seen[2] = { 0, 0 };
	struct sg_src_state exhausted = { .hs_tat = ~0ULL >> 1 };
	struct sg_config cfg = {
		.cookie_mode = SG_COOKIES_ALWAYS, .mss4 = 1460, .mss6 = 1440, .window = 64240,
		.ttl = TTL, .rcv_wscale = WSCALE, .key_shift = SG_DEFAULT_KEY_SHIFT,
		.flags = SG_CFG_LIVE, .event_rate = 100, .hs_limit = 1, .hs_burst = 1,
	};
	struct sg_src_key key;
	struct ring_buffer *rb;
	struct pkt_spec s;
	struct synack sa;
	struct pkt ack;
	__u64 n;

	rb = ring_buffer__new(bpf_map__fd(skel->maps.events_map), ev_hs_limited, seen, NULL);
	assert_non_null(rb);
	ring_buffer__consume(rb);
	seen[0] = seen[1] = 0;
	reset_event_limit();	/* earlier tests' samples may have used up this second */
	set_config_full(&cfg);
	for (int fam = 4; fam <= 6; fam += 2) {
		memset(&key, 0, sizeof(key));
		key.family = fam;
		if (fam == 4)
			assert_int_equal(inet_pton(AF_INET, "192.0.2.2", &key.addr[0]), 1);
		else
			assert_int_equal(inet_pton(AF_INET6, "2001:db8::", &key.addr[0]), 1);
		assert_int_equal(bpf_map_update_elem(limits, &key, &exhausted, 0), 0);
		n = live_cookie_ack(fam, &s, &sa, &ack);
		expect(&ack, SG_STAT_DROP_HANDSHAKE_RATE_LIMITED);
		assert_int_equal(ack_no_lookups(), n + 1);	/* judged without a lookup */
		assert_int_equal(bpf_map_delete_elem(limits, &key), 0);
	}
	ring_buffer__consume(rb);
	assert_int_equal(seen[0], 1);
	assert_int_equal(seen[1], 1);
	ring_buffer__free(rb);
	cookies_on(false);
}

/* Deny over allow, whatever the prefix lengths; allow over limits; a list
 * the config does not mark as used is not consulted. */
static void test_list_precedence(void **state)
{
	int allow = bpf_map__fd(skel->maps.allow4_map), deny = bpf_map__fd(skel->maps.deny4_map);
	int limits = bpf_map__fd(skel->maps.limits_map);
	struct sg_src_state exhausted = { .syn_tat = ~0ULL >> 1, .hs_tat = ~0ULL >> 1 };
	struct sg_src_key key = { .family = 4 };
	struct sg_config cfg = {
		.cookie_mode = SG_COOKIES_ALWAYS, .mss4 = 1460, .mss6 = 1440, .window = 64240,
		.ttl = TTL, .rcv_wscale = WSCALE, .key_shift = SG_DEFAULT_KEY_SHIFT,
		.syn_limit = 1, .syn_burst = 1,
	};
	struct pkt p;

	/* the default test source, 192.0.2.2, tracked and over its SYN limit */
	assert_int_equal(inet_pton(AF_INET, "192.0.2.2", &key.addr[0]), 1);
	assert_int_equal(bpf_map_update_elem(limits, &key, &exhausted, 0), 0);
	set_config_full(&cfg);
	tcp4(&p, LPORT, 0x02);
	expect(&p, SG_STAT_DROP_SYN_RATE_LIMITED);

	lpm4(allow, "192.0.2.2", 32, true);
	lpm4(deny, "192.0.0.0", 16, true);
	expect(&p, SG_STAT_DROP_SYN_RATE_LIMITED);	/* lists not marked in use */
	cfg.lists = SG_LIST_ALLOW4 | SG_LIST_DENY4;
	set_config_full(&cfg);
	expect(&p, SG_STAT_DROP_DENIED);		/* deny wins, /16 over /32 */
	tcp4(&p, LPORT, 0x10);
	expect(&p, SG_STAT_DROP_DENIED);		/* every packet, not only SYNs */
	tcp4(&p, 9999, 0x02);
	expect(&p, SG_STAT_PASS_UNPROTECTED_PORT);	/* lists guard protected ports */

	lpm4(deny, "192.0.0.0", 16, false);
	tcp4(&p, LPORT, 0x02);
	expect(&p, SG_STAT_PASS_ALLOWED);		/* allow beats the limit, and cookies */
	lpm4(allow, "192.0.2.2", 32, false);
	expect(&p, SG_STAT_DROP_SYN_RATE_LIMITED);

	assert_int_equal(bpf_map_delete_elem(limits, &key), 0);
	cookies_on(false);
}

/* A SYN behind IPv6 extension headers: answered behind options headers,
 * left to the kernel behind AH (it holds no SA here), a mobility header or
 * a routing header with segments left (the packet is bound elsewhere). */
static void test_syn_behind_ipv6_headers(void **state)
{
	static const struct {
		uint8_t type;
		__u32 stat;
	} cases[] = {
		{ 0, SG_STAT_TX_SYNACK },  { 60, SG_STAT_TX_SYNACK }, { 51, SG_STAT_PASS_SYN },
		{ 135, SG_STAT_PASS_SYN }, { 43, SG_STAT_PASS_SYN },
	};
	struct pkt_spec s;
	struct pkt p;

	cookies_on(false);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		syn_spec(&s, 6, 0, &optsets[4]);
		s.next_ext = 1;
		s.ext[0].type = cases[i].type;
		s.ext[0].len8 = 1;
		build(&s, &p);
		print_message("extension header %u\n", cases[i].type);
		expect(&p, cases[i].stat);
	}
}

/* A listed source's packet, as one case of test_checks_before_lists(). */
struct order_case {
	const char *what;
	uint8_t flags;
	uint16_t frag_off;
	int doff; /* 0: the builder's */
	bool bad_ip_csum;
	bool bcast_mac;
};

static const struct order_case order_cases[] = {
	{ "syn+fin", .flags = 0x03 },
	{ "null flags", .flags = 0x00 },
	{ "bad data offset", .flags = 0x02, .doff = 4 },
	{ "first fragment", .flags = 0x02, .frag_off = 0x2000 },
	{ "bad header checksum", .flags = 0x02, .bad_ip_csum = true },
	{ "broadcast mac", .flags = 0x02, .bcast_mac = true },
};

static const __u32 order_want[] = {
	SG_STAT_DROP_FLAGS_SYN_FIN, SG_STAT_DROP_FLAGS_NULL,	    SG_STAT_DROP_TCP_BAD_DOFF,
	SG_STAT_DROP_TCP_FRAGMENT,  SG_STAT_DROP_IPV4_BAD_CHECKSUM, SG_STAT_DROP_MAC_GROUP,
};

static void order_packet(const struct order_case *c, struct pkt *p)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	struct pkt_spec s;

	pkt_default_spec(&s, 4);
	s.dport = LPORT;
	s.flags = c->flags;
	s.frag_off = c->frag_off;
	s.bad_ip_csum = c->bad_ip_csum;
	s.dmac = c->bcast_mac ? bcast : NULL;
	build(&s, p);
	if (c->doff)
		p->data[p->l4 + 12] = c->doff << 4;
}

/* The checks of a packet's shape, flags and addresses come before the
 * lists (docs/counters.md): an allowed source's malformed packet is
 * dropped, and a denied source's counts as its fault, not as denied. */
static void test_checks_before_lists(void **state)
{
	int allow = bpf_map__fd(skel->maps.allow4_map), deny = bpf_map__fd(skel->maps.deny4_map);
	struct sg_config cfg = cookies_cfg(false, SG_OOS_ATTACK);
	struct pkt p;

	for (int list = 0; list < 2; list++) {
		int fd = list ? deny : allow;

		lpm4(fd, "192.0.2.2", 32, true);
		cfg.lists = list ? SG_LIST_DENY4 : SG_LIST_ALLOW4;
		set_config_full(&cfg);
		for (size_t i = 0; i < ARRAY_SIZE(order_cases); i++) {
			order_packet(&order_cases[i], &p);
			print_message("%s source, %s\n", list ? "denied" : "allowed",
				      order_cases[i].what);
			expect(&p, order_want[i]);
		}
		tcp4(&p, LPORT, 0x02);
		expect(&p, list ? SG_STAT_DROP_DENIED : SG_STAT_PASS_ALLOWED);
		tcp4(&p, LPORT, 0x10);
		expect(&p, list ? SG_STAT_DROP_DENIED : SG_STAT_PASS_ALLOWED);
		lpm4(fd, "192.0.2.2", 32, false);
	}
	cookies_on(false);
}

int run_cookie_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_siphash_reference_vector, harness_reset),
		cmocka_unit_test_setup(test_synack_option_matrix, harness_reset),
		cmocka_unit_test_setup(test_synack_ecn, harness_reset),
		cmocka_unit_test_setup(test_cookie_round_trip, harness_reset),
		cmocka_unit_test_setup(test_cookie_forged_rejected, harness_reset),
		cmocka_unit_test_setup(test_cookie_expired_rejected, harness_reset),
		cmocka_unit_test_setup(test_out_of_state, harness_reset),
		cmocka_unit_test_setup(test_cookies_off_passes_syn, harness_reset),
		cmocka_unit_test_setup(test_tc_loads, harness_reset),
		cmocka_unit_test_setup(test_handoff_xdp, harness_reset),
		cmocka_unit_test_setup(test_handoff_tc, harness_reset),
		cmocka_unit_test_setup(test_key_rotation_event, harness_reset),
		cmocka_unit_test_setup(test_peers_skip_lookup, harness_reset),
		cmocka_unit_test_setup(test_peers_listener_per_family, harness_reset),
		cmocka_unit_test_setup(test_peers_listener_address, harness_reset),
		cmocka_unit_test_setup(test_peers_busy_settles, harness_reset),
		cmocka_unit_test_setup(test_live_ack_skip_lookup, harness_reset),
		cmocka_unit_test_setup(test_live_conn_table, harness_reset),
		cmocka_unit_test_setup(test_live_ack_handshake_limit, harness_reset),
		cmocka_unit_test_setup(test_list_precedence, harness_reset),
		cmocka_unit_test_setup(test_checks_before_lists, harness_reset),
		cmocka_unit_test_setup(test_syn_behind_ipv6_headers, harness_reset),
	};

	return cmocka_run_group_tests_name("cookies", tests, cookie_setup, cookie_teardown);
}
