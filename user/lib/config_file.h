/* SPDX-License-Identifier: GPL-2.0-only */
/* Configuration files for 'attach --config' and 'reload'. */
#ifndef SG_USER_CONFIG_FILE_H
#define SG_USER_CONFIG_FILE_H

#include <stdbool.h>

#include "common.h"
#include "cidr.h"
#include "params.h"

struct sg_prefix_list {
	bool present;		/* the file names this list */
	int n;
	struct sg_cidr *items;
};

struct sg_file_config {
	struct sg_config cfg;	/* in: the base the file's keys apply to */
	struct sg_ports ports;
	bool ports_set;
	bool cookies_set;	/* the file names a cookie mode */
	struct sg_prefix_list allow, deny;
	char interface[IF_NAMESIZE];	/* for 'synguard run'; empty if not given */
};

/* The configuration in the @len bytes of NUL-terminated @text, errors
 * naming it @name: what sg_file_config_load() does once it has read a file. */
int sg_file_config_parse(const char *name, const char *text, size_t len,
			 struct sg_file_config *out);
int sg_file_config_load(const char *path, struct sg_file_config *out);
void sg_file_config_free(struct sg_file_config *c);
int sg_conf_path_resolve(const char *file, struct sg_conf_path *out);

/* The keys a file takes besides the settings: allow, deny, interface. */
extern const struct sg_opt sg_file_keys[];

#endif /* SG_USER_CONFIG_FILE_H */
