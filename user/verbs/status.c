// SPDX-License-Identifier: GPL-2.0-only
/* synguard status [IFACE] [--json] */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include <jansson.h>

#include "names.h"
#include "attachment.h"
#include "handoff.h"
#include "cookies.h"
#include "kernel_probe.h"
#include "live.h"
#include "pins.h"
#include "synproxy.h"
#include "verbs.h"

static void sg_iso_time(__u64 secs, char *buf, size_t len)
{
	time_t t = secs;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static char *status_ports(const struct sg_attachment *a)
{
	struct sg_ports *p = calloc(1, sizeof(*p));
	__u32 zero = 0;
	char *s = NULL;

	if (a->foreign_layout) {	/* its bitmap is not ours to read */
		free(p);
		return strdup("?");
	}
	if (p && a->ports_fd >= 0 && !bpf_map_lookup_elem(a->ports_fd, &zero, p))
		s = sg_ports_to_string(p);
	free(p);
	return s ? s : strdup("");
}

static struct sg_config status_config(const struct sg_attachment *a)
{
	struct sg_config cfg = {};
	__u32 zero = 0;

	if (a->config_fd < 0 || bpf_map_lookup_elem(a->config_fd, &zero, &cfg))
		memset(&cfg, 0, sizeof(cfg));
	return cfg;
}

static __u32 status_cookie_mode(const struct sg_attachment *a)
{
	return status_config(a).cookie_mode;
}

/* The completion and why, or "none" with cookies off. */
static const char *status_completion(const struct sg_attachment *a, const char **why)
{
	struct sg_config cfg = status_config(a);

	*why = sg_completion_reason(a->info.completion_why, &cfg);
	if (cfg.cookie_mode == SG_COOKIES_OFF)
		return "none";
	return sg_enum_name(sg_completions, cfg.completion);
}

static const char *status_state(const struct sg_attachment *a)
{
	if (a->prog_fd < 0)
		return "broken";	/* pins unreadable */
	return a->live ? "attached" : "stale";
}

static json_t *status_attachment_json(const struct sg_attachment *a)
{
	json_t *o = json_object();
	char when[32], why[96], *ports = status_ports(a);
	const char *comp, *comp_why;
	struct sg_handoff_state st;
	long long live;

	sg_iso_time(a->info.attached_at, when, sizeof(when));
	json_object_set_new(o, "interface", json_string(a->ifname));
	json_object_set_new(o, "ifindex", json_integer(a->info.ifindex));
	json_object_set_new(o, "state", json_string(status_state(a)));
	json_object_set_new(o, "xdp_mode", json_string(sg_enum_name(sg_xdp_modes, a->info.xdp_mode)));
	json_object_set_new(o, "attach_mode",
			    json_string(sg_enum_name(sg_attach_kinds, a->info.attach_kind)));
	json_object_set_new(o, "xdp_prog_id", json_integer(a->info.xdp_prog_id));
	json_object_set_new(o, "ports", json_string(ports));
	json_object_set_new(o, "cookies", json_string(sg_enum_name(sg_cookie_modes, status_cookie_mode(a))));
	comp = status_completion(a, &comp_why);
	json_object_set_new(o, "completion", json_string(comp));
	json_object_set_new(o, "completion_reason", json_string(comp_why));
	json_object_set_new(o, "role", json_string(sg_enum_name(sg_roles, status_config(a).role)));
	json_object_set_new(o, "synproxy_table",
			    sg_synproxy_present(a->info.ifindex)
				    ? json_sprintf("inet synguard_%u", a->info.ifindex)
				    : json_null());
	json_object_set_new(o, "tc_link_id", json_integer(a->info.tc_link_id));
	json_object_set_new(o, "driver", json_string(a->info.driver));
	if (!sg_handoff_read(a, &st)) {
		json_t *h = json_object();

		sg_handoff_reason(a, &st, why, sizeof(why));
		json_object_set_new(h, "path", json_string(sg_enum_name(sg_handoff_paths, st.path)));
		json_object_set_new(h, "reason", json_string(why));
		json_object_set_new(o, "handoff", h);
	}
	live = sg_live_sockets(a);
	json_object_set_new(o, "live_sockets", live >= 0 ? json_integer(live) : json_null());
	json_object_set_new(o, "attached_at", json_string(when));
	json_object_set_new(o, "pin_dir", json_string(a->dir));
	free(ports);
	return o;
}

static json_t *status_kernel_json(const struct sg_features *f)
{
	json_t *o = json_object();

	json_object_set_new(o, "release", json_string(f->release));
	json_object_set_new(o, "xdp", json_boolean(f->xdp));
	json_object_set_new(o, "ringbuf", json_boolean(f->ringbuf));
	json_object_set_new(o, "btf_vmlinux", json_boolean(f->btf_vmlinux));
	json_object_set_new(o, "bpf_loop", json_boolean(f->bpf_loop));
	json_object_set_new(o, "raw_syncookie_helpers", json_boolean(f->raw_syncookie));
	json_object_set_new(o, "reqsk_kfunc", json_boolean(f->reqsk_kfunc));
	json_object_set_new(o, "ct_kfunc", json_boolean(f->ct_kfunc));
	json_object_set_new(o, "tcx", json_boolean(f->tcx));
	json_object_set_new(o, "tcp_syncookies", json_integer(f->tcp_syncookies));
	json_object_set_new(o, "best_mode", json_string(sg_features_best_mode(f)));
	return o;
}

static void status_human(const struct sg_features *f, const char *ns_dir,
			 const struct sg_attachment *list, int n)
{
	printf("kernel %s: xdp %s, ringbuf %s, bpf_loop %s, raw syncookie helpers %s, "
	       "reqsk kfunc %s, conntrack kfuncs %s, tcx %s; tcp_syncookies=%d; best mode: %s\n",
	       f->release, f->xdp ? "yes" : "no", f->ringbuf ? "yes" : "no",
	       f->bpf_loop ? "yes" : "no", f->raw_syncookie ? "yes" : "no",
	       f->reqsk_kfunc ? "yes" : "no", f->ct_kfunc ? "yes" : "no", f->tcx ? "yes" : "no",
	       f->tcp_syncookies, sg_features_best_mode(f));
	printf("pins: %s\n", ns_dir);
	if (!n)
		printf("not attached to any interface in this network namespace\n");
	for (int i = 0; i < n; i++) {
		const struct sg_attachment *a = &list[i];
		char when[32], why[96], *ports = status_ports(a);
		const char *comp, *comp_why;
		struct sg_handoff_state st;
		long long live;

		sg_iso_time(a->info.attached_at, when, sizeof(when));
		printf("%s (ifindex %u): %s, %s mode, %s, prog id %u, ports %s, cookies %s",
		       a->ifname, a->info.ifindex, status_state(a),
		       sg_enum_name(sg_xdp_modes, a->info.xdp_mode),
		       sg_enum_name(sg_attach_kinds, a->info.attach_kind), a->info.xdp_prog_id,
		       *ports ? ports : "-", sg_enum_name(sg_cookie_modes, status_cookie_mode(a)));
		if (a->info.tc_link_id)
			printf(" (tc link %u)", a->info.tc_link_id);
		live = sg_live_sockets(a);
		if (live >= 0)
			printf(", %lld live sockets counted", live);
		else
			printf(", live sockets not counted");
		printf(", since %s\n", when);
		comp = status_completion(a, &comp_why);
		printf("  completion %s (%s)", comp, comp_why);
		if (sg_synproxy_present(a->info.ifindex))
			printf(", nftables table inet synguard_%u", a->info.ifindex);
		printf("\n");
		if (a->info.tc_link_id && !sg_handoff_read(a, &st)) {
			sg_handoff_reason(a, &st, why, sizeof(why));
			printf("  cookie ACKs reach TC through %s: %s\n",
			       st.path == SG_HANDOFF_META ? "XDP metadata" : "handoff_map", why);
		}
		free(ports);
	}
}

struct status_args {
	bool json;
};

static int cmd_status(int argc, char **argv);

static const struct sg_opt status_opts[] = {
	{ .name = "json", .short_opt = 'j', .kind = SG_OPT_FLAG,
	  .off = offsetof(struct status_args, json), .help = "JSON output" },
	{}
};

const struct sg_verb sg_verb_status = {
	.name = "status",
	.usage = "[IFACE] [--json]",
	.summary = "what is attached where, and kernel features",
	.about = "Show what synguard has attached in this network namespace (or on IFACE), in "
		 "which mode, protecting which ports, and what the kernel offers.",
	.opts = status_opts,
	.pos = "interface", .pos_min = 0, .pos_max = 1,
	.main = cmd_status,
};

static int cmd_status(int argc, char **argv)
{
	struct status_args args = {};
	struct sg_attachment *list = NULL;
	struct sg_features feat;
	char ns_dir[PATH_MAX];
	bool json;
	int first, n = 0, err;

	first = sg_params_parse(&sg_verb_status, argc, argv, &args);
	if (first <= 0)
		return first;
	json = args.json;
	err = sg_require_privileges("status");
	if (!err)
		err = sg_netns_dir(ns_dir, sizeof(ns_dir));
	if (err)
		return err;

	if (first == argc - 1) {
		list = calloc(1, sizeof(*list));
		if (!list)
			return -ENOMEM;
		err = sg_attachment_find(argv[first], list);
		if (err) {
			free(list);
			if (err == -ENOENT)
				sg_err("not attached to %s", argv[first]);
			return err;
		}
		n = 1;
	} else {
		err = sg_attachment_list(&list, &n);
		if (err) {
			sg_err("cannot list attachments: %s", strerror(-err));
			return err;
		}
	}
	sg_features_probe(&feat);
	if (json) {
		json_t *o = json_object(), *arr = json_array();
		__u64 cookie = 0;

		sg_netns_cookie(&cookie);
		json_object_set_new(o, "version", json_string(SG_VERSION));
		json_object_set_new(o, "netns_cookie", json_integer(cookie));
		json_object_set_new(o, "pin_root", json_string(ns_dir));
		json_object_set_new(o, "kernel", status_kernel_json(&feat));
		for (int i = 0; i < n; i++)
			json_array_append_new(arr, status_attachment_json(&list[i]));
		json_object_set_new(o, "attachments", arr);
		json_dumpf(o, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(o);
	} else {
		status_human(&feat, ns_dir, list, n);
	}
	sg_attachment_list_free(list, n);
	return 0;
}
