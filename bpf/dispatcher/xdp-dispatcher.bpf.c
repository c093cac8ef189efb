// SPDX-License-Identifier: GPL-2.0-only
/*
 * A multi-program XDP dispatcher in the layout libxdp 1.3 loads (its
 * protocol, version 2: the config in .rodata, slots prog0..prog9 that the
 * component programs replace with freplace, compat_test and xdp_pass for
 * its compatibility check).
 *
 * Why synguard builds its own: since Linux 6.12.y and 6.13 the kernel
 * refuses an extension that changes packet data in place of a function
 * that does not ("Extension program changes packet data, while original
 * does not"), and libxdp 1.3's slots do not, so synguard (which grows and
 * shrinks frames) could never join its dispatcher. Here each slot calls
 * bpf_xdp_adjust_tail(ctx, 0) on a path that never runs once replaced,
 * as libxdp 1.5 later did. synguard points libxdp at this object
 * (LIBXDP_OBJECT_PATH) so that the dispatchers it builds take it.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <xdp/prog_dispatcher.h>

/* Set by libxdp before load; volatile so that clang keeps every read. */
static volatile const struct xdp_dispatcher_config conf = {};

/* A slot: replaced by a component program, or, while empty, returning
 * XDP_DISPATCHER_RETVAL, which every chain-call mask lets through. */
#define SG_SLOT(name)							\
	__noinline int name(struct xdp_md *ctx)				\
	{								\
		volatile int ret = XDP_DISPATCHER_RETVAL;		\
									\
		if (!ctx)						\
			return XDP_ABORTED;				\
		bpf_xdp_adjust_tail(ctx, 0);				\
		return ret;						\
	}

SG_SLOT(prog0)
SG_SLOT(prog1)
SG_SLOT(prog2)
SG_SLOT(prog3)
SG_SLOT(prog4)
SG_SLOT(prog5)
SG_SLOT(prog6)
SG_SLOT(prog7)
SG_SLOT(prog8)
SG_SLOT(prog9)

/* libxdp's compatibility check replaces this with xdp_pass. */
__noinline int compat_test(struct xdp_md *ctx)
{
	volatile int ret = XDP_DISPATCHER_RETVAL;

	if (!ctx)
		return XDP_ABORTED;
	return ret;
}

/* Runs slot @i if enabled; returns from the dispatcher when the slot is
 * empty or its verdict is not one to chain on. */
#define SG_RUN(i, fn)							\
	do {								\
		if (conf.num_progs_enabled < (i) + 1)			\
			return XDP_PASS;				\
		ret = fn(ctx);						\
		if (!((1U << ret) & conf.chain_call_actions[i]))	\
			return ret;					\
	} while (0)

SEC("xdp")
int xdp_dispatcher(struct xdp_md *ctx)
{
	int ret;

	SG_RUN(0, prog0);
	SG_RUN(1, prog1);
	SG_RUN(2, prog2);
	SG_RUN(3, prog3);
	SG_RUN(4, prog4);
	SG_RUN(5, prog5);
	SG_RUN(6, prog6);
	SG_RUN(7, prog7);
	SG_RUN(8, prog8);
	SG_RUN(9, prog9);
	/* keeps compat_test referenced, as libxdp expects */
	if (conf.num_progs_enabled < MAX_DISPATCHER_ACTIONS + 1)
		return XDP_PASS;
	compat_test(ctx);
	return XDP_PASS;
}

SEC("xdp")
int xdp_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
__uint(dispatcher_version, XDP_DISPATCHER_VERSION) SEC(XDP_METADATA_SECTION);
