# SPDX-License-Identifier: GPL-2.0-only
"""Sends hand-described TCP packets with scapy (run with Debian's python3).

usage: send_packets.py IFACE JSON|@FILE
JSON: a list of {"family": 4|6, "dst": addr, "src": addr, "dport": N,
"sport": N, "seq": N, "flags": "SF", "count": N, "opts": "linux"}. Ethernet goes to the peer's MAC,
resolved from the neighbour table (pinging once first)."""
import json
import subprocess
import sys

from scapy.all import IP, IPv6, TCP, Ether, conf, get_if_hwaddr, sendp

conf.verb = 0


_macs = {}


def peer_mac(iface, dst, family):
    if (dst, family) not in _macs:
        _macs[(dst, family)] = _resolve(iface, dst, family)
    return _macs[(dst, family)]


def _resolve(iface, dst, family):
    subprocess.run(["ping", "-%d" % family, "-c", "1", "-W", "1", dst],
                   capture_output=True)
    out = subprocess.run(["ip", "-%d" % family, "neigh", "show", dst, "dev", iface],
                         capture_output=True, text=True).stdout.split()
    return out[out.index("lladdr") + 1] if "lladdr" in out else "ff:ff:ff:ff:ff:ff"


def main():
    iface, arg = sys.argv[1], sys.argv[2]
    if arg.startswith("@"):
        with open(arg[1:]) as f:
            arg = f.read()
    spec = json.loads(arg)
    src_mac = get_if_hwaddr(iface)
    frames = []
    for s in spec:
        fam = s.get("family", 4)
        ip = (IP(src=s["src"], dst=s["dst"]) if fam == 4
              else IPv6(src=s["src"], dst=s["dst"]))
        eth = Ether(src=src_mac, dst=peer_mac(iface, s["dst"], fam))
        opts = []
        if s.get("opts") == "linux":   # what a Linux client's SYN carries
            opts = [("MSS", 1460), ("SAckOK", b""), ("Timestamp", (s.get("seq", 1), 0)),
                    ("NOP", None), ("WScale", 7)]
        tcp = TCP(sport=s.get("sport", 40000), dport=s["dport"], flags=s["flags"],
                  seq=s.get("seq", 1000), options=opts)
        frames += [eth / ip / tcp] * s.get("count", 1)
    sendp(frames, iface=iface)


if __name__ == "__main__":
    main()
