# SPDX-License-Identifier: GPL-2.0-only
"""The benchmark's namespaces and what it reads off them.

  gen  ns: sg1, where build/synflood writes floods and bench_sink counts
           the answers that come back (and drops them)
  srv  ns: sg0, where each contender runs; nginx listens on port 80
  legit ns: sgl1, legitimate clients on their own link to the server (sgl0)
  backend ns: sgb1, a second nginx behind the server namespace (sgb0), which
           forwards to it: the gateway contenders' server

Both ends of the flooded link run their NAPI in kernel threads (veth GRO
on, threaded NAPI), pinned to the last CPU; the generator is pinned to the
first. So the server's work for a flood is the CPU time of one thread, read
exactly from /proc/PID/schedstat, and the generator never competes with it.

Measured on this path: a veth NAPI thread takes frames off its 256-entry
ring at no more than about half a CPU, whatever it runs, and the ring
overflows beyond that. Rates seen at the generator therefore understate
what a contender could do; its CPU time per packet does not, and gives
its capacity (packets per CPU-second).
"""
import glob
import json
import os
import subprocess

import sgtest
from sgtest import run

SYNFLOOD = os.path.join(sgtest.REPO, "build", "synflood")
BENCH_OBJ = os.path.join(sgtest.REPO, "build", "bench", "xdp_bench.bpf.o")
SPOOFED = "198.18.0.0/15"   # RFC 2544 benchmarking space: 131,072 sources
SPOOFED6 = "2001:db8:ff::/111"  # as many IPv6 sources, in the documentation prefix
LEGIT_SERVER = "198.51.100.1"
BACKEND4, BACKEND6 = "203.0.113.2", "2001:db8:2::2"
GEN_CPU = 0
SRV_CPU = (os.cpu_count() or 1) - 1


class Bench:
    def __init__(self):
        self.t = sgtest.Topology()
        self.srv, self.gen = self.t.server, self.t.client
        self.pins = "/sys/fs/bpf/sgbench-%d" % os.getpid()
        try:
            self._setup()
        except BaseException:
            self.close()        # nothing half-built stays behind
            raise

    def _setup(self):
        run(["bpftool", "prog", "loadall", BENCH_OBJ, self.pins, "pinmaps", self.pins + "-maps"])
        # the generator side counts what comes back (and needs XDP for XDP_TX)
        run(["ip", "-n", self.gen.name, "link", "set", "dev", "sg1", "xdpdrv", "off"])
        self.attach(self.gen, "sg1", "bench_sink")
        self.legit = self.t.add_ns(self.srv.name.replace("-srv", "-legit"))
        sgtest.Topology.link(self.srv, "sgl0", LEGIT_SERVER, "2001:db8:1::1",
                             self.legit, "sgl1", "198.51.100.2", "2001:db8:1::2")
        self.nginx = sgtest.start_nginx(self.srv, self.t.tmp)
        self.backend = self.t.add_ns(self.srv.name.replace("-srv", "-back"))
        sgtest.Topology.link(self.srv, "sgb0", "203.0.113.1", "2001:db8:2::1",
                             self.backend, "sgb1", BACKEND4, BACKEND6)
        self.backend.exec(["ip", "route", "add", "default", "via", "203.0.113.1"])
        self.backend.exec(["ip", "-6", "route", "add", "default", "via", "2001:db8:2::1"])
        self.legit.exec(["ip", "route", "add", "203.0.113.0/24", "via", LEGIT_SERVER])
        self.srv.exec(["sysctl", "-qw", "net.ipv4.ip_forward=1"])
        self.srv.exec(["sysctl", "-qw", "net.ipv6.conf.all.forwarding=1"])
        back_tmp = os.path.join(self.t.tmp, "backend")
        os.makedirs(back_tmp)
        os.chmod(back_tmp, 0o755)
        self.backend_nginx = sgtest.start_nginx(self.backend, back_tmp)
        # The kernel answers spoofed sources through a neighbour, as it would
        # through its gateway, rather than resolving each address (XDP
        # contenders swap MACs and need none) ...
        self.srv.exec(["ip", "route", "add", SPOOFED, "via", sgtest.CLIENT4])
        gen_mac = self.mac_of(self.gen, "sg1")
        self.srv.exec(["ip", "neigh", "replace", sgtest.CLIENT4, "lladdr", gen_mac, "dev", "sg0",
                       "nud", "permanent"])
        # ... and contenders that drop everything drop ARP too: name the MAC
        self.mac = self.mac_of(self.srv, "sg0")
        for ns, dev in ((self.gen, "sg1"), (self.srv, "sg0")):
            ns.exec(["ethtool", "-K", dev, "gro", "on"])
            run(["ip", "netns", "exec", ns.name, "sh", "-c",
                 "echo 1 > /sys/class/net/%s/threaded" % dev])
        self.pin_threads()

    @staticmethod
    def mac_of(ns, dev):
        return json.loads(ns.exec(["ip", "-j", "link", "show", dev]).stdout)[0]["address"]

    def attach(self, ns, dev, prog):
        ns.exec(["bpftool", "net", "attach", "xdpdrv", "pinned",
                 "%s/%s" % (self.pins, prog), "dev", dev, "overwrite"])

    def detach(self, ns, dev):
        ns.exec(["bpftool", "net", "detach", "xdpdrv", "dev", dev], check=False)

    @staticmethod
    def napi_thread(dev):
        """pid of the NAPI thread of dev (interface names are unique here)."""
        for path in glob.glob("/proc/[0-9]*/comm"):
            try:
                with open(path) as f:
                    if f.read().startswith("napi/%s-" % dev):
                        return int(path.split("/")[2])
            except OSError:
                pass
        raise AssertionError("no NAPI thread for " + dev)

    def pin_threads(self):
        """(Re)pins both NAPI threads; returns the server's."""
        for dev in ("sg0", "sg1"):
            run(["taskset", "-pc", str(SRV_CPU), str(self.napi_thread(dev))])
        return self.napi_thread("sg0")

    @staticmethod
    def thread_ns(pid):
        with open("/proc/%d/schedstat" % pid) as f:
            return int(f.read().split()[0])

    def received(self):
        """Frames the server's NAPI has taken off the link."""
        out = run(["ip", "netns", "exec", self.srv.name, "ethtool", "-S", "sg0"]).stdout
        return int(out.split("rx_queue_0_xdp_packets: ")[1].split()[0])

    def seen(self, slot=1):
        """A helper program's per-CPU counter, summed: slot 1 counts what
        came back to the generator, slot 0 what a trivial contender saw."""
        out = json.loads(run(["bpftool", "-j", "map", "dump", "pinned",
                              self.pins + "-maps/seen"]).stdout)
        return sum(v["value"] for v in out[slot]["formatted"]["values"])

    def flood(self, mode, secs, rate=None, family=4, gateway=False):
        dst, src = (sgtest.SERVER4, SPOOFED) if family == 4 else (sgtest.SERVER6, SPOOFED6)
        if gateway:
            dst = BACKEND4 if family == 4 else BACKEND6
        argv = [SYNFLOOD, "--iface", "sg1", "--dst", dst, "--src", src,
                "--mode", mode, "--count", "100000000", "--duration", str(secs),
                "--dst-mac", self.mac, "--json"]
        if rate:
            argv += ["--rate", str(int(rate))]
        r = run(["taskset", "-c", str(GEN_CPU)] + self.gen.cmd(argv), timeout=secs + 60)
        return json.loads(r.stdout)

    def legit_clients(self, secs, gateway=False):
        return self.legit.popen([sgtest.SCAPY_PY, "-c", LEGIT,
                                 BACKEND4 if gateway else LEGIT_SERVER, str(secs)],
                                stdout=subprocess.PIPE, text=True)

    def close(self):
        self.t.close()
        run(["rm", "-rf", self.pins, self.pins + "-maps"], check=False)


# Connects, measures the connect time, closes; again and again until time
# is up. A connect that takes over a second counts as failed.
LEGIT = r"""
import json, socket, sys, time
until = time.monotonic() + float(sys.argv[2])
lat, fail = [], 0
while time.monotonic() < until:
    t0 = time.monotonic()
    try:
        s = socket.create_connection((sys.argv[1], 80), timeout=1)
        lat.append(time.monotonic() - t0)
        s.close()
    except OSError:
        fail += 1
    time.sleep(0.002)
print(json.dumps({"ok": len(lat), "failed": fail, "lat": lat}))
"""
