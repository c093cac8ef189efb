// SPDX-License-Identifier: GPL-2.0-only
/*
 * Adaptive mode with controlled time: tests/bpf/adaptive_test.bpf.c runs
 * bpf/lib/adaptive.h's decision for one SYN (or ACK) at a jiffies value
 * this test sets, so thresholds, hysteresis and the cooldown are exact.
 */
#include <sched.h>
#include <string.h>

#include "cookies.h"
#include "harness.h"

#define OBJ	"build/tests/adaptive_test.bpf.o"
#define HZ_T	1000		/* windows of 125 jiffies */

static struct bpf_object *obj;
static int syn_fd, ack_fd, cfg_fd, attack_fd, rate_fd, bss_fd, events_fd;

struct clock_bss {
	__u64 now;
	__u64 hz;
};

static void set_now(__u64 now)
{
	struct clock_bss b = { now, HZ_T };
	__u32 zero = 0;

	assert_int_equal(bpf_map_update_elem(bss_fd, &zero, &b, 0), 0);
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

static int find_fd(const char *name, bool prog)
{
	if (prog)
		return bpf_program__fd(bpf_object__find_program_by_name(obj, name));
	return bpf_map__fd(bpf_object__find_map_by_name(obj, name));
}

int run_adaptive_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_threshold_hysteresis_cooldown, setup),
		cmocka_unit_test_setup(test_peak_is_the_busiest_window, setup),
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
	cfg_fd = find_fd("config_map", false);
	attack_fd = find_fd("attack_map", false);
	rate_fd = find_fd("syn_rate_map", false);
	events_fd = find_fd("events_map", false);
	bss_fd = bpf_map__fd(bpf_object__find_map_by_name(obj, ".bss"));
	if (bss_fd < 0)
		bss_fd = find_fd("adaptive.bss", false);
	failed = cmocka_run_group_tests_name("adaptive (controlled time)", tests, NULL, NULL);
	bpf_object__close(obj);
	sched_setaffinity(0, sizeof(all), &all);
	return failed;
}
