# SPDX-License-Identifier: GPL-2.0-only
"""synguard top, run under tmux and read with capture-pane."""
import os
import time

import pytest

import sgtest
from sgtest import run


def pane(session):
    return run(["tmux", "capture-pane", "-p", "-t", session]).stdout


def wait_for(session, needle, secs=8):
    deadline = time.time() + secs
    text = ""
    while time.time() < deadline:
        text = pane(session)
        if needle in text:
            return text
        time.sleep(0.2)
    raise AssertionError("%r not on the screen:\n%s" % (needle, text))


@pytest.mark.cookies
def test_top_shows_live_counters_resizes_and_quits(web):
    srv, cli = web.server, web.client
    srv.synguard("attach", "sg0", "--ports", "80", "--cookies", "always")
    session = "sgtop-%d" % os.getpid()
    run(["tmux", "new-session", "-d", "-s", session, "-x", "110", "-y", "40",
         " ".join(srv.cmd([sgtest.SYNGUARD, "top", "sg0"]))])
    try:
        wait_for(session, "synguard top - sg0")
        assert sgtest.curl(cli, "http://%s/" % sgtest.SERVER4, count=3) == ["200"] * 3
        sgtest.send_packets(cli, "sg1", [{"family": 4, "src": "192.0.2.77",
                                          "dst": sgtest.SERVER4, "dport": 80, "flags": "",
                                          "count": 40}])
        text = wait_for(session, "flags_null")
        s = srv.synguard_json("stats", "sg0", "--json", "--interval", "0")
        assert "cookies always" in text and "cookies always on" in text
        line = [l for l in text.splitlines() if l.strip().startswith("flags_null")][0]
        assert line.split()[-1] == str(s["drops"]["flags_null"]) == "40"
        line = [l for l in text.splitlines() if l.startswith("answered (SYN-ACKs)")][0]
        assert int(line.split()[-1]) == s["answers"]["synack"] == 3
        wait_for(session, "192.0.2.77")            # top sources, from sampled events
        # the handshakes' RTTs over the last minute, and nginx's listeners
        text = wait_for(session, "(3 accepted)")
        assert "handshake RTT, last" in text, text
        nginx = [l for l in s["listen"]["listeners"] if l["family"] == 4 and l["port"] == 80][0]
        line = [l for l in text.splitlines() if l.startswith("listener 0.0.0.0:80 ")][0]
        assert line.split()[2:7] == ["accept", "queue", "0", "of", str(nginx["backlog"])], line
        assert "listen overflows" in text, text
        run(["tmux", "resize-window", "-t", session, "-x", "70", "-y", "24"])
        time.sleep(0.5)
        text = wait_for(session, "synguard top - sg0")
        assert max(len(l) for l in text.splitlines()) <= 70
        run(["tmux", "send-keys", "-t", session, "q"])
        deadline = time.time() + 5
        while time.time() < deadline and \
                run(["tmux", "has-session", "-t", session], check=False).returncode == 0:
            time.sleep(0.1)
        assert run(["tmux", "has-session", "-t", session], check=False).returncode != 0
    finally:
        run(["tmux", "kill-session", "-t", session], check=False)
