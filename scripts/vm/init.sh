#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the matrix initramfs: mount the host's root read-only over 9p
# with a tmpfs overlay and switch to the guest script (sg.guest=) there.
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
guest=
for opt in $(cat /proc/cmdline); do
	case $opt in
	sg.guest=*) guest=${opt#sg.guest=} ;;
	esac
done
[ -x "/root$guest" ] || die "no guest script '$guest' in the host's root"
umount /proc /sys
mount --move /dev /root/dev
exec switch_root /root "$guest"
