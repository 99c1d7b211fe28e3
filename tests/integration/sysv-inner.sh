#!/bin/bash
# The body of test-sysv.sh, run as PID 1 of fresh namespaces chrooted into
# the overlay. Nothing here can reach the host's network or processes.
. "$(dirname "$0")/inner-lib.sh"

mount -t proc proc /proc
ip link set lo up

# invoke-rc.d consults policy-rc.d; in a chroot it has no runlevel, so
# only an explicit "allowed" (0) lets it run the script.
policy() { printf '#!/bin/sh\nexit %s\n' "$1" >/usr/sbin/policy-rc.d; chmod 755 /usr/sbin/policy-rc.d; }

apply() {
        APPLY_RC=0
        "$T/memharden" apply "$@" >/tmp/apply.out 2>&1 || APPLY_RC=$?
        sed 's/^/  | /' /tmp/apply.out
        echo "memharden apply exit status: $APPLY_RC"
}

step "memcached exposed: -l 0.0.0.0 -U $PORT, started by /etc/init.d/memcached"
policy 0
/etc/init.d/memcached start
wait_tcp
before=$("$T/mcprobe" udp-stats "$PORT") || fail "no UDP reply from the exposed memcached"
echo "before: $before"

step "policy-rc.d answers 101 (image builds): reported, config hardened, not restarted"
policy 101
pid0=$(cat /var/run/memcached.pid)
apply
[ "$APPLY_RC" = 0 ] || fail "apply failed when policy-rc.d denied the restart"
grep -q 101 /tmp/apply.out || fail "the policy-rc.d denial is not reported"
[ "$(cat /var/run/memcached.pid)" = "$pid0" ] || fail "memcached was restarted despite policy-rc.d"
"$T/mcprobe" udp-stats "$PORT" >/dev/null || fail "the old daemon should still answer UDP"
grep -Eq '^-U[[:space:]]*0' /etc/memcached.conf || fail "config not hardened"
cp "$T/exposed.conf" /etc/memcached.conf

step "apply with the restart allowed (invoke-rc.d memcached restart)"
policy 0
pid0=$(cat /var/run/memcached.pid)
backups0=$(count_entries /var/backups/memharden)
rm -f /tmp/watch.stop
"$T/mcprobe" watch "$PORT" /tmp/watch.stop >/tmp/watch.out 2>&1 &
watcher=$!
sleep 0.2
apply
sleep 0.3
touch /tmp/watch.stop
wait "$watcher" || true
expect_applied sysv "$pid0" "$(cat /var/run/memcached.pid)" "$backups0" "$before"

step "scenario 4 (SysV): the restart fails on the hardened config -> rollback, exit 4"
cp "$T/exposed.conf" /etc/memcached.conf
/etc/init.d/memcached restart
wait_tcp
# The init script sources /etc/default/memcached: make it refuse to
# (re)start once UDP is off in the config.
cat >/etc/default/memcached <<'GUARD'
# Test only: refuse the hardened config.
if [ "$1" != stop ] && grep -Eq '^-U[[:space:]]*0' /etc/memcached.conf; then
        echo "test guard: refusing a config with -U 0" >&2
        exit 1
fi
GUARD
pid0=$(cat /var/run/memcached.pid)
sum0=$(sha256sum </etc/memcached.conf)
apply
[ "$APPLY_RC" = 4 ] || fail "apply exited $APPLY_RC, expected 4"
cmp "$T/exposed.conf" /etc/memcached.conf || fail "old config not restored byte for byte"
wait_tcp
pid1=$(cat /var/run/memcached.pid)
old=$("$T/mcprobe" udp-stats "$PORT") || fail "memcached does not run with the old settings (no UDP)"
echo "RESULT sysv rollback: exit 4; config restored byte for byte (sha256 ${sum0%% *}); memcached pid $pid0 -> $pid1 on the old settings: $old"
rm -f /etc/default/memcached

step "scenario 5 (SysV): a stopped memcached stays stopped"
/etc/init.d/memcached stop
sleep 0.2
[ -z "$(running_pids)" ] || fail "memcached did not stop"
cp "$T/exposed.conf" /etc/memcached.conf
apply
[ "$APPLY_RC" = 0 ] || fail "apply exited $APPLY_RC with memcached stopped"
grep -q "next start" /tmp/apply.out || fail "output does not say the change applies at the next start"
[ -z "$(running_pids)" ] || fail "apply started a stopped memcached"
grep -Eq '^-U[[:space:]]*0' /etc/memcached.conf || fail "config not hardened"
echo "RESULT sysv: stopped memcached stayed stopped; config hardened for its next start"
echo
echo "PASS"
