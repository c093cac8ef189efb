# SPDX-License-Identifier: GPL-2.0-only
"""Real traffic through synguard: nginx and curl, scapy-built invalid
packets, and what stats and events report about them."""
import json
import signal
import subprocess
import time

import pytest

import sgtest

INVALID = {            # scapy flag string -> drop reason
    "SF": "flags_syn_fin",
    "SR": "flags_syn_rst",
    "FR": "flags_fin_rst",
    "": "flags_null",
    "F": "flags_fin_no_ack",
    "FPU": "flags_fin_no_ack",
    "P": "flags_psh_no_ack",
    "U": "flags_urg_no_ack",
}


def stats(ns, *args):
    return ns.synguard_json("stats", "sg0", "--json", "--interval", "0", *args)


@pytest.mark.parametrize("cookies", [pytest.param("always", marks=pytest.mark.cookies), "off"])
@pytest.mark.matrix
def test_curl_through_synguard_ipv4_ipv6(web, cookies):
    srv, cli = web.server, web.client
    srv.synguard("attach", "sg0", "--ports", "80", "--cookies", cookies)
    before = stats(srv)
    assert sgtest.curl(cli, "http://%s/" % sgtest.SERVER4, count=20) == ["200"] * 20
    assert sgtest.curl(cli, "http://[%s]/" % sgtest.SERVER6, count=20) == ["200"] * 20
    after = stats(srv)

    def delta(group, key):
        return after[group][key] - before[group][key]

    if cookies == "always":
        # every SYN answered in XDP, every handshake completed through TC,
        # and counted once: the request behind an ACK that beats the
        # socket it makes carries a valid cookie too (a cookie_ack and a
        # passive open of its own, as the kernel counts it)
        assert delta("answers", "synack") == 40
        assert 40 <= delta("passes", "cookie_ack") <= 80
        assert after["counters"]["handshakes"]["packets"] - \
            before["counters"]["handshakes"]["packets"] == 40
        assert delta("passes", "syn") == 0
    else:
        assert delta("passes", "syn") == 40
        assert after["answered"] == 0
    # the rest of each connection: at least request and FIN from the client
    assert delta("passes", "tcp") >= 40 * 2
    assert after["dropped"] == before["dropped"] == 0
    assert after["packets"] == after["passed"] + after["answered"] + after["dropped"]
    listen = srv.exec(["nstat", "-az", "TcpPassiveOpens"]).stdout.split()
    opens = int(listen[listen.index("TcpPassiveOpens") + 1])
    assert opens == 40 if cookies == "off" else 40 <= opens <= 80


@pytest.mark.matrix
def test_invalid_flags_dropped_and_counted(web):
    srv, cli = web.server, web.client
    srv.synguard("attach", "sg0", "--ports", "80,443")
    before = stats(srv)
    spec = []
    for fam, src, dst in ((4, sgtest.CLIENT4, sgtest.SERVER4),
                          (6, sgtest.CLIENT6, sgtest.SERVER6)):
        for flags in INVALID:
            spec.append({"family": fam, "src": src, "dst": dst, "dport": 80,
                         "flags": flags, "count": 5})
        # the same garbage to an unprotected port passes (the kernel resets it)
        spec.append({"family": fam, "src": src, "dst": dst, "dport": 22,
                     "flags": "SF", "count": 3})
    sgtest.send_packets(cli, "sg1", spec)
    after = stats(srv)
    want = {}
    for reason in INVALID.values():
        want[reason] = want.get(reason, 0) + 10   # 5 per family
    for reason, n in want.items():
        assert after["drops"][reason] - before["drops"][reason] == n, reason
    assert after["dropped"] - before["dropped"] == sum(want.values())
    assert after["passes"]["unprotected_port"] - before["passes"]["unprotected_port"] == 6
    # the server is unaffected
    assert sgtest.curl(cli, "http://%s/" % sgtest.SERVER4, count=3) == ["200"] * 3


@pytest.mark.matrix
def test_stats_json_schema_and_rates(web):
    srv, cli = web.server, web.client
    srv.synguard("attach", "sg0", "--ports", "80")
    s = stats(srv)
    for key in ("interface", "ifindex", "packets", "bytes", "passed", "dropped",
                "drops", "passes", "counters"):
        assert key in s, key
    assert "rates" not in s          # --interval 0 measures no rates
    assert set(s["drops"]) >= set(INVALID.values()) | {"ipv4_truncated", "tcp_bad_doff"}
    assert all(isinstance(v, int) for v in s["drops"].values())
    # rates measured over a window with traffic in it
    p = subprocess.Popen(srv.cmd([sgtest.SYNGUARD, "stats", "sg0", "--json",
                                  "--interval", "1.5"]), stdout=subprocess.PIPE, text=True)
    time.sleep(0.2)
    sgtest.curl(cli, "http://%s/" % sgtest.SERVER4, count=10)
    out, _ = p.communicate(timeout=10)
    s = json.loads(out)
    assert 1.4 < s["rates"]["interval_s"] < 2.5
    assert s["rates"]["packets"] > 10 / 2.5
    assert s["rates"]["dropped"] == 0
    # without IFACE: every attachment in the namespace
    allv = srv.synguard_json("stats", "--json", "--interval", "0")
    assert [i["interface"] for i in allv["interfaces"]] == ["sg0"]


def test_stats_watch_until_interrupted(web):
    srv = web.server
    srv.synguard("attach", "sg0", "--ports", "80")
    p = subprocess.Popen(srv.cmd([sgtest.SYNGUARD, "stats", "sg0", "--watch", "--json",
                                  "--interval", "0.3"]), stdout=subprocess.PIPE, text=True)
    time.sleep(1.6)
    p.send_signal(signal.SIGINT)
    out, _ = p.communicate(timeout=5)
    assert p.returncode == 0
    lines = [json.loads(l) for l in out.splitlines()]
    assert len(lines) >= 3
    assert all("rates" in l for l in lines)
    # the human view redraws in place
    p = subprocess.Popen(srv.cmd([sgtest.SYNGUARD, "stats", "--watch", "--interval", "0.3"]),
                         stdout=subprocess.PIPE, text=True)
    time.sleep(1)
    p.send_signal(signal.SIGINT)
    out, _ = p.communicate(timeout=5)
    assert p.returncode == 0
    assert out.count("\033[H\033[2J") >= 2 and "pkts/s" in out


@pytest.mark.matrix
def test_events_stream(web):
    srv, cli = web.server, web.client
    srv.synguard("attach", "sg0", "--ports", "80")
    p = subprocess.Popen(srv.cmd([sgtest.SYNGUARD, "events", "sg0", "--json", "--count", "4"]),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(0.5)
    sgtest.send_packets(cli, "sg1", [
        {"family": 4, "src": sgtest.CLIENT4, "dst": sgtest.SERVER4, "dport": 80,
         "sport": 1111, "flags": "SF"},
        {"family": 6, "src": sgtest.CLIENT6, "dst": sgtest.SERVER6, "dport": 80,
         "sport": 2222, "flags": ""},
        {"family": 4, "src": sgtest.CLIENT4, "dst": sgtest.SERVER4, "dport": 80,
         "sport": 3333, "flags": "F"},
        {"family": 4, "src": sgtest.CLIENT4, "dst": sgtest.SERVER4, "dport": 80,
         "sport": 4444, "flags": "P"},
    ])
    out, err = p.communicate(timeout=10)
    assert p.returncode == 0, err
    ev = [json.loads(l) for l in out.splitlines()]
    assert len(ev) == 4
    assert ev[0]["kind"] == "drop_sample" and ev[0]["reason"] == "flags_syn_fin"
    assert ev[0]["src"] == sgtest.CLIENT4 and ev[0]["dst"] == sgtest.SERVER4
    assert ev[0]["sport"] == 1111 and ev[0]["dport"] == 80 and ev[0]["tcp_flags"] == "FS"
    assert ev[0]["interface"] == "sg0" and ev[0]["ts"].endswith("Z")
    assert ev[1]["src"] == sgtest.CLIENT6 and ev[1]["reason"] == "flags_null"
    assert [e["reason"] for e in ev[2:]] == ["flags_fin_no_ack", "flags_psh_no_ack"]
    # human lines, ended by Ctrl-C
    p = subprocess.Popen(srv.cmd([sgtest.SYNGUARD, "events"]), stdout=subprocess.PIPE,
                         text=True)
    time.sleep(0.5)
    sgtest.send_packets(cli, "sg1", [{"family": 6, "src": sgtest.CLIENT6,
                                      "dst": sgtest.SERVER6, "dport": 80, "sport": 5555,
                                      "flags": "SR"}])
    time.sleep(0.5)
    p.send_signal(signal.SIGINT)
    out, _ = p.communicate(timeout=5)
    assert p.returncode == 0
    assert "sg0 drop_sample flags_syn_rst [2001:db8::2]:5555 -> [2001:db8::1]:80" in out


def test_events_rate_limited_under_flood(web):
    """A burst of 2000 invalid packets yields at most event-rate samples per
    second per CPU; the rest are counted as suppressed, not lost."""
    srv, cli = web.server, web.client
    srv.synguard("attach", "sg0", "--ports", "80", "--event-rate", "5")
    p = subprocess.Popen(srv.cmd([sgtest.SYNGUARD, "events", "sg0", "--json"]),
                         stdout=subprocess.PIPE, text=True)
    time.sleep(0.3)
    t0 = time.time()
    sgtest.send_packets(cli, "sg1", [{"family": 4, "src": sgtest.CLIENT4,
                                      "dst": sgtest.SERVER4, "dport": 80, "flags": "",
                                      "count": 2000}])
    time.sleep(0.5)
    elapsed = time.time() - t0
    p.send_signal(signal.SIGINT)
    out, _ = p.communicate(timeout=5)
    n = len(out.splitlines())
    windows = int(elapsed) + 2
    assert 1 <= n <= 5 * windows * 2, (n, elapsed)   # 2 CPUs
    s = stats(srv)
    assert s["drops"]["flags_null"] == 2000
    assert s["counters"]["events_lost"]["packets"] == 0
