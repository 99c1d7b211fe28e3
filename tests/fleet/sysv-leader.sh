#!/bin/bash
# PID 1 of a SysV host of the fleet (tests/fleet/lib.sh), run by unshare in
# fresh mount, network, PID, UTS and IPC namespaces with the host's overlay
# as $1. It makes the overlay the root of its mount namespace (pivot_root,
# so that nsenter --mount lands in it, unlike a chroot), starts memcached
# with its init script and stays, reaping orphans, until it is killed.
set -euo pipefail
root=$1
mount --make-rprivate /
# Ansible and the init script need real devices; the overlay's /dev is
# only the directory under this machine's devtmpfs.
mount --rbind /dev "$root/dev"
# This PID namespace's /proc (umount below reads it too).
mount -t proc proc "$root/proc"
mkdir -p "$root/.oldroot"
cd "$root"
pivot_root . .oldroot
cd /
umount -l /.oldroot
rmdir /.oldroot
export PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C
mount -t sysfs sysfs /sys 2>/dev/null || true
# A clean /run: nothing of this machine's runtime state (pid files, /run/openrc).
mount -t tmpfs tmpfs /run
mkdir -p /run/lock
hostname sysv-host
ip link set lo up
# invoke-rc.d consults policy-rc.d; without a runlevel only an explicit
# "allowed" lets it run the script (as in tests/integration/sysv-inner.sh).
printf '#!/bin/sh\nexit 0\n' >/usr/sbin/policy-rc.d
chmod 755 /usr/sbin/policy-rc.d
/etc/init.d/memcached start
# Seen from outside the namespaces through the overlay (not /run, a tmpfs here).
touch /.fleet-ready
trap 'exit 0' TERM
while :; do
        sleep 3600 &
        wait $! || true
done
