/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Where an attachment lives in bpffs:
 *   <bpffs>/synguard/net<netns cookie>/if<ifindex>/{xdp_prog,<map names>}
 * The netns cookie is unique for the life of the system (unlike the netns
 * inode), so equal interface names in different namespaces never collide.
 */
#ifndef SG_USER_PINS_H
#define SG_USER_PINS_H

#include <limits.h>
#include <linux/types.h>

#define SG_PIN_XDP_PROG	"xdp_prog"
#define SG_PIN_TC_LINK	"tc_link"
#define SG_PIN_SOCKOPS_LINK	"sockops_link"

int sg_bpffs_root(const char **root);
int sg_netns_cookie(__u64 *cookie);
int sg_netns_dir(char *buf, size_t len);
int sg_pin_dir(int ifindex, char *buf, size_t len);
int sg_pin_path(char *buf, size_t len, const char *dir, const char *name);
int sg_pins_remove(const char *dir);

#endif /* SG_USER_PINS_H */
