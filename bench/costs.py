# SPDX-License-Identifier: GPL-2.0-only
"""Per-packet cost of synguard_xdp with BPF_PROG_TEST_RUN and a large repeat
count, next to a trivial program returning the same verdict.

Every run goes through bench_restore (bench/bpf/xdp_bench.bpf.c), which puts
the original frame back before tail-calling the program under test: a test
run reuses its buffer, and synguard rewrites a SYN into a SYN-ACK and adds
metadata to a valid cookie ACK. The trivial program runs behind the same
wrapper, so the difference is synguard's own cost.

build/bench/prog_cost (bench/prog_cost.c) runs synguard and the trivial
program in alternating pairs and reports the median of the pairwise
differences with its interquartile range: a single duration drifts here by
more than the few nanoseconds some targets are about.

The runs happen in the server namespace, whose nginx is the listener and
where a held connection provides an established flow. One frame repeated
finds the socket table warm; under a real flood of random sources the
lookups miss the cache, which the live figures (ns per SYN) show.
"""
import ipaddress
import json
import os
import re
import struct
import subprocess

import sgtest
from sgtest import run

PROG_COST = os.path.join(sgtest.REPO, "build", "bench", "prog_cost")
TC_PASS_OBJ = os.path.join(sgtest.REPO, "build", "bench", "tc_pass.bpf.o")
PAIRS = int(os.environ.get("COST_PAIRS", "61"))
REPEAT = int(os.environ.get("COST_REPEAT", "200000"))
FRAME_MAX = 256
HOLDER = "192.0.2.202"          # the held connection's client address, on lo

FRAMES = r"""
import sys
from scapy.all import Ether, IP, IPv6, TCP, UDP, Raw
port, out, HOLDER = int(sys.argv[1]), sys.argv[2], sys.argv[3]
e = Ether(src="02:00:00:00:00:02", dst="02:00:00:00:00:01")
ip = IP(src="192.0.2.200", dst="192.0.2.1")
linux = [("MSS", 1460), ("SAckOK", b""), ("Timestamp", (1000, 0)), ("NOP", None),
         ("WScale", 7)]
ts = [("NOP", None), ("NOP", None), ("Timestamp", (1001, 2))]
frames = {
    "syn": e / ip / TCP(sport=40000, dport=80, flags="S", seq=1000, options=linux),
    "syn6": e / IPv6(src="2001:db8::200", dst="2001:db8::1") /
        TCP(sport=40000, dport=80, flags="S", seq=1000, options=linux),
    "udp": e / ip / UDP(sport=5353, dport=53) / Raw(b"x" * 64),
    "tcp_unprotected": e / ip / TCP(sport=40000, dport=9999, flags="PA", options=ts) /
        Raw(b"x" * 64),
    "established": e / IP(src=HOLDER, dst="192.0.2.1") /
        TCP(sport=port, dport=80, flags="PA", options=ts) / Raw(b"x" * 64),
}
for name, f in frames.items():
    open("%s/%s.bin" % (out, name), "wb").write(bytes(f))
"""

# The ACK a client sends for a SYN-ACK in @synack (the output of one run),
# IPv4 or IPv6 as the SYN-ACK is.
VALID_ACK = r"""
import sys
from scapy.all import Ether, IP, IPv6, TCP
sa = Ether(open(sys.argv[1], "rb").read())
L3 = IPv6 if IPv6 in sa else IP
tsval = dict(sa[TCP].options)["Timestamp"][0]
ack = Ether(src=sa.dst, dst=sa.src) / L3(src=sa[L3].dst, dst=sa[L3].src) / \
    TCP(sport=sa[TCP].dport, dport=sa[TCP].sport, flags="A", seq=sa[TCP].ack,
        ack=sa[TCP].seq + 1, options=[("NOP", None), ("NOP", None),
                                      ("Timestamp", (1001, tsval))])
open(sys.argv[2], "wb").write(bytes(ack))
# The same ACK from a flood's source, which never had a socket here: its
# cookie names the current period, so it fails on the MAC (an ACK whose
# period is out of date fails before any hashing, and costs less).
ack[L3].src = "198.18.0.7" if L3 is IP else "2001:db8:ff::7"
if L3 is IP:
    del ack[IP].chksum
del ack[TCP].chksum
open(sys.argv[3], "wb").write(bytes(ack))
"""

# Is the frame in argv[1] a well-formed SYN-ACK for the SYN in argv[2]?
IS_SYNACK = r"""
import sys
from scapy.all import Ether, IP, TCP
sa, syn = Ether(open(sys.argv[1], "rb").read()), Ether(open(sys.argv[2], "rb").read())
fresh = Ether(bytes(sa.copy()))
del fresh[IP].chksum, fresh[TCP].chksum
fresh = Ether(bytes(fresh))
ok = (sa[TCP].flags == "SA" and sa[TCP].ack == syn[TCP].seq + 1 and
      sa[IP].src == syn[IP].dst and sa[TCP].dport == syn[TCP].sport and
      sa[IP].chksum == fresh[IP].chksum and sa[TCP].chksum == fresh[TCP].chksum)
sys.exit(0 if ok else "not a well-formed SYN-ACK: " + repr(sa))
"""

HOLD_CONN = r"""
import socket, sys, time
c = socket.create_connection(("192.0.2.1", 80), source_address=(sys.argv[1], 0))
print(c.getsockname()[1], flush=True)
time.sleep(600)
"""


class Costs:
    def __init__(self, b):
        self.b, self.ns, self.tmp = b, b.srv, b.t.tmp
        self.maps = b.pins + "-maps"
        self.restore = b.pins + "/bench_restore"
        self.passpin = b.pins + "-pass"
        self.tcpass, self.tcpin = b.pins + "-tcpass", b.pins + "-tc"
        run(["bpftool", "prog", "load", sgtest.XDP_PASS_OBJ, self.passpin, "type", "xdp"])
        run(["bpftool", "prog", "load", TC_PASS_OBJ, self.tcpass])
        # the held connection's own address: a frame from 127.0.0.1, or from
        # the server's address to itself, is one synguard (as the kernel)
        # refuses from the wire
        self.ns.exec(["ip", "addr", "add", HOLDER + "/32", "dev", "lo"])

    def close(self):
        run(["rm", "-f", self.passpin, self.tcpass, self.tcpin], check=False)
        self.ns.exec(["ip", "addr", "del", HOLDER + "/32", "dev", "lo"], check=False)

    def tc_cost(self, frame, pin_dir, hold_open):
        """Paired costs of synguard_tc and a trivial TC program on frame;
        @hold_open keeps the handoff window open (as while handoffs go on)."""
        link = json.loads(run(["bpftool", "-j", "link", "show", "pinned",
                               pin_dir + "/tc_link"]).stdout)
        run(["rm", "-f", self.tcpin])
        run(["bpftool", "prog", "pin", "id", str(link["prog_id"]), self.tcpin])
        if hold_open:
            # struct sg_handoff_state: path (map, forced), pad, learned_ns, until_ns
            value = struct.pack("<IIQQ", 2, 0, 0, (1 << 63) - 1)
            run(["bpftool", "map", "update", "pinned", pin_dir + "/handoff_state_map",
                 "key", "hex", "00", "00", "00", "00", "value", "hex"] +
                ["%02x" % c for c in value])
        out = self.ns.exec([PROG_COST, "--frame", self.frame(frame), self.tcpin, self.tcpass,
                            str(PAIRS), str(REPEAT)]).stdout
        r = json.loads(out)
        if r["a_ret"] != 0 or r["b_ret"] != 0:
            raise AssertionError("%s at TC: verdicts %d/%d, expected 0"
                                 % (frame, r["a_ret"], r["b_ret"]))
        return {"synguard_ns": r["a_ns"], "trivial_ns": r["b_ns"], "extra_ns": r["extra_ns"],
                "extra_q1": r["extra_q1"], "extra_q3": r["extra_q3"]}

    def frame(self, name):
        return os.path.join(self.tmp, name + ".bin")

    def _run_once(self, pin, frame, out=None, repeat=1):
        cmd = ["bpftool", "prog", "run", "pinned", pin, "data_in", self.frame(frame)]
        if out:
            cmd += ["data_out", out]
        cmd += ["repeat", str(repeat)]
        text = self.ns.exec(cmd).stdout
        m = re.search(r"Return value: (\d+), duration( \(average\))?: (\d+)ns", text)
        if not m:
            raise AssertionError("bpftool prog run printed: " + text)
        return int(m.group(1)), int(m.group(3))

    def _load(self, frame, target):
        data = open(self.frame(frame), "rb").read()
        assert len(data) <= FRAME_MAX
        value = struct.pack("<I", len(data)) + data.ljust(FRAME_MAX, b"\0")
        run(["bpftool", "map", "update", "pinned", self.maps + "/frame_map",
             "key", "hex", "00", "00", "00", "00", "value", "hex"] +
            ["%02x" % c for c in value])
        run(["bpftool", "map", "update", "pinned", self.maps + "/target_map",
             "key", "hex", "00", "00", "00", "00", "value", "pinned", target])

    def cost(self, frame, target, trivial, expect):
        """Paired costs of bench_restore + target and + trivial on frame."""
        for pin in (target, trivial):
            self._load(frame, pin)
            ret, _ = self._run_once(self.restore, frame)
            if ret != expect:
                raise AssertionError("%s through %s returned %d, expected %d"
                                     % (frame, pin, ret, expect))
        out = self.ns.exec([PROG_COST, self.restore, self.maps + "/target_map", target, trivial,
                            str(PAIRS), str(REPEAT)]).stdout
        r = json.loads(out)
        if r["a_ret"] != expect or r["b_ret"] != expect:
            raise AssertionError("%s: verdicts %d/%d, expected %d"
                                 % (frame, r["a_ret"], r["b_ret"], expect))
        return {"synguard_ns": r["a_ns"], "trivial_ns": r["b_ns"], "extra_ns": r["extra_ns"],
                "extra_q1": r["extra_q1"], "extra_q3": r["extra_q3"]}

    def hold(self):
        """A connection held open to nginx, and the frames with its port."""
        hold = self.ns.popen([sgtest.SCAPY_PY, "-c", HOLD_CONN, HOLDER], stdout=subprocess.PIPE,
                             text=True)
        port = int(hold.stdout.readline())
        self.ns.exec([sgtest.SCAPY_PY, "-c", FRAMES, str(port), self.tmp, HOLDER])
        return hold

    def measure(self):
        pins = self.b.pins
        XDP_DROP, XDP_PASS, XDP_TX = 1, 2, 3
        rows = {}
        # auto: no attack on, the default; always+map: cookie ACKs handed to
        # TC through handoff_map, as on drivers without XDP metadata. A
        # repeated ACK finds its own entry there, as the request behind a
        # handshake's ACK does; the first ACK's insert makes as many hash
        # operations (a failed insert and a lookup against a lookup and an
        # insert).
        for label in ("always", "always, handoff map", "auto", "off"):
            mode = label.split(",")[0]
            extra = ["--handoff", "map"] if "map" in label else []
            self.ns.synguard("attach", "sg0", "--ports", "80", "--cookies", mode, *extra)
            # the established flow is one made while synguard is on, as
            # nearly all are (one from before the attach is looked up)
            hold = self.hold()
            sg = self.ns.synguard_json("status", "sg0", "--json")["attachments"][0]["pin_dir"]
            sg += "/xdp_prog"
            cases = [("established", "established flow, data", self.passpin, XDP_PASS)]
            if not extra:
                cases = [("udp", "non-TCP", self.passpin, XDP_PASS),
                         ("tcp_unprotected", "TCP, unprotected port", self.passpin,
                          XDP_PASS)] + cases
            if mode == "always":
                synack = os.path.join(self.tmp, "synack.bin")
                self._load("syn", sg)
                ret, _ = self._run_once(self.restore, "syn", out=synack)
                assert ret == XDP_TX, "synguard did not answer the SYN (%d)" % ret
                self.ns.exec([sgtest.SCAPY_PY, "-c", VALID_ACK, synack,
                              self.frame("ack_valid"), self.frame("ack_invalid")])
                cases += [("ack_valid", "valid cookie ACK", self.passpin, XDP_PASS)]
                if not extra:
                    synack6 = os.path.join(self.tmp, "synack6.bin")
                    self._load("syn6", sg)
                    ret, _ = self._run_once(self.restore, "syn6", out=synack6)
                    assert ret == XDP_TX, "synguard did not answer the IPv6 SYN (%d)" % ret
                    self.ns.exec([sgtest.SCAPY_PY, "-c", VALID_ACK, synack6,
                                  self.frame("ack_valid6"), self.frame("ack_invalid6")])
                    cases += [("syn", "SYN -> SYN-ACK", pins + "/bench_reflect", XDP_TX),
                              ("ack_invalid", "invalid ACK", pins + "/bench_drop", XDP_DROP),
                              ("syn6", "IPv6 SYN -> SYN-ACK", pins + "/bench_reflect", XDP_TX),
                              ("ack_invalid6", "IPv6 invalid ACK", pins + "/bench_drop",
                               XDP_DROP)]
            for frame, what, trivial, verdict in cases:
                rows["%s (cookies %s)" % (what, label)] = self.cost(frame, sg, trivial, verdict)
            if mode == "always":
                # the TC program on every packet: nothing to do with no
                # handoff in the last second, a map lookup while there are
                what = "TC: established flow, data, %s" % (
                    "handoffs going on" if extra else "no handoff")
                rows["%s (cookies %s)" % (what, label)] = self.tc_cost(
                    "established", os.path.dirname(sg), bool(extra))
            hold.terminate()
            hold.wait()
            self.ns.synguard("detach", "sg0")
        return rows

    def floors(self):
        """What the unavoidable pieces of work cost here, each next to the
        trivial program with the same verdict (bench/bpf/xdp_bench.bpf.c)."""
        drop = self.b.pins + "/bench_drop"
        # the least responder's answer must be one a client would take
        out = os.path.join(self.tmp, "floor_synack.bin")
        self._load("syn", self.b.pins + "/floor_synack")
        ret, _ = self._run_once(self.restore, "syn", out=out)
        assert ret == 3, "floor_synack did not answer the SYN (%d)" % ret
        self.ns.exec([sgtest.SCAPY_PY, "-c", IS_SYNACK, out, self.frame("syn")])
        # the established frame's fingerprint in floor_conn's table (zero key)
        f = open(self.frame("established"), "rb").read()
        bucket, fp = sgtest.conn_hash(str(ipaddress.ip_address(f[26:30])),
                                      int.from_bytes(f[34:36], "big"),
                                      str(ipaddress.ip_address(f[30:34])),
                                      int.from_bytes(f[36:38], "big"), (0, 0))
        run(["bpftool", "map", "update", "pinned", self.maps + "/floor_conns", "key", "hex"] +
            ["%02x" % c for c in struct.pack("<I", bucket)] + ["value", "hex"] +
            ["%02x" % c for c in struct.pack("<4I", fp, 0, 0, 0)])
        return {"cookie MAC (SipHash-2-4, IPv4)":
                self.cost("ack_invalid", self.b.pins + "/floor_mac", drop, 1),
                "cookie MAC (SipHash-2-4, IPv6)":
                self.cost("ack_invalid6", self.b.pins + "/floor_mac6", drop, 1),
                "socket lookup (finds the listener)":
                self.cost("ack_invalid", self.b.pins + "/floor_lookup", drop, 1),
                "port found, tested and counted":
                self.cost("tcp_unprotected", self.b.pins + "/floor_port", self.passpin, 2),
                "source table read and MAC (forged ACK, no socket possible)":
                self.cost("ack_invalid", self.b.pins + "/floor_ack", drop, 1),
                "connection table lookup (established flow)":
                self.cost("established", self.b.pins + "/floor_conn", self.passpin, 2),
                "least cookie responder (SYN -> SYN-ACK)":
                self.cost("syn", self.b.pins + "/floor_synack", self.b.pins + "/bench_reflect",
                          3)}
