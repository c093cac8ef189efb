# SPDX-License-Identifier: GPL-2.0-only
"""synguard's side-by-side benchmark (`sudo make bench`).

In namespaces it creates and removes (bench/topo.py), build/synflood
floods the server side of a veth pair; one contender at a time answers or
drops the flood there (bench/contenders.py). Rounds are interleaved
(A B C ... A B C ...) and medians reported with ratios, because this
machine is noisy: compare only within one run.

Figures per contender:
  - SYN flood at the generator's maximum: SYN-ACKs per second back at the
    generator; the server's CPU time per SYN (its NAPI thread, exactly);
    then, for contenders that serve, a second such flood with legitimate
    connections meanwhile from a separate client namespace (success rate,
    p50/p99 connect latency, and the SYN-ACK rate they leave);
  - ACK flood (invalid cookies): ACKs per second the server disposed of,
    and its CPU time per ACK;
  - legitimate success and latency at several fixed flood rates (plots);
  - per-packet cost with BPF_PROG_TEST_RUN (bench/costs.py).
Output: Markdown tables on stdout, build/bench/results.json and PNG plots.
"""
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "e2e"))
import sgtest  # noqa: E402
from contenders import all_contenders  # noqa: E402
from costs import Costs  # noqa: E402
from report import report  # noqa: E402
from topo import Bench  # noqa: E402

ROUNDS = int(os.environ.get("ROUNDS", "5"))
SECS = float(os.environ.get("SECS", "2"))
SWEEP = [int(r) for r in os.environ.get("SWEEP", "50000,200000,500000").split(",") if r]
OUT_DIR = os.path.join(sgtest.REPO, "build", "bench")


def legit_summary(client):
    import json
    out = json.loads(client.communicate(timeout=60)[0])
    lat = sorted(out["lat"])
    total = out["ok"] + out["failed"]
    res = {"legit_attempts": total,
           "legit_ok_pct": 100.0 * out["ok"] / total if total else 0.0}
    if lat:
        res["legit_p50_ms"] = lat[len(lat) // 2] * 1000
        res["legit_p99_ms"] = lat[min(len(lat) - 1, int(0.99 * len(lat)))] * 1000
    return res


def flood_once(b, c, mode, rate=None, legit=False, family=4):
    """One flood against contender c (already set up): what came back, what
    the server took in and the server's CPU time, plus legitimate clients'
    figures when they connect meanwhile (legit)."""
    pid = b.pin_threads()
    client = b.legit_clients(SECS, c.gateway) if legit else None
    back0, rx0, cpu0 = b.seen(), b.received(), b.thread_ns(pid)
    f = b.flood(mode, SECS, rate, family, c.gateway)
    back, rx, cpu = b.seen() - back0, b.received() - rx0, b.thread_ns(pid) - cpu0
    res = {"sent_pps": f["pps"], "received_pps": rx / f["seconds"],
           "server_ns_per_pkt": cpu / rx if rx else 0.0}
    if mode == "syn":
        res["synack_pps"] = back / f["seconds"]
    if client:
        res.update(legit_summary(client))
    return res


def measure(b, c):
    c.setup()
    try:
        res = {}
        if "syn" in c.floods:
            # The rates and CPU figures come from a flood with nothing else
            # on the server, for every contender alike: legitimate clients
            # and their server share the server's CPU and cost a contender
            # a third of its SYN-ACK rate here. Their own figures come from
            # a second flood at the maximum, with them connecting meanwhile.
            res.update(flood_once(b, c, "syn"))
            if c.serves:
                lg = flood_once(b, c, "syn", legit=True)
                res.update({k: v for k, v in lg.items() if k.startswith("legit_")})
                res["legit_sent_pps"] = lg["sent_pps"]
                res["legit_synack_pps"] = lg["synack_pps"]
        if "ack" in c.floods:
            for k, v in flood_once(b, c, "ack").items():
                res["ack_" + k] = v
        if c.name == "synguard":
            # the same floods over IPv6, from as many sources
            for k, v in flood_once(b, c, "syn", family=6).items():
                res["v6_" + k] = v
            for k, v in flood_once(b, c, "ack", family=6).items():
                res["v6_ack_" + k] = v
        return res
    finally:
        c.teardown()


def sweep(b, cs, max_rates):
    """Legitimate clients' figures at fixed flood rates and at the maximum."""
    rows = {}
    for c in cs:
        if not c.serves:
            continue
        rows[c.name] = []
        c.setup()
        try:
            for rate in SWEEP:
                r = flood_once(b, c, "syn", rate, legit=True)
                r["rate"] = rate
                rows[c.name].append(r)
                print("sweep %-13s %8d/s ok=%.1f%% p99=%s ms" % (
                    c.name, rate, r.get("legit_ok_pct", 0),
                    "%.2f" % r["legit_p99_ms"] if "legit_p99_ms" in r else "-"), flush=True)
        finally:
            c.teardown()
        rows[c.name].append(dict(max_rates[c.name], rate=max_rates[c.name]["legit_sent_pps"]))
    return rows


def main():
    if os.geteuid() != 0:
        sys.exit("the benchmark needs root: run 'sudo make bench'")
    if os.cpu_count() < 2:
        sys.exit("the benchmark needs two CPUs: one generates, one serves")
    t0 = time.monotonic()
    b = Bench()
    results, costs, floors, sweeps = {}, {}, {}, {}
    try:
        c = Costs(b)
        try:
            costs = c.measure()
            floors = c.floors()
        finally:
            c.close()
        cs = all_contenders(b)
        only = os.environ.get("ONLY")      # a subset of contenders, by name
        if only:
            cs = [c for c in cs if c.name in only.split(",")]
        for r in range(ROUNDS):
            for c in cs:
                res = measure(b, c)
                print("round %d %-13s %s" % (r + 1, c.name, " ".join(
                    "%s=%.0f" % kv for kv in sorted(res.items()))), flush=True)
                for k, v in res.items():
                    results.setdefault(c.name, {}).setdefault(k, []).append(v)
        med = {n: {k: statistics.median(v) for k, v in m.items()} for n, m in results.items()}
        sweeps = sweep(b, cs, med)
    finally:
        b.close()
    report(OUT_DIR, ROUNDS, SECS, results, med, costs, floors, sweeps, time.monotonic() - t0)


if __name__ == "__main__":
    main()
