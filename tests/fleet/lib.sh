# The fleet test bed (sourced): several hosts booted at once in this
# machine's namespaces, each on its own throwaway overlay of /, built from
# the service tests' pieces (tests/integration/lib.sh). lib.sh keeps one
# machine in globals; here each host's root and leader PID are kept by
# name, and the globals are set around each call into lib.sh.
#
# A host's leader PID is what Ansible's community.docker.nsenter connection
# enters (nsenter --ipc --mount --net --pid --uts --target PID). Entering a
# mount namespace puts a process at that namespace's root, so every host
# must have its overlay as the root of its mount namespace: systemd-nspawn
# does that, and the SysV host pivots into it (sysv-leader.sh); a plain
# chroot would leave Ansible on this machine's /.
. "$(dirname "${BASH_SOURCE[0]}")/../integration/lib.sh"

FLEET_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
FLEET_DIR=$IT_DIR
declare -A HOST_ROOT=() HOST_PID=() HOST_KIND=() HOST_FAMILY=()
HOSTS=()

# fleet_overlay NAME KIND: a fresh overlay for host NAME (KIND: systemd or
# sysv), with memharden and the probes at $T as the service tests have them.
# Leaves IT_DIR and ROOTFS on the host, for lib.sh's write_* functions.
fleet_overlay() {
        local name=$1
        IT_DIR=$FLEET_DIR/$name
        mkdir -p "$IT_DIR"
        overlay_up
        HOST_ROOT[$name]=$ROOTFS
        HOST_KIND[$name]=$2
        HOSTS+=("$name")
}

# fleet_boot NAME: boot host NAME's overlay: systemd under systemd-nspawn,
# or memcached's SysV script under sysv-leader.sh. Sets HOST_PID[NAME].
fleet_boot() {
        local name=$1
        IT_DIR=$FLEET_DIR/$name ROOTFS=${HOST_ROOT[$name]}
        if [ "${HOST_KIND[$name]}" = systemd ]; then
                NSPAWN_PID= PID1=
                machine_boot
                HOST_PID[$name]=$PID1
                # machine_stop stops the machine in the globals; this host's
                # own stop is registered with its PIDs, and the globals freed.
                on_exit "NSPAWN_PID=$NSPAWN_PID PID1=$PID1 machine_stop"
                NSPAWN_PID= PID1=
        else
                command -v unshare >/dev/null || skip "unshare is not installed"
                [ -x /etc/init.d/memcached ] || skip "memcached's init script is not installed"
                # PID namespace: everything started inside dies with the leader.
                unshare --mount --net --pid --uts --ipc --fork --kill-child \
                        /bin/bash "$FLEET_HERE/sysv-leader.sh" "$ROOTFS" >"$IT_DIR/leader.log" 2>&1 </dev/null &
                local unshare_pid=$! i p
                # unshare --fork ignores SIGTERM while it waits for its child;
                # SIGKILL takes it and, through --kill-child, the namespace.
                on_exit "kill -KILL $unshare_pid 2>/dev/null; wait $unshare_pid 2>/dev/null"
                for ((i = 0; i < 200; i++)); do
                        [ -e "$ROOTFS/.fleet-ready" ] && break
                        kill -0 "$unshare_pid" 2>/dev/null || { cat "$IT_DIR/leader.log"; fail "the SysV host did not start"; }
                        sleep 0.1
                done
                [ -e "$ROOTFS/.fleet-ready" ] || { cat "$IT_DIR/leader.log"; fail "the SysV host is not ready"; }
                for p in /proc/[0-9]*; do
                        [ "$(awk '/^PPid:/ { print $2 }' "$p/status" 2>/dev/null)" = "$unshare_pid" ] && HOST_PID[$name]=${p#/proc/}
                done
                [ -n "${HOST_PID[$name]:-}" ] || fail "no leader under unshare for $name"
                echo "SysV host $name up, leader PID ${HOST_PID[$name]}"
        fi
        IT_DIR=$FLEET_DIR
}

# in_host NAME CMD...: runs CMD inside host NAME (all its namespaces).
in_host() {
        local name=$1
        shift
        PID1=${HOST_PID[$name]} in_machine "$@"
}

# host_wait_tcp NAME: until memcached answers a TCP set/get on host NAME.
host_wait_tcp() { PID1=${HOST_PID[$1]} machine_wait_tcp; }

# host_udp NAME: the UDP stats reply of memcached on host NAME (fails when
# there is none).
host_udp() { in_host "$1" "$T/mcprobe" udp-stats "$PORT"; }

# host_start_exposed NAME: memcached (re)started on its exposed config and
# answering UDP; the reply is printed.
host_start_exposed() {
        if [ "${HOST_KIND[$1]}" = systemd ]; then
                in_host "$1" systemctl restart memcached.service
        else
                in_host "$1" /etc/init.d/memcached restart >/dev/null
        fi
        host_wait_tcp "$1"
        host_udp "$1" || fail "no UDP reply from the exposed memcached on $1"
}

# fleet_sums: one line per file under every host's /etc and backups (path
# and sha256), to prove a run changed nothing.
fleet_sums() {
        local name dirs
        for name in "${HOSTS[@]}"; do
                dirs=(etc)
                [ ! -d "${HOST_ROOT[$name]}/var/backups/memharden" ] || dirs+=(var/backups/memharden)
                (cd "${HOST_ROOT[$name]}" && find "${dirs[@]}" -xdev -type f -print0 |
                        sort -z | xargs -0 -r sha256sum | sed "s|^|$name |")
        done
}

# fleet_inventory FILE [GROUP...]: the Ansible inventory of the hosts, by
# leader PID, with memharden and its lenses where overlay_up put them.
fleet_inventory() {
        local file=$1 name
        {
                echo "[fleet]"
                for name in "${HOSTS[@]}"; do
                        echo "$name ansible_nsenter_pid=${HOST_PID[$name]} kind=${HOST_KIND[$name]}" \
                                "kind_family=${HOST_FAMILY[$name]:-debian}"
                done
                echo
                echo "[fleet:vars]"
                echo "ansible_connection=community.docker.nsenter"
                echo "ansible_python_interpreter=/usr/bin/python3"
                echo "memharden_it=$T"
        } >"$file"
}

# fleet_ansible_env: Ansible's settings for a test: the collection from
# this tree, state and temp files in FLEET_DIR, no retry files, no cows.
fleet_ansible_env() {
        export ANSIBLE_COLLECTIONS_PATH=$FLEET_HERE/../../packaging/ansible:/usr/lib/python3/dist-packages
        export ANSIBLE_HOME=$FLEET_DIR/ansible-home
        export ANSIBLE_LOCAL_TEMP=$FLEET_DIR/ansible-tmp
        export ANSIBLE_REMOTE_TEMP=/tmp/.ansible-fleet
        export ANSIBLE_RETRY_FILES_ENABLED=false ANSIBLE_NOCOWS=1 ANSIBLE_FORCE_COLOR=0 ANSIBLE_NOCOLOR=1
        export ANSIBLE_HOST_KEY_CHECKING=false ANSIBLE_GATHERING=explicit ANSIBLE_FORKS=5
        export ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3
        export PATH=/usr/bin:/usr/sbin:/bin:/sbin:$PATH
        command -v ansible-playbook >/dev/null || skip "ansible-playbook is not installed (ansible-core)"
        /usr/bin/python3 -c 'import ansible_collections.community.docker' 2>/dev/null ||
                skip "community.docker is not installed (Debian's ansible bundle)"
}
