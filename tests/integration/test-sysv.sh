#!/bin/bash
# Scenario 1, SysV: memcached started by its init script in a chroot over an
# overlay of this machine (own mount, network and PID namespaces), exposed on
# 0.0.0.0 with UDP on. `memharden apply` must restart it through invoke-rc.d
# and leave no UDP reply, TCP working on 127.0.0.1, and a backup. Also: a
# policy-rc.d that answers 101 is reported, not a failure; and a stopped
# memcached stays stopped (scenario 5).
. "$(dirname "$0")/lib.sh"

command -v unshare >/dev/null || skip "unshare is not installed"
command -v ip >/dev/null || skip "iproute2 is not installed"
[ -x /etc/init.d/memcached ] || skip "memcached's init script is not installed"

overlay_up
write_exposed_debian_conf
cp "$IT_DIR/exposed.conf" "$ROOTFS$T/exposed.conf"
cp "$HERE/sysv-inner.sh" "$ROOTFS$T/sysv-inner.sh"

# PID namespace: everything started inside dies with the inner script.
unshare --mount --net --pid --fork --kill-child chroot "$ROOTFS" /bin/bash "$T/sysv-inner.sh"
