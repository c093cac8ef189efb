# SPDX-License-Identifier: GPL-2.0-only
"""make install / uninstall into a staging directory, and what it installs."""
import os
import shutil
import subprocess

import pytest

import sgtest
from sgtest import run

FILES = ["usr/local/sbin/synguard", "usr/local/lib/systemd/system/synguard.service",
         "etc/synguard/synguard.conf", "usr/local/share/man/man8/synguard.8",
         "usr/local/share/bash-completion/completions/synguard",
         "usr/local/share/doc/synguard/grafana-dashboard.json",
         "usr/local/lib/synguard/xdp-dispatcher.o"]


def test_install_and_uninstall(tmp_path):
    dest = str(tmp_path / "root")
    run(["make", "-C", sgtest.REPO, "install", "DESTDIR=" + dest])
    for f in FILES:
        assert os.path.isfile(os.path.join(dest, f)), f
    unit = open(os.path.join(dest, FILES[1])).read()
    assert "ExecStart=/usr/local/sbin/synguard run --config /etc/synguard/synguard.conf" in unit
    assert "ExecReload=/bin/kill -HUP $MAINPID" in unit
    assert "CapabilityBoundingSet=CAP_BPF CAP_NET_ADMIN" in unit and "@" not in unit
    if shutil.which("systemd-analyze"):
        r = run(["systemd-analyze", "verify", os.path.join(dest, FILES[1])], check=False)
        assert "Unknown key" not in r.stderr and "Invalid" not in r.stderr, r.stderr
    if shutil.which("man"):
        page = run(["man", "-l", os.path.join(dest, FILES[3])],
                   env=dict(os.environ, MANPAGER="cat", MANWIDTH="80")).stdout
        assert "synguard - SYN-flood protection" in page and "reload" in page
    run(["bash", "-n", os.path.join(dest, FILES[4])])
    r = run(["bash", "-c", "source %s; complete -p synguard" % os.path.join(dest, FILES[4])])
    assert "_synguard" in r.stdout
    # an edited config survives uninstall; everything else goes
    with open(os.path.join(dest, FILES[2]), "a") as f:
        f.write("# edited\n")
    run(["make", "-C", sgtest.REPO, "uninstall", "DESTDIR=" + dest])
    left = [os.path.relpath(os.path.join(d, f), dest)
            for d, _, fs in os.walk(dest) for f in fs]
    assert left == [FILES[2]], left


@pytest.mark.matrix
def test_example_config_is_valid(topo):
    """The installed example attaches as it is (with the interface named),
    on every kernel: its cookie mode is the kernel's default."""
    srv = topo.server
    srv.synguard("attach", "sg0", "--config", os.path.join(sgtest.REPO, "dist", "synguard.conf"))
    s = srv.synguard_json("stats", "sg0", "--json", "--interval", "0")["adaptive"]
    # cookies where the kernel can complete them: request sockets or SYNPROXY
    mode = "off" if sgtest.missing("cookies") and sgtest.missing("synproxy") else "auto"
    assert s["mode"] == mode and s["syn_threshold"] == 10000 and s["cooldown_s"] == 30
    srv.synguard("detach", "sg0")


def test_grafana_dashboard_uses_real_metrics(tmp_path):
    import json
    import re
    dash = json.load(open(os.path.join(sgtest.REPO, "dist", "grafana-dashboard.json")))
    exprs = [t["expr"] for p in dash["panels"] for t in p["targets"]]
    names = set(n for e in exprs for n in re.findall(r"synguard_\w+", e))
    metrics_c = open(os.path.join(sgtest.REPO, "user", "lib", "metrics.c")).read()
    for n in names:
        # every name the dashboard queries is one the exporter writes
        assert n in metrics_c or n[len("synguard_"):-len("_total")] in \
            open(os.path.join(sgtest.REPO, "include", "synguard.h")).read(), n
