// SPDX-License-Identifier: GPL-2.0-only
/*
 * The SYNPROXY completion through BPF_PROG_TEST_RUN: SYN-ACKs carry the
 * kernel's cookie, which the kernel's own check accepts, and a TSval whose
 * low bits decode, as netfilter SYNPROXY decodes them
 * (synproxy_check_timestamp_cookie()), to the options the client offered;
 * forged and aged cookies are dropped. IPv4 and IPv6, untagged and
 * tagged, the in-place fast path (Linux's layout) and the general one.
 */
#include <string.h>
#include <unistd.h>

#include "harness.h"

#define SP_PORT	  8042 /* protected by harness_reset(): 8000-8100 */
#define SP_WSCALE 7
#define SP_TTL	  64

struct sp_optset {
	const char *name;
	uint8_t bytes[40];
	size_t len;
	int wscale; /* the client's, -1: none */
	bool sack, ts;
	uint32_t tsval;
};

#define TS(v) 8, 10, (v) >> 24, ((v) >> 16) & 0xff, ((v) >> 8) & 0xff, (v)&0xff, 0, 0, 0, 0

static const struct sp_optset sp_optsets[] = {
	{ "linux",
	  { 2, 4, 0x05, 0xb4, 4, 2, TS(0x01020304), 1, 3, 3, 7 },
	  20,
	  7,
	  true,
	  true,
	  0x01020304 },
	{ "linux-nosack",
	  { 2, 4, 0x05, 0xb4, 1, 1, TS(0x11223344), 1, 3, 3, 15 },
	  20,
	  14,
	  false,
	  true,
	  0x11223344 },
	{ "odd-order",
	  { 3, 3, 2, TS(0xa0b0c0d0), 4, 2, 2, 4, 0x05, 0x8c },
	  19,
	  2,
	  true,
	  true,
	  0xa0b0c0d0 },
	{ "ts-only", { 2, 4, 0x05, 0xb4, 1, 1, TS(0x0badcafe) }, 16, -1, false, true, 0x0badcafe },
	/* without timestamps SYNPROXY has nowhere to keep them: neither is offered */
	{ "windows", { 2, 4, 0x05, 0xb4, 1, 3, 3, 8, 1, 1, 4, 2 }, 12, 8, true, false, 0 },
	{ "mss", { 2, 4, 0x05, 0xb4 }, 4, -1, false, false, 0 },
	{ "none", {}, 0, -1, false, false, 0 },
};

/* Cookies always on, completed by @completion. */
static void cookies_with(__u8 completion)
{
	struct sg_config cfg = harness_cookie_cfg(SG_COOKIES_ALWAYS, SP_TTL, SP_WSCALE);

	cfg.out_of_state = SG_OOS_ATTACK;
	cfg.completion = completion;
	cfg.flags = SG_CFG_ECN;

	set_config_full(&cfg);
}

static void synproxy_on(void)
{
	cookies_with(SG_COMPLETION_SYNPROXY);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static void sp_syn(struct pkt_spec *s, int family, int nvlan, const struct sp_optset *o,
		   uint8_t flags)
{
	pkt_default_spec(s, family);
	s->dport = SP_PORT;
	s->flags = flags;
	s->seq = 0x8badf00d;
	s->opts = o->bytes;
	s->opts_len = o->len;
	s->nvlan = nvlan;
}

struct sp_synack {
	uint32_t cookie, tsval;
};

/* Sends the SYN through synguard_xdp; checks the SYN-ACK's options and its
 * TSval as SYNPROXY will read them back from the ACK's TSecr. */
static void sp_check_synack(const struct pkt_spec *s, const struct sp_optset *o,
			    struct sp_synack *out)
{
	uint8_t r[PKT_MAX];
	const uint8_t *t, *opt;
	struct pkt in;
	uint32_t len, tsval;
	int opt_len;
	bool offer_ws = o->ts && o->wscale >= 0, offer_sack = o->ts && o->sack;

	build(s, &in);
	assert_int_equal(run_out(&in, r, &len), XDP_TX_RC);
	t = r + in.l3 + (s->family == 4 ? 20 : 40);
	opt_len = (t[12] >> 4) * 4 - 20;
	assert_int_equal(t[13], 0x12); /* SYNPROXY negotiates no ECN */
	opt = pkt_find_opt(t + 20, opt_len, 2);
	assert_non_null(opt);
	assert_int_equal((opt[2] << 8) | opt[3], s->family == 4 ? 1460 : 1440);
	assert_int_equal(pkt_find_opt(t + 20, opt_len, 4) != NULL, offer_sack);
	opt = pkt_find_opt(t + 20, opt_len, 3);
	assert_int_equal(opt != NULL, offer_ws);
	if (opt)
		assert_int_equal(opt[2], SP_WSCALE);
	out->cookie = be32(t + 4);
	opt = pkt_find_opt(t + 20, opt_len, 8);
	assert_int_equal(opt != NULL, o->ts);
	if (!opt)
		return;
	assert_int_equal(be32(opt + 6), o->tsval); /* echoed */
	tsval = out->tsval = be32(opt + 2);
	/* decoded as synproxy_check_timestamp_cookie() decodes the TSecr */
	assert_int_equal(tsval & 0xf, o->wscale >= 0 ? (uint32_t)o->wscale : 0xf);
	assert_int_equal(!!(tsval & (1u << 4)), o->sack);
	assert_int_equal(!!(tsval & (1u << 5)), 0);
}

/* The client's ACK for @sa, with @ack_delta added to the cookie. */
static void sp_ack(const struct pkt_spec *syn, const struct sp_optset *o,
		   const struct sp_synack *sa, uint32_t ack_delta, struct pkt *p)
{
	uint8_t ts[12] = { 1, 1, TS(0x01020305) };
	struct pkt_spec s = *syn;

	ts[8] = sa->tsval >> 24; /* TSecr: the SYN-ACK's TSval */
	ts[9] = sa->tsval >> 16;
	ts[10] = sa->tsval >> 8;
	ts[11] = sa->tsval;
	s.flags = 0x10;
	s.seq = syn->seq + 1;
	s.ack = sa->cookie + 1 + ack_delta;
	s.opts = o->ts ? ts : NULL;
	s.opts_len = o->ts ? sizeof(ts) : 0;
	build(&s, p);
}

/* Every option layout, both families, untagged and tagged: the SYN-ACK
 * decodes as SYNPROXY decodes it, and its ACK passes the kernel's own
 * cookie check on to SYNPROXY (counted as a handshake). */
static void test_synproxy_round_trip(void **state)
{
	struct sg_snapshot before, after;
	struct sp_synack sa;
	struct pkt_spec s;
	struct pkt ack;

	synproxy_on();
	for (int fam = 4; fam <= 6; fam += 2) {
		for (int vlan = 0; vlan <= 1; vlan++) {
			for (size_t i = 0; i < ARRAY_SIZE(sp_optsets); i++) {
				sp_syn(&s, fam, vlan, &sp_optsets[i], 0x02);
				s.seq += i + 100 * vlan; /* a handshake of its own */
				sp_check_synack(&s, &sp_optsets[i], &sa);
				sp_ack(&s, &sp_optsets[i], &sa, 0, &ack);
				snapshot(&before);
				expect(&ack, SG_STAT_PASS_COOKIE_ACK);
				snapshot(&after);
				assert_int_equal(after.c[SG_STAT_INFO_HANDSHAKES].packets -
							 before.c[SG_STAT_INFO_HANDSHAKES].packets,
						 1);
				/* its twin (the request behind it) passes too, but
				 * completes no second handshake */
				expect(&ack, SG_STAT_PASS_COOKIE_ACK);
				snapshot(&before);
				assert_int_equal(before.c[SG_STAT_INFO_HANDSHAKES].packets -
							 after.c[SG_STAT_INFO_HANDSHAKES].packets,
						 0);
			}
		}
	}
}

/* A SYN asking for ECN still gets none: SYNPROXY does not carry it. */
static void test_synproxy_no_ecn(void **state)
{
	struct sp_synack sa;
	struct pkt_spec s;

	synproxy_on();
	sp_syn(&s, 4, 0, &sp_optsets[0], 0x02 | 0x40 | 0x80);
	sp_check_synack(&s, &sp_optsets[0], &sa);
}

/*
 * Forged cookies die in XDP: a flipped bit in the hash, a cookie or a
 * client ISN off by 4096, another source port. (Off by one or two, the
 * kernel's cookie decodes to a neighbouring MSS index and is accepted:
 * its 2-bit MSS field is checked only for range.) One aged by two
 * periods (the count in bits 31-24, as net/ipv4/syncookies.c lays it out)
 * fails the kernel's age check before its hash is looked at; the check
 * does not tell it from a forged one, so both are cookie_bad.
 */
static void test_synproxy_forged_and_aged(void **state)
{
	struct sp_synack sa;
	struct pkt_spec s;
	struct pkt ack;

	synproxy_on();
	for (int fam = 4; fam <= 6; fam += 2) {
		sp_syn(&s, fam, 0, &sp_optsets[0], 0x02);
		sp_check_synack(&s, &sp_optsets[0], &sa);
		sp_ack(&s, &sp_optsets[0], &sa, 1u << 20, &ack);
		expect(&ack, SG_STAT_DROP_COOKIE_BAD);
		sp_ack(&s, &sp_optsets[0], &sa, 0x1000, &ack);
		expect(&ack, SG_STAT_DROP_COOKIE_BAD);
		sp_ack(&s, &sp_optsets[0], &sa, -(2u << 24), &ack);
		expect(&ack, SG_STAT_DROP_COOKIE_BAD);
		s.seq += 0x1000;
		sp_ack(&s, &sp_optsets[0], &sa, 0, &ack);
		expect(&ack, SG_STAT_DROP_COOKIE_BAD);
		s.seq -= 0x1000;
		s.sport++;
		sp_ack(&s, &sp_optsets[0], &sa, 0, &ack);
		expect(&ack, SG_STAT_DROP_COOKIE_BAD);
		s.sport--;
		/* and the genuine one still passes */
		sp_ack(&s, &sp_optsets[0], &sa, 0, &ack);
		expect(&ack, SG_STAT_PASS_COOKIE_ACK);
	}
}

/* A RST conntrack knows nothing of is out of state while cookies are
 * always on; the reqsk mode's cookie is no kernel cookie. */
static void test_synproxy_rst_and_reqsk_cookie(void **state)
{
	static const uint8_t master[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
	uint8_t r[PKT_MAX];
	struct sp_synack sa;
	struct pkt_spec s;
	struct pkt p;
	uint32_t len;
	int fd;

	synproxy_on();
	tcp4(&p, SP_PORT, 0x04);
	expect(&p, SG_STAT_DROP_RST_NO_SOCKET);

	/* a SYN-ACK of the reqsk completion (synguard's own cookie) ... */
	cookies_with(SG_COMPLETION_REQSK);
	sp_syn(&s, 4, 0, &sp_optsets[0], 0x02);
	build(&s, &p);
	fd = harness_listen(SP_PORT, master);
	assert_true(fd >= 0);
	assert_int_equal(run_out(&p, r, &len), XDP_TX_RC);
	close(fd);
	sa.cookie = be32(r + p.l3 + 20 + 4);
	sa.tsval = 0;
	/* ... is refused once the completion is SYNPROXY's */
	synproxy_on();
	sp_ack(&s, &sp_optsets[0], &sa, 0, &p);
	expect(&p, SG_STAT_DROP_COOKIE_BAD);
}

int run_synproxy_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_synproxy_round_trip, harness_reset),
		cmocka_unit_test_setup(test_synproxy_no_ecn, harness_reset),
		cmocka_unit_test_setup(test_synproxy_forged_and_aged, harness_reset),
		cmocka_unit_test_setup(test_synproxy_rst_and_reqsk_cookie, harness_reset),
	};

	return cmocka_run_group_tests_name("synproxy", tests, NULL, NULL);
}
