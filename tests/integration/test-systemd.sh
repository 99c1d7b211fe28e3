#!/bin/bash
# Scenarios 2, 5 and 4 on the systemd path: a Debian system booted with
# systemd-nspawn (private network) from an overlay of this machine.
#   2: memcached exposed; `memharden probe` sees the oracle's amplified
#      reply and refuses a non-local address; `memharden apply` restarts it
#      over D-Bus: new MainPID, no UDP reply, TCP working on 127.0.0.1, a
#      backup, the amplification before and after and the dropped item in
#      its report; probe then gets no reply.
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
# memharden probe against the oracle's probe: both see an amplified reply
# (the reply sizes vary by a few bytes with the counters in it).
probe_rc=0
in_machine "$T/memharden" probe --json >"$IT_DIR/probe.json" 2>&1 || probe_rc=$?
[ "$probe_rc" = 1 ] || { cat "$IT_DIR/probe.json"; fail "probe exited $probe_rc on the exposed memcached, expected 1"; }
oracle_bytes=$(sed -n 's/.*reply \([0-9]*\) bytes.*/\1/p' <<<"$BEFORE")
jq -e --argjson o "$oracle_bytes" '[.probes[] | select(.address == "127.0.0.1" and .port == '"$PORT"')][0] |
        .reply_bytes > $o - 40 and .reply_bytes < $o + 40 and .factor > 100 and .tcp' "$IT_DIR/probe.json" >/dev/null ||
        { cat "$IT_DIR/probe.json"; fail "probe's reply on 127.0.0.1:$PORT is not the oracle's ($oracle_bytes bytes)"; }
in_machine "$T/memharden" probe 192.0.2.1 >/dev/null 2>"$IT_DIR/probe.err" && fail "probe took a non-local address"
grep -q "not an address of this host" "$IT_DIR/probe.err" || fail "probe's refusal: $(cat "$IT_DIR/probe.err")"
echo "probe: $(jq -c '[.probes[] | select(.datagrams > 0)]' "$IT_DIR/probe.json")"
# One item in the cache, for the restart to drop.
in_machine "$T/mcprobe" tcp-setget "$PORT" >/dev/null || fail "TCP set/get on the exposed memcached"
in_machine "$T/memharden" apply --dry-run >"$IT_DIR/dry.out" 2>&1 || fail "apply --dry-run failed"
grep -Eq "a restart drops 1 item \([0-9]+ bytes\) from the cache" "$IT_DIR/dry.out" ||
        { cat "$IT_DIR/dry.out"; fail "the dry run does not say what a restart drops"; }

machine_apply_watched
[ "$APPLY_RC" = 0 ] || fail "apply exited $APPLY_RC"
grep -Eq '^amplification: [0-9.]+x before \([0-9]+ bytes back for 15 to 127\.0\.0\.1:'"$PORT"'\), no reply after$' "$IT_DIR/apply.out" ||
        fail "apply does not report the amplification before and after"
grep -Eq "the restart drops 1 item \([0-9]+ bytes\) from the cache" "$IT_DIR/apply.out" || fail "apply does not report what the restart drops"
probe_rc=0
in_machine "$T/memharden" probe >"$IT_DIR/probe.out" 2>&1 || probe_rc=$?
[ "$probe_rc" = 0 ] && grep -q "^127.0.0.1:$PORT: UDP no reply; TCP: version " "$IT_DIR/probe.out" ||
        { cat "$IT_DIR/probe.out"; fail "probe after apply: exit $probe_rc"; }
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
