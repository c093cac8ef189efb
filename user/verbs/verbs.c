// SPDX-License-Identifier: GPL-2.0-only
/*
 * The verbs, in the order 'synguard --help' and the documents list them,
 * and synguard's own options, which come before the verb.
 */
#include <stddef.h>

#include "common.h"
#include "verbs.h"

const struct sg_verb *const sg_verbs[] = {
	&sg_verb_attach, &sg_verb_run,	 &sg_verb_detach, &sg_verb_set,
	&sg_verb_reload, &sg_verb_allow, &sg_verb_deny,	  &sg_verb_status,
	&sg_verb_stats,	 &sg_verb_top,	 &sg_verb_events, &sg_verb_trace,
};
const size_t sg_verbs_n = ARRAY_SIZE(sg_verbs);

static const struct sg_opt global_opts[] = {
	{ .name = "verbose", .short_opt = 'v', .kind = SG_OPT_COUNT,
	  .off = offsetof(struct global_args, verbose),
	  .help = "show libbpf's and libxdp's messages (twice: debug)" },
	{ .name = "version", .short_opt = 'V', .kind = SG_OPT_FLAG,
	  .off = offsetof(struct global_args, version), .help = "print the version" },
	{}
};

const struct sg_verb sg_global = {
	.name = "synguard",
	.usage = "[-v] VERB [options]",
	.about = "XDP SYN-flood mitigation: SYN cookies answered at the driver, floods dropped "
		 "before the kernel allocates anything.",
	.opts = global_opts,
	.pos = "verb", .pos_min = 0, .pos_max = -1,
	.stop_at_pos = true,
};

