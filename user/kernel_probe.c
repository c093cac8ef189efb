// SPDX-License-Identifier: GPL-2.0-only
/* Kernel feature probes: program/map types, helpers and BTF lookups. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
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

static int sg_read_int(const char *path)
{
	FILE *f = fopen(path, "r");
	int v = -1;

	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
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
	if (f->reqsk_kfunc)
		return "cookies-reqsk";
	if (f->raw_syncookie)
		return "cookies-synproxy";
	return "filter-only";
}
