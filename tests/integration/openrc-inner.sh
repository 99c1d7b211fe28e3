#!/bin/bash
# The body of test-openrc.sh, run as PID 1 of fresh namespaces chrooted into
# the overlay. Nothing here can reach the host's network or processes.
. "$(dirname "$0")/inner-lib.sh"

# The PID in the pid file OpenRC recorded for service $1 (default memcached).
daemon_pid() {
        local f
        f=$(cat "/run/openrc/options/${1:-memcached}/pidfile") || return 1
        cat "$f"
}

rc_status() { local rc=0; rc-service "$1" status >/dev/null 2>&1 || rc=$?; echo "$rc"; }

# svcdrive VERB [INSTANCE]: the report in /tmp/drive.json, the exit status
# in DRIVE_RC.
drive() {
        DRIVE_RC=0
        "$T/svcdrive" "$@" >/tmp/drive.json 2>/tmp/drive.err || DRIVE_RC=$?
        sed 's/^/  | /' /tmp/drive.err
        echo "svcdrive $* exit status: $DRIVE_RC; $(jq -c '{unit, restarted, was_active, active, main_pid_before, main_pid_after, restart_ms, message}' /tmp/drive.json)"
}
field() { jq -r ".$1" /tmp/drive.json; }

# A watcher of TCP connects to 127.0.0.1:PORT around a restart; its
# longest outage ends up in /tmp/watch.out.
watch_start() {
        rm -f /tmp/watch.stop
        "$T/mcprobe" watch "$PORT" /tmp/watch.stop >/tmp/watch.out 2>&1 &
        WATCHER=$!
        sleep 0.2
}
watch_stop() {
        sleep 0.3
        touch /tmp/watch.stop
        wait "$WATCHER" || true
}

apply() {
        APPLY_RC=0
        "$T/memharden" apply "$@" >/tmp/apply.out 2>&1 || APPLY_RC=$?
        sed 's/^/  | /' /tmp/apply.out
        echo "memharden apply exit status: $APPLY_RC"
}

mount -t proc proc /proc
ip link set lo up

step "OpenRC's boot: openrc sysinit, boot, default (no services in the runlevels)"
# sysinit runs OpenRC's init.sh: a tmpfs on /run (in this mount namespace),
# /run/openrc, and the softlevel that says OpenRC booted this system.
openrc sysinit >/tmp/boot.out 2>&1 || { cat /tmp/boot.out; fail "openrc sysinit failed"; }
openrc boot >>/tmp/boot.out 2>&1 || { cat /tmp/boot.out; fail "openrc boot failed"; }
openrc default >>/tmp/boot.out 2>&1 || { cat /tmp/boot.out; fail "openrc default failed"; }
[ "$(cat /run/openrc/softlevel)" = default ] || fail "no softlevel 'default' after the boot"
[ ! -e /run/systemd/system ] || fail "/run/systemd/system exists in the chroot"
manager=$("$T/svcdrive" detect)
[ "$manager" = openrc ] || fail "detected manager '$manager', expected openrc"
echo "softlevel: default; detected manager: $manager"

step "memcached exposed (LISTENON=\"\", UDPPORT=\"\${PORT}\"), started by rc-service"
rc-service memcached start
wait_tcp
before=$("$T/mcprobe" udp-stats "$PORT") || fail "no UDP reply from the exposed memcached"
echo "before: $before"
pid0=$(daemon_pid)
echo "OpenRC recorded the pid file $(cat /run/openrc/options/memcached/pidfile): pid $pid0"

step "the restart stage alone: read, then try-restart of a started service"
drive read
[ "$DRIVE_RC" = 0 ] && [ "$(field active)" = true ] && [ "$(field main_pid_after)" = "$pid0" ] ||
        fail "read does not see memcached $pid0 running"
[ "$(field manager)" = openrc ] && [ "$(field unit)" = memcached ] || fail "not the openrc manager on 'memcached'"
watch_start
drive try-restart
watch_stop
[ "$DRIVE_RC" = 0 ] || fail "try-restart failed"
pid1=$(daemon_pid)
[ "$(field restarted)" = true ] && [ "$pid1" != "$pid0" ] && [ "$(field main_pid_after)" = "$pid1" ] ||
        fail "try-restart did not restart memcached ($pid0 -> $pid1)"
restart_ms=$(field restart_ms)
wait_tcp
echo "RESULT openrc: try-restart through rc-service: pid $pid0 -> $pid1 in $restart_ms ms; $(cat /tmp/watch.out)"

step "a stopped service stays stopped on try-restart; restart starts it"
rc-service memcached stop
drive try-restart
[ "$DRIVE_RC" = 0 ] && [ "$(field restarted)" = false ] || fail "try-restart of a stopped service"
grep -q 'status: stopped' /tmp/drive.json || fail "the note does not give OpenRC's state"
[ "$(rc_status memcached)" = 3 ] && [ -z "$(running_pids)" ] || fail "try-restart started a stopped memcached"
drive restart
[ "$DRIVE_RC" = 0 ] && [ "$(field restarted)" = true ] || fail "restart did not start the stopped service"
[ "$(rc_status memcached)" = 0 ] && [ "$(field main_pid_after)" = "$(daemon_pid)" ] || fail "not started after restart"
wait_tcp

step "a crashed daemon (killed; OpenRC still says started) is not running"
pid0=$(daemon_pid)
kill -KILL "$pid0"
for ((i = 0; i < 50; i++)); do [ -d "/proc/$pid0" ] || break; sleep 0.1; done
drive try-restart
[ "$DRIVE_RC" = 0 ] && [ "$(field restarted)" = false ] && [ "$(field was_active)" = false ] ||
        fail "try-restart of a crashed daemon"
grep -q 'status: crashed' /tmp/drive.json || fail "the note does not say crashed"
drive restart
[ "$DRIVE_RC" = 0 ] && [ "$(field restarted)" = true ] || fail "restart did not bring the crashed daemon back"
wait_tcp

step "a restart that fails is an error with rc-service's words; restart (the restore) recovers"
touch /run/memharden-it.refuse-udp-off
sed -i 's/^UDPPORT=.*/UDPPORT="0"/' /etc/conf.d/memcached
drive try-restart
[ "$DRIVE_RC" = 1 ] && [ "$(field restarted)" = false ] && [ "$(field active)" = false ] || fail "a failed restart"
grep -q "cannot restart 'memcached': 'rc-service memcached restart' exited with status 1: test guard: refusing to start with UDPPORT=0; ERROR: memcached failed to start" /tmp/drive.err ||
        fail "the failure does not say what rc-service said"
grep -q "see 'rc-service memcached status' and the system log" /tmp/drive.err || fail "no hint where to look"
state=$(rc_status memcached)
cp "$T/exposed.confd" /etc/conf.d/memcached
drive restart
[ "$DRIVE_RC" = 0 ] && [ "$(field restarted)" = true ] && [ "$(field active)" = true ] ||
        fail "restart after the failed one (OpenRC status $state)"
wait_tcp
"$T/mcprobe" udp-stats "$PORT" >/dev/null || fail "not on the old settings again"
rm -f /run/memharden-it.refuse-udp-off
echo "RESULT openrc: a failed restart (rc-service exit 1, OpenRC status $state after it) is an error; restart brought memcached back"

step "instance memcached.a (link to memcached, /etc/conf.d/memcached.a on port 11311)"
ln -s memcached /etc/init.d/memcached.a
printf 'PORT="11311"\nUDPPORT="0"\nLISTENON="127.0.0.1"\n' >/etc/conf.d/memcached.a
rc-service memcached.a start
wait_tcp 11311
main0=$(daemon_pid) a0=$(daemon_pid memcached.a)
drive try-restart a
[ "$DRIVE_RC" = 0 ] && [ "$(field unit)" = memcached.a ] && [ "$(field restarted)" = true ] ||
        fail "try-restart of instance a"
a1=$(daemon_pid memcached.a)
[ "$a1" != "$a0" ] && [ "$(field main_pid_after)" = "$a1" ] || fail "instance a: pid $a0 -> $a1, report $(field main_pid_after)"
[ "$(daemon_pid)" = "$main0" ] || fail "restarting instance a restarted the main memcached"
# The main daemon gone while instance a runs: its recorded pid file says
# so, whatever other memcached runs.
kill -KILL "$main0"
for ((i = 0; i < 50; i++)); do [ -d "/proc/$main0" ] || break; sleep 0.1; done
drive read
[ "$DRIVE_RC" = 0 ] && [ "$(field active)" = false ] || fail "the main memcached is gone, but read sees it running"
drive restart
[ "$DRIVE_RC" = 0 ] && [ "$(field restarted)" = true ] && [ "$(daemon_pid memcached.a)" = "$a1" ] ||
        fail "restart of the crashed main memcached"
wait_tcp
rc-service memcached.a stop
rm -f /etc/init.d/memcached.a /etc/conf.d/memcached.a
drive try-restart b
[ "$DRIVE_RC" = 0 ] && [ "$(field restarted)" = false ] && grep -q 'no OpenRC service memcached.b' /tmp/drive.json ||
        fail "a missing instance is not reported as such"
echo "RESULT openrc: instance memcached.a restarted alone (pid $a0 -> $a1, pid file from /run/openrc/options/memcached.a/pidfile)"

step "memharden apply --profile alpine: restarted through rc-service"
cp "$T/exposed.confd" /etc/conf.d/memcached
rc-service memcached restart
wait_tcp
pid0=$(daemon_pid)
backups0=$(count_entries /var/backups/memharden)
watch_start
apply --profile alpine
watch_stop
[ "$(rc_status memcached)" = 0 ] || fail "rc-service memcached status: not started"
expect_applied openrc "$pid0" "$(daemon_pid)" "$backups0" "$before"

step "the restart fails on the hardened config (UDPPORT=0) -> rollback, exit 4"
cp "$T/exposed.confd" /etc/conf.d/memcached
rc-service memcached restart
wait_tcp
touch /run/memharden-it.refuse-udp-off
pid0=$(daemon_pid)
sum0=$(sha256sum </etc/conf.d/memcached)
apply --profile alpine
[ "$APPLY_RC" = 4 ] || fail "apply exited $APPLY_RC, expected 4"
cmp "$T/exposed.confd" /etc/conf.d/memcached || fail "old conf.d not restored byte for byte"
wait_tcp
[ "$(rc_status memcached)" = 0 ] || fail "memcached not started again after the rollback"
pid1=$(daemon_pid)
old=$("$T/mcprobe" udp-stats "$PORT") || fail "memcached does not run with the old settings (no UDP)"
echo "RESULT openrc rollback: exit 4; conf.d restored byte for byte (sha256 ${sum0%% *}); memcached pid $pid0 -> $pid1 on the old settings: $old"
rm -f /run/memharden-it.refuse-udp-off

step "a stopped memcached stays stopped"
rc-service memcached stop
cp "$T/exposed.confd" /etc/conf.d/memcached
apply --profile alpine
[ "$APPLY_RC" = 0 ] || fail "apply exited $APPLY_RC with memcached stopped"
grep -q "next start" /tmp/apply.out || fail "output does not say the change applies at the next start"
[ -z "$(running_pids)" ] && [ "$(rc_status memcached)" = 3 ] || fail "apply started a stopped memcached"
cmp -s "$T/exposed.confd" /etc/conf.d/memcached && fail "conf.d not hardened"
echo "RESULT openrc: stopped memcached stayed stopped; conf.d hardened for its next start"
echo
echo "PASS"
