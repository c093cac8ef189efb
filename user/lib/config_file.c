// SPDX-License-Identifier: GPL-2.0-only
/*
 * Configuration files: INI, parsed by inih (Debian's libinih). Keys are the
 * ones 'synguard set' takes, one per line, optionally in a [synguard]
 * section; '#' and ';' start comments. allow and deny take prefixes
 * separated by commas or spaces, and replace the running lists; interface
 * names the interface for 'synguard run'. The whole
 * file is checked before anything is applied: the first problem is
 * reported as FILE:LINE: reason.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <ini.h>

#include "config_file.h"
#include "settings.h"

const struct sg_opt sg_file_keys[] = {
	{ .name = "allow", .kind = SG_OPT_STRING, .arg = "CIDR...",
	  .help = "the allow list, prefixes separated by commas or spaces; it replaces the "
		  "running list, and an empty value empties it" },
	{ .name = "deny", .kind = SG_OPT_STRING, .arg = "CIDR...",
	  .help = "the deny list, as allow" },
	{ .name = "interface", .kind = SG_OPT_STRING, .arg = "IFACE",
	  .help = "the interface 'synguard run' attaches to when none is given" },
	{}
};

struct parse_state {
	struct sg_file_config *out;
	char reason[256];
};

static int add_prefixes(struct sg_file_config *out, bool deny, const char *val)
{
	char *copy = strdup(val), *tok, *save = NULL;
	struct sg_prefix_list *l = deny ? &out->deny : &out->allow;
	int err = 0;

	if (!copy)
		return -ENOMEM;
	l->present = true;
	for (tok = strtok_r(copy, ", \t", &save); tok && !err;
	     tok = strtok_r(NULL, ", \t", &save)) {
		struct sg_cidr *grown;

		grown = realloc(l->items, (l->n + 1) * sizeof(*l->items));
		if (!grown) {
			err = -ENOMEM;
			break;
		}
		l->items = grown;
		err = sg_cidr_parse(tok, &l->items[l->n]);
		if (!err)
			l->n++;
	}
	free(copy);
	return err;
}

/* ports lines add up, as allow and deny lines do, so that a long list
 * fits inih's lines */
static void add_ports(struct sg_file_config *out, const char *val)
{
	struct sg_ports *p = calloc(1, sizeof(*p));
	bool set = false;

	if (!p) {
		sg_err("out of memory");
		return;
	}
	if (!sg_setting_apply("ports", val, &out->cfg, p, &set)) {
		for (size_t i = 0; i < ARRAY_SIZE(p->bits); i++)
			out->ports.bits[i] |= p->bits[i];
		out->ports_set = true;
	}
	free(p);
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
	struct parse_state *st = user;
	size_t outer_len;
	char *outer = sg_err_captured(&outer_len);

	if (st->reason[0])
		return 0;		/* report the first problem only */
	sg_err_capture(st->reason, sizeof(st->reason));
	if (section[0] && strcmp(section, "synguard"))
		sg_err("unknown section [%s] (use [synguard] or none)", sg_quote(section));
	else if (!strcmp(name, "interface")) {
		if (!value[0] || strlen(value) >= sizeof(st->out->interface))
			sg_err("bad interface name '%s'", sg_quote(value));
		else
			snprintf(st->out->interface, sizeof(st->out->interface), "%s", value);
	} else if (!strcmp(name, "allow") || !strcmp(name, "deny"))
		add_prefixes(st->out, !strcmp(name, "deny"), value);
	else {
		char v[1024];
		size_t n = 0;

		/* "80, 443" reads as it would on the command line: "80,443" */
		for (const char *c = value; *c && n < sizeof(v) - 1; c++)
			if (strcmp(name, "ports") || (*c != ' ' && *c != '\t'))
				v[n++] = *c;
		v[n] = '\0';
		if (!strcmp(name, "ports"))
			add_ports(st->out, v);
		else
			sg_setting_apply(name, v, &st->out->cfg, &st->out->ports,
					 &st->out->ports_set);
		if (!strcmp(name, "cookies"))
			st->out->cookies_set = true;
	}
	sg_err_capture_restore(outer, outer_len);
	return st->reason[0] ? 0 : 1;
}

/* Longest line inih's fixed buffer (INI_MAX_LINE, with the newline and
 * the NUL) reads whole; a longer one would be split into two lines. */
#define SG_CONF_LINE_MAX (INI_MAX_LINE - 2)
#define SG_CONF_SIZE_MAX (1 << 20)

/* Are the @len bytes at @buf text whose lines inih reads whole? */
static int conf_check(const char *name, const char *buf, size_t len)
{
	size_t line = 1, col = 0;

	for (size_t i = 0; i < len; i++, col++) {
		if (!buf[i]) {
			sg_err("%s:%zu: not a text file (a NUL byte)", name, line);
			return -EINVAL;
		}
		if (buf[i] == '\n') {
			line++;
			col = -1;
		} else if (col == SG_CONF_LINE_MAX) {
			sg_err("%s:%zu: line longer than %d bytes, the most inih reads "
			       "(split a long ports, allow or deny list over several lines "
			       "of its key: they add up)",
			       name, line, SG_CONF_LINE_MAX);
			return -EINVAL;
		}
	}
	return 0;
}

/* The file at @path in a NUL-terminated buffer (*@len bytes), if it is a
 * regular file of at most SG_CONF_SIZE_MAX bytes. */
static char *conf_read(const char *path, size_t *lenp)
{
	size_t len = 0;
	struct stat st;
	char *buf;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		sg_err("cannot read %s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		sg_err("%s is %s, not a configuration file", path,
		       S_ISDIR(st.st_mode)			    ? "a directory"
		       : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device"
		       : S_ISFIFO(st.st_mode)			    ? "a pipe"
								    : "not a regular file");
		close(fd);
		return NULL;
	}
	buf = malloc(SG_CONF_SIZE_MAX + 1);
	if (!buf) {
		close(fd);
		sg_err("%s: out of memory", path);
		return NULL;
	}
	while (len <= SG_CONF_SIZE_MAX && (n = read(fd, buf + len, SG_CONF_SIZE_MAX + 1 - len)) > 0)
		len += n;
	close(fd);
	if (len > SG_CONF_SIZE_MAX) {
		sg_err("%s is larger than %d bytes, more than a configuration file needs", path,
		       SG_CONF_SIZE_MAX);
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	*lenp = len;
	return buf;
}

int sg_file_config_parse(const char *name, const char *text, size_t len, struct sg_file_config *out)
{
	struct parse_state st = { .out = out };
	int line;

	if (conf_check(name, text, len))
		return -EINVAL;
	out->ports_set = false;
	memset(&out->ports, 0, sizeof(out->ports));
	line = ini_parse_string(text, handler, &st);
	if (line == -2) {
		sg_err("%s: out of memory", name);
		return -ENOMEM;
	}
	if (line) {
		sg_err("%s:%d: %s", name, line,
		       st.reason[0] ? st.reason
				    : "not a setting (use key = value, [synguard] or a # comment)");
		return -EINVAL;
	}
	return 0;
}

int sg_file_config_load(const char *path, struct sg_file_config *out)
{
	size_t len = 0;
	char *text = conf_read(path, &len);
	int err;

	if (!text)
		return -EINVAL;
	err = sg_file_config_parse(path, text, len, out);
	free(text);
	return err;
}

void sg_file_config_free(struct sg_file_config *c)
{
	free(c->allow.items);
	free(c->deny.items);
	c->allow.items = c->deny.items = NULL;
	c->allow.n = c->deny.n = 0;
}

/* The absolute path of @file in @out, for reload. realpath() gets its own
 * buffer: the resolved path may be far longer than @file (symlinks). */
int sg_conf_path_resolve(const char *file, struct sg_conf_path *out)
{
	char *abs = realpath(file, NULL);
	int err = 0;

	if (!abs)
		return -errno;
	if (strlen(abs) >= sizeof(out->path))
		err = -ENAMETOOLONG;
	else
		snprintf(out->path, sizeof(out->path), "%s", abs);
	free(abs);
	return err;
}
