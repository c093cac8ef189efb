# SPDX-License-Identifier: GPL-2.0-only
"""SYN cookies end to end, cookies forced on: real servers and clients over
IPv4 and IPv6, the options every kind of client negotiates, large
transfers in both directions against a baseline without cookies, no resets,
and a bounded spoofed SYN flood that leaves no trace on the server."""
import concurrent.futures
import ipaddress
import json
import os
import random
import struct
import subprocess
import time

import pytest

import sgtest

pytestmark = pytest.mark.cookies

PORT = 8080
TCPINFO = os.path.join(os.path.dirname(__file__), "tcpinfo.py")
ADDRS = [sgtest.SERVER4, sgtest.SERVER6]


@pytest.fixture
def infosrv(topo):
    """topo with tcpinfo.py serving on PORT in the server namespace."""
    p = topo.server.popen([sgtest.SCAPY_PY, TCPINFO, "server", str(PORT)])
    for _ in range(100):
        if topo.server.exec(["ss", "-Htln", "sport = :%d" % PORT]).stdout.strip():
            return topo
        time.sleep(0.05)
    raise AssertionError("tcpinfo server did not start (%s)" % p.poll())


def exchange(ns, addr, cmd="send", n=4096):
    r = ns.exec([sgtest.SCAPY_PY, TCPINFO, "client", addr, str(PORT), cmd, str(n)],
                timeout=120)
    return json.loads(r.stdout)


def counter(ns, name):
    s = ns.synguard_json("stats", "sg0", "--json", "--interval", "0")
    return s["counters"][name]["packets"]


def nstat(ns, *names):
    out = ns.exec(["nstat", "-az"] + list(names)).stdout.split()
    return {n: int(out[out.index(n) + 1]) for n in names}


def set_client(ns, **sysctls):
    for k, v in sysctls.items():
        ns.exec(["sysctl", "-qw", "net.ipv4.%s=%d" % (k, v)])


@pytest.mark.parametrize("variant", [
    {},
    {"tcp_timestamps": 0},
    {"tcp_sack": 0},
    {"tcp_window_scaling": 0},
    {"tcp_timestamps": 0, "tcp_sack": 0, "tcp_window_scaling": 0},
], ids=["default", "no-timestamps", "no-sack", "no-wscale", "bare"])
def test_negotiated_options_match_client(infosrv, variant):
    """Whatever the client offers, the server's socket (built from the
    cookie) agrees with the client's socket, option by option."""
    srv, cli = infosrv.server, infosrv.client
    srv.synguard("attach", "sg0", "--ports", str(PORT), "--cookies", "always")
    set_client(cli, **variant)
    before = counter(srv, "handshakes")
    for addr in ADDRS:
        r = exchange(cli, addr, "send", 2 << 20)
        s, c = r["server"], r["client"]
        for opt in ("ts", "sack", "wscale"):
            assert s[opt] == c[opt], (addr, opt, r)
        assert s["ts"] == (variant.get("tcp_timestamps", 1) == 1)
        assert s["sack"] == (variant.get("tcp_sack", 1) == 1)
        assert s["wscale"] == (variant.get("tcp_window_scaling", 1) == 1)
        if s["wscale"]:
            # each side scales the other's window by what the other announced
            assert s["snd_wscale"] == c["rcv_wscale"] and c["snd_wscale"] == s["rcv_wscale"]
            assert s["rcv_wscale"] > 0
        assert s["snd_mss"] >= 1220 and c["snd_mss"] >= 1220
    assert counter(srv, "handshakes") - before == 2


def test_without_timestamps_keeps_wscale_and_sack(infosrv):
    """The kernel's cookies lose window scaling and SACK for clients without
    timestamps (Windows' default); synguard's keep them."""
    srv, cli = infosrv.server, infosrv.client
    srv.synguard("attach", "sg0", "--ports", str(PORT), "--cookies", "always")
    set_client(cli, tcp_timestamps=0)
    for addr in ADDRS:
        s = exchange(cli, addr)["server"]
        assert not s["ts"] and s["sack"] and s["wscale"] and s["snd_wscale"] > 0


def test_many_sequential_and_concurrent(web):
    srv, cli = web.server, web.client
    srv.synguard("attach", "sg0", "--ports", "80", "--cookies", "always")
    before = nstat(srv, "TcpOutRsts", "TcpPassiveOpens")
    for addr in ("http://%s/" % sgtest.SERVER4, "http://[%s]/" % sgtest.SERVER6):
        assert sgtest.curl(cli, addr, count=100) == ["200"] * 100

    def batch(url):
        return sgtest.curl(cli, url, count=25)

    urls = ["http://%s/" % sgtest.SERVER4, "http://[%s]/" % sgtest.SERVER6] * 4
    with concurrent.futures.ThreadPoolExecutor(len(urls)) as ex:
        codes = sum(ex.map(batch, urls), [])
    assert codes == ["200"] * 200
    after = nstat(srv, "TcpOutRsts", "TcpPassiveOpens")
    # The handshake ACK and the request can reach the listener on two CPUs
    # at once, both with a valid cookie: the kernel builds two children and
    # keeps one (as with its own cookies), counting two passive opens.
    opens = after["TcpPassiveOpens"] - before["TcpPassiveOpens"]
    assert 400 <= opens <= 410
    # the handshake produced no resets (connections close with FIN)
    assert after["TcpOutRsts"] == before["TcpOutRsts"]
    s = srv.synguard_json("stats", "sg0", "--json", "--interval", "0")
    # a SYN-ACK lost in veth's ring comes back as a retransmitted SYN
    assert s["answers"]["synack"] >= 400
    assert 400 <= s["counters"]["handshakes"]["packets"] <= opens
    assert s["counters"]["reqsk_failed"]["packets"] == 0
    assert s["dropped"] == 0


@pytest.mark.matrix
def test_large_transfers_match_baseline(infosrv):
    """100 MB each way through cookie-made sockets runs at the speed of the
    same transfer without synguard: a window scale the two ends disagreed on
    would shrink the window to bytes and crawl. (veth's RTT is too short for
    a missing window scale alone to slow a transfer down, and this kernel has
    no netem to lengthen it; TCP_INFO checks the scales themselves.)"""
    srv, cli = infosrv.server, infosrv.client
    n = 100 << 20

    def speeds():
        out = {}
        for addr in ADDRS:
            for cmd in ("send", "recv"):
                best = min(exchange(cli, addr, cmd, n)["seconds"] for _ in range(2))
                out[(addr, cmd)] = n / best
        return out

    base = speeds()                      # without synguard
    srv.synguard("attach", "sg0", "--ports", str(PORT), "--cookies", "always")
    cookie = speeds()
    assert counter(srv, "handshakes") >= 8
    for k in base:
        # generous: this machine is noisy; a broken scale is 100x slower
        assert cookie[k] >= 0.4 * base[k], (k, cookie[k] / 1e6, base[k] / 1e6)


@pytest.mark.matrix
def test_syn_flood_from_spoofed_sources(web):
    """A bounded SYN flood from spoofed addresses of the test subnet: every
    legitimate request still succeeds and the server holds no half-open
    connection afterwards."""
    srv, cli = web.server, web.client
    srv.synguard("attach", "sg0", "--ports", "80", "--cookies", "always")
    urls = ["http://%s/" % sgtest.SERVER4, "http://[%s]/" % sgtest.SERVER6]
    codes = sgtest.synflood_while_curling(cli, sgtest.SPOOFED, 3000, urls)
    assert codes and codes == ["200"] * len(codes)
    s = srv.synguard_json("stats", "sg0", "--json", "--interval", "0")
    # Every spoofed SYN that reached synguard was answered in XDP; veth's
    # receive ring may drop a little of a burst before XDP. Only a legitimate
    # client's SYN can go to the kernel: one reusing the port of a connection
    # the server holds in TIME-WAIT (the server closes first here).
    legit = s["passes"]["cookie_ack"]
    c = s["cookies"]
    assert c["cookies_sent"] == s["answers"]["synack"]
    assert c["syns"] - c["cookies_sent"] == s["passes"]["syn"] <= len(codes)
    assert c["syns"] - legit >= 0.9 * 6000
    assert c["acks_validated"] == legit and c["handshakes"] >= legit
    assert c["acks_rejected"] == {"bad": 0, "expired": 0}
    assert s["passes"]["synack_fallback"] == 0
    # spoofed sources never had a socket: their SYNs skip the socket lookup
    # (but for one every two seconds or so, which refreshes the listener's)
    assert s["counters"]["syn_no_lookup"]["packets"] >= 0.9 * (c["syns"] - legit)
    # spoofed SYNs left nothing in the server's socket tables
    synrecv = srv.exec(["ss", "-Htan", "state", "syn-recv"]).stdout.strip()
    assert synrecv == ""
    drops = nstat(srv, "TcpExtListenDrops", "TcpExtSyncookiesSent")
    assert drops["TcpExtListenDrops"] == 0 and drops["TcpExtSyncookiesSent"] == 0


def test_attach_refuses_without_tcp_syncookies(topo):
    srv = topo.server
    srv.exec(["sysctl", "-qw", "net.ipv4.tcp_syncookies=0"])
    r = srv.synguard("attach", "sg0", "--ports", "80", "--cookies", "always", check=False)
    assert r.returncode != 0
    assert r.stderr.count("\n") == 1 and "tcp_syncookies is 0" in r.stderr
    assert "--cookies off" in r.stderr
    assert sgtest.xdp_prog_ids(srv, "sg0") == []
    srv.synguard("attach", "sg0", "--ports", "80", "--cookies", "off")
    srv.synguard("detach", "sg0")


def test_key_file(topo, tmp_path):
    srv = topo.server
    bad = tmp_path / "bad.key"
    bad.write_text("not a key\n")
    r = srv.synguard("attach", "sg0", "--ports", "80", "--key-file", str(bad), check=False)
    assert r.returncode != 0 and "expected 32 hex digits" in r.stderr
    assert sgtest.xdp_prog_ids(srv, "sg0") == []
    good = tmp_path / "good.key"
    good.write_text("00112233445566778899aabbccddeeff\n")
    srv.synguard("attach", "sg0", "--ports", "80", "--key-file", str(good))
    srv.synguard("detach", "sg0")


def _synack_isn(ns, iface, dst, sport, seq):
    """Sends one SYN with scapy and returns the SYN-ACK's sequence number."""
    code = ("from scapy.all import *; conf.verb=0;"
            "a=srp1(Ether(dst=getmacbyip('%s'))/IP(src='%s',dst='%s')/"
            "TCP(sport=%d,dport=80,flags='S',seq=%d,options=[('MSS',1460)]),iface='%s',"
            "timeout=3); print(a[TCP].seq if a else -1)"
            % (dst, sgtest.CLIENT4, dst, sport, seq, iface))
    return int(ns.exec([sgtest.SCAPY_PY, "-c", code]).stdout.strip())


def test_shared_key_gives_identical_cookies(tmp_path):
    """Two hosts attached with the same key file answer the same SYN with
    the same cookie, so either accepts the ACK (anycast / ECMP)."""
    key = tmp_path / "shared.key"
    key.write_text("0f1e2d3c4b5a69788796a5b4c3d2e1f0\n")
    a, b = sgtest.Topology(), sgtest.Topology()
    try:
        for t in (a, b):
            sgtest.start_nginx(t.server, t.tmp)     # synguard answers listeners only
            t.server.synguard("attach", "sg0", "--ports", "80", "--cookies", "always",
                              "--key-file", str(key))
        # The cookie names its 68.7 s period (bits 9..8): a pair of SYNs
        # that straddles a boundary is sent again (at most once needed).
        for _ in range(3):
            isn = {name: _synack_isn(t.client, "sg1", sgtest.SERVER4, 40404, 123456)
                   for name, t in (("a", a), ("b", b))}
            if isn["a"] >> 8 & 3 == isn["b"] >> 8 & 3:
                break
        assert isn["a"] == isn["b"] != -1
        b.server.synguard("detach", "sg0")
        b.server.synguard("attach", "sg0", "--ports", "80", "--cookies", "always")
        assert _synack_isn(b.client, "sg1", sgtest.SERVER4, 40404, 123456) != isn["a"]
    finally:
        a.close()
        b.close()


HANDSHAKE_PY = r"""
import sys
from scapy.all import *
conf.verb = 0
step, src, dst, sport = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
mac = getmacbyip(dst)
if step == "syn":
    a = srp1(Ether(dst=mac) / IP(src=src, dst=dst) /
             TCP(sport=sport, dport=80, flags="S", seq=1000,
                 options=[("MSS", 1460), ("SAckOK", b""), ("Timestamp", (7, 0)),
                          ("NOP", None), ("WScale", 7)]),
             iface="sg1", timeout=3)
    print(a[TCP].seq, dict(a[TCP].options).get("Timestamp", (0, 0))[0])
else:
    isn, tsval = int(sys.argv[5]), int(sys.argv[6])
    sendp(Ether(dst=mac) / IP(src=src, dst=dst) /
          TCP(sport=sport, dport=80, flags="A", seq=1001, ack=isn + 1,
              options=[("NOP", None), ("NOP", None), ("Timestamp", (8, tsval))]),
          iface="sg1")
"""


@pytest.mark.parametrize("kernel_cookies", [False, True], ids=["request-socket", "kernel-cookie"])
def test_ack_to_a_kernel_synack_still_completes(web, kernel_cookies):
    """A SYN-ACK the kernel sent itself (cookies off at the time, or the
    kernel's own SYN cookies) is answered by an ACK after synguard has
    started answering SYNs: that ACK must complete the handshake."""
    srv, cli = web.server, web.client
    spoof = "192.0.2.77"      # not the client's address: its kernel stays out
    if kernel_cookies:
        srv.exec(["sysctl", "-qw", "net.ipv4.tcp_syncookies=2"])   # always
    # the kernel's SYN-ACK needs a neighbour for the spoofed address
    mac = json.loads(cli.exec(["ip", "-j", "link", "show", "sg1"]).stdout)[0]["address"]
    srv.exec(["ip", "neigh", "replace", spoof, "lladdr", mac, "dev", "sg0", "nud", "permanent"])
    srv.synguard("attach", "sg0", "--ports", "80", "--cookies", "off")
    script = os.path.join(web.tmp, "handshake.py")
    with open(script, "w") as f:
        f.write(HANDSHAKE_PY)
    isn, tsval = cli.exec([sgtest.SCAPY_PY, script, "syn", spoof, sgtest.SERVER4,
                           "45454"]).stdout.split()
    synrecv = srv.exec(["ss", "-Htan", "state", "syn-recv"]).stdout
    assert (spoof in synrecv) == (not kernel_cookies)
    srv.synguard("detach", "sg0")
    srv.synguard("attach", "sg0", "--ports", "80", "--cookies", "always")
    # a SYN from elsewhere: a listener sighting, after which ACKs from
    # unknown sources are checked without a lookup
    sgtest.send_packets(cli, "sg1", [{
        "family": 4, "src": "192.0.2.78", "dst": sgtest.SERVER4, "dport": 80,
        "sport": 5555, "flags": "S", "opts": "linux", "seq": 1, "count": 1}])
    cli.exec([sgtest.SCAPY_PY, script, "ack", spoof, sgtest.SERVER4, "45454", isn, tsval])
    time.sleep(0.3)
    est = srv.exec(["ss", "-Htan", "state", "established"]).stdout
    assert "%s:45454" % spoof in est
    s = srv.synguard_json("stats", "sg0", "--json", "--interval", "0")
    if kernel_cookies:
        # Its source was never seen, so its cookie was checked without a
        # lookup first; the kernel had sent cookies before the attach, so
        # a cookie of the kernel's still goes to its listener.
        assert s["passes"]["kernel_cookie_ack"] == 1
        assert s["counters"]["ack_no_lookup"]["packets"] == 1
    else:
        # the request socket existed at attach: its source was marked
        assert s["passes"]["tcp"] >= 1 and s["passes"]["kernel_cookie_ack"] == 0
        assert s["counters"]["ack_no_lookup"]["packets"] == 0
    assert s["drops"]["cookie_bad"] == 0 and s["drops"]["cookie_expired"] == 0


REUSE_PY = r"""
import socket, sys
dst, family = sys.argv[1], socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
src = "2001:db8::2" if family == socket.AF_INET6 else "192.0.2.2"
s = socket.socket(family, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.settimeout(5)
s.bind((src, 40000))
s.connect((dst, 80))
s.sendall(b"GET / HTTP/1.0\r\n\r\n")
data = b""
while True:                  # read to EOF: the server closes first
    chunk = s.recv(65536)
    if not chunk:
        break
    data += chunk
s.close()
print(data.split(b" ")[1].decode())
"""


def test_time_wait_reuse(web):
    """A client reconnecting from the port of a connection the server still
    holds in TIME-WAIT (HTTP/1.0, NAT gateways) must connect: the kernel
    decides on such a SYN, not a cookie."""
    srv, cli = web.server, web.client
    srv.synguard("attach", "sg0", "--ports", "80", "--cookies", "always")
    script = os.path.join(web.tmp, "reuse.py")
    with open(script, "w") as f:
        f.write(REUSE_PY)
    for addr in ADDRS:
        for i in range(3):
            assert cli.exec([sgtest.SCAPY_PY, script, addr]).stdout.strip() == "200", (addr, i)
            tw = srv.exec(["ss", "-Htan", "state", "time-wait"]).stdout
            assert ":40000" in tw           # the server closed first
    s = srv.synguard_json("stats", "sg0", "--json", "--interval", "0")
    assert s["answers"]["synack"] == 2      # the first SYN per family
    assert s["passes"]["syn"] == 4          # the reuses, left to the kernel


def test_time_wait_from_before_attach(web):
    """A TIME-WAIT left by a connection made before synguard was attached is
    known from the start (the loader marks existing sockets' addresses): a
    SYN reusing its port goes to the kernel, never to a cookie, even right
    after a listener sighting that lets unknown sources skip the lookup."""
    srv, cli = web.server, web.client
    script = os.path.join(web.tmp, "reuse.py")
    with open(script, "w") as f:
        f.write(REUSE_PY)
    for addr in ADDRS:
        assert cli.exec([sgtest.SCAPY_PY, script, addr]).stdout.strip() == "200"
    assert srv.exec(["ss", "-Htan", "state", "time-wait"]).stdout.count(":40000") == 2
    srv.synguard("attach", "sg0", "--ports", "80", "--cookies", "always")
    for i, addr in enumerate(ADDRS):
        # a SYN from elsewhere: synguard sees the listener and answers it
        sgtest.send_packets(cli, "sg1", [{
            "family": 4, "src": "192.0.2.77", "dst": sgtest.SERVER4, "dport": 80,
            "sport": 5555 + i, "flags": "S", "opts": "linux", "seq": 1, "count": 1}])
        assert cli.exec([sgtest.SCAPY_PY, script, addr]).stdout.strip() == "200", addr
    s = srv.synguard_json("stats", "sg0", "--json", "--interval", "0")
    assert s["answers"]["synack"] == 2      # the two sightings
    assert s["passes"]["syn"] == 2          # the reuses, left to the kernel


HOLD_PY = r"""
import socket, sys
socks = [socket.create_connection((a, 80), timeout=5) for a in sys.argv[1:] for _ in range(5)]
print("ready", flush=True)
sys.stdin.readline()
codes = []
for s in socks:
    s.sendall(b"GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    codes.append(data.split(b" ")[1].decode())
    s.close()
print(" ".join(codes), flush=True)
"""


def hold_connections(topo):
    """Five connections to each server address, opened from the client and
    held idle until release_connections()."""
    script = os.path.join(topo.tmp, "hold.py")
    with open(script, "w") as f:
        f.write(HOLD_PY)
    hold = topo.client.popen([sgtest.SCAPY_PY, script, sgtest.SERVER4, sgtest.SERVER6],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert hold.stdout.readline().strip() == "ready"
    return hold


def release_connections(hold):
    """Each held connection serves one request, then closes."""
    hold.stdin.write("\n")
    hold.stdin.flush()
    assert hold.stdout.readline().split() == ["200"] * 10
    assert hold.wait(10) == 0


def live_sockets(ns):
    return ns.synguard_json("status", "sg0", "--json")["attachments"][0]["live_sockets"]


def wait_live(ns, n):
    for _ in range(100):
        if live_sockets(ns) == n:
            return
        time.sleep(0.05)
    assert live_sockets(ns) == n


def conn_table(ns):
    """The connection table's entries, as (bucket, fingerprint), and what
    the table of the namespace's established sockets would hold."""
    pins = ns.synguard_json("status", "sg0", "--json")["attachments"][0]["pin_dir"]
    cfg = json.loads(sgtest.run(["bpftool", "-j", "map", "dump", "pinned",
                                 os.path.join(pins, "config_map")]).stdout)
    key = cfg[0]["formatted"]["value"][".data.config"][0]["sg_cfg"]["conn_key"]
    dump = json.loads(sgtest.run(["bpftool", "-j", "map", "dump", "pinned",
                                  os.path.join(pins, "conn_map")]).stdout)
    got = set()
    for e in dump:
        bucket = sgtest.u32(bytes(int(b, 16) for b in e["key"]))
        value = bytes(int(b, 16) for b in e["value"])
        got |= {(bucket, fp) for fp in struct.unpack("<4I", value) if fp}
    want = set()
    for line in ns.exec(["ss", "-Htn", "state", "established"]).stdout.splitlines():
        local, peer = line.split()[-2:]
        (la, lp), (pa, pp) = (x.rsplit(":", 1) for x in (local, peer))
        want.add(sgtest.conn_hash(pa.strip("[]"), int(pp), la.strip("[]"), int(lp), key))
    return got, want


def test_live_sockets_let_forged_acks_skip_the_lookup(web):
    """synguard_sockops counts the server's established sockets, and only
    the server namespace's, and keeps their 4-tuples: forged ACKs from sources without one are
    dropped on their cookie alone (no socket lookup), while the counted
    connections, idle through the flood, still serve their requests; the
    count returns to zero once they close."""
    srv, cli = web.server, web.client
    srv.synguard("attach", "sg0", "--ports", "80", "--cookies", "always")
    assert live_sockets(srv) == 0
    hold = hold_connections(web)
    wait_live(srv, 10)       # the client's ends are in another namespace
    # their 4-tuples' fingerprints, as the client's packets carry them:
    # established flows' ACKs pass on one hash and one read
    got, want = conn_table(srv)
    assert len(want) == 10 and got == want

    rnd = random.Random(11)
    spec = [{"family": 4, "src": "192.0.2.%d" % rnd.randint(100, 250), "dst": sgtest.SERVER4,
             "dport": 80, "sport": rnd.randint(1024, 65535), "flags": "A",
             "seq": rnd.randint(0, 2**32 - 1), "count": 1} for _ in range(150)]
    spec += [{"family": 6, "src": "2001:db8::%x" % rnd.randint(0x100, 0xfff),
              "dst": sgtest.SERVER6, "dport": 80, "sport": rnd.randint(1024, 65535),
              "flags": "A", "seq": rnd.randint(0, 2**32 - 1), "count": 1} for _ in range(150)]
    before = srv.synguard_json("stats", "sg0", "--json", "--interval", "0")
    sgtest.curl(cli, "http://%s/" % sgtest.SERVER4)     # a listener sighting, now
    sgtest.send_packets(cli, "sg1", spec)
    s = srv.synguard_json("stats", "sg0", "--json", "--interval", "0")
    # bad or expired: which one depends on the cookie period it is sent in
    dropped = sum(s["drops"][k] - before["drops"][k] for k in ("cookie_bad", "cookie_expired"))
    skipped = (s["counters"]["ack_no_lookup"]["packets"] -
               before["counters"]["ack_no_lookup"]["packets"])
    delta = {k: v - before[sect][k] for sect in ("drops", "passes")
             for k, v in s[sect].items() if v != before[sect][k]}
    assert dropped == 300, delta
    assert skipped >= 0.9 * 300, delta

    release_connections(hold)
    wait_live(srv, 0)
    assert conn_table(srv) == (set(), set())


def test_without_the_socket_counter_acks_are_looked_up(web):
    """--socket-counter off: nothing is attached to the cgroup, nothing is
    counted, and every ACK under cookies takes the socket lookup; forged
    ACKs are dropped all the same and connections work."""
    srv, cli = web.server, web.client
    srv.synguard("attach", "sg0", "--ports", "80", "--cookies", "always",
                 "--socket-counter", "off")
    assert live_sockets(srv) is None
    pins = srv.synguard_json("status", "sg0", "--json")["attachments"][0]["pin_dir"]
    assert not os.path.exists(os.path.join(pins, "sockops_link"))
    assert sgtest.curl(cli, "http://%s/" % sgtest.SERVER4, count=3) == ["200"] * 3
    spec = [{"family": 4, "src": "192.0.2.%d" % (100 + i), "dst": sgtest.SERVER4,
             "dport": 80, "sport": 2000 + i, "flags": "A", "seq": i, "count": 1}
            for i in range(50)]
    sgtest.send_packets(cli, "sg1", spec)
    s = srv.synguard_json("stats", "sg0", "--json", "--interval", "0")
    assert s["counters"]["ack_no_lookup"]["packets"] == 0
    assert s["drops"]["cookie_bad"] + s["drops"]["cookie_expired"] == 50
    bad = srv.synguard("attach", "sg1x", "--ports", "80", "--socket-counter", "maybe",
                       check=False)
    assert bad.returncode != 0
    assert bad.stderr.strip() == "synguard: bad --socket-counter 'maybe' (use on or off)"


def test_connections_from_before_the_attach_keep_working(web):
    """Connections established before the attach are not counted (sockops
    never saw them) but their sources are marked: their ACKs take the
    socket lookup and pass, and a flood of forged ACKs changes nothing."""
    srv, cli = web.server, web.client
    hold = hold_connections(web)
    srv.synguard("attach", "sg0", "--ports", "80", "--cookies", "always")
    assert live_sockets(srv) == 0
    # a listener sighting, from a source of its own
    sgtest.send_packets(cli, "sg1", [{
        "family": 4, "src": "192.0.2.77", "dst": sgtest.SERVER4, "dport": 80,
        "sport": 5555, "flags": "S", "opts": "linux", "seq": 1, "count": 1}])
    sgtest.send_packets(cli, "sg1", [{
        "family": 4, "src": "192.0.2.%d" % (100 + i), "dst": sgtest.SERVER4, "dport": 80,
        "sport": 3000 + i, "flags": "A", "seq": i, "count": 1} for i in range(50)])
    release_connections(hold)
    s = srv.synguard_json("stats", "sg0", "--json", "--interval", "0")
    assert s["drops"]["cookie_bad"] + s["drops"]["cookie_expired"] == 50
    assert s["drops"]["ack_no_socket"] == 0


DUAL_ECHO_PY = r"""
import socket, sys, threading
s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("::", int(sys.argv[1])))
s.listen(16)
print("ready", flush=True)
def echo(c):
    while True:
        d = c.recv(65536)
        if not d:
            break
        c.sendall(d)
    c.close()
while True:
    c, _ = s.accept()
    threading.Thread(target=echo, args=(c,), daemon=True).start()
"""

HOLD_ECHO_PY = r"""
import socket, sys
c = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=5)
print("ready", flush=True)
sys.stdin.readline()
c.sendall(b"x" * 3000)
got = b""
while len(got) < 3000:
    got += c.recv(65536)
print(len(got), flush=True)
"""


def test_ipv4_connection_to_a_dual_stack_listener_from_before_the_attach(topo):
    """An IPv4 client of a dual-stack (IPv6) listener, connected before the
    attach: /proc/net/tcp6 shows its address IPv4-mapped, and the loader
    must mark it as the IPv4 source its packets carry, or its ACKs would be
    judged by a cookie it never had."""
    srv, cli = topo.server, topo.client
    for name, text in (("dual.py", DUAL_ECHO_PY), ("holdecho.py", HOLD_ECHO_PY)):
        with open(os.path.join(topo.tmp, name), "w") as f:
            f.write(text)
    server = srv.popen([sgtest.SCAPY_PY, os.path.join(topo.tmp, "dual.py"), "8081"],
                       stdout=subprocess.PIPE, text=True)
    assert server.stdout.readline().strip() == "ready"
    hold = cli.popen([sgtest.SCAPY_PY, os.path.join(topo.tmp, "holdecho.py"),
                      sgtest.SERVER4, "8081"],
                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert hold.stdout.readline().strip() == "ready"
    srv.synguard("attach", "sg0", "--ports", "8081", "--cookies", "always")
    sgtest.send_packets(cli, "sg1", [{      # a listener sighting, now
        "family": 4, "src": "192.0.2.77", "dst": sgtest.SERVER4, "dport": 8081,
        "sport": 5555, "flags": "S", "opts": "linux", "seq": 1, "count": 1}])
    hold.stdin.write("\n")
    hold.stdin.flush()
    assert hold.stdout.readline().strip() == "3000"
    assert hold.wait(10) == 0
    s = srv.synguard_json("stats", "sg0", "--json", "--interval", "0")
    assert s["drops"]["cookie_bad"] + s["drops"]["cookie_expired"] == 0


def nginx_accepts(cli):
    """nginx's accepted connections (stub_status), this request's included."""
    out = cli.exec(["curl", "-s", "--max-time", "5", "http://%s/status" % sgtest.SERVER4]).stdout
    return int(out.split("\n")[2].split()[0])


@pytest.mark.cookies
def test_handshakes_counted_once_under_concurrency(web):
    """wrk, 2 threads and 200 connections with Connection: close, through
    cookies always: each connection nginx accepts is one handshake. The ACK
    and the request right behind it both reach TC when the second is judged
    before the first has made its socket, and used to count two."""
    srv, cli = web.server, web.client
    # no TIME-WAIT on the server: a SYN reusing the 4-tuple of one (the
    # client's ports wrap in this run) goes to the kernel, rightly
    srv.exec(["sysctl", "-qw", "net.ipv4.tcp_max_tw_buckets=0"])
    srv.synguard("attach", "sg0", "--ports", "80", "--cookies", "always")
    a1 = nginx_accepts(cli)
    h1, k1 = counter(srv, "handshakes"), counter(srv, "syn")
    cli.exec(["wrk", "-t2", "-c200", "-d1s", "-H", "Connection: close",
              "http://%s/" % sgtest.SERVER4], timeout=30)
    h2, k2 = counter(srv, "handshakes"), counter(srv, "syn")
    a2 = nginx_accepts(cli)
    accepted, handshakes = a2 - a1 - 1, h2 - h1
    assert accepted > 1000, accepted
    assert k2 == k1, "SYNs left to the kernel: %d of %d" % (k2 - k1, accepted)
    assert handshakes == accepted, (handshakes, accepted)
    srv.synguard("detach", "sg0")
