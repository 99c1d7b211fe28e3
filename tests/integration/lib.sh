# Shared by the integration tests (sourced). Each test works on a throwaway
# overlay of this machine's / and never touches the host's memcached or its
# files. Probes go to 127.0.0.1 inside a private network namespace only.
set -euo pipefail

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo; echo "== $*"; }

[ "$(id -u)" = 0 ] || skip "needs root (overlay mounts, namespaces)"
: "${MEMHARDEN:?set MEMHARDEN to the memharden binary}"
: "${MEMHARDEN_LENS_DIR:?set MEMHARDEN_LENS_DIR to the lens directory}"
: "${MCPROBE:?set MCPROBE to the mcprobe binary}"
[ -x /usr/bin/memcached ] || skip "memcached is not installed"

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# Where the tools live inside the overlay, whatever the build directory is.
T=/usr/local/lib/memharden-it
PORT=11211

# Clean-up actions, run in reverse order on any exit.
CLEANUPS=()
at_exit() {
        local rc=$? i
        set +e
        for ((i = ${#CLEANUPS[@]} - 1; i >= 0; i--)); do
                eval "${CLEANUPS[i]}"
        done
        exit $rc
}
trap at_exit EXIT
trap 'echo "FAIL: ${BASH_SOURCE[0]##*/} line $LINENO: $BASH_COMMAND" >&2' ERR
trap 'exit 130' INT TERM
on_exit() { CLEANUPS+=("$*"); }

IT_DIR=$(mktemp -d /tmp/memharden-it.XXXXXX)
on_exit "rm -rf '$IT_DIR'"

# ROOTFS: this machine's / with a writable, throwaway upper layer.
overlay_up() {
        grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null || true
        grep -qw overlay /proc/filesystems || skip "no overlayfs in this kernel"
        mkdir -p "$IT_DIR/upper" "$IT_DIR/work" "$IT_DIR/root"
        mount -t overlay overlay -o "lowerdir=/,upperdir=$IT_DIR/upper,workdir=$IT_DIR/work" "$IT_DIR/root" ||
                skip "cannot mount an overlay over / here"
        on_exit "umount '$IT_DIR/root' 2>/dev/null || umount -l '$IT_DIR/root'"
        ROOTFS=$IT_DIR/root

        mkdir -p "$ROOTFS$T"
        cp "$MEMHARDEN" "$ROOTFS$T/memharden"
        cp "$MCPROBE" "$ROOTFS$T/mcprobe"
        cp -r "$MEMHARDEN_LENS_DIR" "$ROOTFS$T/lenses"
        cp "$HERE/inner-lib.sh" "$ROOTFS$T/inner-lib.sh"
        # Nothing of the host's runtime state belongs in the copy.
        rm -f "$ROOTFS"/run/memcached*.pid "$ROOTFS"/var/run/memcached*.pid 2>/dev/null || true
        rm -rf "$ROOTFS/var/backups/memharden"
}

# Debian's memcached.conf, exposed: all addresses and UDP on.
write_exposed_debian_conf() {
        cat >"$ROOTFS/etc/memcached.conf" <<'EOF'
# memcached default config file (integration test copy: exposed)
-d
logfile /var/log/memcached.log
-m 64
-p 11211
-u memcache
-l 0.0.0.0
-U 11211
-P /var/run/memcached/memcached.pid
EOF
        cp "$ROOTFS/etc/memcached.conf" "$IT_DIR/exposed.conf"
}

# A RHEL-shaped system: Rocky 9's os-release, /etc/sysconfig/memcached
# exposed (OPTIONS="-l 0.0.0.0 -U 11211", kept in IT_DIR/exposed.sysconfig)
# and RHEL's memcached.service with EnvironmentFile= and $OPTIONS.
write_rhel_shape() {
        cat >"$ROOTFS/etc/os-release" <<'EOF2'
NAME="Rocky Linux"
VERSION="9.3 (Blue Onyx)"
ID="rocky"
ID_LIKE="rhel centos fedora"
VERSION_ID="9.3"
PLATFORM_ID="platform:el9"
PRETTY_NAME="Rocky Linux 9.3 (Blue Onyx)"
EOF2
        mkdir -p "$ROOTFS/etc/sysconfig"
        cat >"$ROOTFS/etc/sysconfig/memcached" <<'EOF2'
PORT="11211"
USER="memcache"
MAXCONN="1024"
CACHESIZE="64"
OPTIONS="-l 0.0.0.0 -U 11211"
EOF2
        cp "$ROOTFS/etc/sysconfig/memcached" "$IT_DIR/exposed.sysconfig"
        # As RHEL ships it (without its sandboxing lines, which change nothing here).
        cat >"$ROOTFS/etc/systemd/system/memcached.service" <<'EOF2'
[Unit]
Description=memcached daemon
Before=httpd.service
After=network.target

[Service]
EnvironmentFile=/etc/sysconfig/memcached
ExecStart=/usr/bin/memcached -p ${PORT} -u ${USER} -m ${CACHESIZE} -c ${MAXCONN} $OPTIONS

[Install]
WantedBy=multi-user.target
EOF2
}

# A drop-in that makes memcached.service refuse to start once the config
# has -U 0: the restart after a hardening fails, as a broken host's would.
write_fail_when_hardened_dropin() {
        mkdir -p "$ROOTFS/etc/systemd/system/memcached.service.d"
        cat >"$ROOTFS/etc/systemd/system/memcached.service.d/fail-when-hardened.conf" <<'UNIT'
# Test only: refuse to start once UDP is turned off in the config.
[Service]
ExecStartPre=/bin/sh -c "! grep -Eq -- '^-U[[:space:]]*0' /etc/memcached.conf"
UNIT
}

# Number of entries in a directory, 0 when it does not exist.
count_entries() {
        if [ -d "$1" ]; then
                find "$1" -mindepth 1 -maxdepth 1 | wc -l
        else
                echo 0
        fi
}

# ---- systemd-nspawn ----

NSPAWN_PID=
PID1=

machine_boot() {
        command -v systemd-nspawn >/dev/null || skip "systemd-nspawn is not installed (systemd-container)"
        command -v nsenter >/dev/null || skip "nsenter is not installed"
        [ -x "$ROOTFS/lib/systemd/systemd" ] || skip "systemd is not installed"
        # Boot faster: services the tests do not need stay off.
        local u
        for u in postgresql.service cron.service e2scrub_reap.service; do
                ln -sf /dev/null "$ROOTFS/etc/systemd/system/$u"
        done

        systemd-nspawn -D "$ROOTFS" --register=no --keep-unit --private-network -b \
                >"$IT_DIR/nspawn.log" 2>&1 </dev/null &
        NSPAWN_PID=$!
        on_exit machine_stop

        local i p ppid
        for ((i = 0; i < 200; i++)); do
                [ -z "$PID1" ] || break
                kill -0 "$NSPAWN_PID" 2>/dev/null || { cat "$IT_DIR/nspawn.log"; skip "systemd-nspawn cannot boot here"; }
                for p in /proc/[0-9]*; do
                        ppid=$(awk '/^PPid:/ { print $2 }' "$p/status" 2>/dev/null) || continue
                        if [ "$ppid" = "$NSPAWN_PID" ]; then
                                PID1=${p#/proc/}
                                break
                        fi
                done
                [ -n "$PID1" ] || sleep 0.1
        done
        [ -n "$PID1" ] || fail "no container init under systemd-nspawn"

        local state
        state=$(timeout 120 nsenter -t "$PID1" -a systemctl is-system-running --wait 2>/dev/null) || true
        case "$state" in
        running | degraded) echo "container booted ($state), PID 1 on the host is $PID1" ;;
        *)
                cat "$IT_DIR/nspawn.log"
                fail "container did not finish booting: '$state'"
                ;;
        esac
}

machine_stop() {
        [ -n "$NSPAWN_PID" ] || return 0
        if kill -0 "$NSPAWN_PID" 2>/dev/null; then
                if [ -n "$PID1" ]; then
                        timeout 10 nsenter -t "$PID1" -a systemctl poweroff --no-block >/dev/null 2>&1 || true
                else
                        kill -TERM "$NSPAWN_PID" 2>/dev/null || true
                fi
                local i
                for ((i = 0; i < 300; i++)); do
                        kill -0 "$NSPAWN_PID" 2>/dev/null || break
                        sleep 0.1
                done
                # nspawn is ours: stop it harder if the guest hangs.
                kill -TERM "$NSPAWN_PID" 2>/dev/null && sleep 2
                kill -KILL "$NSPAWN_PID" 2>/dev/null || true
        fi
        wait "$NSPAWN_PID" 2>/dev/null || true
        NSPAWN_PID=
}

# Runs a command inside the container with a clean environment.
in_machine() {
        nsenter -t "$PID1" -a env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C \
                MEMHARDEN_LENS_DIR="$T/lenses" "$@"
}

# Waits until memcached accepts TCP on 127.0.0.1:PORT inside the container.
machine_wait_tcp() {
        local i
        for ((i = 0; i < 100; i++)); do
                in_machine "$T/mcprobe" tcp-setget "$PORT" >/dev/null 2>&1 && return 0
                sleep 0.1
        done
        fail "memcached does not answer on 127.0.0.1:$PORT"
}

# The main PID of UNIT (memcached.service by default) inside the container.
main_pid() { in_machine systemctl show -p MainPID --value "${1:-memcached.service}"; }

# Restarts UNIT (memcached.service by default) on its exposed config and
# records the amplification (on UDP_PORT, else PORT) and the main PID
# before memharden runs: sets BEFORE and PID0.
machine_start_exposed() {
        local unit=${1:-memcached.service}
        in_machine systemctl restart "$unit"
        machine_wait_tcp
        BEFORE=$(in_machine "$T/mcprobe" udp-stats "${UDP_PORT:-$PORT}") || fail "no UDP reply from the exposed memcached"
        echo "before: $BEFORE"
        PID0=$(main_pid "$unit")
}

# memharden apply inside the container while a watcher measures how long
# TCP connects fail; sets APPLY_RC and prints the output and the outage.
machine_apply_watched() {
        local stop=$T/watch.stop
        rm -f "$ROOTFS$stop"
        in_machine "$T/mcprobe" watch "$PORT" "$stop" >"$IT_DIR/watch.out" 2>&1 &
        local watcher=$!
        sleep 0.2
        APPLY_RC=0
        in_machine "$T/memharden" apply "$@" >"$IT_DIR/apply.out" 2>&1 || APPLY_RC=$?
        sleep 0.3
        touch "$ROOTFS$stop"
        wait "$watcher" || true
        sed 's/^/  | /' "$IT_DIR/apply.out"
        echo "memharden apply exit status: $APPLY_RC"
        cat "$IT_DIR/watch.out"
}

# The memcached a test started in the background (MC_PID), stopped and
# waited for; MC_PIDFILE, when set, is removed with it.
MC_PID=
mc_stop() {
        [ -n "$MC_PID" ] || return 0
        kill "$MC_PID" 2>/dev/null || true
        wait "$MC_PID" 2>/dev/null || true
        MC_PID=
        [ -z "${MC_PIDFILE:-}" ] || rm -f "$MC_PIDFILE"
}
