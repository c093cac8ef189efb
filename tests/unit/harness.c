// SPDX-License-Identifier: GPL-2.0-only
/* The unit tests' fixture (see harness.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "harness.h"
#include "kernel_probe.h"

struct synguard_bpf *skel;
struct sg_features features;

int harness_init(void)
{
	struct sg_ports *ports = calloc(1, sizeof(*ports));
	__u32 zero = 0;

	/* synguard_xdp calls nf_conntrack's kfuncs, as attach knows */
	if (sg_conntrack_load())
		return -1;
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

/* A TCP listener on [::]:@port that takes IPv4 too, with the cookie
 * master key @master (16 bytes) in place: a cookie group's fixture. The
 * listener's fd, or -1 after a line on stderr. */
int harness_listen(uint16_t port, const uint8_t *master)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_port = htons(port) };
	struct sg_cookie_key key = { .announced_epoch = ~0ULL >> 1 }; /* no rotation events */
	int fd = socket(AF_INET6, SOCK_STREAM, 0), zero = 0, one = 1;
	__u32 k = 0;

	if (fd < 0 || setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero)) ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 16)) {
		fprintf(stderr, "cannot listen on port %d: %s\n", port, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	memcpy(key.k, master, 16);
	if (bpf_map_update_elem(bpf_map__fd(skel->maps.cookie_key_map), &k, &key, 0)) {
		close(fd);
		return -1;
	}
	return fd;
}

void harness_fini(void)
{
	synguard_bpf__destroy(skel);
}

/* The maps a test may not reset: the skeleton's and the group's fixture. */
static bool harness_keeps(const struct bpf_map *m)
{
	static const char *const kept[] = {
		"cookie_key_map",	/* the group's master key */
		"info_map", "conf_path_map",
		".data.clock",		/* the TAI offset, set once */
		".data.keys",		/* derived from the master key, a cache */
	};

	const char *name = bpf_map__name(m);
	size_t len = strlen(name);

	if (len >= 8 && !strcmp(name + len - 8, ".kconfig"))	/* read-only */
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(kept); i++)
		if (!strcmp(name, kept[i]))
			return true;
	return false;
}

/* Every key of @fd deleted (hash, LRU and LPM maps). */
static void map_empty(int fd, __u32 key_size)
{
	uint8_t key[64];

	assert_true(key_size <= sizeof(key));
	while (!bpf_map_get_next_key(fd, NULL, key))
		assert_int_equal(bpf_map_delete_elem(fd, key), 0);
}

/* Every entry of the array (or per-CPU array) @m zeroed: in one batch
 * (conn_map's 65,536 entries one by one cost a second a test in a VM),
 * or entry by entry where the kernel has no batch update. */
static void map_zero(const struct bpf_map *m)
{
	bool percpu = bpf_map__type(m) == BPF_MAP_TYPE_PERCPU_ARRAY;
	size_t size = percpu ? (bpf_map__value_size(m) + 7) / 8 * 8 * libbpf_num_possible_cpus() :
			       bpf_map__value_size(m);
	__u32 n = bpf_map__max_entries(m), count = n;
	__u32 *keys = calloc(n, sizeof(*keys));
	void *zeros = calloc(n, size);
	LIBBPF_OPTS(bpf_map_batch_opts, o);

	assert_non_null(keys);
	assert_non_null(zeros);
	for (__u32 k = 0; k < n; k++)
		keys[k] = k;
	if (bpf_map_update_batch(bpf_map__fd(m), keys, zeros, &count, &o) || count != n) {
		for (__u32 k = 0; k < n; k++)
			if (bpf_map_update_elem(bpf_map__fd(m), &k, zeros, 0))
				fail_msg("cannot reset map %s: %s", bpf_map__name(m),
					 strerror(errno));
	}
	free(keys);
	free(zeros);
}

static int ring_drop(void *ctx, void *data, size_t size)
{
	return 0;
}

/*
 * Known state before each test (cmocka setup): every counter, limit, peer,
 * list, connection, handoff, attack and rate state zero, the ring buffer
 * drained, ports 80, 443 and 8000-8100 protected and cookies off. A test
 * then depends on nothing another left behind.
 */
int harness_reset(void **state)
{
	struct sg_ports *ports = calloc(1, sizeof(*ports));
	struct ring_buffer *rb;
	struct bpf_map *m;
	__u32 zero = 0;

	if (!ports)
		return -1;
	bpf_object__for_each_map(m, skel->obj) {
		if (harness_keeps(m))
			continue;
		switch (bpf_map__type(m)) {
		case BPF_MAP_TYPE_ARRAY:
		case BPF_MAP_TYPE_PERCPU_ARRAY:
			map_zero(m);
			break;
		case BPF_MAP_TYPE_HASH:
		case BPF_MAP_TYPE_LRU_HASH:
		case BPF_MAP_TYPE_PERCPU_HASH:
		case BPF_MAP_TYPE_LRU_PERCPU_HASH:
		case BPF_MAP_TYPE_LPM_TRIE:
			map_empty(bpf_map__fd(m), bpf_map__key_size(m));
			break;
		case BPF_MAP_TYPE_SK_STORAGE:
			break;	/* lives on sockets: none outlives its test */
		case BPF_MAP_TYPE_RINGBUF:
			rb = ring_buffer__new(bpf_map__fd(m), ring_drop, NULL, NULL);
			if (!rb)
				return -1;
			ring_buffer__consume(rb);
			ring_buffer__free(rb);
			break;
		default:
			fprintf(stderr, "harness_reset: map %s of a type it cannot reset\n",
				bpf_map__name(m));
			return -1;
		}
	}
	if (sg_ports_parse("80,443,8000-8100", ports) ||
	    bpf_map_update_elem(bpf_map__fd(skel->maps.data_ports), &zero, ports, 0)) {
		free(ports);
		return -1;
	}
	free(ports);
	set_config(0);
	return 0;
}

void set_config_full(const struct sg_config *cfg)
{
	__u32 zero = 0;

	assert_int_equal(bpf_map_update_elem(bpf_map__fd(skel->maps.data_config), &zero, cfg, 0), 0);
}

/* Cookies in @mode for a 1500-byte MTU's MSS, with @ttl and @rcv_wscale:
 * what every cookie test builds its configuration on. */
struct sg_config harness_cookie_cfg(__u32 mode, __u32 ttl, __u32 rcv_wscale)
{
	return (struct sg_config){
		.cookie_mode = mode,
		.mss4 = 1460,
		.mss6 = 1440,
		.window = 64240,
		.ttl = ttl,
		.rcv_wscale = rcv_wscale,
		.key_shift = SG_DEFAULT_KEY_SHIFT,
	};
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
