# SPDX-License-Identifier: GPL-2.0-only
"""The CLI from any network namespace: nsenter and ip netns exec, and equal
interface names in different namespaces kept apart."""
import glob
import pytest

import sgtest


@pytest.mark.cookies
def test_ip_netns_exec_finds_pins(topo):
    """ip netns exec remounts /sys; synguard must still find its pins."""
    srv = topo.server
    srv.synguard("attach", "sg0", "--ports", "80", via="ipnetns")
    st = srv.synguard_json("status", "--json", via="ipnetns")
    assert [a["interface"] for a in st["attachments"]] == ["sg0"]
    # no cgroup v2 mount under the fresh /sys: the socket counter's
    # attach mounts the hierarchy for the moment, and counts
    assert st["attachments"][0]["live_sockets"] == 0
    assert not glob.glob("/tmp/synguard-cgroup2.*")
    # the same attachment as seen through nsenter
    assert srv.synguard_json("status", "--json")["attachments"][0]["xdp_prog_id"] == \
        st["attachments"][0]["xdp_prog_id"]
    s = srv.synguard_json("stats", "sg0", "--json", "--interval", "0", via="ipnetns")
    assert s["interface"] == "sg0"
    srv.synguard("detach", "sg0", via="ipnetns")
    assert srv.synguard_json("status", "--json")["attachments"] == []


def test_same_ifname_in_two_namespaces():
    a = sgtest.Topology(server_if="eth0", client_if="peer0")
    b = sgtest.Topology(server_if="eth0", client_if="peer0")
    try:
        a.server.synguard("attach", "eth0", "--ports", "80")
        b.server.synguard("attach", "eth0", "--ports", "443")
        assert a.server.pin_dir() != b.server.pin_dir()
        pa = a.server.synguard_json("status", "--json")["attachments"]
        pb = b.server.synguard_json("status", "--json")["attachments"]
        assert [x["ports"] for x in pa] == ["80"] and [x["ports"] for x in pb] == ["443"]
        # traffic in a only moves a's counters
        sgtest.send_packets(a.client, "peer0", [{"family": 4, "src": sgtest.CLIENT4,
                                                 "dst": sgtest.SERVER4, "dport": 80,
                                                 "flags": "SF", "count": 7}])
        sa = a.server.synguard_json("stats", "eth0", "--json", "--interval", "0")
        sb = b.server.synguard_json("stats", "eth0", "--json", "--interval", "0")
        assert sa["drops"]["flags_syn_fin"] == 7 and sb["drops"]["flags_syn_fin"] == 0
        # detaching one leaves the other attached
        a.server.synguard("detach", "eth0")
        assert a.server.synguard_json("status", "--json")["attachments"] == []
        (x,) = b.server.synguard_json("status", "--json")["attachments"]
        assert x["state"] == "attached"
        b.server.synguard("detach", "eth0")
    finally:
        a.close()
        b.close()
