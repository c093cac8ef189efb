# SPDX-License-Identifier: GPL-2.0
#
# synguard build. `make` builds build/synguard (and says which Debian
# packages are missing, without installing any: `make deps` does); `make
# test` (root) installs what it needs and runs the unit and end-to-end tests
# and the kernel matrix; `make demo` (root) runs the namespace demo.

ARCH      := $(shell uname -m | sed -e 's/aarch64/arm64/' -e 's/x86_64/x86/')
MULTIARCH := $(shell gcc -print-multiarch 2>/dev/null || echo $(shell uname -m)-linux-gnu)

CLANG   ?= clang
CC      ?= gcc
BPFTOOL ?= bpftool
PREFIX  ?= /usr/local
BUILD   := build
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo 0.1)

BPF_CFLAGS := -g -O2 -mcpu=v3 -target bpf -Wall -Werror -D__TARGET_ARCH_$(ARCH) \
	      -I. -Iinclude -I/usr/include/$(MULTIARCH)
CFLAGS  ?= -O2 -g
CFLAGS  += -Wall -Wextra -Werror -Wno-unused-parameter -Wno-format-truncation -std=gnu11 \
	   -D_GNU_SOURCE -DSG_VERSION='"$(VERSION)"' -DSG_LIBDIR='"$(PREFIX)/lib/synguard"' -Iinclude -I$(BUILD) -Iuser/lib -Iuser/verbs
LDLIBS  := -lxdp -lbpf -lelf -lz -ljansson -lnftables -linih -lmicrohttpd -lncursesw -ltinfo -lpcap -lmnl -lm

# user/main.c dispatches to the verbs (user/verbs/), which share the
# library in user/lib/.
SKELS     := $(BUILD)/synguard.skel.h $(BUILD)/synflood.skel.h
LIB_OBJS  := $(patsubst user/%.c,$(BUILD)/user/%.o,$(wildcard user/lib/*.c))
VERB_OBJS := $(patsubst user/%.c,$(BUILD)/user/%.o,$(wildcard user/verbs/*.c))
USER_OBJS := $(BUILD)/user/main.o $(VERB_OBJS) $(LIB_OBJS)

UNIT_SRCS := $(wildcard tests/unit/*.c)
UNIT_OBJS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%.o,$(UNIT_SRCS))
# libxdp's dispatcher, in the layout it loads (bpf/dispatcher/): its file
# name is the one libxdp looks for.
DISPATCHER := $(BUILD)/bpf/xdp-dispatcher.o
TEST_BPF  := $(patsubst tests/bpf/%.bpf.c,$(BUILD)/tests/%.bpf.o,$(wildcard tests/bpf/*.bpf.c))
BENCH_BPF := $(patsubst bench/bpf/%.bpf.c,$(BUILD)/bench/%.bpf.o,$(wildcard bench/bpf/*.bpf.c))

.PHONY: all docs check-deps deps test-deps bench-deps test unit e2e fuzz soak vmtest demo bench install uninstall deb vmlinux \
	clean
.DEFAULT_GOAL := all
# Keep the BPF object and skeleton: they are intermediates of build/synguard.
.SECONDARY:

DOCS := $(BUILD)/synguard.8 $(BUILD)/synguard.bash-completion

all: check-deps $(BUILD)/synguard $(BUILD)/synflood $(DISPATCHER) $(DOCS)

# Says which build packages are missing; `deps` installs them (a no-op
# when all are present).
check-deps:
	@scripts/deps.sh --check build
deps:
	@scripts/deps.sh build
test-deps:
	@scripts/deps.sh test
bench-deps:
	@scripts/deps.sh bench

$(BUILD)/%.bpf.o: bpf/%.bpf.c vmlinux.h | $(BUILD)
	$(CLANG) $(BPF_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/synflood.bpf.o: synflood/synflood.bpf.c vmlinux.h | $(BUILD)
	$(CLANG) $(BPF_CFLAGS) -MMD -MP -c $< -o $@

$(DISPATCHER): bpf/dispatcher/xdp-dispatcher.bpf.c
	@mkdir -p $(dir $@)
	$(CLANG) -g -O2 -mcpu=v3 -target bpf -Wall -Werror -I/usr/include/$(MULTIARCH) -c $< -o $@

$(BUILD)/%.skel.h: $(BUILD)/%.bpf.o
	$(BPFTOOL) gen skeleton $< name $(subst -,_,$*)_bpf > $@.tmp && mv $@.tmp $@

# Objects depend on the skeletons they include through their .d files; the
# order-only prerequisite makes them exist before the first compile.
$(BUILD)/user/%.o: user/%.c | $(BUILD) $(SKELS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/synguard: $(USER_OBJS)
	$(CC) $(CFLAGS) $(LDFLAGS) $^ -o $@ $(LDLIBS)

# The man page and the bash completion come from the option tables, and
# `make docs` regenerates the README's option lists (user/docgen.c).
$(BUILD)/sg-docgen: $(BUILD)/user/docgen.o $(VERB_OBJS) $(LIB_OBJS)
	$(CC) $(CFLAGS) $(LDFLAGS) $^ -o $@ $(LDLIBS)
$(BUILD)/synguard.8: dist/synguard.8.in $(BUILD)/sg-docgen
	$(BUILD)/sg-docgen man $< > $@.tmp && mv $@.tmp $@
$(BUILD)/synguard.bash-completion: $(BUILD)/sg-docgen
	$(BUILD)/sg-docgen completion > $@.tmp && mv $@.tmp $@
docs: $(BUILD)/sg-docgen
	$(BUILD)/sg-docgen readme README.md > $(BUILD)/README.md.tmp && mv $(BUILD)/README.md.tmp README.md

# synflood (synflood/), the lab attack simulator, shares a few of the
# library's helpers.
$(BUILD)/synflood.o: synflood/synflood.c | $(BUILD) $(SKELS)
	$(CC) $(CPPFLAGS) $(CFLAGS) -Isynflood -MMD -MP -c $< -o $@
SYNFLOOD_OBJS := $(BUILD)/synflood.o \
	$(addprefix $(BUILD)/user/lib/,args.o cidr.o log.o signals.o stats_read.o names.o ports.o)
$(BUILD)/synflood: $(SYNFLOOD_OBJS)
	$(CC) $(CFLAGS) $^ -o $@ -lxdp -lbpf -lelf -lz -ljansson -lm

# The benchmark (bench/): its per-packet cost meter and BPF programs.
$(BUILD)/bench/prog_cost: bench/prog_cost.c | $(BUILD)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $< -o $@ -lbpf -lelf -lz
$(BUILD)/bench/%.bpf.o: bench/bpf/%.bpf.c vmlinux.h | $(BUILD)
	@mkdir -p $(dir $@)
	$(CLANG) $(BPF_CFLAGS) -MMD -MP -c $< -o $@

# The CLI built with AddressSanitizer and UndefinedBehaviorSanitizer
# (build/san/synguard, which tests/run.sh runs the CLI tests against), and
# libFuzzer targets for every parser (tests/fuzz/), on the same objects.
SAN_FLAGS   := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	       -fno-sanitize-recover=all
SAN_CFLAGS  := $(SAN_FLAGS) -fsanitize=fuzzer-no-link -Wall -Wno-unused-parameter -std=gnu11 \
	       -D_GNU_SOURCE -DSG_VERSION='"$(VERSION)"' -DSG_LIBDIR='"$(PREFIX)/lib/synguard"' \
	       -Iinclude -I$(BUILD) -Iuser/lib -Iuser/verbs
SAN_OBJS    := $(patsubst $(BUILD)/user/%,$(BUILD)/san/user/%,$(USER_OBJS))
FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
$(BUILD)/san/user/%.o: user/%.c | $(BUILD) $(SKELS)
	@mkdir -p $(dir $@)
	$(CLANG) $(SAN_CFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/san/synguard: $(SAN_OBJS)
	$(CLANG) $(SAN_FLAGS) $^ -o $@ $(LDLIBS)
$(BUILD)/fuzz/%: tests/fuzz/%.c tests/fuzz/fuzz.h $(filter-out $(BUILD)/san/user/main.o,$(SAN_OBJS))
	@mkdir -p $(dir $@)
	$(CLANG) $(SAN_CFLAGS) -fsanitize=fuzzer -Itests/fuzz $(filter %.c %.o,$^) -o $@ $(LDLIBS)

# Unit tests reuse the loader's objects, minus its main().
$(BUILD)/tests/%.o: tests/unit/%.c | $(BUILD) $(SKELS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/unit -MMD -MP -c $< -o $@

$(BUILD)/tests/%.bpf.o: tests/bpf/%.bpf.c vmlinux.h | $(BUILD)
	@mkdir -p $(dir $@)
	$(CLANG) $(BPF_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/unit_tests: $(UNIT_OBJS) $(filter-out $(BUILD)/user/main.o,$(USER_OBJS))
	$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS) -lcmocka

$(BUILD): check-deps
	@mkdir -p $(BUILD)

test: test-deps $(BUILD)/synguard $(BUILD)/synflood $(DISPATCHER) $(DOCS) $(BUILD)/unit_tests $(TEST_BPF) \
		$(BUILD)/san/synguard $(FUZZ_TARGETS)
	@tests/run.sh

# T=PATTERN runs the unit tests whose names match (e.g. T='test_handoff*').
unit: test-deps $(BUILD)/unit_tests $(TEST_BPF)
	@T="$(T)" tests/run.sh unit

e2e: test-deps $(BUILD)/synguard $(BUILD)/synflood $(DISPATCHER) $(DOCS) $(TEST_BPF)
	@tests/run.sh e2e

# The long fuzzing run: tens of millions of frames through the packet
# fuzzer, and each parser fuzzer for minutes (SG_FUZZ_FRAMES, SG_FUZZ_SECS).
fuzz: test-deps $(BUILD)/unit_tests $(TEST_BPF) $(FUZZ_TARGETS)
	SG_FUZZ_FRAMES=$${SG_FUZZ_FRAMES:-30000000} T='test_fuzz*' tests/run.sh unit
	SG_FUZZ_SECS=$${SG_FUZZ_SECS:-300} tests/run.sh fuzz

# The soak test: synguard run for SG_SOAK_SECS (300) under alternating
# floods and changes, then kill -9 and adoption (tests/e2e/test_soak.py).
soak: test-deps $(BUILD)/synguard $(BUILD)/synflood $(DISPATCHER) $(DOCS) $(TEST_BPF)
	@tests/run.sh e2e -m soak -s

# The kernel matrix alone (KERNELS= picks kernels): see tests/vm/matrix.sh.
vmtest: test-deps $(BUILD)/synguard $(BUILD)/synflood $(DISPATCHER) $(BUILD)/unit_tests $(TEST_BPF)
	@tests/run.sh vm

demo: test-deps $(BUILD)/synguard $(BUILD)/synflood $(DISPATCHER) $(TEST_BPF)
	@scripts/demo.sh

# Side-by-side benchmark (root): see bench/bench.py.
bench: bench-deps $(BUILD)/synguard $(BUILD)/synflood $(BUILD)/bench/prog_cost $(TEST_BPF) \
		$(BENCH_BPF)
	@/usr/bin/python3 bench/bench.py
	@cp $(BUILD)/bench/results.md $(BUILD)/bench/legit_success.png $(BUILD)/bench/legit_p99.png docs/bench/
	@echo "docs/bench/results.md and its plots: this run's"

# The binary, the systemd unit, an example config (kept if one exists), the
# man page and bash completion. DESTDIR for staging, PREFIX for the tree.
SYSCONFDIR ?= /etc
UNITDIR    ?= $(PREFIX)/lib/systemd/system
install: $(BUILD)/synguard $(DISPATCHER) $(DOCS)
	install -D -m 0755 $(BUILD)/synguard $(DESTDIR)$(PREFIX)/sbin/synguard
	install -D -m 0644 $(DISPATCHER) $(DESTDIR)$(PREFIX)/lib/synguard/xdp-dispatcher.o
	@mkdir -p $(DESTDIR)$(UNITDIR)
	sed -e 's|@SBINDIR@|$(PREFIX)/sbin|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
		dist/synguard.service.in > $(DESTDIR)$(UNITDIR)/synguard.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/synguard.service
	[ -e $(DESTDIR)$(SYSCONFDIR)/synguard/synguard.conf ] || \
		install -D -m 0644 dist/synguard.conf $(DESTDIR)$(SYSCONFDIR)/synguard/synguard.conf
	install -D -m 0644 $(BUILD)/synguard.8 $(DESTDIR)$(PREFIX)/share/man/man8/synguard.8
	install -D -m 0644 $(BUILD)/synguard.bash-completion \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/synguard
	install -D -m 0644 dist/grafana-dashboard.json \
		$(DESTDIR)$(PREFIX)/share/doc/synguard/grafana-dashboard.json

# Leaves an edited /etc/synguard/synguard.conf alone (as packages do).
uninstall:
	rm -f $(DESTDIR)$(PREFIX)/sbin/synguard $(DESTDIR)$(UNITDIR)/synguard.service \
		$(DESTDIR)$(PREFIX)/lib/synguard/xdp-dispatcher.o \
		$(DESTDIR)$(PREFIX)/share/man/man8/synguard.8 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/synguard \
		$(DESTDIR)$(PREFIX)/share/doc/synguard/grafana-dashboard.json
	-rmdir $(DESTDIR)$(PREFIX)/share/doc/synguard $(DESTDIR)$(PREFIX)/lib/synguard 2>/dev/null
	cmp -s dist/synguard.conf $(DESTDIR)$(SYSCONFDIR)/synguard/synguard.conf && \
		rm -f $(DESTDIR)$(SYSCONFDIR)/synguard/synguard.conf && \
		rmdir $(DESTDIR)$(SYSCONFDIR)/synguard 2>/dev/null || true

# The Debian package (debian/), built from a copy of this tree in
# build/deb/src so that its outputs land in build/deb; lintian must pass.
deb:
	@scripts/deps.sh deb
	rm -rf $(BUILD)/deb && mkdir -p $(BUILD)/deb/src
	tar --exclude=./$(BUILD) --exclude=./.git -cf - . | tar -xf - -C $(BUILD)/deb/src
	cd $(BUILD)/deb/src && dpkg-buildpackage -us -uc -b
	lintian --fail-on error,warning $(BUILD)/deb/synguard_*.changes
	@ls $(BUILD)/deb/synguard_*.deb

# Regenerate vmlinux.h from the running kernel's BTF.
vmlinux:
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > vmlinux.h.tmp
	mv vmlinux.h.tmp vmlinux.h

clean:
	rm -rf $(BUILD)

-include $(wildcard $(BUILD)/*.d $(BUILD)/user/*.d $(BUILD)/user/*/*.d \
	$(BUILD)/tests/*.d $(BUILD)/bench/*.d $(BUILD)/san/user/*/*.d $(BUILD)/san/user/*.d)
