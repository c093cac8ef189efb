# SPDX-License-Identifier: GPL-2.0-only
"""The SYNPROXY completion end to end: a local nginx and one behind a
forwarding gateway, over IPv4 and IPv6; a 10 MB download whose checksum
matches (SYNPROXY's sequence translation); the options both ends
negotiated; clients without timestamps, SACK or window scaling; a spoofed
flood answered in XDP that leaves nothing in SYNPROXY, the socket tables
or conntrack; connections the server opens outward through the gateway;
calm, flood and cooldown without a failed connection; and detach leaving
nothing behind.

The client's veth keeps its transmit checksum offload: with it off, every
packet arrives CHECKSUM_NONE, and nft's synproxy expression checks IPv6
packets with IPv4's pseudo-header (nf_ip_checksum() in
nft_synproxy_do_eval()) and drops them all. A NIC that verifies checksums
(CHECKSUM_UNNECESSARY), as real ones do, is not affected."""
import hashlib
import json
import os
import random
import signal
import subprocess
import time

import pytest

import sgtest
from test_adaptive import CLIENT, SYNFLOOD

pytestmark = pytest.mark.synproxy

TCPINFO = os.path.join(os.path.dirname(__file__), "tcpinfo.py")
LOOSE = "/proc/sys/net/netfilter/nf_conntrack_tcp_loose"
INFO_PORT = 8080
BIG = 10 << 20

GW_CLIENT4, GW_CLIENT6 = "198.51.100.2", "2001:db8:1::2"
GW_OUT4, GW_OUT6 = "198.51.100.1", "2001:db8:1::1"
GW_IN4, GW_IN6 = "203.0.113.1", "2001:db8:2::1"
BACKEND4, BACKEND6 = "203.0.113.2", "2001:db8:2::2"


def read(ns, path):
    return ns.exec(["cat", path]).stdout.strip()


def synproxy_syns(ns):
    """SYNs netfilter SYNPROXY answered itself, summed over CPUs."""
    rows = read(ns, "/proc/net/stat/synproxy").splitlines()[1:]
    return sum(int(r.split()[1], 16) for r in rows)


def ct_count(ns):
    return int(read(ns, "/proc/sys/net/netfilter/nf_conntrack_count"))


def stats(ns, iface):
    return ns.synguard_json("stats", iface, "--json", "--interval", "0")


def table(ns):
    r = ns.exec(["nft", "list", "tables"], check=False)
    return [line for line in r.stdout.splitlines() if "synguard_" in line]


def big_file(topo):
    path = os.path.join(topo.tmp, "www", "big.bin")
    data = random.Random(17).randbytes(BIG)
    with open(path, "wb") as f:
        f.write(data)
    return hashlib.sha256(data).hexdigest()


def download(ns, url, tmp):
    out = os.path.join(tmp, "got.bin")
    ns.exec(["curl", "-sfg", "--max-time", "60", "-o", out, url], timeout=90)
    with open(out, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    os.unlink(out)
    return digest


def exchange(ns, addr, n=1 << 20):
    r = ns.exec([sgtest.SCAPY_PY, TCPINFO, "client", addr, str(INFO_PORT), "send", str(n)],
                timeout=120)
    return json.loads(r.stdout)


def tcpinfo_server(ns):
    p = ns.popen([sgtest.SCAPY_PY, TCPINFO, "server", str(INFO_PORT)])
    for _ in range(100):
        if ns.exec(["ss", "-Htln", "sport = :%d" % INFO_PORT]).stdout.strip():
            return p
        time.sleep(0.05)
    raise AssertionError("tcpinfo server did not start")


def assert_negotiated(r, ts=True, sack=True, wscale=True):
    s, c = r["server"], r["client"]
    for opt in ("ts", "sack", "wscale"):
        assert s[opt] == c[opt], (opt, r)
    assert (s["ts"], s["sack"], s["wscale"]) == (ts, sack, wscale), r


@pytest.fixture
def local(web):
    """web, with the client's transmit checksums offloaded (see above)."""
    web.client.exec(["ethtool", "-K", "sg1", "tx", "on"])
    big_file(web)
    return web


@pytest.fixture
def gateway(topo):
    """client (sg1) -> gateway (sgc: synguard, forwarding; sgs) -> server
    (sg0, nginx, no synguard). The server sees the clients' own addresses."""
    srv, cli = topo.server, topo.client
    srv.exec(["ip", "link", "del", "sg0"])
    gw = topo.add_ns(srv.name.replace("-srv", "-gw"))
    topo.link(gw, "sgc", GW_OUT4, GW_OUT6, cli, "sg1", GW_CLIENT4, GW_CLIENT6)
    topo.link(gw, "sgs", GW_IN4, GW_IN6, srv, "sg0", BACKEND4, BACKEND6)
    for ns, v4, v6 in ((cli, GW_OUT4, GW_OUT6), (srv, GW_IN4, GW_IN6)):
        ns.exec(["ip", "route", "add", "default", "via", v4])
        ns.exec(["ip", "-6", "route", "add", "default", "via", v6])
    gw.exec(["sysctl", "-qw", "net.ipv4.ip_forward=1"])
    gw.exec(["sysctl", "-qw", "net.ipv6.conf.all.forwarding=1"])
    cli.exec(["ethtool", "-K", "sg1", "tx", "on"])
    sgtest.start_nginx(srv, topo.tmp)
    topo.gw = gw
    topo.digest = big_file(topo)
    return topo


@pytest.mark.matrix
def test_local_server(local):
    """A local nginx behind the forced SYNPROXY completion: curl over both
    families, a 10 MB download intact, the table and sysctl in place while
    attached and gone after."""
    srv, cli = local.server, local.client
    digest = big_file(local)
    loose = read(srv, LOOSE)
    r = srv.synguard("attach", "sg0", "--ports", "80", "--cookies", "always",
                     "--completion", "synproxy")
    assert "nf_conntrack_tcp_loose" in r.stderr   # the warning
    a = srv.synguard_json("status", "--json")["attachments"][0]
    assert (a["completion"], a["completion_reason"]) == ("synproxy", "--completion asked for it")
    assert a["synproxy_table"] == "inet synguard_%d" % a["ifindex"]
    assert read(srv, LOOSE) == "0"
    rules = srv.exec(["nft", "list", "table", "inet", "synguard_%d" % a["ifindex"]]).stdout
    assert "notrack" in rules and rules.count("synproxy mss") == 2 and "drop" in rules

    for url in ("http://%s/" % sgtest.SERVER4, "http://[%s]/" % sgtest.SERVER6):
        assert sgtest.curl(cli, url, count=5) == ["200"] * 5
        assert download(cli, url + "big.bin", local.tmp) == digest
    s = stats(srv, "sg0")
    assert s["answers"]["synack"] >= 12
    assert s["counters"]["handshakes"]["packets"] >= 12
    assert s["cookies"]["acks_rejected"] == {"bad": 0, "expired": 0}
    assert synproxy_syns(srv) == 0          # every SYN answered in XDP

    srv.synguard("detach", "sg0")
    assert table(srv) == [] and read(srv, LOOSE) == loose


@pytest.mark.parametrize("variant", [
    pytest.param({}, marks=pytest.mark.matrix),
    pytest.param({"tcp_timestamps": 0}, marks=pytest.mark.matrix),
    {"tcp_sack": 0},
    {"tcp_window_scaling": 0},
], ids=["default", "no-timestamps", "no-sack", "no-wscale"])
def test_negotiated_options(local, variant):
    """Both ends agree on every option; SYNPROXY keeps window scaling and
    SACK only in the timestamp, so a client without timestamps connects
    without them (the kernel's own cookies do the same)."""
    srv, cli = local.server, local.client
    tcpinfo_server(srv)
    srv.synguard("attach", "sg0", "--ports", str(INFO_PORT), "--cookies", "always",
                 "--completion", "synproxy")
    for k, v in variant.items():
        cli.exec(["sysctl", "-qw", "net.ipv4.%s=%d" % (k, v)])
    ts = variant.get("tcp_timestamps", 1) == 1
    for addr in (sgtest.SERVER4, sgtest.SERVER6):
        r = exchange(cli, addr)
        assert_negotiated(r, ts=ts, sack=ts and variant.get("tcp_sack", 1) == 1,
                          wscale=ts and variant.get("tcp_window_scaling", 1) == 1)
        if r["server"]["wscale"]:
            s, c = r["server"], r["client"]
            assert s["snd_wscale"] == c["rcv_wscale"] and c["snd_wscale"] == s["rcv_wscale"]
    assert stats(srv, "sg0")["cookies"]["acks_rejected"] == {"bad": 0, "expired": 0}


@pytest.mark.matrix
def test_local_flood(local):
    """Spoofed SYNs are answered in XDP: SYNPROXY answers none of them, no
    half-open socket and no conntrack entry is left, and every legitimate
    request succeeds meanwhile."""
    srv, cli = local.server, local.client
    srv.synguard("attach", "sg0", "--ports", "80", "--cookies", "always",
                 "--completion", "synproxy")
    ct_before = ct_count(srv)
    urls = ["http://%s/" % sgtest.SERVER4, "http://[%s]/" % sgtest.SERVER6]
    codes = sgtest.synflood_while_curling(cli, sgtest.SPOOFED, 2000, urls)
    assert codes and codes == ["200"] * len(codes)
    s = stats(srv, "sg0")
    assert s["answers"]["synack"] >= 0.9 * 4000
    assert synproxy_syns(srv) <= 2       # a legitimate SYN-ACK lost and retried, at most
    assert srv.exec(["ss", "-Htan", "state", "syn-recv"]).stdout.strip() == ""
    # the legitimate connections' entries only (each lives on in TIME_WAIT)
    assert ct_count(srv) - ct_before <= len(codes) + 2


@pytest.mark.matrix
def test_gateway(gateway):
    """synguard on a gateway's client-facing NIC protects the server behind
    it: both families, the download intact, the options negotiated, a flood
    answered in XDP at the gateway, and connections the server opens
    outward (their replies without DF) untouched."""
    gw, srv, cli = gateway.gw, gateway.server, gateway.client
    gw.synguard("attach", "sgc", "--ports", "80", "--role", "gateway", "--cookies", "always",
                "--backend-mss", "1460", "--backend-wscale", "7")
    a = gw.synguard_json("status", "--json")["attachments"][0]
    assert (a["completion"], a["role"]) == ("synproxy", "gateway")
    rules = gw.exec(["nft", "list", "table", "inet", "synguard_%d" % a["ifindex"]]).stdout
    assert "hook forward" in rules and "synproxy mss 1460 wscale 7" in rules

    urls = ["http://%s/" % BACKEND4, "http://[%s]/" % BACKEND6]
    for url in urls:
        assert sgtest.curl(cli, url, count=5) == ["200"] * 5
        assert download(cli, url + "big.bin", gateway.tmp) == gateway.digest
    tcpinfo_server(srv)
    gw.synguard("set", "sgc", "ports=80,%d" % INFO_PORT)
    for addr in (BACKEND4, BACKEND6):
        r = exchange(cli, addr)
        assert_negotiated(r)
        assert r["client"]["snd_wscale"] == 7      # the backend's, announced by the gateway

    ct_before = ct_count(gw)
    # the backends are off-link: synflood's frames go to the gateway's MAC
    mac = json.loads(gw.exec(["ip", "-j", "link", "show", "dev", "sgc"]).stdout)[0]["address"]
    codes = sgtest.synflood_while_curling(
        cli, ((BACKEND4, "198.51.100.128/25"), (BACKEND6, "2001:db8:1::1000/116")), 1500, urls,
        ("--dst-mac", mac))
    assert codes and codes == ["200"] * len(codes)
    assert stats(gw, "sgc")["answers"]["synack"] >= 0.9 * 3000
    assert synproxy_syns(gw) <= 2
    assert ct_count(gw) - ct_before <= len(codes) + 2
    assert srv.exec(["ss", "-Htan", "state", "syn-recv"]).stdout.strip() == ""

    # the server's own connections out, the client answering without DF
    cli.exec(["sysctl", "-qw", "net.ipv4.ip_no_pmtu_disc=1"])
    tcpinfo_server(cli)
    for addr in (GW_CLIENT4, GW_CLIENT6):
        r = json.loads(srv.exec([sgtest.SCAPY_PY, TCPINFO, "client", addr, str(INFO_PORT),
                                 "send", str(4 << 20)], timeout=120).stdout)
        assert r["bytes"] == 4 << 20
    s = stats(gw, "sgc")
    assert s["cookies"]["acks_rejected"] == {"bad": 0, "expired": 0}
    gw.synguard("detach", "sgc")
    assert table(gw) == []


@pytest.mark.parametrize("completion", ["synproxy", "reqsk"])
def test_calm_flood_cooldown(local, completion):
    """A client connecting in a loop through calm, a flood that engages
    cookies, and the cooldown after it, loses no connection, whichever
    completion runs."""
    if completion == "reqsk":
        why = sgtest.missing("cookies")
        if why:
            pytest.skip(why)
    srv, cli = local.server, local.client
    srv.synguard("attach", "sg0", "--ports", "80", "--cookies", "auto", "--completion",
                 completion, "--syn-threshold", "3000", "--cooldown", "1")
    script = os.path.join(local.tmp, "client.py")
    with open(script, "w") as f:
        f.write(CLIENT)
    client = cli.popen([sgtest.SCAPY_PY, script, sgtest.SERVER4], stdout=subprocess.PIPE,
                       text=True)
    try:
        time.sleep(1)
        sgtest.run(cli.cmd([SYNFLOOD, "--iface", "sg1", "--dst", sgtest.SERVER4, "--src",
                            "192.0.2.128/25", "--rate", "20000", "--count", "60000",
                            "--duration", "2", "--json"]), timeout=60)
        hot = stats(srv, "sg0")
        deadline = time.time() + 15
        while time.time() < deadline and stats(srv, "sg0")["adaptive"]["engaged"]:
            time.sleep(0.3)
        time.sleep(1)
    finally:
        client.send_signal(signal.SIGTERM)
        out = json.loads(client.communicate(timeout=10)[0])
    assert hot["adaptive"]["attacks"] == 1 and hot["answers"]["synack"] >= 20000
    assert not stats(srv, "sg0")["adaptive"]["engaged"]
    assert out["ok"] >= 20 and out["failed"] == 0, out


def test_set_switches_completion_and_ports(local):
    """set changes the ports SYNPROXY guards and the completion itself; the
    table follows, and the sysctl comes back with the reqsk completion and
    at detach."""
    srv, cli = local.server, local.client
    loose = read(srv, LOOSE)
    srv.synguard("attach", "sg0", "--ports", "80", "--cookies", "always",
                 "--completion", "synproxy")
    ifindex = srv.synguard_json("status", "--json")["attachments"][0]["ifindex"]
    srv.synguard("set", "sg0", "ports=80,8000-8009")
    rules = srv.exec(["nft", "list", "set", "inet", "synguard_%d" % ifindex, "ports"]).stdout
    assert "8000-8009" in rules
    srv.synguard("set", "sg0", "cookies=off")
    assert table(srv) == [] and read(srv, LOOSE) == loose
    srv.synguard("set", "sg0", "cookies=always")
    assert len(table(srv)) == 1 and read(srv, LOOSE) == "0"
    assert sgtest.curl(cli, "http://%s/" % sgtest.SERVER4, count=3) == ["200"] * 3
    if not sgtest.missing("cookies"):
        srv.synguard("set", "sg0", "completion=reqsk")
        assert table(srv) == [] and read(srv, LOOSE) == loose
        assert sgtest.curl(cli, "http://%s/" % sgtest.SERVER4, count=3) == ["200"] * 3
        a = srv.synguard_json("status", "--json")["attachments"][0]
        assert a["completion"] == "reqsk" and a["synproxy_table"] is None
    srv.synguard("detach", "sg0")
    assert table(srv) == [] and read(srv, LOOSE) == loose


@pytest.mark.matrix
def test_default_completion_per_kernel(local):
    """A default attach gives SYN cookies on every kernel of the matrix:
    request sockets where the kfunc exists, SYNPROXY where it does not."""
    srv, cli = local.server, local.client
    srv.synguard("attach", "sg0", "--ports", "80", "--cookies", "always")
    a = srv.synguard_json("status", "--json")["attachments"][0]
    expect = "reqsk" if sgtest.kernel()["reqsk_kfunc"] and sgtest.kernel()["tcx"] else "synproxy"
    assert a["completion"] == expect, a
    assert sgtest.curl(cli, "http://%s/" % sgtest.SERVER4, count=3) == ["200"] * 3


def test_reqsk_refused_for_a_gateway(topo):
    r = topo.server.synguard("attach", "sg0", "--ports", "80", "--role", "gateway",
                             "--completion", "reqsk", check=False)
    assert r.returncode != 0
    assert r.stderr.count("\n") == 1 and "--completion synproxy" in r.stderr
    assert table(topo.server) == []
