# SPDX-License-Identifier: GPL-2.0-only
"""The soak test (make soak; SG_SOAK_SECS, 300 by default): synguard run
under alternating floods for minutes, with set, reload, list changes and
SIGHUPs in a loop and an events reader attached. Its memory and open files
stay flat, no counter is lost, no legitimate client fails; then kill -9
mid-flood and a restart that adopts the attachment with nothing lost."""
import os
import signal
import subprocess
import threading
import time

import pytest

import sgtest
from test_daemon import CONF, SYNFLOOD, stats

SECS = float(os.environ.get("SG_SOAK_SECS", "300"))


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))


def fds(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


def flood(cli, secs):
    """A bounded spoofed SYN flood from the client's namespace."""
    return subprocess.Popen(cli.cmd([SYNFLOOD, "--iface", "sg1", "--dst", sgtest.SERVER4,
                                     "--src", "192.0.2.128/25", "--rate", "20000",
                                     "--count", str(int(20000 * secs)), "--duration",
                                     str(secs)]), stdout=subprocess.DEVNULL)


class Clients(threading.Thread):
    """A legitimate client fetching a page in a loop until told to stop."""

    def __init__(self, cli):
        super().__init__(daemon=True)
        self.cli, self.codes, self.done = cli, [], threading.Event()

    def run(self):
        while not self.done.is_set():
            self.codes += sgtest.curl(self.cli, "http://%s/" % sgtest.SERVER4)


@pytest.mark.soak
@pytest.mark.cookies
def test_soak(web, tmp_path):
    srv, cli = web.server, web.client
    conf = tmp_path / "synguard.conf"
    conf.write_text(CONF)
    p, _ = sgtest.daemon_start(srv, conf)
    # the daemon's stdout (JSON lines: reloads, events) and stderr, drained
    out, err = [], []
    threading.Thread(target=lambda: out.extend(p.stdout), daemon=True).start()
    threading.Thread(target=lambda: err.extend(p.stderr), daemon=True).start()
    events = srv.popen([sgtest.SYNGUARD, "events", "sg0", "--json"], stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL, text=True)
    seen = []
    threading.Thread(target=lambda: seen.extend(events.stdout), daemon=True).start()
    clients = Clients(cli)
    clients.start()
    deadline = time.time() + SECS
    base = None
    rounds = 0
    try:
        while time.time() < deadline:
            f = flood(cli, 5)
            for i in range(10):         # changes during the flood and after it
                assert p.poll() is None, "run exited: %s %s" % (err[-5:], out[-5:])
                srv.synguard("set", "sg0", "syn-threshold=%d" % (2000 + 100 * (i % 3)))
                conf.write_text(CONF.replace("cooldown = 2", "cooldown = %d" % (2 + i % 2)))
                srv.synguard("reload", "sg0")
                srv.synguard("allow" if i % 2 else "deny", "add", "sg0", "198.18.%d.0/24" % i)
                srv.synguard("allow" if i % 2 else "deny", "del", "sg0", "198.18.%d.0/24" % i)
                p.send_signal(signal.SIGHUP)
                time.sleep(0.5)
            f.wait(30)
            rounds += 1
            if base is None:            # after the first round has warmed everything
                base = (rss_kb(p.pid), fds(p.pid))
    finally:
        clients.done.set()
        clients.join(30)
    rss, nfd = rss_kb(p.pid), fds(p.pid)
    assert nfd == base[1], "open files %d -> %d" % (base[1], nfd)
    assert rss <= base[0] * 1.1 + 1024, "RSS %d kB -> %d kB" % (base[0], rss)
    assert clients.codes and set(clients.codes) == {"200"}, \
        "%d of %d requests failed" % (len(clients.codes) - clients.codes.count("200"),
                                      len(clients.codes))
    # nothing moves now: the metrics are the counters
    time.sleep(1)
    m, s = sgtest.scrape(srv), stats(srv)
    for verdict, reasons in (("passed", s["passes"]), ("dropped", s["drops"])):
        for reason, n in reasons.items():
            key = 'synguard_packets_total{interface="sg0",verdict="%s",reason="%s"}' % (
                verdict, reason)
            assert m.get(key, 0) == n, (key, m.get(key), n)
    assert seen, "the events reader saw nothing"
    print("soak: %.0f s, %d rounds, %d requests, RSS %d -> %d kB, %d fds" % (
        SECS, rounds, len(clients.codes), base[0], rss, nfd))

    # kill -9 mid-flood: the attachment stays, and a restart adopts it
    f = flood(cli, 4)
    time.sleep(1)
    p.send_signal(signal.SIGKILL)
    p.wait(10)
    f.wait(30)
    before = stats(srv)
    (a,) = srv.synguard_json("status", "--json")["attachments"]
    assert a["state"] == "attached"
    p, lines = sgtest.daemon_start(srv, conf)
    assert lines[0]["kind"] == "adopted", lines
    after = stats(srv)
    assert after["packets"] >= before["packets"]
    assert after["answers"]["synack"] >= before["answers"]["synack"] > 0
    assert sgtest.curl(cli, "http://%s/" % sgtest.SERVER4, count=3) == ["200"] * 3
    sgtest.daemon_stop(p)
    events.terminate()
    events.wait(10)
