/* SPDX-License-Identifier: GPL-2.0-only */
/* Declarations shared by the synguard CLI's source files. */
#ifndef SG_USER_COMMON_H
#define SG_USER_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include <net/if.h>

#include "synguard.h"

#define SG_NAME		"synguard"
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* log.c */
extern int sg_verbose;
extern const char *sg_prog_name;
void sg_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void sg_err_capture(char *buf, size_t len);
char *sg_err_captured(size_t *len);
void sg_err_capture_restore(char *buf, size_t len);
#define SG_QUOTE_MAX 48
const char *sg_quote(const char *s);
extern bool sg_info_to_stderr;
void sg_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void sg_setup_library_logging(void);
bool sg_bpf_refusal(const char **prog, const char **line);
int sg_require_privileges(const char *verb);

/* args.c */
int sg_parse_number(const char *opt, const char *arg, long min, long max, long *out);

/* kernel_probe.c: sysctls and other numbers the kernel shows in files */
int sg_read_ints(const char *path, long *v, int n);
int sg_read_int(const char *path);

/* lock.c: changes to attachments, one at a time. sg_change_lock() returns
 * the lock's fd, SG_LOCK_NONE where there is nothing to lock with, or
 * -EBUSY after a line on stderr. */
#define SG_LOCK_NONE (-1)
int sg_change_lock(const char *verb);
void sg_change_unlock(int fd);
/* @change(@arg) under the lock: its result, or -EBUSY. */
int sg_change_locked(const char *verb, int (*change)(const void *), const void *arg);

/* iface.c */
struct sg_iface {
	int ifindex;
	char name[IF_NAMESIZE];
};
int sg_iface_resolve(const char *name, struct sg_iface *out);
int sg_iface_mtu(const struct sg_iface *ifc);

/* ports.c */
int sg_ports_parse(const char *spec, struct sg_ports *out);
char *sg_ports_to_string(const struct sg_ports *p);
bool sg_ports_test(const struct sg_ports *p, unsigned int port);

/* peers.c */
int sg_peers_mark_existing(int map_fd);

/* signals.c */
extern volatile int sg_stop;
extern volatile int sg_hup;
void sg_install_stop_handlers(void);
void sg_install_hup_handler(void);

/* stats names (names.c) */
const char *sg_stat_name(unsigned int stat);

#endif /* SG_USER_COMMON_H */
