# SPDX-License-Identifier: GPL-2.0-only
"""Sends hand-described TCP packets with scapy (run with Debian's python3).

usage: send_packets.py IFACE JSON
JSON: a list of {"family": 4|6, "dst": addr, "src": addr, "dport": N,
"sport": N, "flags": "SF", "count": N}. Ethernet goes to the peer's MAC,
resolved from the neighbour table (pinging once first)."""
import json
import subprocess
import sys

from scapy.all import IP, IPv6, TCP, Ether, conf, get_if_hwaddr, sendp

conf.verb = 0


def peer_mac(iface, dst, family):
    subprocess.run(["ping", "-%d" % family, "-c", "1", "-W", "1", dst],
                   capture_output=True)
    out = subprocess.run(["ip", "-%d" % family, "neigh", "show", dst, "dev", iface],
                         capture_output=True, text=True).stdout.split()
    return out[out.index("lladdr") + 1] if "lladdr" in out else "ff:ff:ff:ff:ff:ff"


def main():
    iface, spec = sys.argv[1], json.loads(sys.argv[2])
    src_mac = get_if_hwaddr(iface)
    frames = []
    for s in spec:
        fam = s.get("family", 4)
        ip = (IP(src=s["src"], dst=s["dst"]) if fam == 4
              else IPv6(src=s["src"], dst=s["dst"]))
        eth = Ether(src=src_mac, dst=peer_mac(iface, s["dst"], fam))
        tcp = TCP(sport=s.get("sport", 40000), dport=s["dport"], flags=s["flags"],
                  seq=s.get("seq", 1000))
        frames += [eth / ip / tcp] * s.get("count", 1)
    sendp(frames, iface=iface)


if __name__ == "__main__":
    main()
