# SPDX-License-Identifier: GPL-2.0-only
"""synguard's side-by-side benchmark (`sudo make bench`), first part.

In namespaces it creates and removes: synflood writes floods out of the
generator side's veth; a contender answers or drops them on the server side;
a counting XDP program on the generator side sees what comes back. Rounds
are interleaved (A B C ... A B C ...) and medians reported, with ratios,
because this machine is noisy: compare only within one run.

Contenders: trivial XDP_DROP, trivial swap-MAC XDP_TX reflector (the path's
ceiling), the kernel alone (tcp_syncookies=2 behind XDP_PASS), synguard with
cookies always, synguard with cookies off.
Figures: SYN-ACKs per second returned; legitimate connections during that
flood, from a separate client namespace with its own link to the server
(success rate, p50/p99 connect latency); invalid-ACK drops per second;
per-packet cost (BPF_PROG_TEST_RUN, large repeat count) of frames that pass
through unchanged, next to a trivial program doing the same.
Not yet: netfilter SYNPROXY, CPU time per million SYNs, latency versus flood
rate, the cost of SYN->SYN-ACK and of a valid cookie ACK
(they rewrite the frame, so repeats need a restoring wrapper), plots.
"""
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "e2e"))
import sgtest  # noqa: E402
from sgtest import run  # noqa: E402

SYNFLOOD = os.path.join(sgtest.REPO, "build", "synflood")
BENCH_OBJ = os.path.join(sgtest.REPO, "build", "tests", "xdp_bench.bpf.o")
OUT_DIR = os.path.join(sgtest.REPO, "build", "bench")
ROUNDS = int(os.environ.get("ROUNDS", "3"))
SECS = float(os.environ.get("SECS", "2"))
COUNT = 50_000_000            # the duration ends each flood


class Bench:
    def __init__(self):
        self.t = sgtest.Topology()
        self.srv, self.gen = self.t.server, self.t.client
        self.pins = "/sys/fs/bpf/sgbench-%d" % os.getpid()
        run(["bpftool", "prog", "loadall", BENCH_OBJ, self.pins, "pinmaps", self.pins + "-maps"])
        # the generator side counts what comes back (and needs XDP for XDP_TX)
        run(["ip", "-n", self.gen.name, "link", "set", "dev", "sg1", "xdpdrv", "off"])
        self.attach(self.gen, "sg1", "bench_sink")
        # legitimate clients: their own namespace and link (TEST-NET-2)
        self.legit = self.t.add_ns(self.srv.name.replace("-srv", "-legit"))
        sgtest.Topology.link(self.srv, "sgl0", "198.51.100.1", "2001:db8:1::1",
                             self.legit, "sgl1", "198.51.100.2", "2001:db8:1::2")
        sgtest.start_nginx(self.srv, self.t.tmp)
        # The kernel answers spoofed sources through a neighbour, as it would
        # through its gateway, rather than resolving each address (XDP
        # contenders swap MACs and need none).
        self.srv.exec(["ip", "route", "add", "192.0.2.128/25", "via", sgtest.CLIENT4])
        # ... whose MAC is fixed: the sink drops ARP with everything else
        gen_mac = json.loads(self.gen.exec(["ip", "-j", "link", "show", "sg1"]).stdout)[0]["address"]
        self.srv.exec(["ip", "neigh", "replace", sgtest.CLIENT4, "lladdr", gen_mac, "dev", "sg0",
                       "nud", "permanent"])
        # contenders that drop everything drop ARP too: name the MAC
        self.mac = json.loads(self.srv.exec(["ip", "-j", "link", "show", "sg0"]).stdout)[0]["address"]

    def attach(self, ns, dev, prog):
        ns.exec(["bpftool", "net", "attach", "xdpdrv", "pinned",
                 "%s/%s" % (self.pins, prog), "dev", dev, "overwrite"])

    def detach(self, ns, dev):
        ns.exec(["bpftool", "net", "detach", "xdpdrv", "dev", dev], check=False)

    def seen(self, slot=1):
        """A helper program's per-CPU counter, summed: slot 1 counts what
        came back to the generator, slot 0 what a trivial contender saw."""
        out = json.loads(run(["bpftool", "-j", "map", "dump", "pinned",
                              self.pins + "-maps/seen"]).stdout)
        return sum(v["value"] for v in out[slot]["formatted"]["values"])

    def flood(self, mode):
        r = run(self.gen.cmd([SYNFLOOD, "--iface", "sg1", "--dst", sgtest.SERVER4,
                              "--src", "192.0.2.128/25", "--mode", mode, "--count", str(COUNT),
                              "--duration", str(SECS), "--dst-mac", self.mac, "--json"]),
              timeout=60)
        return json.loads(r.stdout)

    def close(self):
        self.t.close()
        run(["rm", "-rf", self.pins, self.pins + "-maps"], check=False)


LEGIT = r"""
import json, socket, sys, time
until = time.monotonic() + float(sys.argv[1])
lat, fail = [], 0
while time.monotonic() < until:
    t0 = time.monotonic()
    try:
        s = socket.create_connection(("198.51.100.1", 80), timeout=1)
        lat.append(time.monotonic() - t0)
        s.close()
    except OSError:
        fail += 1
    time.sleep(0.005)
lat.sort()
pct = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] * 1000 if lat else None
print(json.dumps({"ok": len(lat), "failed": fail, "p50_ms": pct(0.5), "p99_ms": pct(0.99)}))
"""


# Each contender: (setup, teardown, how its ACK-flood drops are counted,
# whether legitimate clients can be served through it).
def contenders(b):
    srv = b.srv

    def sg(mode):
        def setup():
            for dev in ("sg0", "sgl0"):
                srv.synguard("attach", dev, "--ports", "80", "--cookies", mode)

        def teardown():
            for dev in ("sg0", "sgl0"):
                srv.synguard("detach", dev)
        return (setup, teardown,
                lambda: srv.synguard_json("stats", "sg0", "--json", "--interval", "0")["dropped"],
                True)

    def trivial(prog):
        return (lambda: b.attach(srv, "sg0", prog), lambda: b.detach(srv, "sg0"), None, False)

    # ip -n: iproute2 gets a private /sys and leaves the root bpffs alone
    def kernel_setup():
        srv.exec(["sysctl", "-qw", "net.ipv4.tcp_syncookies=2"])
        run(["ip", "-n", srv.name, "link", "set", "dev", "sg0", "xdpdrv", "obj",
             sgtest.XDP_PASS_OBJ, "sec", "xdp"])

    def kernel_teardown():
        run(["ip", "-n", srv.name, "link", "set", "dev", "sg0", "xdpdrv", "off"])
        srv.exec(["sysctl", "-qw", "net.ipv4.tcp_syncookies=1"])

    return {
        "xdp_drop": trivial("bench_drop"),
        "reflector": trivial("bench_reflect"),
        "kernel": (kernel_setup, kernel_teardown, None, True),
        "synguard": sg("always"),
        "synguard_off": sg("off"),
    }


def measure(b, name, setup, teardown, drops, legit):
    import subprocess
    setup()
    try:
        before = b.seen()
        client = None
        if legit:
            client = b.legit.popen([sgtest.SCAPY_PY, "-c", LEGIT, str(SECS)],
                                   stdout=subprocess.PIPE, text=True)
        f = b.flood("syn")
        returned = b.seen() - before
        res = {"sent_pps": f["pps"], "synack_pps": returned / f["seconds"]}
        if client:
            out = json.loads(client.communicate(timeout=30)[0])
            total = out["ok"] + out["failed"]
            res["legit_ok_pct"] = 100.0 * out["ok"] / total if total else 0.0
            if out["p50_ms"] is not None:
                res["legit_p50_ms"] = out["p50_ms"]
                res["legit_p99_ms"] = out["p99_ms"]
        if name == "xdp_drop":
            base = b.seen(0)
            f = b.flood("ack")
            res["ack_drop_pps"] = (b.seen(0) - base) / f["seconds"]
        elif drops:
            base = drops()
            f = b.flood("ack")
            res["ack_drop_pps"] = (drops() - base) / f["seconds"]
        return res
    finally:
        teardown()


COST_FRAMES = r"""
import sys
from scapy.all import Ether, IP, TCP, UDP, Raw
port, out = int(sys.argv[1]), sys.argv[2]
e = Ether(src="02:00:00:00:00:02", dst="02:00:00:00:00:01")
ts = [("NOP", None), ("NOP", None), ("Timestamp", (1, 2))]
frames = {
    "udp": e / IP(src="127.0.0.1", dst="127.0.0.1") / UDP(sport=5353, dport=53) / Raw(b"x" * 64),
    "ack_unprotected": e / IP(src="127.0.0.1", dst="127.0.0.1") /
        TCP(sport=port, dport=9999, flags="A", options=ts) / Raw(b"x" * 64),
    "ack_established": e / IP(src="127.0.0.1", dst="127.0.0.1") /
        TCP(sport=port, dport=80, flags="A", options=ts) / Raw(b"x" * 64),
    "ack_invalid": e / IP(src="127.0.0.1", dst="127.0.0.1") /
        TCP(sport=1, dport=80, flags="A", seq=5, ack=7, options=ts),
}
for name, f in frames.items():
    open("%s/%s.bin" % (out, name), "wb").write(bytes(f))
"""

HOLD_CONN = r"""
import socket, sys, time
c = socket.create_connection(("127.0.0.1", 80))
print(c.getsockname()[1], flush=True)
time.sleep(600)
"""


def per_packet_costs(b):
    """ns per packet of synguard next to the trivial program with the same
    verdict, for frames a run leaves unchanged (repeats see the same path).
    The established flow is a real connection in the server's namespace."""
    import subprocess
    tmp = b.t.tmp
    hold = b.srv.popen([sgtest.SCAPY_PY, "-c", HOLD_CONN], stdout=subprocess.PIPE, text=True)
    port = int(hold.stdout.readline())
    b.srv.exec([sgtest.SCAPY_PY, "-c", COST_FRAMES, str(port), tmp])

    def cost(pin, frame):
        out = b.srv.exec(["bpftool", "prog", "run", "pinned", pin, "data_in",
                          "%s/%s.bin" % (tmp, frame), "repeat", "2000000"]).stdout
        return int(out.split("duration (average): ")[1].split("ns")[0])

    passpin = b.pins + "-pass"
    run(["bpftool", "prog", "load", sgtest.XDP_PASS_OBJ, passpin, "type", "xdp"])
    rows = {}
    try:
        for mode in ("off", "always"):
            b.srv.synguard("attach", "sg0", "--ports", "80", "--cookies", mode)
            pin = b.srv.synguard_json("status", "sg0", "--json")["attachments"][0]["pin_dir"]
            cases = [("udp", passpin), ("ack_unprotected", passpin),
                     ("ack_established", passpin)]
            if mode == "always":
                cases.append(("ack_invalid", b.pins + "/bench_drop"))
            for frame, trivial in cases:
                sg = [cost(pin + "/xdp_prog", frame) for _ in range(3)]
                tr = [cost(trivial, frame) for _ in range(3)]
                rows["%s (cookies %s)" % (frame, mode)] = {
                    "synguard_ns": statistics.median(sg), "trivial_ns": statistics.median(tr)}
            b.srv.synguard("detach", "sg0")
    finally:
        run(["rm", "-f", passpin], check=False)
    return rows


def main():
    if os.geteuid() != 0:
        sys.exit("the benchmark needs root: run 'sudo make bench'")
    b = Bench()
    results = {}
    costs = {}
    try:
        costs = per_packet_costs(b)
        cs = contenders(b)
        for r in range(ROUNDS):
            for name, (setup, teardown, drops, legit) in cs.items():
                res = measure(b, name, setup, teardown, drops, legit)
                print("round %d %-13s %s" % (r + 1, name,
                      " ".join("%s=%.0f" % kv for kv in sorted(res.items()))), flush=True)
                for k, v in res.items():
                    results.setdefault(name, {}).setdefault(k, []).append(v)
    finally:
        b.close()

    med = {n: {k: statistics.median(v) for k, v in m.items()} for n, m in results.items()}
    refl, kern = med["reflector"]["synack_pps"], med["kernel"]["synack_pps"]
    drop = med["xdp_drop"].get("ack_drop_pps")
    lines = ["| contender | SYN-ACKs/s | x reflector | x kernel | legit ok | legit p50/p99 ms "
             "| invalid-ACK drops/s | x XDP_DROP |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for n, m in med.items():
        a = m.get("ack_drop_pps")
        lines.append("| %s | %.0f | %.2f | %.1f | %s | %s | %s | %s |" % (
            n, m["synack_pps"], m["synack_pps"] / refl if refl else 0,
            m["synack_pps"] / kern if kern else 0,
            "%.1f%%" % m["legit_ok_pct"] if "legit_ok_pct" in m else "-",
            "%.2f / %.2f" % (m["legit_p50_ms"], m["legit_p99_ms"]) if "legit_p50_ms" in m else "-",
            "%.0f" % a if a is not None else "-",
            "%.2f" % (a / drop) if a is not None and drop else "-"))
    uname = os.uname()
    header = "Medians of %d interleaved rounds of %.0f s floods on %s %s (%d CPUs)" % (
        ROUNDS, SECS, uname.sysname, uname.release, os.cpu_count())
    print("\n" + header + "\n\n" + "\n".join(lines))
    cl = ["| frame | synguard ns | trivial ns | extra ns |", "|---|---:|---:|---:|"]
    for k, v in costs.items():
        cl.append("| %s | %d | %d | %+d |" % (k, v["synguard_ns"], v["trivial_ns"],
                                             v["synguard_ns"] - v["trivial_ns"]))
    print("\nPer-packet cost (BPF_PROG_TEST_RUN, medians of 3 x 2,000,000 runs; the "
          "trivial program returns the same verdict)\n\n" + "\n".join(cl))
    os.makedirs(OUT_DIR, exist_ok=True)
    with open(os.path.join(OUT_DIR, "results.json"), "w") as f:
        json.dump({"machine": header, "rounds": results, "medians": med,
                   "per_packet_ns": costs}, f, indent=2)
    print("\nresults: build/bench/results.json")


if __name__ == "__main__":
    main()
