#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The Debian package under a real systemd (PID 1 of a matrix guest, booted
# by tests/vm/matrix.sh): installed with apt as an operator would, the unit
# enabled, reloaded, restarted and stopped around a real nginx and curl,
# then purged. Prints "N passed, N failed, 0 skipped" last.
set -u
pass=0 fail=0
check() {
	desc=$1
	shift
	if "$@"; then
		pass=$((pass + 1))
		echo "ok: $desc"
	else
		fail=$((fail + 1))
		echo "FAIL: $desc"
		return 1
	fi
}
json() {	# json FILTER: a value of 'synguard stats s0 --json'
	synguard stats s0 --json --interval 0 | /usr/bin/python3 -c \
		"import json,sys; s=json.load(sys.stdin); print($1)"
}
curl_ok() {
	[ "$(ip netns exec cli curl -s -o /dev/null -w '%{http_code}' --max-time 5 \
		http://192.0.2.1/)" = 200 ]
}
attached() {
	synguard status --json | /usr/bin/python3 -c \
		"import json,sys; sys.exit(0 if [a for a in json.load(sys.stdin)['attachments'] if a['interface'] == 's0'] else 1)"
}
curl_five() {
	for _ in 1 2 3 4 5; do
		curl_ok || return 1
	done
}
none_attached() {
	! attached && ! ip link show s0 | grep -q xdp
}
journal_has_events() {
	journalctl -u synguard -o cat | grep '^{' | grep -q '"attached"'
}
threshold_is() {
	[ "$(json 's["adaptive"]["syn_threshold"]')" = "$1" ]
}
wait_for() {
	for _ in $(seq 50); do
		"$@" && return 0
		sleep 0.2
	done
	return 1
}

deb=$(ls build/deb/synguard_*_amd64.deb 2>/dev/null | head -n 1)
check "a package was built (make deb)" test -n "$deb"
check "apt installs it" apt-get install -y -q "./$deb"
check "installing it attached nothing" sh -c '! synguard status | grep -q "(ifindex"'
check "the unit is not enabled by the package" sh -c '! systemctl is-enabled -q synguard'
check "the config is a conffile" sh -c 'dpkg-query -W -f="\${Conffiles}" synguard | grep -q /etc/synguard/synguard.conf'

# server: s0 in this namespace, with nginx; client: c0 in namespace cli
ip netns add cli
ip link add s0 type veth peer name c0 netns cli
ip addr add 192.0.2.1/24 dev s0 && ip link set s0 up
ip -n cli addr add 192.0.2.2/24 dev c0 && ip -n cli link set c0 up && ip -n cli link set lo up
ethtool -K s0 tx off >/dev/null; ip netns exec cli ethtool -K c0 tx off >/dev/null
ip -n cli link set dev c0 xdpdrv obj build/tests/xdp_pass.bpf.o sec xdp
www=$(mktemp -d) && mkdir "$www/www" && echo ok >"$www/www/index.html" && chmod -R 755 "$www"
cat >"$www/nginx.conf" <<CONF
worker_processes 1;
pid $www/nginx.pid;
error_log $www/error.log;
events { worker_connections 64; }
http { access_log off; client_body_temp_path $www/body; proxy_temp_path $www/proxy;
  fastcgi_temp_path $www/fcgi; uwsgi_temp_path $www/uwsgi; scgi_temp_path $www/scgi;
  server { listen 80; root $www/www; location / { } } }
CONF
nginx -c "$www/nginx.conf"

sed -i -e 's/^interface = .*/interface = s0/' -e 's/^ports = .*/ports = 80/' \
	-e 's/^# cookies = auto/cookies = always/' /etc/synguard/synguard.conf
check "systemctl enable --now synguard" systemctl enable --now synguard
check "the service protects s0" wait_for attached ||
	{ systemctl status --no-pager synguard; journalctl -u synguard --no-pager | tail -n 20; }
check "curl through synguard's cookies" curl_five
check "handshakes counted" test "$(json 's["counters"]["handshakes"]["packets"]')" -ge 5

sed -i 's/^syn-threshold = .*/syn-threshold = 12345/' /etc/synguard/synguard.conf
systemctl reload synguard
check "systemctl reload applies the edited file" wait_for threshold_is 12345

# an established connection across a restart: one request before, one after
ip netns exec cli /usr/bin/python3 -c '
import socket, sys, time
c = socket.create_connection(("192.0.2.1", 80), timeout=10)
req = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"
c.sendall(req); first = c.recv(4096)
time.sleep(6)
c.sendall(req); second = c.recv(4096)
sys.exit(0 if first.startswith(b"HTTP/1.1 200") and second.startswith(b"HTTP/1.1 200") else 1)
' &
held=$!
sleep 1
before=$(json 's["packets"]')
prog=$(synguard status --json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["attachments"][0]["xdp_prog_id"])')
check "systemctl restart synguard" systemctl restart synguard
check "the restart kept the established connection" wait "$held"
check "the restart kept the counters" test "$(json 's["packets"]')" -ge "$before"
check "the restart kept the program" sh -c "synguard status --json | grep -q '\"xdp_prog_id\": *$prog'"

check "systemctl stop synguard" systemctl stop synguard
check "stop leaves the protection in place" attached
check "and traffic still flows" curl_ok
check "the journal holds the JSON event lines" journal_has_events
echo "systemd-analyze security: $(systemd-analyze security synguard.service 2>/dev/null | tail -n 1)"
check "detach removes it" synguard detach s0
check "nothing attached after detach" none_attached

kill "$(cat "$www/nginx.pid")"
ip netns del cli
check "apt purge synguard" apt-get purge -y -q synguard
check "purge leaves nothing behind" sh -c '! dpkg -l synguard 2>/dev/null | grep -q "^ii" &&
	! test -e /usr/sbin/synguard -o -e /etc/synguard -o -e /lib/systemd/system/synguard.service -o -e /usr/lib/synguard -o -e /usr/share/man/man8/synguard.8.gz'

echo "$pass passed, $fail failed, 0 skipped"
[ "$fail" -eq 0 ]
