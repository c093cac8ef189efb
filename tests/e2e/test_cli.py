# SPDX-License-Identifier: GPL-2.0-only
"""attach / detach / status: documented behaviour and every error path.
Each failure must print one line on stderr, exit non-zero and leave
nothing attached or pinned."""
import json
import os
import subprocess

import pytest

import sgtest
from sgtest import run


def assert_clean(ns, ifname):
    assert sgtest.xdp_prog_ids(ns, ifname) == []
    assert not os.path.exists(ns.pin_dir())
    # no nftables table of synguard's (the SYNPROXY completion)
    assert "synguard_" not in ns.exec(["nft", "list", "tables"], check=False).stdout


def assert_one_line_error(r, *needles):
    assert r.returncode != 0, r.stdout
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, "expected one error line, got: %r" % r.stderr
    assert lines[0].startswith("synguard: "), lines[0]
    for n in needles:
        assert n in lines[0], lines[0]


@pytest.mark.matrix
def test_attach_status_detach(topo):
    srv = topo.server
    r = srv.synguard("attach", "sg0", "--ports", "443,80,8000-8100")
    assert "attached to sg0" in r.stdout

    st = srv.synguard_json("status", "--json")
    assert st["kernel"]["xdp"] and st["kernel"]["ringbuf"]
    assert st["netns_cookie"] == srv.cookie
    (a,) = st["attachments"]
    assert a["interface"] == "sg0"
    assert a["state"] == "attached"
    assert a["xdp_mode"] == "native"
    assert a["attach_mode"] in ("single-program", "libxdp-dispatcher")
    assert a["ports"] == "80,443,8000-8100"
    assert a["xdp_prog_id"] in sgtest.xdp_prog_ids(srv, "sg0") or \
        a["attach_mode"] == "libxdp-dispatcher"
    links = run(["bpftool", "-j", "link", "show"]).stdout
    if sgtest.missing("cookies"):
        # the default, where the kernel has no request-socket kfunc: the
        # SYNPROXY completion, with its sysctl said
        assert a["cookies"] == "auto" and a["completion"] == "synproxy"
        assert "nf_conntrack_tcp_loose" in r.stderr and r.stderr.count("\n") == 1
        assert a["tc_link_id"] == 0
    else:
        assert a["cookies"] == "auto"          # the default
        assert a["completion"] == "reqsk"
        assert r.stderr == ""
        assert a["tc_link_id"] > 0 and '"id":%d,' % a["tc_link_id"] in links.replace(" ", "")
    # status IFACE gives the same single attachment; human output too
    assert srv.synguard_json("status", "sg0", "--json")["attachments"] == [a]
    human = srv.synguard("status").stdout
    assert "sg0 (ifindex" in human and "attached" in human and "80,443,8000-8100" in human

    r = srv.synguard("detach", "sg0")
    assert "detached from sg0" in r.stdout
    assert_clean(srv, "sg0")
    assert srv.synguard_json("status", "--json")["attachments"] == []
    links = run(["bpftool", "-j", "link", "show"]).stdout
    assert not a["tc_link_id"] or '"id":%d,' % a["tc_link_id"] not in links.replace(" ", "")


@pytest.mark.matrix
@pytest.mark.cookies
def test_cookies_off_still_loads_tc_program(topo):
    """With cookies off the TC program is attached anyway where the kernel
    has what it needs, so that 'set cookies=' can turn cookies on; detach
    removes it with the rest."""
    srv = topo.server
    srv.synguard("attach", "sg0", "--ports", "80", "--cookies", "off")
    (a,) = srv.synguard_json("status", "--json")["attachments"]
    assert a["cookies"] == "off" and a["tc_link_id"] != 0
    srv.synguard("detach", "sg0")
    links = json.loads(srv.exec(["bpftool", "-j", "link", "show"]).stdout)
    assert all(link["id"] != a["tc_link_id"] for link in links)


@pytest.mark.matrix
def test_skb_mode(topo):
    srv = topo.server
    srv.synguard("attach", "sg0", "--ports", "80", "--xdp-mode", "skb")
    (a,) = srv.synguard_json("status", "--json")["attachments"]
    assert a["xdp_mode"] == "skb"
    link = srv.exec(["ip", "-d", "link", "show", "sg0"]).stdout
    assert "xdpgeneric" in link
    srv.synguard("detach", "sg0")
    assert_clean(srv, "sg0")


def test_attach_twice_refused(topo):
    srv = topo.server
    srv.synguard("attach", "sg0", "--ports", "80")
    ids = sgtest.xdp_prog_ids(srv, "sg0")
    r = srv.synguard("attach", "sg0", "--ports", "443", check=False)
    assert_one_line_error(r, "already attached to sg0")
    assert sgtest.xdp_prog_ids(srv, "sg0") == ids
    assert srv.synguard_json("status", "--json")["attachments"][0]["ports"] == "80"
    srv.synguard("detach", "sg0")


@pytest.mark.parametrize("ports,needle", [
    ("", "empty port list"),
    ("0", "out of range"),
    ("65536", "out of range"),
    ("80,", "ends the list"),
    ("80,,443", "not a port"),
    ("90-80", "descending"),
    ("http", "not a port"),
    ("80;443", "not a port"),
    ("1-99999", "out of range"),
    ("0x50", "'0x50' is not a port"),
    ("80abc", "'80abc' is not a port"),
    ("8.0", "not a port"),
])
def test_bad_ports(topo, ports, needle):
    r = topo.server.synguard("attach", "sg0", "--ports", ports, check=False)
    assert_one_line_error(r, needle)
    assert_clean(topo.server, "sg0")


@pytest.mark.parametrize("args,needle", [
    (["attach", "nosuch0", "--ports", "80"], "no interface 'nosuch0'"),
    (["attach", "sg0"], "needs --ports"),
    (["attach", "sg0", "--ports", "80", "--xdp-mode", "hw"], "bad --xdp-mode"),
    (["attach", "sg0", "--ports", "80", "--event-rate", "-1"], "bad --event-rate"),
    (["attach", "--ports", "80"], "exactly one interface"),
    (["attach", "a" * 20, "--ports", "80"], "too long"),
    (["detach", "sg0"], "not attached to sg0"),
    (["detach", "nosuch0"], "no interface 'nosuch0'"),
    (["status", "sg0"], "not attached to sg0"),
    (["stats", "sg0"], "not attached to sg0"),
    (["events", "sg0"], "not attached to sg0"),
    (["stats", "--interval", "x"], "bad --interval"),
    (["stats", "--watch", "--interval", "0"], "--watch needs"),
    (["events", "--count", "0"], "bad --count"),
    (["frobnicate"], "unknown verb"),
    (["attach", "sg0", "--ports", "80", "--event-rate", "+5"], "bad --event-rate '+5'"),
    (["attach", "sg0", "--ports", "80", "--event-rate", " 5"], "bad --event-rate ' 5'"),
])
def test_usage_errors(topo, args, needle):
    r = topo.server.synguard(*args, check=False)
    assert_one_line_error(r, needle)
    assert_clean(topo.server, "sg0")


@pytest.mark.parametrize("args,needle", [
    (["attach", "sg0", "--no-such-option"], "unknown option '--no-such-option'"),
    (["attach", "sg0", "-Z"], "unknown option '-Z'"),
    (["attach", "sg0", "--ports"], "no value for option '--ports'"),
    (["stats", "--interval"], "no value for option '--interval'"),
    (["attach", "sg0", "extra", "--ports", "80"], "exactly one interface"),
])
def test_command_line_refused_exits_2(topo, args, needle):
    """A command line synguard cannot take: one line naming the problem and
    --help, no usage dump, exit 2."""
    r = topo.server.synguard(*args, check=False)
    assert_one_line_error(r, needle)
    assert r.returncode == 2 and r.stdout == ""
    assert_clean(topo.server, "sg0")


@pytest.mark.parametrize("args", [
    ["attach", "sg0", "--ports", "1" * 100000],
    ["attach", "sg0", "--ports", "80," + "9" * 100000],
    ["attach", "sg0", "--ports", "80", "--cookies", "x" * 100000],
    ["allow", "add", "sg0", "10.0.0.0/8", "y" * 100000],
    ["attach", "sg0\x01\xff" + "z" * 10, "--ports", "80"],
    ["attach", "sg0", "--ports", "80", "--cookies", "\x1b[2J\x07"],
])
def test_errors_quote_a_bounded_escaped_excerpt(topo, args):
    """However long or binary the bad input, the error is one short printable
    line."""
    r = subprocess.run(topo.server.cmd([sgtest.SYNGUARD] + args), capture_output=True,
                       timeout=60)
    err = r.stderr.decode("ascii")                 # nothing but ASCII
    assert r.returncode != 0 and err.count("\n") == 1 and len(err) < 300, err
    assert all(c.isprintable() for c in err.strip()), err
    assert_clean(topo.server, "sg0")


def test_mtu_beyond_single_buffer_xdp(topo):
    """A veth MTU of 9000 is more than native single-buffer XDP takes: the
    error names the MTU and the ways out, nothing is left, and skb mode
    works. (A pair of its own: the topology's peer runs XDP, which caps the
    MTU.)"""
    srv = topo.server
    srv.exec(["ip", "link", "add", "sgm0", "mtu", "9000", "type", "veth", "peer", "name", "sgm1",
              "mtu", "9000"])
    try:
        srv.exec(["ip", "link", "set", "sgm0", "up"])
        srv.exec(["ip", "link", "set", "sgm1", "up"])
        r = srv.synguard("attach", "sgm0", "--ports", "80", check=False)
        assert_one_line_error(r, "MTU 9000", "lower the MTU or use --xdp-mode skb")
        assert_clean(srv, "sgm0")
        srv.synguard("attach", "sgm0", "--ports", "80", "--xdp-mode", "skb")
        srv.synguard("detach", "sgm0")
        assert_clean(srv, "sgm0")
    finally:
        srv.exec(["ip", "link", "del", "sgm0"], check=False)
