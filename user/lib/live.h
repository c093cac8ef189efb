/* SPDX-License-Identifier: GPL-2.0-only */
/* Live-socket counting: synguard_sockops at the root cgroup (user/live.c). */
#ifndef SG_USER_LIVE_H
#define SG_USER_LIVE_H

#include <stddef.h>
#include <linux/types.h>

#include "synguard.h"

struct bpf_program;

/* Attaches @prog to the root of the cgroup v2 hierarchy and pins the link
 * in @dir; a negative errno, after saying why. */
int sg_live_attach(struct bpf_program *prog, const char *dir, int *link_fd);
/* A random key for the connection table's hash (cfg->conn_key). */
int sg_live_conn_key(__u64 key[2]);
/* cfg->kcookie_until for an attach now: 0 unless the kernel sent cookies. */
__u64 sg_live_kcookie_until(void);
struct sg_attachment;

/* The sockets @a's socket counter counts now, or -1 where none counts. */
long long sg_live_sockets(const struct sg_attachment *a);

#endif /* SG_USER_LIVE_H */
