#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# synguard demo, self-contained in two network namespaces: a real nginx
# behind synguard (adaptive SYN cookies answered in XDP), a client fetching pages, a
# bounded flood of spoofed SYNs and invalid TCP packets from addresses of
# the demo's own subnet, live stats, a summary, and cleanup (also on Ctrl-C
# or failure).
#
#   sudo make demo                 about 30 seconds
#   sudo DURATION=60 make demo     longer; DURATION=0 runs until Ctrl-C
set -u
cd "$(dirname "$0")/.."
DURATION=${DURATION:-30}
SG=$PWD/build/synguard
SEND=$PWD/tests/e2e/send_packets.py
TAG=sgdemo-$$
SRV=$TAG-srv
CLI=$TAG-cli
TMP=$(mktemp -d /tmp/sgdemo.XXXXXX)
PIDS=()

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
die() { echo "demo: $*" >&2; exit 1; }
in_srv() { nsenter --net=/run/netns/$SRV "$@"; }
in_cli() { nsenter --net=/run/netns/$CLI "$@"; }

cleanup() {
	trap - EXIT INT TERM
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	kill "$(cat "$TMP/nginx.pid" 2>/dev/null)" 2>/dev/null
	wait 2>/dev/null
	[ -e /run/netns/$SRV ] && in_srv "$SG" detach sg0 >/dev/null 2>&1
	ip netns del $SRV 2>/dev/null
	ip netns del $CLI 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ "$(id -u)" -eq 0 ] || die "needs root: run 'sudo make demo'"
[[ "$DURATION" =~ ^[0-9]+$ ]] || die "DURATION must be a number of seconds"
[ -x "$SG" ] || die "build/synguard is missing: run 'make demo', which builds it"
if [ "$(stat -f -c %T /sys/fs/bpf 2>/dev/null)" != bpf_fs ]; then
	mount -t bpf bpf /sys/fs/bpf || die "cannot mount bpffs at /sys/fs/bpf"
fi

say "Setting up: server namespace $SRV (192.0.2.1, 2001:db8::1), client $CLI"
ip netns add $SRV && ip netns add $CLI || die "cannot create namespaces"
ip link add sg0 netns $SRV type veth peer name sg1 netns $CLI || die "cannot create veth"
for ns in $SRV:sg0:1 $CLI:sg1:2; do
	IFS=: read -r n dev host <<<"$ns"
	ip -n "$n" link set lo up
	ip -n "$n" addr add 192.0.2.$host/24 dev "$dev"
	ip -n "$n" addr add 2001:db8::$host/64 dev "$dev" nodad
	ip -n "$n" link set "$dev" up
done
# veth delivers XDP_TX frames (the SYN-ACKs) only to a peer running XDP.
ip -n $CLI link set dev sg1 xdpdrv obj "$PWD/build/tests/xdp_pass.bpf.o" sec xdp ||
	die "cannot attach the client-side XDP program"

mkdir -p "$TMP/www" && chmod 755 "$TMP"
echo "hello from behind synguard" >"$TMP/www/index.html"
cat >"$TMP/nginx.conf" <<CONF
worker_processes 1;
pid $TMP/nginx.pid;
error_log $TMP/error.log;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $TMP/body;
    proxy_temp_path $TMP/proxy;
    fastcgi_temp_path $TMP/fastcgi;
    uwsgi_temp_path $TMP/uwsgi;
    scgi_temp_path $TMP/scgi;
    server { listen 80; listen [::]:80; root $TMP/www; }
}
CONF
# nsenter execs its command, so $! is the process itself.
nsenter --net=/run/netns/$SRV nginx -c "$TMP/nginx.conf" -g 'daemon off;' &
PIDS+=($!)
for _ in $(seq 50); do in_srv ss -Htln 'sport = :80' | grep -q . && break; sleep 0.1; done

say "Attaching synguard to sg0, protecting ports 80 and 443 (adaptive SYN cookies)"
in_srv "$SG" attach sg0 --ports 80,443 --cookies auto --syn-threshold 10000 --cooldown 3 ||
	die "attach failed"
in_srv "$SG" status

# A client fetching the page over IPv4 and IPv6, five times a second.
(
	while :; do
		for url in http://192.0.2.1/ "http://[2001:db8::1]/"; do
			code=$(in_cli curl -gs -o /dev/null -w '%{http_code}' --max-time 2 "$url")
			[ "$code" = 200 ] && echo ok >>"$TMP/client.ok" || echo "$code" >>"$TMP/client.fail"
		done
		sleep 0.2
	done
) &
PIDS+=($!)

# A spoofed SYN flood from 192.0.2.128/25, 50,000 packets per second, from
# synflood (build/synflood, the lab simulator). It starts after 2 calm
# seconds and, in a timed demo, stops 6 seconds before the end, so that
# cookies engage above the 10,000 SYN/s threshold and disengage after the
# 3 s cooldown.
FLOOD_SECS=$((DURATION - 8))
[ "$FLOOD_SECS" -lt 2 ] && FLOOD_SECS=2
[ "$DURATION" -eq 0 ] && FLOOD_SECS=3600
(
	sleep 2
	exec nsenter --net=/run/netns/$CLI "$PWD/build/synflood" --iface sg1 --dst 192.0.2.1 \
		--src 192.0.2.128/25 --rate 50000 --count $((50000 * FLOOD_SECS)) \
		--duration "$FLOOD_SECS"
) >"$TMP/synflood.log" 2>&1 &
PIDS+=($!)

# Every 3 seconds, a burst of 400 invalid packets (SYN+FIN, NULL, Xmas, ...)
# from addresses of the demo subnet, built with scapy; each is bounded.
(
	while :; do
		spec="["
		for i in $(seq 8); do
			flags=$(echo "SF SR FR '' F FPU P U" | tr ' ' '\n' | sed -n "${i}p" | tr -d "'")
			spec+="{\"family\":4,\"src\":\"192.0.2.$((100 + RANDOM % 100))\",\"dst\":\"192.0.2.1\","
			spec+="\"dport\":80,\"sport\":$((1024 + RANDOM % 60000)),\"flags\":\"$flags\",\"count\":50},"
		done
		spec="${spec%,}]"
		echo "$spec" >"$TMP/flood.json"
		in_cli /usr/bin/python3 "$SEND" sg1 "@$TMP/flood.json" >/dev/null 2>&1
		sleep 3
	done
) &
PIDS+=($!)

nsenter --net=/run/netns/$SRV "$SG" events sg0 >"$TMP/events.log" 2>&1 &
PIDS+=($!)

if [ "$DURATION" -eq 0 ]; then
	say "Live stats (Ctrl-C to stop)"
	trap '' INT
	in_srv "$SG" stats sg0 --watch --interval 1
	trap 'exit 130' INT
else
	say "Live stats for $DURATION seconds (Ctrl-C to stop early)"
	trap '' INT
	in_srv timeout -s INT "$DURATION" "$SG" stats sg0 --watch --interval 1
	trap 'exit 130' INT
fi

for p in "${PIDS[@]:1}"; do kill "$p" 2>/dev/null; done
ok=$(cat "$TMP/client.ok" 2>/dev/null | wc -l)
bad=$(cat "$TMP/client.fail" 2>/dev/null | wc -l)
say "Summary"
in_srv "$SG" stats sg0 --json --interval 0 | /usr/bin/python3 -c '
import json, sys
s = json.load(sys.stdin)
print("packets seen %d: passed %d, answered in XDP %d, dropped %d"
      % (s["packets"], s["passed"], s["answered"], s["dropped"]))
print("  SYN-ACKs with synguard cookies  %d" % s["answers"]["synack"])
print("  handshakes completed natively   %d" % s["counters"]["handshakes"]["packets"])
for k, v in sorted(s["drops"].items(), key=lambda kv: -kv[1]):
    if v:
        print("  dropped %-20s %d" % (k, v))
'
echo "legitimate requests: $ok succeeded, $bad failed"
echo "half-open connections on the server: $(in_srv ss -Htan state syn-recv | wc -l)" \
	"(spoofed SYNs the kernel took in the 1/8 s before cookies engaged; they expire)"
[ -s "$TMP/synflood.log" ] && sed 's/^/flood: /' "$TMP/synflood.log"
echo "attack events:"
grep -E 'attack_(started|ended)' "$TMP/events.log" | sed 's/^/  /'
echo "sampled drop events: $(grep -c drop_sample "$TMP/events.log"); the last two:"
grep drop_sample "$TMP/events.log" | tail -n 2 | sed 's/^/  /'
[ "$bad" -eq 0 ] && [ "$ok" -gt 0 ]
