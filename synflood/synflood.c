// SPDX-License-Identifier: GPL-2.0-only
/*
 * synflood: a lab attack simulator for synguard's tests, demo and benchmark.
 * It writes spoofed SYN, ACK or RST floods out of an interface with
 * BPF_PROG_RUN and BPF_F_TEST_XDP_LIVE_FRAMES: no raw sockets and no pktgen,
 * several million packets per second from one core. A packet count and a
 * duration are mandatory, and whichever is reached first ends the run.
 *
 * Send only to hosts you run yourself, such as the test namespaces.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <jansson.h>

#include "common.h"
#include "cidr.h"
#include "stats_read.h"
#include "synflood.h"

/* Up to this rate (packets per second), one frame per BPF_PROG_RUN. A run
 * of more frames puts the program in the kernel's XDP dispatcher for its
 * length, and the dispatcher's code is rewritten (text_poke, an IPI to every
 * CPU) as it comes in and goes out: 1 ms slices made that 2,000 times a
 * second, and under qemu's TCG the jump being rewritten faulted ("Oops:
 * int3" at bpf_dispatcher_xdp_func+0xa) while the receiver's XDP ran. */
#define SG_ONE_FRAME_RATE 20000
#include "synflood.skel.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: synflood --iface IF --dst ADDR --src CIDR --count N --duration SECS [options]\n"
		"\n"
		"Lab attack simulator: sends a bounded flood of spoofed TCP packets out of IF\n"
		"with BPF_PROG_RUN live frames. Only for hosts you run yourself.\n"
		"\n"
		"  -i, --iface IF         interface to send from\n"
		"  -d, --dst ADDR         target address (IPv4 or IPv6)\n"
		"  -p, --dport PORT       target port (default 80)\n"
		"  -s, --src CIDR         spoofed sources are drawn from this prefix\n"
		"  -n, --count N          stop after N packets (mandatory)\n"
		"  -t, --duration SECS    stop after SECS seconds (mandatory)\n"
		"  -m, --mode MODE        syn (default), ack, rst or mix\n"
		"  -o, --options SET      SYN options: linux (default), mss or none\n"
		"  -r, --rate PPS         packets per second (default: as fast as possible)\n"
		"  -M, --dst-mac MAC      next hop's MAC (default: from the neighbour table)\n"
		"  -j, --json             print the result as JSON\n"
		"  -h, --help             this text\n");
}

static int parse_mac(const char *s, __u8 *mac)
{
	unsigned int b[6];

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) != 6)
		return -EINVAL;
	for (int i = 0; i < 6; i++) {
		if (b[i] > 255)
			return -EINVAL;
		mac[i] = b[i];
	}
	return 0;
}

/* The neighbour entry of @dst on @ifname, prompting resolution first. */
static int resolve_mac(const char *ifname, const char *dst, const struct sg_cidr *a, __u8 *mac)
{
	char cmd[256], line[512], *p;
	struct sockaddr_storage ss = {};
	int fd;

	fd = socket(a->family == 4 ? AF_INET : AF_INET6, SOCK_DGRAM, 0);
	if (fd >= 0) {
		if (a->family == 4) {
			struct sockaddr_in *sin = (void *)&ss;

			sin->sin_family = AF_INET;
			sin->sin_port = htons(9);
			memcpy(&sin->sin_addr, a->addr, 4);
		} else {
			struct sockaddr_in6 *sin6 = (void *)&ss;

			sin6->sin6_family = AF_INET6;
			sin6->sin6_port = htons(9);
			memcpy(&sin6->sin6_addr, a->addr, 16);
		}
		sendto(fd, "", 0, 0, (struct sockaddr *)&ss, sizeof(ss));
		close(fd);
	}
	for (int tries = 0; tries < 20; tries++) {
		FILE *f;

		snprintf(cmd, sizeof(cmd), "ip neigh show %s dev %s 2>/dev/null", dst, ifname);
		f = popen(cmd, "r");
		if (f) {
			while (fgets(line, sizeof(line), f)) {
				p = strstr(line, "lladdr ");
				if (p && !parse_mac(p + 7, mac)) {
					pclose(f);
					return 0;
				}
			}
			pclose(f);
		}
		usleep(50000);
	}
	sg_err("cannot find the MAC of %s on %s; give it with --dst-mac", dst, ifname);
	return -ENOENT;
}

static int iface_mac(const char *ifname, __u8 *mac)
{
	struct ifreq ifr = {};
	int fd = socket(AF_INET, SOCK_DGRAM, 0), err = 0;

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (fd < 0 || ioctl(fd, SIOCGIFHWADDR, &ifr))
		err = -errno;
	else
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	if (fd >= 0)
		close(fd);
	return err;
}

static long parse_long(const char *opt, const char *arg, long min, long max)
{
	long v;

	if (sg_parse_number(opt, arg, min, max, &v))
		exit(2);
	return v;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "iface", required_argument, NULL, 'i' },
		{ "dst", required_argument, NULL, 'd' },
		{ "dport", required_argument, NULL, 'p' },
		{ "src", required_argument, NULL, 's' },
		{ "count", required_argument, NULL, 'n' },
		{ "duration", required_argument, NULL, 't' },
		{ "mode", required_argument, NULL, 'm' },
		{ "options", required_argument, NULL, 'o' },
		{ "rate", required_argument, NULL, 'r' },
		{ "dst-mac", required_argument, NULL, 'M' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	const char *ifname = NULL, *dst = NULL, *src = NULL, *dst_mac = NULL, *mode_s = "syn";
	long count = -1, rate = 0, dport = 80;
	double duration = -1, elapsed, t0, next;
	struct sg_gen_cfg cfg = { .mode = SG_GEN_SYN, .opts = SG_GEN_OPTS_LINUX };
	struct synflood_bpf *skel;
	struct sg_cidr d, s;
	struct xdp_md xctx = {};
	__u8 frame[128] = {};
	__u32 zero = 0, frame_len, opt_len;
	long sent = 0;
	bool json = false;
	char *end;
	int c, ifindex, err;

	sg_prog_name = "synflood";
	while ((c = getopt_long(argc, argv, "i:d:p:s:n:t:m:o:r:M:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'i': ifname = optarg; break;
		case 'd': dst = optarg; break;
		case 'p': dport = parse_long("--dport", optarg, 1, 65535); break;
		case 's': src = optarg; break;
		case 'n': count = parse_long("--count", optarg, 1, 1L << 40); break;
		case 't':
			duration = strtod(optarg, &end);
			if (*end || end == optarg || !isfinite(duration) || duration <= 0 ||
			    duration > 3600) {
				sg_err("bad --duration '%s' (seconds, up to 3600)", optarg);
				return 2;
			}
			break;
		case 'm': mode_s = optarg; break;
		case 'o':
			if (!strcmp(optarg, "linux"))
				cfg.opts = SG_GEN_OPTS_LINUX;
			else if (!strcmp(optarg, "mss"))
				cfg.opts = SG_GEN_OPTS_MSS;
			else if (!strcmp(optarg, "none"))
				cfg.opts = SG_GEN_OPTS_NONE;
			else {
				sg_err("bad --options '%s' (linux, mss or none)", optarg);
				return 2;
			}
			break;
		case 'r': rate = parse_long("--rate", optarg, 1, 100000000); break;
		case 'M': dst_mac = optarg; break;
		case 'j': json = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!ifname || !dst || !src) {
		sg_err("--iface, --dst and --src are required (see synflood --help)");
		return 2;
	}
	if (count < 0 || duration < 0) {
		sg_err("--count and --duration are both required: a flood must end by itself");
		return 2;
	}
	if (!strcmp(mode_s, "syn"))
		cfg.mode = SG_GEN_SYN;
	else if (!strcmp(mode_s, "ack"))
		cfg.mode = SG_GEN_ACK;
	else if (!strcmp(mode_s, "rst"))
		cfg.mode = SG_GEN_RST;
	else if (!strcmp(mode_s, "mix"))
		cfg.mode = SG_GEN_MIX;
	else {
		sg_err("bad --mode '%s' (syn, ack, rst or mix)", mode_s);
		return 2;
	}
	if (sg_addr_parse(dst, &d) || sg_cidr_parse(src, &s))
		return 2;
	if (d.family != s.family) {
		sg_err("--dst %s and --src %s are of different address families", dst, src);
		return 2;
	}
	ifindex = if_nametoindex(ifname);
	if (!ifindex) {
		sg_err("no interface '%s' in this network namespace", ifname);
		return 2;
	}
	if (sg_require_privileges("synflood"))
		return 1;
	if (dst_mac ? parse_mac(dst_mac, cfg.dst_mac) : resolve_mac(ifname, dst, &d, cfg.dst_mac)) {
		if (dst_mac)
			sg_err("bad --dst-mac '%s'", dst_mac);
		return 1;
	}
	if (iface_mac(ifname, cfg.src_mac)) {
		sg_err("cannot read the MAC address of %s", ifname);
		return 1;
	}
	cfg.family = d.family;
	cfg.src_prefix = s.prefix;
	memcpy(cfg.src, s.addr, sizeof(cfg.src));
	memcpy(cfg.dst, d.addr, sizeof(cfg.dst));
	cfg.dport = htons(dport);

	sg_setup_library_logging();
	skel = synflood_bpf__open_and_load();
	if (!skel) {
		sg_err("cannot load the generator program: %s", strerror(errno));
		return 1;
	}
	err = bpf_map_update_elem(bpf_map__fd(skel->maps.gen_cfg_map), &zero, &cfg, 0);
	if (err) {
		sg_err("cannot configure the generator: %s", strerror(errno));
		goto out;
	}
	/* The frame's length is fixed per run; the program writes every byte. */
	opt_len = cfg.mode == SG_GEN_SYN ? (cfg.opts == SG_GEN_OPTS_LINUX ? 20 :
					    cfg.opts == SG_GEN_OPTS_MSS ? 4 : 0) :
		  cfg.mode == SG_GEN_MIX ? 20 : 0;
	frame_len = 14 + (d.family == 4 ? 20 : 40) + 20 + opt_len;
	if (cfg.mode == SG_GEN_MIX)
		frame_len = 14 + (d.family == 4 ? 20 : 40) + 40;	/* the largest */
	if (frame_len < 60)
		frame_len = 60;
	xctx.ingress_ifindex = ifindex;
	xctx.data_end = frame_len;	/* the kernel insists on it */

	sg_install_stop_handlers();
	t0 = sg_now_mono();
	next = t0;
	while (!sg_stop && sent < count) {
		long batch = count - sent > 65536 ? 65536 : count - sent;
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame, .data_size_in = frame_len,
			    .ctx_in = &xctx, .ctx_size_in = sizeof(xctx),
			    .flags = BPF_F_TEST_XDP_LIVE_FRAMES, .batch_size = 64);

		elapsed = sg_now_mono() - t0;
		if (elapsed >= duration)
			break;
		if (rate) {
			/* 1 ms slices: send what the rate allows, then wait */
			long due = (long)((elapsed + 0.001) * rate) - sent;

			if (due <= 0) {
				next += 0.001;
				usleep(1000);
				continue;
			}
			if (batch > due)
				batch = due;
			if (rate <= SG_ONE_FRAME_RATE)
				batch = 1;
		}
		o.repeat = batch;
		err = bpf_prog_test_run_opts(bpf_program__fd(skel->progs.synflood_gen), &o);
		if (err && errno == EINTR) {
			/* Ctrl-C or SIGTERM mid-batch: a normal end; the batch
			 * is not counted, since how much of it ran is unknown. */
			err = 0;
			continue;
		}
		if (err) {
			sg_err("BPF_PROG_RUN with live frames failed on %s: %s", ifname,
			       strerror(errno));
			goto out;
		}
		sent += batch;
	}
	elapsed = sg_now_mono() - t0;
	if (json) {
		json_t *j = json_pack("{ss ss ss si ss sI sf sf}", "iface", ifname, "dst", dst,
				      "src", src, "dport", (int)dport, "mode", mode_s,
				      "sent", (json_int_t)sent, "seconds", elapsed,
				      "pps", elapsed > 0 ? sent / elapsed : 0.0);

		json_dumpf(j, stdout, JSON_COMPACT);
		putchar('\n');
		json_decref(j);
	} else {
		printf("synflood: sent %ld %s packets from %s to %s:%ld via %s in %.2f s (%.0f pps)\n",
		       sent, mode_s, src, dst, dport, ifname, elapsed,
		       elapsed > 0 ? sent / elapsed : 0.0);
	}
out:
	synflood_bpf__destroy(skel);
	return err ? 1 : 0;
}
