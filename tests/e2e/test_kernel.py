# SPDX-License-Identifier: GPL-2.0-only
"""What synguard makes of the running kernel: the mode it offers, loading
without the kernel's config, and sharing an interface through libxdp's
dispatcher. The kernel matrix (tests/vm/) sets what each of its kernels
must give: SG_EXPECT_MODE and SG_EXPECT_DISPATCHER."""
import json
import os

import pytest

import sgtest
from sgtest import run

XDP_COUNT_OBJ = os.path.join(sgtest.REPO, "build", "tests", "xdp_count.bpf.o")


@pytest.mark.matrix
def test_expected_mode():
    expect = os.environ.get("SG_EXPECT_MODE")
    if not expect:
        pytest.skip("no expected mode for this kernel (the matrix sets SG_EXPECT_MODE)")
    k = sgtest.kernel()
    assert k["best_mode"] == expect, "kernel %s offers %s, the matrix expects %s" % (
        k["release"], k["best_mode"], expect)


@pytest.mark.matrix
def test_attach_without_kernel_config(topo):
    """Debian's kernels have no /proc/config.gz: with /boot hidden, libbpf
    finds no config and synguard measures CONFIG_HZ itself."""
    srv = topo.server
    rel = os.uname().release
    script = ("mount -t tmpfs none /boot && ! test -e /proc/config.gz -a ! -e /boot/config-%s"
              " || true; %s" % (rel, " ".join(srv.cmd([sgtest.SYNGUARD, "attach", "sg0",
                                                         "--ports", "80", "--cookies", "off"]))))
    r = run(["unshare", "-m", "sh", "-c", script], check=False)
    assert r.returncode == 0, r.stderr
    assert "synguard attached to sg0" in r.stdout
    assert srv.synguard_json("status", "--json")["attachments"][0]["interface"] == "sg0"
    srv.synguard("detach", "sg0")


def _dispatcher_progs(ns, ifname):
    """The programs libxdp's dispatcher runs on @ifname, or None without one."""
    r = ns.exec(["xdp-loader", "status", ifname], check=False)
    lines = r.stdout.splitlines()
    if not any("xdp_dispatcher" in l for l in lines):
        return None
    return [l.split()[2] for l in lines if l.strip().startswith("=>")]


def _seen(prog_name):
    """The xdp_count program's packet count (its .bss 'seen')."""
    progs = json.loads(run(["bpftool", "-j", "prog", "show", "name", prog_name]).stdout)
    progs = progs if isinstance(progs, list) else [progs]
    total = 0
    for p in progs:
        for m in p.get("map_ids", []):
            for e in json.loads(run(["bpftool", "-j", "map", "dump", "id", str(m)]).stdout):
                for sec in e.get("formatted", e).get("value", {}).get(".bss", []):
                    total += sec.get("seen", 0)
    return total


@pytest.mark.matrix
def test_coexists_with_another_libxdp_program(web):
    """Another program attached through libxdp first, then synguard: both
    run, and detach removes only synguard."""
    srv, cli = web.server, web.client
    srv.exec(["xdp-loader", "load", "-m", "native", "sg0", XDP_COUNT_OBJ])
    try:
        progs = _dispatcher_progs(srv, "sg0")
        if progs is None:
            if os.environ.get("SG_EXPECT_DISPATCHER"):
                pytest.fail("libxdp attached without its dispatcher on a kernel where it "
                            "must load")
            pytest.skip("libxdp's dispatcher cannot load on this kernel (freplace refused)")
        srv.synguard("attach", "sg0", "--ports", "80", "--cookies", "off")
        assert sorted(_dispatcher_progs(srv, "sg0")) == ["synguard_xdp", "xdp_count"]
        before = _seen("xdp_count")
        st0 = srv.synguard_json("stats", "sg0", "--json", "--interval", "0")
        assert sgtest.curl(cli, "http://%s/" % sgtest.SERVER4, count=5) == ["200"] * 5
        st1 = srv.synguard_json("stats", "sg0", "--json", "--interval", "0")
        # at least SYN, ACK, request and FIN of each connection, through both
        assert _seen("xdp_count") - before >= 20
        assert st1["packets"] - st0["packets"] >= 20
        assert "libxdp-dispatcher" in srv.synguard("status").stdout
        srv.synguard("detach", "sg0")
        assert _dispatcher_progs(srv, "sg0") == ["xdp_count"]
        assert sgtest.curl(cli, "http://%s/" % sgtest.SERVER4) == ["200"]
    finally:
        srv.exec(["xdp-loader", "unload", "-a", "sg0"], check=False)
