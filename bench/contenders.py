# SPDX-License-Identifier: GPL-2.0-only
"""What the benchmark puts on the server side, one at a time.

Each contender is a name, a setup and a teardown, whether legitimate
clients can be served through it (the trivial programs answer or drop
everything, so they cannot), and the floods it faces.

Two of them are floors rather than contenders: the least work any SYN-cookie
responder must do per SYN (floor_synack) and per forged ACK (floor_ack), run
live on the same path, so that each target can be set against the best a
correct program could do here (bench/bpf/xdp_bench.bpf.c). Three more are
the reflector after 1, 2 and 4 SipHash MACs of busy work: how the SYN-ACK
rate of this path follows the work done per SYN, whoever does it.
"""
from collections import namedtuple

import sgtest
from sgtest import run

# gateway: the flood and the legitimate clients aim at the backend behind
# the server namespace, which forwards to it (bench/topo.py).
Contender = namedtuple("Contender", "name setup teardown serves floods gateway",
                       defaults=[("syn", "ack"), False])

# netfilter SYNPROXY as its documentation sets it up: SYNs to the port skip
# conntrack, SYNPROXY answers them (and their ACKs) with its cookies and
# opens the connection to the local listener itself.
SYNPROXY_RULES = """
table inet sgbench {
    chain pre {
        type filter hook prerouting priority raw; policy accept;
        tcp dport 80 tcp flags & (fin|syn|rst|ack) == syn notrack
    }
    chain in {
        type filter hook input priority filter; policy accept;
        tcp dport 80 ct state invalid,untracked synproxy mss 1460 wscale 7 timestamp sack-perm
        ct state invalid drop
    }
}
"""


def all_contenders(b):
    srv = b.srv

    def sg(mode, *extra):
        def setup():
            for dev in ("sg0", "sgl0"):
                srv.synguard("attach", dev, "--ports", "80", "--cookies", mode, *extra)

        def teardown():
            for dev in ("sg0", "sgl0"):
                srv.synguard("detach", dev)
        return setup, teardown

    def trivial(prog):
        return (lambda: b.attach(srv, "sg0", prog), lambda: b.detach(srv, "sg0"))

    # ip -n: iproute2 gets a private /sys and leaves the root bpffs alone
    def kernel_setup():
        srv.exec(["sysctl", "-qw", "net.ipv4.tcp_syncookies=2"])
        run(["ip", "-n", srv.name, "link", "set", "dev", "sg0", "xdpdrv", "obj",
             sgtest.XDP_PASS_OBJ, "sec", "xdp"])

    def kernel_teardown():
        run(["ip", "-n", srv.name, "link", "set", "dev", "sg0", "xdpdrv", "off"])
        srv.exec(["sysctl", "-qw", "net.ipv4.tcp_syncookies=1"])

    def synproxy_setup():
        srv.exec(["sysctl", "-qw", "net.netfilter.nf_conntrack_tcp_loose=0",
                  "net.ipv4.tcp_timestamps=1"])
        srv.exec(["nft", "-f", "-"], input=SYNPROXY_RULES)

    def synproxy_gw_setup():
        srv.exec(["sysctl", "-qw", "net.netfilter.nf_conntrack_tcp_loose=0"])
        srv.exec(["nft", "-f", "-"], input=SYNPROXY_RULES.replace("hook input", "hook forward"))

    def synproxy_teardown():
        srv.exec(["nft", "delete", "table", "inet", "sgbench"])
        srv.exec(["sysctl", "-qw", "net.netfilter.nf_conntrack_tcp_loose=1"])

    return [
        Contender("xdp_drop", *trivial("bench_drop"), False),
        Contender("reflector", *trivial("bench_reflect"), False),
        Contender("kernel", kernel_setup, kernel_teardown, True),
        Contender("synproxy", synproxy_setup, synproxy_teardown, True),
        Contender("synguard", *sg("always"), True),
        Contender("synguard_off", *sg("off"), True),
        # the SYNPROXY completion, for the server itself and as a gateway
        Contender("sg_synproxy", *sg("always", "--completion", "synproxy"), True),
        Contender("sg_gateway", *sg("always", "--role", "gateway", "--backend-mss", "1460",
                                    "--backend-wscale", "7"), True, ("syn", "ack"), True),
        Contender("synproxy_gw", synproxy_gw_setup, synproxy_teardown, True, ("syn",), True),
        Contender("floor_synack", *trivial("floor_synack"), False, ("syn",)),
        Contender("floor_kcookie", *trivial("floor_kcookie"), False, ("syn",)),
        # the reflector made dearer by known amounts of work per SYN
        Contender("reflect_mac1", *trivial("reflect_mac1"), False, ("syn",)),
        Contender("reflect_mac2", *trivial("reflect_mac2"), False, ("syn",)),
        Contender("reflect_mac4", *trivial("reflect_mac4"), False, ("syn",)),
        Contender("floor_ack", *trivial("floor_ack"), False, ("ack",)),
    ]
