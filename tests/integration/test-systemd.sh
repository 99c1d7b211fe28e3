#!/bin/bash
# Scenarios 2, 5 and 4 on the systemd path: a Debian system booted with
# systemd-nspawn (private network) from an overlay of this machine.
#   2: memcached exposed; `memharden apply` restarts it over D-Bus: new
#      MainPID, no UDP reply, TCP working on 127.0.0.1, a backup.
#   5: a stopped memcached stays stopped; the output says so.
#   4: a drop-in makes the start fail once the config has -U 0: apply puts the
#      old config back byte for byte, memcached runs again on it, exit 4.
. "$(dirname "$0")/lib.sh"

overlay_up
write_exposed_debian_conf
machine_boot

step "scenario 2: memcached.service exposed (-l 0.0.0.0 -U $PORT)"
machine_start_exposed
backups0=$(count_entries "$ROOTFS/var/backups/memharden")

machine_apply_watched
[ "$APPLY_RC" = 0 ] || fail "apply exited $APPLY_RC"
pid1=$(main_pid)
[ "$pid1" != 0 ] && [ "$pid1" != "$PID0" ] || fail "MainPID did not change ($PID0 -> $pid1)"
[ "$(in_machine systemctl is-active memcached.service)" = active ] || fail "memcached.service is not active"
if after=$(in_machine "$T/mcprobe" udp-stats "$PORT"); then
        fail "UDP still answers after apply: $after"
fi
in_machine "$T/mcprobe" tcp-setget "$PORT" || fail "TCP set/get on 127.0.0.1 broken after apply"
backups1=$(count_entries "$ROOTFS/var/backups/memharden")
[ "$backups1" -gt "$backups0" ] || fail "no new backup under /var/backups/memharden"
# The live state as `check` reads it, without changing anything.
check_rc=0
in_machine "$T/memharden" check --json >"$IT_DIR/check.json" 2>&1 || check_rc=$?
[ "$check_rc" = 0 ] || { cat "$IT_DIR/check.json"; fail "check exited $check_rc after apply"; }
grep -Eq '"live_hardened": *true' "$IT_DIR/check.json" || { cat "$IT_DIR/check.json"; fail "check does not see the live daemon hardened"; }
grep -Eq '"udp_sockets": *0' "$IT_DIR/check.json" || fail "check does not report 0 UDP sockets"
echo "check --json after apply: exit 0, live_hardened true, udp_sockets 0"
echo "RESULT systemd: before: $BEFORE"
echo "RESULT systemd: after:  $after"
echo "RESULT systemd: MainPID $PID0 -> $pid1; $(cat "$IT_DIR/watch.out")"

step "scenario 5 (systemd): a stopped memcached stays stopped"
in_machine systemctl stop memcached.service
cp "$IT_DIR/exposed.conf" "$ROOTFS/etc/memcached.conf"
machine_apply_watched
[ "$APPLY_RC" = 0 ] || fail "apply exited $APPLY_RC with memcached stopped"
grep -q "next start" "$IT_DIR/apply.out" || fail "output does not say the change applies at the next start"
state=$(in_machine systemctl is-active memcached.service) || true
[ "$state" = inactive ] || fail "memcached.service is '$state' after apply, expected inactive"
grep -Eq '^-U[[:space:]]*0' "$ROOTFS/etc/memcached.conf" || fail "config not hardened"
echo "RESULT systemd: stopped memcached.service stayed $state; config hardened for its next start"

step "scenario 4: the restart fails on the hardened config -> rollback, exit 4"
cp "$IT_DIR/exposed.conf" "$ROOTFS/etc/memcached.conf"
write_fail_when_hardened_dropin
in_machine systemctl daemon-reload
in_machine systemctl start memcached.service
machine_wait_tcp
PID0=$(main_pid)
sum0=$(sha256sum <"$ROOTFS/etc/memcached.conf")

machine_apply_watched
[ "$APPLY_RC" = 4 ] || fail "apply exited $APPLY_RC, expected 4"
cmp "$IT_DIR/exposed.conf" "$ROOTFS/etc/memcached.conf" || fail "old config not restored byte for byte"
[ "$(sha256sum <"$ROOTFS/etc/memcached.conf")" = "$sum0" ] || fail "checksum differs"
[ "$(in_machine systemctl is-active memcached.service)" = active ] || fail "memcached.service not active after the rollback"
pid1=$(main_pid)
machine_wait_tcp
old=$(in_machine "$T/mcprobe" udp-stats "$PORT") || fail "memcached does not run with the old settings (no UDP)"
echo "RESULT rollback: exit 4; config restored byte for byte (sha256 ${sum0%% *});" \
        "memcached active again on the old settings, MainPID $PID0 -> $pid1; $(cat "$IT_DIR/watch.out")"
echo "RESULT rollback: old settings live again: $old"
echo
echo "PASS"
