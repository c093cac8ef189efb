// SPDX-License-Identifier: GPL-2.0-only
/*
 * The settings table: each setting once, with its range, its help and how
 * it is stored. attach takes every setting as --KEY VALUE, 'set' as
 * KEY=VALUE and configuration files as KEY = VALUE, all through here, so
 * none can accept what another refuses.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cookies.h"
#include "names.h"
#include "settings.h"

#define SG_STR_(x)	#x
#define SG_STR(x)	SG_STR_(x)
#define SG_RATE_MAX	100000000

static void store_threshold(struct sg_config *cfg, long v)
{
	sg_adaptive_config(cfg, v, cfg->cooldown_ms);
}

static void store_cooldown(struct sg_config *cfg, long v)
{
	cfg->cooldown_ms = v * 1000;
}

static void store_cookies(struct sg_config *cfg, long v)
{
	cfg->cookie_mode = v;
}

static void store_completion(struct sg_config *cfg, long v)
{
	cfg->completion_req = v;
}

static void store_role(struct sg_config *cfg, long v)
{
	cfg->role = v;
}

static void store_backend_mss(struct sg_config *cfg, long v)
{
	cfg->backend_mss = v;
}

static void store_backend_wscale(struct sg_config *cfg, long v)
{
	cfg->backend_wscale = v;
}

static void store_oos(struct sg_config *cfg, long v)
{
	cfg->out_of_state = v;
}

/* A new limit with no burst of its own gets one second's worth. */
static void store_syn_limit(struct sg_config *cfg, long v)
{
	cfg->syn_limit = v;
	if (!cfg->syn_burst)
		cfg->syn_burst = v;
}

static void store_syn_burst(struct sg_config *cfg, long v)
{
	cfg->syn_burst = v;
}

static void store_hs_limit(struct sg_config *cfg, long v)
{
	cfg->hs_limit = v;
	if (!cfg->hs_burst)
		cfg->hs_burst = v;
}

static void store_hs_burst(struct sg_config *cfg, long v)
{
	cfg->hs_burst = v;
}

static void store_event_rate(struct sg_config *cfg, long v)
{
	cfg->event_rate = v;
}

static void store_ttl(struct sg_config *cfg, long v)
{
	cfg->ttl = v;
}

#define NUMBER(key_, short_, arg_, lo, hi, def_, help_, doc_, fn)			\
	{ .opt = { .name = key_, .short_opt = short_, .kind = SG_OPT_NUMBER, .arg = arg_,	\
		   .min = lo, .max = hi, .def = def_, .help = help_, .doc = doc_ },	\
	  .store = fn }
#define ENUM(key_, short_, table, def_, help_, doc_, fn)					\
	{ .opt = { .name = key_, .short_opt = short_, .kind = SG_OPT_ENUM, .values = table,	\
		   .def = def_, .help = help_, .doc = doc_ }, .store = fn }

const struct sg_setting sg_settings[] = {
	{ .opt = { .name = "ports",
		   .short_opt = 'p',
		   .kind = SG_OPT_STRING,
		   .arg = "LIST",
		   .help = "protected TCP destination ports and ranges, e.g. 80,443,8000-8100",
		   .doc = "Each is 1-65535. They are kept as a 65536-bit bitmap, so the lookup "
			  "costs the same for any list." } },
	ENUM("cookies", 'c', sg_cookie_modes, "auto",
	     "answer SYNs to protected ports with SYN cookies in XDP: auto while their rate "
	     "is over --syn-threshold, always, or off (filtering only)",
	     "Below the threshold, auto leaves SYNs to the kernel (see Adaptive mode).",
	     store_cookies),
	ENUM("completion", 0, sg_completions, "auto",
	     "how handshakes answered in XDP complete: reqsk (a request socket for the local "
	     "listener, Linux >= 6.9), synproxy (netfilter SYNPROXY, Linux >= 6.0, local or "
	     "behind a gateway), or auto",
	     "auto picks reqsk where the kernel has bpf_sk_assign_tcp_reqsk and the servers "
	     "are local (--role server), synproxy otherwise. synproxy installs an nftables "
	     "table of synguard's own and sets nf_conntrack_tcp_loose=0 in the namespace "
	     "until detach (see SYNPROXY completion).",
	     store_completion),
	ENUM("role", 0, sg_roles, "server",
	     "where the protected servers run: server (this host) or gateway (behind this "
	     "host, which forwards to them: the synproxy completion)",
	     NULL, store_role),
	NUMBER("backend-mss", 0, "N", 536, 65495, "the interface's MTU less 40",
	       "gateway: the MSS the servers behind it announce (IPv4; IPv6 20 less)", NULL,
	       store_backend_mss),
	NUMBER("backend-wscale", 0, "N", 0, 14, "this host's, from tcp_rmem",
	       "gateway: the window scale the servers behind it announce", NULL,
	       store_backend_wscale),
	NUMBER("syn-threshold", 's', "N", 1, SG_RATE_MAX, SG_STR(SG_DEFAULT_SYN_THRESHOLD),
	       "auto: SYNs per second to protected ports that engage cookies", NULL,
	       store_threshold),
	NUMBER("cooldown", 'C', "SECS", 1, 86400, SG_STR(SG_DEFAULT_COOLDOWN_S),
	       "auto: seconds the SYN rate must stay under half the threshold before cookies "
	       "disengage",
	       NULL, store_cooldown),
	ENUM("out-of-state", 'o', sg_oos_modes, "attack",
	     "drop ACKs and RSTs to protected ports that match no socket: attack while "
	     "cookies are engaged, always, or off",
	     "Such ACKs (without a valid cookie) and RSTs are dropped (ack_no_socket, "
	     "rst_no_socket) rather than left to the kernel, which would answer each with a "
	     "reset. With --cookies always, attack means all the time; always costs a socket "
	     "lookup per ACK and RST when no attack is on. A RST must match a socket other "
	     "than a listener.",
	     store_oos),
	NUMBER("syn-limit", 0, "N", 0, SG_RATE_MAX, "0, none",
	       "per source (/32, /64): SYNs per second", "See Per-source limits.", store_syn_limit),
	NUMBER("syn-burst", 0, "N", 0, SG_RATE_MAX, "one second's worth",
	       "per source: SYNs at once", NULL, store_syn_burst),
	NUMBER("handshake-limit", 0, "N", 0, SG_RATE_MAX, "0, none",
	       "per source: handshakes completed through cookies per second", NULL, store_hs_limit),
	NUMBER("handshake-burst", 0, "N", 0, SG_RATE_MAX, "one second's worth",
	       "per source: handshakes completed through cookies at once", NULL, store_hs_burst),
	NUMBER("event-rate", 'e', "N", 0, 1000000, SG_STR(SG_DEFAULT_EVENT_RATE),
	       "sampled drop events per second per CPU, 0 for none", NULL, store_event_rate),
	NUMBER("ttl", 't', "N", 1, 255, "64", "TTL and hop limit of the SYN-ACKs", NULL, store_ttl),
};
const size_t sg_settings_n = ARRAY_SIZE(sg_settings);

static const struct sg_setting *setting_find(const char *key)
{
	for (size_t i = 0; i < sg_settings_n; i++)
		if (!strcmp(key, sg_settings[i].opt.name))
			return &sg_settings[i];
	return NULL;
}

const char *sg_settings_keys(char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sg_settings_n && n < len; i++)
		n += snprintf(buf + n, len - n, "%s%s", i ? ", " : "", sg_settings[i].opt.name);
	return buf;
}

/* @val of @s, errors naming it @shown, into @cfg or @ports. */
static int setting_store(const struct sg_setting *s, const char *shown, const char *val,
			 struct sg_config *cfg, struct sg_ports *ports, bool *ports_set)
{
	unsigned int e;
	long v;

	switch (s->opt.kind) {
	case SG_OPT_NUMBER:
		if (sg_parse_number(shown, val, s->opt.min, s->opt.max, &v))
			return -EINVAL;
		break;
	case SG_OPT_ENUM:
		if (sg_enum_parse(s->opt.values, shown, val, &e))
			return -EINVAL;
		v = e;
		break;
	default:		/* ports */
		memset(ports, 0, sizeof(*ports));
		*ports_set = true;
		return sg_ports_parse(val, ports);
	}
	s->store(cfg, v);
	return 0;
}

int sg_setting_apply(const char *key, const char *val, struct sg_config *cfg,
		     struct sg_ports *ports, bool *ports_set)
{
	const struct sg_setting *s = setting_find(key);
	char keys[256];

	if (!s) {
		sg_err("unknown key '%s' (keys: %s)", sg_quote(key),
		       sg_settings_keys(keys, sizeof(keys)));
		return -EINVAL;
	}
	return setting_store(s, key, val, cfg, ports, ports_set);
}

int sg_setting_check(const char *shown, const char *key, const char *val)
{
	const struct sg_setting *s = setting_find(key);
	struct sg_config cfg = {};
	struct sg_ports *ports;
	bool set = false;
	int err;

	if (!s)
		return -EINVAL;
	if (s->opt.kind != SG_OPT_STRING)
		return setting_store(s, shown, val, &cfg, NULL, &set);
	ports = calloc(1, sizeof(*ports));
	if (!ports)
		return -ENOMEM;
	err = setting_store(s, shown, val, &cfg, ports, &set);
	free(ports);
	return err;
}

int sg_settings_apply_given(const struct sg_given *g, struct sg_config *cfg,
			    struct sg_ports *ports, bool *ports_set)
{
	for (unsigned int i = 0; i < g->n; i++)
		if (sg_setting_apply(g->kv[i].key, g->kv[i].val, cfg, ports, ports_set))
			return -EINVAL;
	return 0;
}

/* The policy settings at their defaults, as attach starts and reload
 * returns to; what attach derives from the interface is left alone. */
void sg_settings_defaults(struct sg_config *cfg)
{
	__u32 no_limits[4] = {};

	cfg->event_rate = SG_DEFAULT_EVENT_RATE;
	cfg->cookie_mode = SG_COOKIES_AUTO;
	cfg->ttl = 64;
	sg_adaptive_config(cfg, SG_DEFAULT_SYN_THRESHOLD, SG_DEFAULT_COOLDOWN_MS);
	cfg->out_of_state = SG_OOS_ATTACK;
	cfg->completion_req = SG_COMPLETION_AUTO;
	cfg->role = SG_ROLE_SERVER;
	cfg->backend_mss = 0;
	cfg->backend_wscale = 0xff;
	sg_limits_config(cfg, no_limits);
}
