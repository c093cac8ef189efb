# SPDX-License-Identifier: GPL-2.0-only
"""synguard trace: a real curl's handshake through cookies followed packet
by packet, live and in a capture tshark reads, a forged ACK seen dropped,
other sources left out, and a killed trace that stops at its deadline.
The handshake test needs synguard's own cookies; the rest runs in every
guest of the kernel matrix."""
import json
import os
import signal
import subprocess
import time

import pytest

import sgtest


def trace_proc(ns, *args):
    """Starts 'synguard trace' in ns; returns once its filter is set."""
    p = ns.popen([sgtest.SYNGUARD, "trace", "sg0"] + list(args), stdout=subprocess.PIPE,
                 stderr=subprocess.PIPE, text=True)
    for _ in range(100):
        if trace_deadline(ns):
            return p
        time.sleep(0.05)
    p.kill()
    raise AssertionError("the trace did not start: %s" % (p.communicate()[1],))


def trace_deadline(ns):
    """The deadline in sg0's trace_map (0: no trace), read with bpftool."""
    idx = json.loads(ns.exec(["ip", "-j", "link", "show", "dev", "sg0"]).stdout)[0]["ifindex"]
    path = os.path.join(ns.pin_dir(), "if%d" % idx, "trace_map")
    out = json.loads(sgtest.run(["bpftool", "-j", "map", "dump", "pinned", path]).stdout)
    raw = bytes(int(b, 16) for b in out[0]["value"][:8])
    return int.from_bytes(raw, "little")


def tshark(path):
    """Every packet of the capture: prefix, flags and checksum states."""
    out = sgtest.run(["tshark", "-r", path, "-o", "tcp.check_checksum:TRUE",
                      "-o", "ip.check_checksum:TRUE", "-T", "fields", "-E", "separator=|",
                      "-e", "nflog.prefix", "-e", "ip.src", "-e", "tcp.flags",
                      "-e", "ip.checksum.status", "-e", "tcp.checksum.status"]).stdout
    rows = []
    for line in out.splitlines():
        prefix, src, flags, ipsum, tcpsum = line.split("|")
        rows.append({"prefix": prefix, "src": src, "flags": int(flags, 16),
                     "ip_ok": ipsum == "1", "tcp_ok": tcpsum == "1"})
    return rows


@pytest.mark.cookies
def test_trace_count_stops_after_n_packets_arrived(web):
    srv, cli = web.server, web.client
    srv.synguard("attach", "sg0", "--ports", "80", "--cookies", "always")
    p = trace_proc(srv, "--src", sgtest.CLIENT4 + "/32", "--port", "80", "--json",
                   "--count", "2", "--duration", "30")
    try:
        assert sgtest.curl(cli, "http://%s/" % sgtest.SERVER4) == ["200"]
        out, err = p.communicate(timeout=10)
    finally:
        p.kill()
    assert p.returncode == 0, err
    recs = [json.loads(line) for line in out.splitlines()]
    # the SYN and the ACK arrived; synguard's SYN-ACK between them is shown
    assert [(r["hook"], r["tcp_flags"]) for r in recs if r["hook"] != "tc"] == \
        [("xdp", "S"), ("xdp_reply", "SA"), ("xdp", "A")], recs


@pytest.mark.cookies
def test_trace_follows_a_cookie_handshake(web):
    srv, cli = web.server, web.client
    srv.synguard("attach", "sg0", "--ports", "80", "--cookies", "always")
    pcap = os.path.join(web.tmp, "trace.pcap")
    p = trace_proc(srv, "--src", sgtest.CLIENT4 + "/32", "--port", "80", "--json",
                   "--duration", "30", "--pcap", pcap)
    try:
        assert sgtest.curl(cli, "http://%s/" % sgtest.SERVER4) == ["200"]
        # another source: the client's IPv6 address, which the filter leaves out
        assert sgtest.curl(cli, "http://[%s]/" % sgtest.SERVER6) == ["200"]
        # an ACK with no cookie behind it, from the traced source
        sgtest.send_packets(cli, "sg1", [{"family": 4, "src": sgtest.CLIENT4, "dst": sgtest.SERVER4, "dport": 80,
                                           "sport": 40999, "flags": "A", "count": 1}])
        time.sleep(0.5)
    finally:
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=10)
    assert p.returncode == 0, err
    recs = [json.loads(line) for line in out.splitlines()]
    assert recs, err
    assert all(sgtest.CLIENT4 in (r["src"].split(":")[0], r["dst"].split(":")[0])
               for r in recs), recs
    curl_hs = [r for r in recs if r["handshake"] == recs[0]["handshake"]]
    syn, synack, ack, tc = curl_hs[:4]
    assert (syn["hook"], syn["tcp_flags"], syn["verdict"], syn["action"]) == \
        ("xdp", "S", "synack", "tx"), syn
    assert (synack["hook"], synack["tcp_flags"]) == ("xdp_reply", "SA"), synack
    assert synack["ack"] == (syn["seq"] + 1) % 2**32
    assert (ack["hook"], ack["tcp_flags"], ack["verdict"]) == ("xdp", "A", "cookie_ack"), ack
    assert ack["ack"] == (synack["seq"] + 1) % 2**32 and ack["rtt_ms"] is not None
    assert tc["hook"] == "tc" and "handshakes" in tc["info"], tc
    forged = [r for r in recs if r.get("sport") == 40999]
    # its ACK number decodes to a bad or an expired cookie, at random
    assert len(forged) == 1 and forged[0]["action"] == "drop" and \
        forged[0]["verdict"] in ("cookie_bad", "cookie_expired"), forged

    rows = tshark(pcap)
    assert len(rows) == len(recs)
    assert all(r["src"] in (sgtest.CLIENT4, sgtest.SERVER4) for r in rows), rows
    assert [r["flags"] for r in rows[:3]] == [0x02, 0x12, 0x10], rows[:3]
    assert all(r["ip_ok"] and r["tcp_ok"] for r in rows[:3]), rows[:3]
    assert rows[0]["prefix"].startswith("synguard: synack: answered in XDP")
    assert rows[2]["prefix"].startswith("synguard: cookie_ack:")
    v = forged[0]["verdict"]
    assert any(r["prefix"] == "synguard: %s: dropped: %s" % (v, v) for r in rows), rows


@pytest.mark.matrix
def test_killed_trace_stops_at_its_deadline(web):
    srv, cli = web.server, web.client
    srv.synguard("attach", "sg0", "--ports", "80", "--cookies", "always")
    p = trace_proc(srv, "--duration", "2")
    p.kill()
    p.communicate(timeout=10)
    # its filter outlives it until the deadline, and keeps others out
    assert trace_deadline(srv)
    r = srv.synguard("trace", "sg0", check=False)
    assert r.returncode != 0 and "already running" in r.stderr, r.stderr
    time.sleep(2.2)
    # the first packet after the deadline ends it in the kernel
    assert sgtest.curl(cli, "http://%s/" % sgtest.SERVER4) == ["200"]
    assert trace_deadline(srv) == 0
    # a new trace starts, and sees nothing the dead one left in the ring
    p = trace_proc(srv, "--duration", "1", "--json")
    out, err = p.communicate(timeout=10)
    assert p.returncode == 0 and out == "", (out, err)


@pytest.mark.parametrize("args,msg", [
    (["--src", "10.0.0.0/33"], "10.0.0.0/33"),
    (["--port", "0"], "--port"),
    (["--src", "1.1.1.1"] * 9, "more than 8"),
    (["--duration", "0"], "--duration"),
])
def test_trace_refuses_bad_filters(web, args, msg):
    web.server.synguard("attach", "sg0", "--ports", "80")
    r = web.server.synguard("trace", "sg0", *args, check=False)
    assert r.returncode != 0 and msg in r.stderr and len(r.stderr.splitlines()) == 1, r.stderr
    assert trace_deadline(web.server) == 0
