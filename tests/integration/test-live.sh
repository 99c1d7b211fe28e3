#!/bin/bash
# Live verification against the real memcached binary: `memharden check`
# on this host must judge the running daemon, not the file. Runs in private
# mount, network and PID namespaces: /etc/memcached.conf is a bind mount of a
# config that claims to be hardened (-l 127.0.0.1, -U 0), /run is an empty
# tmpfs holding only the daemon's pid file (so no systemd is seen and the
# SysV path reads that pid file), and every daemon is on loopback, on random
# high ports. Cases:
#   1. the daemon runs exposed (-U PORT on 127.0.0.1): live-differs;
#   2. the daemon runs as its config says: compliant (the control case);
#   3. the daemon runs in a network namespace of its own, so its sockets
#      cannot be seen: live-unverified, never hardened;
#   4. the daemon listens on a unix socket only (-s): compliant.
# Everything started inside dies with the namespace, also on failure.
. "$(dirname "$0")/lib.sh"

if [ "${1:-}" != --inner ]; then
        command -v unshare >/dev/null || skip "unshare is not installed"
        command -v ip >/dev/null || skip "iproute2 is not installed"
        command -v jq >/dev/null || skip "jq is not installed"
        # check reads the live daemon only where a service manager runs.
        [ -x /etc/init.d/memcached ] || skip "memcached's init script is not installed"
        [ -f /etc/memcached.conf ] || skip "/etc/memcached.conf is missing (the test mounts its own config over it)"
        ! compgen -G '/etc/memcached_*.conf' >/dev/null ||
                skip "the host has /etc/memcached_*.conf instance configs, which check would judge too"
        unshare --mount --net --pid --fork true 2>/dev/null || skip "unshare of mount, network and PID namespaces is not permitted here"
        rc=0
        unshare --mount --net --pid --fork --kill-child --mount-proc "$BASH" "$0" --inner || rc=$?
        exit "$rc"
fi

# ---- inside the namespaces ----

mount --make-rprivate /
run=$(readlink -f /var/run)
mount -t tmpfs -o mode=0755,size=1m memharden-live "$run"
[ "$run" = /run ] || mount -t tmpfs -o mode=0755,size=1m memharden-live /run
ip link set lo up

user=memcache
id -u "$user" >/dev/null 2>&1 || user=nobody
PORT=$(shuf -i 20000-29999 -n 1)
UDP_PORT=$((PORT + 10000))

# The config check judges: hardened, and naming the daemon's port.
cat >"$IT_DIR/memcached.conf" <<EOF
# memharden live test: claims to be hardened
-m 64
-p $PORT
-u $user
-l 127.0.0.1
-U 0
EOF
mount --bind "$IT_DIR/memcached.conf" /etc/memcached.conf

MC_PIDFILE=/run/memcached.pid
on_exit mc_stop

# mc_start [PREFIX...] -- ARGS...: memcached in the foreground of a
# background job, its PID in the pid file the init script would write.
mc_start() {
        local prefix=()
        while [ "$1" != -- ]; do
                prefix+=("$1")
                shift
        done
        shift
        mc_stop
        "${prefix[@]}" /usr/bin/memcached -m 64 -u "$user" "$@" </dev/null >"$IT_DIR/memcached.log" 2>&1 &
        MC_PID=$!
        echo "$MC_PID" >/run/memcached.pid
}

wait_tcp() {
        local i
        for ((i = 0; i < 100; i++)); do
                "$MCPROBE" tcp-setget "$PORT" >/dev/null 2>&1 && return 0
                kill -0 "$MC_PID" 2>/dev/null || { cat "$IT_DIR/memcached.log"; fail "memcached exited"; }
                sleep 0.1
        done
        fail "memcached does not answer on 127.0.0.1:$PORT"
}

# check_json: memharden check --json on this host; sets RC and J (the file).
check_json() {
        J=$IT_DIR/check.json
        RC=0
        MEMHARDEN_LENS_DIR=$MEMHARDEN_LENS_DIR "$MEMHARDEN" check --profile debian --json >"$J" 2>"$IT_DIR/check.err" || RC=$?
        jq -e . "$J" >/dev/null || { cat "$J" "$IT_DIR/check.err"; fail "check --json printed no JSON document"; }
}

# expect JQ-FILTER WHAT: the check's JSON must satisfy the filter.
expect() {
        jq -e "$1" "$J" >/dev/null || { jq . "$J"; cat "$IT_DIR/check.err"; fail "$2"; }
}

# The check must have read this daemon through the SysV path.
expect_our_daemon() {
        expect ".services | length == 1 and .[0].manager == \"sysv\" and .[0].active
                and .[0].main_pid_before == $MC_PID" "check did not read the daemon with pid $MC_PID"
}

step "1. exposed: memcached -l 127.0.0.1 -U $UDP_PORT, under a config that says -U 0"
mc_start -- -p "$PORT" -l 127.0.0.1 -U "$UDP_PORT"
wait_tcp
reply=$("$MCPROBE" udp-stats "$UDP_PORT") || fail "no UDP reply: the daemon is not exposed, the case proves nothing"
echo "UDP on: $reply"
check_json
echo "check exit status: $RC"
[ "$RC" = 1 ] || { jq . "$J"; fail "check exited $RC for an exposed daemon, expected 1 (not compliant)"; }
expect_our_daemon
expect '.compliant == false' "check calls an exposed daemon compliant"
expect '[.findings[] | select(.id == "live-differs")] | length == 1' "no live-differs finding for an exposed daemon"
expect '.services[0].live_hardened == false and .services[0].live_state == "exposed"' "the exposed daemon is not reported exposed"
expect ".services[0].udp_sockets >= 1 and .services[0].stats_udpport == $UDP_PORT" "the daemon's UDP socket and port are not reported"
jq -r '.findings[] | select(.id == "live-differs") | "finding: \(.id): \(.message)"' "$J"

step "2. control: the daemon runs as its config says (-l 127.0.0.1 -U 0)"
mc_start -- -p "$PORT" -l 127.0.0.1 -U 0
wait_tcp
check_json
echo "check exit status: $RC"
[ "$RC" = 0 ] || { jq . "$J"; fail "check exited $RC for a hardened daemon, expected 0"; }
expect_our_daemon
expect '.compliant and .services[0].verified and .services[0].live_hardened and .services[0].live_state == "hardened"' \
        "the hardened daemon is not reported hardened"
expect ".services[0].listeners == [\"127.0.0.1:$PORT\"] and .services[0].udp_sockets == 0" "the daemon's listener is not reported"

step "3. sockets out of sight: the daemon runs exposed in a network namespace of its own"
# On that namespace's own loopback: its sockets are not where memharden
# looks, and its PID is the one in the pid file.
mc_start unshare --net /bin/sh -c 'ip link set lo up && exec "$0" "$@"' -- -p "$PORT" -l 127.0.0.1 -U "$UDP_PORT"
for ((i = 0; i < 50; i++)); do
        [ "$(readlink /proc/"$MC_PID"/exe 2>/dev/null)" = /usr/bin/memcached ] &&
                ls -l /proc/"$MC_PID"/fd 2>/dev/null | grep -q 'socket:' && break
        sleep 0.1
done
ls -l /proc/"$MC_PID"/fd 2>/dev/null | grep -q 'socket:' || { cat "$IT_DIR/memcached.log"; fail "memcached did not open its sockets"; }
check_json
echo "check exit status: $RC"
[ "$RC" = 1 ] || { jq . "$J"; fail "check exited $RC for a daemon whose sockets it cannot see, expected 1"; }
expect_our_daemon
expect '.compliant == false' "check calls a daemon it cannot see compliant"
expect '[.findings[] | select(.id == "live-unverified")] | length == 1' "no live-unverified finding"
expect '.services[0].live_hardened == false and .services[0].verified == false and .services[0].live_state == "unverified"' \
        "a daemon whose sockets cannot be seen is not reported unverified"
jq -r '.findings[] | select(.id == "live-unverified") | "finding: \(.id): \(.message)"' "$J"

step "4. a unix socket only: memcached -s, no network at all"
cat >"$IT_DIR/memcached.conf" <<EOF
# memharden live test: a unix socket only
-m 64
-u $user
-s /run/memcached/live.sock
-U 0
EOF
# memcached binds it after dropping to USER, as Debian's /run/memcached is.
install -d -o "$user" -m 0755 /run/memcached
mc_start -- -s /run/memcached/live.sock
for ((i = 0; i < 50; i++)); do
        [ -S /run/memcached/live.sock ] && break
        sleep 0.1
done
[ -S /run/memcached/live.sock ] || { cat "$IT_DIR/memcached.log"; fail "memcached did not create its unix socket"; }
check_json
echo "check exit status: $RC"
[ "$RC" = 0 ] || { jq . "$J"; fail "check exited $RC for a daemon on a unix socket only, expected 0"; }
expect_our_daemon
expect '.services[0].live_hardened and .services[0].unix_socket and .services[0].listeners == []' \
        "a daemon on a unix socket only is not reported hardened"

echo
echo "PASS: exposed daemon reported (live-differs), hardened daemon compliant, unseen sockets not hardened (live-unverified), unix socket only compliant"
