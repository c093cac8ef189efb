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
])
def test_usage_errors(topo, args, needle):
    r = topo.server.synguard(*args, check=False)
    assert_one_line_error(r, needle)
    assert_clean(topo.server, "sg0")


@pytest.mark.parametrize("verb", ["attach", "detach", "status", "stats", "events"])
def test_help(verb):
    r = run([sgtest.SYNGUARD, verb, "--help"])
    assert r.stdout.startswith("Usage: synguard " + verb)


def test_not_root(topo):
    r = run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
             "--inh-caps=-all", sgtest.SYNGUARD, "status"], check=False)
    assert_one_line_error(r, "needs root")
    r = run(topo.server.cmd(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                             "--inh-caps=-all", sgtest.SYNGUARD, "attach", "sg0",
                             "--ports", "80"]), check=False)
    assert_one_line_error(r, "needs root")
    assert_clean(topo.server, "sg0")


def test_bpffs_missing(topo):
    # A private mount and pid namespace: no ancestor can lend its bpffs.
    script = "umount %s 2>/dev/null; exec %s attach sg0 --ports 80" % (
        sgtest.BPFFS, sgtest.SYNGUARD)
    r = run(topo.server.cmd(["unshare", "-m", "-p", "-f", "--mount-proc",
                             "--propagation", "private", "sh", "-c", script]), check=False)
    assert_one_line_error(r, "no bpffs mounted at /sys/fs/bpf", "mount -t bpf")
    assert_clean(topo.server, "sg0")
    r = run(topo.server.cmd(["env", "SYNGUARD_BPFFS=/tmp", sgtest.SYNGUARD, "status"]),
            check=False)
    assert_one_line_error(r, "SYNGUARD_BPFFS=/tmp is not a bpffs")


def test_foreign_xdp_program_refused(topo):
    srv = topo.server
    run(["ip", "-n", srv.name, "link", "set", "dev", "sg0", "xdpdrv", "obj",
         sgtest.XDP_PASS_OBJ, "sec", "xdp"])
    foreign = sgtest.xdp_prog_ids(srv, "sg0")
    assert len(foreign) == 1
    r = srv.synguard("attach", "sg0", "--ports", "80", check=False)
    assert_one_line_error(r, "already has XDP program 'xdp_pass'", "remove it first")
    # the foreign program is untouched and nothing of ours remains
    assert sgtest.xdp_prog_ids(srv, "sg0") == foreign
    assert not os.path.exists(srv.pin_dir())
    run(["ip", "-n", srv.name, "link", "set", "dev", "sg0", "xdpdrv", "off"])


def test_stale_attachment_after_foreign_removal(topo):
    """Someone removes our program behind our back: status says stale,
    detach cleans the pins, and a new attach works."""
    srv = topo.server
    srv.synguard("attach", "sg0", "--ports", "80")
    run(["ip", "-n", srv.name, "link", "set", "dev", "sg0", "xdp", "off"])
    (a,) = srv.synguard_json("status", "--json")["attachments"]
    assert a["state"] == "stale"
    r = srv.synguard("attach", "sg0", "--ports", "443")   # replaces the stale pins
    (a,) = srv.synguard_json("status", "--json")["attachments"]
    assert a["state"] == "attached" and a["ports"] == "443"
    run(["ip", "-n", srv.name, "link", "set", "dev", "sg0", "xdp", "off"])
    r = srv.synguard("detach", "sg0")
    assert "stale" in r.stdout
    assert_clean(srv, "sg0")


def test_attachment_of_another_pin_layout(topo):
    """An attachment made by a synguard whose maps are laid out differently
    (here: one from before the layout was recorded, pin_layout 0): the verbs
    that write its maps refuse with one line, status shows its ports as
    unknown, and detach removes it."""
    srv = topo.server
    srv.synguard("attach", "sg0", "--ports", "80")
    (a,) = srv.synguard_json("status", "--json")["attachments"]
    info = os.path.join(a["pin_dir"], "info_map")
    key = ["key", "hex", "00", "00", "00", "00"]
    value = json.loads(run(["bpftool", "-j", "map", "lookup", "pinned", info] + key).stdout)
    value = [int(b, 16) for b in value["value"]]
    assert value[52:56] == [1, 0, 0, 0]         # SG_PIN_LAYOUT, recorded at attach
    value[52:56] = [0, 0, 0, 0]
    run(["bpftool", "map", "update", "pinned", info] + key +
        ["value", "hex"] + ["%02x" % b for b in value])

    for args in (["set", "sg0", "ports=22"], ["reload", "sg0"], ["deny", "add", "sg0", "192.0.2.9"]):
        r = srv.synguard(*args, check=False)
        assert_one_line_error(r, "another version of synguard", "synguard detach sg0")
    (a,) = srv.synguard_json("status", "--json")["attachments"]
    assert a["state"] == "attached" and a["ports"] == "?"
    r = srv.synguard("detach", "sg0")
    assert "detached from sg0" in r.stdout
    assert_clean(srv, "sg0")


@pytest.mark.matrix
def test_detach_after_interface_deleted(topo):
    srv = topo.server
    srv.exec(["ip", "link", "add", "sgdummy", "type", "veth", "peer", "name", "sgdummy1"])
    srv.exec(["ip", "link", "set", "sgdummy", "up"])
    srv.exec(["ip", "link", "set", "sgdummy1", "up"])
    srv.synguard("attach", "sgdummy", "--ports", "80")
    srv.exec(["ip", "link", "del", "sgdummy"])
    (a,) = srv.synguard_json("status", "--json")["attachments"]
    assert a["state"] == "stale" and a["interface"] == "sgdummy"
    r = srv.synguard("detach", "sgdummy")
    assert "stale" in r.stdout
    assert not os.path.exists(srv.pin_dir())
