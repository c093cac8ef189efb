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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "names.h"
#include "attachment.h"
#include "cookies.h"
#include "kernel_probe.h"
#include "settings.h"
#include "synproxy.h"

/* Applies one key=value to the copies in @cfg and @ports. */
static int set_one(const char *pair, struct sg_config *cfg, struct sg_ports *ports,
		   bool *ports_set)
{
	const char *eq = strchr(pair, '=');
	char key[32];

	if (!eq || eq == pair || (size_t)(eq - pair) >= sizeof(key)) {
		char keys[256];

		sg_err("bad setting '%s' (use key=value; keys: %s)", sg_quote(pair),
		       sg_settings_keys(keys, sizeof(keys)));
		return -EINVAL;
	}
	snprintf(key, sizeof(key), "%.*s", (int)(eq - pair), pair);
	return sg_setting_apply(key, eq + 1, cfg, ports, ports_set);
}

static int cmd_set(int argc, char **argv);

static const struct sg_opt set_opts[] = {
	{}
};

const struct sg_verb sg_verb_set = {
	.name = "set",
	.usage = "IFACE key=value...",
	.summary = "change thresholds, ports or the cookie mode while running",
	.about = "Change synguard's configuration on IFACE while it runs: the same program "
		 "keeps its counters and state, and the new values apply from the next packet. "
		 "Every pair is checked before anything is written, so a bad one changes "
		 "nothing. The keys are attach's settings:",
	.opts = set_opts,
	.pos = "key=value", .pos_min = 2, .pos_max = -1,
	.pos_error = "set takes an interface and at least one key=value",
	.keys = true,
	.main = cmd_set,
};

static int cmd_set(int argc, char **argv)
{
	struct sg_ports *ports = NULL;
	struct sg_attachment a;
	struct sg_config cfg;
	bool ports_set = false;
	struct sg_config old;
	__u32 zero = 0;
	int first, err, lock;

	first = sg_params_parse(&sg_verb_set, argc, argv, NULL);
	if (first <= 0)
		return first;
	lock = sg_change_lock("set");
	if (lock == -EBUSY)
		return lock;
	err = sg_attachment_for("set", argv[first], &a);
	if (err) {
		sg_change_unlock(lock);
		return err;
	}
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
	old = cfg;
	for (int i = first + 1; i < argc; i++) {
		err = set_one(argv[i], &cfg, ports, &ports_set);
		if (err)
			goto out;
	}
	err = sg_config_commit(&a, &old, &cfg, ports_set ? ports : NULL);
	if (err)
		goto out;
	sg_info("%s: cookies %s, completion %s, syn-threshold %u/s, cooldown %u s, out-of-state "
		"%s, "
		"event-rate %u/s, ttl %u%s",
		a.ifname, sg_enum_name(sg_cookie_modes, cfg.cookie_mode),
		sg_enum_name(sg_completions, cfg.completion), cfg.syn_threshold,
		cfg.cooldown_ms / 1000, sg_enum_name(sg_oos_modes, cfg.out_of_state),
		cfg.event_rate, cfg.ttl, ports_set ? ", ports changed" : "");
out:
	free(ports);
	sg_attachment_close(&a);
	sg_change_unlock(lock);
	return err;
}
