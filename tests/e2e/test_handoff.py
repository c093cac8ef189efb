# SPDX-License-Identifier: GPL-2.0-only
"""The handoff of cookie ACKs from XDP to TC without XDP metadata (the path
drivers such as vmxnet3, ena and gve force): forced here on veth with
--handoff map, real nginx and curl over IPv4 and IPv6, and the same clients
through the metadata path veth carries. The drivers themselves are tested
in the VM matrix (tests/vm/nics.sh)."""
import json
import os
import time

import pytest

import sgtest

pytestmark = [pytest.mark.cookies, pytest.mark.matrix]

PORT = 8080
TCPINFO = os.path.join(os.path.dirname(__file__), "tcpinfo.py")
URLS = ["http://%s/" % sgtest.SERVER4, "http://[%s]/" % sgtest.SERVER6]


def stats(ns):
    return ns.synguard_json("stats", "sg0", "--json", "--interval", "0")["counters"]


def nstat(ns, *names):
    out = ns.exec(["nstat", "-az"] + list(names)).stdout.split()
    return {n: int(out[out.index(n) + 1]) for n in names}


def handoff(ns):
    return ns.synguard_json("status", "--json")["attachments"][0]["handoff"]


@pytest.mark.parametrize("mode", ["map", "auto"])
def test_handoff_completes_every_handshake(web, mode):
    """Every request succeeds with no reset, each accepted connection is one
    handshake, and the path taken is the one status names: the map when
    forced (each cookie ACK handed over once), metadata on veth."""
    srv, cli = web.server, web.client
    srv.synguard("attach", "sg0", "--ports", "80", "--cookies", "always", "--handoff", mode)
    h = handoff(srv)
    if mode == "map":
        assert h == {"path": "map", "reason": "chosen at attach (--handoff map)"}
    else:
        assert h["path"] == "metadata" and "veth" in h["reason"], h
    text = srv.synguard("status").stdout
    assert ("through handoff_map" if mode == "map" else "through XDP metadata") in text, text
    before = nstat(srv, "TcpOutRsts", "TcpPassiveOpens")
    for url in URLS:
        assert sgtest.curl(cli, url, count=40) == ["200"] * 40
    after = nstat(srv, "TcpOutRsts", "TcpPassiveOpens")
    c = stats(srv)
    opens = after["TcpPassiveOpens"] - before["TcpPassiveOpens"]
    assert after["TcpOutRsts"] == before["TcpOutRsts"]
    assert opens == 80 and c["handshakes"]["packets"] == 80, (opens, c["handshakes"])
    assert c["reqsk_failed"]["packets"] == 0 and c["meta_failed"]["packets"] == 0
    assert c["handoff_failed"]["packets"] == 0
    assert c["handoffs"]["packets"] == (80 if mode == "map" else 0)
    assert c["cookie_ack"]["packets"] == 80


def test_handoff_map_keeps_options(topo):
    """A connection completed through the map has the options the client
    offered, as a cookie through metadata gives them (tcpinfo.py compares
    the two sockets' TCP_INFO), over IPv4 and IPv6."""
    srv, cli = topo.server, topo.client
    p = srv.popen([sgtest.SCAPY_PY, TCPINFO, "server", str(PORT)])
    for _ in range(100):
        if srv.exec(["ss", "-Htln", "sport = :%d" % PORT]).stdout.strip():
            break
        time.sleep(0.05)
    else:
        raise AssertionError("tcpinfo server did not start (%s)" % p.poll())
    srv.synguard("attach", "sg0", "--ports", str(PORT), "--cookies", "always",
                 "--handoff", "map")
    for addr in (sgtest.SERVER4, sgtest.SERVER6):
        r = json.loads(cli.exec([sgtest.SCAPY_PY, TCPINFO, "client", addr, str(PORT), "send",
                                 str(1 << 20)], timeout=120).stdout)
        s, c = r["server"], r["client"]
        assert s["ts"] and s["sack"] and s["wscale"], r
        assert s["snd_wscale"] == c["rcv_wscale"] and c["snd_wscale"] == s["rcv_wscale"], r
        assert s["snd_mss"] >= 1220, r
    assert stats(srv)["handoffs"]["packets"] == 2
