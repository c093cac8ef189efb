# SPDX-License-Identifier: GPL-2.0-only
"""Configuration files: attach --config, reload, and bad files refused with
their line, leaving the running configuration alone."""
import os

import pytest

import sgtest


def stats(ns):
    return ns.synguard_json("stats", "sg0", "--json", "--interval", "0")


GOOD = """# synguard test configuration
[synguard]
ports = 80, 443
cookies = always
syn-threshold = 20000   ; inline comments are fine
cooldown = 5
out-of-state = off
handshake-limit = 50
deny = 203.0.113.0/24, 2001:db8:dead::/48
"""


def cookie_mode():
    """The file's cookie mode: always, or off where the kernel has no
    cookies (which would refuse 'always'); every other key the same."""
    return "off" if sgtest.missing("cookies") else "always"


@pytest.mark.matrix
def test_attach_with_config_then_reload(web, tmp_path):
    srv, cli = web.server, web.client
    conf = tmp_path / "synguard.conf"
    conf.write_text(GOOD.replace("cookies = always", "cookies = " + cookie_mode()))
    srv.synguard("attach", "sg0", "--config", str(conf), "--cooldown", "7")
    a = stats(srv)["adaptive"]
    assert a["mode"] == cookie_mode() and a["syn_threshold"] == 20000
    assert a["cooldown_s"] == 7                     # the option given wins
    assert a["out_of_state"] == "off" and a["limits"]["handshake"] == 50
    assert sorted(srv.synguard_json("deny", "list", "sg0", "--json")["prefixes"]) == \
        ["2001:db8:dead::/48", "203.0.113.0/24"]
    assert sgtest.curl(cli, "http://%s/" % sgtest.SERVER4) == ["200"]
    before = stats(srv)
    prog = srv.synguard_json("status", "sg0", "--json")["attachments"][0]["xdp_prog_id"]

    # edit and reload: left-out settings return to defaults, lists are replaced
    conf.write_text("ports = 80\ncookies = off\nallow = 192.0.2.0/24\ndeny =\n")
    srv.synguard("reload", "sg0")
    after = stats(srv)
    a = after["adaptive"]
    assert a["mode"] == "off" and a["syn_threshold"] == 10000 and a["cooldown_s"] == 30
    assert a["out_of_state"] == "attack" and a["limits"]["handshake"] == 0
    assert srv.synguard_json("deny", "list", "sg0", "--json")["prefixes"] == []
    assert srv.synguard_json("allow", "list", "sg0", "--json")["prefixes"] == ["192.0.2.0/24"]
    assert after["packets"] >= before["packets"]     # counters kept
    assert srv.synguard_json("status", "sg0", "--json")["attachments"][0]["xdp_prog_id"] == prog
    assert sgtest.curl(cli, "http://%s/" % sgtest.SERVER4) == ["200"]
    assert stats(srv)["passes"]["allowed"] > after["passes"]["allowed"]


BAD = [
    ("ports = 80\ncookies = sometimes\n", 2, "bad cookies 'sometimes'"),
    ("ports = 80\n\n# fine\ncolour = blue\n", 4, "unknown key 'colour'"),
    ("ports = 80\nsyn-threshold = -5\n", 2, "syn-threshold"),
    ("[other]\nports = 80\n", 2, "unknown section [other]"),
    ("ports = 80\ndeny = 10.0.0.0/8, 300.1.1.1\n", 2, "bad CIDR '300.1.1.1'"),
    ("ports = 80\nthis is not a setting\n", 2, "not a setting"),
    ("ports = 99999\n", 1, "99999"),
    # longer than inih's line buffer: named, not misread as two lines
    ("ports = " + ",".join(str(p) for p in range(1000, 1060)) + "\n", 1,
     "line longer than 198 bytes"),
    ("ports = 80\nallow = " + ", ".join("10.1.%d.0/24" % i for i in range(20)) + "\n", 2,
     "line longer than 198 bytes"),
    ("ports = 80\nallow = 10.1.2.3\x00\x01\n", 2, "not a text file"),
    ("ports = 80\ndeny = " + "\x1b\x07" * 40 + "\n", 2, "bad CIDR '\\x1b\\x07"),
]


def test_bad_files_are_refused_with_their_line(web, tmp_path):
    srv = web.server
    conf = tmp_path / "synguard.conf"
    conf.write_text("ports = 80\ncookies = %s\nsyn-threshold = 3000\n" % cookie_mode())
    srv.synguard("attach", "sg0", "--config", str(conf))
    for text, line, needle in BAD:
        conf.write_text(text)
        r = srv.synguard("reload", "sg0", check=False)
        assert r.returncode != 0 and len(r.stderr.splitlines()) == 1, (text, r.stderr)
        assert ("%s:%d: " % (conf, line)) in r.stderr and needle in r.stderr, (text, r.stderr)
        assert len(r.stderr) < 400 and r.stderr.rstrip("\n").isprintable(), r.stderr
        a = stats(srv)["adaptive"]                  # untouched
        assert a["mode"] == cookie_mode() and a["syn_threshold"] == 3000
    # attach refuses a bad file too, and leaves nothing behind
    srv.synguard("detach", "sg0")
    conf.write_text(BAD[0][0])
    r = srv.synguard("attach", "sg0", "--config", str(conf), check=False)
    assert r.returncode != 0 and ":2: bad cookies" in r.stderr
    assert srv.synguard_json("status", "--json")["attachments"] == []
    r = srv.synguard("attach", "sg0", "--config", str(tmp_path / "missing.conf"), check=False)
    assert r.returncode != 0 and "cannot read" in r.stderr
    srv.synguard("attach", "sg0", "--ports", "80")
    r = srv.synguard("reload", "sg0", check=False)
    assert r.returncode != 0 and "without --config" in r.stderr


def test_what_is_not_a_file_is_refused(web, tmp_path):
    """A directory, a device or a pipe where the configuration file should be
    is refused at once, by attach and by reload (which would otherwise read
    /dev/zero forever); ports lines add up as allow and deny lines do."""
    srv = web.server
    for path, what in ((str(tmp_path), "is a directory"), ("/dev/zero", "is a device"),
                       ("/dev/urandom", "is a device")):
        r = srv.synguard("attach", "sg0", "--config", path, check=False, timeout=10)
        assert r.returncode != 0 and r.stderr.count("\n") == 1 and what in r.stderr, r.stderr
        assert srv.synguard_json("status", "--json")["attachments"] == []
    conf = tmp_path / "synguard.conf"
    conf.write_text("ports = 80\nports = 443, 8000-8001\ncookies = %s\n" % cookie_mode())
    srv.synguard("attach", "sg0", "--config", str(conf))
    assert stats(srv)["adaptive"]["mode"] == cookie_mode()
    st = srv.synguard_json("status", "sg0", "--json")["attachments"][0]
    assert st["ports"] == "80,443,8000-8001"
    for make, what in ((lambda: conf.mkdir(), "is a directory"),
                       (lambda: os.mkfifo(conf), "is a pipe")):
        conf.unlink() if conf.is_file() or conf.is_fifo() else conf.rmdir()
        make()
        r = srv.synguard("reload", "sg0", check=False, timeout=10)
        assert r.returncode != 0 and what in r.stderr, r.stderr
        assert srv.synguard_json("status", "sg0", "--json")["attachments"][0]["ports"] == \
            "80,443,8000-8001"
    srv.synguard("detach", "sg0")
