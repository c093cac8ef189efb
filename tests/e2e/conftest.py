# SPDX-License-Identifier: GPL-2.0-only
"""pytest fixtures: namespaces, nginx, and a leak check after every test."""
import os
import subprocess

import pytest

import sgtest


def pytest_configure(config):
    config.addinivalue_line("markers", "matrix: also run in every guest of the kernel matrix")
    config.addinivalue_line("markers", "soak: minutes long; make soak runs it, make test not")
    for need, (_, what) in sgtest.NEEDS.items():
        config.addinivalue_line("markers", "%s: needs %s" % (need, what))


def pytest_runtest_setup(item):
    """A test marked with a kernel need (sgtest.NEEDS) is skipped, with the
    feature named, where the running kernel lacks it."""
    for need in sgtest.NEEDS:
        if item.get_closest_marker(need):
            why = sgtest.missing(need)
            if why:
                pytest.skip(why)


def pytest_sessionstart(session):
    if os.geteuid() != 0:
        pytest.exit("the end-to-end tests need root: run 'sudo make test'", 2)
    for path in (sgtest.SYNGUARD, sgtest.XDP_PASS_OBJ):
        if not os.path.exists(path):
            pytest.exit("%s is missing: run 'make test', which builds it" % path, 2)


@pytest.fixture
def topo():
    t = sgtest.Topology()
    try:
        yield t
    finally:
        t.close()
    leaked = [ns.name for ns in t.namespaces if getattr(ns, "leaked_pins", False)]
    assert not leaked, "synguard pins outlived detach in %s" % leaked


@pytest.fixture
def web(topo):
    """topo with nginx listening on port 80 in the server namespace."""
    sgtest.start_nginx(topo.server, topo.tmp)
    return topo


def _leftovers(pid):
    ns = [n.split()[0] for n in subprocess.run(["ip", "netns", "list"], capture_output=True,
                                                 text=True).stdout.splitlines()
          if n.startswith("sgt-%d-" % pid)]
    return ns


@pytest.fixture(autouse=True)
def no_leftovers(request):
    """Every test must leave no namespace and no synguard pins behind."""
    root = os.path.join(sgtest.BPFFS, "synguard")
    before = set(os.listdir(root)) if os.path.isdir(root) else set()
    yield
    ns = _leftovers(os.getpid())
    after = set(os.listdir(root)) if os.path.isdir(root) else set()
    assert not ns, "namespaces left behind: %s" % ns
    assert after <= before, "pins left behind: %s" % sorted(after - before)
