// SPDX-License-Identifier: GPL-2.0-only
/*
 * prog_cost: the per-packet cost of one XDP program next to another, with
 * BPF_PROG_TEST_RUN, measured in alternating pairs.
 *
 *   prog_cost RESTORE TARGET_MAP A B [PAIRS [REPEAT]]
 *   prog_cost --frame FILE A B [PAIRS [REPEAT]]
 *
 * RESTORE is the pinned bench_restore program (bench/bpf/xdp_bench.bpf.c),
 * which puts the frame held in its frame_map back and tail-calls the
 * program in TARGET_MAP (pinned); A and B are pinned programs. Each pair
 * runs A then B (the order alternating between pairs), REPEAT times each,
 * and records the difference of their average durations. A single
 * duration drifts with this machine's clock and its neighbours by more than
 * the few nanoseconds being measured; a difference taken a few
 * milliseconds apart mostly does not, so the median of the differences is
 * the figure, with its interquartile range to show how much to trust it.
 *
 * With --frame, A and B run on the frame in FILE themselves: for programs
 * that leave a frame as they found it (the TC program on an established
 * flow's packet, a trivial TC program).
 *
 * Prints one JSON object: a_ns, b_ns (medians), extra_ns (median of A - B),
 * extra_q1, extra_q3, pairs, repeat, and the return values of A and B.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#define FRAME_MAX 256

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The @q quantile of the @n values in @v (sorted in place). */
static double quantile(double *v, int n, double q)
{
	double pos = q * (n - 1);
	int i = (int)pos;

	qsort(v, n, sizeof(*v), cmp_double);
	if (i + 1 >= n)
		return v[n - 1];
	return v[i] + (pos - i) * (v[i + 1] - v[i]);
}

static int open_pin(const char *path)
{
	int fd = bpf_obj_get(path);

	if (fd < 0)
		fprintf(stderr, "prog_cost: %s: %s\n", path, strerror(errno));
	return fd;
}

/* What one test run runs: the restore program with a target behind it,
 * or (restore < 0) the target itself on @frame. */
struct runner {
	int restore;
	int map;
	unsigned char frame[FRAME_MAX];
	__u32 frame_len;
};

static int run_once(const struct runner *r, int target, unsigned int repeat, double *ns,
		    unsigned int *ret)
{
	unsigned char in[FRAME_MAX] = { 0 }, out[FRAME_MAX + 64];
	__u32 key = 0;
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = in, .data_size_in = 64,
		    .data_out = out, .data_size_out = sizeof(out), .repeat = repeat);
	int prog = r->restore;

	if (r->restore < 0) {
		o.data_in = r->frame;
		o.data_size_in = r->frame_len;
		prog = target;
	} else if (bpf_map_update_elem(r->map, &key, &target, BPF_ANY)) {
		fprintf(stderr, "prog_cost: setting the target: %s\n", strerror(errno));
		return -errno;
	}
	if (bpf_prog_test_run_opts(prog, &o)) {
		fprintf(stderr, "prog_cost: test run: %s\n", strerror(errno));
		return -errno;
	}
	*ns = o.duration;
	*ret = o.retval;
	return 0;
}

static int read_frame(const char *path, struct runner *r)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f) {
		fprintf(stderr, "prog_cost: %s: %s\n", path, strerror(errno));
		return -1;
	}
	n = fread(r->frame, 1, sizeof(r->frame), f);
	fclose(f);
	if (n < 14) {
		fprintf(stderr, "prog_cost: %s: not a frame\n", path);
		return -1;
	}
	r->frame_len = n;
	return 0;
}

int main(int argc, char **argv)
{
	int a, b, pairs = 101, i, err = 0;
	unsigned int repeat = 200000, ret_a = 0, ret_b = 0;
	struct runner r = { .restore = -1, .map = -1 };
	double *ta, *tb, *d, x, y;

	if (argc < 5 || argc > 7) {
		fprintf(stderr, "usage: prog_cost RESTORE TARGET_MAP A B [PAIRS [REPEAT]]\n"
			"       prog_cost --frame FILE A B [PAIRS [REPEAT]]\n");
		return 2;
	}
	if (argc > 5)
		pairs = atoi(argv[5]);
	if (argc > 6)
		repeat = strtoul(argv[6], NULL, 10);
	if (pairs < 1 || pairs > 100000 || repeat < 1) {
		fprintf(stderr, "prog_cost: PAIRS must be 1-100000 and REPEAT positive\n");
		return 2;
	}
	if (!strcmp(argv[1], "--frame")) {
		if (read_frame(argv[2], &r))
			return 1;
	} else {
		r.restore = open_pin(argv[1]);
		r.map = open_pin(argv[2]);
		if (r.restore < 0 || r.map < 0)
			return 1;
	}
	a = open_pin(argv[3]);
	b = open_pin(argv[4]);
	if (a < 0 || b < 0)
		return 1;
	ta = calloc(pairs, sizeof(*ta));
	tb = calloc(pairs, sizeof(*tb));
	d = calloc(pairs, sizeof(*d));
	if (!ta || !tb || !d)
		return 1;
	/* warm both up */
	if (run_once(&r, a, repeat, &x, &ret_a) || run_once(&r, b, repeat, &y, &ret_b))
		return 1;
	for (i = 0; i < pairs && !err; i++) {
		if (i & 1) {
			err = run_once(&r, b, repeat, &tb[i], &ret_b) ||
			      run_once(&r, a, repeat, &ta[i], &ret_a);
		} else {
			err = run_once(&r, a, repeat, &ta[i], &ret_a) ||
			      run_once(&r, b, repeat, &tb[i], &ret_b);
		}
		d[i] = ta[i] - tb[i];
	}
	if (err)
		return 1;
	printf("{\"a_ns\": %.1f, \"b_ns\": %.1f, \"extra_q1\": %.1f, \"extra_ns\": %.1f, "
	       "\"extra_q3\": %.1f, \"pairs\": %d, \"repeat\": %u, \"a_ret\": %u, \"b_ret\": %u}\n",
	       quantile(ta, pairs, 0.5), quantile(tb, pairs, 0.5), quantile(d, pairs, 0.25),
	       quantile(d, pairs, 0.5), quantile(d, pairs, 0.75), pairs, repeat, ret_a, ret_b);
	return 0;
}
