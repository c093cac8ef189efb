/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Option tables. Each verb declares its options once, in a table that
 * drives getopt_long, its --help, the range and required-option checks and
 * the count of positional arguments; the man page, the README's option
 * lists and the bash completion are generated from the same tables
 * (user/docgen.c), so none of them can drift from the CLI.
 */
#ifndef SG_USER_PARAMS_H
#define SG_USER_PARAMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* A name-value table, ended by a NULL name: the modes' one spelling. */
struct sg_enum {
	const char *name;
	unsigned int value;
};

/* @arg's value in @table, or one line naming @what and the choices. */
int sg_enum_parse(const struct sg_enum *table, const char *what, const char *arg,
		  unsigned int *out);
/* @value's name in @table, "unknown" if none. */
const char *sg_enum_name(const struct sg_enum *table, unsigned int value);
/* "a|b|c" into @buf. */
const char *sg_enum_choices(const struct sg_enum *table, const char *sep, char *buf,
			    size_t len);

enum sg_opt_kind {
	SG_OPT_FLAG,		/* no value: a bool set true */
	SG_OPT_COUNT,		/* no value, repeatable: an int counting them */
	SG_OPT_STRING,		/* kept as given: a const char * */
	SG_OPT_NUMBER,		/* a decimal integer in [min, max]: a long */
	SG_OPT_DECIMAL,		/* a decimal fraction in [min, max]: a double */
	SG_OPT_ENUM,		/* a name of @values: an unsigned int */
	SG_OPT_SETTINGS,	/* every setting (settings.h) as --KEY: a struct sg_given */
	SG_OPT_LIST,		/* a value, repeatable: appended to a struct sg_strlist */
};

#define SG_OPT_REQUIRED	(1u << 0)	/* must be given */
#define SG_OPT_FILE	(1u << 1)	/* a path: the completion offers files */
#define SG_OPT_SETTING_OPT (1u << 2)	/* internal: a setting expanded as --KEY */
#define SG_OPT_SEEN	(1u << 3)	/* internal: given on this command line */

struct sg_opt {
	const char *name;		/* the long option, without "--" */
	int short_opt;			/* 0: none */
	enum sg_opt_kind kind;
	size_t off;			/* of the value in the verb's arguments */
	const char *arg;		/* the value's name in usage, e.g. "FILE" */
	const char *help;		/* one sentence, for --help */
	const char *doc;		/* more, for the man page and the README */
	const char *def;		/* the default, as shown */
	long min, max;			/* SG_OPT_NUMBER; DECIMAL's bounds */
	const struct sg_enum *values;	/* SG_OPT_ENUM */
	unsigned int flags;		/* SG_OPT_* */
};

/* The settings given as options, in command-line order, for the verb to
 * apply over its defaults and its file (settings.c checked them). */
#define SG_GIVEN_MAX	32
struct sg_given {
	unsigned int n;
	struct {
		const char *key;
		const char *val;
	} kv[SG_GIVEN_MAX];
};

bool sg_given_has(const struct sg_given *g, const char *key);

/* An SG_OPT_LIST's values, in command-line order; at most the option's
 * max of them (SG_LIST_MAX if it sets none). */
#define SG_LIST_MAX 16
struct sg_strlist {
	unsigned int n;
	const char *v[SG_LIST_MAX];
};

struct sg_verb {
	const char *name;
	const char *usage;		/* after "synguard NAME ", e.g. "IFACE [options]" */
	const char *summary;		/* one line, for 'synguard --help' */
	const char *about;		/* a paragraph, for --help and the docs */
	const struct sg_opt *opts;	/* ended by an entry without a name or kind */
	const char *pos;		/* what the positional arguments are, for errors */
	int pos_min, pos_max;		/* how many; pos_max -1: any */
	const char *pos_error;		/* the error when the count is wrong (optional) */
	bool stop_at_pos;		/* options end at the first positional argument */
	bool keys;			/* its arguments are the settings as key=value */
	int (*main)(int argc, char **argv);
};

/*
 * Parses @argv (argv[0] is the verb) into @args by @v's table. Returns the
 * index of the first positional argument, 0 after printing --help, or
 * -EINVAL after one line on stderr.
 */
int sg_params_parse(const struct sg_verb *v, int argc, char **argv, void *args);
extern bool sg_usage_error; /* sg_params_parse() refused a command line */

void sg_params_usage(const struct sg_verb *v, FILE *f);

/* The entries of @o's table, settings expanded: @cb(@o, @ctx) for each. */
void sg_params_each(const struct sg_verb *v, void (*cb)(const struct sg_opt *o, void *ctx),
		    void *ctx);

/* The verbs (user/verbs/verbs.c), in the order 'synguard --help' lists. */
extern const struct sg_verb *const sg_verbs[];
extern const size_t sg_verbs_n;
/* synguard's own options, before the verb (user/main.c's table). */
extern const struct sg_verb sg_global;
/* The settings alone, as one table (for 'set' and the documents). */
extern const struct sg_verb sg_settings_verb;

/* "a|b|c" for an enum, else the value's name, into @buf. */
const char *sg_opt_value(const struct sg_opt *o, char *buf, size_t len);
/* @o's help, with its default, into @buf. */
const char *sg_opt_help(const struct sg_opt *o, char *buf, size_t len);

#endif /* SG_USER_PARAMS_H */
