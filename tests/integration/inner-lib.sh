# Shared by the bodies of the chroot tests (sysv-inner.sh, openrc-inner.sh),
# sourced inside the chroot, where overlay_up (lib.sh) put it beside them.
# Each runs as PID 1 of fresh namespaces; nothing here can reach the host's
# network or processes.
set -euo pipefail
T=/usr/local/lib/memharden-it
PORT=11211
export PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C MEMHARDEN_LENS_DIR=$T/lenses

fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo; echo "== $*"; }
trap 'echo "FAIL: ${0##*/} line $LINENO: $BASH_COMMAND" >&2' ERR
count_entries() {
        if [ -d "$1" ]; then
                find "$1" -mindepth 1 -maxdepth 1 | wc -l
        else
                echo 0
        fi
}

# wait_tcp [PORT]: until memcached answers a set/get on 127.0.0.1:PORT.
wait_tcp() {
        local port=${1:-$PORT} i
        for ((i = 0; i < 100; i++)); do
                "$T/mcprobe" tcp-setget "$port" >/dev/null 2>&1 && return 0
                sleep 0.1
        done
        fail "memcached does not answer on 127.0.0.1:$port"
}

running_pids() {
        local p
        for p in /proc/[0-9]*; do
                [ "$(cat "$p/comm" 2>/dev/null)" = memcached ] && echo "${p#/proc/}"
        done
        return 0
}

# expect_applied NAME PID0 PID1 BACKUPS0 BEFORE: after a hardening apply
# (APPLY_RC) that restarted memcached from PID0 to PID1: exit 0, a new
# process, no UDP reply, TCP set/get on 127.0.0.1, a new backup with its
# manifest; the RESULT lines (NAME's) with the UDP reply BEFORE and after.
expect_applied() {
        local name=$1 pid0=$2 pid1=$3 backups0=$4 before=$5 after
        [ "$APPLY_RC" = 0 ] || fail "apply exited $APPLY_RC"
        [ "$pid1" != "$pid0" ] || fail "memcached was not restarted (pid $pid0)"
        if after=$("$T/mcprobe" udp-stats "$PORT"); then
                fail "UDP still answers after apply: $after"
        fi
        "$T/mcprobe" tcp-setget "$PORT" || fail "TCP set/get on 127.0.0.1 broken after apply"
        [ "$(count_entries /var/backups/memharden)" -gt "$backups0" ] || fail "no new backup under /var/backups/memharden"
        ls /var/backups/memharden/*/manifest.json >/dev/null || fail "backup without manifest.json"
        echo "RESULT $name: before: $before"
        echo "RESULT $name: after:  $after"
        echo "RESULT $name: memcached pid $pid0 -> $pid1; $(cat /tmp/watch.out)"
}
