// SPDX-License-Identifier: GPL-2.0-only
/*
 * The policy with controlled time: tests/bpf/policy_test.bpf.c runs
 * bpf/lib/adaptive.h's decision for one SYN (or ACK), and limits.h's token
 * bucket, at a jiffies value this test sets, so thresholds, hysteresis,
 * the cooldown and the limits are exact.
 */
#include <sched.h>
#include <string.h>

#include "cookies.h"
#include "harness.h"

#define OBJ	"build/tests/policy_test.bpf.o"
#define HZ_T	1000		/* windows of 125 jiffies */

static struct bpf_object *obj;
static int syn_fd, ack_fd, gcra_fd, cfg_fd, attack_fd, rate_fd, bss_fd, events_fd;

/* policy_test.bpf.c's globals, in declaration order */
struct policy_bss {
	__u64 now;
	__u64 hz;
	__u64 tat;
	__u32 rate;
	__u32 burst;
};

static struct policy_bss bss = { .hz = HZ_T };

static void bss_write(void)
{
	__u32 zero = 0;

	assert_int_equal(bpf_map_update_elem(bss_fd, &zero, &bss, 0), 0);
}

static void set_now(__u64 now)
{
	__u32 zero = 0;

	assert_int_equal(bpf_map_lookup_elem(bss_fd, &zero, &bss), 0);	/* tat moves */
	bss.now = now;
	bss.hz = HZ_T;
	bss_write();
}

static __u32 run_prog(int fd)
{
	uint8_t frame[64] = { 0 };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame, .data_size_in = sizeof(frame));

	assert_int_equal(bpf_prog_test_run_opts(fd, &o), 0);
	return o.retval;
}

/* @n SYNs at @now; returns how many found cookies engaged. */
static int syns(__u64 now, int n)
{
	int engaged = 0;

	set_now(now);
	for (int i = 0; i < n; i++)
		engaged += run_prog(syn_fd) == XDP_TX_RC;
	return engaged;
}

static bool acks_checked(__u64 now)
{
	set_now(now);
	return run_prog(ack_fd) == XDP_TX_RC;
}

static struct sg_attack attack(void)
{
	struct sg_attack a;
	__u32 zero = 0;

	assert_int_equal(bpf_map_lookup_elem(attack_fd, &zero, &a), 0);
	return a;
}

struct ev_log {
	int n;
	struct sg_event ev[8];
};

static int ev_take(void *ctx, void *data, size_t size)
{
	struct ev_log *l = ctx;

	if (l->n < 8)
		l->ev[l->n++] = *(struct sg_event *)data;
	return 0;
}

static int setup(void **state)
{
	struct sg_config cfg = { .cookie_mode = SG_COOKIES_AUTO };
	int ncpu = libbpf_num_possible_cpus();
	void *zeros = calloc(ncpu, 64);
	struct sg_attack a = {};
	__u32 zero = 0;

	assert_non_null(zeros);
	sg_adaptive_config(&cfg, 800, 1000);		/* ... on this machine's CPUs */
	cfg.syn_threshold_cpu = 800;			/* exactly: 100 per window */
	assert_int_equal(bpf_map_update_elem(cfg_fd, &zero, &cfg, 0), 0);
	assert_int_equal(bpf_map_update_elem(attack_fd, &zero, &a, 0), 0);
	assert_int_equal(bpf_map_update_elem(rate_fd, &zero, zeros, 0), 0);
	free(zeros);
	return 0;
}

static void test_threshold_hysteresis_cooldown(void **state)
{
	struct ring_buffer *rb;
	struct ev_log log = {};
	struct sg_attack a;

	rb = ring_buffer__new(events_fd, ev_take, &log, NULL);
	assert_non_null(rb);

	/* 100 SYNs in a window is the threshold itself: not an attack */
	assert_int_equal(syns(1000, 100), 0);
	assert_false(acks_checked(1000));
	/* the 101st engages cookies, at once */
	assert_int_equal(syns(1010, 1), 1);
	a = attack();
	assert_int_equal(a.active_since, 1010);
	assert_int_equal(a.attacks, 1);
	assert_true(acks_checked(1010));

	/* once engaged, over half the share (51 a window) keeps it going ... */
	assert_int_equal(syns(1125, 51), 51);
	assert_int_equal(attack().last_over, 1125);
	/* ... and less than that, for up to the cooldown (1000 jiffies), too */
	assert_int_equal(syns(1250, 50), 50);
	assert_int_equal(syns(2125, 1), 1);
	/* past the cooldown the next SYN finds cookies disengaged */
	assert_int_equal(syns(2126, 1), 0);
	a = attack();
	assert_int_equal(a.active_since, 0);
	assert_int_equal(a.ended_at, 2126);

	/* ACKs are still checked for two cookie periods (150 s) */
	assert_true(acks_checked(2126 + 149 * HZ_T));
	assert_false(acks_checked(2126 + 150 * HZ_T));

	/* re-engaging needs the full threshold again */
	assert_int_equal(syns(3000, 80), 0);
	assert_int_equal(syns(3125, 101), 1);
	assert_int_equal(attack().attacks, 2);

	ring_buffer__consume(rb);
	assert_int_equal(log.n, 3);
	assert_int_equal(log.ev[0].kind, SG_EV_ATTACK_START);
	assert_int_equal(log.ev[0].rate, 101 * HZ_T / 31);	/* 101 SYNs, 31 jiffies at least */
	assert_int_equal(log.ev[1].kind, SG_EV_ATTACK_END);
	assert_int_equal(log.ev[1].duration_ms, 2126 - 1010);
	assert_int_equal(log.ev[1].rate, 101 * 8);	/* the peak: the first window */
	assert_int_equal(log.ev[2].kind, SG_EV_ATTACK_START);
	ring_buffer__free(rb);
}

static void test_peak_is_the_busiest_window(void **state)
{
	assert_int_equal(syns(10000, 101), 1);		/* engage */
	assert_int_equal(syns(10125, 300), 300);	/* a busier window ... */
	assert_int_equal(syns(10250, 60), 60);		/* ... closes here */
	assert_int_equal(attack().peak_rate, 300 * 8);
}

/* @n events at @now against the bucket; returns how many conformed. */
static int gcra(__u64 now, int n)
{
	int ok = 0;

	set_now(now);
	for (int i = 0; i < n; i++)
		ok += run_prog(gcra_fd) == XDP_PASS_RC;
	return ok;
}

static void test_token_bucket(void **state)
{
	/* 10 per second, 5 at once: at HZ 1000, one token per 100 jiffies */
	bss = (struct policy_bss){ .hz = HZ_T, .rate = 10, .burst = 5 };
	bss_write();
	assert_int_equal(gcra(5000, 8), 5);		/* the burst, then nothing */
	assert_int_equal(gcra(5050, 3), 0);		/* half a token later: none */
	assert_int_equal(gcra(5100, 3), 1);		/* a token per 100 jiffies */
	assert_int_equal(gcra(5400, 5), 3);		/* three more after 300 */
	assert_int_equal(gcra(9000, 9), 5);		/* idle: the burst again, no more */

	bss = (struct policy_bss){ .hz = HZ_T, .rate = 0, .burst = 0 };
	bss_write();
	assert_int_equal(gcra(9000, 100), 100);		/* rate 0: no limit */
}

static int find_fd(const char *name, bool prog)
{
	if (prog)
		return bpf_program__fd(bpf_object__find_program_by_name(obj, name));
	return bpf_map__fd(bpf_object__find_map_by_name(obj, name));
}

int run_policy_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_threshold_hysteresis_cooldown, setup),
		cmocka_unit_test_setup(test_peak_is_the_busiest_window, setup),
		cmocka_unit_test(test_token_bucket),
	};
	cpu_set_t all, one;
	int failed;

	/* The rate state is per CPU: run every SYN on the same one. */
	sched_getaffinity(0, sizeof(all), &all);
	CPU_ZERO(&one);
	for (int c = 0; c < CPU_SETSIZE; c++) {
		if (CPU_ISSET(c, &all)) {
			CPU_SET(c, &one);
			break;
		}
	}
	sched_setaffinity(0, sizeof(one), &one);
	obj = bpf_object__open_file(OBJ, NULL);
	if (!obj || bpf_object__load(obj)) {
		fprintf(stderr, "cannot load %s\n", OBJ);
		return 1;
	}
	syn_fd = find_fd("adaptive_syn", true);
	ack_fd = find_fd("adaptive_ack", true);
	gcra_fd = find_fd("gcra_step", true);
	cfg_fd = find_fd(".data.config", false);
	attack_fd = find_fd(".data.attack", false);
	rate_fd = find_fd("syn_rate_map", false);
	events_fd = find_fd("events_map", false);
	bss_fd = bpf_map__fd(bpf_object__find_map_by_name(obj, ".bss"));
	if (bss_fd < 0)
		bss_fd = find_fd("policy_t.bss", false);
	failed = cmocka_run_group_tests_name("policy (controlled time)", tests, NULL, NULL);
	bpf_object__close(obj);
	sched_setaffinity(0, sizeof(all), &all);
	return failed;
}
