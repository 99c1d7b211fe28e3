#!/bin/bash
# Scenario 3: a RHEL-shaped system (Rocky 9 os-release, /etc/sysconfig/memcached,
# RHEL's memcached.service with EnvironmentFile= and $OPTIONS) booted with
# systemd-nspawn from an overlay of this machine. memharden must pick the rhel
# profile, harden OPTIONS, restart over D-Bus and prove it on the live daemon.
. "$(dirname "$0")/lib.sh"

overlay_up
write_rhel_shape
machine_boot

step "scenario 3: RHEL-shaped memcached.service exposed (OPTIONS=\"-l 0.0.0.0 -U $PORT\")"
machine_start_exposed

machine_apply_watched
[ "$APPLY_RC" = 0 ] || fail "apply exited $APPLY_RC"
grep -q "/etc/sysconfig/memcached" "$IT_DIR/apply.out" || fail "apply did not work on /etc/sysconfig/memcached"
echo "sysconfig now:"
sed 's/^/  | /' "$ROOTFS/etc/sysconfig/memcached"
grep -Eq '^OPTIONS=.*-U *0' "$ROOTFS/etc/sysconfig/memcached" || fail "OPTIONS does not turn UDP off"
pid1=$(main_pid)
[ "$pid1" != 0 ] && [ "$pid1" != "$PID0" ] || fail "MainPID did not change ($PID0 -> $pid1)"
in_machine cat "/proc/$pid1/cmdline" | tr '\0' ' ' | sed 's/^/running: /'
echo
if after=$(in_machine "$T/mcprobe" udp-stats "$PORT"); then
        fail "UDP still answers after apply: $after"
fi
in_machine "$T/mcprobe" tcp-setget "$PORT" || fail "TCP set/get on 127.0.0.1 broken after apply"
[ "$(count_entries "$ROOTFS/var/backups/memharden")" -gt 0 ] || fail "no backup under /var/backups/memharden"
echo "RESULT rhel: before: $BEFORE"
echo "RESULT rhel: after:  $after"
echo "RESULT rhel: MainPID $PID0 -> $pid1; $(cat "$IT_DIR/watch.out")"
echo
echo "PASS"
