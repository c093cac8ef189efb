# SPDX-License-Identifier: GPL-2.0-only
"""synguard run: the daemon, its metrics endpoint and its event stream."""
import os
import re
import subprocess
import time

import pytest

import sgtest

SYNFLOOD = os.path.join(sgtest.REPO, "build", "synflood")
METRICS = sgtest.METRICS

CONF = """interface = sg0
ports = 80
cookies = auto
syn-threshold = 2000
cooldown = 2
"""


def stats(ns):
    return ns.synguard_json("stats", "sg0", "--json", "--interval", "0")


@pytest.mark.cookies
def test_run_serves_metrics_streams_events_and_detaches(web, tmp_path):
    srv, cli = web.server, web.client
    conf = tmp_path / "synguard.conf"
    conf.write_text(CONF)
    p, lines = sgtest.daemon_start(srv, conf)
    assert [l["kind"] for l in lines] == ["attached", "metrics"]
    flood = subprocess.Popen(cli.cmd([SYNFLOOD, "--iface", "sg1", "--dst", sgtest.SERVER4,
                                      "--src", "192.0.2.128/25", "--rate", "20000",
                                      "--count", "60000", "--duration", "3"]),
                             stdout=subprocess.DEVNULL)
    time.sleep(1.5)
    # during the flood, the scrape sits between two stats snapshots
    before = stats(srv)
    m = sgtest.scrape(srv)
    after = stats(srv)
    key = 'synguard_packets_total{interface="sg0",verdict="answered",reason="synack"}'
    assert before["answers"]["synack"] <= m[key] <= after["answers"]["synack"]
    assert m[key] > 0
    for reason, n in after["drops"].items():
        k = 'synguard_packets_total{interface="sg0",verdict="dropped",reason="%s"}' % reason
        assert before["drops"][reason] <= m[k] <= n
    assert m['synguard_cookies_engaged{interface="sg0",mode="auto"}'] == 1
    assert m['synguard_attacks_total{interface="sg0"}'] == 1
    assert m['synguard_syn_threshold{interface="sg0"}'] == 2000
    # the socket counter's count: the scrape's own connection, both of its
    # ends in this namespace, and nothing else is established here
    assert m['synguard_live_sockets{interface="sg0"}'] == 2
    assert any(k.startswith("synguard_build_info{") for k in m)
    assert any(k.startswith('synguard_program_info{interface="sg0"') for k in m)
    assert any(k.startswith('synguard_map_info{interface="sg0",map="limits_map"') and
               'type="lru_hash",max_entries="65536"' in k for k in m)
    assert 0 <= m['synguard_cookie_key_age_seconds{interface="sg0"}'] < 32 * 69
    assert flood.wait(30) == 0
    time.sleep(3)                                   # the cooldown ends the attack ...
    sgtest.curl(cli, "http://%s/" % sgtest.SERVER4)  # ... at the next SYN
    srv.synguard("set", "sg0", "syn-threshold=3000")
    time.sleep(0.6)
    events = sgtest.daemon_stop(p)
    kinds = [e["kind"] for e in events]
    assert "attack_started" in kinds and "attack_ended" in kinds, kinds
    changed = [e for e in events if e["kind"] == "config_changed"]
    assert changed and changed[-1]["syn_threshold"] == 3000
    assert kinds[-1] == "stopped" and events[-1]["detached"] is True
    assert all(e["interface"] == "sg0" and re.match(r"\d{4}-\d\d-\d\dT[\d:.]+Z$", e["ts"])
               for e in events), events
    assert srv.synguard_json("status", "--json")["attachments"] == []


HOLD = r"""
import socket, sys
s = socket.create_connection((sys.argv[1], 80), timeout=5)
print("connected", flush=True)
sys.stdin.readline()           # wait: the daemon restarts meanwhile
s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
print(s.recv(100).split(b"\r\n")[0].decode(), flush=True)
"""


@pytest.mark.cookies
def test_restart_with_keep_attached_keeps_connections_and_counters(web, tmp_path):
    srv, cli = web.server, web.client
    conf = tmp_path / "synguard.conf"
    conf.write_text(CONF.replace("cookies = auto", "cookies = always"))
    p, _ = sgtest.daemon_start(srv, conf, "--keep-attached")
    script = os.path.join(web.tmp, "hold.py")
    with open(script, "w") as f:
        f.write(HOLD)
    hold = cli.popen([sgtest.SCAPY_PY, script, sgtest.SERVER4], stdin=subprocess.PIPE,
                     stdout=subprocess.PIPE, text=True)
    assert hold.stdout.readline().strip() == "connected"
    assert sgtest.curl(cli, "http://%s/" % sgtest.SERVER4, count=3) == ["200"] * 3
    before = stats(srv)
    prog = srv.synguard_json("status", "sg0", "--json")["attachments"][0]["xdp_prog_id"]
    events = sgtest.daemon_stop(p)
    assert events[-1]["kind"] == "stopped" and events[-1]["detached"] is False
    assert srv.synguard_json("status", "sg0", "--json")["attachments"][0]["xdp_prog_id"] == prog

    p, lines = sgtest.daemon_start(srv, conf)                    # adopts, no --keep-attached now
    assert lines[0]["kind"] == "adopted"
    hold.stdin.write("go\n")
    hold.stdin.flush()
    assert hold.stdout.readline().strip() == "HTTP/1.1 200 OK"
    s = stats(srv)
    assert s["packets"] >= before["packets"] and s["answers"]["synack"] >= 4
    assert srv.synguard_json("status", "sg0", "--json")["attachments"][0]["xdp_prog_id"] == prog
    events = sgtest.daemon_stop(p)
    assert events[-1]["detached"] is True
    assert srv.synguard_json("status", "--json")["attachments"] == []


def test_run_errors(web, tmp_path):
    srv = web.server
    conf = tmp_path / "c.conf"
    conf.write_text("ports = 80\n")
    for args, needle in (([], "needs --config"),
                         (["--config", str(conf)], "needs an interface"),
                         (["--config", str(conf), "sg0", "--metrics", "nowhere"], "bad --metrics"),
                         (["--config", str(tmp_path / "none.conf")], "cannot read")):
        r = srv.synguard("run", *args, check=False)
        assert r.returncode != 0 and needle in r.stderr, (args, r.stderr)
        assert len(r.stderr.splitlines()) == 1 and r.stdout == "", (args, r.stderr)
    # nothing was attached on the way
    assert srv.synguard_json("status", "--json")["attachments"] == []
