# Sourced by the oracle's self test and tests/cli/lib.sh: the ways a service
# manager hands /etc/sysconfig/memcached to memcached, each ending in
# mcargs's view of the listeners (tests/oracle/mcargs.c --listeners):
#   systemd: EnvironmentFile= and the RHEL unit's ExecStart (mcargs --systemd);
#   SysV: the init script sources the file with /bin/sh and runs
#         memcached ... $OPTIONS unquoted (field splitting and globbing);
#   OpenRC: /etc/conf.d/memcached[.NAME] and Alpine's or Gentoo's init
#         script (openrc_argv, openrc_listeners, below).
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

# ---- OpenRC: /etc/conf.d/memcached and the Alpine and Gentoo init scripts ----
# openrc-run (openrc's sh/openrc-run.sh) sources, each only if it exists and
# exiting if sourcing fails (its last command's status counts): /etc/rc.conf,
# /etc/rc.conf.d/*.conf; for a dotted name such as memcached.NAME
# conf.d/memcached.$RC_RUNLEVEL or else conf.d/memcached; then
# conf.d/$RC_SVCNAME.$RC_RUNLEVEL or else conf.d/$RC_SVCNAME. Then the init
# script, whose top level sources /etc/conf.d/memcached.NAME a second time
# and sets PIDFILE, and whose start() builds the command line from unquoted
# expansions (field splitting and globbing). This reproduces the readers,
# it is no copy of them. Run by a real shell ($OPENRC_SH, default /bin/sh;
# Alpine's is busybox ash; words, such as "busybox sh") in a clean environment, in an empty directory
# (globs match nothing there; on a live system they would match in start()'s
# working directory), on copies of the root's files (symlinks followed
# inside the root). The runlevel is $OPENRC_RUNLEVEL (default "default").
openrc_program='
readonly _mc_d="$1" _mc_flavor="$3"
RC_SVCNAME=$2 SVCNAME=$2 RC_RUNLEVEL=$4
export RC_SVCNAME SVCNAME RC_RUNLEVEL
ebegin() { :; }; einfo() { :; }; ewarn() { :; }; eend() { :; }; veinfo() { :; }; vewarn() { :; }
eerror() { printf "%s\n" "$*" >&2; }
yesno() { case "$1" in [Yy][Ee][Ss]|[Tt][Rr][Uu][Ee]|[Oo][Nn]|1) return 0 ;; esac; return 1; }
_mc_source() { [ -e "$1" ] || return 1; . "$1" || { eerror "error loading $1"; exit 3; }; }
_mc_source "$_mc_d/etc/rc.conf"
if [ -d "$_mc_d/etc/rc.conf.d" ]; then
        for _f in "$_mc_d"/etc/rc.conf.d/*.conf; do _mc_source "$_f"; done
fi
_c=${RC_SVCNAME%%.*}
if [ -n "$_c" ] && [ "$_c" != "$RC_SVCNAME" ]; then
        _mc_source "$_mc_d/etc/conf.d/$_c.$RC_RUNLEVEL" || _mc_source "$_mc_d/etc/conf.d/$_c"
fi
unset _c
_mc_source "$_mc_d/etc/conf.d/$RC_SVCNAME.$RC_RUNLEVEL" || _mc_source "$_mc_d/etc/conf.d/$RC_SVCNAME"
# The init script: CONF is what follows the first dot ("memcached" alone
# means none); an instance has its own PIDFILE and its file sourced again.
CONF=${SVCNAME#*.}
CONFBASE=$_mc_d/etc/conf.d/memcached
if [ "$_mc_flavor" = alpine ]; then
        [ -n "${PIDBASE}" ] || PIDBASE=/var/run/memcached/memcached
        [ "$CONF" != memcached ] || CONF=
        if [ -n "$CONF" ]; then
                PIDFILE=${PIDBASE}-${PORT}.${CONF}.pid
                [ ! -f "$CONFBASE.$CONF" ] || . "$CONFBASE.$CONF"
        else
                PIDFILE=${PIDBASE}-${PORT}.pid
        fi
        c_LISTENON=
        [ -z "$LISTENON" ] || c_LISTENON="-l ${LISTENON}"
        set -- "$MEMCACHED_BINARY" -d -p ${PORT} -U ${UDPPORT} ${c_LISTENON} -m ${MEMUSAGE} \
                -c ${MAXCONN} -u ${MEMCACHED_RUNAS} -P "${PIDFILE}" ${MISC_OPTS}
else
        [ -n "${PIDBASE}" ] || PIDBASE=/run/memcached/memcached
        [ "$CONF" != memcached ] || CONF=
        if [ -n "$CONF" ]; then
                PIDFILE=${PIDBASE}.${CONF}.pid
                [ ! -f "$CONFBASE.$CONF" ] || . "$CONFBASE.$CONF"
        else
                PIDFILE=${PIDBASE}.pid
        fi
        if [ -n "$SOCKET" ]; then
                CONNECTION="-s ${SOCKET}"
                [ -z "$SOCKET_MASK" ] || CONNECTION="${CONNECTION} -a ${SOCKET_MASK}"
        else
                CONNECTION="-p ${PORT} -U ${UDPPORT}"
                [ -z "$LISTENON" ] || CONNECTION="${CONNECTION} -l ${LISTENON}"
        fi
        set -- "$MEMCACHED_BINARY" -d ${CONNECTION} -m ${MEMUSAGE} \
                -c ${MAXCONN} -u ${MEMCACHED_RUNAS} -P "${PIDFILE}" ${MISC_OPTS}
fi
for _w; do printf "<%s>\n" "$_w"; done
'

# openrc_argv ROOT SVCNAME FLAVOR: the words memcached gets (first the
# binary) from service SVCNAME (memcached or memcached.NAME) of the image at
# ROOT, FLAVOR alpine or gentoo, one per line as <word>.
openrc_argv() {
        local root=$1 svc=$2 flavor=$3 d rel f rc=0
        case "$flavor" in alpine | gentoo) ;; *) echo "openrc_argv: flavor alpine or gentoo" >&2; return 2 ;; esac
        d=$(mktemp -d /tmp/mcargs-openrc.XXXXXX)
        mkdir -p "$d/etc/conf.d" "$d/cwd"
        for f in "$root"/etc/rc.conf "$root"/etc/rc.conf.d "$root"/etc/rc.conf.d/*.conf "$root"/etc/conf.d/*; do
                [ -e "$f" ] || [ -L "$f" ] || continue
                f=${f#"$root"}
                rel=$("$MCARGS" --resolve "$root" "$f") || continue
                if [ -d "$root$rel" ]; then
                        mkdir -p "$d$f"
                elif [ -f "$root$rel" ]; then
                        cp "$root$rel" "$d$f"
                fi
        done
        (cd "$d/cwd" && env -i PATH=/usr/bin:/bin ${OPENRC_SH:-/bin/sh} -c "$openrc_program" openrc-run \
                "$d" "$svc" "$flavor" "${OPENRC_RUNLEVEL:-default}") || rc=$?
        rm -rf "$d"
        return "$rc"
}

# openrc_listeners ROOT SVCNAME FLAVOR [--mc V]: the OpenRC reading's listeners.
openrc_listeners() { openrc_argv "$1" "$2" "$3" | words_to_listeners "${@:4}"; }
