// SPDX-License-Identifier: GPL-2.0-only
/* Kernel feature probes: program/map types, helpers and BTF lookups. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <spawn.h>
#include <sys/wait.h>
#include <time.h>
#include <sys/utsname.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "common.h"
#include "kernel_probe.h"

static bool sg_btf_has(const struct btf *btf, const char *name, int kind)
{
	return btf && btf__find_by_name_kind(btf, name, kind) > 0;
}

/* True if enum bpf_attach_type in the kernel's BTF has a value @name:
 * the uapi headers we build against may be older than the kernel. */
static bool sg_btf_enum_has(const struct btf *btf, const char *type, const char *name)
{
	const struct btf_type *t;
	const struct btf_enum *e;
	int id;

	if (!btf)
		return false;
	id = btf__find_by_name_kind(btf, type, BTF_KIND_ENUM);
	if (id <= 0)
		return false;
	t = btf__type_by_id(btf, id);
	e = btf_enum(t);
	for (int i = 0; i < btf_vlen(t); i++, e++)
		if (!strcmp(btf__name_by_offset(btf, e->name_off), name))
			return true;
	return false;
}

/* Up to @n numbers from the file @path (a sysctl): how many were read. */
int sg_read_ints(const char *path, long *v, int n)
{
	FILE *f = fopen(path, "r");
	int got = 0;

	if (!f)
		return 0;
	while (got < n && fscanf(f, "%ld", &v[got]) == 1)
		got++;
	fclose(f);
	return got;
}

/* One number from @path, -1 if it cannot be read. */
int sg_read_int(const char *path)
{
	long v = -1;

	return sg_read_ints(path, &v, 1) == 1 ? (int)v : -1;
}

/* Does the module @mod, loaded or loadable, hold the function @name? A
 * module not loaded yet counts if modules.dep lists it: attach loads it. */
static bool sg_module_has(const struct btf *vmlinux, const char *mod, const char *name,
			  const char *release)
{
	char path[256], line[512];
	struct btf *btf;
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/btf/%s", mod);
	if (!access(path, R_OK)) {
		btf = btf__parse_split(path, (struct btf *)vmlinux);
		if (libbpf_get_error(btf))
			return false;
		found = sg_btf_has(btf, name, BTF_KIND_FUNC);
		btf__free(btf);
		return found;
	}
	snprintf(path, sizeof(path), "/lib/modules/%s/modules.dep", release);
	f = fopen(path, "r");
	if (!f)
		return false;
	snprintf(path, sizeof(path), "/%s.ko", mod);
	while (!found && fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':'), *ko;

		if (!colon)
			continue;
		*colon = '\0'; /* the module itself, before its dependencies */
		ko = strstr(line, path);
		found = ko && (ko[strlen(path)] == '\0' || ko[strlen(path)] == '.');
	}
	fclose(f);
	return found;
}

/* nf_conntrack, whose kfuncs synguard_xdp calls, loaded where it is a
 * module (libbpf resolves them in its BTF). */
int sg_conntrack_load(void)
{
	char *argv[] = { "modprobe", "-q", "nf_conntrack", NULL };
	extern char **environ;
	int status;
	pid_t pid;

	if (!access("/sys/module/nf_conntrack", F_OK))
		return 0;
	if (posix_spawnp(&pid, "modprobe", NULL, NULL, argv, environ) ||
	    waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) ||
	    access("/sys/module/nf_conntrack", F_OK)) {
		sg_err("cannot load the nf_conntrack module (modprobe nf_conntrack), whose "
		       "conntrack lookup synguard's XDP program calls");
		return -ENOENT;
	}
	return 0;
}

void sg_features_probe(struct sg_features *f)
{
	struct utsname u;
	struct btf *btf;

	memset(f, 0, sizeof(*f));
	if (!uname(&u))
		snprintf(f->release, sizeof(f->release), "%s", u.release);
	f->xdp = libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_XDP, NULL) == 1;
	f->ringbuf = libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, NULL) == 1;
	f->bpf_loop = libbpf_probe_bpf_helper(BPF_PROG_TYPE_XDP, BPF_FUNC_loop, NULL) == 1;
	f->raw_syncookie = libbpf_probe_bpf_helper(BPF_PROG_TYPE_XDP,
						   BPF_FUNC_tcp_raw_gen_syncookie_ipv4,
						   NULL) == 1;
	f->ktime_tai = libbpf_probe_bpf_helper(BPF_PROG_TYPE_XDP, 208 /* ktime_get_tai_ns */,
					       NULL) == 1;
	f->btf_vmlinux = access("/sys/kernel/btf/vmlinux", R_OK) == 0;
	btf = f->btf_vmlinux ? btf__load_vmlinux_btf() : NULL;
	if (libbpf_get_error(btf))
		btf = NULL;
	f->reqsk_kfunc = sg_btf_has(btf, "bpf_sk_assign_tcp_reqsk", BTF_KIND_FUNC);
	f->tcx = sg_btf_enum_has(btf, "bpf_attach_type", "BPF_TCX_INGRESS");
	f->ct_kfunc = sg_btf_has(btf, "bpf_xdp_ct_lookup", BTF_KIND_FUNC) ||
		      (btf && sg_module_has(btf, "nf_conntrack", "bpf_xdp_ct_lookup", f->release));
	btf__free(btf);
	f->tcp_syncookies = sg_read_int("/proc/sys/net/ipv4/tcp_syncookies");
}

/* What every mode needs: XDP and a ring buffer for events. */
int sg_features_require_base(const struct sg_features *f)
{
	if (!f->xdp) {
		sg_err("kernel %s does not support XDP programs (Linux >= 5.8 needed)",
		       f->release);
		return -EOPNOTSUPP;
	}
	if (!f->ringbuf) {
		sg_err("kernel %s lacks the BPF ring buffer (Linux >= 5.8 needed)",
		       f->release);
		return -EOPNOTSUPP;
	}
	return 0;
}

/* The best handshake-completion mode this kernel supports (see README). */
const char *sg_features_best_mode(const struct sg_features *f)
{
	if (f->reqsk_kfunc && f->tcx)
		return "cookies-reqsk";
	if (f->raw_syncookie && f->ct_kfunc)
		return "cookies-synproxy";
	return "filter-only";
}

/* The kernel's jiffies counter, from /proc/timer_list; 0 if unreadable. */
static unsigned long long sg_jiffies(void)
{
	unsigned long long j = 0;
	char line[128];
	FILE *f = fopen("/proc/timer_list", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "jiffies: %llu", &j) == 1)
			break;
	fclose(f);
	return j;
}

/* CONFIG_HZ measured: jiffies over 200 ms, rounded to the nearest value
 * Kconfig offers. 0 if the counter cannot be read. */
static unsigned int sg_measure_hz(void)
{
	static const unsigned int choices[] = { 100, 250, 300, 1000 };
	struct timespec a, b, pause = { 0, 200 * 1000 * 1000 };
	unsigned long long j0, j1;
	unsigned int best = 0;
	double hz, err = 0;

	clock_gettime(CLOCK_MONOTONIC, &a);
	j0 = sg_jiffies();
	nanosleep(&pause, NULL);
	j1 = sg_jiffies();
	clock_gettime(CLOCK_MONOTONIC, &b);
	if (!j0 || j1 <= j0)
		return 0;
	hz = (j1 - j0) / ((b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9);
	for (unsigned int i = 0; i < sizeof(choices) / sizeof(choices[0]); i++) {
		double e = hz > choices[i] ? hz - choices[i] : choices[i] - hz;

		if (!best || e < err) {
			best = choices[i];
			err = e;
		}
	}
	return best;
}

/*
 * The Kconfig lines libbpf should use for the programs' __kconfig externs,
 * or NULL where it finds the kernel's own config (/boot/config-RELEASE or
 * /proc/config.gz), as on most distributions. Elsewhere libbpf would fail
 * with "failed to open system Kconfig"; the one value synguard needs,
 * CONFIG_HZ, is measured instead.
 */
const char *sg_kconfig_lines(void)
{
	static char lines[32];
	char path[128];
	struct utsname u;
	unsigned int hz;

	if (lines[0])
		return lines;
	if (!uname(&u)) {
		snprintf(path, sizeof(path), "/boot/config-%s", u.release);
		if (!access(path, R_OK))
			return NULL;
	}
	if (!access("/proc/config.gz", R_OK))
		return NULL;
	hz = sg_measure_hz();
	if (!hz) {
		fprintf(stderr, "%s: warning: no kernel config (/boot/config-%s, "
			"/proc/config.gz) and no /proc/timer_list to measure HZ: assuming 250\n",
			sg_prog_name, u.release);
		hz = 250;
	} else if (sg_verbose)
		fprintf(stderr, "%s: no kernel config found: CONFIG_HZ=%u, measured\n",
			sg_prog_name, hz);
	snprintf(lines, sizeof(lines), "CONFIG_HZ=%u\n", hz);
	return lines;
}
