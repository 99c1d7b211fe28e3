#!/bin/bash
# Every listener form memcached 1.6.18 (Debian 12's) accepts, proved on the
# real daemon against the oracle (tests/oracle/mcargs.c --listeners): for each
# argument list memcached starts on loopback ports in a private network, mount
# and PID namespace; its TCP listeners and UDP sockets (ss) and `stats
# settings`'s "inter" must be exactly what the oracle says. Where the oracle
# says memcached refuses the list, memcached must exit non-zero. A private
# address (10.200.0.5) lives on that namespace's own loopback, "*" and "0" bind
# every interface of that namespace only. Nothing leaves it.
. "$(dirname "$0")/lib.sh"
: "${MCARGS:?set MCARGS to the mcargs oracle}"
. "$HERE/../oracle/readings.sh"

if [ "${1:-}" != --inner ]; then
        command -v unshare >/dev/null || skip "unshare is not installed"
        command -v ip >/dev/null || skip "iproute2 is not installed"
        command -v ss >/dev/null || skip "ss (iproute2) is not installed"
        unshare --mount --net --pid --fork true 2>/dev/null || skip "unshare of mount, network and PID namespaces is not permitted here"
        rc=0
        unshare --mount --net --pid --fork --kill-child --mount-proc "$BASH" "$0" --inner || rc=$?
        exit "$rc"
fi

# ---- inside the namespaces ----
mount --make-rprivate /
ip link set lo up
ip addr add 10.200.0.5/32 dev lo
V6=yes
ip -6 addr show dev lo 2>/dev/null | grep -q 'inet6 ::1/' || V6=
[ -n "$V6" ] || echo "skip: IPv6 forms: no ::1 in this network namespace"

VERSION=$(/usr/bin/memcached -V | awk '{ print $2 }')
echo "memcached $VERSION"
user=memcache
id -u "$user" >/dev/null 2>&1 || user=nobody
P=21211 Q=21212 U=21213

TLS=
if command -v openssl >/dev/null; then
        openssl req -x509 -newkey rsa:2048 -nodes -keyout "$IT_DIR/key.pem" -out "$IT_DIR/cert.pem" -days 1 \
                -subj /CN=memharden-test >/dev/null 2>&1 && chmod 0644 "$IT_DIR/key.pem" &&
                TLS="-Z -o ssl_chain_cert=$IT_DIR/cert.pem,ssl_key=$IT_DIR/key.pem"
fi
[ -n "$TLS" ] || echo "skip: -Z cases: no openssl to make a certificate"

on_exit mc_stop

# The sockets of this namespace, as "tcp H:P" / "udp H:P"; a port that is
# none of the case's is an ephemeral one, written 0 as the oracle does.
observed() {
        { ss -Hlnt | awk '{ print "tcp " $4 }'; ss -Hlnu | awk '{ print "udp " $4 }'; } |
                sed -E "s/:([0-9]+)\$/ \\1/" | while read -r kind host port; do
                case "$port" in $P | $Q | $U) ;; *) port=0 ;; esac
                echo "$kind $host:$port"
        done | sort -u
}

# The oracle's set with "*" as the sockets getaddrinfo() gives for it.
expected() {
        listener_set "$1" | while read -r kind addr; do
                if [ "${addr%:*}" = "*" ]; then
                        echo "$kind 0.0.0.0:${addr##*:}"
                        [ -z "$V6" ] || echo "$kind [::]:${addr##*:}"
                else
                        echo "$kind $addr"
                fi
        done | sort -u
}

# stats settings over a plain TCP listener (a notls one under -Z).
inter_of() {
        local addr=$1 host port line
        host=${addr%:*} port=${addr##*:}
        case "$host" in 0.0.0.0) host=127.0.0.1 ;; "[::]") host=::1 ;; \[*) host=${host#[} host=${host%]} ;; esac
        exec 3<>"/dev/tcp/$host/$port" || return 1
        printf 'stats settings\r\nquit\r\n' >&3
        line=$(timeout 5 cat <&3 | tr -d '\r' | awk '$2 == "inter" { print $3 }')
        exec 3<&-
        echo "$line"
}

PASSED=0 FAILED=0
bad() { echo "FAIL: $CASE: $*" >&2; FAILED=$((FAILED + 1)); }

# run_case ARGS...: @P@ @Q@ @U@ are the case's ports; -p @P@ comes first.
run_case() {
        local args=() a want refusal exp obs i rc inter plain=
        for a in -p "$P" "$@"; do
                a=${a//@P@/$P} a=${a//@Q@/$Q} a=${a//@U@/$U}
                args+=("$a")
        done
        CASE="memcached ${args[*]}"
        want=$("$MCARGS" --listeners --mc "$VERSION" -- "${args[@]}")
        refusal=$(sed -n 's/^refused: //p' <<<"$want")
        mc_stop
        /usr/bin/memcached -u "$user" -m 16 "${args[@]}" </dev/null >"$IT_DIR/mc.log" 2>&1 &
        MC_PID=$!
        if [ -n "$refusal" ]; then
                for ((i = 0; i < 50; i++)); do
                        kill -0 "$MC_PID" 2>/dev/null || break
                        sleep 0.1
                done
                rc=0
                if kill -0 "$MC_PID" 2>/dev/null; then
                        bad "the oracle says memcached refuses ($refusal), but it runs: $(observed | tr '\n' ' ')"
                        mc_stop
                        return 0
                fi
                wait "$MC_PID" || rc=$?
                MC_PID=
                if [ "$rc" = 0 ]; then
                        bad "memcached exited 0, the oracle says it refuses ($refusal)"
                else
                        echo "ok: $CASE: refused (exit $rc; oracle: $refusal; memcached: $(head -1 "$IT_DIR/mc.log"))"
                        PASSED=$((PASSED + 1))
                fi
                return 0
        fi
        exp=$(expected "$want")
        for ((i = 0; i < 50; i++)); do
                obs=$(observed)
                [ "$obs" != "$exp" ] || break
                kill -0 "$MC_PID" 2>/dev/null || break
                sleep 0.1
        done
        if ! kill -0 "$MC_PID" 2>/dev/null; then
                bad "memcached exited: $(cat "$IT_DIR/mc.log"); the oracle said: $want"
                MC_PID=
                return 0
        fi
        if [ "$obs" != "$exp" ]; then
                bad "sockets $(tr '\n' ' ' <<<"$obs")differ from the oracle's $(tr '\n' ' ' <<<"$exp")"
                return 0
        fi
        # "inter" over a listener that speaks plain text.
        if [[ " ${args[*]} " != *" -Z "* ]]; then
                plain=$(listener_set "$want" | awk '$1 == "tcp" { print $2; exit }')
        else
                plain=$(tr ',;' '\n\n' <<<"${want#* inter=}" | sed -n 's/^notls://p' | head -1)
                [ -z "$plain" ] || plain=$("$MCARGS" --listeners -- -p "$P" -l "$plain" | sed 's/^tcp=//; s/ .*//')
        fi
        plain=${plain/#\*:/0.0.0.0:}
        if [ -n "$plain" ] && [ "${plain##*:}" != 0 ]; then
                inter=$(inter_of "$plain") || inter="(no reply on $plain)"
                if [ "inter=$inter" != "$(grep -o 'inter=.*' <<<"${want%%$'\n'*}")" ]; then
                        bad "stats settings says inter $inter, the oracle ${want#* inter=}"
                        return 0
                fi
        fi
        echo "ok: $CASE: $(tr '\n' ' ' <<<"$obs")inter=${inter:-?}"
        PASSED=$((PASSED + 1))
}

step "forms memcached $VERSION accepts"
run_case
run_case -l 127.0.0.1
run_case -l 127.0.0.2:@Q@
run_case -l 10.200.0.5,127.0.0.1:@Q@
run_case -l '*'
run_case -l 0
run_case -l 127.1
run_case -l '127.0.0.1;127.0.0.2:@Q@'
run_case -l '127.0.0.1,10.200.0.5;127.0.0.3'
run_case -l 'proto[ascii]:127.0.0.1:@Q@'
# stats goes to the first listener in sorted order: the negotiating one.
run_case -l 'proto[binary]:127.0.0.3,proto[negotiating]:127.0.0.2'
run_case -l 'tag[x]:127.0.0.1'
run_case -l 'tag[abcdefgh]:127.0.0.1:@Q@,127.0.0.2'
if [ -n "$V6" ]; then
        run_case -l '[::1]:@Q@'
        run_case -l ::1
        run_case -l '[::1]'
        run_case -l '[::1]:@Q@;127.0.0.1'
fi

step "the substring rule: a -l already contained in the list is ignored"
# 27.0.0.2 is no address of this namespace: binding it would fail.
run_case -l 127.0.0.2 -l 27.0.0.2
run_case -l 127.0.0.12 -l 127.0.0.1
run_case -l 127.0.0.1 -l 127.0.0.12
run_case -l 127.0.0.1,10.200.0.5 -l 10.200.0.5
run_case -l 127.0.0.1:@P@ -l 127.0.0.1

step "UDP: the last -U, on each listener's own port"
run_case -l 127.0.0.1 -U @U@
run_case -U 0 -U @U@ -l 127.0.0.1
run_case -U @U@ -U 0 -l 127.0.0.1
run_case -U @U@ -l 127.0.0.1:@Q@
run_case -U -1 -l 127.0.0.1
run_case -U @U@

step "forms memcached $VERSION refuses"
run_case -l 127.0.0.1,127.0.0.1
run_case -l '*,127.0.0.1'
run_case -l 127.0.0.1:@P@,127.0.0.1
run_case -l notls:127.0.0.1:@Q@
run_case -l btls:127.0.0.1:@Q@
run_case -l mtls:127.0.0.1:@Q@
run_case -l 'proto[proxy]:127.0.0.1'
run_case -l 'tag[123456789]:127.0.0.1'
run_case -l 'tag_x_:127.0.0.1'
run_case -l '127.0.0.1:x'
run_case -l '[::1'

if [ -n "$TLS" ]; then
        step "TLS (-Z): notls listeners"
        # shellcheck disable=SC2086
        run_case $TLS -l 127.0.0.1,notls:127.0.0.2:@Q@
        # shellcheck disable=SC2086
        run_case $TLS -l 'notls:0.0.0.0:@Q@,127.0.0.1'
        # TripleO's shape: a plain and a notls listener on one address and port.
        # shellcheck disable=SC2086
        run_case $TLS -l 127.0.0.1,10.200.0.5,notls:10.200.0.5:@P@,notls:127.0.0.1:@P@ -U 0
        # shellcheck disable=SC2086
        run_case $TLS -l btls:127.0.0.1:@Q@
fi

echo
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ] || fail "$FAILED case(s) differ from the oracle"
echo "PASS: memcached $VERSION binds exactly what the oracle says for every form"
