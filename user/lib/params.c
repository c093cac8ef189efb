// SPDX-License-Identifier: GPL-2.0-only
/*
 * Option tables into getopt_long and --help (params.h). The settings entry
 * expands into one option per setting (settings.c), so a setting added
 * there is an attach option, a 'set' key and a file key at once.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "common.h"
#include "params.h"
#include "settings.h"

#define SG_LONG_ONLY	256	/* getopt values of options without a letter */
#define SG_OPTS_MAX	64

int sg_enum_parse(const struct sg_enum *table, const char *what, const char *arg,
		  unsigned int *out)
{
	char choices[128];
	size_t n = 0;

	for (const struct sg_enum *e = table; e->name; e++) {
		if (!strcmp(e->name, arg)) {
			*out = e->value;
			return 0;
		}
	}
	/* "a, b or c" */
	for (const struct sg_enum *e = table; e->name && n < sizeof(choices); e++)
		n += snprintf(choices + n, sizeof(choices) - n, "%s%s",
			      e == table ? "" : e[1].name ? ", " : " or ", e->name);
	sg_err("bad %s '%s' (use %s)", what, sg_quote(arg), choices);
	return -EINVAL;
}

const char *sg_enum_name(const struct sg_enum *table, unsigned int value)
{
	for (const struct sg_enum *e = table; e->name; e++)
		if (e->value == value)
			return e->name;
	return "unknown";
}

const char *sg_enum_choices(const struct sg_enum *table, const char *sep, char *buf,
			    size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (const struct sg_enum *e = table; e->name && n < len; e++)
		n += snprintf(buf + n, len - n, "%s%s", e == table ? "" : sep, e->name);
	return buf;
}

static bool opt_end(const struct sg_opt *o)
{
	return !o->name && o->kind != SG_OPT_SETTINGS;
}

void sg_params_each(const struct sg_verb *v, void (*cb)(const struct sg_opt *o, void *ctx),
		    void *ctx)
{
	for (const struct sg_opt *o = v->opts; o && !opt_end(o); o++) {
		if (o->kind != SG_OPT_SETTINGS) {
			cb(o, ctx);
			continue;
		}
		for (size_t i = 0; i < sg_settings_n; i++) {
			struct sg_opt s = sg_settings[i].opt;

			s.off = o->off;		/* of the verb's struct sg_given */
			s.flags |= SG_OPT_SETTING_OPT;
			cb(&s, ctx);
		}
	}
}

struct collect {
	struct sg_opt opts[SG_OPTS_MAX];
	int n;
};

static void collect_one(const struct sg_opt *o, void *ctx)
{
	struct collect *c = ctx;

	if (c->n < SG_OPTS_MAX)
		c->opts[c->n++] = *o;
}

static bool opt_takes_value(const struct sg_opt *o)
{
	return o->kind != SG_OPT_FLAG && o->kind != SG_OPT_COUNT;
}

const char *sg_opt_value(const struct sg_opt *o, char *buf, size_t len)
{
	if (o->kind == SG_OPT_ENUM)
		return sg_enum_choices(o->values, "|", buf, len);
	snprintf(buf, len, "%s", o->arg ? o->arg : "VALUE");
	return buf;
}

const char *sg_opt_help(const struct sg_opt *o, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s", o->help, o->def ? " (default: " : "", o->def ? o->def : "",
		 o->def ? ")" : "");
	return buf;
}

static const struct sg_opt settings_only[] = {
	{ .kind = SG_OPT_SETTINGS },
	{}
};

const struct sg_verb sg_settings_verb = {
	.name = "settings",
	.opts = settings_only,
};

/* @text from column @col, wrapped at 79, continued at @indent. */
static void wrap(FILE *f, const char *text, int col, int indent)
{
	const char *p = text;

	while (*p) {
		const char *sp = strchr(p, ' ');
		int word = sp ? (int)(sp - p) : (int)strlen(p);

		if (col > indent && col + 1 + word > 79) {
			fprintf(f, "\n%*s", indent, "");
			col = indent;
		} else if (col > indent) {
			fputc(' ', f);
			col++;
		}
		fprintf(f, "%.*s", word, p);
		col += word;
		p += word;
		while (*p == ' ')
			p++;
	}
	fputc('\n', f);
}

/* @head, then @o's help from column 25 (on a line of its own if @head is long). */
static void usage_line(FILE *f, const char *head, const struct sg_opt *o)
{
	char help[1024];

	sg_opt_help(o, help, sizeof(help));
	fputs(head, f);
	if (strlen(head) >= 24)
		fprintf(f, "\n%*s", 25, "");
	else
		fprintf(f, "%*s", (int)(25 - strlen(head)), "");
	wrap(f, help, 25, 25);
}

static void usage_opt(const struct sg_opt *o, void *ctx)
{
	char head[128], val[96];
	int n;

	n = snprintf(head, sizeof(head), "  %c%c%s--%s", o->short_opt ? '-' : ' ',
		     o->short_opt ? o->short_opt : ' ', o->short_opt ? ", " : "  ", o->name);
	if (opt_takes_value(o))
		snprintf(head + n, sizeof(head) - n, " %s", sg_opt_value(o, val, sizeof(val)));
	usage_line(ctx, head, o);
}

static void usage_key(const struct sg_opt *o, void *ctx)
{
	char head[128], val[96];

	snprintf(head, sizeof(head), "  %s=%s", o->name, sg_opt_value(o, val, sizeof(val)));
	usage_line(ctx, head, o);
}

void sg_params_usage(const struct sg_verb *v, FILE *f)
{
	static const struct sg_opt help = {
		.name = "help", .short_opt = 'h', .kind = SG_OPT_FLAG, .help = "this text",
	};

	if (v == &sg_global)
		fprintf(f, "Usage: synguard %s\n\n", v->usage);
	else
		fprintf(f, "Usage: synguard %s %s\n\n", v->name, v->usage);
	wrap(f, v->about, 0, 0);
	fputc('\n', f);
	if (v == &sg_global) {
		fprintf(f, "Verbs:\n");
		for (size_t i = 0; i < sg_verbs_n; i++)
			fprintf(f, "  %-8s %s\n", sg_verbs[i]->name, sg_verbs[i]->summary);
		fprintf(f, "\n'synguard VERB --help' describes each verb.\n\n");
	}
	if (v->keys) {
		fprintf(f, "Keys:\n");
		sg_params_each(&sg_settings_verb, usage_key, f);
		fputc('\n', f);
	}
	sg_params_each(v, usage_opt, f);
	usage_opt(&help, f);
}

/* Stores @arg as @o's value in @args; one line on stderr if it is bad. */
static int opt_store(const struct sg_opt *o, const char *arg, void *args)
{
	char shown[64], *end;
	void *field = (char *)args + o->off;
	long num;
	double dec;

	snprintf(shown, sizeof(shown), "--%s", o->name);
	if (o->flags & SG_OPT_SETTING_OPT) {
		struct sg_given *g = field;

		if (g->n == SG_GIVEN_MAX) {
			sg_err("too many settings on the command line (at most %d)", SG_GIVEN_MAX);
			return -EINVAL;
		}
		if (sg_setting_check(shown, o->name, arg))
			return -EINVAL;
		g->kv[g->n].key = o->name;
		g->kv[g->n++].val = arg;
		return 0;
	}
	switch (o->kind) {
	case SG_OPT_FLAG:
		*(bool *)field = true;
		return 0;
	case SG_OPT_COUNT:
		(*(int *)field)++;
		return 0;
	case SG_OPT_STRING:
		*(const char **)field = arg;
		return 0;
	case SG_OPT_NUMBER:
		if (sg_parse_number(shown, arg, o->min, o->max, &num))
			return -EINVAL;
		*(long *)field = num;
		return 0;
	case SG_OPT_DECIMAL:
		errno = 0;
		dec = strtod(arg, &end);
		if (errno || *end || end == arg || !isfinite(dec) || dec < o->min || dec > o->max) {
			sg_err("bad %s '%s' (%ld-%ld)", shown, sg_quote(arg), o->min, o->max);
			return -EINVAL;
		}
		*(double *)field = dec;
		return 0;
	case SG_OPT_ENUM:
		return sg_enum_parse(o->values, shown, arg, (unsigned int *)field);
	case SG_OPT_LIST: {
		struct sg_strlist *l = field;
		long max = o->max > 0 && o->max < SG_LIST_MAX ? o->max : SG_LIST_MAX;

		if (l->n >= max) {
			sg_err("%s given more than %ld times", shown, max);
			return -EINVAL;
		}
		l->v[l->n++] = arg;
		return 0;
	}
	case SG_OPT_SETTINGS:
		break;
	}
	return -EINVAL;
}

static int pos_check(const struct sg_verb *v, int n)
{
	if (n >= v->pos_min && (v->pos_max < 0 || n <= v->pos_max))
		return 0;
	if (v->pos_error)
		sg_err("%s (see 'synguard %s --help')", v->pos_error, v->name);
	else if (v->pos_min == v->pos_max)
		sg_err("%s takes exactly one %s (see 'synguard %s --help')", v->name, v->pos,
		       v->name);
	else
		sg_err("%s takes at most %s %s (see 'synguard %s --help')", v->name,
		       v->pos_max == 0 ? "no" : "one", v->pos, v->name);
	return -EINVAL;
}

static int params_parse(const struct sg_verb *v, int argc, char **argv, void *args)
{
	struct collect c = { .n = 0 };
	struct option longs[SG_OPTS_MAX + 2];
	char shorts[3 * SG_OPTS_MAX + 5];
	size_t ns = 0;
	int ch, i;

	if (v->stop_at_pos)
		shorts[ns++] = '+';
	shorts[ns++] = ':';	/* a missing value is told apart from an unknown option */
	sg_params_each(v, collect_one, &c);
	for (i = 0; i < c.n; i++) {
		const struct sg_opt *o = &c.opts[i];

		longs[i] = (struct option){ o->name, opt_takes_value(o) ? required_argument :
					    no_argument, NULL, o->short_opt ? o->short_opt :
					    SG_LONG_ONLY + i };
		if (o->short_opt) {
			shorts[ns++] = o->short_opt;
			if (opt_takes_value(o))
				shorts[ns++] = ':';
		}
	}
	longs[i++] = (struct option){ "help", no_argument, NULL, 'h' };
	longs[i] = (struct option){};
	shorts[ns++] = 'h';
	shorts[ns] = '\0';

	optind = 0;		/* a fresh scan, also when a verb calls another */
	opterr = 0;		/* one line of our own instead */
	while ((ch = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		const struct sg_opt *o = NULL;

		if (ch == 'h') {
			sg_params_usage(v, stdout);
			return 0;
		}
		for (i = 0; i < c.n && !o; i++)
			if (ch == (c.opts[i].short_opt ? c.opts[i].short_opt : SG_LONG_ONLY + i))
				o = &c.opts[i];
		if (ch == '?' || ch == ':') {
			char what[64];

			if (!strncmp(argv[optind - 1], "--", 2) || !optopt || optopt >= SG_LONG_ONLY)
				snprintf(what, sizeof(what), "%.*s", (int)strcspn(argv[optind - 1],
									  "="), argv[optind - 1]);
			else
				snprintf(what, sizeof(what), "-%c", optopt);
			sg_err("%s '%s' (see 'synguard %s --help')",
			       ch == ':' ? "no value for option" : "unknown option", sg_quote(what),
			       v->name);
			return -EINVAL;
		}
		if (!o)
			return -EINVAL;
		if (opt_store(o, optarg, args))
			return -EINVAL;
		c.opts[o - c.opts].flags |= SG_OPT_SEEN;
	}
	for (i = 0; i < c.n; i++) {
		if ((c.opts[i].flags & SG_OPT_REQUIRED) && !(c.opts[i].flags & SG_OPT_SEEN)) {
			sg_err("%s needs --%s%s%s", v->name, c.opts[i].name,
			       c.opts[i].arg ? " " : "", c.opts[i].arg ? c.opts[i].arg : "");
			return -EINVAL;
		}
	}
	if (pos_check(v, argc - optind))
		return -EINVAL;
	return optind;
}

bool sg_usage_error;

int sg_params_parse(const struct sg_verb *v, int argc, char **argv, void *args)
{
	int first = params_parse(v, argc, argv, args);

	/* a command line synguard cannot take exits 2, as getopt tools do */
	if (first < 0)
		sg_usage_error = true;
	return first;
}

bool sg_given_has(const struct sg_given *g, const char *key)
{
	for (unsigned int i = 0; i < g->n; i++)
		if (!strcmp(g->kv[i].key, key))
			return true;
	return false;
}
