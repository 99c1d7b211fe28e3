#!/bin/bash
# The firewall layer against real traffic. Two network namespaces of this
# test's own, A and B, joined by a veth pair (A 10.213.0.1/24 and
# 10.214.0.1/24, B 10.213.0.2/24 and 10.214.0.2/24); memcached runs in A
# only; B sends the traffic. memharden runs in A (ip netns exec), in a mount
# namespace of this test's own whose /etc (and the unit directory) are
# overlays with a throwaway upper layer, so what it persists never reaches
# this machine's files, and /run is a tmpfs, so the namespaces' mounts are
# gone with it. This machine's own network namespace is never touched.
#   1. memcached exposed (-l 0.0.0.0 -U 11211): from B the UDP stats reply
#      is amplified; the dry run prints the ruleset and changes nothing;
#      after 'memharden firewall' B gets no UDP reply, TCP from B still
#      works (no private listener: TCP is the bind layer's), UDP over A's
#      loopback is untouched; loading twice gives a byte-identical
#      'nft list table inet memharden'; the persisted file loaded alone in
#      a fresh namespace (as the unit does at boot) gives that table too;
#      --remove deletes table, file and link, and B gets UDP replies again.
#   2. memcached on a private address (-l 10.213.0.1,127.0.0.1): TCP from
#      10.213.0.0/24 (the interface's network) works, TCP from B's
#      10.214.0.2 is dropped, UDP from B gets nothing.
. "$(dirname "$0")/lib.sh"

if [ "${1:-}" != --inner ]; then
        command -v unshare >/dev/null || skip "unshare is not installed"
        command -v ip >/dev/null || skip "iproute2 is not installed"
        command -v nft >/dev/null || skip "nft is not installed (nftables)"
        command -v jq >/dev/null || skip "jq is not installed"
        [ -f /etc/memcached.conf ] || skip "/etc/memcached.conf is missing (the test puts its own over it)"
        ! compgen -G '/etc/memcached_*.conf' >/dev/null ||
                skip "the host has /etc/memcached_*.conf instance configs, which memharden would read too"
        unshare --mount true 2>/dev/null || skip "unshare of a mount namespace is not permitted here"
        unshare --net nft list ruleset >/dev/null 2>&1 || skip "nftables does not work in a network namespace here"
        grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null || true
        grep -qw overlay /proc/filesystems || skip "no overlayfs in this kernel"
        rc=0
        unshare --mount "$BASH" "$0" --inner || rc=$?
        exit "$rc"
fi

# ---- inside the private mount namespace ----
: "${MEMHARDEN_SYSTEMD_UNITDIR:?set by ctest}" "${MEMHARDEN_FIREWALL_UNIT:?set by ctest}"
mount --make-rprivate /

# overlay DIR: DIR with a throwaway upper layer in IT_DIR.
overlay() {
        local n=$RANDOM$RANDOM
        mkdir -p "$IT_DIR/ov-$n/upper" "$IT_DIR/ov-$n/work"
        mount -t overlay overlay -o "lowerdir=$1,upperdir=$IT_DIR/ov-$n/upper,workdir=$IT_DIR/ov-$n/work" "$1" ||
                skip "cannot mount an overlay over $1"
}
overlay /etc
unitdir=$MEMHARDEN_SYSTEMD_UNITDIR
while [ ! -d "$unitdir" ]; do unitdir=${unitdir%/*}; done
overlay "${unitdir:-/}"
mkdir -p "$MEMHARDEN_SYSTEMD_UNITDIR"
cp "$MEMHARDEN_FIREWALL_UNIT" "$MEMHARDEN_SYSTEMD_UNITDIR/"
mount -t tmpfs -o mode=0755,size=4m memharden-fw /run
mkdir -p /run/netns

A=mh-fw-a-$$ B=mh-fw-b-$$
FILE=/etc/memharden/firewall.nft
LINK=/etc/systemd/system/sysinit.target.wants/memharden-firewall.service
ip netns add "$A"
on_exit "ip netns delete '$A'"
ip netns add "$B"
on_exit "ip netns delete '$B'"
ip link add mhfw0 netns "$A" type veth peer name mhfw1 netns "$B"
ip -n "$A" link set lo up
ip -n "$B" link set lo up
ip -n "$A" addr add 10.213.0.1/24 dev mhfw0
ip -n "$A" addr add 10.214.0.1/24 dev mhfw0
ip -n "$B" addr add 10.213.0.2/24 dev mhfw1
ip -n "$B" addr add 10.214.0.2/24 dev mhfw1
ip -n "$A" link set mhfw0 up
ip -n "$B" link set mhfw1 up

in_a() { ip netns exec "$A" "$@"; }
in_b() { ip netns exec "$B" "$@"; }
# memharden in A, this test's lenses; OUT, ERR, RC.
mh() {
        RC=0
        in_a env MEMHARDEN_LENS_DIR="$MEMHARDEN_LENS_DIR" "$MEMHARDEN" "$@" >"$IT_DIR/mh.out" 2>"$IT_DIR/mh.err" || RC=$?
        OUT=$(cat "$IT_DIR/mh.out")
        ERR=$(cat "$IT_DIR/mh.err")
        sed 's/^/  | /' "$IT_DIR/mh.err"
}
table() { in_a nft list table inet memharden; }

user=memcache
id -u "$user" >/dev/null 2>&1 || user=nobody
on_exit mc_stop
# mc_start LISTEN UDP_PORT: memcached in A with -l LISTEN -U UDP_PORT, its
# config /etc/memcached.conf the same, once it answers over A's loopback.
mc_start() {
        mc_stop
        printf -- '# memharden firewall test\n-m 64\n-p 11211\n-u %s\n-l %s\n-U %s\n' "$user" "$1" "$2" >/etc/memcached.conf
        in_a /usr/bin/memcached -m 64 -p 11211 -u "$user" -l "$1" -U "$2" </dev/null >"$IT_DIR/memcached.log" 2>&1 &
        MC_PID=$!
        local i
        for ((i = 0; i < 100; i++)); do
                in_a "$MCPROBE" tcp-setget 11211 >/dev/null 2>&1 && return 0
                kill -0 "$MC_PID" 2>/dev/null || { cat "$IT_DIR/memcached.log"; fail "memcached exited"; }
                sleep 0.1
        done
        fail "memcached does not answer in $A"
}

step "1. exposed: memcached -l 0.0.0.0 -U 11211 in $A"
mc_start 0.0.0.0 11211
BEFORE=$(in_b "$MCPROBE" udp-stats 11211 10.213.0.1) || fail "no UDP reply from $B: memcached is not exposed, the case proves nothing"
echo "from $B before: $BEFORE"
in_b "$MCPROBE" tcp-setget 11211 10.213.0.1

step "1a. the dry run prints the ruleset and changes nothing"
in_a nft list ruleset >"$IT_DIR/ruleset.before"
mh firewall --dry-run --profile debian
[ "$RC" = 0 ] || fail "firewall --dry-run exited $RC"
grep -qF 'table inet memharden {' <<<"$OUT" && grep -qF $'\t\tudp dport 11211 drop' <<<"$OUT" ||
        fail "the dry run printed no ruleset: $OUT"
in_a nft list ruleset | cmp -s - "$IT_DIR/ruleset.before" || fail "the dry run changed the ruleset"
[ ! -e /etc/memharden ] || fail "the dry run wrote /etc/memharden"
echo "$OUT" >"$IT_DIR/dry-run.out"

step "1b. memharden firewall"
mh firewall --profile debian
[ "$RC" = 0 ] || fail "firewall exited $RC"
table >"$IT_DIR/table.1"
echo "nft list table inet memharden:"
sed 's/^/    /' "$IT_DIR/table.1"
cmp -s "$IT_DIR/table.1" "$IT_DIR/dry-run.out" || { diff "$IT_DIR/dry-run.out" "$IT_DIR/table.1"; fail "the kernel holds another table than the dry run showed"; }
[ "$OUT" = "$(cat "$IT_DIR/table.1")" ] || fail "the ruleset printed is not the one the kernel holds"
head -1 "$FILE" | grep -qxF '# memharden firewall: table inet memharden' || fail "$FILE is not memharden's"
[ "$(readlink "$LINK")" = "$MEMHARDEN_SYSTEMD_UNITDIR/memharden-firewall.service" ] || fail "the unit is not enabled: $(ls -l "$LINK" 2>&1)"
AFTER=$(in_b "$MCPROBE" udp-stats 11211 10.213.0.1) && fail "UDP still answers from $B: $AFTER"
echo "from $B after: $AFTER"
in_b "$MCPROBE" tcp-setget 11211 10.213.0.1 || fail "TCP from $B stopped working; memcached listens on 0.0.0.0, so the firewall leaves TCP to the bind layer"
LOOP=$(in_a "$MCPROBE" udp-stats 11211) || fail "UDP over $A's loopback stopped working"
echo "over $A's loopback after: $LOOP"

step "1c. loading twice: the same table, byte for byte; the file unchanged"
cp "$FILE" "$IT_DIR/file.1"
mh firewall --profile debian
[ "$RC" = 0 ] || fail "the second firewall exited $RC"
table >"$IT_DIR/table.2"
cmp "$IT_DIR/table.1" "$IT_DIR/table.2" || fail "the second load gave another table"
cmp "$FILE" "$IT_DIR/file.1" || fail "the second load rewrote $FILE"
grep -qF "firewall: table inet memharden unchanged" <<<"$ERR" || fail "the second load does not say unchanged"
echo "two loads: identical (sha256 $(sha256sum <"$IT_DIR/table.2" | cut -c1-16))"

step "1d. the persisted file alone, as the unit loads it at boot, in a fresh namespace"
booted=$(unshare --net sh -c "nft -f '$FILE' && nft list table inet memharden") || fail "nft -f $FILE fails"
[ "$booted" = "$(cat "$IT_DIR/table.1")" ] || fail "the persisted file gives another table"
grep -q '^ExecStart=.*nft -f /etc/memharden/firewall.nft$' "$MEMHARDEN_SYSTEMD_UNITDIR/memharden-firewall.service" ||
        fail "the unit does not load $FILE"
echo "the persisted file loads the same table"

step "1e. --remove restores the earlier behaviour"
mh firewall --remove
[ "$RC" = 0 ] || fail "firewall --remove exited $RC"
! table >/dev/null 2>&1 || fail "the table is still loaded"
[ ! -e "$FILE" ] && [ ! -L "$LINK" ] || fail "--remove left $FILE or $LINK"
in_a nft list ruleset | cmp -s - "$IT_DIR/ruleset.before" || fail "the ruleset is not the one from before"
REMOVED=$(in_b "$MCPROBE" udp-stats 11211 10.213.0.1) || fail "no UDP reply from $B after --remove"
echo "from $B after --remove: $REMOVED"

step "2. a private listener: memcached -l 10.213.0.1,127.0.0.1 -U 11211"
mc_start 10.213.0.1,127.0.0.1 11211
in_b "$MCPROBE" tcp-setget 11211 10.213.0.1 10.214.0.2 || fail "TCP from 10.214.0.2 fails before the firewall: the case proves nothing"
mh firewall --profile debian
[ "$RC" = 0 ] || fail "firewall exited $RC"
table >"$IT_DIR/table.3"
echo "nft list table inet memharden:"
sed 's/^/    /' "$IT_DIR/table.3"
grep -qF $'\t\ttcp dport 11211 ip saddr 10.213.0.0/24 accept' "$IT_DIR/table.3" ||
        fail "TCP is not accepted from the interface's network 10.213.0.0/24"
in_b "$MCPROBE" tcp-setget 11211 10.213.0.1 10.213.0.2 || fail "TCP from 10.213.0.2 (the allowed network) fails"
! in_b "$MCPROBE" tcp-setget 11211 10.213.0.1 10.214.0.2 >/dev/null 2>&1 || fail "TCP from 10.214.0.2 still works"
echo "TCP from 10.214.0.2: dropped"
! in_b "$MCPROBE" udp-stats 11211 10.213.0.1 >/dev/null || fail "UDP still answers from $B"
in_a "$MCPROBE" udp-stats 11211 >/dev/null || fail "UDP over $A's loopback stopped working"
in_a "$MCPROBE" tcp-setget 11211 || fail "TCP over $A's loopback stopped working"
mh firewall --remove --json
[ "$RC" = 0 ] && jq -e '.firewall.removed' <<<"$OUT" >/dev/null || fail "firewall --remove --json: $OUT"
in_b "$MCPROBE" tcp-setget 11211 10.213.0.1 10.214.0.2 || fail "TCP from 10.214.0.2 fails after --remove"

echo
echo "PASS: firewall layer: UDP before $(sed 's/.*reply \([0-9]*\) bytes.*amplification \(.*\)/\1 bytes (\2)/' <<<"$BEFORE"), after: none"
