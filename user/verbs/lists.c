// SPDX-License-Identifier: GPL-2.0-only
/*
 * synguard allow|deny add|del|list IFACE [CIDR...]
 *
 * The allow and deny lists are LPM tries of source prefixes in the running
 * program's maps: changes apply from the next packet. After each change the
 * configuration's list flags say which tries hold entries, so the program
 * skips empty ones.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <jansson.h>

#include "attachment.h"
#include "cidr.h"
#include "verbs.h"

struct list_maps {
	int fd4, fd6;
	__u32 flag4, flag6;
	const char *name;		/* "allow" or "deny" */
};

static void lpm_key(const struct sg_cidr *c, struct sg_lpm4 *k4, struct sg_lpm6 *k6)
{
	__u8 bytes[16];

	memcpy(bytes, c->addr, 16);
	/* host bits off, so that add and del of "10.1.2.3/8" name one entry */
	for (int bit = c->prefix; bit < (c->family == 4 ? 32 : 128); bit++)
		bytes[bit / 8] &= ~(0x80 >> (bit % 8));
	if (c->family == 4) {
		k4->prefixlen = c->prefix;
		memcpy(k4->addr, bytes, 4);
	} else {
		k6->prefixlen = c->prefix;
		memcpy(k6->addr, bytes, 16);
	}
}

static bool lpm_empty(int fd)
{
	__u8 next[sizeof(struct sg_lpm6)];

	return bpf_map_get_next_key(fd, NULL, next) != 0;
}

/* Sets config.lists from what the tries hold now. */
static int lists_sync_flags(const struct sg_attachment *a, const struct list_maps *m)
{
	struct sg_config cfg;
	__u32 zero = 0;

	if (bpf_map_lookup_elem(a->config_fd, &zero, &cfg))
		return -errno;
	cfg.lists &= ~(m->flag4 | m->flag6);
	if (!lpm_empty(m->fd4))
		cfg.lists |= m->flag4;
	if (!lpm_empty(m->fd6))
		cfg.lists |= m->flag6;
	if (bpf_map_update_elem(a->config_fd, &zero, &cfg, 0))
		return -errno;
	return 0;
}

static int lists_change(const struct sg_attachment *a, const struct list_maps *m, bool add,
			char **cidrs, int n)
{
	struct sg_cidr *parsed = calloc(n, sizeof(*parsed));
	__u8 one = 1;
	int err = 0;

	if (!parsed)
		return -ENOMEM;
	for (int i = 0; i < n && !err; i++)	/* all checked before any is applied */
		err = sg_cidr_parse(cidrs[i], &parsed[i]);
	for (int i = 0; i < n && !err; i++) {
		struct sg_lpm4 k4;
		struct sg_lpm6 k6;
		int fd = parsed[i].family == 4 ? m->fd4 : m->fd6;
		void *key = parsed[i].family == 4 ? (void *)&k4 : (void *)&k6;

		lpm_key(&parsed[i], &k4, &k6);
		if (add ? bpf_map_update_elem(fd, key, &one, 0) : bpf_map_delete_elem(fd, key)) {
			err = -errno;
			if (!add && err == -ENOENT)
				sg_err("%s is not in the %s list of %s", cidrs[i], m->name, a->ifname);
			else
				sg_err("cannot %s %s %s the %s list of %s: %s", add ? "add" : "remove",
				       cidrs[i], add ? "to" : "from", m->name, a->ifname,
				       strerror(-err));
		}
	}
	if (!err)
		err = lists_sync_flags(a, m);
	free(parsed);
	return err;
}

static int lists_show(const struct sg_attachment *a, const struct list_maps *m, bool json)
{
	json_t *arr = json_array();
	char text[INET6_ADDRSTRLEN + 8], addr[INET6_ADDRSTRLEN];
	__u8 key[sizeof(struct sg_lpm6)], next[sizeof(struct sg_lpm6)];
	int fds[2] = { m->fd4, m->fd6 };

	for (int f = 0; f < 2; f++) {
		void *prev = NULL;

		while (!bpf_map_get_next_key(fds[f], prev, next)) {
			__u32 plen;

			memcpy(key, next, sizeof(key));
			memcpy(&plen, key, 4);
			inet_ntop(f ? AF_INET6 : AF_INET, key + 4, addr, sizeof(addr));
			snprintf(text, sizeof(text), "%s/%u", addr, plen);
			json_array_append_new(arr, json_string(text));
			prev = key;
		}
	}
	if (json) {
		json_t *o = json_pack("{s:s, s:s, s:o}", "interface", a->ifname, "list", m->name,
				      "prefixes", arr);

		json_dumpf(o, stdout, JSON_COMPACT);
		printf("\n");
		json_decref(o);
		return 0;
	}
	for (size_t i = 0; i < json_array_size(arr); i++)
		printf("%s\n", json_string_value(json_array_get(arr, i)));
	json_decref(arr);
	return 0;
}

struct lists_args {
	bool json;
};

static const struct sg_opt lists_opts[] = {
	{ .name = "json", .short_opt = 'j', .kind = SG_OPT_FLAG,
	  .off = offsetof(struct lists_args, json), .help = "list: a JSON array" },
	{}
};

static int cmd_allow(int argc, char **argv);
static int cmd_deny(int argc, char **argv);

#define LISTS_ABOUT "Lists apply to packets for protected ports, take effect at once, and " \
	"accept IPv4 and IPv6 prefixes (an address alone is a /32 or /128)."

const struct sg_verb sg_verb_allow = {
	.name = "allow",
	.usage = "add|del IFACE CIDR... | list IFACE [--json]",
	.summary = "sources that bypass cookies and limits (add|del|list)",
	.about = "Sources in the allow list go to the kernel, past cookies and limits (the "
		 "deny list still wins). " LISTS_ABOUT,
	.opts = lists_opts,
	.pos = "argument", .pos_min = 2, .pos_max = -1,
	.pos_error = "allow needs add, del or list and an interface",
	.main = cmd_allow,
};

const struct sg_verb sg_verb_deny = {
	.name = "deny",
	.usage = "add|del IFACE CIDR... | list IFACE [--json]",
	.summary = "sources dropped before anything else (add|del|list)",
	.about = "Sources in the deny list are dropped before any other check. " LISTS_ABOUT,
	.opts = lists_opts,
	.pos = "argument", .pos_min = 2, .pos_max = -1,
	.pos_error = "deny needs add, del or list and an interface",
	.main = cmd_deny,
};

static int cmd_list_verb(const struct sg_verb *v, int argc, char **argv)
{
	const char *verb = v->name;
	struct lists_args args = {};
	bool deny = !strcmp(verb, "deny");
	struct list_maps m = {
		.fd4 = -1, .fd6 = -1, .name = verb,
		.flag4 = deny ? SG_LIST_DENY4 : SG_LIST_ALLOW4,
		.flag6 = deny ? SG_LIST_DENY6 : SG_LIST_ALLOW6,
	};
	struct sg_attachment a;
	int first, err, lock = SG_LOCK_NONE;
	const char *op;

	first = sg_params_parse(v, argc, argv, &args);
	if (first <= 0)
		return first;
	op = argv[first];
	if (strcmp(op, "add") && strcmp(op, "del") && strcmp(op, "list")) {
		sg_err("unknown %s command '%s' (use add, del or list)", verb, sg_quote(op));
		return -EINVAL;
	}
	if (strcmp(op, "list") && argc - first < 3) {
		sg_err("%s %s needs at least one CIDR", verb, op);
		return -EINVAL;
	}
	if (strcmp(op, "list")) {
		lock = sg_change_lock(verb);
		if (lock == -EBUSY)
			return lock;
	}
	err = sg_attachment_for(verb, argv[first + 1], &a);
	if (err) {
		sg_change_unlock(lock);
		return err;
	}
	m.fd4 = sg_pin_get(a.dir, deny ? "deny4_map" : "allow4_map");
	m.fd6 = sg_pin_get(a.dir, deny ? "deny6_map" : "allow6_map");
	if (m.fd4 < 0 || m.fd6 < 0) {
		err = m.fd4 < 0 ? m.fd4 : m.fd6;
		sg_err("cannot open the %s list of %s: %s", verb, a.ifname, strerror(-err));
	} else if (!strcmp(op, "list")) {
		err = lists_show(&a, &m, args.json);
	} else {
		err = lists_change(&a, &m, !strcmp(op, "add"), argv + first + 2,
				   argc - first - 2);
	}
	if (m.fd4 >= 0)
		close(m.fd4);
	if (m.fd6 >= 0)
		close(m.fd6);
	sg_attachment_close(&a);
	sg_change_unlock(lock);
	return err;
}

static int cmd_allow(int argc, char **argv)
{
	return cmd_list_verb(&sg_verb_allow, argc, argv);
}

static int cmd_deny(int argc, char **argv)
{
	return cmd_list_verb(&sg_verb_deny, argc, argv);
}

/* Makes the allow (or deny) list of @a exactly @items: the new prefixes go
 * in before the old ones go out, so no packet sees an empty list between. */
int sg_lists_replace(const struct sg_attachment *a, bool deny, const struct sg_cidr *items,
		     int n)
{
	struct list_maps m = {
		.name = deny ? "deny" : "allow",
		.flag4 = deny ? SG_LIST_DENY4 : SG_LIST_ALLOW4,
		.flag6 = deny ? SG_LIST_DENY6 : SG_LIST_ALLOW6,
	};
	__u8 one = 1, key[sizeof(struct sg_lpm6)], next[sizeof(struct sg_lpm6)];
	int err = 0;

	m.fd4 = sg_pin_get(a->dir, deny ? "deny4_map" : "allow4_map");
	m.fd6 = sg_pin_get(a->dir, deny ? "deny6_map" : "allow6_map");
	if (m.fd4 < 0 || m.fd6 < 0) {
		err = m.fd4 < 0 ? m.fd4 : m.fd6;
		sg_err("cannot open the %s list of %s: %s", m.name, a->ifname, strerror(-err));
		goto out;
	}
	for (int i = 0; i < n && !err; i++) {
		struct sg_lpm4 k4;
		struct sg_lpm6 k6;

		lpm_key(&items[i], &k4, &k6);
		if (items[i].family == 4 ? bpf_map_update_elem(m.fd4, &k4, &one, 0) :
					   bpf_map_update_elem(m.fd6, &k6, &one, 0)) {
			err = -errno;
			sg_err("cannot update the %s list of %s: %s", m.name, a->ifname,
			       strerror(errno));
		}
	}
	for (int f = 0; f < 2 && !err; f++) {
		int fd = f ? m.fd6 : m.fd4;
		void *prev = NULL;

		while (!bpf_map_get_next_key(fd, prev, next)) {
			bool keep = false;

			memcpy(key, next, sizeof(key));
			for (int i = 0; i < n && !keep; i++) {
				struct sg_lpm4 k4 = {};
				struct sg_lpm6 k6 = {};

				if ((items[i].family == 6) != f)
					continue;
				lpm_key(&items[i], &k4, &k6);
				keep = f ? !memcmp(&k6, key, sizeof(k6)) : !memcmp(&k4, key, sizeof(k4));
			}
			if (!keep && !bpf_map_delete_elem(fd, key))
				continue;	/* deleted: start again from the top */
			prev = key;
		}
	}
	if (!err)
		err = lists_sync_flags(a, &m);
out:
	if (m.fd4 >= 0)
		close(m.fd4);
	if (m.fd6 >= 0)
		close(m.fd6);
	return err;
}
