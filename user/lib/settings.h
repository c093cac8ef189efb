/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The settings: one table (settings.c) for attach's options, the keys of
 * 'set' and of configuration files, and their documentation.
 */
#ifndef SG_USER_SETTINGS_H
#define SG_USER_SETTINGS_H

#include <stdbool.h>

#include "common.h"
#include "params.h"

struct sg_setting {
	struct sg_opt opt;	/* the key as name, its value's kind and range */
	/* stores the checked value; NULL for ports, which have a parser */
	void (*store)(struct sg_config *cfg, long v);
};

extern const struct sg_setting sg_settings[];
extern const size_t sg_settings_n;

/* Applies @key = @val to @cfg (and @ports, setting *@ports_set). One line
 * on stderr and -EINVAL for an unknown key or a bad value. */
int sg_setting_apply(const char *key, const char *val, struct sg_config *cfg,
		     struct sg_ports *ports, bool *ports_set);

/* Whether @val is good for @key, errors naming it @shown (the key, or
 * attach's option); nothing is stored. */
int sg_setting_check(const char *shown, const char *key, const char *val);

/* The settings given on a command line, over @cfg and @ports. */
int sg_settings_apply_given(const struct sg_given *g, struct sg_config *cfg,
			    struct sg_ports *ports, bool *ports_set);

/* "cookies, syn-threshold, ..." into @buf. */
const char *sg_settings_keys(char *buf, size_t len);

void sg_settings_defaults(struct sg_config *cfg);

#endif /* SG_USER_SETTINGS_H */
