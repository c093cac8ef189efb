// SPDX-License-Identifier: GPL-2.0-only
/* The unit tests' fixture (see harness.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "kernel_probe.h"

struct synguard_bpf *skel;
struct sg_features features;

int harness_init(void)
{
	struct sg_ports *ports = calloc(1, sizeof(*ports));
	__u32 zero = 0;

	sg_features_probe(&features);
	DECLARE_LIBBPF_OPTS(bpf_object_open_opts, oopts, .kconfig = sg_kconfig_lines());

	skel = synguard_bpf__open_opts(&oopts);
	if (!skel || !ports) {
		fprintf(stderr, "cannot open the synguard BPF object\n");
		return -1;
	}
	/* The completion program needs the reqsk kfunc, as attach knows:
	 * test_tc_loads says whether it was loaded. */
	if (!features.reqsk_kfunc)
		bpf_program__set_autoload(skel->progs.synguard_tc, false);
	if (synguard_bpf__load(skel)) {
		const char *prog = "?", *line = "no verifier log";

		sg_bpf_refusal(&prog, &line);
		fprintf(stderr, "cannot load the synguard BPF object on Linux %s: program %s: %s\n",
			features.release, prog, line);
		return -1;
	}
	if (sg_ports_parse("80,443,8000-8100", ports) ||
	    bpf_map_update_elem(bpf_map__fd(skel->maps.data_ports), &zero, ports, 0))
		return -1;
	free(ports);
	set_config(0);
	return 0;
}

void harness_fini(void)
{
	synguard_bpf__destroy(skel);
}

void set_config_full(const struct sg_config *cfg)
{
	__u32 zero = 0;

	assert_int_equal(bpf_map_update_elem(bpf_map__fd(skel->maps.data_config), &zero, cfg, 0), 0);
}

/* Filtering only (cookies off), with the given event rate. */
void set_config(__u32 event_rate)
{
	struct sg_config cfg = { .event_rate = event_rate };

	set_config_full(&cfg);
}

/* Window start 0 on every CPU: the next event opens a fresh window. */
void reset_event_limit(void)
{
	int ncpu = libbpf_num_possible_cpus();
	struct sg_event_limit *v = calloc(ncpu, sizeof(*v));
	__u32 zero = 0;

	assert_non_null(v);
	assert_int_equal(bpf_map_update_elem(bpf_map__fd(skel->maps.event_limit_map), &zero, v, 0), 0);
	free(v);
}

__u32 run(const struct pkt *p, __u32 repeat)
{
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = p->data, .data_size_in = p->len,
		    .repeat = repeat);
	int err = bpf_prog_test_run_opts(bpf_program__fd(skel->progs.synguard_xdp), &o);

	assert_int_equal(err, 0);
	return o.retval;
}

/* One run, returning the frame as the program left it. */
__u32 run_out(const struct pkt *p, uint8_t *out, __u32 *out_len)
{
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = p->data, .data_size_in = p->len,
		    .data_out = out, .data_size_out = PKT_MAX, .repeat = 1);
	int err = bpf_prog_test_run_opts(bpf_program__fd(skel->progs.synguard_xdp), &o);

	assert_int_equal(err, 0);
	*out_len = o.data_size_out;
	return o.retval;
}

void snapshot(struct sg_snapshot *s)
{
	assert_int_equal(sg_snapshot_read(bpf_map__fd(skel->maps.stats_map), s), 0);
}

/* Runs @p once and asserts the verdict and that exactly counter @stat moved,
 * by one packet and the frame's bytes. */
void expect(const struct pkt *p, __u32 stat)
{
	struct sg_snapshot before, after;
	__u32 rc, want;

	snapshot(&before);
	rc = run(p, 1);
	snapshot(&after);
	want = SG_STAT_IS_PASS(stat) ? XDP_PASS_RC : SG_STAT_IS_TX(stat) ? XDP_TX_RC : XDP_DROP_RC;
	if (rc != want)
		fail_msg("verdict %u for a packet expected to count as %s", rc, sg_stat_name(stat));
	for (unsigned int i = 0; i < SG_STAT__MAX; i++) {
		__u64 dp = after.c[i].packets - before.c[i].packets;
		__u64 db = after.c[i].bytes - before.c[i].bytes;

		if (SG_STAT_IS_INFO(i))
			continue;
		if (i == stat && (dp != 1 || db != p->len))
			fail_msg("%s moved by %llu packets / %llu bytes, expected 1 / %zu",
				 sg_stat_name(i), (unsigned long long)dp,
				 (unsigned long long)db, p->len);
		if (i != stat && dp)
			fail_msg("%s moved by %llu, expected only %s to move", sg_stat_name(i),
				 (unsigned long long)dp, sg_stat_name(stat));
	}
}

void build(const struct pkt_spec *s, struct pkt *p)
{
	assert_int_equal(pkt_build(s, p), 0);
}

static void tcp_frame(struct pkt *p, int family, uint16_t dport, uint8_t flags)
{
	struct pkt_spec s;

	pkt_default_spec(&s, family);
	s.dport = dport;
	s.flags = flags;
	build(&s, p);
}

void tcp4(struct pkt *p, uint16_t dport, uint8_t flags)
{
	tcp_frame(p, 4, dport, flags);
}

void tcp6(struct pkt *p, uint16_t dport, uint8_t flags)
{
	tcp_frame(p, 6, dport, flags);
}
