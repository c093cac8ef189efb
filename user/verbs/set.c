// SPDX-License-Identifier: GPL-2.0-only
/*
 * synguard set IFACE key=value...
 *
 * Changes the running configuration of an attachment in place: the same
 * program keeps running with its counters and state; the new values apply
 * from the next packet. Every pair is checked before anything is written,
 * so a bad one leaves the configuration untouched.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "attachment.h"
#include "cookies.h"
#include "kernel_probe.h"
#include "settings.h"


static void set_usage(FILE *f)
{
	fprintf(f,
		"Usage: synguard set IFACE key=value...\n"
		"\n"
		"Change synguard's configuration on IFACE while it runs (same program,\n"
		"counters and state kept). Keys:\n"
		"  cookies=auto|always|off   the cookie mode\n"
		"  syn-threshold=N           auto: SYNs per second that engage cookies\n"
		"  cooldown=SECS             auto: calm seconds before cookies disengage\n"
		"  out-of-state=attack|always|off  drop ACKs/RSTs matching no socket\n"
		"  syn-limit=N, syn-burst=N  per source: SYNs per second, and at once\n"
		"  handshake-limit=N, handshake-burst=N  per source: handshakes completed\n"
		"                            through cookies per second, and at once\n"
		"                            (0 = no limit; a burst of 0: one second's)\n"
		"  ports=LIST                protected TCP ports, e.g. 80,443,8000-8100\n"
		"  event-rate=N              sampled events per second per CPU (0 = off)\n"
		"  ttl=N                     TTL / hop limit of SYN-ACKs\n");
}

/* Applies one key=value to the copies in @cfg and @ports. */
static int set_one(const char *pair, struct sg_config *cfg, struct sg_ports *ports,
		   bool *ports_set)
{
	const char *eq = strchr(pair, '=');
	char key[32];

	if (!eq || eq == pair || (size_t)(eq - pair) >= sizeof(key)) {
		sg_err("bad setting '%s' (use key=value; keys: %s)", pair, SG_SETTING_KEYS);
		return -EINVAL;
	}
	snprintf(key, sizeof(key), "%.*s", (int)(eq - pair), pair);
	return sg_setting_apply(key, eq + 1, cfg, ports, ports_set);
}

int cmd_set(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct sg_ports *ports = NULL;
	struct sg_attachment a;
	struct sg_config cfg;
	bool ports_set = false;
	__u32 zero = 0, mode_before;
	int c, err;

	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (c == 'h') {
			set_usage(stdout);
			return 0;
		}
		set_usage(stderr);
		return -EINVAL;
	}
	if (argc - optind < 2) {
		sg_err("set takes an interface and at least one key=value (see 'synguard set --help')");
		return -EINVAL;
	}
	err = sg_attachment_for("set", argv[optind], &a);
	if (err)
		return err;
	ports = calloc(1, sizeof(*ports));
	if (!ports) {
		err = -ENOMEM;
		goto out;
	}
	if (bpf_map_lookup_elem(a.config_fd, &zero, &cfg)) {
		err = -errno;
		sg_err("cannot read the configuration of %s: %s", a.ifname, strerror(errno));
		goto out;
	}
	mode_before = cfg.cookie_mode;
	for (int i = optind + 1; i < argc; i++) {
		err = set_one(argv[i], &cfg, ports, &ports_set);
		if (err)
			goto out;
	}
	if (mode_before == SG_COOKIES_OFF) {
		err = sg_cookies_can_turn_on(a.info.tc_link_id, a.ifname, cfg.cookie_mode);
		if (err)
			goto out;
	}
	if ((ports_set && bpf_map_update_elem(a.ports_fd, &zero, ports, 0)) ||
	    bpf_map_update_elem(a.config_fd, &zero, &cfg, 0)) {
		err = -errno;
		sg_err("cannot write the configuration of %s: %s", a.ifname, strerror(errno));
		goto out;
	}
	sg_info("%s: cookies %s, syn-threshold %u/s, cooldown %u s, out-of-state %s, "
		"event-rate %u/s, ttl %u%s", a.ifname, sg_cookie_mode_name(cfg.cookie_mode),
		cfg.syn_threshold, cfg.cooldown_ms / 1000, sg_oos_mode_name(cfg.out_of_state),
		cfg.event_rate, cfg.ttl, ports_set ? ", ports changed" : "");
out:
	free(ports);
	sg_attachment_close(&a);
	return err;
}
