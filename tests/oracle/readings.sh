# Sourced by the oracle's self test and tests/cli/lib.sh: the ways a service
# manager hands /etc/sysconfig/memcached to memcached, each ending in
# mcargs's view of the listeners (tests/oracle/mcargs.c --listeners):
#   systemd: EnvironmentFile= and the RHEL unit's ExecStart (mcargs --systemd);
#   SysV: the init script sources the file with /bin/sh and runs
#         memcached ... $OPTIONS unquoted (field splitting and globbing).
# Needs MCARGS; the shell reading runs the real /bin/sh on a copy of the file,
# in an empty directory and a clean environment, so it reads nothing else.

# sh_argv FILE: the words /bin/sh passes after sourcing FILE, one per line
# as <word>, from `memcached -p $PORT -u $USER -m $CACHESIZE -c $MAXCONN $OPTIONS`.
sh_argv() {
        local d rc=0
        d=$(mktemp -d /tmp/mcargs-sh.XXXXXX)
        cp "$1" "$d/sysconfig"
        mkdir "$d/cwd"
        (cd "$d/cwd" && env -i PATH=/usr/bin:/bin /bin/sh -c '. ../sysconfig || exit 3
                for w in /usr/bin/memcached -p $PORT -u $USER -m $CACHESIZE -c $MAXCONN $OPTIONS; do
                        printf "<%s>\n" "$w"
                done') || rc=$?
        rm -rf "$d"
        return "$rc"
}

# words_to_listeners [--mc V]: stdin's <word> lines (the first is the
# program) to mcargs --listeners.
words_to_listeners() {
        local w args=()
        while IFS= read -r w; do
                w=${w#<}
                args+=("${w%>}")
        done
        "$MCARGS" --listeners "$@" -- "${args[@]:1}"
}

# sh_listeners FILE [--mc V]: the SysV reading's listeners.
sh_listeners() {
        local f=$1
        shift
        sh_argv "$f" | words_to_listeners "$@"
}

# systemd_listeners FILE [--mc V]: the systemd reading's listeners.
systemd_listeners() { "$MCARGS" --systemd "${@:2}" "$1"; }

# listener_set LINE: "tcp=A,B udp=C" as sorted lines "tcp A", "udp C".
listener_set() {
        local line=${1%%$'\n'*} tcp udp x
        tcp=${line#tcp=}; tcp=${tcp%% *}
        udp=${line#* udp=}; udp=${udp%% *}
        {
                [ "$tcp" = none ] || for x in ${tcp//,/ }; do echo "tcp $x"; done
                [ "$udp" = off ] || for x in ${udp//,/ }; do echo "udp $x"; done
        } | sort -u
}

# safe_host HOST: loopback (127/8, [::1], localhost) or a specific private
# address (10/8, 172.16/12, 192.168/16, fc00::/7), as the oracle prints hosts.
safe_host() {
        local a b c d
        case "$1" in
        localhost | '[::1]') return 0 ;;
        \[f[cd]*\]) return 0 ;;
        esac
        IFS=. read -r a b c d <<<"$1"
        [[ "$1" =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ ]] || return 1
        [ "$a" = 127 ] || [ "$a" = 10 ] || { [ "$a" = 172 ] && [ "$b" -ge 16 ] && [ "$b" -le 31 ]; } ||
                { [ "$a" = 192 ] && [ "$b" = 168 ]; }
}

# unsafe LINE: every listener of LINE that exposes memcached, one per line:
# any UDP socket, and TCP on a wildcard, public address or host name.
unsafe() {
        local kind addr
        listener_set "$1" | while read -r kind addr; do
                if [ "$kind" = udp ] || ! safe_host "${addr%:*}"; then
                        echo "$kind $addr"
                fi
        done
}

# safe_tcp LINE: LINE's TCP listeners on loopback or private addresses.
safe_tcp() {
        local kind addr
        listener_set "$1" | while read -r kind addr; do
                if [ "$kind" = tcp ] && safe_host "${addr%:*}"; then
                        echo "$kind $addr"
                fi
        done
}

# refused LINE: memcached would exit instead of listening.
refused() { grep -q '^refused: ' <<<"$1"; }
