# SPDX-License-Identifier: GPL-2.0-only
"""Allow and deny lists: live, by prefix, deny over allow, both families."""
import pytest

import sgtest


def stats(ns):
    return ns.synguard_json("stats", "sg0", "--json", "--interval", "0")


def fetch(ns, url):
    return sgtest.curl(ns, url, extra=["--max-time", "1"])[0]


URL4 = "http://%s/" % sgtest.SERVER4
URL6 = "http://[%s]/" % sgtest.SERVER6


@pytest.mark.cookies
def test_deny_then_allow_live(web):
    srv, cli = web.server, web.client
    srv.synguard("attach", "sg0", "--ports", "80", "--cookies", "always")
    assert fetch(cli, URL4) == "200"
    prog = srv.synguard_json("status", "sg0", "--json")["attachments"][0]["xdp_prog_id"]

    # deny: dropped before anything else, IPv4 and IPv6 by prefix
    srv.synguard("deny", "add", "sg0", "192.0.2.0/24", "2001:db8::/64")
    assert fetch(cli, URL4) == "000" and fetch(cli, URL6) == "000"
    s = stats(srv)
    assert s["drops"]["denied"] >= 2 and s["adaptive"]["mode"] == "always"

    # allow as well: deny still wins
    srv.synguard("allow", "add", "sg0", "192.0.2.2", "2001:db8::2")
    assert fetch(cli, URL4) == "000"
    srv.synguard("deny", "del", "sg0", "192.0.2.0/24", "2001:db8::/64")

    # allowed sources go to the kernel, past the cookies
    before = stats(srv)
    assert fetch(cli, URL4) == "200" and fetch(cli, URL6) == "200"
    s = stats(srv)
    assert s["answers"]["synack"] == before["answers"]["synack"]
    assert s["passes"]["allowed"] - before["passes"]["allowed"] >= 6   # SYN, ACK, data...
    assert srv.synguard_json("status", "sg0", "--json")["attachments"][0]["xdp_prog_id"] == prog

    # emptied lists cost nothing and change nothing
    srv.synguard("allow", "del", "sg0", "192.0.2.2", "2001:db8::2")
    before = stats(srv)
    assert fetch(cli, URL4) == "200"
    s = stats(srv)
    assert s["answers"]["synack"] == before["answers"]["synack"] + 1
    assert s["passes"]["allowed"] == before["passes"]["allowed"]


@pytest.mark.matrix
def test_list_output_and_errors(web):
    srv = web.server
    srv.synguard("attach", "sg0", "--ports", "80")
    srv.synguard("deny", "add", "sg0", "10.1.2.3/8", "2001:db8:aa::1/48", "198.51.100.7")
    out = srv.synguard_json("deny", "list", "sg0", "--json")
    assert sorted(out["prefixes"]) == ["10.0.0.0/8", "198.51.100.7/32", "2001:db8:aa::/48"]
    assert srv.synguard("allow", "list", "sg0").stdout == ""
    for args, needle in ((["deny", "add", "sg0", "10.0.0.0/33"], "prefix must be 0-32"),
                         (["deny", "add", "sg0", "10.0.0.0/+8"], "prefix must be 0-32"),
                         (["deny", "add", "sg0", "10.0.0.0/ 8"], "prefix must be 0-32"),
                         (["deny", "add", "sg0", "nonsense"], "bad CIDR 'nonsense'"),
                         (["allow", "del", "sg0", "10.0.0.0/8"], "not in the allow list"),
                         (["deny", "flush", "sg0"], "unknown deny command 'flush'"),
                         (["deny", "add", "sg0"], "needs at least one CIDR"),
                         (["allow", "list", "nosuch0"], "not attached to nosuch0")):
        r = srv.synguard(*args, check=False)
        assert r.returncode != 0 and needle in r.stderr and len(r.stderr.splitlines()) == 1, \
            (args, r.stderr)
    # a bad prefix among good ones changes nothing
    r = srv.synguard("deny", "add", "sg0", "203.0.113.0/24", "bad/99", check=False)
    assert r.returncode != 0
    assert "203.0.113.0/24" not in srv.synguard_json("deny", "list", "sg0", "--json")["prefixes"]
