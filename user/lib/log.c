// SPDX-License-Identifier: GPL-2.0-only
/* Error reporting and library log routing. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/capability.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "common.h"

int sg_verbose;
const char *sg_prog_name = SG_NAME;	/* error prefix */

static char *sg_err_buf;	/* sg_err_capture(): the first message goes here */
static size_t sg_err_len;

void sg_err_capture(char *buf, size_t len)
{
	sg_err_buf = buf;
	sg_err_len = len;
	if (buf && len)
		buf[0] = '\0';
}

/* The capture in place, for a caller that captures in its turn and puts
 * it back with sg_err_capture_restore() (which keeps what it holds). */
char *sg_err_captured(size_t *len)
{
	*len = sg_err_len;
	return sg_err_buf;
}

void sg_err_capture_restore(char *buf, size_t len)
{
	sg_err_buf = buf;
	sg_err_len = len;
}

void sg_err(const char *fmt, ...)
{
	va_list ap;

	if (sg_err_buf) {
		if (!sg_err_buf[0]) {
			va_start(ap, fmt);
			vsnprintf(sg_err_buf, sg_err_len, fmt, ap);
			va_end(ap);
		}
		return;
	}
	fprintf(stderr, "%s: ", sg_prog_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/*
 * @s as an error quotes it: at most SG_QUOTE_MAX characters, bytes outside
 * printable ASCII (and quotes and backslashes) written \xNN, then "..."
 * and the input's length when cut, so a huge or binary input costs one
 * short line. Four calls can share one message.
 */
const char *sg_quote(const char *s)
{
	static __thread char bufs[4][SG_QUOTE_MAX + 32];
	static __thread unsigned int next;
	char *b = bufs[next++ & 3], *o = b;
	size_t len = s ? strlen(s) : 0, i;

	for (i = 0; i < len; i++) {
		unsigned char c = s[i];
		bool esc = c < 0x20 || c >= 0x7f || c == '\\' || c == '\'';

		if (o - b + (esc ? 4 : 1) > SG_QUOTE_MAX)
			break;
		if (esc)
			o += sprintf(o, "\\x%02x", c);
		else
			*o++ = c;
	}
	*o = '\0';
	if (i < len)
		sprintf(o, "...(%zu bytes)", len);
	return b;
}

bool sg_info_to_stderr;	/* 'run' keeps stdout for JSON lines */

void sg_info(const char *fmt, ...)
{
	FILE *f = sg_info_to_stderr ? stderr : stdout;
	va_list ap;

	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
}

/* The last program the kernel refused, and the verifier's decisive line. */
static char sg_refused_prog[64], sg_refused_line[512];

/* A verifier log line that tells what it was doing: an instruction ("12:
 * (bf) r1 = r6"), a state ("12: R1=ctx()") or the source (";"). */
static bool sg_log_trace_line(const char *line)
{
	const char *p = line;

	if (*p == ';')
		return true;
	while (*p >= '0' && *p <= '9')
		p++;
	return p > line && p[0] == ':' && p[1] == ' ';
}

/*
 * Keeps what a failed load's verifier log says: libbpf prints it in one
 * message, "prog 'NAME': -- BEGIN PROG LOAD LOG --\n...-- END PROG LOAD
 * LOG --". The decisive lines are those after the last instruction traced
 * and before the verifier's closing statistics ("processed N insns").
 */
static void sg_note_load_log(const char *msg)
{
	const char *name = strstr(msg, "prog '"), *begin = strstr(msg, "-- BEGIN PROG LOAD LOG --");
	const char *end, *line, *next;
	size_t n, used = 0;

	if (!name || !begin || name > begin)
		return;
	name += strlen("prog '");
	n = strcspn(name, "'");
	snprintf(sg_refused_prog, sizeof(sg_refused_prog), "%.*s", (int)n, name);
	sg_refused_line[0] = '\0';
	end = strstr(begin, "-- END PROG LOAD LOG --");
	if (!end)
		end = begin + strlen(begin);
	line = strchr(begin, '\n');
	for (line = line ? line + 1 : end; line < end; line = next) {
		next = memchr(line, '\n', end - line);
		next = next ? next + 1 : end;
		n = next - line;
		while (n && (line[n - 1] == '\n' || line[n - 1] == ' '))
			n--;
		if (!n)
			continue;
		if (!strncmp(line, "processed ", 10) || !strncmp(line, "verification time", 17) ||
		    !strncmp(line, "stack depth", 11))
			break;
		if (sg_log_trace_line(line)) {
			used = 0;
			sg_refused_line[0] = '\0';
			continue;
		}
		if (used < sizeof(sg_refused_line))
			used += snprintf(sg_refused_line + used, sizeof(sg_refused_line) - used,
					 "%s%.*s", used ? "; " : "", (int)n, line);
	}
	if (!sg_refused_line[0])
		snprintf(sg_refused_line, sizeof(sg_refused_line), "no verifier log");
}

bool sg_bpf_refusal(const char **prog, const char **line)
{
	if (!sg_refused_prog[0])
		return false;
	*prog = sg_refused_prog;
	*line = sg_refused_line;
	return true;
}

/* libbpf and libxdp narrate their fallbacks at warning level; synguard
 * reports what matters itself, so they speak only with --verbose. A
 * verifier log is kept, to be summed up in one line. */
static int sg_libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_WARN && strstr(fmt, "BEGIN PROG LOAD LOG")) {
		char *msg = NULL;
		va_list copy;

		va_copy(copy, ap);
		if (vasprintf(&msg, fmt, copy) >= 0)
			sg_note_load_log(msg);
		va_end(copy);
		free(msg);
	}
	if (!sg_verbose || (level == LIBBPF_DEBUG && sg_verbose < 2))
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static int sg_libxdp_print(enum libxdp_print_level level, const char *fmt, va_list ap)
{
	if (!sg_verbose || (level == LIBXDP_DEBUG && sg_verbose < 2))
		return 0;
	return vfprintf(stderr, fmt, ap);
}

void sg_setup_library_logging(void)
{
	libbpf_set_print(sg_libbpf_print);
	libxdp_set_print(sg_libxdp_print);
}

#ifndef CAP_BPF
#define CAP_BPF 39
#endif

static bool sg_has_cap(const struct __user_cap_data_struct *d, int cap)
{
	return d[cap / 32].effective & (1u << (cap % 32));
}

/* Every verb touches BPF objects and most touch links: say so up front
 * rather than failing half-way with EPERM. */
int sg_require_privileges(const char *verb)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2] = {};

	if (syscall(SYS_capget, &hdr, data) == 0 &&
	    sg_has_cap(data, CAP_NET_ADMIN) &&
	    (sg_has_cap(data, CAP_BPF) || sg_has_cap(data, CAP_SYS_ADMIN)))
		return 0;
	sg_err("%s needs root (CAP_NET_ADMIN and CAP_BPF); run it with sudo", verb);
	return -EPERM;
}
