#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the matrix initramfs: mount the host's root read-only over 9p
# with a tmpfs overlay, put the kernel's modules and config in place, and
# switch to the guest script (sg.guest=) there, or to systemd running it
# as a service (sg.systemd=1).
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
die() {
	echo "sg-vm: init: $*"
	echo "sg-vm: exit 125"
	echo o >/proc/sysrq-trigger
	sleep 10
}
for m in $(cat /mods/order); do
	insmod "/mods/$m" || die "cannot load $m"
done
mount -t 9p -o ro,trans=virtio,version=9p2000.L,msize=512000,cache=loose hostroot /lower ||
	die "cannot mount the host's root"
mount -t tmpfs -o size=1g tmpfs /upper
mkdir -p /upper/u /upper/w
mount -t overlay overlay -o lowerdir=/lower,upperdir=/upper/u,workdir=/upper/w /root ||
	die "cannot mount the overlay"
guest= kdir= systemd= src=
for opt in $(cat /proc/cmdline); do
	case $opt in
	sg.guest=*) guest=${opt#sg.guest=} ;;
	sg.src=*) src=${opt#sg.src=} ;;
	sg.kdir=*) kdir=${opt#sg.kdir=} ;;
	sg.systemd=*) systemd=${opt#sg.systemd=} ;;
	esac
done
[ -x "/root$guest" ] || die "no guest script '$guest' in the host's root"
# The folder the command runs in, at /sg-src: wherever it is on the host
# (/tmp, say), nothing the guest mounts or cleans can reach it there.
mkdir -p /root/sg-src
mount --bind "/root$src" /root/sg-src || die "no folder $src in the host's root"
case $guest in
"$src"/*) guest=/sg-src${guest#"$src"} ;;
esac
# A /tmp of the guest's own, over the host's: at boot systemd-tmpfiles
# empties /tmp (D /tmp in tmp.conf), which must not reach the host's files.
mount -t tmpfs tmpfs /root/tmp
# This kernel's modules where modprobe looks, and its config where libbpf does.
rel=$(cat /release)
mkdir -p /root/usr/lib/modules/$rel
mount --bind "/root$kdir/lib/modules/$rel" /root/usr/lib/modules/$rel || die "no modules in $kdir"
cp "/root$kdir/config" /root/boot/config-$rel || die "no config in $kdir"
umount /proc /sys
mount --move /dev /root/dev
if [ "$systemd" = 1 ]; then
	# systemd as PID 1, booting only sysinit, basic and the test service.
	# These machines' root marks a container (/.dockerenv, no udev), where
	# systemd leaves bpffs unmounted; on a machine it mounts it at boot.
	mount -t sysfs sys /root/sys && mount -t bpf bpf /root/sys/fs/bpf ||
		die "cannot mount bpffs for systemd"
	mkdir -p /root/etc/systemd/system
	cat >/root/etc/systemd/system/sg-vm.service <<UNIT
[Unit]
Description=synguard kernel-matrix guest
After=basic.target

[Service]
Type=oneshot
ExecStart=/bin/sh $guest
StandardOutput=tty
StandardError=tty
TTYPath=/dev/ttyS0
UNIT
	cat >/root/etc/systemd/system/sg-vm.target <<UNIT
[Unit]
Description=synguard kernel-matrix boot
Requires=basic.target sg-vm.service
After=basic.target
AllowIsolate=yes
UNIT
	exec switch_root /root /lib/systemd/systemd systemd.unit=sg-vm.target
fi
exec switch_root /root "$guest"
