#!/bin/bash
# memharden probe: its refusals, and its figures against the oracle's probe
# (tests/integration/mcprobe) on a real memcached, in a network and mount
# namespace of this test's own: loopback and a veth pair there, and a
# fixture's memcached.conf bound over /etc/memcached.conf for the default
# targets. No packet leaves the namespace.
. "$(dirname "$0")/lib.sh"
: "${MCPROBE:?set by ctest}"

# expect_message_like TEXT: one message on stderr, holding TEXT
expect_message_like() {
        [ "$(grep -c . <<<"$ERR")" = 1 ] || { fail "not one message"; return 1; }
        expect_err "$1"
}

refusals() {

# ---- refusals: no traffic at all ----
test_begin "a target that is not an address literal, exit 2"
run probe foo
{ expect_rc 2 && expect_message_like "cannot probe 'foo': not an address literal; give an address of this host"; } && ok

test_begin "an address that is not this host's is refused, exit 2: a self-test, not a scanner"
for a in 192.0.2.1 192.0.2.1:11211 '[2001:db8::1]:11211' 8.8.8.8; do
        run probe "$a"
        { expect_rc 2 && expect_message_like "cannot probe '$a': not an address of this host" || break; }
done && { run probe --json 192.0.2.1; expect_rc 2 &&
        jq -e '.error.exit_code == 2 and (.error.message | contains("not an address of this host"))' <<<"$OUT" >/dev/null ||
        fail "JSON error"; } && ok

test_begin "bad ports and forms, exit 2; probe takes no --root"
for a in 127.0.0.1:0 127.0.0.1:65536 127.0.0.1:x 'notls:127.0.0.1' '127.0.0.1,::1' '[::1'; do
        run probe "$a"
        { expect_rc 2 || fail "'$a'"; } || break
done && { run probe --root /tmp; expect_rc 2; } && ok

}

# ---- a real memcached, in namespaces of our own ----
if [ "${1:-}" != --inner ]; then
        refusals
        if ! command -v unshare >/dev/null || ! command -v memcached >/dev/null || ! command -v ip >/dev/null; then
                echo "skip: probe against a real memcached: needs unshare, ip (iproute2) and memcached"
        elif ! unshare --net --mount -- "$BASH" "$0" --inner; then
                FAILED=$((FAILED + 1))
        fi
        finish
        exit
fi
# From here on, in the namespaces: its own loopback and a veth pair.
ip link set lo up
ip link add mh0 type veth peer name mh1 && ip addr add 10.77.0.1/24 dev mh0 && ip link set mh0 up && ip link set mh1 up ||
        { echo "FAIL: no veth pair in the namespace" >&2; exit 1; }
PORT=11411
CONF=$TMP/memcached.conf
sed "s/^-p 11211$/-p $PORT/" "$FIXTURES/debian-hardened/etc/memcached.conf" >"$CONF"
[ -e /etc/memcached.conf ] || { echo "skip: probe's default targets: no /etc/memcached.conf to bind the fixture over"; exit 0; }
mount --make-rprivate / && mount --bind "$CONF" /etc/memcached.conf
MC_PID=
start_mc() {
        memcached -u nobody "$@" & MC_PID=$!
        for _ in $(seq 50); do "$MCPROBE" tcp-setget "$PORT" >/dev/null 2>&1 && return 0; sleep 0.1; done
        fail "memcached $* did not come up"
}
stop_mc() { [ -z "$MC_PID" ] || { kill "$MC_PID"; wait "$MC_PID" 2>/dev/null; MC_PID=; }; }
trap 'stop_mc; rm -rf "$TMP"' EXIT

test_begin "an exposed memcached: the reply the oracle sees, the factor, TCP's version; exit 1"
start_mc -l 0.0.0.0 -p "$PORT" -U "$PORT"
oracle=$("$MCPROBE" udp-stats "$PORT")
oracle_bytes=$(sed -n 's/.*reply \([0-9]*\) bytes.*/\1/p' <<<"$oracle")
version=$(memcached -V | awk '{ print $2 }')
run probe --json "127.0.0.1:$PORT"
{ expect_rc 1 && jq -e --argjson o "$oracle_bytes" --arg v "$version" '.probes | length == 1 and (.[0] |
        .address == "127.0.0.1" and .request_bytes == 15 and .reply_bytes > $o - 40 and .reply_bytes < $o + 40 and
        .datagrams >= 1 and (.factor - .reply_bytes / 15 | fabs) < 0.06 and .tcp and .version == $v)' <<<"$OUT" >/dev/null ||
        fail "not the oracle's reply ($oracle)"; } &&
echo "  oracle: $oracle; memharden: $(jq -c '.probes[0]' <<<"$OUT" 2>/dev/null)"
{ run probe "127.0.0.1:$PORT"; expect_rc 1 && expect_out "127.0.0.1:$PORT: UDP " && expect_out "TCP: version $version"; } && ok

test_begin "the default targets: the config's port, the live daemon's wildcard socket on every address, loopback"
run probe --json
{ expect_rc 1 &&
  jq -e --arg p "$PORT" '[.probes[] | "\(.address):\(.port)"] as $t |
        ($t | index("127.0.0.1:" + $p)) and ($t | index("::1:" + $p)) and ($t | index("10.77.0.1:" + $p)) and
        ($t | index("127.0.0.1:11211") | not)' <<<"$OUT" >/dev/null ||
        fail "targets: $(jq -c '[.probes[] | "\(.address):\(.port)"]' <<<"$OUT")"; } &&
{ run probe 10.77.0.1:$PORT; expect_rc 1 && expect_out "10.77.0.1:$PORT: UDP "; } &&
{ run probe 10.77.0.2:$PORT; expect_rc 2 && expect_message_like "not an address of this host"; } && ok

test_begin "UDP off: no reply (the port is refused at once), TCP still answers; exit 0"
stop_mc
start_mc -l 127.0.0.1 -p "$PORT" -U 0
"$MCPROBE" udp-stats "$PORT" >/dev/null && fail "the oracle got a UDP reply with -U 0"
t0=$EPOCHREALTIME
run probe --json "127.0.0.1:$PORT"
took=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%d", (b - a) * 1000 }')
{ expect_rc 0 && jq -e '.probes[0] | .reply_bytes == 0 and .datagrams == 0 and .factor == 0 and .tcp' <<<"$OUT" >/dev/null ||
        fail "probe with UDP off"; } && ok
echo "  probe with UDP off took $took ms"
stop_mc

test_begin "nothing listening: no reply and no TCP answer; exit 0"
run probe "127.0.0.1:$PORT" "[::1]:$PORT"
{ expect_rc 0 && expect_out "127.0.0.1:$PORT: UDP no reply; TCP: no answer" &&
  expect_out "[::1]:$PORT: UDP no reply; TCP: no answer"; } && ok

finish
