// SPDX-License-Identifier: GPL-2.0-only
/*
 * sg-docgen: the man page's options, the README's option lists and the bash
 * completion, generated from the verbs' option tables (params.h) and the
 * settings table, so that the documents say what the CLI does.
 *
 *   sg-docgen man TEMPLATE      the man page: TEMPLATE with @SYNOPSIS@,
 *                               @VERBS@ and @SETTINGS@ lines filled in
 *   sg-docgen readme FILE       FILE with each block between
 *                               "<!-- options: VERB -->" and
 *                               "<!-- end of options -->" regenerated
 *   sg-docgen completion        the bash completion
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "config_file.h"
#include "params.h"
#include "settings.h"
#include "verbs.h"

#define README_BEGIN	"<!-- options: "
#define README_END	"<!-- end of options -->"

static const struct sg_verb *verb_find(const char *name)
{
	if (!strcmp(name, "settings"))
		return &sg_settings_verb;
	if (!strcmp(name, "synguard"))
		return &sg_global;
	for (size_t i = 0; i < sg_verbs_n; i++)
		if (!strcmp(sg_verbs[i]->name, name))
			return sg_verbs[i];
	return NULL;
}

/* roff: backslashes and hyphens escaped, no line starting with a dot. */
static void roff(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\e", f);
		else if (*s == '-')
			fputs("\\-", f);
		else
			fputc(*s, f);
	}
}

static void man_opt(const struct sg_opt *o, void *ctx)
{
	FILE *f = ctx;
	char val[128], help[1024];

	fputs(".TP\n", f);
	if (o->short_opt)
		fprintf(f, "\\fB\\-%c\\fR, ", o->short_opt);
	fputs("\\fB\\-\\-", f);
	roff(f, o->name);
	fputs("\\fR", f);
	if (o->kind != SG_OPT_FLAG && o->kind != SG_OPT_COUNT) {
		fputs(" \\fI", f);
		roff(f, sg_opt_value(o, val, sizeof(val)));
		fputs("\\fR", f);
	}
	fputc('\n', f);
	roff(f, sg_opt_help(o, help, sizeof(help)));
	fputs(".\n", f);
	if (o->doc) {
		roff(f, o->doc);
		fputc('\n', f);
	}
}

static void man_key(const struct sg_opt *o, void *ctx)
{
	FILE *f = ctx;
	char val[128], help[1024];

	fputs(".TP\n\\fB", f);
	roff(f, o->name);
	fputs("\\fR = \\fI", f);
	roff(f, sg_opt_value(o, val, sizeof(val)));
	fputs("\\fR\n", f);
	roff(f, sg_opt_help(o, help, sizeof(help)));
	fputs(".\n", f);
}

static void man_verbs(FILE *f)
{
	for (size_t i = 0; i < sg_verbs_n; i++) {
		const struct sg_verb *v = sg_verbs[i];

		fprintf(f, ".SS %s\n\\fBsynguard %s\\fR ", v->name, v->name);
		roff(f, v->usage);
		fputs("\n.PP\n", f);
		roff(f, v->about);
		fputc('\n', f);
		if (v->keys)
			sg_params_each(&sg_settings_verb, man_key, f);
		sg_params_each(v, man_opt, f);
	}
}

static int man(const char *template)
{
	FILE *in = fopen(template, "r");
	char line[4096];

	if (!in) {
		sg_err("cannot read %s: %s", template, strerror(errno));
		return 1;
	}
	while (fgets(line, sizeof(line), in)) {
		if (!strcmp(line, "@SYNOPSIS@\n")) {
			fputs("\\fBsynguard\\fR ", stdout);
			roff(stdout, sg_global.usage);
			fputs("\n.PP\n", stdout);
			sg_params_each(&sg_global, man_opt, stdout);
		} else if (!strcmp(line, "@VERBS@\n")) {
			man_verbs(stdout);
		} else if (!strcmp(line, "@SETTINGS@\n")) {
			sg_params_each(&sg_settings_verb, man_key, stdout);
			for (const struct sg_opt *o = sg_file_keys; o->name; o++)
				man_key(o, stdout);
		} else {
			fputs(line, stdout);
		}
	}
	fclose(in);
	return 0;
}

/* A Markdown list item, wrapped at 79 columns, continued two spaces in;
 * words inside backquotes are not broken apart. */
static void md_item(FILE *f, const char *text)
{
	int col = 0;
	bool code = false;

	fputs("- ", f);
	col = 2;
	for (const char *p = text; *p;) {
		size_t n = 0;

		while (p[n] && (p[n] != ' ' || code)) {
			if (p[n] == '`')
				code = !code;
			n++;
		}
		if (col > 2 && col + 1 + (int)n > 79) {
			fputs("\n  ", f);
			col = 2;
		} else if (col > 2) {
			fputc(' ', f);
			col++;
		}
		fprintf(f, "%.*s", (int)n, p);
		col += n;
		p += n;
		while (*p == ' ')
			p++;
	}
	fputc('\n', f);
}

static void md_opt(const struct sg_opt *o, void *ctx)
{
	char val[128], help[1024], item[2560];
	int n = 0;

	if (o->short_opt)
		n += snprintf(item + n, sizeof(item) - n, "`-%c`, ", o->short_opt);
	n += snprintf(item + n, sizeof(item) - n, "`--%s", o->name);
	if (o->kind != SG_OPT_FLAG && o->kind != SG_OPT_COUNT)
		n += snprintf(item + n, sizeof(item) - n, " %s", sg_opt_value(o, val, sizeof(val)));
	snprintf(item + n, sizeof(item) - n, "`: %s.%s%s", sg_opt_help(o, help, sizeof(help)),
		 o->doc ? " " : "", o->doc ? o->doc : "");
	md_item(ctx, item);
}

static void md_key(const struct sg_opt *o, void *ctx)
{
	char val[128], help[1024], item[2560];

	snprintf(item, sizeof(item), "`%s=%s`: %s.", o->name, sg_opt_value(o, val, sizeof(val)),
		 sg_opt_help(o, help, sizeof(help)));
	md_item(ctx, item);
}

static void md_block(FILE *f, const struct sg_verb *v)
{
	if (v == &sg_global)
		fprintf(f, "```\nsynguard %s\n```\n\n", v->usage);
	else
		fprintf(f, "```\nsynguard %s %s\n```\n\n", v->name, v->usage);
	if (v->keys)
		sg_params_each(&sg_settings_verb, md_key, f);
	sg_params_each(v, md_opt, f);
}

static int readme(const char *path)
{
	FILE *in = fopen(path, "r");
	char line[4096];
	bool skipping = false;

	if (!in) {
		sg_err("cannot read %s: %s", path, strerror(errno));
		return 1;
	}
	while (fgets(line, sizeof(line), in)) {
		if (skipping) {
			if (strncmp(line, README_END, strlen(README_END)))
				continue;
			skipping = false;
		}
		fputs(line, stdout);
		if (!strncmp(line, README_BEGIN, strlen(README_BEGIN))) {
			char name[64] = "";
			const struct sg_verb *v;

			sscanf(line + strlen(README_BEGIN), "%63[a-z]", name);
			v = verb_find(name);
			if (!v) {
				sg_err("%s: no verb '%s' for the options block", path, name);
				fclose(in);
				return 1;
			}
			md_block(stdout, v);
			skipping = true;
		}
	}
	fclose(in);
	if (skipping) {
		sg_err("%s: an options block without '%s'", path, README_END);
		return 1;
	}
	return 0;
}

struct words {
	char buf[2048];
	size_t n;
	enum { ALL, VALUED, FILES } which;
};

static void add_word(struct words *w, const char *fmt, const char *s)
{
	w->n += snprintf(w->buf + w->n, sizeof(w->buf) - w->n, fmt, w->n ? " " : "", s);
}

static void opt_words(const struct sg_opt *o, void *ctx)
{
	struct words *w = ctx;
	char shrt[3] = { '-', (char)o->short_opt, 0 };
	bool valued = o->kind != SG_OPT_FLAG && o->kind != SG_OPT_COUNT;

	if (w->which == FILES && !(o->flags & SG_OPT_FILE))
		return;
	if (w->which == VALUED && !valued)
		return;
	add_word(w, "%s--%s", o->name);
	if (o->short_opt)
		add_word(w, "%s%s", shrt);
}

static void comp_values(const struct sg_opt *o, void *ctx)
{
	char shrt[8] = "", val[128];

	if (o->kind != SG_OPT_ENUM)
		return;
	if (o->short_opt)
		snprintf(shrt, sizeof(shrt), "|-%c", o->short_opt);
	sg_enum_choices(o->values, " ", val, sizeof(val));
	printf("\t\t--%s%s)\n\t\t\tCOMPREPLY=($(compgen -W \"%s\" -- \"$cur\")); return ;;\n",
	       o->name, shrt, val);
}

static void comp_keys(const struct sg_opt *o, void *ctx)
{
	add_word(ctx, "%s%s=", o->name);
}

static int completion(void)
{
	struct words verbs = {};

	for (size_t i = 0; i < sg_verbs_n; i++)
		add_word(&verbs, "%s%s", sg_verbs[i]->name);
	printf("# bash completion for synguard(8), generated from its option tables\n"
	       "_synguard()\n{\n"
	       "\tlocal cur prev verb i\n"
	       "\tcur=${COMP_WORDS[COMP_CWORD]}\n"
	       "\tprev=${COMP_WORDS[COMP_CWORD-1]}\n"
	       "\tverb=\n"
	       "\tfor ((i = 1; i < COMP_CWORD; i++)); do\n"
	       "\t\tcase \"${COMP_WORDS[i]}\" in\n"
	       "\t\t-*) ;;\n"
	       "\t\t*) verb=${COMP_WORDS[i]}; break ;;\n"
	       "\t\tesac\n"
	       "\tdone\n"
	       "\tif [ -z \"$verb\" ]; then\n"
	       "\t\tCOMPREPLY=($(compgen -W \"%s --help --verbose --version\" -- \"$cur\"))\n"
	       "\t\treturn\n"
	       "\tfi\n"
	       "\tcase \"$verb\" in\n", verbs.buf);
	for (size_t i = 0; i < sg_verbs_n; i++) {
		const struct sg_verb *v = sg_verbs[i];
		struct words all = { .which = ALL }, files = { .which = FILES };
		struct words valued = { .which = VALUED };

		sg_params_each(v, opt_words, &all);
		sg_params_each(v, opt_words, &files);
		sg_params_each(v, opt_words, &valued);
		printf("\t%s)\n\t\tcase \"$prev\" in\n", v->name);
		sg_params_each(v, comp_values, NULL);
		if (files.n) {
			for (char *p = files.buf; *p; p++)
				if (*p == ' ')
					*p = '|';
			printf("\t\t%s)\n\t\t\tCOMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n",
			       files.buf);
		}
		if (valued.n) {
			for (char *p = valued.buf; *p; p++)
				if (*p == ' ')
					*p = '|';
			printf("\t\t%s)\n\t\t\treturn ;;\n", valued.buf);
		}
		printf("\t\tesac\n");
		printf("\t\tif [[ \"$cur\" == -* ]]; then\n"
		       "\t\t\tCOMPREPLY=($(compgen -W \"%s --help\" -- \"$cur\")); return\n"
		       "\t\tfi\n", all.buf);
		if (!strcmp(v->name, "allow") || !strcmp(v->name, "deny"))
			printf("\t\tif [ \"$prev\" = %s ]; then\n"
			       "\t\t\tCOMPREPLY=($(compgen -W \"add del list\" -- \"$cur\")); return\n"
			       "\t\tfi\n", v->name);
		if (v->keys) {
			struct words keys = {};

			sg_params_each(&sg_settings_verb, comp_keys, &keys);
			printf("\t\tif [ \"$prev\" != %s ]; then\n"
			       "\t\t\tCOMPREPLY=($(compgen -W \"%s\" -- \"$cur\"))\n"
			       "\t\t\tcompopt -o nospace 2>/dev/null\n"
			       "\t\t\treturn\n"
			       "\t\tfi\n", v->name, keys.buf);
		}
		printf("\t\t;;\n");
	}
	printf("\tesac\n"
	       "\tCOMPREPLY=($(compgen -W \"$(ls /sys/class/net 2>/dev/null)\" -- \"$cur\"))\n"
	       "}\n"
	       "complete -F _synguard synguard\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "man"))
		return man(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "readme"))
		return readme(argv[2]);
	if (argc == 2 && !strcmp(argv[1], "completion"))
		return completion();
	fprintf(stderr, "usage: sg-docgen man TEMPLATE | readme FILE | completion\n");
	return 2;
}
