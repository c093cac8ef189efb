# SPDX-License-Identifier: GPL-2.0-only
"""Helpers for synguard's end-to-end tests: network namespaces joined by
veth pairs, a real nginx, and running the synguard CLI inside a namespace.

Every namespace is named with the prefix "sgt-" and this process's pid, and
every one created is destroyed by Topology.close(), even after failures.
"""
import ipaddress
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
# SG_SYNGUARD: another build of the CLI, e.g. the sanitizers' (build/san/synguard)
SYNGUARD = os.environ.get("SG_SYNGUARD") or os.path.join(REPO, "build", "synguard")
XDP_PASS_OBJ = os.path.join(REPO, "build", "tests", "xdp_pass.bpf.o")
SCAPY_PY = "/usr/bin/python3"  # Debian's interpreter, where scapy lives
SEND_PACKETS = os.path.join(os.path.dirname(__file__), "send_packets.py")
BPFFS = "/sys/fs/bpf"

SERVER4, CLIENT4 = "192.0.2.1", "192.0.2.2"
SERVER6, CLIENT6 = "2001:db8::1", "2001:db8::2"
# spoofed sources in the test subnets that hold neither host's address
SPOOFED = ((SERVER4, "192.0.2.128/25"), (SERVER6, "2001:db8::1000/116"))

_counter = 0
_kernel = None

# What a test needs of the kernel: the status --json kernel key, and how a
# skip names it.
NEEDS = {
    "cookies": ("reqsk_kfunc", "bpf_sk_assign_tcp_reqsk (Linux >= 6.9), which SYN cookies need"),
    "synproxy": ("ct_kfunc", "nf_conntrack's bpf_xdp_ct_lookup, which the SYNPROXY completion "
                 "needs"),
}


def kernel():
    """The running kernel's features, as 'synguard status --json' reports them."""
    global _kernel
    if _kernel is None:
        out = run([SYNGUARD, "status", "--json"]).stdout
        _kernel = json.loads(out)["kernel"]
    return _kernel


def missing(need):
    """Why this kernel cannot run a test that needs @need (NEEDS), or None."""
    key, what = NEEDS[need]
    if kernel().get(key):
        return None
    return "needs %s; kernel %s lacks it" % (what, kernel()["release"])


def run(cmd, check=True, timeout=60, **kw):
    """Runs a command, returning the CompletedProcess (text mode)."""
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kw)
    if check and p.returncode != 0:
        raise AssertionError("command failed (%d): %s\nstdout: %s\nstderr: %s"
                             % (p.returncode, " ".join(cmd), p.stdout, p.stderr))
    return p


def netns_cookie(ns):
    """The netns cookie synguard uses to name its pin directory."""
    code = ("import socket,struct;s=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM);"
            "print(struct.unpack('Q',s.getsockopt(socket.SOL_SOCKET,71,8))[0])")
    return int(run(["ip", "netns", "exec", ns, SCAPY_PY, "-c", code]).stdout)


class Namespace:
    def __init__(self, name):
        self.name = name
        run(["ip", "netns", "add", name])
        self.exec(["ip", "link", "set", "lo", "up"])
        self.exec(["sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0",
                   "net.ipv6.conf.default.accept_dad=0"])
        self.cookie = netns_cookie(name)
        self.procs = []

    def cmd(self, args):
        """argv that runs args in this namespace without remounting /sys."""
        return ["nsenter", "--net=/run/netns/" + self.name] + list(args)

    def exec(self, args, **kw):
        return run(self.cmd(args), **kw)

    def popen(self, args, **kw):
        p = subprocess.Popen(self.cmd(args), **kw)
        self.procs.append(p)
        return p

    def synguard(self, *args, check=True, via="nsenter", timeout=60):
        """Runs the synguard CLI in this namespace."""
        if via == "nsenter":
            argv = self.cmd([SYNGUARD] + list(args))
        else:  # ip netns exec: private mount namespace, fresh /sys
            argv = ["ip", "netns", "exec", self.name, SYNGUARD] + list(args)
        return run(argv, check=check, timeout=timeout)

    def synguard_json(self, *args, **kw):
        return json.loads(self.synguard(*args, **kw).stdout)

    def pin_dir(self):
        return os.path.join(BPFFS, "synguard", "net%d" % self.cookie)

    def close(self):
        for p in self.procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(5)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        # Detach whatever synguard still has here, then drop the namespace.
        if os.path.isdir(self.pin_dir()):
            info = run(self.cmd([SYNGUARD, "status", "--json"]), check=False)
            try:
                for a in json.loads(info.stdout)["attachments"]:
                    run(self.cmd([SYNGUARD, "detach", a["interface"]]), check=False)
            except (ValueError, KeyError):
                pass
        # Whatever the CLI could not remove goes now: once the namespace is
        # gone, nothing can reach these pins any more.
        leftover = os.path.isdir(self.pin_dir())
        if leftover:
            shutil.rmtree(self.pin_dir(), ignore_errors=True)
            root = os.path.dirname(self.pin_dir())
            if os.path.isdir(root) and not os.listdir(root):
                os.rmdir(root)
        run(["ip", "netns", "del", self.name], check=False)
        self.leaked_pins = leftover


class Topology:
    """A server and a client namespace joined by one veth pair:
    server 'sg0' 192.0.2.1 / 2001:db8::1, client 'sg1' .2 / ::2."""

    def __init__(self, server_if="sg0", client_if="sg1"):
        global _counter
        _counter += 1
        tag = "sgt-%d-%d" % (os.getpid(), _counter)
        self.namespaces = []
        self.server = self.add_ns(tag + "-srv")
        self.client = self.add_ns(tag + "-cli")
        self.server_if, self.client_if = server_if, client_if
        self.link(self.server, server_if, SERVER4, SERVER6,
                  self.client, client_if, CLIENT4, CLIENT6)
        self.tmp = tempfile.mkdtemp(prefix="sgt-")
        os.chmod(self.tmp, 0o755)   # nginx workers run as www-data

    def add_ns(self, name):
        ns = Namespace(name)
        self.namespaces.append(ns)
        return ns

    @staticmethod
    def link(a, a_if, a4, a6, b, b_if, b4, b6):
        run(["ip", "link", "add", a_if, "netns", a.name, "type", "veth",
             "peer", "name", b_if, "netns", b.name])
        for ns, ifn, v4, v6 in ((a, a_if, a4, a6), (b, b_if, b4, b6)):
            ns.exec(["ip", "addr", "add", v4 + "/24", "dev", ifn])
            ns.exec(["ip", "addr", "add", v6 + "/64", "dev", ifn, "nodad"])
            ns.exec(["ip", "link", "set", ifn, "up"])
            # Packets carry full checksums: nothing depends on offload.
            ns.exec(["ethtool", "-K", ifn, "tx", "off"], check=False)
        # veth delivers XDP_TX frames (synguard's SYN-ACKs) only to a peer
        # that runs an XDP program itself, as a NIC's wire always would.
        run(["ip", "-n", b.name, "link", "set", "dev", b_if, "xdpdrv", "obj",
             XDP_PASS_OBJ, "sec", "xdp"])

    def close(self):
        for ns in self.namespaces:
            ns.close()
        shutil.rmtree(self.tmp, ignore_errors=True)


NGINX_CONF = """
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    server {{
        listen {port} backlog=4096;
        listen [::]:{port} backlog=4096;
        root {tmp}/www;
        location / {{ }}
        location = /status {{ stub_status; }}
    }}
}}
"""


def start_nginx(ns, tmp, port=80):
    """Starts a real nginx serving {tmp}/www in namespace ns; waits until
    it accepts connections."""
    os.makedirs(os.path.join(tmp, "www"), exist_ok=True)
    with open(os.path.join(tmp, "www", "index.html"), "w") as f:
        f.write("synguard test page\n")
    conf = os.path.join(tmp, "nginx.conf")
    with open(conf, "w") as f:
        f.write(NGINX_CONF.format(tmp=tmp, port=port))
    p = ns.popen(["nginx", "-c", conf, "-g", "daemon off;"],
                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 10
    while time.time() < deadline:
        r = ns.exec(["ss", "-Htln", "sport = :%d" % port], check=False)
        if r.stdout.strip():
            return p
        if p.poll() is not None:
            raise AssertionError("nginx exited: " + p.stderr.read().decode())
        time.sleep(0.05)
    raise AssertionError("nginx did not start listening")


def curl(ns, url, count=1, extra=()):
    """Fetches url count times from namespace ns, each over a new connection;
    returns the HTTP codes."""
    args = ["curl", "-s", "-w", "%{http_code}\\n", "--max-time", "5", "-g",
            "-H", "Connection: close"] + list(extra)
    for _ in range(count):
        args += ["-o", "/dev/null", url]
    r = ns.exec(args, check=False, timeout=10 + 6 * count)
    return r.stdout.split()


def send_packets(ns, iface, spec, timeout=60):
    """Sends raw packets with scapy from namespace ns. spec: list of dicts
    {family, dst, dport, flags, count, sport} (see send_packets.py)."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(spec, f)
    try:
        ns.exec([SCAPY_PY, SEND_PACKETS, iface, "@" + f.name], timeout=timeout)
    finally:
        os.unlink(f.name)


def xdp_prog_ids(ns, ifname):
    """XDP program ids attached to ifname, as the kernel reports them."""
    out = ns.exec(["ip", "-j", "-d", "link", "show", "dev", ifname]).stdout
    info = json.loads(out)[0]
    xdp = info.get("xdp", {})
    ids = []
    if "prog" in xdp:
        ids.append(xdp["prog"]["id"])
    for a in xdp.get("attached", []):
        ids.append(a["prog"]["id"])
    return sorted(set(ids))


def u32(b):
    """Bytes in network order, as the BPF programs hold them (loaded
    natively on this little-endian host)."""
    return int.from_bytes(b, "little")


def _conn_mix(x):
    m = (1 << 64) - 1
    x ^= x >> 33
    x = (x * 0xff51afd7ed558ccd) & m
    x ^= x >> 33
    x = (x * 0xc4ceb9fe1a85ec53) & m
    return x ^ (x >> 33)


def conn_hash(peer, pport, local, lport, key):
    """sg_conn_hash() of include/synguard.h, as (bucket, fingerprint)."""
    def addr(a):
        b = ipaddress.ip_address(a).packed
        return u32(b) if len(b) == 4 else \
            u32(b[0:4]) ^ u32(b[4:8]) ^ u32(b[8:12]) ^ u32(b[12:16])
    sp, dp = (u32(p.to_bytes(2, "big")) for p in (pport, lport))
    h = _conn_mix(((addr(peer) << 32) | addr(local)) ^ key[0])
    h = _conn_mix(h ^ ((sp << 16) | dp) ^ key[1])
    return h >> 48, (h & 0xffffffff) | 1


SYNFLOOD = os.path.join(REPO, "build", "synflood")


def synflood_while_curling(cli, targets, count, urls, extra=()):
    """Floods each of targets, [(dst, spoofed source prefix)], all at once,
    with count SYNs in a second from cli's sg1 (build/synflood, with extra
    arguments), while cli curls urls, two requests each at a time; one
    request to each URL first resolves the neighbours synflood sends to.
    Returns the HTTP codes. synflood builds its frames in BPF, where scapy
    took a minute for a few thousand in the matrix's guests."""
    codes = [c for u in urls for c in curl(cli, u)]
    bound = ["--count", str(count), "--rate", str(count), "--duration", "10"] + list(extra)
    procs = [subprocess.Popen(cli.cmd([SYNFLOOD, "--iface", "sg1", "--dst", dst, "--src", src] +
                                      bound), stdout=subprocess.DEVNULL)
             for dst, src in targets]
    try:
        while any(p.poll() is None for p in procs):
            for url in urls:
                codes += curl(cli, url, count=2)
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    assert [p.wait(60) for p in procs] == [0] * len(procs)
    return codes


METRICS = "127.0.0.1:9199"


def daemon_start(ns, conf, *extra):
    """synguard run with @conf and metrics on METRICS; returns once it serves
    them, with the lines it printed."""
    p = ns.popen([SYNGUARD, "run", "--config", str(conf), "--metrics", METRICS] +
                 list(extra), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 10
    lines = []
    while time.time() < deadline:
        line = p.stdout.readline()
        assert line, "run exited: " + p.stderr.read()
        lines.append(json.loads(line))
        if lines[-1]["kind"] == "metrics":
            return p, lines
    raise AssertionError("no metrics line: %s" % lines)


def daemon_stop(p):
    """SIGTERM; the lines it printed after the start, every one JSON."""
    p.send_signal(signal.SIGTERM)
    out, err = p.communicate(timeout=20)
    assert p.returncode == 0, err
    return [json.loads(line) for line in out.splitlines()]    # every line is JSON


def scrape(ns):
    """GET /metrics: {name{labels}: value}."""
    r = ns.exec(["curl", "-s", "--max-time", "5", "http://%s/metrics" % METRICS])
    metrics = {}
    for line in r.stdout.splitlines():
        if line.startswith("#"):
            continue
        m = re.match(r'^(\w+)(\{[^}]*\})? (\S+)$', line)
        assert m, line
        metrics[m.group(1) + (m.group(2) or "")] = float(m.group(3))
    return metrics
