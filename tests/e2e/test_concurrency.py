# SPDX-License-Identifier: GPL-2.0-only
"""Two processes changing one attachment at once end in a consistent state
or a clear refusal: changes take the lock of user/lib/lock.c in turn."""
import concurrent.futures
import subprocess

import sgtest


def stats(ns):
    return ns.synguard_json("stats", "sg0", "--json", "--interval", "0")


def both(ns, a, b):
    """Starts the synguard command lines a and b at once; their results."""
    procs = [subprocess.Popen(ns.cmd([sgtest.SYNGUARD] + args), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for args in (a, b)]
    return [(p.wait(60), p.stdout.read(), p.stderr.read()) for p in procs]


def loop(ns, cmds):
    """Runs each command line in turn; the exit statuses and errors."""
    out = []
    for args in cmds:
        r = ns.synguard(*args, check=False)
        out.append((r.returncode, r.stderr))
    return out


def test_two_attaches_to_one_interface(topo):
    """One attaches, the other is refused as attached already; one program."""
    srv = topo.server
    for _ in range(5):
        r = both(srv, ["attach", "sg0", "--ports", "80"], ["attach", "sg0", "--ports", "443"])
        ok = [x for x in r if x[0] == 0]
        refused = [x for x in r if x[0] != 0]
        assert len(ok) == 1 and len(refused) == 1, r
        assert refused[0][2].count("\n") == 1 and "already attached to sg0" in refused[0][2], r
        (a,) = srv.synguard_json("status", "--json")["attachments"]
        assert a["ports"] == ("80" if "80" in ok[0][1] else "443")
        assert len(sgtest.xdp_prog_ids(srv, "sg0")) == 1
        srv.synguard("detach", "sg0")


def test_allow_and_deny_changes_at_once(web):
    """Allow and deny changes racing each other lose neither list: each
    list's bit in the configuration survives the other's update."""
    srv, cli = web.server, web.client
    srv.synguard("attach", "sg0", "--ports", "80", "--cookies", "off")
    allow = [[op, "sg0", "10.9.0.0/16"] for _ in range(25) for op in ("add", "del")]
    deny = [[op, "sg0", "203.0.113.0/24"] for _ in range(25) for op in ("add", "del")]
    allow = [["allow"] + c for c in allow] + [["allow", "add", "sg0", sgtest.CLIENT6]]
    deny = [["deny"] + c for c in deny] + [["deny", "add", "sg0", sgtest.CLIENT4]]
    with concurrent.futures.ThreadPoolExecutor(2) as ex:
        results = list(ex.map(lambda c: loop(srv, c), (allow, deny)))
    assert all(rc == 0 for r in results for rc, _ in r), results
    before = stats(srv)
    # the denied IPv4 client is dropped, the allowed IPv6 one passes as allowed
    assert sgtest.curl(cli, "http://%s/" % sgtest.SERVER4, extra=["--max-time", "1"]) == ["000"]
    assert sgtest.curl(cli, "http://[%s]/" % sgtest.SERVER6) == ["200"]
    after = stats(srv)
    assert after["drops"]["denied"] > before["drops"]["denied"]
    assert after["passes"]["allowed"] > before["passes"]["allowed"]
    srv.synguard("detach", "sg0")


def test_set_against_reload(web, tmp_path):
    """set and reload racing: every command succeeds, and the result is one
    of theirs, whole."""
    srv = web.server
    conf = tmp_path / "synguard.conf"
    conf.write_text("ports = 80\ncookies = auto\nsyn-threshold = 3000\ncooldown = 7\n")
    srv.synguard("attach", "sg0", "--config", str(conf))
    sets = [["set", "sg0", "syn-threshold=7000", "cooldown=9"]] * 20
    reloads = [["reload", "sg0"]] * 20
    with concurrent.futures.ThreadPoolExecutor(2) as ex:
        results = list(ex.map(lambda c: loop(srv, c), (sets, reloads)))
    assert all(rc == 0 for r in results for rc, _ in r), results
    a = stats(srv)["adaptive"]
    assert (a["syn_threshold"], a["cooldown_s"]) in ((3000, 7), (7000, 9)), a
    srv.synguard("detach", "sg0")
