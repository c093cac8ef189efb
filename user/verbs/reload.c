// SPDX-License-Identifier: GPL-2.0-only
/*
 * synguard reload IFACE [--config FILE]
 *
 * Applies the configuration file again (the one named at attach, or FILE,
 * which is then remembered): settings the file leaves out return to their
 * defaults, ports and the allow/deny lists change only if the file names
 * them. The file is checked whole first; a problem leaves the running
 * configuration untouched. Same program, counters and state.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "attachment.h"
#include "config_file.h"
#include "cookies.h"
#include "kernel_probe.h"
#include "settings.h"

static void reload_usage(FILE *f)
{
	fprintf(f,
		"Usage: synguard reload IFACE [--config FILE]\n"
		"\n"
		"Apply the configuration file given at attach (or FILE, remembered from\n"
		"then on) to the running program on IFACE. Settings the file leaves out\n"
		"return to their defaults; ports and the allow and deny lists change only\n"
		"if the file names them. A bad file changes nothing.\n");
}

int cmd_reload(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct sg_file_config *fc = NULL;
	struct sg_conf_path conf = {};
	const char *file = NULL;
	struct sg_attachment a;
	__u32 zero = 0, lists;
	int c, err, conf_fd = -1;

	while ((c = getopt_long(argc, argv, "f:h", opts, NULL)) != -1) {
		if (c == 'f') {
			file = optarg;
			continue;
		}
		reload_usage(c == 'h' ? stdout : stderr);
		return c == 'h' ? 0 : -EINVAL;
	}
	if (optind != argc - 1) {
		sg_err("reload takes exactly one interface (see 'synguard reload --help')");
		return -EINVAL;
	}
	err = sg_attachment_for("reload", argv[optind], &a);
	if (err)
		return err;
	fc = calloc(1, sizeof(*fc));
	conf_fd = sg_pin_get(a.dir, "conf_path_map");
	if (!fc || conf_fd < 0 || bpf_map_lookup_elem(conf_fd, &zero, &conf)) {
		err = fc ? -ENOENT : -ENOMEM;
		sg_err("cannot read the configuration of %s", a.ifname);
		goto out;
	}
	if (file) {
		err = sg_conf_path_resolve(file, &conf);
		if (err) {
			sg_err("cannot read %s: %s", file, strerror(-err));
			goto out;
		}
	} else if (!conf.path[0]) {
		err = -EINVAL;
		sg_err("%s was attached without --config; name the file with --config FILE",
		       a.ifname);
		goto out;
	}
	if (bpf_map_lookup_elem(a.config_fd, &zero, &fc->cfg)) {
		err = -errno;
		sg_err("cannot read the configuration of %s: %s", a.ifname, strerror(errno));
		goto out;
	}
	lists = fc->cfg.lists;
	sg_settings_defaults(&fc->cfg);	/* what the file leaves out */
	err = sg_file_config_load(conf.path, fc);
	if (err)
		goto out;
	fc->cfg.lists = lists;	/* the tries' contents decide, below */
	err = sg_cookies_can_turn_on(a.info.tc_link_id, a.ifname, fc->cfg.cookie_mode);
	if (err)
		goto out;
	if ((fc->ports_set && bpf_map_update_elem(a.ports_fd, &zero, &fc->ports, 0)) ||
	    bpf_map_update_elem(a.config_fd, &zero, &fc->cfg, 0) ||
	    bpf_map_update_elem(conf_fd, &zero, &conf, 0)) {
		err = -errno;
		sg_err("cannot write the configuration of %s: %s", a.ifname, strerror(errno));
		goto out;
	}
	if (fc->deny.present)
		err = sg_lists_replace(&a, true, fc->deny.items, fc->deny.n);
	if (!err && fc->allow.present)
		err = sg_lists_replace(&a, false, fc->allow.items, fc->allow.n);
	if (!err)
		sg_info("%s: reloaded %s (cookies %s, syn-threshold %u/s, out-of-state %s%s%s%s)",
			a.ifname, conf.path, sg_cookie_mode_name(fc->cfg.cookie_mode),
			fc->cfg.syn_threshold, sg_oos_mode_name(fc->cfg.out_of_state),
			fc->ports_set ? ", ports" : "", fc->allow.present ? ", allow list" : "",
			fc->deny.present ? ", deny list" : "");
out:
	if (conf_fd >= 0)
		close(conf_fd);
	if (fc)
		sg_file_config_free(fc);
	free(fc);
	sg_attachment_close(&a);
	return err;
}
