#!/bin/bash
# The OpenRC manager against a real OpenRC (the openrc package of this
# machine), booted in a chroot over an overlay of this machine (own mount,
# network and PID namespaces), with an Alpine-shaped memcached service:
# tests/integration/openrc/memcached.initd as /etc/init.d/memcached, its
# exposed /etc/conf.d/memcached, and os-release ID=alpine. First the restart
# stage alone (svcdrive): detection, try-restart and restart, a stopped and a
# crashed daemon, an instance; then `memharden apply --profile alpine`: no
# UDP reply, TCP working on 127.0.0.1, a new PID and a backup; a restart that
# fails on the hardened config rolled back (exit 4); a stopped memcached
# stays stopped. The body is openrc-inner.sh.
. "$(dirname "$0")/lib.sh"

: "${SVCDRIVE:?set SVCDRIVE to the svcdrive binary}"
command -v unshare >/dev/null || skip "unshare is not installed"
command -v ip >/dev/null || skip "iproute2 is not installed"
command -v jq >/dev/null || skip "jq is not installed"
[ -x /sbin/openrc ] && [ -x /sbin/openrc-run ] && [ -x /sbin/rc-service ] || skip "openrc is not installed"

overlay_up
cp "$SVCDRIVE" "$ROOTFS$T/svcdrive"
cp "$HERE/openrc-inner.sh" "$ROOTFS$T/openrc-inner.sh"

# An Alpine-shaped root: OpenRC's service in place of Debian's SysV script
# and config, and Alpine's os-release.
rm -f "$ROOTFS/etc/init.d/memcached" "$ROOTFS/etc/memcached.conf" "$ROOTFS/etc/default/memcached"
# Alpine ships no systemd unit either: Debian's (the wrapper on a
# memcached.conf an Alpine host has not) would be judged where enabled.
rm -f "$ROOTFS"/lib/systemd/system/memcached*.service "$ROOTFS"/usr/lib/systemd/system/memcached*.service \
        "$ROOTFS"/etc/systemd/system/*.wants/memcached*.service
install -m 755 "$HERE/openrc/memcached.initd" "$ROOTFS/etc/init.d/memcached"
mkdir -p "$ROOTFS/etc/conf.d"
install -m 644 "$HERE/openrc/memcached.confd" "$ROOTFS/etc/conf.d/memcached"
cp "$HERE/openrc/memcached.confd" "$ROOTFS$T/exposed.confd"
rm -f "$ROOTFS/etc/os-release"
cat >"$ROOTFS/etc/os-release" <<'OS'
NAME="Alpine Linux"
ID=alpine
VERSION_ID=3.20.3
PRETTY_NAME="Alpine Linux v3.20 (memharden integration test)"
OS
# The boot starts none of this machine's services: the sysinit ones
# (procps' sysctl, hwclock) would reach the host's kernel and clock.
find "$ROOTFS/etc/runlevels" -mindepth 2 -maxdepth 2 -exec rm -f {} +

# PID namespace: everything started inside dies with the inner script.
unshare --mount --net --pid --fork --kill-child chroot "$ROOTFS" /bin/bash "$T/openrc-inner.sh"
