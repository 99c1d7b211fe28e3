#!/bin/bash
# An openSUSE-shaped system (Leap 15.6 os-release, /etc/sysconfig/memcached
# with MEMCACHED_PARAMS and MEMCACHED_USER, openSUSE's memcached.service with
# EnvironmentFile=-/etc/sysconfig/memcached and
# `ExecStart=/usr/sbin/memcached -u $MEMCACHED_USER $MEMCACHED_PARAMS`) booted
# with systemd-nspawn from an overlay of this machine. memharden must pick the
# suse profile, follow the unit to the sysconfig file and harden
# MEMCACHED_PARAMS there (the unit untouched), restart memcached.service over
# D-Bus and prove it on the live daemon.
. "$(dirname "$0")/lib.sh"

VENDOR=/usr/lib/systemd/system/memcached.service
overlay_up
cat >"$ROOTFS/etc/os-release" <<'EOF'
NAME="openSUSE Leap"
VERSION="15.6"
ID="opensuse-leap"
ID_LIKE="suse opensuse"
VERSION_ID="15.6"
PRETTY_NAME="openSUSE Leap 15.6"
ANSI_COLOR="0;32"
CPE_NAME="cpe:/o:opensuse:leap:15.6"
EOF
mkdir -p "$ROOTFS/etc/sysconfig"
cat >"$ROOTFS/etc/sysconfig/memcached" <<'EOF'
## Path:        Network/WWW/Memcached
## Description: start parameters for memcached
## Type:        string
## Default:     "-l 127.0.0.1"
## Config:      memcached
#
# start parameters for memcached; see man 1 memcached
#
MEMCACHED_PARAMS="-l 0.0.0.0 -U 11211"

## Path:        Network/WWW/Memcached
## Description: username memcached should run as
## Type:        string
## Default:     "memcached"
## Config:      memcached
#
# username memcached should run as
#
MEMCACHED_USER="memcache"
EOF
cp "$ROOTFS/etc/sysconfig/memcached" "$IT_DIR/exposed.sysconfig"
# The vendor unit in openSUSE's shape, in place of Debian's (the same path
# here: /lib is /usr/lib). openSUSE's binary is /usr/sbin/memcached: a link
# to this machine's, so that the unit is as shipped.
cat >"$ROOTFS$VENDOR" <<'EOF'
[Unit]
Description=memcached daemon
After=network.target

[Service]
EnvironmentFile=-/etc/sysconfig/memcached
ExecStart=/usr/sbin/memcached -u $MEMCACHED_USER $MEMCACHED_PARAMS
# added automatically, for details please see
# https://en.opensuse.org/openSUSE:Security_Features#Systemd_hardening_effort
ProtectSystem=full
ProtectHome=true
PrivateDevices=true
ProtectHostname=true
ProtectClock=true
ProtectKernelTunables=true
ProtectKernelModules=true
ProtectKernelLogs=true
ProtectControlGroups=true
RestrictRealtime=true
# end of automatic additions

[Install]
WantedBy=multi-user.target
EOF
cp "$ROOTFS$VENDOR" "$IT_DIR/vendor.unit"
[ -e "$ROOTFS/usr/sbin/memcached" ] || ln -s ../bin/memcached "$ROOTFS/usr/sbin/memcached"
machine_boot

step "openSUSE-shaped memcached.service exposed (MEMCACHED_PARAMS=\"-l 0.0.0.0 -U $PORT\")"
machine_start_exposed

machine_apply_watched
[ "$APPLY_RC" = 0 ] || fail "apply exited $APPLY_RC"
grep -q "^/etc/sysconfig/memcached: changed" "$IT_DIR/apply.out" || fail "apply did not change /etc/sysconfig/memcached"
echo "sysconfig now:"
diff -u "$IT_DIR/exposed.sysconfig" "$ROOTFS/etc/sysconfig/memcached" | sed 's/^/  | /' || true
sed 's/^MEMCACHED_PARAMS="-l 0\.0\.0\.0 -U 11211"$/MEMCACHED_PARAMS="-l 127.0.0.1 -U 0"/' \
        "$IT_DIR/exposed.sysconfig" >"$IT_DIR/expected.sysconfig"
cmp "$IT_DIR/expected.sysconfig" "$ROOTFS/etc/sysconfig/memcached" || fail "more or other than MEMCACHED_PARAMS changed"
cmp "$IT_DIR/vendor.unit" "$ROOTFS$VENDOR" || fail "apply changed the vendor unit"
[ ! -e "$ROOTFS/etc/systemd/system/memcached.service.d/50-memharden.conf" ] ||
        fail "apply wrote a drop-in where the sysconfig file holds the options"
pid1=$(main_pid)
[ "$pid1" != 0 ] && [ "$pid1" != "$PID0" ] || fail "MainPID did not change ($PID0 -> $pid1)"
[ "$(in_machine systemctl is-active memcached.service)" = active ] || fail "memcached.service is not active"
live=$(in_machine cat "/proc/$pid1/cmdline" | tr '\0' ' ')
echo "running: $live"
[[ " $live " == *' -l 127.0.0.1 -U 0 '* ]] || fail "the running command line is not hardened"
if after=$(in_machine "$T/mcprobe" udp-stats "$PORT"); then
        fail "UDP still answers after apply: $after"
fi
echo "after: $after"
in_machine "$T/mcprobe" tcp-setget "$PORT" || fail "TCP set/get on 127.0.0.1 broken after apply"
[ "$(count_entries "$ROOTFS/var/backups/memharden")" -gt 0 ] || fail "no backup under /var/backups/memharden"
check_rc=0
in_machine "$T/memharden" check --json >"$IT_DIR/check.json" 2>&1 || check_rc=$?
[ "$check_rc" = 0 ] || { cat "$IT_DIR/check.json"; fail "check exited $check_rc after apply"; }
grep -Eq '"profile": *"suse"' "$IT_DIR/check.json" || { cat "$IT_DIR/check.json"; fail "check did not take the suse profile"; }
grep -Eq '"live_hardened": *true' "$IT_DIR/check.json" || { cat "$IT_DIR/check.json"; fail "check does not see the live daemon hardened"; }
echo "check --json after apply: exit 0, profile suse, live_hardened true"
echo "RESULT suse: before: $BEFORE"
echo "RESULT suse: after:  $after"
echo "RESULT suse: MainPID $PID0 -> $pid1; $(cat "$IT_DIR/watch.out")"
echo
echo "PASS"
