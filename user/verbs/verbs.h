/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The verbs' parsed arguments and their do_ functions, for the verbs that
 * others call: run attaches, reloads, streams events and detaches through
 * these, not through fake command lines.
 */
#ifndef SG_USER_VERBS_H
#define SG_USER_VERBS_H

#include <stdbool.h>

#include "params.h"

struct attach_cfg {
	const char *ifname;
	struct sg_given settings;	/* --ports, --cookies, ...: settings.c */
	const char *config;
	const char *key_file;
	unsigned int xdp_mode;		/* SG_XDP_MODE_* */
	unsigned int socket_counter;	/* 1: on */
	unsigned int handoff;		/* enum sg_handoff_choice */
};
int sg_attach_parse(int argc, char **argv, struct attach_cfg *a);
int do_attach(const struct attach_cfg *a);

struct reload_cfg {
	const char *ifname;
	const char *config;		/* NULL: the file given at attach */
};
int do_reload(const struct reload_cfg *r);

struct detach_cfg {
	const char *ifname;
};
int do_detach(const struct detach_cfg *d);

struct events_cfg {
	const char *ifname;		/* NULL: every attachment */
	bool json;
	long count;			/* 0: until a signal */
};
int do_events(const struct events_cfg *e);

/* synguard's own options (verbs.c) */
struct global_args {
	int verbose;
	bool version;
};

extern const struct sg_verb sg_verb_attach, sg_verb_run, sg_verb_detach, sg_verb_set,
	sg_verb_reload, sg_verb_allow, sg_verb_deny, sg_verb_status, sg_verb_stats, sg_verb_top,
	sg_verb_events, sg_verb_trace;

#endif /* SG_USER_VERBS_H */
