# SPDX-License-Identifier: GPL-2.0-only
"""The benchmark's output: Markdown tables, results.json and PNG plots
(gnuplot) of legitimate clients' success and latency versus flood rate."""
import json
import os
import subprocess


def _ratio(a, b):
    return "%.2f" % (a / b) if a is not None and b else "-"


def _f(v, fmt="%.0f"):
    return fmt % v if v is not None else "-"


def syn_table(med):
    refl, kern = med["reflector"], med["kernel"]
    lines = ["| contender | sent/s | taken in/s | SYN-ACKs back/s | x reflector | x kernel "
             "| server CPU ms per 1M SYNs | SYNs per CPU-s | x reflector | x kernel "
             "| with clients: SYN-ACKs back/s | legit ok | legit p50/p99 ms |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for n, m in med.items():
        if "synack_pps" not in m:       # faces no SYN flood
            continue
        ns = m["server_ns_per_pkt"]      # ns per SYN = ms per million SYNs
        lines.append("| %s | %.0f | %.0f | %.0f | %s | %s | %.0f | %s | %s | %s | %s | %s | %s |" % (
            n, m["sent_pps"], m["received_pps"], m["synack_pps"],
            _ratio(m["synack_pps"], refl["synack_pps"]),
            _ratio(m["synack_pps"], kern["synack_pps"]), ns, _f(1e9 / ns if ns else None),
            _ratio(refl["server_ns_per_pkt"], ns), _ratio(kern["server_ns_per_pkt"], ns),
            _f(m.get("legit_synack_pps")),
            "%.2f%%" % m["legit_ok_pct"] if "legit_ok_pct" in m else "-",
            "%.2f / %.2f" % (m["legit_p50_ms"], m["legit_p99_ms"])
            if "legit_p50_ms" in m else "-"))
    return lines


def ack_table(med):
    drop = med["xdp_drop"]
    lines = ["| contender | ACKs disposed/s | x XDP_DROP | server ns/ACK | XDP_DROP ns / this |",
             "|---|---:|---:|---:|---:|"]
    for n, m in med.items():
        if n == "reflector" or "ack_received_pps" not in m:
            continue
        lines.append("| %s | %.0f | %s | %.0f | %s |" % (
            n, m["ack_received_pps"], _ratio(m["ack_received_pps"], drop["ack_received_pps"]),
            m["ack_server_ns_per_pkt"],
            _ratio(drop["ack_server_ns_per_pkt"], m["ack_server_ns_per_pkt"])))
    return lines


def cost_table(costs):
    lines = ["| frame | synguard ns | trivial ns | extra ns | extra, middle half |",
             "|---|---:|---:|---:|---:|"]
    for k, v in costs.items():
        lines.append("| %s | %.0f | %.0f | %+.1f | %+.1f .. %+.1f |" % (
            k, v["synguard_ns"], v["trivial_ns"], v["extra_ns"], v["extra_q1"], v["extra_q3"]))
    return lines


def sweep_table(sweeps):
    lines = ["| contender | flood SYNs/s | legit ok | p50 ms | p99 ms |", "|---|---:|---:|---:|---:|"]
    for n, rows in sweeps.items():
        for r in rows:
            lines.append("| %s | %.0f | %s | %s | %s |" % (
                n, r["rate"], "%.2f%%" % r["legit_ok_pct"] if "legit_ok_pct" in r else "-",
                _f(r.get("legit_p50_ms"), "%.2f"), _f(r.get("legit_p99_ms"), "%.2f")))
    return lines


def targets(results, med, costs, floors=None):
    """The issue's targets, each with what this run measured."""
    out = []
    sg, refl, kern, drop = (med[n] for n in ("synguard", "reflector", "kernel", "xdp_drop"))

    def check(ok, text):
        out.append("- [%s] %s" % ("x" if ok else " ", text))

    def ratio(key, base, fmt, higher_better=True):
        """synguard's ratio to base, and the least responder's (floor) beside it."""
        def r(m):
            return m[key] / base[key] if higher_better else base[key] / m[key]
        syn = key in ("synack_pps", "server_ns_per_pkt")
        fl = floor_syn if syn else floor_ack
        text = fmt % r(sg)
        if fl and key in fl:
            text += (" (the least %s, live beside it: %s)" % (
                "cookie responder" if syn else "forged-ACK filter", fmt)) % r(fl)
        return r(sg), text
    floor_syn, floor_ack = med.get("floor_synack"), med.get("floor_ack")
    r, t = ratio("synack_pps", refl, "%.2f")
    check(r >= 0.85, "SYN-ACK rate >= 0.85 x reflector: " + t)
    r, t = ratio("server_ns_per_pkt", refl, "%.2f", False)
    check(r >= 0.85, "server CPU per SYN within 0.85 x reflector's (capacity ratio): " + t)
    r, t = ratio("synack_pps", kern, "%.1f")
    check(r >= 10, "SYN-ACK rate >= 10 x the kernel's cookies: " + t)
    r, t = ratio("server_ns_per_pkt", kern, "%.1f", False)
    check(r >= 10, "server CPU per SYN <= 1/10 of the kernel's (capacity ratio): " + t)
    r, t = ratio("ack_received_pps", drop, "%.2f")
    check(r >= 0.9, "invalid-ACK drop rate >= 0.9 x XDP_DROP: " + t)
    r, t = ratio("ack_server_ns_per_pkt", drop, "%.2f", False)
    check(r >= 0.9, "server CPU per invalid ACK within 0.9 x XDP_DROP's: " + t)
    for what, key, higher in (("SYN-ACK rate", "synack_pps", True),
                              ("server CPU per SYN", "server_ns_per_pkt", False),
                              ("invalid-ACK drop rate", "ack_received_pps", True),
                              ("server CPU per invalid ACK", "ack_server_ns_per_pkt", False)):
        if "v6_" + key in sg and sg.get(key):
            r = sg["v6_" + key] / sg[key] if higher else sg[key] / sg["v6_" + key]
            check(r >= 0.9, "IPv6 flood: %s within 10%% of IPv4's: %.2f x" % (what, r))
    for v4, v6 in (("SYN -> SYN-ACK (cookies always)", "IPv6 SYN -> SYN-ACK (cookies always)"),
                   ("invalid ACK (cookies always)", "IPv6 invalid ACK (cookies always)")):
        if v4 in costs and v6 in costs:
            a, b = costs[v4]["extra_ns"], costs[v6]["extra_ns"]
            mac = ""
            if floors and "cookie MAC (SipHash-2-4, IPv6)" in floors:
                mac = " (of which the MAC over IPv6's addresses: %+.1f)" % (
                    floors["cookie MAC (SipHash-2-4, IPv6)"]["extra_ns"] -
                    floors["cookie MAC (SipHash-2-4, IPv4)"]["extra_ns"])
            check(b <= 1.1 * a, "%s within 10%% of IPv4's: %+.1f ns against %+.1f%s" %
                  (v6, b, a, mac))
    # the SYNPROXY completion, for the server itself and as a gateway
    fk = med.get("floor_kcookie")
    for name, base, what in (("sg_synproxy", "synproxy", "local"),
                             ("sg_gateway", "synproxy_gw", "gateway")):
        if name not in med or base not in med:
            continue
        m = med[name]
        check(m["synack_pps"] >= 10 * med[base]["synack_pps"],
              "SYNPROXY completion (%s): SYN-ACK rate >= 10 x netfilter SYNPROXY alone: %.1f x"
              % (what, m["synack_pps"] / med[base]["synack_pps"]))
        if fk:
            check(m["synack_pps"] >= 0.9 * fk["synack_pps"],
                  "SYNPROXY completion (%s): SYN-ACK rate >= 0.9 x the least kernel-cookie "
                  "responder (floor_kcookie): %.2f x" % (what, m["synack_pps"] / fk["synack_pps"]))
        if "legit_ok_pct" in m:
            check(m["legit_ok_pct"] >= 99.9 and m.get("legit_p99_ms", 1e9) < 20,
                  "SYNPROXY completion (%s): legitimate clients during the maximum flood "
                  ">= 99.9%% with p99 connect < 20 ms: %.2f%%, p99 %s ms" % (
                      what, m["legit_ok_pct"], _f(m.get("legit_p99_ms"), "%.2f")))
    for k, v in costs.items():
        if k.startswith("established"):
            check(v["extra_ns"] <= 15, "%s: <= 15 ns over XDP_PASS: %+.1f" % (k, v["extra_ns"]))
        elif k.startswith(("non-TCP", "TCP, unprotected")):
            check(v["extra_ns"] <= 5, "%s: <= 5 ns over XDP_PASS: %+.1f" % (k, v["extra_ns"]))
    att = sum(results["synguard"]["legit_attempts"])
    ok = sum(a * p / 100 for a, p in zip(results["synguard"]["legit_attempts"],
                                          results["synguard"]["legit_ok_pct"]))
    pct = 100.0 * ok / att if att else 0
    check(pct >= 99.9, "legitimate connections during the maximum flood >= 99.9%%: "
          "%.2f%% of %d" % (pct, att))
    p99 = sg.get("legit_p99_ms", 1e9)
    check(p99 < 20, "legitimate p99 connect latency < 20 ms: %.2f ms" % p99)
    return out


GNUPLOT = """
set terminal pngcairo size 900,500 noenhanced
set datafile separator ","
set key outside right
set grid
set logscale x
set xlabel "SYN flood rate (packets/s)"
set output "{out}/legit_success.png"
set title "Legitimate connections during a SYN flood: success"
set ylabel "connections established (%)"
set yrange [0:105]
plot {success}
set output "{out}/legit_p99.png"
set title "Legitimate connections during a SYN flood: p99 connect latency"
set ylabel "p99 connect latency (ms)"
set yrange [*:*]
set logscale y
plot {p99}
"""


def plots(out_dir, sweeps):
    names = []
    for n, rows in sweeps.items():
        path = os.path.join(out_dir, "sweep_%s.csv" % n)
        with open(path, "w") as f:
            for r in sorted(rows, key=lambda r: r["rate"]):
                f.write("%.0f,%.3f,%s\n" % (r["rate"], r.get("legit_ok_pct", 0),
                                            "%.3f" % r["legit_p99_ms"]
                                            if "legit_p99_ms" in r else "NaN"))
        names.append((n, path))
    success = ", ".join('"%s" using 1:2 with linespoints title "%s"' % (p, n) for n, p in names)
    p99 = ", ".join('"%s" using 1:3 with linespoints title "%s"' % (p, n) for n, p in names)
    script = GNUPLOT.format(out=out_dir, success=success, p99=p99)
    subprocess.run(["gnuplot"], input=script, text=True, check=True)
    return [os.path.join(out_dir, "legit_success.png"), os.path.join(out_dir, "legit_p99.png")]


def limits(med, costs, floors):
    """The room each target leaves, next to what the unavoidable work costs
    on this machine (floors: BPF_PROG_TEST_RUN, next to bench_drop)."""
    if not floors:
        return ["(not measured)"]
    mac = floors["cookie MAC (SipHash-2-4, IPv4)"]["extra_ns"]
    lookup = floors["socket lookup (finds the listener)"]["extra_ns"]
    syn = floors["least cookie responder (SYN -> SYN-ACK)"]["extra_ns"]
    ack = floors["source table read and MAC (forged ACK, no socket possible)"]["extra_ns"]
    conn = floors["connection table lookup (established flow)"]["extra_ns"]
    syn_work = ("SYN answered: the least cookie responder (one MAC as ISN, the SYN-ACK "
                "written in place, both checksums; of it, the MAC alone %.0f)" % mac)
    lines = ["| packet: least work it needs | that work here, ns | target | room it leaves, ns |",
             "|---|---:|---|---:|"]
    refl, drop = med.get("reflector"), med.get("xdp_drop")
    if refl and drop:
        syn_room = refl["server_ns_per_pkt"] * (1 / 0.85 - 1)
        ack_room = drop["ack_server_ns_per_pkt"] * (1 / 0.9 - 1)
        lines.append("| %s | %.1f | SYN-ACKs >= 0.85 x reflector's "
                     "(it spends %.0f ns per SYN) | %.1f |"
                     % (syn_work, syn, refl["server_ns_per_pkt"], syn_room))
        kern = med.get("kernel")
        if kern:
            lines.append("| %s | %.1f | SYN-ACKs >= 10 x the kernel's "
                         "(it spends %.0f ns per SYN; the path alone, the reflector's, %.0f) "
                         "| %.1f |" % (syn_work, syn, kern["server_ns_per_pkt"],
                                       refl["server_ns_per_pkt"],
                                       kern["server_ns_per_pkt"] / 10 - refl["server_ns_per_pkt"]))
        lines.append("| forged ACK dropped: a source table read (no socket can own it) "
                     "and one MAC | %.1f | drops >= 0.9 x XDP_DROP's (it spends %.0f ns "
                     "per ACK) | %.1f |" % (ack, drop["ack_server_ns_per_pkt"], ack_room))
    lines.append("| established flow, cookies always: one lookup in a connection table "
                 "(a socket lookup, for connections from before the attach: %.0f) | %.1f | "
                 "<= 15 ns over XDP_PASS | 15 |" % (lookup, conn))
    port = floors.get("port found, tested and counted")
    if port:
        lines.append("| TCP to an unprotected port: its port found, tested in a bitmap, "
                     "the packet counted | %.1f | <= 5 ns over XDP_PASS | 5 |" % port["extra_ns"])
    return lines


def report(out_dir, rounds, secs, results, med, costs, floors, sweeps, elapsed):
    uname = os.uname()
    header = ("Medians of %d interleaved rounds of %.0f s floods on %s %s (%d CPUs; "
              "generator on CPU 0, server's NAPI on CPU %d); %.0f s in all" % (
                  rounds, secs, uname.sysname, uname.release, os.cpu_count(),
                  os.cpu_count() - 1, elapsed))
    parts = [header, "",
             "SYN flood at the generator's maximum (nothing else on the server; for "
             "contenders that serve, the last three columns come from a second such flood "
             "with legitimate clients connecting meanwhile; reflect_macN is the reflector "
             "after N SipHash MACs of busy work)", "", *syn_table(med), "",
             "ACK flood (invalid cookies) at the generator's maximum", "", *ack_table(med), "",
             "Per-packet cost (BPF_PROG_TEST_RUN behind a restoring wrapper, synguard and "
             "the trivial program with the same verdict run in alternating pairs; extra is "
             "the median of the pairwise differences)", "",
             *cost_table(costs), "",
             "Limits: the room each target leaves, next to the least work the packet needs "
             "(measured like the per-packet costs)", "", *limits(med, costs, floors), "",
             "Legitimate clients versus flood rate", "", *sweep_table(sweeps), "",
             "Targets", "", *targets(results, med, costs, floors)]
    os.makedirs(out_dir, exist_ok=True)
    pngs = plots(out_dir, sweeps)
    with open(os.path.join(out_dir, "results.json"), "w") as f:
        json.dump({"machine": header, "rounds": results, "medians": med,
                   "per_packet_ns": costs, "floors_ns": floors, "sweep": sweeps}, f, indent=2)
    with open(os.path.join(out_dir, "results.md"), "w") as f:
        f.write("\n".join(parts) + "\n")
    print("\n" + "\n".join(parts))
    print("\nwritten: build/bench/results.json, build/bench/results.md, " +
          ", ".join(os.path.relpath(p, os.path.dirname(os.path.dirname(out_dir)))
                    for p in pngs))
