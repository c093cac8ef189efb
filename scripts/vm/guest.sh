#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# PID 1 of a matrix guest, in the host's root (read-only, tmpfs overlay),
# or the service systemd runs there (sg.systemd=1): mount what a test needs,
# run /run/sg-out/cmd, print its exit status on the console and power off.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8 TERM=dumb
# Under systemd (not PID 1 here) all of this is mounted already.
if [ "$$" = 1 ]; then
	mount -t proc proc /proc
	mount -t sysfs sys /sys
	mount -t tmpfs -o mode=755 tmpfs /run
	mkdir -p /dev/pts /dev/shm
	# what udev would make: bash's process substitution needs /dev/fd
	ln -sf /proc/self/fd /dev/fd
	ln -sf /proc/self/fd/0 /dev/stdin
	ln -sf /proc/self/fd/1 /dev/stdout
	ln -sf /proc/self/fd/2 /dev/stderr
	mount -t devpts devpts /dev/pts
	mount -t tmpfs tmpfs /dev/shm
	mount -t bpf bpf /sys/fs/bpf
	mount -t cgroup2 cgroup2 /sys/fs/cgroup
	mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
	mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
fi

finish() {
	echo "sg-vm: exit $1"
	sync
	echo o >/proc/sysrq-trigger
	sleep 30
}

mkdir -p /run/sg-out
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 out /run/sg-out || finish 125
hostname sg-vm
ip link set lo up
# Never look anything up on a network: the guest has none.
echo "127.0.0.1 localhost sg-vm" >/etc/hosts
: >/etc/resolv.conf

# Hold the kernel's packet-timestamp static key on for the whole run. Each
# ping (SO_TIMESTAMP) otherwise flips it, and under TCG a receive path that
# runs into the site being patched dies: "Oops: int3" at
# netif_receive_skb_list_internal+0x5f, seen once in the 6.12 guest.
# Python 3.11 has no socket.SO_TIMESTAMP: 29 is its value (SO_TIMESTAMP_OLD).
/usr/bin/python3 -c 'import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, getattr(socket, "SO_TIMESTAMP", 29), 1)
time.sleep(1 << 30)' &
keeper=$!

cd /sg-src || finish 125
sh /run/sg-out/cmd </dev/null
rc=$?
kill "$keeper" 2>/dev/null
finish $rc
