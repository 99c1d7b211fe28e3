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
